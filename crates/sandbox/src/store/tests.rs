//! Store semantics tested directly (no HTTP): slow watchers, selector transitions, garbage collection
//! with each propagation policy, namespace termination, event conversion, CRD registration.

use serde_json::{Value, json};

use super::*;

fn cm(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"k": "v"}})
}

fn owned(name: &str, owner: &Value) -> Value {
    let mut o = cm(name);
    o["metadata"]["ownerReferences"] = json!([{
        "apiVersion": "v1", "kind": "ConfigMap", "name": meta::name(owner).unwrap(),
        "uid": meta::uid(owner).unwrap(), "blockOwnerDeletion": true,
    }]);
    o
}

fn cms() -> Gvr {
    Gvr::core("configmaps")
}

fn w() -> WriteOptions {
    WriteOptions::default()
}

fn exists(store: &Store, ns: &str, name: &str) -> bool {
    store.get(&cms(), Some(ns), name).is_ok()
}

#[tokio::test]
async fn slow_watcher_is_expired_without_blocking_writers() {
    let store = Store::new(StoreConfig {
        watch_channel_capacity: 2,
        ..StoreConfig::default()
    });
    let mut slow = store
        .watch(
            &cms(),
            &WatchOptions {
                resource_version: Some(store.resource_version().to_string()),
                ..Default::default()
            },
        )
        .unwrap();
    for i in 0..10 {
        store
            .create(&cms(), Some("default"), cm(&format!("c{i}")), &w())
            .unwrap();
    }
    assert_eq!(
        store.object_count(),
        14,
        "every write completed (4 namespaces + 10 configmaps)"
    );
    match slow.next().await {
        Some(WatchEvent::Error(e)) => assert_eq!(e.code, 410),
        other => panic!("expected 410, got {other:?}"),
    }
    assert!(slow.next().await.is_none(), "the stream ends after the error");
    assert_eq!(store.watch_count(), 0);
}

#[tokio::test]
async fn label_selector_watch_sees_objects_enter_and_leave() {
    let store = Store::default();
    let opts = WatchOptions {
        label_selector: Some("tier=web".into()),
        resource_version: Some(store.resource_version().to_string()),
        ..Default::default()
    };
    let mut watch = store.watch(&cms(), &opts).unwrap();
    store.create(&cms(), Some("default"), cm("a"), &w()).unwrap();
    let label = |v: Value| PatchBody::Merge(json!({"metadata": {"labels": {"tier": v}}}));
    store
        .patch(&cms(), Some("default"), "a", &label(json!("web")), &w())
        .unwrap();
    store
        .patch(&cms(), Some("default"), "a", &label(json!("db")), &w())
        .unwrap();
    assert!(matches!(watch.try_next(), Some(WatchEvent::Added(o)) if meta::name(&o) == Some("a")));
    assert!(
        matches!(watch.try_next(), Some(WatchEvent::Deleted(o)) if o["metadata"]["labels"]["tier"] == "db")
    );
    assert!(watch.try_next().is_none());
}

#[test]
fn background_deletion_removes_dependents() {
    let store = Store::default();
    let owner = store.create(&cms(), Some("default"), cm("owner"), &w()).unwrap();
    store
        .create(&cms(), Some("default"), owned("dep1", &owner), &w())
        .unwrap();
    let dep2 = store
        .create(&cms(), Some("default"), owned("dep2", &owner), &w())
        .unwrap();
    store
        .create(&cms(), Some("default"), owned("grandchild", &dep2), &w())
        .unwrap();
    let out = store
        .delete(&cms(), Some("default"), "owner", &DeleteOptions::default())
        .unwrap();
    assert!(out.removed);
    for n in ["owner", "dep1", "dep2", "grandchild"] {
        assert!(!exists(&store, "default", n), "{n} should be gone");
    }
}

#[test]
fn foreground_deletion_waits_for_dependents() {
    let store = Store::default();
    let owner = store.create(&cms(), Some("default"), cm("owner"), &w()).unwrap();
    let mut held = owned("held", &owner);
    held["metadata"]["finalizers"] = json!(["example.com/hold"]);
    store.create(&cms(), Some("default"), held, &w()).unwrap();
    let fg = DeleteOptions {
        propagation: Some(Propagation::Foreground),
        ..Default::default()
    };
    let out = store.delete(&cms(), Some("default"), "owner", &fg).unwrap();
    assert!(!out.removed);
    let o = store.get(&cms(), Some("default"), "owner").unwrap();
    assert!(meta::is_deleting(&o));
    assert_eq!(meta::finalizers(&o), ["foregroundDeletion"]);
    let dep = store.get(&cms(), Some("default"), "held").unwrap();
    assert!(meta::is_deleting(&dep), "the dependent is being deleted");
    store
        .patch(
            &cms(),
            Some("default"),
            "held",
            &PatchBody::Merge(json!({"metadata": {"finalizers": null}})),
            &w(),
        )
        .unwrap();
    assert!(!exists(&store, "default", "held"));
    assert!(
        !exists(&store, "default", "owner"),
        "the owner goes once its dependents are gone"
    );
}

#[test]
fn orphan_deletion_keeps_dependents_without_owner_refs() {
    let store = Store::default();
    let owner = store.create(&cms(), Some("default"), cm("owner"), &w()).unwrap();
    store
        .create(&cms(), Some("default"), owned("dep", &owner), &w())
        .unwrap();
    let orphan = DeleteOptions {
        propagation: Some(Propagation::Orphan),
        ..Default::default()
    };
    assert!(
        store
            .delete(&cms(), Some("default"), "owner", &orphan)
            .unwrap()
            .removed
    );
    let dep = store.get(&cms(), Some("default"), "dep").unwrap();
    assert!(dep["metadata"].get("ownerReferences").is_none());
}

#[test]
fn sweep_collects_dependents_of_missing_owners() {
    let store = Store::default();
    let ghost = json!({"metadata": {"name": "ghost", "uid": "0f0f0f0f-0000-0000-0000-000000000000"}});
    store
        .create(&cms(), Some("default"), owned("stray", &ghost), &w())
        .unwrap();
    assert_eq!(store.collect_garbage(), 1);
    assert!(!exists(&store, "default", "stray"));
}

#[test]
fn namespace_deletion_terminates_then_removes_it() {
    let store = Store::default();
    let ns = Gvr::core("namespaces");
    store
        .create(&ns, None, json!({"metadata": {"name": "team"}}), &w())
        .unwrap();
    store.create(&cms(), Some("team"), cm("plain"), &w()).unwrap();
    let mut held = cm("held");
    held["metadata"]["finalizers"] = json!(["example.com/hold"]);
    store.create(&cms(), Some("team"), held, &w()).unwrap();
    let out = store
        .delete(&ns, None, "team", &DeleteOptions::default())
        .unwrap();
    assert!(!out.removed);
    assert_eq!(
        store.get(&ns, None, "team").unwrap()["status"]["phase"],
        "Terminating"
    );
    assert!(!exists(&store, "team", "plain"));
    let err = store.create(&cms(), Some("team"), cm("new"), &w()).unwrap_err();
    assert_eq!(err.code, 403);
    store
        .patch(
            &cms(),
            Some("team"),
            "held",
            &PatchBody::Merge(json!({"metadata": {"finalizers": []}})),
            &w(),
        )
        .unwrap();
    assert_eq!(
        store.get(&ns, None, "team").unwrap_err().code,
        404,
        "removed once empty"
    );
    assert_eq!(
        store
            .create(&cms(), Some("nowhere"), cm("x"), &w())
            .unwrap_err()
            .code,
        404
    );
}

#[test]
fn events_are_one_store_in_two_versions() {
    let store = Store::default();
    let v1 = Gvr::new("events.k8s.io", "v1", "events");
    let ev = json!({
        "apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": {"name": "e1"},
        "regarding": {"kind": "Pod", "name": "p", "namespace": "default"}, "note": "hello", "reason": "Tested",
        "reportingController": "me", "type": "Normal", "action": "Test", "eventTime": "2026-01-01T00:00:00.000000Z",
    });
    let created = store.create(&v1, Some("default"), ev, &w()).unwrap();
    assert_eq!(created["note"], "hello");
    let core = store.get(&Gvr::core("events"), Some("default"), "e1").unwrap();
    assert_eq!(
        (core["apiVersion"].as_str(), core["message"].as_str()),
        (Some("v1"), Some("hello"))
    );
    assert_eq!(core["involvedObject"]["name"], "p");
    let by_field = ListOptions {
        field_selector: Some("regarding.name=p".into()),
        ..Default::default()
    };
    assert_eq!(store.list(&v1, &by_field).unwrap().items.len(), 1);
}

#[test]
fn crd_registration_serves_the_custom_resource() {
    let store = Store::default();
    let crd = json!({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {"group": "example.com", "scope": "Namespaced",
                 "names": {"plural": "widgets", "kind": "Widget", "shortNames": ["wd"]},
                 "versions": [{"name": "v1", "served": true, "storage": true, "subresources": {"status": {}}}]},
    });
    let crds = Gvr::new("apiextensions.k8s.io", "v1", "customresourcedefinitions");
    let created = store.create(&crds, None, crd, &w()).unwrap();
    let conds = created["status"]["conditions"].as_array().unwrap();
    assert!(
        conds
            .iter()
            .any(|c| c["type"] == "Established" && c["status"] == "True")
    );
    let widgets = Gvr::new("example.com", "v1", "widgets");
    let wd = store.create(&widgets, Some("default"), json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": {"a": 1}}), &w()).unwrap();
    assert_eq!(wd["metadata"]["generation"], 1);
    let err = store
        .patch(
            &widgets,
            Some("default"),
            "w",
            &PatchBody::Strategic(json!({"spec": {"a": 2}})),
            &w(),
        )
        .unwrap_err();
    assert_eq!(err.code, 415);
    store
        .delete(&crds, None, "widgets.example.com", &DeleteOptions::default())
        .unwrap();
    assert!(store.resource_info(&widgets).is_none());
    assert_eq!(store.get(&widgets, Some("default"), "w").unwrap_err().code, 404);
}

#[test]
fn bad_crd_is_422_naming_the_field() {
    let store = Store::default();
    let crds = Gvr::new("apiextensions.k8s.io", "v1", "customresourcedefinitions");
    let bad = json!({"metadata": {"name": "wrong.example.com"}, "spec": {"group": "example.com", "scope": "Namespaced", "names": {"plural": "widgets", "kind": "Widget"}, "versions": [{"name": "v1", "served": true, "storage": true}]}});
    let err = store.create(&crds, None, bad, &w()).unwrap_err();
    assert_eq!(err.code, 422);
    assert!(err.message.contains("metadata.name"), "{}", err.message);
}

#[test]
fn graceful_pod_deletion_waits_for_a_zero_grace_delete() {
    let store = Store::new(StoreConfig {
        graceful_pod_deletion: true,
        ..StoreConfig::default()
    });
    let pods = Gvr::core("pods");
    let pod = |name: &str, node: Option<&str>| {
        let mut p = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": {"containers": [{"name": "c", "image": "x"}]}});
        if let Some(n) = node {
            p["spec"]["nodeName"] = json!(n);
        }
        p
    };
    store
        .create(&pods, Some("default"), pod("unscheduled", None), &w())
        .unwrap();
    store
        .create(&pods, Some("default"), pod("running", Some("node-1")), &w())
        .unwrap();
    assert!(
        store
            .delete(&pods, Some("default"), "unscheduled", &DeleteOptions::default())
            .unwrap()
            .removed
    );
    let out = store
        .delete(&pods, Some("default"), "running", &DeleteOptions::default())
        .unwrap();
    assert!(!out.removed);
    assert_eq!(out.object["metadata"]["deletionGracePeriodSeconds"], 30);
    let now = DeleteOptions {
        grace_period_seconds: Some(0),
        ..Default::default()
    };
    assert!(
        store
            .delete(&pods, Some("default"), "running", &now)
            .unwrap()
            .removed
    );
}

#[test]
fn delete_collection_honours_selectors() {
    let store = Store::default();
    for (n, app) in [("a", "x"), ("b", "x"), ("c", "y")] {
        let mut o = cm(n);
        o["metadata"]["labels"] = json!({"app": app});
        store.create(&cms(), Some("default"), o, &w()).unwrap();
    }
    let sel = ListOptions {
        namespace: Some("default".into()),
        label_selector: Some("app=x".into()),
        ..Default::default()
    };
    let gone = store
        .delete_collection(&cms(), &sel, &DeleteOptions::default())
        .unwrap();
    assert_eq!(gone.len(), 2);
    assert!(exists(&store, "default", "c") && !exists(&store, "default", "a"));
}

#[test]
fn status_update_through_put_keeps_spec_and_metadata() {
    let store = Store::default();
    let deps = Gvr::new("apps", "v1", "deployments");
    let d = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
                   "spec": {"replicas": 1, "selector": {"matchLabels": {"a": "b"}}, "template": {"metadata": {"labels": {"a": "b"}}}}});
    let created = store.create(&deps, Some("default"), d, &w()).unwrap();
    let mut put = created.clone();
    put["spec"]["replicas"] = json!(5);
    put["metadata"]["labels"] = json!({"x": "y"});
    put["status"] = json!({"replicas": 1});
    let out = store
        .update_status(&deps, Some("default"), "d", put.clone(), &w())
        .unwrap();
    assert_eq!(
        (
            out["spec"]["replicas"].as_i64(),
            out["status"]["replicas"].as_i64()
        ),
        (Some(1), Some(1))
    );
    assert!(out["metadata"].get("labels").is_none());
    let err = store
        .update_status(&deps, Some("default"), "d", put, &w())
        .unwrap_err();
    assert_eq!(err.code, 409, "the PUT's resourceVersion is now stale");
}

#[test]
fn non_object_bodies_are_400_not_panics() {
    let store = Store::default();
    let ssar = Gvr::new("authorization.k8s.io", "v1", "selfsubjectaccessreviews");
    assert_eq!(
        store.create(&ssar, None, json!([1, 2]), &w()).unwrap_err().code,
        400
    );
    assert_eq!(
        store
            .create(&cms(), Some("default"), json!("text"), &w())
            .unwrap_err()
            .code,
        400
    );
    let apply = PatchBody::Apply(json!(["not", "an", "object"]));
    assert_eq!(
        store
            .patch(&cms(), Some("default"), "x", &apply, &w())
            .unwrap_err()
            .code,
        400
    );
    store.create(&cms(), Some("default"), cm("x"), &w()).unwrap();
    assert_eq!(
        store
            .update(&cms(), Some("default"), "x", json!(7), &w())
            .unwrap_err()
            .code,
        400
    );
    let merge = PatchBody::Merge(json!(null));
    assert_eq!(
        store
            .patch(&cms(), Some("default"), "x", &merge, &w())
            .unwrap_err()
            .code,
        400
    );
}

#[test]
fn status_is_dropped_on_create_when_it_is_a_subresource() {
    let store = Store::default();
    let pods = Gvr::core("pods");
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                     "spec": {"containers": [{"name": "c", "image": "x"}]}, "status": {"phase": "Running", "podIP": "1.2.3.4"}});
    let created = store.create(&pods, Some("default"), pod, &w()).unwrap();
    assert_eq!(created["status"], json!({"phase": "Pending"}));
    let mut with_status = cm("c");
    with_status["status"] = json!({"kept": true});
    let created = store.create(&cms(), Some("default"), with_status, &w()).unwrap();
    assert_eq!(
        created["status"]["kept"], true,
        "no status subresource: status is ordinary data"
    );
}
