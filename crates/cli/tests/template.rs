//! `set image` and `undo` run as the built binary against the sandbox: the update/JSON-patch requests and
//! the resulting Rollout, plus Argo's output and errors.

mod common;

use common::*;
use k8s_openapi::api::apps::v1::ReplicaSet;
use kube::Api;
use kube::api::PostParams;
use serde_json::json;

fn images(ro: &rollouts_api::Rollout) -> Vec<String> {
    let spec = ro.spec.template.spec.as_ref().expect("pod spec");
    spec.init_containers
        .iter()
        .flatten()
        .chain(&spec.containers)
        .map(|c| c.image.clone().unwrap_or_default())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn set_image_updates_matching_containers() {
    let sb = sandbox().await;
    create_rollout(&sb, CANARY).await;
    let from = sb.requests().records().len();
    let r = run(
        &sb,
        &[
            "set",
            "image",
            "guestbook",
            "guestbook=argoproj/rollouts-demo:yellow",
        ],
    )
    .await;
    assert_eq!(r.code, Some(0), "{r:?}");
    assert_eq!(r.stdout, "rollout \"guestbook\" image updated\n");
    let writes = writes_since(&sb, from);
    assert_eq!(
        writes.iter().map(summary).collect::<Vec<_>>(),
        [(
            "PUT".into(),
            format!("{RO_PATH}/guestbook"),
            "application/json".into()
        )]
    );
    let ro = get_rollout(&sb, "guestbook").await;
    assert_eq!(
        images(&ro),
        ["busybox:1", "argoproj/rollouts-demo:yellow", "envoy:1"]
    );

    let r = run(&sb, &["set", "image", "guestbook", "*=all:2"]).await;
    assert_eq!(r.code, Some(0), "{r:?}");
    assert_eq!(
        images(&get_rollout(&sb, "guestbook").await),
        ["all:2", "all:2", "all:2"]
    );

    let r = run(&sb, &["set", "image", "guestbook", "nope=x:1"]).await;
    assert_eq!(r.code, Some(1));
    assert_eq!(r.stderr, "Error: unable to find container named \"nope\"\n");
}

async fn create_rs(
    sb: &rollouts_sandbox::Sandbox,
    ro: &rollouts_api::Rollout,
    rev: &str,
    hash: &str,
    image: &str,
) {
    let rs: ReplicaSet = serde_json::from_value(json!({
        "metadata": {
            "name": format!("guestbook-{hash}"),
            "namespace": "default",
            "labels": {"app": "guestbook", "rollouts-pod-template-hash": hash},
            "annotations": {"rollout.argoproj.io/revision": rev},
            "ownerReferences": [{
                "apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "name": "guestbook",
                "uid": ro.metadata.uid.clone().expect("uid"), "controller": true, "blockOwnerDeletion": true
            }]
        },
        "spec": {
            "replicas": 0,
            "selector": {"matchLabels": {"app": "guestbook", "rollouts-pod-template-hash": hash}},
            "template": {
                "metadata": {"labels": {"app": "guestbook", "rollouts-pod-template-hash": hash}},
                "spec": {"containers": [{"name": "guestbook", "image": image}]}
            }
        }
    }))
    .expect("replicaset json");
    Api::<ReplicaSet>::namespaced(sb.client(), "default")
        .create(&PostParams::default(), &rs)
        .await
        .expect("create rs");
}

#[tokio::test(flavor = "multi_thread")]
async fn undo_restores_the_previous_revision_by_json_patch() {
    let sb = sandbox().await;
    let ro = create_rollout(&sb, CANARY).await;
    create_rs(&sb, &ro, "1", "aaa", "demo:blue").await;
    create_rs(&sb, &ro, "2", "bbb", "demo:green").await;
    let from = sb.requests().records().len();
    let r = run(&sb, &["undo", "guestbook"]).await;
    assert_eq!(r.code, Some(0), "{r:?}");
    assert_eq!(r.stdout, "rollout 'guestbook' undo\n");
    let writes = writes_since(&sb, from);
    assert_eq!(
        writes.iter().map(summary).collect::<Vec<_>>(),
        [(
            "PATCH".into(),
            format!("{RO_PATH}/guestbook"),
            "application/json-patch+json".into()
        )]
    );
    let ro = get_rollout(&sb, "guestbook").await;
    assert_eq!(images(&ro), ["demo:blue"]);
    let labels = ro
        .spec
        .template
        .metadata
        .as_ref()
        .unwrap()
        .labels
        .clone()
        .unwrap();
    assert_eq!(labels.len(), 1, "hash label removed: {labels:?}");

    let from = sb.requests().records().len();
    let r = run(&sb, &["undo", "guestbook", "--to-revision", "1"]).await;
    assert_eq!(r.code, Some(0), "{r:?}");
    assert_eq!(
        r.stdout,
        "skipped rollback (current template already matches revision 1)"
    );
    assert!(writes_since(&sb, from).is_empty());

    let r = run(&sb, &["undo", "guestbook", "--to-revision", "9"]).await;
    assert_eq!(r.code, Some(1));
    assert_eq!(
        r.stderr,
        "Error: unable to find specified revision 9 in history\n"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn set_image_with_workload_ref_updates_the_deployment() {
    use k8s_openapi::api::apps::v1::Deployment;
    let sb = sandbox().await;
    let deploy: Deployment = serde_json::from_value(json!({
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "replicas": 0,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "web", "image": "web:1"}]}
            }
        }
    }))
    .expect("deployment json");
    let api = Api::<Deployment>::namespaced(sb.client(), "default");
    api.create(&PostParams::default(), &deploy)
        .await
        .expect("create deployment");
    create_rollout(
        &sb,
        "
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: ref, namespace: default}
spec:
  selector: {matchLabels: {app: web}}
  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  strategy: {canary: {}}
",
    )
    .await;
    let r = run(&sb, &["set", "image", "ref", "web=web:2"]).await;
    assert_eq!(r.code, Some(0), "{r:?}");
    assert_eq!(r.stdout, "deployment \"web\" image updated\n");
    let d = api.get("web").await.expect("get deployment");
    let image = d.spec.template.spec.map(|p| p.containers[0].image.clone());
    assert_eq!(image, Some(Some("web:2".to_string())));
}
