//! API surface through the real kube-rs client: query and Accept quirks (`?&`, protobuf Accept, Table,
//! PartialObjectMetadata), label and field selectors, dryRun, and strategic merge patches of built-ins.

mod common;

use std::collections::BTreeMap;

use common::{deployment, raw, sandbox};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{ConfigMap, Namespace};
use kube::Api;
use kube::api::{ListParams, Patch, PatchParams, PostParams};
use serde_json::{Value, json};

fn cm(name: &str, data: &str) -> ConfigMap {
    serde_json::from_value(json!({"metadata": {"name": name}, "data": {"k": data}})).expect("configmap")
}

#[tokio::test]
async fn query_and_accept_quirks_are_tolerated() {
    let sb = sandbox().await;
    let c = sb.client();
    let (s, body, ct) = raw(&c, "GET", "/api/v1/namespaces?&labelSelector=", &[], None).await;
    assert_eq!(s, 200);
    assert_eq!(body["kind"], "NamespaceList");
    assert!(ct.starts_with("application/json"));
    let (s, body, _) = raw(
        &c,
        "GET",
        "/api/v1/namespaces/default",
        &[("accept", "application/vnd.kubernetes.protobuf,application/json")],
        None,
    )
    .await;
    assert_eq!((s, body["kind"].as_str()), (200, Some("Namespace")));
    let table_accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
    let (s, body, _) = raw(
        &c,
        "GET",
        "/api/v1/namespaces?limit=500",
        &[("accept", table_accept)],
        None,
    )
    .await;
    assert_eq!((s, body["kind"].as_str()), (200, Some("Table")));
    let names: Vec<&str> = body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["cells"][0].as_str().unwrap())
        .collect();
    assert!(names.contains(&"default"));
    assert_eq!(body["columnDefinitions"][1]["name"], "Status");
    let meta_accept = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";
    let (_, body, _) = raw(
        &c,
        "GET",
        "/api/v1/namespaces?&limit=500",
        &[("accept", meta_accept)],
        None,
    )
    .await;
    assert_eq!(body["kind"], "PartialObjectMetadataList");
    assert_eq!(body["items"][0]["kind"], "PartialObjectMetadata");
    assert!(body["metadata"]["resourceVersion"].is_string());
}

#[tokio::test]
async fn selectors_equality_set_based_and_fields() {
    let sb = sandbox().await;
    let cms: Api<ConfigMap> = Api::namespaced(sb.client(), "default");
    for (n, tier) in [("a", Some("web")), ("b", Some("db")), ("c", None)] {
        let mut labels = BTreeMap::new();
        if let Some(t) = tier {
            labels.insert("tier".to_string(), t.to_string());
        }
        let mut o = cm(n, "x");
        o.metadata.labels = Some(labels);
        cms.create(&PostParams::default(), &o).await.unwrap();
    }
    let names = |l: kube::core::ObjectList<ConfigMap>| {
        l.items
            .into_iter()
            .filter_map(|c| c.metadata.name)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(cms.list(&ListParams::default().labels("tier=web")).await.unwrap()),
        ["a"]
    );
    assert_eq!(
        names(
            cms.list(&ListParams::default().labels("tier in (web,db)"))
                .await
                .unwrap()
        ),
        ["a", "b"]
    );
    assert_eq!(
        names(
            cms.list(&ListParams::default().labels("tier notin (web)"))
                .await
                .unwrap()
        ),
        ["b", "c"]
    );
    assert_eq!(
        names(cms.list(&ListParams::default().labels("!tier")).await.unwrap()),
        ["c"]
    );
    assert_eq!(
        names(
            cms.list(&ListParams::default().labels("tier,tier!=db"))
                .await
                .unwrap()
        ),
        ["a"]
    );
    assert_eq!(
        names(
            cms.list(&ListParams::default().fields("metadata.name=b"))
                .await
                .unwrap()
        ),
        ["b"]
    );
    let err = cms
        .list(&ListParams::default().fields("data.k=x"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, kube::Error::Api(s) if s.code == 400 && s.message.contains("field label not supported"))
    );
    let nss: Api<Namespace> = Api::all(sb.client());
    assert_eq!(
        names_ns(
            nss.list(&ListParams::default().fields("metadata.name=default"))
                .await
                .unwrap()
        ),
        ["default"]
    );
}

fn names_ns(l: kube::core::ObjectList<Namespace>) -> Vec<String> {
    l.items.into_iter().filter_map(|c| c.metadata.name).collect()
}

#[tokio::test]
async fn dry_run_validates_without_storing() {
    let sb = sandbox().await;
    let cms: Api<ConfigMap> = Api::namespaced(sb.client(), "default");
    let before = sb.store().resource_version();
    let pp = PostParams {
        dry_run: true,
        ..PostParams::default()
    };
    let out = cms.create(&pp, &cm("dry", "1")).await.unwrap();
    assert_eq!(out.metadata.name.as_deref(), Some("dry"));
    assert!(cms.get_opt("dry").await.unwrap().is_none());
    assert_eq!(sb.store().resource_version(), before);
    let v: Value = serde_json::to_value(&out).unwrap();
    assert!(v["metadata"]["uid"].is_string());
}

#[tokio::test]
async fn strategic_merge_patch_merges_containers_by_name() {
    let sb = sandbox().await;
    let deps: Api<Deployment> = Api::namespaced(sb.client(), "default");
    let mut d = deployment("smp", "nginx");
    d["spec"]["template"]["spec"]["containers"] =
        json!([{"name": "c", "image": "nginx"}, {"name": "sidecar", "image": "envoy"}]);
    deps.create(&PostParams::default(), &serde_json::from_value(d).unwrap())
        .await
        .unwrap();
    let patch = json!({"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "nginx:2"}]}}}});
    let out = deps
        .patch("smp", &PatchParams::default(), &Patch::Strategic(patch))
        .await
        .expect("strategic merge patch");
    let containers = out.spec.template.spec.expect("pod spec").containers;
    let images: Vec<(String, Option<String>)> = containers.into_iter().map(|c| (c.name, c.image)).collect();
    assert_eq!(
        images,
        [
            ("c".to_string(), Some("nginx:2".to_string())),
            ("sidecar".to_string(), Some("envoy".to_string()))
        ]
    );
}
