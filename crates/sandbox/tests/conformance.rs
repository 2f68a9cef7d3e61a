//! Conformance through the real kube-rs 5 client: one test per item of the pitfalls checklist of
//! sandbox-api.md §2 (resourceVersions, watch order, 410 in-stream, 409s, generation, metadata rules,
//! managedFields, finalizers). Query/Accept quirks and selectors are in `api.rs`.

mod common;

use common::{deployment, raw, sandbox, within};
use futures::StreamExt;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::Api;
use kube::api::{DeleteParams, ListParams, Patch, PatchParams, PostParams, WatchEvent, WatchParams};
use serde_json::json;

fn cm(name: &str, data: &str) -> ConfigMap {
    serde_json::from_value(json!({"metadata": {"name": name}, "data": {"k": data}})).expect("configmap")
}

fn rv_of<K: kube::Resource>(o: &K) -> u64 {
    o.meta()
        .resource_version
        .as_deref()
        .expect("rv")
        .parse()
        .expect("numeric rv")
}

#[tokio::test]
async fn resource_version_is_global_monotonic_and_never_reused() {
    let sb = sandbox().await;
    let cms: Api<ConfigMap> = Api::namespaced(sb.client(), "default");
    let deps: Api<Deployment> = Api::namespaced(sb.client(), "default");
    let a = cms.create(&PostParams::default(), &cm("a", "1")).await.unwrap();
    let d = deps
        .create(
            &PostParams::default(),
            &serde_json::from_value(deployment("web", "nginx")).unwrap(),
        )
        .await
        .unwrap();
    let b = cms
        .replace("a", &PostParams::default(), &cm("a", "2"))
        .await
        .unwrap();
    let mut seen = vec![rv_of(&a), rv_of(&d), rv_of(&b)];
    let deleted = cms.delete("a", &DeleteParams::default()).await.unwrap();
    assert!(
        deleted.is_right(),
        "a removed ConfigMap is answered with a Success Status"
    );
    let after = sb.store().resource_version();
    seen.push(after);
    assert!(
        seen.windows(2).all(|w| w[0] < w[1]),
        "RVs across kinds must strictly increase: {seen:?}"
    );
}

#[tokio::test]
async fn list_resource_version_covers_every_item() {
    let sb = sandbox().await;
    let cms: Api<ConfigMap> = Api::namespaced(sb.client(), "default");
    for i in 0..5 {
        cms.create(&PostParams::default(), &cm(&format!("c{i}"), "x"))
            .await
            .unwrap();
    }
    let list = cms.list(&ListParams::default()).await.unwrap();
    let list_rv: u64 = list
        .metadata
        .resource_version
        .as_deref()
        .expect("list RV")
        .parse()
        .unwrap();
    assert_eq!(list.items.len(), 5);
    assert!(list.items.iter().all(|c| rv_of(c) <= list_rv));
}

#[tokio::test]
async fn noop_write_keeps_resource_version_and_emits_no_event() {
    let sb = sandbox().await;
    let cms: Api<ConfigMap> = Api::namespaced(sb.client(), "default");
    let created = cms
        .create(&PostParams::default(), &cm("same", "v"))
        .await
        .unwrap();
    let mut stream = cms
        .watch(&WatchParams::default().timeout(2), &rv_of(&created).to_string())
        .await
        .unwrap()
        .boxed();
    let patched = cms
        .patch(
            "same",
            &PatchParams::default(),
            &Patch::Merge(json!({"data": {"k": "v"}})),
        )
        .await
        .unwrap();
    let replaced = cms
        .replace("same", &PostParams::default(), &created)
        .await
        .unwrap();
    assert_eq!(rv_of(&patched), rv_of(&created));
    assert_eq!(rv_of(&replaced), rv_of(&created));
    // The watch times out after 2 s without any event.
    let events: Vec<_> = within("watch timeout", 10, async {
        stream.by_ref().collect::<Vec<_>>().await
    })
    .await;
    assert!(events.is_empty(), "no-op writes emitted {} events", events.len());
}

#[tokio::test]
async fn watch_events_follow_commit_order_and_deleted_carries_final_object() {
    let sb = sandbox().await;
    let cms: Api<ConfigMap> = Api::namespaced(sb.client(), "default");
    let start = sb.store().resource_version().to_string();
    let mut stream = cms
        .watch(&WatchParams::default().timeout(30), &start)
        .await
        .unwrap()
        .boxed();
    let mut expected = Vec::new();
    let a = cms.create(&PostParams::default(), &cm("o1", "1")).await.unwrap();
    expected.push(("ADDED", rv_of(&a)));
    let b = cms
        .patch(
            "o1",
            &PatchParams::default(),
            &Patch::Merge(json!({"data": {"k": "2"}})),
        )
        .await
        .unwrap();
    expected.push(("MODIFIED", rv_of(&b)));
    cms.delete("o1", &DeleteParams::default()).await.unwrap();
    let mut got = Vec::new();
    while got.len() < 3 {
        let ev = within("watch event", 10, stream.next())
            .await
            .expect("stream open")
            .expect("event");
        match ev {
            WatchEvent::Added(o) => got.push(("ADDED", rv_of(&o), o)),
            WatchEvent::Modified(o) => got.push(("MODIFIED", rv_of(&o), o)),
            WatchEvent::Deleted(o) => got.push(("DELETED", rv_of(&o), o)),
            WatchEvent::Bookmark(_) => {}
            WatchEvent::Error(e) => panic!("watch error {e:?}"),
        }
    }
    assert_eq!(got[0].0, expected[0].0);
    assert_eq!(
        (got[0].1, got[1].0, got[1].1),
        (expected[0].1, expected[1].0, expected[1].1)
    );
    let (kind, rv, obj) = &got[2];
    assert_eq!(*kind, "DELETED");
    assert!(*rv > expected[1].1, "DELETED must carry a new RV");
    assert_eq!(
        obj.data.as_ref().and_then(|d| d.get("k")).map(String::as_str),
        Some("2"),
        "final state"
    );
}

#[tokio::test]
async fn watch_from_resource_version_sends_nothing_older() {
    let sb = sandbox().await;
    let cms: Api<ConfigMap> = Api::namespaced(sb.client(), "default");
    cms.create(&PostParams::default(), &cm("old", "1")).await.unwrap();
    let mid = sb.store().resource_version();
    cms.create(&PostParams::default(), &cm("new", "1")).await.unwrap();
    let mut stream = cms
        .watch(&WatchParams::default().timeout(30), &mid.to_string())
        .await
        .unwrap()
        .boxed();
    let ev = within("event", 10, stream.next()).await.unwrap().unwrap();
    let WatchEvent::Added(o) = ev else {
        panic!("expected ADDED, got {ev:?}")
    };
    assert_eq!(o.metadata.name.as_deref(), Some("new"));
    assert!(rv_of(&o) > mid);
}

#[tokio::test]
async fn too_old_resource_version_is_an_in_stream_410_error_event() {
    let sb = sandbox().await;
    let cms: Api<ConfigMap> = Api::namespaced(sb.client(), "default");
    let old = sb.store().resource_version();
    cms.create(&PostParams::default(), &cm("x", "1")).await.unwrap();
    sb.store().compact();
    let path =
        format!("/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={old}&timeoutSeconds=5");
    let (status, body, _) = raw(&sb.client(), "GET", &path, &[], None).await;
    assert_eq!(status, 200, "410 must not be the HTTP status");
    assert_eq!(body["type"], "ERROR");
    assert_eq!(body["object"]["code"], 410);
    assert_eq!(body["object"]["reason"], "Expired");
}

#[tokio::test]
async fn stale_resource_version_on_put_is_409_conflict() {
    let sb = sandbox().await;
    let cms: Api<ConfigMap> = Api::namespaced(sb.client(), "default");
    let v1 = cms.create(&PostParams::default(), &cm("c", "1")).await.unwrap();
    cms.patch(
        "c",
        &PatchParams::default(),
        &Patch::Merge(json!({"data": {"k": "2"}})),
    )
    .await
    .unwrap();
    let err = cms.replace("c", &PostParams::default(), &v1).await.unwrap_err();
    let kube::Error::Api(s) = err else {
        panic!("not an API error: {err}")
    };
    assert_eq!((s.code, s.reason.as_str()), (409, "Conflict"));
    assert!(
        s.message
            .contains("the object has been modified; please apply your changes to the latest version")
    );
}

#[tokio::test]
async fn patch_body_with_stale_resource_version_is_409_conflict() {
    let sb = sandbox().await;
    let cms: Api<ConfigMap> = Api::namespaced(sb.client(), "default");
    let v1 = cms.create(&PostParams::default(), &cm("c", "1")).await.unwrap();
    cms.patch(
        "c",
        &PatchParams::default(),
        &Patch::Merge(json!({"data": {"k": "2"}})),
    )
    .await
    .unwrap();
    let stale = json!({"metadata": {"resourceVersion": v1.metadata.resource_version}, "data": {"k": "3"}});
    let err = cms
        .patch("c", &PatchParams::default(), &Patch::Merge(stale))
        .await
        .unwrap_err();
    let kube::Error::Api(s) = err else {
        panic!("not an API error")
    };
    assert_eq!(s.code, 409);
    let current = cms.get("c").await.unwrap();
    let ok = json!({"metadata": {"resourceVersion": current.metadata.resource_version}, "data": {"k": "3"}});
    cms.patch("c", &PatchParams::default(), &Patch::Merge(ok))
        .await
        .expect("current RV precondition passes");
}

#[tokio::test]
async fn duplicate_create_is_409_already_exists_status_with_details() {
    let sb = sandbox().await;
    let deps: Api<Deployment> = Api::namespaced(sb.client(), "default");
    let d: Deployment = serde_json::from_value(deployment("dup", "nginx")).unwrap();
    deps.create(&PostParams::default(), &d).await.unwrap();
    let (status, body, _) = raw(
        &sb.client(),
        "POST",
        "/apis/apps/v1/namespaces/default/deployments?",
        &[("content-type", "application/json")],
        Some(&deployment("dup", "nginx").to_string()),
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(body["kind"], "Status");
    assert_eq!(body["apiVersion"], "v1");
    assert_eq!(body["status"], "Failure");
    assert_eq!(body["reason"], "AlreadyExists");
    assert_eq!(body["code"], 409);
    assert_eq!(
        body["details"],
        json!({"name": "dup", "group": "apps", "kind": "deployments"})
    );
    let err = deps.create(&PostParams::default(), &d).await.unwrap_err();
    assert!(matches!(err, kube::Error::Api(s) if s.reason == "AlreadyExists"));
}

#[tokio::test]
async fn generation_bumps_only_for_spec_changes_and_status_is_separate() {
    let sb = sandbox().await;
    let deps: Api<Deployment> = Api::namespaced(sb.client(), "default");
    let d = deps
        .create(
            &PostParams::default(),
            &serde_json::from_value(deployment("g", "nginx")).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(d.metadata.generation, Some(1));
    let labelled = deps
        .patch(
            "g",
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"labels": {"x": "y"}}})),
        )
        .await
        .unwrap();
    assert_eq!(
        labelled.metadata.generation,
        Some(1),
        "metadata changes keep generation"
    );
    let scaled = deps
        .patch(
            "g",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"replicas": 3}})),
        )
        .await
        .unwrap();
    assert_eq!(
        scaled.metadata.generation,
        Some(2),
        "spec changes bump generation"
    );
    let ignored = deps
        .patch(
            "g",
            &PatchParams::default(),
            &Patch::Merge(json!({"status": {"replicas": 9}})),
        )
        .await
        .unwrap();
    assert!(
        ignored.status.is_none(),
        "status via the main resource is ignored"
    );
    let st = deps
        .patch_status(
            "g",
            &PatchParams::default(),
            &Patch::Merge(
                json!({"status": {"observedGeneration": 2, "replicas": 3}, "spec": {"replicas": 7}}),
            ),
        )
        .await
        .unwrap();
    assert_eq!(st.metadata.generation, Some(2), "status writes keep generation");
    assert_eq!(st.status.as_ref().and_then(|s| s.observed_generation), Some(2));
    assert_eq!(st.spec.replicas, Some(3), "/status ignores spec");
}

#[tokio::test]
async fn server_sets_metadata_and_uid_is_immutable() {
    let sb = sandbox().await;
    let cms: Api<ConfigMap> = Api::namespaced(sb.client(), "default");
    let c = cms
        .create(&PostParams::default(), &cm("meta", "1"))
        .await
        .unwrap();
    let (_, body, _) = raw(
        &sb.client(),
        "GET",
        "/api/v1/namespaces/default/configmaps/meta",
        &[],
        None,
    )
    .await;
    let ts = body["metadata"]["creationTimestamp"].as_str().expect("timestamp");
    assert_eq!(ts.len(), 20, "RFC 3339 in whole seconds: {ts}");
    assert!(ts.ends_with('Z') && ts.parse::<jiff::Timestamp>().is_ok());
    assert_eq!(c.metadata.uid.as_deref().map(str::len), Some(36));
    let mut changed = c.clone();
    changed.metadata.uid = Some("00000000-0000-0000-0000-000000000000".into());
    let err = cms
        .replace("meta", &PostParams::default(), &changed)
        .await
        .unwrap_err();
    assert!(matches!(err, kube::Error::Api(ref s) if s.code == 409), "{err}");
    let generated: ConfigMap = serde_json::from_value(json!({"metadata": {"generateName": "gen-"}})).unwrap();
    let g = cms.create(&PostParams::default(), &generated).await.unwrap();
    let name = g.metadata.name.expect("generated name");
    assert!(name.starts_with("gen-") && name.len() == 9, "{name}");
}

#[tokio::test]
async fn url_name_and_namespace_must_match_the_body() {
    let sb = sandbox().await;
    let body =
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "namespace": "other"}})
            .to_string();
    let (status, resp, _) = raw(
        &sb.client(),
        "POST",
        "/api/v1/namespaces/default/configmaps",
        &[("content-type", "application/json")],
        Some(&body),
    )
    .await;
    assert_eq!((status, resp["reason"].as_str()), (400, Some("BadRequest")));
    let cms: Api<ConfigMap> = Api::namespaced(sb.client(), "default");
    cms.create(&PostParams::default(), &cm("a", "1")).await.unwrap();
    let put = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}}).to_string();
    let (status, resp, _) = raw(
        &sb.client(),
        "PUT",
        "/api/v1/namespaces/default/configmaps/a",
        &[("content-type", "application/json")],
        Some(&put),
    )
    .await;
    assert_eq!(status, 400, "{resp}");
}

#[tokio::test]
async fn deployment_selector_is_immutable() {
    let sb = sandbox().await;
    let deps: Api<Deployment> = Api::namespaced(sb.client(), "default");
    deps.create(
        &PostParams::default(),
        &serde_json::from_value(deployment("sel", "nginx")).unwrap(),
    )
    .await
    .unwrap();
    let patch = json!({"spec": {"selector": {"matchLabels": {"app": "other"}}}});
    let err = deps
        .patch("sel", &PatchParams::default(), &Patch::Merge(patch))
        .await
        .unwrap_err();
    let kube::Error::Api(s) = err else { panic!() };
    assert_eq!((s.code, s.reason.as_str()), (422, "Invalid"));
    assert!(s.message.contains("spec.selector"), "{}", s.message);
}

#[tokio::test]
async fn managed_fields_are_ignored_on_input() {
    let sb = sandbox().await;
    let cms: Api<ConfigMap> = Api::namespaced(sb.client(), "default");
    let with_mf: ConfigMap = serde_json::from_value(json!({"metadata": {"name": "mf", "managedFields": [{"manager": "x", "operation": "Apply", "apiVersion": "v1"}]}})).unwrap();
    let c = cms.create(&PostParams::default(), &with_mf).await.unwrap();
    assert!(c.metadata.managed_fields.is_none());
    let applied = cms
        .patch(
            "mf",
            &PatchParams::apply("mgr").force(),
            &Patch::Apply(json!({"apiVersion": "v1", "kind": "ConfigMap", "data": {"a": "b"}})),
        )
        .await
        .unwrap();
    assert!(applied.metadata.managed_fields.is_none());
    assert_eq!(
        applied.data.and_then(|d| d.get("a").cloned()).as_deref(),
        Some("b")
    );
}

#[tokio::test]
async fn finalizers_hold_deletion_until_cleared() {
    let sb = sandbox().await;
    let cms: Api<ConfigMap> = Api::namespaced(sb.client(), "default");
    let held: ConfigMap =
        serde_json::from_value(json!({"metadata": {"name": "held", "finalizers": ["example.com/x"]}}))
            .unwrap();
    cms.create(&PostParams::default(), &held).await.unwrap();
    let out = cms.delete("held", &DeleteParams::default()).await.unwrap();
    let pending = out.left().expect("object returned while finalizers remain");
    assert!(pending.metadata.deletion_timestamp.is_some());
    assert!(cms.get_opt("held").await.unwrap().is_some(), "still there");
    cms.patch(
        "held",
        &PatchParams::default(),
        &Patch::Merge(json!({"metadata": {"finalizers": null}})),
    )
    .await
    .unwrap();
    assert!(
        cms.get_opt("held").await.unwrap().is_none(),
        "gone once finalizers are cleared"
    );
    let missing = cms.delete("held", &DeleteParams::default()).await.unwrap_err();
    assert!(matches!(missing, kube::Error::Api(s) if s.code == 404));
}
