//! Whole-snapshot table tests of the blue-green planner, each modelled on the Argo test it names in
//! `rollout/bluegreen_test.go`: the same rollout, ReplicaSets, Services and status, and the same expected
//! writes (Service patches, ReplicaSet writes), Events and status patch (minus `status.duration`, which the
//! planner does not track). This file covers creation, the preview Service and the pause;
//! `planner_bluegreen_scaling.rs` covers scaling, scale-down delays and aborts;
//! `planner_bluegreen_sync.rs` the blue-green cases of `service_test.go`, `sync_test.go` and
//! `controller_test.go`; `planner_bluegreen_features.rs` those of `ephemeralmetadata_test.go` and
//! `replicaset_test.go`, and the progress-deadline abort.
//!
//! Go's fixture checks the verb and resource of every client action in order, and a patch's body only
//! where the test reads it back; where Go does not read a status patch back, the status is still asserted
//! here, with the value Go's code computes. No test of `bluegreen_test.go` needs an AnalysisRun: all of
//! them are ported.
//!
//! Not ported: the blue-green tests of `analysis_test.go` (`TestCreatePrePromotionAnalysisRun`,
//! `TestRolloutPrePromotionAnalysis*`, `TestAbortRolloutOnError{Pre,Post}PromotionAnalysis`,
//! `TestRolloutPostPromotionAnalysisSuccess`, `TestPostPromotionAnalysisRunHandleInconclusive`,
//! `TestSkip{Pre,Post}PromotionAnalysisRun`, ...): the planner neither creates runs nor reconciles the
//! current ones (`reconcileAnalysisRuns`: inconclusive pause, abort on failure, and recording the runs in
//! `status.blueGreen.{pre,post}PromotionAnalysisRunStatus`, which its status therefore drops).

mod planner_support;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use planner_support::*;
use pretty_assertions::assert_eq;
use rollouts_api::enums::PauseReason;
use rollouts_api::rollout::PauseCondition;
use rollouts_core::conditions::set_rollout_condition;
use rollouts_core::planner;
use serde_json::json;

/// `newProgressingCondition(RolloutPausedReason, ...)`: Unknown, "Rollout is paused".
fn progressing_paused() -> serde_json::Value {
    cond("Progressing", "Unknown", "RolloutPaused", "Rollout is paused")
}

/// The first two reconciles of a new blue-green rollout (`TestBlueGreenCreatesReplicaSet` and its
/// variants): the ReplicaSet is created with the NewReplicaSetCreated condition, then the preview Service
/// follows it, it is scaled up and promoted as the initial deploy.
fn first_deploy(conditions: Vec<serde_json::Value>, expected_conditions: serde_json::Value) {
    let mut r = blue_green_rollout("foo", 1, None, "active", "preview");
    st(&mut r).conditions = conditions.into_iter().map(condition).collect();
    let rs = new_replica_set(&r, 1);
    let h = hash(&r);
    let name = rs_name(&rs);
    let mut cluster = Cluster::new(r, vec![])
        .with_service(go_service("preview", json!(null), Some("foo")))
        .with_service(go_service("active", json!(null), Some("foo")));

    let first = cluster.plan();
    let created = created(&first);
    assert_eq!(created.len(), 1);
    assert_eq!(rs_name(created[0]), name);
    assert_eq!(created[0].spec.replicas, Some(0));
    assert_eq!(writes(&first).len(), 1, "{:?}", first.actions);
    let progressing = first.status.as_ref().expect("status").conditions.last().cloned();
    assert_eq!(
        serde_json::to_value(progressing).expect("json"),
        cond(
            "Progressing",
            "True",
            "NewReplicaSetCreated",
            &format!("Created new replica set \"{name}\"")
        )
    );
    assert_eq!(event_reasons(&first), ["NewReplicaSetCreated"]);

    cluster.apply(&first);
    let before = cluster.rollout.clone();
    let second = cluster.plan();
    assert_eq!(
        writes(&second),
        [&switch_selector("preview", &h), &rs_write(&name, Some(1), &[])]
    );
    assert_eq!(
        status_patch(&before, &second),
        Some(json!({"status": {
            "blueGreen": {"previewSelector": h},
            "conditions": expected_conditions,
            "selector": "foo=bar",
            "stableRS": h,
            "phase": "Progressing",
            "message": "more replicas need to be updated",
            "observedGeneration": "123"
        }}))
    );
    assert_eq!(
        event_reasons(&second),
        ["SwitchService", "ScalingReplicaSet", "RolloutCompleted"]
    );
    let completed = format!("Rollout completed update to revision 1 ({h}): Initial deploy");
    assert!(event_texts(&second).contains(&("RolloutCompleted".into(), completed)));
}

#[test]
fn test_blue_green_creates_replica_set() {
    // TestBlueGreenCreatesReplicaSet
    let r = blue_green_rollout("foo", 1, None, "active", "preview");
    let rs = rs_name(&new_replica_set(&r, 1));
    first_deploy(
        vec![],
        json!([progressing_rs(&rs), available(false), completed(true)]),
    );
}

#[test]
fn test_blue_green_completed_rollout_restart() {
    // TestBlueGreenCompletedRolloutRestart: a rollout recorded as not healthy but completed.
    let r = blue_green_rollout("foo", 1, None, "active", "preview");
    let rs = rs_name(&new_replica_set(&r, 1));
    first_deploy(
        vec![healthy(false), completed(true)],
        json!([
            healthy(false),
            completed(true),
            progressing_rs(&rs),
            available(false)
        ]),
    );
}

#[test]
fn test_blue_green_stable_rs_reconciliation_should_not_scale_on_first_time_rollout() {
    // TestBlueGreenStableRSReconciliationShouldNotScaleOnFirstTimeRollout: without a stable ReplicaSet only
    // the new one is scaled (Go checks its log line; the writes are the same as above).
    let r = blue_green_rollout("foo", 1, None, "active", "preview");
    let rs = rs_name(&new_replica_set(&r, 1));
    first_deploy(
        vec![],
        json!([progressing_rs(&rs), available(false), completed(true)]),
    );
}

/// `TestBlueGreenSetPreviewService` / `TestSetServiceManagedBy`: a running first deploy whose preview
/// Service selects nothing yet.
fn set_preview_service() {
    let r = blue_green_rollout("foo", 1, None, "active", "preview");
    let rs = new_replica_set_with_status(&r, 1, 1);
    let h = hash(&r);
    let services = [
        go_service("preview", json!(null), Some("foo")),
        hash_service("active", &h),
    ];
    let plan = planner::plan(&snapshot_with_services(&r, std::slice::from_ref(&rs), &services));
    assert_eq!(writes(&plan), [&switch_selector("preview", &h)]);
    assert_eq!(
        status_patch(&r, &plan),
        Some(json!({"status": {
            "HPAReplicas": 1,
            "availableReplicas": 1,
            "blueGreen": {"activeSelector": h, "previewSelector": h},
            "conditions": [progressing_rs(&rs_name(&rs)), available(true), completed(true)],
            "readyReplicas": 1,
            "replicas": 1,
            "updatedReplicas": 1,
            "selector": format!("foo=bar,rollouts-pod-template-hash={h}"),
            "stableRS": h,
            "phase": "Healthy",
            "observedGeneration": "123"
        }}))
    );
}

#[test]
fn test_blue_green_set_preview_service() {
    // TestBlueGreenSetPreviewService
    set_preview_service();
}

#[test]
fn test_set_service_managed_by() {
    // TestSetServiceManagedBy: the Services are managed already, so the switch is the plain selector patch.
    set_preview_service();
}

/// The rollout of most `TestBlueGreenHandlePause` cases: `r1` (1 replica, `edit` applied) updated to
/// `r2`, both ReplicaSets at 1/1, active on r1 (stable), preview on r2; `pause` as
/// `updateBlueGreenRolloutStatus` takes it. Returns r2, the ReplicaSets and the hashes.
fn paused_update(
    edit: impl Fn(&mut rollouts_api::Rollout),
    pause: bool,
) -> (
    rollouts_api::Rollout,
    Vec<k8s_openapi::api::apps::v1::ReplicaSet>,
    String,
    String,
) {
    let mut r1 = blue_green_rollout("foo", 1, None, "active", "preview");
    edit(&mut r1);
    let r2 = bump_version(&r1);
    let rs1 = new_replica_set_with_status(&r1, 1, 1);
    let rs2 = new_replica_set_with_status(&r2, 1, 1);
    let (h1, h2) = (hash(&r1), hash(&r2));
    let r2 = update_blue_green_rollout_status(&r2, &h2, &h1, &h1, 1, 1, 2, 1, pause, true, false);
    (r2, vec![rs1, rs2], h1, h2)
}

fn no_auto_promotion(r: &mut rollouts_api::Rollout) {
    bg(r).auto_promotion_enabled = Some(false);
}

/// The active and preview Services of an update from `h1` to `h2`.
fn services(h1: &str, h2: &str) -> [k8s_openapi::api::core::v1::Service; 2] {
    [hash_service("active", h1), hash_service("preview", h2)]
}

#[test]
fn test_blue_green_handle_pause_no_pause_if_new_rs_is_not_healthy() {
    // TestBlueGreenHandlePause/NoPauseIfNewRSIsNotHealthy
    let mut r1 = blue_green_rollout("foo", 2, None, "active", "preview");
    no_auto_promotion(&mut r1);
    let r2 = bump_version(&r1);
    let rs1 = new_replica_set_with_status(&r1, 2, 2);
    let rs2 = new_replica_set_with_status(&r2, 2, 1);
    let (h1, h2) = (hash(&r1), hash(&r2));
    let r2 = update_blue_green_rollout_status(&r2, &h2, &h1, &h1, 2, 2, 4, 2, false, true, false);
    let plan = planner::plan(&snapshot_with_services(&r2, &[rs1, rs2], &services(&h1, &h2)));
    assert!(plan.actions.is_empty(), "{:?}", plan.actions);
    assert_eq!(
        status_patch(&r2, &plan),
        Some(json!({"status": {"observedGeneration": "124"}}))
    );
}

#[test]
fn test_blue_green_handle_pause_add_pause() {
    // TestBlueGreenHandlePause/AddPause
    let (r2, rss, h1, h2) = paused_update(no_auto_promotion, false);
    let plan = planner::plan(&snapshot_with_services(&r2, &rss, &services(&h1, &h2)));
    assert!(writes(&plan).is_empty(), "{:?}", plan.actions);
    assert_eq!(
        status_patch(&r2, &plan),
        Some(json!({"status": {
            "pauseConditions": [{"reason": "BlueGreenPause", "startTime": ts(now())}],
            "controllerPause": true,
            "phase": "Paused",
            "message": "BlueGreenPause",
            "observedGeneration": "124"
        }}))
    );
    assert_eq!(
        event_texts(&plan),
        [(
            "RolloutPaused".into(),
            "Rollout is paused (BlueGreenPause)".into()
        )]
    );
}

#[test]
fn test_blue_green_handle_pause_add_paused_condition_while_paused() {
    // TestBlueGreenHandlePause/AddPausedConditionWhilePaused: checkPausedConditions writes the
    // Progressing and Paused conditions and ends the reconcile.
    let (mut r2, rss, h1, h2) = paused_update(no_auto_promotion, true);
    st(&mut r2).observed_generation = "124".into();
    let plan = planner::plan(&snapshot_with_services(&r2, &rss, &services(&h1, &h2)));
    assert!(plan.actions.is_empty(), "{:?}", plan.actions);
    assert_eq!(
        status_patch(&r2, &plan),
        Some(json!({"status": {"conditions": [
            available(true), completed(false), progressing_paused(), paused(true)
        ]}}))
    );
}

/// `r2` paused with its paused conditions written (and, for `completed`, the Completed condition set again).
fn with_paused_conditions(r2: &mut rollouts_api::Rollout) {
    set_rollout_condition(st(r2), condition(progressing_paused()));
    set_rollout_condition(st(r2), condition(paused(true)));
    set_rollout_condition(st(r2), condition(completed(false)));
    set_phase(r2);
}

#[test]
fn test_blue_green_handle_pause_no_actions_after_pausing() {
    // TestBlueGreenHandlePause/NoActionsAfterPausing
    let (mut r2, rss, h1, h2) = paused_update(no_auto_promotion, true);
    with_paused_conditions(&mut r2);
    let plan = planner::plan(&snapshot_with_services(&r2, &rss, &services(&h1, &h2)));
    assert!(plan.actions.is_empty(), "{:?}", plan.actions);
    assert_eq!(
        status_patch(&r2, &plan),
        Some(json!({"status": {"observedGeneration": "124"}}))
    );
}

#[test]
fn test_blue_green_handle_pause_no_actions_after_paused_on_inconclusive_run() {
    // TestBlueGreenHandlePause/NoActionsAfterPausedOnInconclusiveRun: an inconclusive pre-promotion pause
    // holds the rollout (no BlueGreenPause is added, nothing is switched).
    let (mut r2, rss, h1, h2) = paused_update(no_auto_promotion, false);
    bg(&mut r2).pre_promotion_analysis =
        Some(serde_json::from_value(json!({"templates": [{"templateName": "test"}]})).expect("analysis"));
    st(&mut r2).pause_conditions.push(PauseCondition {
        reason: Some(PauseReason::InconclusiveAnalysis),
        start_time: Some(Time(now())),
    });
    set_rollout_condition(st(&mut r2), condition(progressing_paused()));
    set_rollout_condition(st(&mut r2), condition(paused(true)));
    set_phase(&mut r2);
    let plan = planner::plan(&snapshot_with_services(&r2, &rss, &services(&h1, &h2)));
    assert!(plan.actions.is_empty(), "{:?}", plan.actions);
    assert_eq!(
        status_patch(&r2, &plan),
        Some(json!({"status": {"observedGeneration": "124"}}))
    );
}

fn auto_promotion_seconds(r: &mut rollouts_api::Rollout) {
    bg(r).auto_promotion_seconds = 10;
}

#[test]
fn test_blue_green_handle_pause_no_auto_promote_before_delay_time_passes() {
    // TestBlueGreenHandlePause/NoAutoPromoteBeforeDelayTimePasses: a reconcile is asked for when the
    // delay ends.
    let (mut r2, rss, h1, h2) = paused_update(|_| {}, true);
    auto_promotion_seconds(&mut r2);
    with_paused_conditions(&mut r2);
    let plan = planner::plan(&snapshot_with_services(&r2, &rss, &services(&h1, &h2)));
    assert!(plan.actions.is_empty(), "{:?}", plan.actions);
    assert_eq!(
        status_patch(&r2, &plan),
        Some(json!({"status": {"observedGeneration": "124"}}))
    );
    assert_eq!(plan.requeue_after, Some(std::time::Duration::from_millis(10_001)));
}

/// `AutoPromoteAfterDelayTimePasses` and its variants: paused for a minute with a 10 s auto-promotion.
fn expired_auto_promotion() -> (
    rollouts_api::Rollout,
    Vec<k8s_openapi::api::apps::v1::ReplicaSet>,
    String,
    String,
) {
    let (mut r2, rss, h1, h2) = paused_update(|_| {}, true);
    auto_promotion_seconds(&mut r2);
    st(&mut r2).pause_conditions[0].start_time = Some(Time(at(-60)));
    st(&mut r2).controller_pause = true;
    set_rollout_condition(st(&mut r2), condition(progressing_paused()));
    set_rollout_condition(st(&mut r2), condition(paused(true)));
    set_phase(&mut r2);
    (r2, rss, h1, h2)
}

#[test]
fn test_blue_green_handle_pause_auto_promote_after_delay_time_passes() {
    // TestBlueGreenHandlePause/AutoPromoteAfterDelayTimePasses
    let (r2, rss, h1, h2) = expired_auto_promotion();
    let plan = planner::plan(&snapshot_with_services(&r2, &rss, &services(&h1, &h2)));
    assert_eq!(writes(&plan), [&switch_selector("active", &h2)]);
    assert_eq!(
        status_patch_without_conditions(&r2, &plan),
        json!({"status": {
            "blueGreen": {"activeSelector": h2},
            "stableRS": h2,
            "pauseConditions": null,
            "controllerPause": null,
            "selector": format!("foo=bar,rollouts-pod-template-hash={h2}"),
            "phase": "Healthy",
            "message": null,
            "observedGeneration": "124"
        }})
    );
    assert_eq!(
        event_reasons(&plan),
        ["SwitchService", "RolloutCompleted", "RolloutResumed"]
    );
}

#[test]
fn test_blue_green_handle_pause_auto_promote_with_conditions() {
    // TestBlueGreenHandlePauseAutoPromoteWithConditions: the same from a completed-looking status, with the
    // whole conditions list: the Paused condition stays (checkPausedConditions only runs once the spec is
    // observed), Progressing is rewritten for the new ReplicaSet.
    let mut r1 = blue_green_rollout("foo", 1, None, "active", "preview");
    auto_promotion_seconds(&mut r1);
    let r2 = bump_version(&r1);
    let rs1 = new_replica_set_with_status(&r1, 1, 1);
    let rs2 = new_replica_set_with_status(&r2, 1, 1);
    let (h1, h2) = (hash(&r1), hash(&r2));
    let mut r2 = update_blue_green_rollout_status(&r2, &h2, &h1, &h1, 1, 1, 2, 1, true, true, true);
    st(&mut r2).pause_conditions[0].start_time = Some(Time(at(-60)));
    set_rollout_condition(st(&mut r2), condition(progressing_paused()));
    set_rollout_condition(st(&mut r2), condition(paused(true)));
    set_rollout_condition(st(&mut r2), condition(available(true)));
    set_phase(&mut r2);
    let rs2_name = rs_name(&rs2);
    let plan = planner::plan(&snapshot_with_services(&r2, &[rs1, rs2], &services(&h1, &h2)));
    assert_eq!(writes(&plan), [&switch_selector("active", &h2)]);
    assert_eq!(
        status_patch(&r2, &plan),
        Some(json!({"status": {
            "blueGreen": {"activeSelector": h2},
            "conditions": [available(true), completed(true), paused(true), progressing_rs(&rs2_name)],
            "stableRS": h2,
            "pauseConditions": null,
            "controllerPause": null,
            "selector": format!("foo=bar,rollouts-pod-template-hash={h2}"),
            "phase": "Healthy",
            "message": null,
            "observedGeneration": "124"
        }}))
    );
}

#[test]
fn test_blue_green_handle_pause_no_auto_promote_after_delay_time_passes_if_user_paused() {
    // TestBlueGreenHandlePause/NoAutoPromoteAfterDelayTimePassesIfUserPaused: spec.paused holds it.
    let (mut r2, rss, h1, h2) = expired_auto_promotion();
    r2.spec.paused = true;
    set_rollout_condition(st(&mut r2), condition(completed(false)));
    set_phase(&mut r2);
    let plan = planner::plan(&snapshot_with_services(&r2, &rss, &services(&h1, &h2)));
    assert!(plan.actions.is_empty(), "{:?}", plan.actions);
    assert_eq!(
        status_patch(&r2, &plan),
        Some(json!({"status": {"observedGeneration": "124"}}))
    );
}

/// The update of `NoPauseWhenAutoPromotionEnabledIsNotSet` / `PauseWhenAutoPromotionEnabledIsFalse`:
/// no preview Service, the Progressing condition of the new ReplicaSet's creation.
fn update_without_preview(
    edit: impl Fn(&mut rollouts_api::Rollout),
) -> (
    rollouts_api::Rollout,
    Vec<k8s_openapi::api::apps::v1::ReplicaSet>,
    String,
    String,
) {
    let mut r1 = blue_green_rollout("foo", 1, None, "active", "");
    edit(&mut r1);
    let r2 = bump_version(&r1);
    let rs1 = new_replica_set_with_status(&r1, 1, 1);
    let rs2 = new_replica_set_with_status(&r2, 1, 1);
    let (h1, h2) = (hash(&r1), hash(&r2));
    let mut r2 = update_blue_green_rollout_status(&r2, "", &h1, &h1, 1, 1, 2, 1, false, true, false);
    let created = format!("Created new replica set \"{}\"", rs_name(&rs2));
    set_rollout_condition(
        st(&mut r2),
        condition(cond("Progressing", "True", "NewReplicaSetCreated", &created)),
    );
    (r2, vec![rs1, rs2], h1, h2)
}

#[test]
fn test_blue_green_handle_pause_no_pause_when_auto_promotion_enabled_is_not_set() {
    // TestBlueGreenHandlePause/NoPauseWhenAutoPromotionEnabledIsNotSet: the active Service switches at
    // once and the new ReplicaSet becomes stable.
    let (mut r2, rss, h1, h2) = update_without_preview(|_| {});
    bg(&mut r2).scale_down_delay_seconds = Some(10);
    let rs2 = rs_name(&rss[1]);
    let plan = planner::plan(&snapshot_with_services(&r2, &rss, &[hash_service("active", &h1)]));
    assert_eq!(writes(&plan), [&switch_selector("active", &h2)]);
    assert_eq!(
        status_patch(&r2, &plan),
        Some(json!({"status": {
            "blueGreen": {"activeSelector": h2},
            "stableRS": h2,
            "conditions": [available(true), progressing_rs(&rs2), completed(true)],
            "selector": format!("foo=bar,rollouts-pod-template-hash={h2}"),
            "phase": "Healthy",
            "message": null,
            "observedGeneration": "124"
        }}))
    );
    assert_eq!(event_reasons(&plan), ["SwitchService", "RolloutCompleted"]);
}

#[test]
fn test_blue_green_handle_pause_pause_when_auto_promotion_enabled_is_false() {
    // TestBlueGreenHandlePause/PauseWhenAutoPromotionEnabledIsFalse
    let (mut r2, rss, h1, _) = update_without_preview(no_auto_promotion);
    set_rollout_condition(st(&mut r2), condition(completed(false)));
    let plan = planner::plan(&snapshot_with_services(&r2, &rss, &[hash_service("active", &h1)]));
    assert!(writes(&plan).is_empty(), "{:?}", plan.actions);
    assert_eq!(
        status_patch(&r2, &plan),
        Some(json!({"status": {
            "pauseConditions": [{"reason": "BlueGreenPause", "startTime": ts(now())}],
            "controllerPause": true,
            "phase": "Paused",
            "message": "BlueGreenPause",
            "observedGeneration": "124"
        }}))
    );
}

#[test]
fn test_blue_green_handle_pause_skip_pause_reconcile_when_active_has_pod_hash_selector() {
    // TestBlueGreenHandlePause/SkipPauseReconcileWhenActiveHasPodHashSelector: an active Service without
    // a hash selector is switched at once, whatever autoPromotionEnabled says.
    let mut r1 = blue_green_rollout("foo", 1, None, "active", "");
    no_auto_promotion(&mut r1);
    let rs1 = new_replica_set_with_status(&r1, 1, 1);
    let h1 = hash(&r1);
    let r1 = update_blue_green_rollout_status(&r1, "", "", "", 1, 1, 1, 1, false, false, false);
    let active = go_service("active", json!({"foo": "bar"}), Some("foo"));
    let plan = planner::plan(&snapshot_with_services(
        &r1,
        std::slice::from_ref(&rs1),
        &[active],
    ));
    assert_eq!(writes(&plan), [&switch_selector("active", &h1)]);
    assert_eq!(
        status_patch(&r1, &plan),
        Some(json!({"status": {
            "blueGreen": {"activeSelector": h1},
            "stableRS": h1,
            "conditions": [progressing_rs(&rs_name(&rs1)), available(true), completed(true)],
            "selector": format!("foo=bar,rollouts-pod-template-hash={h1}"),
            "phase": "Healthy",
            "message": null,
            "observedGeneration": "123"
        }}))
    );
    assert_eq!(event_reasons(&plan), ["SwitchService", "RolloutCompleted"]);
}

#[test]
fn test_blue_green_handle_pause_continue_after_unpaused() {
    // TestBlueGreenHandlePause/ContinueAfterUnpaused: a controller pause without a pause condition was
    // promoted by the user: RolloutResumed is written (ending the reconcile), then the active Service
    // switches and the new ReplicaSet becomes stable and healthy.
    let mut r1 = blue_green_rollout("foo", 1, None, "active", "preview");
    no_auto_promotion(&mut r1);
    let mut r2 = bump_version(&r1);
    st(&mut r2).observed_generation = "124".into();
    let rs1 = new_replica_set_with_status(&r1, 1, 1);
    let rs2 = new_replica_set_with_status(&r2, 1, 1);
    let (h1, h2) = (hash(&r1), hash(&r2));
    bg(&mut r2).scale_down_delay_seconds = Some(10);
    let mut r2 = update_blue_green_rollout_status(&r2, &h2, &h1, &h1, 1, 1, 2, 1, false, true, false);
    st(&mut r2).controller_pause = true;
    set_rollout_condition(st(&mut r2), condition(completed(false)));
    set_rollout_condition(st(&mut r2), condition(progressing_paused()));
    let rs2_name = rs_name(&rs2);
    let mut cluster = Cluster::new(r2.clone(), vec![rs1, rs2])
        .with_service(hash_service("active", &h1))
        .with_service(hash_service("preview", &h2));

    let unpause = cluster.plan();
    assert!(unpause.actions.is_empty(), "{:?}", unpause.actions);
    let resumed = cond("Progressing", "Unknown", "RolloutResumed", "Rollout is resumed");
    assert_eq!(
        status_patch(&r2, &unpause),
        Some(json!({"status": {"conditions": [available(true), completed(false), resumed]}}))
    );

    cluster.apply(&unpause);
    let before = cluster.rollout.clone();
    let plan = cluster.plan();
    assert_eq!(writes(&plan), [&switch_selector("active", &h2)]);
    let available_rs = cond(
        "Progressing",
        "True",
        "NewReplicaSetAvailable",
        &format!("ReplicaSet \"{rs2_name}\" has successfully progressed."),
    );
    assert_eq!(
        status_patch(&before, &plan),
        Some(json!({"status": {
            "blueGreen": {"activeSelector": h2},
            "stableRS": h2,
            "controllerPause": null,
            "conditions": [available(true), healthy(true), available_rs, completed(true)],
            "selector": format!("foo=bar,rollouts-pod-template-hash={h2}"),
            "phase": "Healthy",
            "message": null
        }}))
    );
}
