//! Whole-snapshot table tests of the canary planner, each modelled on the Argo test it names in
//! `rollout/canary_test.go`: the same rollout, ReplicaSets and status, and the same expected writes and
//! status patch (minus `status.duration`, which the planner does not track).

mod planner_support;

use jiff::SignedDuration;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use planner_support::*;
use pretty_assertions::assert_eq;
use rollouts_api::enums::PauseReason;
use rollouts_api::keys::{REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION};
use rollouts_api::rollout::PauseCondition;
use rollouts_core::conditions::{compute_step_hash, set_rollout_condition};
use rollouts_core::{Action, EventType, planner};
use serde_json::json;

fn rs_name(rs: &k8s_openapi::api::apps::v1::ReplicaSet) -> String {
    rs.metadata.name.clone().expect("name")
}

/// `newProgressingCondition(RolloutPausedReason, ...)` and `newPausedCondition(true)` on the rollout.
fn set_paused_conditions(ro: &mut rollouts_api::Rollout) {
    set_rollout_condition(
        st(ro),
        condition(cond(
            "Progressing",
            "Unknown",
            "RolloutPaused",
            "Rollout is paused",
        )),
    );
    set_rollout_condition(st(ro), condition(paused(true)));
}

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

#[test]
fn test_canary_rollout_create_first_replicaset_no_steps() {
    // TestCanaryRolloutCreateFirstReplicasetNoSteps: the first ReplicaSet goes straight to full scale and
    // stable ("Initial deploy").
    let mut r = canary_rollout("foo", 10, json!(null), None, json!(1), json!(0));
    st(&mut r).current_pod_hash = String::new();
    let mut cluster = Cluster::new(r.clone(), vec![]);
    let first = cluster.plan();
    let name = format!("foo-{}", hash(&r));
    let status = first.status.as_ref().expect("status");
    assert_eq!(status.conditions.len(), 1);
    assert_eq!(status.conditions[0].reason, "NewReplicaSetCreated");
    assert_eq!(
        status.conditions[0].message,
        format!("Created new replica set \"{name}\"")
    );
    cluster.apply(&first);

    let before = cluster.rollout.clone();
    let plan = cluster.plan();
    assert_eq!(scalings(&plan), [(name.clone(), 10)]);
    assert_eq!(
        status_patch(&before, &plan),
        Some(json!({"status": {
            "stableRS": hash(&r),
            "currentPodHash": hash(&r),
            "conditions": [progressing_rs(&name), available(false), completed(true)],
            "observedGeneration": "123"
        }}))
    );
    let message = format!(
        "Rollout completed update to revision 1 ({}): Initial deploy",
        hash(&r)
    );
    assert!(event_texts(&plan).contains(&("RolloutCompleted".into(), message)));
}

#[test]
fn test_canary_rollout_create_first_replicaset_with_steps() {
    // TestCanaryRolloutCreateFirstReplicasetWithSteps: the first deploy skips the steps.
    let mut r = canary_rollout("foo", 10, json!([{"setWeight": 10}]), None, json!(1), json!(0));
    st(&mut r).current_pod_hash = String::new();
    let mut cluster = Cluster::new(r.clone(), vec![]);
    cluster.apply(&cluster.plan());
    let before = cluster.rollout.clone();
    let plan = cluster.plan();
    let name = format!("foo-{}", hash(&r));
    assert_eq!(scalings(&plan), [(name.clone(), 10)]);
    assert_eq!(
        status_patch(&before, &plan),
        Some(json!({"status": {
            "stableRS": hash(&r),
            "currentStepIndex": 1,
            "currentPodHash": hash(&r),
            "conditions": [progressing_rs(&name), available(false), completed(true)],
            "observedGeneration": "123"
        }}))
    );
}

#[test]
fn test_canary_rollout_create_new_replica_with_correct_weight() {
    // TestCanaryRolloutCreateNewReplicaWithCorrectWeight: Go's stable hash "895c6c4f9" names no
    // ReplicaSet (it predates the current hashing), so the old ReplicaSet is an "other" one and surge
    // allows one new pod.
    let mut r1 = canary_rollout("foo", 10, json!([{"setWeight": 10}]), Some(0), json!(1), json!(0));
    assert_ne!(hash(&r1), "895c6c4f9");
    st(&mut r1).stable_rs = "895c6c4f9".into();
    let r2 = bump_version(&r1);
    let rs1 = new_replica_set_with_status(&r1, 10, 10);
    let mut cluster = Cluster::new(r2.clone(), vec![rs1]);
    let first = cluster.plan();
    assert_eq!(created(&first)[0].spec.replicas, Some(0));
    cluster.apply(&first);
    assert_eq!(scalings(&cluster.plan()), [(format!("foo-{}", hash(&r2)), 1)]);
}

#[test]
fn test_canary_rollout_scale_up_new_replica_with_correct_weight() {
    // TestCanaryRolloutScaleUpNewReplicaWithCorrectWeight (Go's stable hash names no ReplicaSet: the new
    // one grows within the surge while the old one still has its pods).
    let mut r1 = canary_rollout("foo", 5, json!([{"setWeight": 40}]), Some(0), json!(0), json!(1));
    st(&mut r1).stable_rs = "895c6c4f9".into();
    let r2 = bump_version(&r1);
    let rs1 = new_replica_set_with_status(&r1, 3, 3);
    let rs2 = new_replica_set_with_status(&r2, 1, 1);
    let plan = planner::plan(&snapshot(&r2, &[rs1, rs2.clone()]));
    assert_eq!(scalings(&plan), [(rs_name(&rs2), 2)]);
}

#[test]
fn test_canary_rollout_scale_down_stable_to_match_weight() {
    // TestCanaryRolloutScaleDownStableToMatchWeight: only the size changes.
    let mut r1 = canary_rollout("foo", 10, json!([{"setWeight": 10}]), Some(0), json!(0), json!(1));
    st(&mut r1).stable_rs = hash(&r1);
    let r2 = bump_version(&r1);
    let rs1 = new_replica_set_with_status(&r1, 10, 10);
    let rs2 = new_replica_set_with_status(&r2, 0, 0);
    let plan = planner::plan(&snapshot(&r2, &[rs1.clone(), rs2]));
    let updates = rs_updates(&plan);
    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0].name, rs_name(&rs1));
    assert_eq!(updates[0].replicas, Some(9));
    assert!(updates[0].annotations.is_empty() && updates[0].template_patch.is_none());
    let message = format!(
        "Scaled down ReplicaSet {} (revision 1) from 10 to 9",
        rs_name(&rs1)
    );
    assert!(event_texts(&plan).contains(&("ScalingReplicaSet".into(), message)));
}

#[test]
fn test_canary_rollout_scale_down_old_rs() {
    // TestCanaryRolloutScaleDownOldRs: an intermediate ReplicaSet is scaled down.
    let mut r1 = canary_rollout("foo", 10, json!([{"setWeight": 10}]), Some(0), json!(1), json!(0));
    st(&mut r1).stable_rs = hash(&r1);
    let r2 = bump_version(&r1);
    let r3 = bump_version(&r2);
    let rs1 = new_replica_set_with_status(&r1, 9, 9);
    let rs2 = new_replica_set_with_status(&r2, 1, 1);
    let rs3 = new_replica_set_with_status(&r3, 1, 1);
    let plan = planner::plan(&snapshot(&r3, &[rs1, rs2.clone(), rs3]));
    assert_eq!(scalings(&plan), [(rs_name(&rs2), 0)]);
}

#[test]
fn test_canary_rollout_scale_down_old_rs_dont_scale_down_too_much() {
    // TestCanaryRolloutScaleDownOldRsDontScaleDownTooMuch: newest revision first, within maxUnavailable.
    let r1 = canary_rollout("foo", 4, json!(null), Some(0), json!(1), json!(0));
    let r2 = bump_version(&r1);
    let mut r3 = bump_version(&r2);
    st(&mut r3).stable_rs = hash(&r3);
    let rs1 = new_replica_set_with_status(&r1, 5, 5);
    let rs2 = new_replica_set_with_status(&r2, 5, 5);
    let rs3 = new_replica_set_with_status(&r3, 5, 0);
    let plan = planner::plan(&snapshot(&r3, &[rs1.clone(), rs2.clone(), rs3]));
    assert_eq!(scalings(&plan), [(rs_name(&rs2), 0), (rs_name(&rs1), 4)]);
}

#[test]
fn test_roll_back_to_stable() {
    // TestRollBackToStable: going back to the stable template reuses its ReplicaSet (revision 3, history 1)
    // and skips the steps.
    let r1 = canary_rollout("foo", 10, json!([{"setWeight": 10}]), Some(0), json!(1), json!(0));
    let mut r2 = bump_version(&r1);
    let rs2 = new_replica_set_with_status(&r2, 1, 1);
    r2.spec.template = r1.spec.template.clone();
    let rs1 = new_replica_set_with_status(&r1, 9, 9);
    let r2 = update_canary_rollout_status(&r2, &hash(&r1), 10, 9, 10, false);

    let plan = planner::plan(&snapshot(&r2, &[rs1.clone(), rs2]));
    let updates = rs_updates(&plan);
    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0].name, rs_name(&rs1));
    assert_eq!(
        updates[0].annotations.get(REVISION_ANNOTATION),
        Some(&Some("3".into()))
    );
    assert_eq!(
        updates[0].annotations.get(REVISION_HISTORY_ANNOTATION),
        Some(&Some("1".into()))
    );
    assert!(plan.actions.contains(&Action::PatchRollout {
        patch: json!({"metadata": {"annotations": {REVISION_ANNOTATION: "3"}}})
    }));
    assert_eq!(
        status_patch(&r2, &plan),
        Some(json!({"status": {
            "currentPodHash": hash(&r1),
            "currentStepIndex": 1,
            "conditions": [progressing_rs(&rs_name(&rs1)), available(true), completed(true)],
            "observedGeneration": "124"
        }}))
    );
    assert!(event_texts(&plan).contains(&("SkipSteps".into(), "Rollback to stable ReplicaSets".into())));
}

#[test]
fn test_roll_back_to_active_replica_set_within_window() {
    // TestRollBackToActiveReplicaSetWithinWindow
    let r1 = canary_rollout("foo", 1, json!([{"setWeight": 10}]), Some(0), json!(1), json!(0));
    let mut r2 = bump_version(&r1);
    let mut rs1 = new_replica_set_with_status(&r1, 1, 1);
    let mut rs2 = new_replica_set_with_status(&r2, 1, 1);
    let rs2_hash = hash(&r2);
    r2.spec.rollback_window = Some(serde_json::from_value(json!({"revisions": 1})).expect("window"));
    rs1.metadata.creation_timestamp = Some(Time(now() - SignedDuration::from_hours(1)));
    rs2.metadata.creation_timestamp = Some(Time(now()));
    r2.spec.template = r1.spec.template.clone();
    // The old ReplicaSet is still up: twice the replicas.
    let r2 = update_canary_rollout_status(&r2, &rs2_hash, 2, 2, 2, false);

    let plan = planner::plan(&snapshot(&r2, &[rs1, rs2]));
    let status = plan.status.as_ref().expect("status");
    assert_eq!(status.current_pod_hash, hash(&r1));
    assert_eq!(status.current_step_index, Some(1));
    assert!(event_texts(&plan).contains(&(
        "SkipSteps".into(),
        "Rollback to active ReplicaSets within RollbackWindow".into()
    )));
}

#[test]
fn test_gradual_shift_to_new_stable() {
    // TestGradualShiftToNewStable: past the last step the stable shrinks as the canary becomes available.
    let r1 = canary_rollout("foo", 10, json!([{"setWeight": 10}]), Some(1), json!(3), json!(0));
    let r2 = bump_version(&r1);
    let rs2 = new_replica_set_with_status(&r2, 4, 4);
    let rs1 = new_replica_set_with_status(&r1, 9, 9);
    let r2 = update_canary_rollout_status(&r2, &hash(&r1), 13, 4, 13, false);

    let plan = planner::plan(&snapshot(&r2, &[rs1.clone(), rs2]));
    assert_eq!(scalings(&plan), [(rs_name(&rs1), 6)]);
    assert_eq!(
        status_patch(&r2, &plan),
        Some(json!({"status": {
            "conditions": [progressing_rollout("foo"), available(true), completed(false)],
            "observedGeneration": "124"
        }}))
    );
}

#[test]
fn test_roll_back_to_stable_and_step_change() {
    // TestRollBackToStableAndStepChange
    let r1 = canary_rollout("foo", 10, json!([{"setWeight": 10}]), Some(0), json!(1), json!(0));
    let mut r2 = bump_version(&r1);
    let rs2 = new_replica_set_with_status(&r2, 1, 1);
    r2.spec.template = r1.spec.template.clone();
    let rs1 = new_replica_set_with_status(&r1, 9, 9);
    let mut r2 = update_canary_rollout_status(&r2, &hash(&r1), 10, 9, 10, false);
    r2.spec.strategy.canary.as_mut().expect("canary").steps[0].set_weight = Some(20);

    let plan = planner::plan(&snapshot(&r2, &[rs1.clone(), rs2]));
    let updates = rs_updates(&plan);
    assert_eq!(
        updates[0].annotations.get(REVISION_ANNOTATION),
        Some(&Some("3".into()))
    );
    assert_eq!(
        updates[0].annotations.get(REVISION_HISTORY_ANNOTATION),
        Some(&Some("1".into()))
    );
    assert_eq!(
        status_patch(&r2, &plan),
        Some(json!({"status": {
            "currentPodHash": hash(&r1),
            "currentStepHash": compute_step_hash(&r2),
            "currentStepIndex": 1,
            "conditions": [progressing_rs(&rs_name(&rs1)), available(true), completed(true)],
            "observedGeneration": "124"
        }}))
    );
}

#[test]
fn test_canary_rollout_increment_step_if_set_weights_are_correct() {
    // TestCanaryRolloutIncrementStepIfSetWeightsAreCorrect
    let r1 = canary_rollout("foo", 10, json!([{"setWeight": 10}]), Some(0), json!(1), json!(0));
    let rs1 = new_replica_set_with_status(&r1, 9, 9);
    let r2 = bump_version(&r1);
    let rs2 = new_replica_set_with_status(&r2, 0, 0);
    let r3 = bump_version(&r2);
    let rs3 = new_replica_set_with_status(&r3, 1, 1);
    let r3 = update_canary_rollout_status(&r3, &hash(&r1), 10, 1, 10, false);

    let plan = planner::plan(&snapshot(&r3, &[rs1, rs2, rs3.clone()]));
    assert!(writes(&plan).is_empty(), "{:?}", plan.actions);
    assert_eq!(
        status_patch(&r3, &plan),
        Some(json!({"status": {
            "currentStepIndex": 1,
            "conditions": [progressing_rs(&rs_name(&rs3)), available(true), completed(false)],
            "observedGeneration": "125"
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
