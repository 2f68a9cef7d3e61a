//! Whole-snapshot table tests of the canary planner's steps, pauses and aborts, each modelled on the Argo
//! test it names in `rollout/canary_test.go`: the same rollout, ReplicaSets and status, and the same
//! expected writes and status patch (minus `status.duration`, which the planner does not track).

mod planner_support;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use planner_support::*;
use pretty_assertions::assert_eq;
use rollouts_api::enums::PauseReason;
use rollouts_api::keys::REVISION_ANNOTATION;
use rollouts_api::rollout::PauseCondition;
use rollouts_core::conditions::{compute_step_hash, set_rollout_condition};
use rollouts_core::{Action, EventType, planner};
use serde_json::json;

#[test]
fn test_canary_rollout_bump_version() {
    // TestCanaryRolloutBumpVersion: the new ReplicaSet is created with 0 replicas and revision 2, the
    // rollout's revision follows, the reconcile ends; the next one scales it.
    let mut r1 = canary_rollout("foo", 10, json!(null), Some(0), json!(1), json!(0));
    let rs1 = new_replica_set_with_status(&r1, 10, 10);
    st(&mut r1).stable_rs = hash(&r1);
    let mut r2 = bump_version(&r1);
    r2.metadata
        .annotations
        .as_mut()
        .expect("a")
        .insert(REVISION_ANNOTATION.into(), "1".into());
    let mut cluster = Cluster::new(r2.clone(), vec![rs1]);

    let plan = cluster.plan();
    let created = created(&plan);
    assert_eq!(created.len(), 1);
    assert_eq!(rs_name(created[0]), format!("foo-{}", hash(&r2)));
    assert_eq!(created[0].spec.replicas, Some(0));
    assert_eq!(
        created[0].metadata.annotations.as_ref().expect("a")[REVISION_ANNOTATION],
        "2"
    );
    assert!(plan.actions.contains(&Action::PatchRollout {
        patch: json!({"metadata": {"annotations": {REVISION_ANNOTATION: "2"}}})
    }));
    let name = format!("foo-{}", hash(&r2));
    assert_eq!(
        event_texts(&plan),
        [
            ("RolloutUpdated".into(), "Rollout updated to revision 2".into()),
            (
                "NewReplicaSetCreated".into(),
                format!("Created ReplicaSet {name} (revision 2)")
            ),
        ]
    );
    let progressing = plan.status.as_ref().expect("status").conditions[0].clone();
    assert_eq!(
        serde_json::to_value(progressing).expect("json"),
        cond(
            "Progressing",
            "True",
            "NewReplicaSetCreated",
            &format!("Created new replica set \"{name}\"")
        )
    );

    cluster.apply(&plan);
    let plan = cluster.plan();
    assert_eq!(scalings(&plan), [(name, 1)]);
}

#[test]
fn test_canary_rollout_enter_pause_state() {
    // TestCanaryRolloutEnterPauseState
    let steps = json!([{"pause": {}}]);
    let r1 = canary_rollout("foo", 10, steps, Some(0), json!(1), json!(0));
    let r2 = bump_version(&r1);
    let rs1 = new_replica_set_with_status(&r1, 10, 10);
    let rs2 = new_replica_set_with_status(&r2, 0, 0);
    let r2 = update_canary_rollout_status(&r2, &hash(&r1), 10, 0, 10, false);

    let plan = planner::plan(&snapshot(&r2, &[rs1, rs2]));
    assert!(writes(&plan).is_empty(), "{:?}", plan.actions);
    assert_eq!(
        status_patch(&r2, &plan),
        Some(json!({"status": {
            "pauseConditions": [{"reason": "CanaryPauseStep", "startTime": ts(now())}],
            "conditions": [progressing_rollout("foo"), available(true), completed(false)],
            "controllerPause": true,
            "phase": "Paused",
            "message": "CanaryPauseStep",
            "observedGeneration": "124"
        }}))
    );
    assert!(event_texts(&plan).contains(&(
        "RolloutPaused".into(),
        "Rollout is paused (CanaryPauseStep)".into()
    )));
}

#[test]
fn test_canary_rollout_no_progress_while_paused() {
    // TestCanaryRolloutNoProgressWhilePaused: nothing is scaled and the step does not move.
    let r1 = canary_rollout("foo", 10, json!([{"pause": {}}]), Some(0), json!(1), json!(0));
    let mut r2 = bump_version(&r1);
    set_paused_conditions(&mut r2);
    let rs1 = new_replica_set_with_status(&r1, 10, 10);
    let rs2 = new_replica_set_with_status(&r2, 0, 0);
    let r2 = update_canary_rollout_status(&r2, &hash(&r1), 10, 0, 10, true);

    let plan = planner::plan(&snapshot(&r2, &[rs1, rs2]));
    assert!(writes(&plan).is_empty(), "{:?}", plan.actions);
    let status = plan.status.expect("status");
    assert_eq!(status.current_step_index, Some(0));
    assert_eq!(status.pause_conditions, st(&mut r2.clone()).pause_conditions);
}

#[test]
fn test_canary_rollout_update_pause_condition_while_paused() {
    // TestCanaryRolloutUpdatePauseConditionWhilePaused: only the observed generation is written.
    let r1 = canary_rollout("foo", 10, json!([{"pause": {}}]), Some(0), json!(1), json!(0));
    let mut r2 = bump_version(&r1);
    set_paused_conditions(&mut r2);
    set_rollout_condition(st(&mut r2), condition(available(true)));
    set_rollout_condition(st(&mut r2), condition(completed(false)));
    let rs1 = new_replica_set_with_status(&r1, 10, 10);
    let rs2 = new_replica_set_with_status(&r2, 0, 0);
    let r2 = update_canary_rollout_status(&r2, &hash(&r1), 10, 0, 10, true);

    let plan = planner::plan(&snapshot(&r2, &[rs1, rs2]));
    assert!(plan.actions.is_empty(), "{:?}", plan.actions);
    assert_eq!(
        status_patch(&r2, &plan),
        Some(json!({"status": {"observedGeneration": "124"}}))
    );
}

#[test]
fn test_canary_rollout_reset_progress_deadline_on_retry() {
    // TestCanaryRolloutResetProgressDeadlineOnRetry: `abort: false` after an abort writes RolloutRetry and
    // ends the reconcile.
    let r1 = canary_rollout("foo", 10, json!([{"pause": {}}]), Some(0), json!(1), json!(0));
    let mut r2 = bump_version(&r1);
    let aborted = cond(
        "Progressing",
        "False",
        "RolloutAborted",
        "Rollout aborted update to revision 2",
    );
    set_rollout_condition(st(&mut r2), condition(aborted));
    let rs1 = new_replica_set_with_status(&r1, 10, 10);
    let rs2 = new_replica_set_with_status(&r2, 0, 0);
    let mut r2 = update_canary_rollout_status(&r2, &hash(&r1), 10, 0, 10, false);
    st(&mut r2).observed_generation = "124".into();

    let plan = planner::plan(&snapshot(&r2, &[rs1, rs2]));
    assert!(plan.actions.is_empty(), "{:?}", plan.actions);
    assert_eq!(
        status_patch(&r2, &plan),
        Some(json!({"status": {
            "conditions": [cond("Progressing", "Unknown", "RolloutRetry", "Retrying Rollout after abort")],
            "phase": "Progressing",
            "message": "more replicas need to be updated"
        }}))
    );
}

#[test]
fn test_canary_rollout_increment_step_after_un_paused() {
    // TestCanaryRolloutIncrementStepAfterUnPaused: controllerPause without a condition is a resume.
    let r1 = canary_rollout("foo", 10, json!([{"pause": {}}]), Some(0), json!(1), json!(0));
    let rs1 = new_replica_set_with_status(&r1, 10, 10);
    let r2 = bump_version(&r1);
    let rs2 = new_replica_set_with_status(&r2, 0, 0);
    let mut r2 = update_canary_rollout_status(&r2, &hash(&r1), 10, 0, 10, false);
    st(&mut r2).controller_pause = true;

    let plan = planner::plan(&snapshot(&r2, &[rs1, rs2.clone()]));
    assert!(writes(&plan).is_empty(), "{:?}", plan.actions);
    assert_eq!(
        status_patch(&r2, &plan),
        Some(json!({"status": {
            "controllerPause": null,
            "conditions": [progressing_rs(&rs_name(&rs2)), available(true), completed(false)],
            "currentStepIndex": 1,
            "observedGeneration": "124"
        }}))
    );
    assert!(event_texts(&plan).contains(&(
        "RolloutStepCompleted".into(),
        "Rollout step 1/1 completed (pause)".into()
    )));
}

#[test]
fn test_canary_rollout_update_status_when_at_end_of_steps() {
    // TestCanaryRolloutUpdateStatusWhenAtEndOfSteps: past the last step with the new ReplicaSet
    // available, it becomes stable.
    let r1 = canary_rollout("foo", 10, json!([{"pause": {}}]), Some(1), json!(1), json!(0));
    let r2 = bump_version(&r1);
    let rs1 = new_replica_set_with_status(&r1, 0, 0);
    let rs2 = new_replica_set_with_status(&r2, 10, 10);
    let r2 = update_canary_rollout_status(&r2, &hash(&r1), 10, 10, 10, false);

    let plan = planner::plan(&snapshot(&r2, &[rs1, rs2.clone()]));
    assert!(writes(&plan).is_empty(), "{:?}", plan.actions);
    assert_eq!(
        status_patch(&r2, &plan),
        Some(json!({"status": {
            "stableRS": hash(&r2),
            "conditions": [progressing_rs(&rs_name(&rs2)), available(true), completed(true)],
            "phase": "Healthy",
            "message": null,
            "observedGeneration": "124"
        }}))
    );
    let message = format!(
        "Rollout completed update to revision 2 ({}): Completed all 1 canary steps",
        hash(&r2)
    );
    assert!(event_texts(&plan).contains(&("RolloutCompleted".into(), message)));
}

#[test]
fn test_reset_current_step_index_on_step_change() {
    // TestResetCurrentStepIndexOnStepChange: new steps reset the step index (two reconciles: create, reset).
    let r1 = canary_rollout("foo", 10, json!([{"pause": {}}]), Some(1), json!(0), json!(1));
    let mut r2 = bump_version(&r1);
    let expected_pod_hash = hash(&r2);
    r2.spec
        .strategy
        .canary
        .as_mut()
        .expect("canary")
        .steps
        .push(serde_json::from_value(json!({"pause": {}})).expect("step"));
    let expected_step_hash = compute_step_hash(&r2);
    let rs1 = new_replica_set_with_status(&r1, 10, 10);
    let mut r2 = update_canary_rollout_status(&r2, &hash(&r1), 10, 0, 10, false);
    st(&mut r2).current_pod_hash = hash(&r1);
    let mut cluster = Cluster::new(r2, vec![rs1]);

    let first = cluster.plan();
    assert_eq!(created(&first).len(), 1);
    cluster.apply(&first);
    let before = cluster.rollout.clone();
    let plan = cluster.plan();
    assert_eq!(
        status_patch(&before, &plan),
        Some(json!({"status": {
            "currentStepIndex": 0,
            "currentPodHash": expected_pod_hash,
            "currentStepHash": expected_step_hash,
            "conditions": [progressing_rs(&format!("foo-{expected_pod_hash}")), available(true), completed(false)],
            "observedGeneration": "124"
        }}))
    );
}

#[test]
fn test_reset_current_step_index_on_pod_spec_change() {
    // TestResetCurrentStepIndexOnPodSpecChange
    let r1 = canary_rollout("foo", 10, json!([{"pause": {}}]), Some(1), json!(0), json!(1));
    let r2 = bump_version(&r1);
    let rs1 = new_replica_set_with_status(&r1, 10, 10);
    let expected_pod_hash = hash(&r2);
    let mut r2 = update_canary_rollout_status(&r2, &hash(&r1), 10, 0, 10, false);
    st(&mut r2).current_pod_hash = hash(&r1);
    let mut cluster = Cluster::new(r2, vec![rs1]);

    cluster.apply(&cluster.plan());
    let before = cluster.rollout.clone();
    let plan = cluster.plan();
    assert_eq!(
        status_patch(&before, &plan),
        Some(json!({"status": {
            "currentStepIndex": 0,
            "currentPodHash": expected_pod_hash,
            "conditions": [progressing_rs(&format!("foo-{expected_pod_hash}")), available(true), completed(false)],
            "observedGeneration": "124"
        }}))
    );
}

/// The rollout of `TestSyncRolloutWait*`: at a timed pause step that started `started` seconds ago.
fn waiting_rollout(
    pause_seconds: i64,
    started: i64,
) -> (rollouts_api::Rollout, Vec<k8s_openapi::api::apps::v1::ReplicaSet>) {
    let steps = json!([{"setWeight": 10}, {"pause": {"duration": pause_seconds}}, {"pause": {}}]);
    let r1 = canary_rollout("foo", 10, steps, Some(1), json!(1), json!(0));
    let r2 = bump_version(&r1);
    let rs1 = new_replica_set_with_status(&r1, 9, 9);
    let rs2 = new_replica_set_with_status(&r2, 1, 1);
    let mut r2 = update_canary_rollout_status(&r2, &hash(&r1), 10, 1, 10, false);
    set_paused_conditions(&mut r2);
    st(&mut r2).observed_generation = "124".into();
    st(&mut r2).controller_pause = true;
    st(&mut r2).pause_conditions = vec![PauseCondition {
        reason: Some(PauseReason::CanaryPauseStep),
        start_time: Some(Time(at(-started))),
    }];
    (r2, vec![rs1, rs2])
}

#[test]
fn test_sync_rollout_wait_add_to_queue() {
    // TestSyncRolloutWaitAddToQueue: a reconcile is requested when the pause expires.
    let (r2, rss) = waiting_rollout(10, 0);
    let plan = planner::plan(&snapshot(&r2, &rss));
    assert!(writes(&plan).is_empty(), "{:?}", plan.actions);
    assert_eq!(plan.requeue_after, Some(std::time::Duration::from_millis(10_001)));
}

#[test]
fn test_sync_rollout_ignore_wait_outside_of_reconciliation_period() {
    // TestSyncRolloutIgnoreWaitOutsideOfReconciliationPeriod: Go leaves a one-hour pause to its resync
    // (30 min); the planner knows no resync period and always asks for the expiry.
    let (r2, rss) = waiting_rollout(3600, 0);
    let plan = planner::plan(&snapshot(&r2, &rss));
    assert_eq!(
        plan.requeue_after,
        Some(std::time::Duration::from_millis(3_600_001))
    );
}

#[test]
fn test_sync_rollout_wait_increment_step_index() {
    // TestSyncRolloutWaitIncrementStepIndex: an expired pause moves to the next step.
    let (r2, rss) = waiting_rollout(5, 10);
    let plan = planner::plan(&snapshot(&r2, &rss));
    assert_eq!(
        status_patch_without_conditions(&r2, &plan),
        json!({"status": {"controllerPause": null, "pauseConditions": null, "currentStepIndex": 2}})
    );
}

#[test]
fn test_canary_rollout_status_hpa_status_fields() {
    // TestCanaryRolloutStatusHPAStatusFields
    let steps = json!([{"setWeight": 20}, {"pause": {}}]);
    let mut r1 = canary_rollout("foo", 5, steps, Some(1), json!(1), json!(0));
    st(&mut r1).selector = String::new();
    let mut r2 = bump_version(&r1);
    set_paused_conditions(&mut r2);
    let rs1 = new_replica_set_with_status(&r1, 4, 4);
    let rs2 = new_replica_set_with_status(&r2, 1, 1);
    let r2 = update_canary_rollout_status(&r2, &hash(&r1), 5, 1, 10, true);
    let plan = planner::plan(&snapshot(&r2, &[rs1, rs2]));
    assert_eq!(
        status_patch_without_conditions(&r2, &plan),
        json!({"status": {"HPAReplicas": 5, "selector": "foo=bar", "observedGeneration": "124"}})
    );
}

#[test]
fn test_canary_rollout_scale_while_paused() {
    // TestCanaryRolloutScaleWhilePaused: a scaling event rescales without moving through the steps.
    let r1 = canary_rollout("foo", 5, json!([{"setWeight": 20}]), Some(0), json!(1), json!(0));
    let r2 = bump_version(&r1);
    let rs1 = new_replica_set_with_status(&r1, 5, 5);
    let rs2 = new_replica_set_with_status(&r2, 0, 0);
    let mut r2 = update_canary_rollout_status(&r2, &hash(&r1), 5, 0, 5, true);
    r2.spec.replicas = Some(10);
    set_paused_conditions(&mut r2);
    let plan = planner::plan(&snapshot(&r2, &[rs1.clone(), rs2]));
    assert_eq!(scalings(&plan), [(rs_name(&rs1), 8)]);
    assert_eq!(
        status_patch_without_conditions(&r2, &plan),
        json!({"status": {"observedGeneration": "124"}})
    );
}

#[test]
fn test_handle_canary_abort_scale_up_stable_replica_set() {
    // TestHandleCanaryAbort/"Scale up stable ReplicaSet": weight 0, Degraded, back to step 0.
    let steps = json!([{"setWeight": 10}, {"setWeight": 20}, {"setWeight": 30}]);
    let r1 = canary_rollout("foo", 10, steps, Some(1), json!(1), json!(0));
    let rs1 = new_replica_set_with_status(&r1, 9, 9);
    let r2 = bump_version(&r1);
    let rs2 = new_replica_set_with_status(&r2, 1, 1);
    let mut r2 = update_canary_rollout_status(&r2, &hash(&r1), 10, 1, 10, false);
    st(&mut r2).abort = true;
    st(&mut r2).aborted_at = Some(Time(now()));

    let plan = planner::plan(&snapshot(&r2, &[rs1.clone(), rs2]));
    assert_eq!(scalings(&plan), [(rs_name(&rs1), 10)]);
    let message = "Rollout aborted update to revision 2";
    assert_eq!(
        status_patch(&r2, &plan),
        Some(json!({"status": {
            "currentStepIndex": 0,
            "conditions": [cond("Progressing", "False", "RolloutAborted", message), available(true), completed(false)],
            "phase": "Degraded",
            "message": format!("RolloutAborted: {message}"),
            "observedGeneration": "124"
        }}))
    );
    let aborted = events(&plan)
        .into_iter()
        .find(|e| e.reason == "RolloutAborted")
        .expect("event");
    assert_eq!(
        (aborted.kind, aborted.message.as_str()),
        (EventType::Warning, message)
    );
}

#[test]
fn test_handle_canary_abort_reset_abort_if_new_rs_is_stable_rs() {
    // TestHandleCanaryAbort/"Do not reset currentStepCount and reset abort if newRS is stableRS"
    let steps = json!([{"setWeight": 10}, {"setWeight": 20}, {"setWeight": 30}]);
    let mut r1 = canary_rollout("foo", 2, steps, Some(3), json!(1), json!(0));
    st(&mut r1).abort = true;
    st(&mut r1).aborted_at = Some(Time(now()));
    let rs1 = new_replica_set_with_status(&r1, 2, 2);
    let r1 = update_canary_rollout_status(&r1, &hash(&r1), 2, 2, 2, false);
    let plan = planner::plan(&snapshot(&r1, &[rs1]));
    assert!(plan.actions.is_empty(), "{:?}", plan.actions);
    assert_eq!(
        status_patch(&r1, &plan),
        Some(json!({"status": {
            "abort": null,
            "abortedAt": null,
            "conditions": [progressing_rollout("foo"), available(true), completed(true)],
            "observedGeneration": "123"
        }}))
    );
}
