//! The controller against the sandbox: status patches carry only what changed and never clobber fields
//! another writer changed; a settled rollout makes zero writes; owned objects and referenced Services
//! wake their rollout; snapshots are gathered from trimmed caches and hold exactly the rollout's own
//! objects and the orphans it selects; a malformed Rollout does not stop the others.

mod common;

use std::time::Duration;

use common::{
    Scripted, create_rollout, get_rollout, patch_status, rollout, sandbox, settings, start, wait_for,
};
use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::api::core::v1::{Pod, Service};
use kube::api::{ApiResource, DynamicObject, GroupVersionKind, Patch, PatchParams, PostParams};
use kube::{Api, ResourceExt};
use rollouts_api::Rollout;
use rollouts_controller::events::EventRecorder;
use rollouts_controller::executor::Executor;
use rollouts_controller::metrics::Metrics;
use rollouts_core::{Action, EventType, Plan};
use serde_json::json;

fn owned_rs(ro: &Rollout, hash: &str) -> ReplicaSet {
    serde_json::from_value(json!({
        "metadata": {"name": format!("{}-{hash}", ro.name_any()), "namespace": "default",
                     "labels": {"app": ro.name_any(), "rollouts-pod-template-hash": hash},
                     "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{\"big\":true}",
                                     "rollout.argoproj.io/revision": "1"},
                     "ownerReferences": [{"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
                                          "name": ro.name_any(), "uid": ro.uid().expect("a stored rollout has a uid"), "controller": true}]},
        "spec": {"replicas": 1,
                 "selector": {"matchLabels": {"app": ro.name_any(), "rollouts-pod-template-hash": hash}},
                 "template": {"metadata": {"labels": {"app": ro.name_any(), "rollouts-pod-template-hash": hash}},
                              "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}
    }))
    .expect("fixture")
}

#[tokio::test]
async fn a_status_patch_carries_only_changed_fields_and_keeps_concurrent_cli_writes() {
    let sb = sandbox().await;
    create_rollout(&sb, &rollout("web")).await;
    let observed = patch_status(
        &sb,
        "web",
        json!({"currentStepIndex": 1, "message": "old", "phase": "Progressing"}),
    )
    .await;
    // The CLI writes while the controller plans from `observed`.
    patch_status(
        &sb,
        "web",
        json!({"currentStepIndex": 2, "abort": true, "promoteFull": true,
               "pauseConditions": [{"reason": "CanaryPauseStep", "startTime": "2024-01-01T00:00:00Z"}]}),
    )
    .await;
    let executor = Executor::new(
        sb.client(),
        std::sync::Arc::new(EventRecorder::new(sb.client(), "t", Metrics::new())),
        None,
    );
    let mut planned = observed.status.clone().unwrap();
    planned.message = "new".into();
    planned.phase = Some("Paused".into());
    let patches_before = sb.requests().count("patch", "rollouts");
    executor
        .patch_status(&observed, &planned)
        .await
        .unwrap()
        .expect("a patch is sent");
    let stored = get_rollout(&sb, "web").await.status.unwrap();
    assert_eq!(stored.message, "new");
    assert_eq!(stored.phase.as_ref().map(|p| p.as_str()), Some("Paused"));
    assert_eq!(
        stored.current_step_index,
        Some(2),
        "currentStepIndex written by the CLI survives"
    );
    assert!(
        stored.abort && stored.promote_full,
        "abort and promoteFull survive"
    );
    assert_eq!(stored.pause_conditions.len(), 1, "pauseConditions survive");
    assert_eq!(sb.requests().count("patch", "rollouts"), patches_before + 1);
    let patch = sb
        .requests()
        .records()
        .into_iter()
        .rev()
        .find(|r| r.method == "PATCH")
        .unwrap();
    assert_eq!(
        patch.subresource.as_deref(),
        Some("status"),
        "only the status subresource is written"
    );
    assert_eq!(
        patch.content_type.as_deref(),
        Some("application/merge-patch+json")
    );
    // An unchanged status sends nothing.
    let current = get_rollout(&sb, "web").await;
    let same = current.status.clone().unwrap();
    assert_eq!(executor.patch_status(&current, &same).await.unwrap(), None);
    assert_eq!(sb.requests().count("patch", "rollouts"), patches_before + 1);
}

#[tokio::test]
async fn a_rollout_reconciles_to_a_settled_state_that_makes_zero_writes() {
    let sb = sandbox().await;
    let planner = Scripted::new(|s, _| {
        let mut status = s.rollout.status.clone().unwrap_or_default();
        let mut plan = Plan::default();
        if s.replica_sets.is_empty() {
            let mut rs = owned_rs(&s.rollout, "abc");
            rs.metadata.annotations = None;
            plan.push(Action::CreateReplicaSet(Box::new(rs)));
            plan.event(
                EventType::Normal,
                "NewReplicaSetCreated",
                "Created ReplicaSet web-abc (revision 1)",
            );
            status.current_pod_hash = "abc".into();
            status.message = "created".into();
        }
        plan.status = Some(status);
        // Reconcile again soon, so that the settled state is exercised many times.
        plan.requeue(Duration::from_millis(20));
        plan
    });
    create_rollout(&sb, &rollout("web")).await;
    let ctl = start(&sb, settings(), &planner);
    wait_for("the status is written", 20, || async {
        let ro = get_rollout(&sb, "web").await;
        (ro.status.unwrap_or_default().current_pod_hash == "abc").then_some(())
    })
    .await;
    wait_for("the ReplicaSet reaches the snapshot", 20, || async {
        planner
            .last("web")
            .filter(|s| s.replica_sets.len() == 1)
            .map(|_| ())
    })
    .await;
    sb.requests().clear();
    let n = planner.count("web");
    wait_for("ten settled reconciles", 20, || async {
        (planner.count("web") >= n + 10).then_some(())
    })
    .await;
    assert_eq!(
        sb.requests().writes(),
        0,
        "writes while settled: {:?}",
        sb.requests().counts()
    );
    let verbs: Vec<String> = sb.requests().counts().keys().map(|(v, _)| v.clone()).collect();
    assert!(
        verbs.iter().all(|v| v == "watch" || v == "list"),
        "a settled reconcile reads only caches: {verbs:?}"
    );
    let events = Api::<k8s_openapi::api::core::v1::Event>::namespaced(sb.client(), "default")
        .list(&Default::default())
        .await
        .unwrap();
    assert_eq!(events.items.len(), 1, "the event was recorded once");
    ctl.stop().await;
}

#[tokio::test]
async fn owned_objects_and_referenced_services_wake_their_rollout_with_trimmed_caches() {
    let sb = sandbox().await;
    let planner = Scripted::settled();
    let ro = create_rollout(&sb, &rollout("web")).await;
    let services: Api<Service> = Api::namespaced(sb.client(), "default");
    let svc = |name: &str| -> Service {
        serde_json::from_value(json!({"metadata": {"name": name}, "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}}))
            .unwrap()
    };
    services
        .create(&PostParams::default(), &svc("web-stable"))
        .await
        .unwrap();
    let ctl = start(&sb, settings(), &planner);
    wait_for("the first reconcile", 20, || async {
        (planner.count("web") >= 1).then_some(())
    })
    .await;

    let n = planner.count("web");
    let rs = Api::<ReplicaSet>::namespaced(sb.client(), "default")
        .create(&PostParams::default(), &owned_rs(&ro, "abc"))
        .await
        .unwrap();
    let pod: Pod = serde_json::from_value(json!({
        "metadata": {"name": "web-abc-1", "labels": {"app": "web", "rollouts-pod-template-hash": "abc"},
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-abc",
                                          "uid": rs.uid().unwrap(), "controller": true}]},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]}
    }))
    .unwrap();
    Api::<Pod>::namespaced(sb.client(), "default")
        .create(&PostParams::default(), &pod)
        .await
        .unwrap();
    wait_for("an owned ReplicaSet wakes the rollout", 20, || async {
        (planner.count("web") > n).then_some(())
    })
    .await;
    let snapshot = wait_for("the snapshot holds the ReplicaSet and its pod", 20, || async {
        planner
            .last("web")
            .filter(|s| s.replica_sets.len() == 1 && s.pods.len() == 1)
    })
    .await;
    let cached = &snapshot.replica_sets[0];
    assert!(cached.metadata.managed_fields.is_none());
    assert!(
        !cached
            .annotations()
            .contains_key("kubectl.kubernetes.io/last-applied-configuration"),
        "the cache is trimmed"
    );
    assert_eq!(
        cached
            .annotations()
            .get("rollout.argoproj.io/revision")
            .map(String::as_str),
        Some("1")
    );
    assert_eq!(snapshot.services.keys().collect::<Vec<_>>(), vec!["web-stable"]);

    let n = planner.count("web");
    services
        .patch(
            "web-stable",
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"labels": {"touched": "yes"}}})),
        )
        .await
        .unwrap();
    wait_for("a referenced Service wakes the rollout", 20, || async {
        (planner.count("web") > n).then_some(())
    })
    .await;

    let n = planner.count("web");
    services
        .create(&PostParams::default(), &svc("web-canary"))
        .await
        .unwrap();
    wait_for("a referenced Service appearing wakes the rollout", 20, || async {
        planner
            .last("web")
            .filter(|s| planner.count("web") > n && s.services.len() == 2)
            .map(|_| ())
    })
    .await;
    ctl.stop().await;
}

/// A pod named `name` controlled by `rs`.
fn owned_pod(rs: &ReplicaSet, name: &str) -> Pod {
    serde_json::from_value(json!({
        "metadata": {"name": name, "labels": rs.labels(),
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs.name_any(),
                                          "uid": rs.uid().expect("a stored ReplicaSet has a uid"), "controller": true}]},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]}
    }))
    .expect("pod fixture")
}

/// Names of a snapshot's ReplicaSets and pods.
fn snapshot_names(s: &rollouts_core::Snapshot) -> (Vec<String>, Vec<String>) {
    (
        s.replica_sets.iter().map(|r| r.name_any()).collect(),
        s.pods.iter().map(|p| p.name_any()).collect(),
    )
}

#[tokio::test]
async fn a_snapshot_holds_its_own_and_selectable_orphan_replica_sets_never_another_rollouts() {
    let sb = sandbox().await;
    let web = create_rollout(&sb, &rollout("web")).await;
    let api = create_rollout(&sb, &rollout("api")).await;
    let rss: Api<ReplicaSet> = Api::namespaced(sb.client(), "default");
    let pods: Api<Pod> = Api::namespaced(sb.client(), "default");
    let pp = PostParams::default();
    let mine = rss.create(&pp, &owned_rs(&web, "abc")).await.unwrap();
    let theirs = rss.create(&pp, &owned_rs(&api, "def")).await.unwrap();
    let orphan = |name: &str, app: &str| {
        let mut rs = owned_rs(&web, "zzz");
        rs.metadata.name = Some(name.into());
        rs.metadata.owner_references = None;
        rs.metadata.labels = Some(
            [("app", app), ("rollouts-pod-template-hash", "zzz")]
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .into(),
        );
        rs
    };
    rss.create(&pp, &orphan("web-orphan", "web")).await.unwrap();
    rss.create(&pp, &orphan("other-orphan", "other")).await.unwrap();
    pods.create(&pp, &owned_pod(&mine, "web-abc-1")).await.unwrap();
    pods.create(&pp, &owned_pod(&theirs, "api-def-1")).await.unwrap();

    let planner = Scripted::settled();
    let ctl = start(&sb, settings(), &planner);
    let expected = (
        vec!["web-abc".to_string(), "web-orphan".to_string()],
        vec!["web-abc-1".to_string()],
    );
    wait_for(
        "web's snapshot: its ReplicaSet and pod, and the orphan it selects",
        20,
        || async { planner.last("web").filter(|s| snapshot_names(s) == expected) },
    )
    .await;
    let api_snapshot = wait_for("api's snapshot", 20, || async { planner.last("api") }).await;
    assert_eq!(
        snapshot_names(&api_snapshot),
        (vec!["api-def".to_string()], vec!["api-def-1".to_string()]),
        "another rollout's objects and orphans it does not select stay out"
    );

    // Once api adopts the orphan it leaves web's snapshot.
    let adopt = json!({"metadata": {"ownerReferences": [{"apiVersion": "argoproj.io/v1alpha1",
        "kind": "Rollout", "name": "api", "uid": api.uid().unwrap(), "controller": true}]}});
    rss.patch("web-orphan", &PatchParams::default(), &Patch::Merge(&adopt))
        .await
        .unwrap();
    wait_for("api's snapshot holds the adopted ReplicaSet", 20, || async {
        planner
            .last("api")
            .filter(|s| snapshot_names(s).0 == ["api-def", "web-orphan"])
    })
    .await;
    let touch = json!({"metadata": {"labels": {"touched": "yes"}}});
    Api::<Rollout>::namespaced(sb.client(), "default")
        .patch("web", &PatchParams::default(), &Patch::Merge(&touch))
        .await
        .unwrap();
    wait_for("web's snapshot without the adopted ReplicaSet", 20, || async {
        planner
            .last("web")
            .filter(|s| s.rollout.labels().contains_key("touched") && snapshot_names(s).0 == ["web-abc"])
    })
    .await;
    ctl.stop().await;
}

#[tokio::test]
async fn a_malformed_rollout_does_not_stop_the_others() {
    let sb = sandbox().await;
    let ar = ApiResource::from_gvk_with_plural(
        &GroupVersionKind::gvk("argoproj.io", "v1alpha1", "Rollout"),
        "rollouts",
    );
    let dynamic: Api<DynamicObject> = Api::namespaced_with(sb.client(), "default", &ar);
    let mut bad: DynamicObject =
        serde_json::from_value(serde_json::to_value(rollout("bad")).unwrap()).unwrap();
    bad.data["spec"]["replicas"] = json!("three");
    dynamic
        .create(&PostParams::default(), &bad)
        .await
        .expect("the sandbox does not validate CRs");
    create_rollout(&sb, &rollout("good-1")).await;
    let planner = Scripted::settled();
    let ctl = start(&sb, settings(), &planner);
    wait_for("the valid rollout is reconciled", 20, || async {
        (planner.count("good-1") >= 1).then_some(())
    })
    .await;
    create_rollout(&sb, &rollout("good-2")).await;
    wait_for("a later rollout is reconciled too", 20, || async {
        (planner.count("good-2") >= 1).then_some(())
    })
    .await;
    assert_eq!(planner.count("bad"), 0, "the malformed rollout is never planned");
    dynamic
        .patch(
            "bad",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"replicas": 3}})),
        )
        .await
        .unwrap();
    wait_for("the fixed rollout is reconciled", 20, || async {
        (planner.count("bad") >= 1).then_some(())
    })
    .await;
    ctl.stop().await;
}

#[tokio::test]
async fn instance_ids_shard_rollouts() {
    let sb = sandbox().await;
    let mut mine = rollout("mine");
    mine.metadata.labels = Some(
        [(
            "argo-rollouts.argoproj.io/controller-instance-id".to_string(),
            "blue".to_string(),
        )]
        .into(),
    );
    create_rollout(&sb, &mine).await;
    create_rollout(&sb, &rollout("unlabelled")).await;
    let blue = Scripted::settled();
    let default = Scripted::settled();
    let mut blue_settings = settings();
    blue_settings.scope.instance_id = "blue".into();
    let a = start(&sb, blue_settings, &blue);
    let b = start(&sb, settings(), &default);
    wait_for("both instances reconcile their rollout", 20, || async {
        (blue.count("mine") >= 1 && default.count("unlabelled") >= 1).then_some(())
    })
    .await;
    assert_eq!(blue.count("unlabelled"), 0);
    assert_eq!(default.count("mine"), 0);
    a.stop().await;
    b.stop().await;
}

#[tokio::test]
async fn expired_watches_are_relisted_without_stalling_the_controller() {
    let sb = sandbox().await;
    let planner = Scripted::settled();
    create_rollout(&sb, &rollout("web")).await;
    let ctl = start(&sb, settings(), &planner);
    wait_for("the rollout is planned", 20, || async {
        (planner.count("web") > 0).then_some(())
    })
    .await;
    // An etcd compaction or an API server restart: every watch ends with an in-stream 410 and the
    // history is gone, so each of the controller's watches must re-list. (Each watch backs off on its own
    // error; if the controller also backed its merged trigger stream off on each of them, one after the
    // other, it would stop seeing changes for tens of seconds.)
    for _ in 0..3 {
        sb.store().end_watches(None, true);
        sb.store().compact();
        let api: Api<Rollout> = Api::namespaced(sb.client(), "default");
        let generation = api.get("web").await.unwrap().metadata.generation;
        let replicas = get_rollout(&sb, "web").await.spec.replicas.unwrap_or(1) + 1;
        api.patch(
            "web",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"replicas": replicas}})),
        )
        .await
        .unwrap();
        let started = std::time::Instant::now();
        wait_for("the change is planned", 30, || async {
            planner
                .last("web")
                .filter(|s| s.rollout.metadata.generation > generation)
                .map(|_| ())
        })
        .await;
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the change was planned only after {:?}",
            started.elapsed()
        );
    }
    ctl.stop().await;
}

#[tokio::test]
async fn failed_writes_are_retried_at_once_with_an_exponential_backoff() {
    let sb = sandbox().await;
    let planner = Scripted::new(|s, _| {
        let mut status = s.rollout.status.clone().unwrap_or_default();
        status.message = "planned".into();
        Plan {
            status: Some(status),
            ..Plan::default()
        }
    });
    // The first five status patches fail (500, 409): retried after 1, 2, 4, 8, 16 ms as Argo's workqueue
    // does, not after seconds. (429s would be retried inside the kube client.)
    create_rollout(&sb, &rollout("web")).await;
    sb.faults().fail_writes("rollouts", 500, 3);
    sb.faults().fail_writes("rollouts", 409, 2);
    let started = std::time::Instant::now();
    let ctl = start(&sb, settings(), &planner);
    wait_for("the status is written", 20, || async {
        let ro = get_rollout(&sb, "web").await;
        (ro.status.unwrap_or_default().message == "planned").then_some(())
    })
    .await;
    assert_eq!(sb.faults().pending(), 0);
    assert!(planner.count("web") >= 6, "{} plans", planner.count("web"));
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "written only after {:?}",
        started.elapsed()
    );
    ctl.stop().await;
}

#[tokio::test]
async fn every_reconcile_waiting_for_the_caches_sees_them_become_ready() {
    use futures::{FutureExt, StreamExt};
    let sb = sandbox().await;
    create_rollout(&sb, &rollout("web")).await;
    let stop = tokio_util::sync::CancellationToken::new();
    let w = rollouts_controller::cache::watches(&sb.client(), &Default::default(), &stop);
    // Three reconciles wait for the caches before any watch has listed (each registers its waker).
    let waiters: Vec<_> = (0..3)
        .map(|_| {
            let caches = w.caches.clone();
            tokio::spawn(async move { caches.wait_ready().await })
        })
        .collect();
    tokio::task::yield_now().await;
    let mut drivers = vec![
        w.rollouts.for_each(|_| async {}).boxed(),
        w.replica_sets.for_each(|_| async {}).boxed(),
        w.analysis_runs.for_each(|_| async {}).boxed(),
        w.experiments.for_each(|_| async {}).boxed(),
        w.services.for_each(|_| async {}).boxed(),
    ];
    drivers.extend(w.cache_only);
    let drivers: Vec<_> = drivers.into_iter().map(tokio::spawn).collect();
    for waiter in waiters {
        let ready = common::within("every waiter sees the caches ready", 10, waiter)
            .await
            .expect("waiter task");
        assert!(ready);
    }
    assert_eq!(w.caches.rollouts.state().len(), 1);
    drivers.iter().for_each(tokio::task::JoinHandle::abort);
}

#[tokio::test]
async fn a_reconcile_waiting_for_the_caches_gives_up_when_the_run_stops() {
    let sb = sandbox().await;
    let stop = tokio_util::sync::CancellationToken::new();
    // The watches are never polled, as after a graceful shutdown began: the caches never fill.
    let w = rollouts_controller::cache::watches(&sb.client(), &Default::default(), &stop);
    let caches = w.caches.clone();
    let waiter = tokio::spawn(async move { caches.wait_ready().await });
    tokio::task::yield_now().await;
    assert!(!waiter.is_finished());
    stop.cancel();
    let ready = common::within("the waiter gives up", 5, waiter)
        .await
        .expect("waiter task");
    assert!(!ready);
}

#[tokio::test]
async fn a_controller_stopped_while_its_caches_fill_stops_promptly() {
    let sb = sandbox().await;
    create_rollout(&sb, &rollout("web")).await;
    // The ReplicaSets list answers late: the rollout's reconcile starts and waits for the caches.
    sb.faults()
        .add_latency(Some("replicasets"), Duration::from_secs(3));
    let planner = Scripted::settled();
    let ctl = start(&sb, settings(), &planner);
    wait_for("the rollouts are listed", 10, || async {
        (sb.requests().count("list", "rollouts") > 0).then_some(())
    })
    .await;
    let started = std::time::Instant::now();
    ctl.stop().await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "stopped after {:?}",
        started.elapsed()
    );
    assert_eq!(
        planner.count("web"),
        0,
        "nothing is planned from half-filled caches"
    );
}

#[tokio::test]
async fn a_controller_stopped_at_any_moment_of_its_start_stops_promptly() {
    let sb = sandbox().await;
    create_rollout(&sb, &rollout("web")).await;
    let planner = Scripted::settled();
    // Stopped before its first poll, while listing, while its runner waits for the rollouts' first
    // list (a graceful shutdown stops the watches, so that list would never come), while reconciling.
    for step in 0..80u64 {
        let ctl = start(&sb, settings(), &planner);
        tokio::time::sleep(Duration::from_micros(step * 100)).await;
        ctl.shutdown.cancel();
        let stopped = tokio::time::timeout(Duration::from_secs(5), ctl.task).await;
        assert!(
            stopped.is_ok(),
            "stopped {} µs after the start: still running after 5 s",
            step * 100
        );
    }
    assert!(planner.count("web") > 0, "some runs got to reconcile");
}
