//! Whole-snapshot table tests of blue-green ephemeral metadata (`rollout/ephemeralmetadata_test.go`), of
//! the blue-green cases of `rollout/replicaset_test.go` (the abort scale-down delay of the new ReplicaSet,
//! old ReplicaSets beyond `scaleDownDelayRevisionLimit`, a ReplicaSet referenced by a Service), and of
//! `TestBlueGreenProgressDeadlineAbort`, each named after the Go test it ports. Go calls
//! `reconcileNewReplicaSet` / `reconcileOtherReplicaSets` / `isReplicaSetReferenced` alone; here the whole
//! reconcile runs on a rollout in the state those tests set up (see `planner_bluegreen.rs` for the
//! conventions).
//!
//! Not ported: the table of `TestIsReplicaSetReferenced` (a unit test of the lookup: through a whole
//! reconcile the preview Service is switched first, and a missing Service stops the reconcile); its
//! Service case is `test_switched_preview_service_no_longer_references_old_replica_set`.

mod planner_support;

use std::time::Duration;

use planner_support::*;
use pretty_assertions::assert_eq;
use rollouts_api::keys::{
    DESIRED_REPLICAS_ANNOTATION, POD_TEMPLATE_HASH_LABEL, SCALE_DOWN_DEADLINE_ANNOTATION,
};
use rollouts_core::conditions::set_rollout_condition;
use rollouts_core::{Action, planner};
use serde_json::json;

/// Preview (`role: preview`) and active (`role: active`) metadata on a blue-green rollout.
fn with_metadata(ro: &mut rollouts_api::Rollout) {
    bg(ro).preview_metadata =
        Some(serde_json::from_value(json!({"labels": {"role": "preview"}})).expect("md"));
    bg(ro).active_metadata = Some(serde_json::from_value(json!({"labels": {"role": "active"}})).expect("md"));
}

/// The pod-template labels of a ReplicaSet.
fn template_labels(rs: &k8s_openapi::api::apps::v1::ReplicaSet) -> serde_json::Value {
    let labels = rs
        .spec
        .template
        .as_ref()
        .and_then(|t| t.metadata.as_ref())
        .and_then(|m| m.labels.clone());
    serde_json::to_value(labels).expect("json")
}

#[test]
fn test_sync_blue_green_ephemeral_metadata_initial_revision() {
    // TestSyncBlueGreenEphemeralMetadataInitialRevision: the first ReplicaSet gets the active metadata.
    let mut r1 = blue_green_rollout("foo", 1, None, "active", "preview");
    with_metadata(&mut r1);
    let h = hash(&r1);
    let mut cluster = Cluster::new(r1, vec![])
        .with_service(go_service("preview", json!(null), Some("foo")))
        .with_service(go_service("active", json!(null), Some("foo")));
    let first = cluster.plan();
    assert_eq!(
        template_labels(created(&first)[0]),
        json!({"foo": "bar", "role": "active", POD_TEMPLATE_HASH_LABEL: h})
    );
    cluster.apply(&first);
    let second = cluster.plan();
    assert_eq!(
        writes(&second),
        [
            &switch_selector("preview", &h),
            &rs_write(&format!("foo-{h}"), Some(1), &[])
        ]
    );
    assert!(second.status.is_some());
}

#[test]
fn test_sync_blue_green_ephemeral_metadata_second_revision() {
    // TestSyncBlueGreenEphemeralMetadataSecondRevision: the new ReplicaSet is created with the preview
    // metadata; the next reconcile switches the preview Service, scales it up, and writes the active
    // metadata to the stable ReplicaSet and its pods.
    let mut r1 = blue_green_rollout("foo", 3, None, "active", "preview");
    bg(&mut r1).auto_promotion_enabled = Some(false);
    with_metadata(&mut r1);
    let rs1 = new_replica_set_with_status(&r1, 3, 3);
    let (h1, rs1_name) = (hash(&r1), rs_name(&rs1));
    let mut r2 = bump_version(&r1);
    st(&mut r2).stable_rs.clone_from(&h1);
    let h2 = hash(&r2);
    let mut cluster = Cluster::new(r2, vec![rs1.clone()])
        .with_service(go_service("preview", json!(null), Some("foo")))
        .with_service(go_service("active", json!(null), Some("foo")));
    cluster.pods = vec![
        new_pod("foo-abc123", &rs1, at(-60)),
        new_pod("foo-abc456", &rs1, at(-60)),
    ];

    let first = cluster.plan();
    assert_eq!(
        template_labels(created(&first)[0]),
        json!({"foo": "bar", "role": "preview", POD_TEMPLATE_HASH_LABEL: h2})
    );
    cluster.apply(&first);
    let plan = cluster.plan();
    let kinds: Vec<String> = writes(&plan)
        .iter()
        .map(|a| match a {
            Action::PatchService { name, .. } => format!("service {name}"),
            Action::UpdateReplicaSet(u) if u.template_patch.is_some() => format!("metadata {}", u.name),
            Action::UpdateReplicaSet(u) => format!("scale {} {:?}", u.name, u.replicas),
            Action::PatchPod { name, .. } => format!("pod {name}"),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "service preview".to_owned(),
            format!("scale foo-{h2} Some(3)"),
            format!("metadata {rs1_name}"),
            "pod foo-abc123".to_owned(),
            "pod foo-abc456".to_owned(),
        ]
    );
    cluster.apply(&plan);
    let active_labels = json!({"foo": "bar", "role": "active", POD_TEMPLATE_HASH_LABEL: h1});
    assert_eq!(template_labels(cluster.rs(&rs1_name)), active_labels);
    for pod in &cluster.pods {
        assert_eq!(
            serde_json::to_value(&pod.metadata.labels).expect("json"),
            active_labels
        );
    }
}

#[test]
fn test_sync_blue_green_ephemeral_metadata_replica_set_already_patched() {
    // TestSyncBlueGreenEphemeralMetadataReplicaSetAlreadyPatched: the ReplicaSet's template already has
    // the active metadata, so only the pod without it is patched (after both Services are switched).
    let mut r1 = blue_green_rollout("foo", 3, None, "active", "preview");
    with_metadata(&mut r1);
    let mut rs1 = new_replica_set_with_status(&r1, 3, 3);
    let h1 = hash(&r1);
    rs1.spec
        .template
        .as_mut()
        .and_then(|t| t.metadata.as_mut())
        .expect("metadata")
        .labels = Some([("role".to_owned(), "active".to_owned())].into());
    let mut pod1 = new_pod("foo-abc123", &rs1, at(-60));
    let labels = json!({"foo": "bar", "role": "active", POD_TEMPLATE_HASH_LABEL: h1});
    pod1.metadata.labels = serde_json::from_value(labels).expect("labels");
    let mut pod2 = pod1.clone();
    pod2.metadata.name = Some("foo-abc456".into());
    let labels = json!({"foo": "bar", "role": "preview", POD_TEMPLATE_HASH_LABEL: h1});
    pod2.metadata.labels = serde_json::from_value(labels).expect("labels");
    let services = [
        go_service("preview", json!(null), Some("foo")),
        go_service("active", json!(null), Some("foo")),
    ];
    let mut snap = snapshot_with_services(&r1, &[rs1], &services);
    snap.pods = vec![std::sync::Arc::new(pod1), std::sync::Arc::new(pod2)];
    let plan = planner::plan(&snap);
    assert_eq!(
        writes(&plan),
        [
            &switch_selector("preview", &h1),
            &switch_selector("active", &h1),
            &Action::PatchPod {
                name: "foo-abc456".into(),
                patch: json!({"metadata": {"labels": {"role": "active"}}})
            },
        ]
    );
    assert!(plan.status.is_some());
}

/// An aborted update of a 10-replica rollout with `abortScaleDownDelaySeconds: delay` (the default when
/// `None`): the active Service is back on the stable ReplicaSet (10/10), the new one holds `new_replicas`
/// with this scale-down deadline.
fn aborted_update(
    delay: Option<i32>,
    new_replicas: i32,
    deadline: Option<i64>,
) -> (rollouts_core::Snapshot, String) {
    let mut r1 = blue_green_rollout("foo", 10, None, "active", "");
    bg(&mut r1).abort_scale_down_delay_seconds = delay;
    let r2 = bump_version(&r1);
    let rs1 = new_replica_set_with_status(&r1, 10, 10);
    let mut rs2 = new_replica_set_with_status(&r2, new_replicas, new_replicas);
    if let Some(seconds) = deadline {
        rs2.metadata
            .annotations
            .get_or_insert_with(Default::default)
            .insert(SCALE_DOWN_DEADLINE_ANNOTATION.into(), ts(at(seconds)));
    }
    let h1 = hash(&r1);
    let mut r2 = update_blue_green_rollout_status(&r2, "", &h1, &h1, 10, 10, 20, 10, false, true, false);
    st(&mut r2).abort = true;
    st(&mut r2).aborted_at = Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(at(-60)));
    let name = rs_name(&rs2);
    (
        snapshot_with_services(&r2, &[rs1, rs2], &[hash_service("active", &h1)]),
        name,
    )
}

#[test]
fn test_reconcile_new_replica_set_scale_down_on_abort_deadline_passed() {
    // TestReconcileNewReplicaSet/"New Replica scaled down to 0: scale down on abort - deadline passed":
    // the deadline stays on the ReplicaSet (the abort still delays its scale-down).
    let (snap, rs2) = aborted_update(Some(5), 10, Some(-5));
    let plan = planner::plan(&snap);
    assert_eq!(writes(&plan), [&rs_write(&rs2, Some(0), &[])]);
}

#[test]
fn test_reconcile_new_replica_set_scale_down_on_abort_deadline_not_passed() {
    // TestReconcileNewReplicaSet/"... deadline not passed": held, and looked at again at the deadline.
    let (snap, _) = aborted_update(Some(5), 8, Some(5));
    let plan = planner::plan(&snap);
    assert!(writes(&plan).is_empty(), "{:?}", plan.actions);
    assert_eq!(plan.requeue_after, Some(Duration::from_secs(5)));
}

#[test]
fn test_reconcile_new_replica_set_scale_down_on_abort_add_annotation() {
    // TestReconcileNewReplicaSet/"... add annotation" (and the default 30 s when the delay is unset): once
    // the stable ReplicaSet is fully available the new one gets its deadline, keeping its replicas.
    for (delay, seconds) in [(Some(5), 5), (None, 30)] {
        let (snap, rs2) = aborted_update(delay, 10, None);
        let plan = planner::plan(&snap);
        let deadline = ts(at(seconds));
        assert_eq!(
            writes(&plan),
            [&rs_write(
                &rs2,
                None,
                &[(SCALE_DOWN_DEADLINE_ANNOTATION, Some(&deadline))]
            )]
        );
        assert_eq!(
            plan.requeue_after,
            Some(Duration::from_secs(seconds.unsigned_abs()))
        );
    }
}

#[test]
fn test_reconcile_new_replica_set_abort_delay_syncs_replicas_annotation() {
    // TestReconcileNewReplicaSetAbortDelaySyncsReplicasAnnotation: an HPA scaled the rollout to 4 during
    // the abort delay: the scaling event rescales the stable, keeps the new ReplicaSet at 10 but records
    // the rollout's 4 (before, or while waiting out, its deadline), so the scaling event ends.
    for deadline in [None, Some(30)] {
        let (mut snap, rs2) = aborted_update(Some(30), 10, deadline);
        let mut ro = rollouts_api::Rollout::clone(&snap.rollout);
        ro.spec.replicas = Some(4);
        snap.rollout = std::sync::Arc::new(ro);
        let plan = planner::plan(&snap);
        let rs1 = rs_name(&snap.replica_sets[0]);
        let mut expected = vec![
            rs_write(&rs1, Some(4), &[(DESIRED_REPLICAS_ANNOTATION, Some("4"))]),
            rs_write(&rs2, None, &[(DESIRED_REPLICAS_ANNOTATION, Some("4"))]),
        ];
        if deadline.is_none() {
            let at30 = ts(at(30));
            expected.push(rs_write(
                &rs2,
                None,
                &[(SCALE_DOWN_DEADLINE_ANNOTATION, Some(&at30))],
            ));
        }
        assert_eq!(writes(&plan), expected.iter().collect::<Vec<_>>(), "{deadline:?}");
    }
}

#[test]
fn test_reconcile_old_replica_set() {
    // TestReconcileOldReplicaSet: with scaleDownDelayRevisionLimit 0 an old ReplicaSet goes to 0 at once,
    // healthy or not; one with no replicas is left alone.
    for (old_replicas, old_available) in [(0, 0), (10, 8), (10, 10)] {
        let mut r1 = blue_green_rollout("foo", 10, None, "active", "preview");
        bg(&mut r1).scale_down_delay_revision_limit = Some(0);
        let r2 = bump_version(&r1);
        let old = new_replica_set_with_status(&r1, old_replicas, old_available);
        let new = new_replica_set_with_status(&r2, 10, 10);
        let h2 = hash(&r2);
        let r2 = update_blue_green_rollout_status(&r2, &h2, &h2, &h2, 10, 10, 20, 10, false, true, true);
        let services = [hash_service("active", &h2), hash_service("preview", &h2)];
        let plan = planner::plan(&snapshot_with_services(&r2, &[old.clone(), new], &services));
        let expected = if old_replicas == 0 {
            vec![]
        } else {
            vec![rs_write(&rs_name(&old), Some(0), &[])]
        };
        assert_eq!(
            writes(&plan),
            expected.iter().collect::<Vec<_>>(),
            "{old_replicas}/{old_available}"
        );
    }
}

#[test]
fn test_blue_green_progress_deadline_abort() {
    // TestBlueGreenProgressDeadlineAbort: an update whose Progressing condition says it timed out (False,
    // or True with the TimedOut reason) is aborted with progressDeadlineAbort.
    for timed_out in [true, false] {
        let mut r1 = blue_green_rollout("foo", 1, None, "active", "preview");
        r1.spec.progress_deadline_seconds = Some(1);
        r1.spec.progress_deadline_abort = true;
        let mut r2 = bump_version(&r1);
        let rs1 = new_replica_set_with_status(&r1, 1, 1);
        let rs2 = new_replica_set_with_status(&r2, 1, 0);
        let (h1, h2) = (hash(&r1), hash(&r2));
        let status = st(&mut r2);
        status.stable_rs.clone_from(&h1);
        status.blue_green.active_selector.clone_from(&h1);
        status.blue_green.preview_selector.clone_from(&h2);
        status.updated_replicas = 1;
        status.ready_replicas = 1;
        status.available_replicas = 1;
        let timeout = format!("ReplicaSet \"foo-{h2}\" has timed out progressing.");
        let progressing = if timed_out {
            cond("Progressing", "False", "ProgressDeadlineExceeded", &timeout)
        } else {
            cond(
                "Progressing",
                "True",
                "ProgressDeadlineExceeded",
                "ProgressDeadlineExceeded",
            )
        };
        set_rollout_condition(st(&mut r2), condition(progressing));
        let services = [hash_service("active", &h1), hash_service("preview", &h2)];
        let plan = planner::plan(&snapshot_with_services(&r2, &[rs1, rs2], &services));
        assert!(writes(&plan).is_empty(), "{:?}", plan.actions);
        let patch = status_patch(&r2, &plan).expect("patch");
        assert_eq!(patch["status"]["abort"], json!(true), "{patch}");
        assert_eq!(patch["status"]["phase"], json!("Degraded"));
        let message = patch["status"]["message"].as_str().expect("message");
        assert!(message.contains(&timeout), "{message}");
    }
}

#[test]
fn test_switched_preview_service_no_longer_references_old_replica_set() {
    // isReplicaSetReferenced after reconcilePreviewService: Go switches the preview Service's selector on
    // the lister's object, so a ReplicaSet the preview Service selected before this reconcile's switch
    // (and that the status names nowhere) is no longer referenced, and gets its scale-down deadline.
    let r1 = blue_green_rollout("foo", 1, None, "active", "preview");
    let r2 = bump_version(&r1);
    let rss = [
        new_replica_set_with_status(&r1, 1, 1),
        new_replica_set_with_status(&r2, 1, 1),
    ];
    let (h1, h2) = (hash(&r1), hash(&r2));
    let r2 = update_blue_green_rollout_status(&r2, &h2, &h2, &h2, 1, 1, 2, 1, false, true, true);
    let services = [hash_service("active", &h2), hash_service("preview", &h1)];
    let plan = planner::plan(&snapshot_with_services(&r2, &rss, &services));
    let deadline = ts(at(30));
    assert_eq!(
        writes(&plan),
        [
            &switch_selector("preview", &h2),
            &rs_write(
                &rs_name(&rss[0]),
                None,
                &[(SCALE_DOWN_DEADLINE_ANNOTATION, Some(&deadline))]
            ),
        ]
    );
}

#[test]
fn test_scale_down_delay_seconds_zero_scales_down_at_once() {
    // A deliberate deviation (argo-rollouts#1992, docs/compatibility.md): with `scaleDownDelaySeconds: 0`
    // Go annotates nothing and keeps the previous ReplicaSet up for ever; the planner scales it down now.
    let mut r1 = blue_green_rollout("foo", 1, None, "active", "");
    bg(&mut r1).scale_down_delay_seconds = Some(0);
    let r2 = bump_version(&r1);
    let old = new_replica_set_with_status(&r1, 1, 1);
    let new = new_replica_set_with_status(&r2, 1, 1);
    let h2 = hash(&r2);
    let r2 = update_blue_green_rollout_status(&r2, "", &h2, &h2, 1, 1, 2, 1, false, true, true);
    let services = [hash_service("active", &h2)];
    let plan = planner::plan(&snapshot_with_services(&r2, &[old.clone(), new], &services));
    assert_eq!(writes(&plan), [&rs_write(&rs_name(&old), Some(0), &[])]);
    assert_eq!(plan.requeue_after, None);
}
