//! Whole-snapshot table tests of the blue-green cases of Argo's `rollout/service_test.go`,
//! `rollout/sync_test.go` and `rollout/controller_test.go`, each named after the Go test it ports (see
//! `planner_bluegreen.rs` for the conventions).
//!
//! Not ported:
//! * `TestComputeHashChangeTolerationBlueGreen`: finds the new ReplicaSet by template equality after
//!   Kubernetes' defaulting (`FindNewReplicaSet` step 3), which the planner does not reproduce;
//! * `TestBlueGreenAWSVerifyTargetGroups*`, `TestShouldVerifyTargetGroups`: AWS target-group verification
//!   is not planned;
//! * `TestReconcileRevisionHistoryLimit` (a blue-green rollout without Services in Go, calling the function
//!   alone): ported with a canary rollout in `planner_sync.rs`;
//! * the unit tests of `sendStateChangeEvents`, `isRollbackWithinWindow` and `promoteStable` with a
//!   workloadRef: covered through whole reconciles here and in `planner_sync.rs`, or not planned yet
//!   (workloadRef).

mod planner_support;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use planner_support::*;
use pretty_assertions::assert_eq;
use rollouts_api::keys::{REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION};
use rollouts_core::planner;
use serde_json::json;

/// `TestActiveServiceNotFound` / `TestPreviewServiceNotFound`: validation reports the missing Service
/// (an input of the planner), which writes InvalidSpec; without that report the reconcile stops at the
/// missing Service, as Go's lister NotFound does (`TestGetPreviewAndActiveServices`).
fn service_not_found(missing: &str, field: &str) {
    let mut r = blue_green_rollout("foo", 1, None, "active-svc", "preview-svc");
    st(&mut r).conditions.clear();
    let present = if missing == "active-svc" {
        "preview-svc"
    } else {
        "active-svc"
    };
    let services = [go_service(present, json!(null), Some("foo"))];
    let message = format!(
        "The Rollout \"foo\" is invalid: spec.strategy.blueGreen.{field}: Invalid value: \"{missing}\": service \"{missing}\" not found"
    );
    let mut snap = snapshot_with_services(&r, &[], &services);
    snap.invalid_spec = Some(message.clone());
    let plan = planner::plan(&snap);
    assert!(plan.actions.is_empty(), "{:?}", plan.actions);
    assert_eq!(
        status_patch(&r, &plan),
        Some(json!({"status": {
            "conditions": [cond("InvalidSpec", "True", "InvalidSpec", &message)],
            "phase": "Degraded",
            "message": format!("InvalidSpec: {message}"),
            "observedGeneration": "123"
        }}))
    );

    // With a ReplicaSet and a Progressing condition (so that the reconcile reaches the Services without
    // writing FoundNewReplicaSet first) and no validation report.
    let r = blue_green_rollout("foo", 1, None, "active-svc", "preview-svc");
    let rs = new_replica_set_with_status(&r, 1, 1);
    let plan = planner::plan(&snapshot_with_services(&r, &[rs], &services));
    assert!(
        plan.actions.is_empty() && plan.status.is_none() && plan.requeue_after.is_none(),
        "{plan:?}"
    );
}

#[test]
fn test_active_service_not_found() {
    // TestActiveServiceNotFound, TestGetPreviewAndActiveServices/"Active not found"
    service_not_found("active-svc", "activeService");
}

#[test]
fn test_preview_service_not_found() {
    // TestPreviewServiceNotFound, TestGetPreviewAndActiveServices/"Preview not found"
    service_not_found("preview-svc", "previewService");
}

#[test]
fn test_blue_green_promote_full() {
    // TestBlueGreenPromoteFull: promoteFull skips the pause and both analyses: the active Service switches
    // and the new ReplicaSet becomes stable, clearing promoteFull.
    let mut r1 = blue_green_rollout("foo", 10, None, "active", "preview");
    let analysis: rollouts_api::rollout::RolloutAnalysis =
        serde_json::from_value(json!({"templates": [{"templateName": "bar"}]})).expect("analysis");
    bg(&mut r1).auto_promotion_enabled = Some(false);
    bg(&mut r1).pre_promotion_analysis = Some(analysis.clone());
    bg(&mut r1).post_promotion_analysis = Some(analysis);
    let rs1 = new_replica_set_with_status(&r1, 10, 10);
    let h1 = hash(&r1);
    st(&mut r1).stable_rs.clone_from(&h1);
    st(&mut r1).blue_green.active_selector.clone_from(&h1);
    st(&mut r1).blue_green.preview_selector.clone_from(&h1);
    let mut r2 = bump_version(&r1);
    st(&mut r2).promote_full = true;
    let rs2 = new_replica_set_with_status(&r2, 10, 10);
    let h2 = hash(&r2);
    st(&mut r2).blue_green.preview_selector.clone_from(&h2);
    let services = [hash_service("active", &h1), hash_service("preview", &h2)];
    let plan = planner::plan(&snapshot_with_services(&r2, &[rs1, rs2], &services));
    assert_eq!(writes(&plan), [&switch_selector("active", &h2)]);
    let status = plan.status.expect("status");
    assert_eq!(status.stable_rs, h2);
    assert_eq!(status.blue_green.active_selector, h2);
    assert!(!status.promote_full);
}

#[test]
fn test_dont_sync_rollouts_with_empty_pod_selector() {
    // TestDontSyncRolloutsWithEmptyPodSelector: an active Service without a hash selector is not switched
    // to a ReplicaSet that is not available yet: create, then scale up and write the status.
    let r = blue_green_rollout("foo", 1, None, "active", "");
    let mut cluster =
        Cluster::new(r.clone(), vec![]).with_service(go_service("active", json!(null), Some("foo")));
    let first = cluster.plan();
    assert_eq!(created(&first).len(), 1);
    assert_eq!(writes(&first).len(), 1, "{:?}", first.actions);
    assert!(first.status.is_some());
    cluster.apply(&first);
    let second = cluster.plan();
    assert_eq!(
        writes(&second),
        [&rs_write(&format!("foo-{}", hash(&r)), Some(1), &[])]
    );
    assert!(second.status.is_some());
}

#[test]
fn test_adopt_replica_set() {
    // TestAdoptReplicaSet (blue-green): a rollout without conditions finds its ReplicaSet (Go writes
    // FoundNewReplicaSet with UpdateStatus, then the final status), and the preview Service follows it.
    let mut r = blue_green_rollout("foo", 1, None, "active", "preview");
    st(&mut r).conditions.clear();
    let rs = new_replica_set(&r, 1);
    let h = hash(&r);
    let services = [
        go_service("preview", json!(null), Some("foo")),
        go_service("active", json!(null), Some("foo")),
    ];
    let plan = planner::plan(&snapshot_with_services(&r, std::slice::from_ref(&rs), &services));
    assert_eq!(writes(&plan), [&switch_selector("preview", &h)]);
    assert_eq!(
        status_patch(&r, &plan),
        Some(json!({"status": {
            "blueGreen": {"previewSelector": h},
            "conditions": [progressing_rs(&rs_name(&rs)), available(false), completed(true)],
            "selector": "foo=bar",
            "stableRS": h,
            "phase": "Progressing",
            "message": "more replicas need to be updated",
            "observedGeneration": "123"
        }}))
    );
}

#[test]
fn test_switch_blue_green_to_canary() {
    // TestSwitchBlueGreenToCanary: the blue-green status is dropped and the steps start past their end.
    let r = blue_green_rollout("foo", 1, None, "active", "preview");
    let rs = new_replica_set_with_status(&r, 1, 1);
    let h = hash(&r);
    let mut r = update_blue_green_rollout_status(&r, "", &h, &h, 1, 1, 1, 1, false, true, true);
    r.spec.strategy.blue_green = None;
    r.spec.strategy.canary =
        Some(serde_json::from_value(json!({"steps": [{"setWeight": 1}]})).expect("canary"));
    let plan = planner::plan(&snapshot_with_services(
        &r,
        std::slice::from_ref(&rs),
        &[go_service("active", json!(null), Some("foo"))],
    ));
    assert!(writes(&plan).is_empty(), "{:?}", plan.actions);
    assert_eq!(
        status_patch(&r, &plan),
        Some(json!({"status": {
            "blueGreen": {"activeSelector": null},
            "conditions": [available(true), completed(true), progressing_rs(&rs_name(&rs))],
            "currentStepIndex": 1,
            "currentStepHash": rollouts_core::conditions::compute_step_hash(&r),
            "selector": "foo=bar",
            "observedGeneration": "123"
        }}))
    );
}

#[test]
fn test_pod_template_hash_equivalence() {
    // TestPodTemplateHashEquivalence (blue-green): equivalent quantities hash the same, to Go's name.
    let resources = [
        json!({"limits": {"cpu": "2000m", "memory": "8192M"}, "requests": {"cpu": "150m", "memory": "8192M"}}),
        json!({"limits": {"cpu": "2", "memory": "8192M"}, "requests": {"cpu": "0.15", "memory": "8192M"}}),
    ];
    for resources in resources {
        let mut r = blue_green_rollout("guestbook", 1, None, "active", "");
        r.spec.template.spec.as_mut().expect("spec").containers[0].resources =
            Some(serde_json::from_value(resources).expect("resources"));
        let mut cluster =
            Cluster::new(r, vec![]).with_service(go_service("active", json!(null), Some("guestbook")));
        let first = cluster.plan();
        assert_eq!(rs_name(created(&first)[0]), "guestbook-6f496f9f78");
        cluster.apply(&first);
        assert!(cluster.plan().status.is_some());
    }
}

#[test]
fn test_should_full_promote_rollback_within_window() {
    // Test_shouldFullPromote (blue-green half): back to a ReplicaSet older than the stable one within the
    // rollback window: fast-tracked to active, then promoted "Rollback within window".
    let mut r1 = blue_green_rollout("foo", 1, None, "active", "");
    r1.spec.rollback_window = Some(serde_json::from_value(json!({"revisions": 1})).expect("window"));
    let r2 = bump_version(&r1);
    let mut old = new_replica_set_with_status(&r1, 1, 1);
    old.metadata.creation_timestamp = Some(Time(at(-60)));
    let mut stable = new_replica_set_with_status(&r2, 1, 1);
    stable.metadata.creation_timestamp = Some(Time(now()));
    let (h1, h2) = (hash(&r1), hash(&r2));
    // The user sets r1's template again on the rollout at revision 2.
    let mut r3 = r2.clone();
    r3.spec.template = r1.spec.template.clone();
    st(&mut r3).current_pod_hash.clone_from(&h2);
    let r3 = update_blue_green_rollout_status(&r3, "", &h2, &h2, 1, 1, 2, 1, false, true, true);
    let mut cluster = Cluster::new(r3, vec![old.clone(), stable]).with_service(hash_service("active", &h2));

    // The template change: the old ReplicaSet's revision moves on (and the rollout's follows), and the
    // status is reset.
    let first = cluster.plan();
    let revision = [
        (REVISION_ANNOTATION, Some("3")),
        (REVISION_HISTORY_ANNOTATION, Some("1")),
    ];
    assert_eq!(
        writes(&first),
        [
            &rs_write(&rs_name(&old), None, &revision),
            &rollouts_core::Action::PatchRollout {
                patch: json!({"metadata": {"annotations": {REVISION_ANNOTATION: "3"}}})
            },
        ]
    );
    assert_eq!(first.status.as_ref().expect("status").current_pod_hash, h1);

    cluster.apply(&first);
    let plan = cluster.plan();
    assert_eq!(writes(&plan), [&switch_selector("active", &h1)]);
    let status = plan.status.as_ref().expect("status");
    assert_eq!(
        (
            status.stable_rs.as_str(),
            status.blue_green.active_selector.as_str()
        ),
        (h1.as_str(), h1.as_str())
    );
    let message = format!("Rollout completed update to revision 3 ({h1}): Rollback within window");
    assert!(
        event_texts(&plan).contains(&("RolloutCompleted".into(), message)),
        "{:?}",
        event_texts(&plan)
    );
}
