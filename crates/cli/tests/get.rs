//! `get rollout` run as the built binary against the sandbox: the header in Argo's `%-17s%v` layout and the
//! list of the rollout's ReplicaSets with their tags.

mod common;

use common::*;
use k8s_openapi::api::apps::v1::ReplicaSet;
use kube::Api;
use kube::api::{Patch, PatchParams, PostParams};
use serde_json::json;

async fn create_rs(
    sb: &rollouts_sandbox::Sandbox,
    uid: &str,
    rev: &str,
    hash: &str,
    image: &str,
    replicas: i32,
) {
    let rs: ReplicaSet = serde_json::from_value(json!({
        "metadata": {
            "name": format!("guestbook-{hash}"),
            "namespace": "default",
            "labels": {"app": "guestbook", "rollouts-pod-template-hash": hash},
            "annotations": {"rollout.argoproj.io/revision": rev},
            "ownerReferences": [{
                "apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "name": "guestbook",
                "uid": uid, "controller": true
            }]
        },
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "guestbook", "rollouts-pod-template-hash": hash}},
            "template": {
                "metadata": {"labels": {"app": "guestbook", "rollouts-pod-template-hash": hash}},
                "spec": {"containers": [{"name": "guestbook", "image": image}]}
            }
        }
    }))
    .expect("replicaset json");
    let api = Api::<ReplicaSet>::namespaced(sb.client(), "default");
    api.create(&PostParams::default(), &rs).await.expect("create rs");
    let status =
        json!({"status": {"replicas": replicas, "readyReplicas": replicas, "availableReplicas": replicas}});
    api.patch_status(
        &format!("guestbook-{hash}"),
        &PatchParams::default(),
        &Patch::Merge(status),
    )
    .await
    .expect("rs status");
}

#[tokio::test(flavor = "multi_thread")]
async fn get_rollout_prints_the_summary_and_replica_sets() {
    let sb = sandbox().await;
    let ro = create_rollout(&sb, CANARY).await;
    let uid = ro.metadata.uid.clone().expect("uid");
    create_rs(&sb, &uid, "1", "aaa", "demo:blue", 1).await;
    create_rs(&sb, &uid, "2", "bbb", "demo:green", 1).await;
    // spec.paused makes the message "manually paused" (GetRolloutPhase checks it before pause conditions).
    run(&sb, &["pause", "guestbook"]).await;
    set_status(
        &sb,
        "guestbook",
        json!({
            "currentStepIndex": 1, "stableRS": "aaa", "currentPodHash": "bbb",
            "replicas": 2, "updatedReplicas": 1, "readyReplicas": 2, "availableReplicas": 2,
            "observedGeneration": "2",
            "pauseConditions": [{"reason": "CanaryPauseStep", "startTime": "2026-01-01T00:00:00Z"}]
        }),
    )
    .await;
    let r = run(&sb, &["get", "rollout", "guestbook", "--no-color"]).await;
    assert_eq!(r.code, Some(0), "{r:?}");
    let expected = "\
Name:            guestbook
Namespace:       default
Status:          ॥ Paused
Message:         manually paused
Strategy:        Canary
  Step:          1/4
  SetWeight:     10
  ActualWeight:  50
Images:          demo:green (canary)
                 demo:blue (stable)
Replicas:
  Desired:       2
  Current:       2
  Updated:       1
  Ready:         2
  Available:     2

REVISION  REPLICASET                              HASH          REPLICAS  INFO
2         guestbook-bbb                           bbb           1/1       canary
1         guestbook-aaa                           aaa           1/1       stable
";
    assert_eq!(r.stdout, expected, "\n{}", r.stdout);

    let r = run(&sb, &["get", "rollout", "nope"]).await;
    assert_eq!(r.code, Some(1));
    assert_eq!(r.stderr, "Error: rollouts.argoproj.io \"nope\" not found\n");
}
