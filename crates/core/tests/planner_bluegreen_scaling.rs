//! Whole-snapshot table tests of the blue-green planner's scaling, each modelled on the Argo test it names
//! in `rollout/bluegreen_test.go`: the status counts (HPA fields), scaling events, the preview scale-up
//! checkpoint, completion, scale-down deadlines and their limit, fast rollback and abort. The same rollout, ReplicaSets and Services as Go's, and the same writes,
//! Events and status patch (minus `status.duration`). See `planner_bluegreen.rs` for the conventions.

mod planner_support;

use std::time::Duration;

use planner_support::*;
use pretty_assertions::assert_eq;
use rollouts_api::keys::{DESIRED_REPLICAS_ANNOTATION, REVISION_ANNOTATION, SCALE_DOWN_DEADLINE_ANNOTATION};
use rollouts_core::conditions::set_rollout_condition;
use rollouts_core::{EventType, planner};
use serde_json::json;

/// `r1` (1 replica, `edit` applied) updated to `r2`, both ReplicaSets at 1/1.
fn update(
    active: &str,
    preview: &str,
    edit: impl Fn(&mut rollouts_api::Rollout),
) -> (
    rollouts_api::Rollout,
    rollouts_api::Rollout,
    Vec<k8s_openapi::api::apps::v1::ReplicaSet>,
) {
    let mut r1 = blue_green_rollout("foo", 1, None, active, preview);
    edit(&mut r1);
    let r2 = bump_version(&r1);
    let rss = vec![
        new_replica_set_with_status(&r1, 1, 1),
        new_replica_set_with_status(&r2, 1, 1),
    ];
    (r1, r2, rss)
}

/// A scale-down deadline `seconds` from now.
fn deadline(seconds: i64) -> String {
    ts(at(seconds))
}

/// Sets an annotation on a ReplicaSet.
fn annotate(rs: &mut k8s_openapi::api::apps::v1::ReplicaSet, key: &str, value: &str) {
    rs.metadata
        .annotations
        .get_or_insert_with(Default::default)
        .insert(key.into(), value.into());
}

#[test]
fn test_blue_green_add_scale_down_delay_to_previous_active_replica_set() {
    // TestBlueGreenAddScaleDownDelayToPreviousActiveReplicaSet: the switch and promotion; the previous
    // active ReplicaSet gets its deadline on a later reconcile (TestBlueGreenAddScaleDownDelay).
    let (r1, mut r2, rss) = update("bar", "", |_| {});
    let (h1, h2) = (hash(&r1), hash(&r2));
    bg(&mut r2).scale_down_delay_seconds = Some(10);
    let r2 = update_blue_green_rollout_status(&r2, "", &h1, &h1, 1, 1, 2, 1, false, true, false);
    let plan = planner::plan(&snapshot_with_services(&r2, &rss, &[hash_service("bar", &h1)]));
    assert_eq!(writes(&plan), [&switch_selector("bar", &h2)]);
    assert_eq!(
        status_patch(&r2, &plan),
        Some(json!({"status": {
            "blueGreen": {"activeSelector": h2},
            "stableRS": h2,
            "conditions": [available(true), progressing_rs(&rs_name(&rss[1])), completed(true)],
            "selector": format!("foo=bar,rollouts-pod-template-hash={h2}"),
            "phase": "Healthy",
            "message": null,
            "observedGeneration": "124"
        }}))
    );
    let completed = format!("Rollout completed update to revision 2 ({h2}): Completed blue-green update");
    assert_eq!(
        event_texts(&plan),
        [
            (
                "SwitchService".into(),
                format!("Switched selector for service 'bar' from '{h1}' to '{h2}'")
            ),
            ("RolloutCompleted".into(), completed)
        ]
    );
}

#[test]
fn test_blue_green_add_scale_down_delay() {
    // TestBlueGreenAddScaleDownDelay: once promoted, the previous ReplicaSet is annotated to be scaled
    // down in 30 s (the default delay), which is all this reconcile writes.
    let (_, mut r2, rss) = update("active", "", |_| {});
    let h2 = hash(&r2);
    st(&mut r2).observed_generation = "124".into();
    let mut r2 = update_blue_green_rollout_status(&r2, "", &h2, &h2, 1, 1, 2, 1, false, true, true);
    set_rollout_condition(st(&mut r2), condition(healthy(true)));
    let done = format!("ReplicaSet \"{}\" has successfully progressed.", rs_name(&rss[1]));
    set_rollout_condition(
        st(&mut r2),
        condition(cond("Progressing", "True", "NewReplicaSetAvailable", &done)),
    );
    let plan = planner::plan(&snapshot_with_services(&r2, &rss, &[hash_service("active", &h2)]));
    let rs1 = rs_name(&rss[0]);
    assert_eq!(
        plan.actions,
        [rs_write(
            &rs1,
            None,
            &[(SCALE_DOWN_DEADLINE_ANNOTATION, Some(&deadline(30)))]
        )]
    );
    assert_eq!(status_patch(&r2, &plan), None);
    assert_eq!(plan.requeue_after, Some(Duration::from_secs(30)));
}

#[test]
fn test_blue_green_rollout_status_hpa_status_fields_active_selector_set() {
    // TestBlueGreenRolloutStatusHPAStatusFieldsActiveSelectorSet: the HPA counts and the selector are the
    // active ReplicaSet's.
    let (r1, r2, rss) = update("active", "preview", |r| {
        bg(r).auto_promotion_enabled = Some(false)
    });
    let (h1, h2) = (hash(&r1), hash(&r2));
    let mut r2 = update_blue_green_rollout_status(&r2, &h2, &h1, &h1, 0, 0, 0, 0, true, false, false);
    st(&mut r2).selector = String::new();
    let paused_progressing = cond("Progressing", "Unknown", "RolloutPaused", "Rollout is paused");
    set_rollout_condition(st(&mut r2), condition(paused_progressing));
    set_rollout_condition(st(&mut r2), condition(paused(true)));
    let services = [hash_service("active", &h1), hash_service("preview", &h2)];
    let plan = planner::plan(&snapshot_with_services(&r2, &rss, &services));
    assert!(writes(&plan).is_empty(), "{:?}", plan.actions);
    assert_eq!(
        status_patch_without_conditions(&r2, &plan),
        json!({"status": {
            "HPAReplicas": 1,
            "readyReplicas": 1,
            "availableReplicas": 1,
            "updatedReplicas": 1,
            "replicas": 2,
            "selector": format!("foo=bar,rollouts-pod-template-hash={h1}"),
            "observedGeneration": "124"
        }})
    );
}

#[test]
fn test_blue_green_rollout_status_hpa_status_fields_no_active_selector() {
    // TestBlueGreenRolloutStatusHPAStatusFieldsNoActiveSelector: without an active ReplicaSet the counts
    // and the selector are the rollout's. Go calls syncRolloutStatusBlueGreen alone; the whole reconcile
    // also scales the stable ReplicaSet to the rollout's 2 replicas first.
    let mut ro = blue_green_rollout("foo", 2, None, "active", "");
    let rs = new_replica_set_with_status(&ro, 1, 1);
    let h = hash(&ro);
    st(&mut ro).stable_rs.clone_from(&h);
    let progressing = progressing_rs(&rs_name(&rs));
    set_rollout_condition(st(&mut ro), condition(progressing.clone()));
    set_phase(&mut ro);
    let active = go_service("active", json!({"rollouts-pod-template-hash": ""}), Some("foo"));
    let plan = planner::plan(&snapshot_with_services(&ro, std::slice::from_ref(&rs), &[active]));
    assert_eq!(
        writes(&plan),
        [&rs_write(&rs_name(&rs), Some(2), &[])],
        "the stable scaled to 2"
    );
    assert_eq!(
        status_patch(&ro, &plan),
        Some(json!({"status": {
            "HPAReplicas": 1,
            "readyReplicas": 1,
            "availableReplicas": 1,
            "updatedReplicas": 1,
            "replicas": 1,
            "conditions": [progressing, available(false), completed(true)],
            "selector": "foo=bar",
            "observedGeneration": "123"
        }}))
    );
}

#[test]
fn test_blue_green_rollout_scale_update_active_rs() {
    // TestBlueGreenRolloutScaleUpdateActiveRS: a scaling event scales the active (stable) and the new
    // ReplicaSet.
    let (r1, mut r2, rss) = update("active", "preview", |_| {});
    let (h1, h2) = (hash(&r1), hash(&r2));
    r2.spec.replicas = Some(2);
    let r2 = update_blue_green_rollout_status(&r2, &h2, &h1, &h1, 1, 1, 1, 1, false, true, false);
    let services = [hash_service("active", &h1), hash_service("preview", &h2)];
    let plan = planner::plan(&snapshot_with_services(&r2, &rss, &services));
    assert_eq!(
        writes(&plan),
        [
            &rs_write(
                &rs_name(&rss[0]),
                Some(2),
                &[(DESIRED_REPLICAS_ANNOTATION, Some("2"))]
            ),
            &rs_write(
                &rs_name(&rss[1]),
                Some(2),
                &[(DESIRED_REPLICAS_ANNOTATION, Some("2"))]
            ),
        ]
    );
    assert!(plan.status.is_some());
    assert_eq!(event_reasons(&plan), ["ScalingReplicaSet", "ScalingReplicaSet"]);
}

#[test]
fn test_blue_green_rollout_scale_update_stable_rs() {
    // TestBlueGreenRolloutScaleUpdateStableRS: the new ReplicaSet active, the old one still stable (as
    // during post-promotion analysis): the first reconcile only writes the status, and a scaling event
    // then scales both.
    let (r1, r2, rss) = update("active", "", |_| {});
    let (h1, h2) = (hash(&r1), hash(&r2));
    let mut r2 = update_blue_green_rollout_status(&r2, &h2, &h2, &h1, 1, 1, 2, 1, false, true, false);
    let services = [hash_service("active", &h2)];
    let plan = planner::plan(&snapshot_with_services(&r2, &rss, &services));
    assert!(writes(&plan).is_empty(), "{:?}", plan.actions);
    assert!(plan.status.is_some());

    r2.spec.replicas = Some(2);
    let plan = planner::plan(&snapshot_with_services(&r2, &rss, &services));
    assert_eq!(scalings(&plan), [(rs_name(&rss[0]), 2), (rs_name(&rss[1]), 2)]);
}

/// The rollout of `TestPreviewReplicaCountHandleScaleUpPreviewCheckPoint`: 5 replicas, a preview count of
/// 3, the new ReplicaSet at `new_count`, the active Service on `active_new` or the stable.
fn preview_count_update(
    auto_promotion: Option<bool>,
    new_count: i32,
    active_on_new: bool,
    available: i32,
    check_point: bool,
) -> (
    rollouts_api::Rollout,
    Vec<k8s_openapi::api::apps::v1::ReplicaSet>,
    rollouts_core::Snapshot,
) {
    let mut r1 = blue_green_rollout("foo", 5, None, "active", "");
    bg(&mut r1).preview_replica_count = Some(3);
    bg(&mut r1).auto_promotion_enabled = auto_promotion;
    let r2 = bump_version(&r1);
    let rss = vec![
        new_replica_set_with_status(&r1, 5, 5),
        new_replica_set_with_status(&r2, new_count, new_count),
    ];
    let (h1, h2) = (hash(&r1), hash(&r2));
    let mut r2 =
        update_blue_green_rollout_status(&r2, &h2, &h1, &h1, available, available, 8, 5, false, true, false);
    st(&mut r2).blue_green.scale_up_preview_check_point = check_point;
    let active = hash_service("active", if active_on_new { &h2 } else { &h1 });
    let snap = snapshot_with_services(&r2, &rss, &[active]);
    (r2, rss, snap)
}

#[test]
fn test_preview_replica_count_handle_scale_up_preview_check_point_true_after_meeting_min_available() {
    // TestPreviewReplicaCountHandleScaleUpPreviewCheckPoint/TrueAfterMeetingMinAvailable
    let (r2, _, snap) = preview_count_update(None, 3, false, 3, false);
    let plan = planner::plan(&snap);
    assert!(writes(&plan).is_empty(), "{:?}", plan.actions);
    let patch = status_patch(&r2, &plan).expect("patch");
    assert_eq!(
        patch["status"]["blueGreen"]["scaleUpPreviewCheckPoint"],
        json!(true),
        "{patch}"
    );
}

#[test]
fn test_preview_replica_count_handle_scale_up_preview_check_point_false_after_active_service_switch() {
    // TestPreviewReplicaCountHandleScaleUpPreviewCheckPoint/FalseAfterActiveServiceSwitch: promotion
    // resets the checkpoint.
    let (r2, _, snap) = preview_count_update(Some(false), 5, true, 5, true);
    let plan = planner::plan(&snap);
    assert!(writes(&plan).is_empty(), "{:?}", plan.actions);
    let patch = status_patch(&r2, &plan).expect("patch");
    assert_eq!(
        patch["status"]["blueGreen"]["scaleUpPreviewCheckPoint"],
        json!(null),
        "{patch}"
    );
    assert_eq!(patch["status"]["stableRS"], json!(hash(&snap.rollout)));
}

#[test]
fn test_preview_replica_count_handle_scale_up_preview_check_point_true_when_scaling_up_preview() {
    // TestPreviewReplicaCountHandleScaleUpPreviewCheckPoint/TrueWhenScalingUpPreview: past the checkpoint
    // the new ReplicaSet goes to full size.
    let (_, rss, snap) = preview_count_update(None, 3, false, 5, true);
    let plan = planner::plan(&snap);
    assert_eq!(writes(&plan), [&rs_write(&rs_name(&rss[1]), Some(5), &[])]);
    assert!(plan.status.is_some());
}

#[test]
fn test_blue_green_rollout_ignoring_scaling_use_preview_rs_count() {
    // TestBlueGreenRolloutIgnoringScalingUsePreviewRSCount: on a scaling event the new ReplicaSet keeps
    // the preview count (3, more than the rollout's 2) and records the rollout's replicas.
    let (r1, mut r2, mut rss) = update("active", "preview", |r| bg(r).preview_replica_count = Some(3));
    rss[0].spec.replicas = Some(2);
    annotate(&mut rss[0], DESIRED_REPLICAS_ANNOTATION, "2");
    let (h1, h2) = (hash(&r1), hash(&r2));
    r2 = update_blue_green_rollout_status(&r2, &h2, &h1, &h1, 2, 1, 1, 1, false, true, true);
    r2.spec.replicas = Some(2);
    let services = [hash_service("active", &h1), hash_service("preview", &h2)];
    let plan = planner::plan(&snapshot_with_services(&r2, &rss, &services));
    assert_eq!(
        writes(&plan),
        [&rs_write(
            &rs_name(&rss[1]),
            Some(3),
            &[(DESIRED_REPLICAS_ANNOTATION, Some("2"))]
        )]
    );
    assert!(plan.status.is_some());
}

#[test]
fn test_blue_green_rollout_completed() {
    // TestBlueGreenRolloutCompleted: a promoted, observed rollout becomes Healthy.
    let (_, r2, rss) = update("bar", "", |_| {});
    let h2 = hash(&r2);
    let mut r2 = update_blue_green_rollout_status(&r2, "", &h2, &h2, 1, 1, 1, 1, false, true, true);
    st(&mut r2).observed_generation = "124".into();
    let rs2 = rss[1].clone();
    let plan = planner::plan(&snapshot_with_services(
        &r2,
        std::slice::from_ref(&rs2),
        &[hash_service("bar", &h2)],
    ));
    assert!(plan.actions.is_empty(), "{:?}", plan.actions);
    let done = format!("ReplicaSet \"{}\" has successfully progressed.", rs_name(&rs2));
    assert_eq!(
        status_patch(&r2, &plan),
        Some(json!({"status": {"conditions": [
            available(true), completed(true), healthy(true),
            cond("Progressing", "True", "NewReplicaSetAvailable", &done)
        ]}}))
    );
}

#[test]
fn test_blue_green_rollout_completed_false() {
    // TestBlueGreenRolloutCompletedFalse: a rollout waiting for promotion is neither healthy nor completed.
    let (r1, r2, rss) = update("active", "preview", |r| {
        bg(r).auto_promotion_enabled = Some(false)
    });
    let (h1, h2) = (hash(&r1), hash(&r2));
    let mut r2 = update_blue_green_rollout_status(&r2, &h2, &h1, &h1, 1, 1, 2, 1, true, true, true);
    st(&mut r2).observed_generation = "124".into();
    set_rollout_condition(st(&mut r2), condition(healthy(true)));
    let paused_progressing = cond("Progressing", "Unknown", "RolloutPaused", "Rollout is paused");
    set_rollout_condition(st(&mut r2), condition(paused_progressing));
    set_rollout_condition(st(&mut r2), condition(paused(true)));
    let services = [hash_service("active", &h1), hash_service("preview", &h2)];
    let plan = planner::plan(&snapshot_with_services(&r2, &rss, &services));
    let patch = status_patch(&r2, &plan).expect("patch");
    let conditions = patch["status"]["conditions"].as_array().expect("conditions");
    let find = |t: &str| conditions.iter().find(|c| c["type"] == t).cloned();
    assert_eq!(find("Healthy").expect("Healthy")["status"], "False");
    assert_eq!(find("Completed").expect("Completed")["status"], "False");
}

/// `TestBlueGreen{UnableToReadScaleDownAt,NotReadyToScaleDownOldReplica,ReadyToScaleDownOldReplica}`:
/// promoted to r2, the previous ReplicaSet carries this scale-down deadline.
fn promoted_with_deadline(
    scale_down_at: &str,
) -> (rollouts_api::Rollout, Vec<k8s_openapi::api::apps::v1::ReplicaSet>) {
    let (_, r2, mut rss) = update("bar", "", |_| {});
    annotate(&mut rss[0], SCALE_DOWN_DEADLINE_ANNOTATION, scale_down_at);
    let h2 = hash(&r2);
    let r2 = update_blue_green_rollout_status(&r2, "", &h2, &h2, 1, 1, 2, 1, false, true, true);
    (r2, rss)
}

#[test]
fn test_blue_green_unable_to_read_scale_down_at() {
    // TestBlueGreenUnableToReadScaleDownAt: an unreadable deadline counts as passed.
    let (r2, rss) = promoted_with_deadline("Abcd123");
    let services = [hash_service("bar", &hash(&r2))];
    let plan = planner::plan(&snapshot_with_services(&r2, &rss, &services));
    assert_eq!(
        writes(&plan),
        [&rs_write(
            &rs_name(&rss[0]),
            Some(0),
            &[(SCALE_DOWN_DEADLINE_ANNOTATION, None)]
        )]
    );
    assert_eq!(
        status_patch(&r2, &plan),
        Some(json!({"status": {"observedGeneration": "124"}}))
    );
    assert_eq!(event_reasons(&plan), ["ScalingReplicaSet"]);
}

#[test]
fn test_blue_green_not_ready_to_scale_down_old_replica() {
    // TestBlueGreenNotReadyToScaleDownOldReplica: a deadline 10 s away keeps the ReplicaSet up, and asks
    // for a reconcile then.
    let (r2, rss) = promoted_with_deadline(&deadline(10));
    let services = [hash_service("bar", &hash(&r2))];
    let plan = planner::plan(&snapshot_with_services(&r2, &rss, &services));
    assert!(writes(&plan).is_empty(), "{:?}", plan.actions);
    assert_eq!(
        status_patch(&r2, &plan),
        Some(json!({"status": {"observedGeneration": "124"}}))
    );
    assert_eq!(plan.requeue_after, Some(Duration::from_secs(10)));
}

#[test]
fn test_blue_green_ready_to_scale_down_old_replica() {
    // TestBlueGreenReadyToScaleDownOldReplica: a passed deadline scales it to 0 and drops the deadline.
    let (r2, rss) = promoted_with_deadline(&deadline(-10));
    let services = [hash_service("bar", &hash(&r2))];
    let plan = planner::plan(&snapshot_with_services(&r2, &rss, &services));
    assert_eq!(
        writes(&plan),
        [&rs_write(
            &rs_name(&rss[0]),
            Some(0),
            &[(SCALE_DOWN_DEADLINE_ANNOTATION, None)]
        )]
    );
    assert_eq!(
        status_patch(&r2, &plan),
        Some(json!({"status": {"observedGeneration": "124"}}))
    );
    let scaled = format!(
        "Scaled down ReplicaSet {} (revision 1) from 1 to 0",
        rs_name(&rss[0])
    );
    assert_eq!(event_texts(&plan), [("ScalingReplicaSet".into(), scaled)]);
}

#[test]
fn test_fast_rollback() {
    // TestFastRollback: back to r1's template while both ReplicaSets wait out their deadlines: r1's
    // ReplicaSet (the new one again, and stable) loses its deadline; r2's keeps its replicas until its own.
    let (r1, mut r2, mut rss) = update("bar", "", |_| {});
    let h1 = hash(&r1);
    annotate(&mut rss[0], SCALE_DOWN_DEADLINE_ANNOTATION, &deadline(10));
    annotate(&mut rss[1], SCALE_DOWN_DEADLINE_ANNOTATION, &deadline(10));
    annotate(&mut rss[0], REVISION_ANNOTATION, "3");
    r2.spec.template = r1.spec.template.clone();
    r2.metadata
        .annotations
        .as_mut()
        .expect("annotations")
        .insert(REVISION_ANNOTATION.into(), "3".into());
    st(&mut r2).current_pod_hash.clone_from(&h1);
    let r2 = update_blue_green_rollout_status(&r2, "", &h1, &h1, 1, 1, 2, 1, false, true, true);
    let plan = planner::plan(&snapshot_with_services(&r2, &rss, &[hash_service("bar", &h1)]));
    assert_eq!(
        writes(&plan),
        [&rs_write(
            &rs_name(&rss[0]),
            None,
            &[(SCALE_DOWN_DEADLINE_ANNOTATION, None)]
        )]
    );
    assert_eq!(
        status_patch(&r2, &plan),
        Some(json!({"status": {"observedGeneration": "124"}}))
    );
    assert_eq!(plan.requeue_after, Some(Duration::from_secs(10)));
}

#[test]
fn test_blue_green_scale_down_limit() {
    // TestBlueGreenScaleDownLimit: with scaleDownDelayRevisionLimit 1 only the newest old ReplicaSet keeps
    // waiting; the older one goes to 0 at once.
    let r1 = blue_green_rollout("foo", 1, None, "bar", "");
    let r2 = bump_version(&r1);
    let mut r3 = bump_version(&r2);
    bg(&mut r3).scale_down_delay_revision_limit = Some(1);
    let mut rss = vec![
        new_replica_set_with_status(&r1, 1, 1),
        new_replica_set_with_status(&r2, 1, 1),
        new_replica_set_with_status(&r3, 1, 1),
    ];
    annotate(&mut rss[0], SCALE_DOWN_DEADLINE_ANNOTATION, &deadline(10));
    annotate(&mut rss[1], SCALE_DOWN_DEADLINE_ANNOTATION, &deadline(10));
    let h3 = hash(&r3);
    let r3 = update_blue_green_rollout_status(&r3, "", &h3, &h3, 1, 1, 3, 1, false, true, true);
    let plan = planner::plan(&snapshot_with_services(&r3, &rss, &[hash_service("bar", &h3)]));
    assert_eq!(
        writes(&plan),
        [&rs_write(
            &rs_name(&rss[0]),
            Some(0),
            &[(SCALE_DOWN_DEADLINE_ANNOTATION, None)]
        )]
    );
    assert_eq!(
        status_patch(&r3, &plan),
        Some(json!({"status": {"observedGeneration": "125"}}))
    );
    assert_eq!(event_reasons(&plan), ["ScalingReplicaSet"]);
}

#[test]
fn test_blue_green_abort() {
    // TestBlueGreenAbort: the active Service goes back to the stable ReplicaSet; Degraded.
    let (r1, mut r2, rss) = update("bar", "", |_| {});
    let (h1, h2) = (hash(&r1), hash(&r2));
    st(&mut r2).abort = true;
    st(&mut r2).aborted_at = Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(now()));
    let r2 = update_blue_green_rollout_status(&r2, "", &h2, &h1, 1, 1, 2, 1, false, true, true);
    let plan = planner::plan(&snapshot_with_services(&r2, &rss, &[hash_service("bar", &h2)]));
    assert_eq!(writes(&plan), [&switch_selector("bar", &h1)]);
    let message = "Rollout aborted update to revision 2";
    assert_eq!(
        status_patch(&r2, &plan),
        Some(json!({"status": {
            "blueGreen": {"activeSelector": h1},
            "conditions": [available(true), cond("Progressing", "False", "RolloutAborted", message), completed(false)],
            "selector": format!("foo=bar,rollouts-pod-template-hash={h1}"),
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
    assert_eq!(
        event_reasons(&plan),
        ["SwitchService", "RolloutAborted", "RolloutNotCompleted"]
    );
}
