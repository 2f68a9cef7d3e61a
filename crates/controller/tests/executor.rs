//! The executor against the sandbox: every Action kind lands as Argo writes it, actions are idempotent,
//! a plan stops at its first failure (and then writes no status), evictions refused with 429 are skipped,
//! and Events are core/v1 Events with Argo's fields whose repeats bump `count`.

mod common;

use std::sync::Arc;

use common::{create_rollout, rollout, sandbox};
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::{Event, Pod, Service};
use kube::api::{ListParams, PostParams};
use kube::{Api, Resource, ResourceExt};
use rollouts_api::{AnalysisRun, Experiment, Rollout};
use rollouts_controller::events::EventRecorder;
use rollouts_controller::executor::Executor;
use rollouts_controller::metrics::Metrics;
use rollouts_core::{Action, EventType, Plan, ReplicaSetUpdate};
use rollouts_sandbox::Sandbox;
use serde_json::{Value, json};

fn executor(sb: &Sandbox) -> Executor {
    let events = Arc::new(EventRecorder::new(sb.client(), "test", Metrics::new()));
    Executor::new(sb.client(), events, None)
}

fn owner(ro: &Rollout) -> Value {
    json!([{"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "name": ro.name_any(),
            "uid": ro.uid().expect("a stored rollout has a uid"), "controller": true, "blockOwnerDeletion": true}])
}

fn replica_set(ro: &Rollout, hash: &str) -> ReplicaSet {
    serde_json::from_value(json!({
        "metadata": {"name": format!("web-{hash}"), "namespace": "default",
                     "labels": {"app": "web", "rollouts-pod-template-hash": hash},
                     "ownerReferences": owner(ro)},
        "spec": {"replicas": 0,
                 "selector": {"matchLabels": {"app": "web", "rollouts-pod-template-hash": hash}},
                 "template": {"metadata": {"labels": {"app": "web", "rollouts-pod-template-hash": hash}},
                              "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}
    }))
    .expect("fixture")
}

fn analysis_run(ro: &Rollout, name: &str) -> AnalysisRun {
    serde_json::from_value(json!({
        "apiVersion": "argoproj.io/v1alpha1", "kind": "AnalysisRun",
        "metadata": {"name": name, "namespace": "default", "ownerReferences": owner(ro)},
        "spec": {"metrics": [{"name": "m", "provider": {"job": {"spec": {"template": {"spec": {}}}}}}]}
    }))
    .expect("fixture")
}

fn experiment(ro: &Rollout, name: &str) -> Experiment {
    serde_json::from_value(json!({
        "apiVersion": "argoproj.io/v1alpha1", "kind": "Experiment",
        "metadata": {"name": name, "namespace": "default", "ownerReferences": owner(ro)},
        "spec": {"templates": []}
    }))
    .expect("fixture")
}

async fn create<K>(sb: &Sandbox, obj: Value) -> K
where
    K: Resource<Scope = k8s_openapi::NamespaceResourceScope, DynamicType = ()>
        + Clone
        + serde::Serialize
        + serde::de::DeserializeOwned
        + std::fmt::Debug,
{
    let obj: K = serde_json::from_value(obj).expect("fixture");
    Api::<K>::namespaced(sb.client(), "default")
        .create(&PostParams::default(), &obj)
        .await
        .expect("create")
}

fn plan(actions: Vec<Action>) -> Plan {
    Plan {
        actions,
        ..Plan::default()
    }
}

#[tokio::test]
async fn every_action_kind_is_applied_as_argo_writes_it() {
    let sb = sandbox().await;
    let ro = create_rollout(&sb, &rollout("web")).await;
    let ex = executor(&sb);
    create::<Pod>(
        &sb,
        json!({"metadata": {"name": "web-pod", "labels": {"app": "web"}},
               "spec": {"containers": [{"name": "c", "image": "nginx"}]}}),
    )
    .await;
    create::<Pod>(
        &sb,
        json!({"metadata": {"name": "web-old-pod", "labels": {"app": "web"}},
               "spec": {"containers": [{"name": "c", "image": "nginx"}]}}),
    )
    .await;
    create::<Deployment>(
        &sb,
        json!({"metadata": {"name": "legacy"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "legacy"}},
               "template": {"metadata": {"labels": {"app": "legacy"}}, "spec": {"containers": [{"name": "c", "image": "x"}]}}}}),
    )
    .await;
    let ars: Api<AnalysisRun> = Api::namespaced(sb.client(), "default");
    let exps: Api<Experiment> = Api::namespaced(sb.client(), "default");
    ars.create(&PostParams::default(), &analysis_run(&ro, "web-old"))
        .await
        .unwrap();
    exps.create(&PostParams::default(), &experiment(&ro, "web-ex-old"))
        .await
        .unwrap();

    let first = plan(vec![
        Action::PatchRollout {
            patch: json!({"metadata": {"annotations": {"rollout.argoproj.io/revision": "1"}}}),
        },
        Action::CreateReplicaSet(Box::new(replica_set(&ro, "abc"))),
        Action::CreateAnalysisRun(Box::new(analysis_run(&ro, "web-abc-1-0"))),
        Action::TerminateAnalysisRun {
            name: "web-old".into(),
        },
        Action::CreateExperiment(Box::new(experiment(&ro, "web-abc-1-1"))),
        Action::TerminateExperiment {
            name: "web-ex-old".into(),
        },
        Action::PatchPod {
            name: "web-pod".into(),
            patch: json!({"metadata": {"labels": {"role": "canary"}}}),
        },
        Action::ScaleWorkload {
            api_version: "apps/v1".into(),
            kind: "Deployment".into(),
            name: "legacy".into(),
            replicas: 0,
        },
        Action::EvictPod {
            name: "web-old-pod".into(),
        },
    ]);
    let applied = ex.apply(&ro, &first).await.expect("first plan applies");
    assert!(
        applied.rollout_resource_version.is_some(),
        "the rollout patch is remembered"
    );

    let stored = common::get_rollout(&sb, "web").await;
    assert_eq!(
        stored
            .annotations()
            .get("rollout.argoproj.io/revision")
            .map(String::as_str),
        Some("1")
    );
    let rss: Api<ReplicaSet> = Api::namespaced(sb.client(), "default");
    let rs = rss.get("web-abc").await.expect("ReplicaSet created");
    assert_eq!(rs.spec.replicas, Some(0));
    ars.get("web-abc-1-0").await.expect("AnalysisRun created");
    assert!(
        ars.get("web-old").await.unwrap().spec.terminate,
        "AnalysisRun terminated"
    );
    exps.get("web-abc-1-1").await.expect("Experiment created");
    assert!(
        exps.get("web-ex-old").await.unwrap().spec.terminate,
        "Experiment terminated"
    );
    let pod = Api::<Pod>::namespaced(sb.client(), "default")
        .get("web-pod")
        .await
        .unwrap();
    assert_eq!(pod.labels().get("role").map(String::as_str), Some("canary"));
    let dep = Api::<Deployment>::namespaced(sb.client(), "default")
        .get("legacy")
        .await
        .unwrap();
    assert_eq!(dep.spec.replicas, Some(0));
    assert!(
        sb.requests()
            .records()
            .iter()
            .any(|r| r.method == "POST" && r.path == "/api/v1/namespaces/default/pods/web-old-pod/eviction"),
        "the eviction goes through the Eviction subresource"
    );
    assert!(
        Api::<Pod>::namespaced(sb.client(), "default")
            .get_opt("web-old-pod")
            .await
            .unwrap()
            .is_none(),
        "the evicted pod is gone"
    );

    // Scale with the resourceVersion precondition, then clean up.
    let second = plan(vec![
        Action::UpdateReplicaSet(Box::new(ReplicaSetUpdate {
            name: "web-abc".into(),
            resource_version: rs.resource_version(),
            replicas: Some(2),
            annotations: [(
                "rollout.argoproj.io/desired-replicas".to_string(),
                Some("2".to_string()),
            )]
            .into(),
            ..ReplicaSetUpdate::default()
        })),
        Action::DeleteAnalysisRun {
            name: "web-old".into(),
        },
        Action::DeleteExperiment {
            name: "web-ex-old".into(),
        },
    ]);
    ex.apply(&ro, &second).await.expect("second plan applies");
    let rs2 = rss.get("web-abc").await.unwrap();
    assert_eq!(rs2.spec.replicas, Some(2));
    assert_eq!(
        rs2.annotations()
            .get("rollout.argoproj.io/desired-replicas")
            .map(String::as_str),
        Some("2")
    );
    assert!(ars.get_opt("web-old").await.unwrap().is_none());
    assert!(exps.get_opt("web-ex-old").await.unwrap().is_none());

    let third = plan(vec![Action::DeleteReplicaSet {
        name: "web-abc".into(),
        uid: rs2.uid().unwrap(),
    }]);
    ex.apply(&ro, &third).await.expect("delete applies");
    assert!(rss.get_opt("web-abc").await.unwrap().is_none());
}

/// Service selector switches are strategic merge patches (Argo's `switchServiceSelector`).
///
/// This branch's sandbox answers strategic merge patches of built-ins with 415 until its engine is
/// wired (`crates/sandbox/src/engines.rs`, MERGE NOTE); then the second arm goes away.
#[tokio::test]
async fn services_take_strategic_merge_patches() {
    let sb = sandbox().await;
    let ro = create_rollout(&sb, &rollout("web")).await;
    create::<Service>(
        &sb,
        json!({"metadata": {"name": "web-stable"}, "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}}),
    )
    .await;
    let switch = plan(vec![Action::PatchService {
        name: "web-stable".into(),
        patch: json!({"metadata": {"annotations": {"argo-rollouts.argoproj.io/managed-by-rollouts": "web"}},
                      "spec": {"selector": {"rollouts-pod-template-hash": "abc"}}}),
    }]);
    let result = executor(&sb).apply(&ro, &switch).await;
    let sent = sb
        .requests()
        .records()
        .into_iter()
        .find(|r| r.method == "PATCH" && r.path == "/api/v1/namespaces/default/services/web-stable")
        .expect("the Service was patched");
    assert_eq!(
        sent.content_type.as_deref(),
        Some("application/strategic-merge-patch+json")
    );
    result.expect("the strategic merge patch applies");
    let svc = Api::<Service>::namespaced(sb.client(), "default")
        .get("web-stable")
        .await
        .unwrap();
    let selector = svc.spec.unwrap().selector.unwrap();
    assert_eq!(
        selector.get("rollouts-pod-template-hash").map(String::as_str),
        Some("abc")
    );
    assert_eq!(
        selector.get("app").map(String::as_str),
        Some("web"),
        "strategic merge keeps other keys"
    );
}

#[tokio::test]
async fn actions_are_idempotent() {
    let sb = sandbox().await;
    let ro = create_rollout(&sb, &rollout("web")).await;
    let ex = executor(&sb);
    let again = plan(vec![
        Action::CreateReplicaSet(Box::new(replica_set(&ro, "abc"))),
        Action::CreateAnalysisRun(Box::new(analysis_run(&ro, "web-abc-1-0"))),
        Action::CreateExperiment(Box::new(experiment(&ro, "web-abc-1-1"))),
    ]);
    ex.apply(&ro, &again).await.expect("first time");
    ex.apply(&ro, &again).await.expect("AlreadyExists is success");
    let gone = plan(vec![
        Action::DeleteReplicaSet {
            name: "nope".into(),
            uid: "0".into(),
        },
        Action::DeleteAnalysisRun { name: "nope".into() },
        Action::DeleteExperiment { name: "nope".into() },
        Action::TerminateAnalysisRun { name: "nope".into() },
        Action::EvictPod { name: "nope".into() },
    ]);
    ex.apply(&ro, &gone).await.expect("NotFound is success");
}

#[tokio::test]
async fn a_plan_stops_at_its_first_failure_and_then_writes_no_status() {
    let sb = sandbox().await;
    let ro = create_rollout(&sb, &rollout("web")).await;
    let ex = executor(&sb);
    ex.apply(
        &ro,
        &plan(vec![Action::CreateReplicaSet(Box::new(replica_set(&ro, "abc")))]),
    )
    .await
    .unwrap();
    let mut status = ro.status.clone().unwrap_or_default();
    status.message = "should not be written".into();
    let failing = Plan {
        actions: vec![
            Action::UpdateReplicaSet(Box::new(ReplicaSetUpdate {
                name: "web-abc".into(),
                resource_version: Some("1".into()),
                replicas: Some(5),
                ..ReplicaSetUpdate::default()
            })),
            Action::CreateAnalysisRun(Box::new(analysis_run(&ro, "after-failure"))),
        ],
        status: Some(status),
        requeue_after: None,
        completed_duration: None,
    };
    let err = ex
        .apply(&ro, &failing)
        .await
        .expect_err("a stale resourceVersion is a conflict");
    assert!(err.to_string().contains("web-abc"), "{err}");
    assert_eq!(
        Api::<ReplicaSet>::namespaced(sb.client(), "default")
            .get("web-abc")
            .await
            .unwrap()
            .spec
            .replicas,
        Some(0)
    );
    let ars: Api<AnalysisRun> = Api::namespaced(sb.client(), "default");
    assert!(
        ars.get_opt("after-failure").await.unwrap().is_none(),
        "later actions are not applied"
    );
    assert_eq!(
        common::get_rollout(&sb, "web")
            .await
            .status
            .unwrap_or_default()
            .message,
        ""
    );
}

#[tokio::test]
async fn an_eviction_refused_with_429_is_skipped_but_other_errors_fail() {
    let sb = sandbox().await;
    let ro = create_rollout(&sb, &rollout("web")).await;
    let ex = executor(&sb);
    let evict = plan(vec![Action::EvictPod {
        name: "web-pod".into(),
    }]);
    sb.faults().fail_writes("pods", 429, 1);
    ex.apply(&ro, &evict)
        .await
        .expect("a PodDisruptionBudget refusal is skipped");
    assert_eq!(sb.faults().pending(), 0, "the eviction was attempted");
    sb.faults().fail_writes("pods", 500, 1);
    ex.apply(&ro, &evict)
        .await
        .expect_err("a server error fails the plan");
}

#[tokio::test]
async fn events_are_core_v1_with_argo_fields_and_repeats_bump_the_count() {
    let sb = sandbox().await;
    let ro = create_rollout(&sb, &rollout("web")).await;
    let metrics = Metrics::new();
    let events = Arc::new(EventRecorder::new(sb.client(), "ctrl-1", metrics.clone()));
    let ex = Executor::new(sb.client(), events, None);
    let mut p = Plan::default();
    p.event(
        EventType::Normal,
        "RolloutPaused",
        "Rollout is paused (CanaryPauseStep)",
    );
    p.event(
        EventType::Warning,
        "RolloutAborted",
        "Rollout aborted update to revision 2",
    );
    p.event(
        EventType::Normal,
        "RolloutPaused",
        "Rollout is paused (CanaryPauseStep)",
    );
    p.event(
        EventType::Normal,
        "ScalingReplicaSet",
        "Scaled up ReplicaSet web-abc (revision 1) from 0 to 1",
    );
    p.event(
        EventType::Normal,
        "ScalingReplicaSet",
        "Scaled up ReplicaSet web-abc (revision 1) from 1 to 2",
    );
    ex.apply(&ro, &p).await.unwrap();
    let list = Api::<Event>::namespaced(sb.client(), "default")
        .list(&ListParams::default())
        .await
        .unwrap();
    let mut seen: Vec<(String, String, String, i32)> = list
        .items
        .iter()
        .map(|e| {
            assert_eq!(e.involved_object.kind.as_deref(), Some("Rollout"));
            assert_eq!(e.involved_object.name.as_deref(), Some("web"));
            assert_eq!(e.involved_object.uid, ro.uid());
            assert_eq!(
                e.source.as_ref().and_then(|s| s.component.as_deref()),
                Some("rollouts-controller")
            );
            assert_eq!(e.reporting_instance.as_deref(), Some("ctrl-1"));
            (
                e.type_.clone().unwrap(),
                e.reason.clone().unwrap(),
                e.message.clone().unwrap(),
                e.count.unwrap(),
            )
        })
        .collect();
    seen.sort();
    let s = |v: &str| v.to_string();
    assert_eq!(
        seen,
        vec![
            (
                s("Normal"),
                s("RolloutPaused"),
                s("Rollout is paused (CanaryPauseStep)"),
                2
            ),
            (
                s("Normal"),
                s("ScalingReplicaSet"),
                s("Scaled up ReplicaSet web-abc (revision 1) from 0 to 1"),
                1
            ),
            (
                s("Normal"),
                s("ScalingReplicaSet"),
                s("Scaled up ReplicaSet web-abc (revision 1) from 1 to 2"),
                1
            ),
            (
                s("Warning"),
                s("RolloutAborted"),
                s("Rollout aborted update to revision 2"),
                1
            ),
        ]
    );
    let text = metrics.encode();
    assert!(
        text.contains(
            r#"rollout_events_total{namespace="default",name="web",type="Normal",reason="RolloutPaused"} 2"#
        ),
        "{text}"
    );
}
