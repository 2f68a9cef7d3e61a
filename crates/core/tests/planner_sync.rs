//! Whole-snapshot table tests of the strategy-independent planning, each modelled on the Argo test it
//! names (`rollout/sync_test.go`, `controller_test.go`, `canary_test.go`): promotion, scaling events,
//! history cleanup, spec defaulting, InvalidSpec, adoption, hash collisions, resuming and the progress
//! deadline.

mod planner_support;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use planner_support::*;
use pretty_assertions::assert_eq;
use rollouts_api::enums::PauseReason;
use rollouts_api::keys::{POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION};
use rollouts_api::rollout::PauseCondition;
use rollouts_core::conditions::set_rollout_condition;
use rollouts_core::{Action, EventType, planner};
use serde_json::json;
use std::time::Duration;

#[test]
fn test_canary_promote_full() {
    // TestCanaryPromoteFull: the steps are skipped; the new ReplicaSet goes to full scale at once and the
    // step index to the end, while promoteFull stays until the new pods are available.
    let steps = json!([{"setWeight": 10}, {"pause": {"duration": 60}}]);
    let mut r1 = canary_rollout("foo", 10, steps, Some(0), json!(10), json!(0));
    let rs1 = new_replica_set_with_status(&r1, 10, 10);
    st(&mut r1).stable_rs = hash(&r1);
    let mut r2 = bump_version(&r1);
    st(&mut r2).promote_full = true;
    r2.metadata
        .annotations
        .as_mut()
        .expect("a")
        .insert(REVISION_ANNOTATION.into(), "1".into());
    let mut cluster = Cluster::new(r2.clone(), vec![rs1]);
    let first = cluster.plan();
    assert_eq!(created(&first)[0].spec.replicas, Some(0));
    cluster.apply(&first);
    let plan = cluster.plan();
    assert_eq!(scalings(&plan), [(format!("foo-{}", hash(&r2)), 10)]);
    let status = plan.status.expect("status");
    assert_eq!(status.current_step_index, Some(2));
    assert!(status.promote_full, "kept until the new ReplicaSet is available");
}

#[test]
fn test_is_scaling_event_miss_matched_desired_old_replicas() {
    // TestIsScalingEventMissMatchedDesiredOldReplicas: an intermediate ReplicaSet's desired-replicas
    // annotation is no scaling event.
    let steps = json!([{"setWeight": 10}, {"pause": {"duration": 60}}]);
    let r0 = canary_rollout("foo", 10, steps, Some(0), json!(10), json!(0));
    let mut old_rs = new_replica_set_with_status(&r0, 3, 3);
    old_rs
        .metadata
        .annotations
        .as_mut()
        .expect("a")
        .insert("rollout.argoproj.io/desired-replicas".into(), "2".into());
    let mut r1 = bump_version(&r0);
    let stable_rs = new_replica_set_with_status(&r1, 10, 10);
    st(&mut r1).stable_rs = hash(&r1);
    let mut r2 = bump_version(&r1);
    r2.metadata
        .annotations
        .as_mut()
        .expect("a")
        .insert(REVISION_ANNOTATION.into(), "2".into());
    let mut cluster = Cluster::new(r2.clone(), vec![old_rs, stable_rs]);
    cluster.apply(&cluster.plan());
    let plan = cluster.plan();
    assert_eq!(scalings(&plan), [(format!("foo-{}", hash(&r2)), 1)]);
    let status = plan.status.expect("status");
    assert_eq!(
        (status.replicas, status.ready_replicas, status.updated_replicas),
        (13, 13, 0)
    );
}

#[test]
fn test_reconcile_revision_history_limit() {
    // TestReconcileRevisionHistoryLimit: the oldest scaled-down ReplicaSets beyond the limit are deleted,
    // never one with replicas or being deleted.
    let r = canary_rollout("baz", 1, json!(null), None, json!(1), json!(0));
    let current = new_replica_set_with_status(&r, 1, 1);
    let old = |name: &str, replicas: i32, minutes_ago: i64| {
        let mut rs = new_replica_set_with_status(&r, replicas, replicas);
        rs.metadata.name = Some(name.into());
        rs.metadata.uid = Some(format!("uid-{name}"));
        rs.metadata
            .labels
            .as_mut()
            .expect("labels")
            .insert(POD_TEMPLATE_HASH_LABEL.into(), name.into());
        rs.metadata.creation_timestamp = Some(Time(at(-60 * minutes_ago)));
        rs
    };
    let deleted = |limit: Option<i32>, olds: Vec<k8s_openapi::api::apps::v1::ReplicaSet>| {
        let mut ro = r.clone();
        ro.spec.revision_history_limit = limit;
        let mut rss = olds;
        rss.push(current.clone());
        let plan = planner::plan(&snapshot(&ro, &rss));
        plan.actions
            .iter()
            .filter_map(|a| match a {
                Action::DeleteReplicaSet { name, .. } => Some(name.clone()),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    let eleven = (1..=11).map(|i| old(&format!("foo{i}"), 0, 20 - i)).collect();
    assert_eq!(deleted(None, eleven), ["foo1"], "No Revision History Limit");
    let mut dying = old("foo", 0, 1);
    dying.metadata.deletion_timestamp = Some(Time(now()));
    assert!(
        deleted(Some(1), vec![dying]).is_empty(),
        "Avoid deleting RS with deletion timestamp"
    );
    assert_eq!(
        deleted(Some(1), vec![old("foo", 0, 1), old("bar", 1, 0)]),
        ["foo"],
        "Delete extra replicasets"
    );
    assert!(
        deleted(Some(1), vec![old("foo", 1, 1), old("bar", 1, 0)]).is_empty(),
        "Dont delete scaled replicasets"
    );
    assert!(
        deleted(Some(2), vec![old("foo", 1, 1), old("bar", 1, 0)]).is_empty(),
        "Do not delete any replicasets"
    );
}

#[test]
fn test_set_replica_to_default() {
    // TestSetReplicaToDefault: create the ReplicaSet; then default spec.replicas to 1 (ending that
    // reconcile); then reconcile normally.
    let mut r = canary_rollout("foo", 1, json!(null), None, json!(0), json!(1));
    r.spec.replicas = None;
    let mut cluster = Cluster::new(r, vec![]);
    let first = cluster.plan();
    assert_eq!(created(&first).len(), 1);
    cluster.apply(&first);
    let second = cluster.plan();
    assert_eq!(
        writes(&second),
        [&Action::PatchRollout {
            patch: json!({"spec": {"replicas": 1}})
        }]
    );
    assert_eq!(second.status, None);
    cluster.apply(&second);
    assert_eq!(cluster.rollout.spec.replicas, Some(1));
    let third = cluster.plan();
    assert_eq!(scalings(&third).len(), 1);
    assert!(third.status.is_some());
}

#[test]
fn test_switch_invalid_spec_message() {
    // TestSwitchInvalidSpecMessage: a different validation error replaces the InvalidSpec condition.
    let mut r = canary_rollout("foo", 1, json!(null), None, json!(0), json!(1));
    let select_all = "This rollout is selecting all pods. A non-empty selector is required.";
    set_rollout_condition(
        st(&mut r),
        condition(cond("InvalidSpec", "True", "InvalidSpec", select_all)),
    );
    set_phase(&mut r);
    let message = "The Rollout \"foo\" is invalid: spec.selector: Required value: Rollout has missing field '.spec.selector'";
    let mut snap = snapshot(&r, &[]);
    snap.invalid_spec = Some(message.into());
    let plan = planner::plan(&snap);
    assert!(plan.actions.is_empty(), "{:?}", plan.actions);
    assert_eq!(
        status_patch(&r, &plan),
        Some(json!({"status": {
            "conditions": [progressing_rollout("foo"), cond("InvalidSpec", "True", "InvalidSpec", message)],
            "message": format!("InvalidSpec: {message}"),
            "observedGeneration": "123"
        }}))
    );
    assert_eq!(plan.requeue_after, Some(Duration::from_secs(20)));
}

#[test]
fn test_no_reconcile_for_deleted_rollout() {
    // TestNoReconcileForDeletedRollout
    let mut r = canary_rollout("foo", 1, json!(null), None, json!(0), json!(1));
    r.metadata.deletion_timestamp = Some(Time(now()));
    assert_eq!(planner::plan(&snapshot(&r, &[])), rollouts_core::Plan::default());
}

#[test]
fn test_adopt_replica_set() {
    // TestAdoptReplicaSet: a rollout without conditions records FoundNewReplicaSet for its ReplicaSet; an
    // orphan matching the selector is adopted with Kubernetes' controller-ref patch.
    let r = canary_rollout("foo", 1, json!(null), None, json!(0), json!(1));
    let mut r = update_canary_rollout_status(&r, &hash(&r), 1, 1, 1, false);
    st(&mut r).conditions.clear();
    let mut rs = new_replica_set_with_status(&r, 1, 1);
    rs.metadata.owner_references = None;
    let plan = planner::plan(&snapshot(&r, &[rs.clone()]));
    assert_eq!(
        plan.actions[0],
        Action::PatchReplicaSet {
            name: rs_name(&rs),
            patch: json!({"metadata": {"ownerReferences": [{
                "apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "name": "foo", "uid": "uid-foo",
                "controller": true, "blockOwnerDeletion": true}], "uid": rs.metadata.uid}})
        }
    );
    let found = cond(
        "Progressing",
        "True",
        "FoundNewReplicaSet",
        &format!("Found new replica set \"{}\"", rs_name(&rs)),
    );
    let conditions = serde_json::to_value(&plan.status.expect("status").conditions).expect("json");
    assert!(
        conditions.as_array().expect("list").contains(&found),
        "{conditions}"
    );

    let mut foreign = rs.clone();
    foreign.metadata.owner_references = Some(vec![
        serde_json::from_value(json!({
            "apiVersion": "apps/v1", "kind": "Deployment", "name": "d", "uid": "other", "controller": true
        }))
        .expect("owner"),
    ]);
    let plan = planner::plan(&snapshot(&r, &[foreign]));
    assert!(
        !plan
            .actions
            .iter()
            .any(|a| matches!(a, Action::PatchReplicaSet { .. }))
    );
    assert!(
        created(&plan).is_empty(),
        "a ReplicaSet of another owner with our name is a collision"
    );
    assert_eq!(plan.status.expect("status").collision_count, Some(1));
}

#[test]
fn test_hash_collision_bumps_collision_count() {
    // createDesiredReplicaSet on AlreadyExists with another template: collisionCount++, then a new name.
    let r = canary_rollout("foo", 1, json!(null), None, json!(0), json!(1));
    let mut squatter = new_replica_set(&r, 0);
    squatter
        .spec
        .template
        .as_mut()
        .and_then(|t| t.spec.as_mut())
        .expect("spec")
        .containers[0]
        .image = Some("other".into());
    squatter
        .metadata
        .labels
        .as_mut()
        .expect("l")
        .insert(POD_TEMPLATE_HASH_LABEL.into(), "other".into());
    let mut cluster = Cluster::new(r.clone(), vec![squatter]);
    let plan = cluster.plan();
    assert!(created(&plan).is_empty());
    assert_eq!(plan.status.as_ref().expect("status").collision_count, Some(1));
    cluster.apply(&plan);
    let plan = cluster.plan();
    let name = rs_name(created(&plan)[0]);
    assert_ne!(name, format!("foo-{}", hash(&r)));
    assert_eq!(name, format!("foo-{}", hash(&cluster.rollout)));
}

#[test]
fn test_pod_template_hash_equivalence() {
    // TestPodTemplateHashEquivalence: equivalent quantities hash the same, to Go's ReplicaSet name.
    let resources = [
        json!({"limits": {"cpu": "2000m", "memory": "8192M"}, "requests": {"cpu": "150m", "memory": "8192M"}}),
        json!({"limits": {"cpu": "2", "memory": "8192M"}, "requests": {"cpu": "0.15", "memory": "8192M"}}),
    ];
    for resources in resources {
        let mut r = canary_rollout("guestbook", 1, json!(null), None, json!(0), json!(1));
        r.spec.template.spec.as_mut().expect("spec").containers[0].resources =
            Some(serde_json::from_value(resources).expect("resources"));
        let plan = planner::plan(&snapshot(&r, &[]));
        assert_eq!(rs_name(created(&plan)[0]), "guestbook-6f496f9f78");
    }
}

#[test]
fn test_resume_rollout_after_pause_duration() {
    // TestResumeRolloutAfterPauseDuration: the paused conditions are written first (ending that reconcile),
    // then the expired pause moves the rollout on.
    let steps = json!([{"setWeight": 10}, {"pause": {"duration": 60}}, {"setWeight": 20}]);
    let r1 = canary_rollout("foo", 1, steps, Some(1), json!(1), json!(1));
    let r2 = bump_version(&r1);
    let rs1 = new_replica_set_with_status(&r1, 1, 1);
    let rs2 = new_replica_set_with_status(&r2, 1, 1);
    let mut r2 = update_canary_rollout_status(&r2, &hash(&r1), 1, 1, 1, true);
    st(&mut r2).observed_generation = "124".into();
    st(&mut r2).pause_conditions = vec![PauseCondition {
        reason: Some(PauseReason::CanaryPauseStep),
        start_time: Some(Time(at(-61))),
    }];
    let mut cluster = Cluster::new(r2, vec![rs1, rs2]);
    let first = cluster.plan();
    assert!(first.actions.is_empty());
    let conditions = &first.status.as_ref().expect("status").conditions;
    assert!(conditions.iter().any(|c| c.reason == "RolloutPaused"));
    cluster.apply(&first);
    let before = cluster.rollout.clone();
    let plan = cluster.plan();
    let patch = status_patch(&before, &plan).expect("patch");
    assert_eq!(patch["status"]["currentStepIndex"], json!(2));
    assert_eq!(patch["status"]["controllerPause"], json!(null));
}

#[test]
fn test_no_resume_after_pause_duration_if_user_paused() {
    // TestNoResumeAfterPauseDurationIfUserPaused: spec.paused holds an expired pause step.
    let steps = json!([{"setWeight": 10}, {"pause": {"duration": 60}}, {"setWeight": 20}]);
    let r1 = canary_rollout("foo", 1, steps, Some(1), json!(1), json!(1));
    let r2 = bump_version(&r1);
    let rs1 = new_replica_set_with_status(&r1, 0, 0);
    let rs2 = new_replica_set_with_status(&r2, 1, 1);
    let mut r2 = update_canary_rollout_status(&r2, &hash(&r1), 1, 1, 1, true);
    st(&mut r2).pause_conditions[0].start_time = Some(Time(at(-63)));
    r2.spec.paused = true;
    let plan = planner::plan(&snapshot(&r2, &[rs1, rs2]));
    assert!(writes(&plan).is_empty());
    assert_eq!(
        status_patch_without_conditions(&r2, &plan),
        json!({"status": {"message": "manually paused", "observedGeneration": "124"}})
    );
}

#[test]
fn test_handle_nil_new_rs_on_scale_and_image_change() {
    // TestHandleNilNewRSOnScaleAndImageChange: a template change and a scale at once.
    let steps = json!([{"setWeight": 10}, {"pause": {"duration": 60}}, {"setWeight": 20}]);
    let r1 = canary_rollout("foo", 1, steps, Some(1), json!(1), json!(1));
    let rs1 = new_replica_set_with_status(&r1, 3, 3);
    let mut r2 = bump_version(&r1);
    r2.spec.replicas = Some(3);
    let mut r2 = update_canary_rollout_status(&r2, &hash(&r1), 3, 0, 3, true);
    set_rollout_condition(
        st(&mut r2),
        condition(cond(
            "Progressing",
            "Unknown",
            "RolloutPaused",
            "Rollout is paused",
        )),
    );
    set_rollout_condition(st(&mut r2), condition(paused(true)));
    set_rollout_condition(st(&mut r2), condition(available(true)));
    set_rollout_condition(st(&mut r2), condition(completed(false)));
    let mut cluster = Cluster::new(r2, vec![rs1]);
    cluster.apply(&cluster.plan());
    let before = cluster.rollout.clone();
    let plan = cluster.plan();
    assert_eq!(rs_updates(&plan).len(), 2, "{:?}", plan.actions);
    assert_eq!(
        status_patch_without_conditions(&before, &plan),
        json!({"status": {"observedGeneration": "124"}})
    );
}

/// A rollout half-way: the new ReplicaSet has its pod but it never becomes available; the Progressing
/// condition was last updated `updated_ago` seconds ago with a 20 s deadline.
fn stuck_rollout(
    updated_ago: i64,
    abort: bool,
) -> (rollouts_api::Rollout, Vec<k8s_openapi::api::apps::v1::ReplicaSet>) {
    let mut r1 = canary_rollout("foo", 1, json!(null), None, json!(1), json!(0));
    st(&mut r1).stable_rs = hash(&r1);
    let mut r2 = bump_version(&r1);
    r2.spec.progress_deadline_seconds = Some(20);
    r2.spec.progress_deadline_abort = abort;
    let rs1 = new_replica_set_with_status(&r1, 1, 1);
    let rs2 = new_replica_set_with_status(&r2, 1, 0);
    let mut r2 = update_canary_rollout_status(&r2, &hash(&r1), 1, 1, 2, false);
    let status = st(&mut r2);
    status.replicas = 2;
    status.observed_generation = "124".into();
    let mut progressing = condition(progressing_rs(&rs_name(&rs2)));
    progressing.last_update_time = Some(Time(at(-updated_ago)));
    status.conditions = vec![
        progressing,
        condition(available(true)),
        condition(completed(false)),
    ];
    set_phase(&mut r2);
    (r2, vec![rs1, rs2])
}

#[test]
fn test_requeue_stuck_rollout() {
    // TestRequeueStuckRollout/"More than a second": no change, a reconcile one second after the deadline.
    let (r2, rss) = stuck_rollout(10, false);
    let plan = planner::plan(&snapshot(&r2, &rss));
    assert!(plan.actions.is_empty(), "{:?}", plan.actions);
    assert_eq!(status_patch(&r2, &plan), None);
    assert_eq!(plan.requeue_after, Some(Duration::from_secs(11)));
}

#[test]
fn test_progress_deadline_exceeded() {
    // RolloutTimedOut in calculateRolloutConditions: Progressing False ProgressDeadlineExceeded, Degraded.
    let (r2, rss) = stuck_rollout(30, false);
    let rs2 = rs_name(&rss[1]);
    let plan = planner::plan(&snapshot(&r2, &rss));
    let message = format!("ReplicaSet \"{rs2}\" has timed out progressing.");
    assert_eq!(
        status_patch(&r2, &plan),
        Some(json!({"status": {
            "conditions": [available(true), completed(false), cond("Progressing", "False", "ProgressDeadlineExceeded", &message)],
            "phase": "Degraded",
            "message": format!("ProgressDeadlineExceeded: {message}")
        }}))
    );
}

#[test]
fn test_progress_deadline_abort() {
    // evaluateProgressDeadlineAbort (TestBlueGreenProgressDeadlineAbort for a canary): the update is aborted.
    let (r2, rss) = stuck_rollout(30, true);
    let rs2 = rs_name(&rss[1]);
    let plan = planner::plan(&snapshot(&r2, &rss));
    let timeout = format!("ReplicaSet \"{rs2}\" has timed out progressing.");
    let message = format!("Rollout aborted update to revision 2: {timeout}");
    assert_eq!(
        status_patch(&r2, &plan),
        Some(json!({"status": {
            "abort": true,
            "abortedAt": ts(now()),
            "conditions": [available(true), completed(false), cond("Progressing", "False", "RolloutAborted", &message)],
            "phase": "Degraded",
            "message": format!("RolloutAborted: {message}")
        }}))
    );
    let warnings: Vec<_> = events(&plan)
        .into_iter()
        .filter(|e| e.kind == EventType::Warning)
        .map(|e| e.message.clone())
        .collect();
    assert_eq!(warnings, [timeout, message]);
    // The next reconcile scales the canary down.
    let mut cluster = Cluster::new(r2, rss);
    cluster.apply(&plan);
    cluster.now = at(1);
    assert_eq!(scalings(&cluster.plan()), [(rs2, 0)]);
}

#[test]
fn test_min_ready_seconds_synced_to_new_replica_set() {
    // syncReplicaSetRevision: a changed minReadySeconds is written to the new ReplicaSet, and Go goes on
    // with the updated object (the next write of it carries no stale resourceVersion).
    let mut r = canary_rollout("foo", 1, json!(null), None, json!(1), json!(0));
    st(&mut r).stable_rs = hash(&r);
    let mut rs = new_replica_set_with_status(&r, 1, 1);
    rs.metadata.resource_version = Some("7".into());
    r.spec.min_ready_seconds = 10;
    let plan = planner::plan(&snapshot(&r, &[rs.clone()]));
    let updates = rs_updates(&plan);
    assert_eq!(updates.len(), 1, "{:?}", plan.actions);
    assert_eq!(
        (
            updates[0].min_ready_seconds,
            updates[0].resource_version.as_deref()
        ),
        (Some(10), Some("7"))
    );
    assert_eq!(updates[0].replicas, None);
}

#[test]
fn test_validation_error_becomes_invalid_spec() {
    // newRolloutContext with a validation error: the controller passes the first error of
    // `validate_rollout`; the planner writes InvalidSpec (Degraded) and nothing else.
    let mut r = canary_rollout("foo", 1, json!(null), None, json!(0), json!(0));
    set_phase(&mut r);
    let errors = rollouts_api::validation::validate_rollout(&r);
    let message = rollouts_api::validation::invalid_spec_message("foo", errors.first().expect("an error"));
    assert_eq!(
        message,
        "The Rollout \"foo\" is invalid: spec.strategy.maxSurge: Invalid value: 0: MaxSurge and MaxUnavailable both can not be zero"
    );
    let mut snap = snapshot(&r, &[]);
    snap.invalid_spec = Some(message.clone());
    let plan = planner::plan(&snap);
    assert!(
        plan.actions.is_empty(),
        "no ReplicaSet is created for an invalid spec"
    );
    let status = plan.status.expect("status");
    assert_eq!(status.phase, Some(rollouts_api::enums::RolloutPhase::Degraded));
    assert_eq!(status.message, format!("InvalidSpec: {message}"));
    let invalid = status
        .conditions
        .iter()
        .find(|c| c.reason == "InvalidSpec")
        .expect("condition");
    assert_eq!(invalid.message, message);
}
