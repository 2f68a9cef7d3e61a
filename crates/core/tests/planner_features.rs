//! Whole-snapshot table tests of the planner's Services, restarts and ephemeral metadata, each modelled on
//! the Argo test it names (`rollout/canary_test.go`, `restart_test.go`, `ephemeralmetadata_test.go`).

mod planner_support;

use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use planner_support::*;
use pretty_assertions::assert_eq;
use rollouts_api::keys::{EPHEMERAL_METADATA_ANNOTATION, POD_TEMPLATE_HASH_LABEL};
use rollouts_core::{Action, Snapshot, planner};
use serde_json::json;

fn service_patches(plan: &rollouts_core::Plan) -> Vec<(String, serde_json::Value)> {
    plan.actions
        .iter()
        .filter_map(|a| match a {
            Action::PatchService { name, patch } => Some((name.clone(), patch.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn test_canary_rollout_with_canary_service() {
    // TestCanaryRolloutWithCanaryService: an unmanaged Service is adopted once the ReplicaSet is available.
    let mut r = canary_rollout("foo", 1, json!(null), None, json!(1), json!(0));
    r.spec.strategy.canary.as_mut().expect("canary").canary_service = "canary".into();
    let rs = new_replica_set_with_status(&r, 1, 1);
    let mut snap = snapshot(&r, &[rs]);
    snap.services
        .insert("canary".into(), Arc::new(new_service("canary", None, None)));
    let plan = planner::plan(&snap);
    assert_eq!(
        service_patches(&plan),
        [(
            "canary".to_owned(),
            json!({
                "metadata": {"annotations": {"argo-rollouts.argoproj.io/managed-by-rollouts": "foo"}},
                "spec": {"selector": {POD_TEMPLATE_HASH_LABEL: hash(&r)}}
            })
        )]
    );
    assert!(event_texts(&plan).contains(&(
        "SwitchService".into(),
        format!("Switched selector for service 'canary' from '' to '{}'", hash(&r))
    )));
}

/// A canary at 50% with a stable and a canary Service, the new ReplicaSet having these pods.
fn services_snapshot(
    canary_replicas: i32,
    canary_available: i32,
    aborted: bool,
    managed: bool,
) -> (Snapshot, String, String) {
    let mut r1 = canary_rollout("foo", 2, json!([{"setWeight": 50}]), Some(0), json!(1), json!(0));
    let canary = r1.spec.strategy.canary.as_mut().expect("canary");
    canary.stable_service = "stable".into();
    canary.canary_service = "canary".into();
    let stable_hash = hash(&r1);
    let rs1 = new_replica_set_with_status(&r1, 2, 2);
    let r2 = bump_version(&r1);
    let rs2 = new_replica_set_with_status(&r2, canary_replicas, canary_available);
    let mut r2 = update_canary_rollout_status(&r2, &stable_hash, 2, canary_available, 2, false);
    st(&mut r2).abort = aborted;
    let mut snap = snapshot(&r2, &[rs1, rs2]);
    let managed_by = managed.then_some("foo");
    snap.services.insert(
        "stable".into(),
        Arc::new(new_service("stable", Some(&stable_hash), Some("foo"))),
    );
    snap.services
        .insert("canary".into(), Arc::new(new_service("canary", None, managed_by)));
    (snap, stable_hash, hash(&r2))
}

#[test]
fn test_canary_svc_selectors() {
    // TestCanarySVCSelectors: adopting the canary Service waits for a fully available new ReplicaSet.
    for (replicas, available, should_target_new) in
        [(0, 0, false), (2, 0, false), (2, 1, false), (2, 2, true)]
    {
        let (snap, _, new_hash) = services_snapshot(replicas, available, false, false);
        let patches = service_patches(&planner::plan(&snap));
        if should_target_new {
            assert_eq!(patches.len(), 1, "{replicas}/{available}");
            assert_eq!(
                patches[0].1["spec"]["selector"][POD_TEMPLATE_HASH_LABEL],
                json!(new_hash)
            );
        } else {
            assert!(patches.is_empty(), "{replicas}/{available}: {patches:?}");
        }
    }
    // A managed Service switches once one canary pod is available.
    let (snap, _, new_hash) = services_snapshot(2, 1, false, true);
    let patches = service_patches(&planner::plan(&snap));
    assert_eq!(
        patches,
        [(
            "canary".to_owned(),
            json!({"spec": {"selector": {POD_TEMPLATE_HASH_LABEL: new_hash}}})
        )]
    );
}

#[test]
fn test_canary_svc_selectors_basic_canary_abort_service_switch_back() {
    // TestCanarySVCSelectorsBasicCanaryAbortServiceSwitchBack
    for (aborted, target_new) in [(false, true), (true, false)] {
        let (snap, stable_hash, new_hash) = services_snapshot(2, 2, aborted, true);
        let patches = service_patches(&planner::plan(&snap));
        let expected = if target_new { new_hash } else { stable_hash };
        assert_eq!(
            patches,
            [(
                "canary".to_owned(),
                json!({"spec": {"selector": {POD_TEMPLATE_HASH_LABEL: expected}}})
            )]
        );
    }
}

#[test]
fn test_canary_rollout_with_invalid_stable_service_name() {
    // TestCanaryRolloutWithInvalidStableServiceName: validation reports the missing Service (an input
    // here); without it the reconcile stops at the Service, as Go's lister NotFound does.
    let (mut snap, _, _) = services_snapshot(2, 2, false, true);
    snap.services.remove("stable");
    let plan = planner::plan(&snap);
    assert!(
        plan.actions.is_empty() && plan.status.is_none() && plan.requeue_after.is_none(),
        "{plan:?}"
    );
}

#[test]
fn test_restart_reconcile() {
    // TestRestartReconcile / TestRestartMaxUnavailable: pods older than restartAt are evicted one
    // maxUnavailable (at least 1) at a time; once all are newer, restartedAt is recorded.
    let mut r = canary_rollout("foo", 3, json!(null), None, json!(1), json!(0));
    st(&mut r).stable_rs = hash(&r);
    let rs = new_replica_set_with_status(&r, 3, 3);
    r.spec.restart_at = Some(Time(at(-60)));
    let mut cluster = Cluster::new(r, vec![rs.clone()]);
    cluster.pods = (1..=3)
        .map(|i| new_pod(&format!("foo-{i}"), &rs, at(-3600)))
        .collect();
    for round in 1..=3 {
        let plan = cluster.plan();
        assert_eq!(
            writes(&plan),
            [&Action::EvictPod {
                name: format!("foo-{round}")
            }],
            "round {round}"
        );
        assert_eq!(plan.status, None, "a reconcile that evicted ends there");
        // Go requeues while pods remain; the last eviction leaves none to wait for.
        let expected = (round < 3).then_some(Duration::from_secs(30));
        assert_eq!(plan.requeue_after, expected, "round {round}");
        cluster.apply(&plan);
        cluster
            .pods
            .push(new_pod(&format!("foo-new-{round}"), &rs, now()));
        cluster.now = at(round);
    }
    let plan = cluster.plan();
    assert!(writes(&plan).is_empty());
    assert_eq!(plan.status.expect("status").restarted_at, Some(Time(at(-60))));
}

#[test]
fn test_restart_check_enqueue_rollout() {
    // TestRestartCheckEnqueueRollout: a future restartAt asks for a reconcile then.
    let mut r = canary_rollout("foo", 1, json!(null), None, json!(1), json!(0));
    r.spec.restart_at = Some(Time(at(120)));
    let rs = new_replica_set_with_status(&r, 1, 1);
    let plan = planner::plan(&snapshot(&r, &[rs]));
    assert_eq!(plan.requeue_after, Some(Duration::from_millis(120_001)));
}

fn with_metadata(mut ro: rollouts_api::Rollout) -> rollouts_api::Rollout {
    let canary = ro.spec.strategy.canary.as_mut().expect("canary");
    canary.canary_metadata = Some(serde_json::from_value(json!({"labels": {"role": "canary"}})).expect("md"));
    canary.stable_metadata = Some(serde_json::from_value(json!({"labels": {"role": "stable"}})).expect("md"));
    ro
}

#[test]
fn test_sync_canary_ephemeral_metadata_initial_revision() {
    // TestSyncCanaryEphemeralMetadataInitialRevision: the first ReplicaSet gets the stable metadata.
    let r1 = with_metadata(canary_rollout("foo", 1, json!(null), Some(1), json!(1), json!(1)));
    let plan = planner::plan(&snapshot(&r1, &[]));
    let rs = created(&plan)[0];
    let labels = rs
        .spec
        .template
        .as_ref()
        .and_then(|t| t.metadata.as_ref())
        .and_then(|m| m.labels.clone());
    assert_eq!(
        serde_json::to_value(labels).expect("json"),
        json!({"foo": "bar", "role": "stable", POD_TEMPLATE_HASH_LABEL: hash(&r1)})
    );
    assert_eq!(
        rs.metadata.annotations.as_ref().expect("a")[EPHEMERAL_METADATA_ANNOTATION],
        r#"{"labels":{"role":"stable"}}"#
    );
}

#[test]
fn test_sync_canary_ephemeral_metadata_second_revision() {
    // TestSyncCanaryEphemeralMetadataSecondRevision: the canary gets the canary metadata; the stable
    // ReplicaSet and its pods get the stable metadata.
    let r1 = with_metadata(canary_rollout("foo", 1, json!(null), Some(1), json!(1), json!(1)));
    let rs1 = new_replica_set_with_status(&r1, 3, 3);
    let mut r2 = bump_version(&r1);
    st(&mut r2).stable_rs = hash(&r1);
    let mut cluster = Cluster::new(r2.clone(), vec![rs1.clone()]);
    cluster.pods = vec![
        new_pod("foo-abc123", &rs1, at(-60)),
        new_pod("foo-abc456", &rs1, at(-60)),
    ];

    let first = cluster.plan();
    let labels = |rs: &k8s_openapi::api::apps::v1::ReplicaSet| {
        let labels = rs
            .spec
            .template
            .as_ref()
            .and_then(|t| t.metadata.as_ref())
            .and_then(|m| m.labels.clone());
        serde_json::to_value(labels).expect("json")
    };
    assert_eq!(
        labels(created(&first)[0]),
        json!({"foo": "bar", "role": "canary", POD_TEMPLATE_HASH_LABEL: hash(&r2)})
    );
    cluster.apply(&first);
    let plan = cluster.plan();
    let kinds: Vec<&str> = writes(&plan)
        .iter()
        .map(|a| match a {
            Action::UpdateReplicaSet(u) if u.template_patch.is_some() => "metadata",
            Action::UpdateReplicaSet(_) => "scale",
            Action::PatchPod { .. } => "pod",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, ["metadata", "pod", "pod", "scale"]);
    cluster.apply(&plan);
    let stable_labels = json!({"foo": "bar", "role": "stable", POD_TEMPLATE_HASH_LABEL: hash(&r1)});
    assert_eq!(labels(cluster.rs(&rs_name(&rs1))), stable_labels);
    for pod in &cluster.pods {
        assert_eq!(
            serde_json::to_value(&pod.metadata.labels).expect("json"),
            stable_labels
        );
    }
}
