//! Whole-snapshot table tests of the canary planner's scaling, each modelled on the Argo test it names in
//! `rollout/canary_test.go`: the first ReplicaSet, weights, old ReplicaSets, rollbacks and the rollback
//! window; the same expected writes and status patch (minus `status.duration`, not tracked).

mod planner_support;

use jiff::SignedDuration;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use planner_support::*;
use pretty_assertions::assert_eq;
use rollouts_api::keys::{REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION};
use rollouts_core::conditions::compute_step_hash;
use rollouts_core::{Action, planner};
use serde_json::json;

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
