//! kube-runtime behaviours of sandbox-api.md §1a against the sandbox: the watcher's re-list after an
//! in-stream 410, timeouts and re-watch, streaming lists, `metadata_watcher` (used by `Controller::owns`),
//! the events `Recorder` (events.k8s.io/v1, read back as core/v1 the way `kubectl describe` does),
//! the `finalizer` helper, server-side apply, scale, leases, bookmarks, and a `Controller` smoke test.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::{deployment, wait_for, within};
use futures::StreamExt;
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::{ConfigMap, Event as CoreEvent, ObjectReference};
use kube::api::{ListParams, Patch, PatchParams, PostParams, WatchEvent, WatchParams};
use kube::core::PartialObjectMeta;
use kube::runtime::controller::{Action, Controller};
use kube::runtime::events::{Event, EventType, Recorder, Reporter};
use kube::runtime::finalizer;
use kube::runtime::watcher::{self, Event as WEvent};
use kube::{Api, Resource, ResourceExt};
use rollouts_sandbox::{Sandbox, SandboxConfig, ServerConfig};
use serde_json::json;

fn cm(name: &str) -> ConfigMap {
    serde_json::from_value(json!({"metadata": {"name": name}, "data": {"k": "v"}})).expect("configmap")
}

/// Drives a watcher stream in its own task (the watcher only makes requests while polled).
fn forward<S, T>(stream: S) -> tokio::sync::mpsc::UnboundedReceiver<T>
where
    S: futures::Stream<Item = T> + Send + 'static,
    T: Send + 'static,
{
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut stream = std::pin::pin!(stream);
        while let Some(ev) = stream.next().await {
            if tx.send(ev).is_err() {
                break;
            }
        }
    });
    rx
}

#[tokio::test]
async fn watcher_relists_after_in_stream_410() {
    let sb = common::sandbox().await;
    let cms: Api<ConfigMap> = Api::namespaced(sb.client(), "default");
    cms.create(&PostParams::default(), &cm("before")).await.unwrap();
    let mut rx = forward(watcher::watcher(cms.clone(), watcher::Config::default()));
    let first = within("first InitDone", 10, async {
        loop {
            if let Some(Ok(WEvent::InitDone)) = rx.recv().await {
                break;
            }
        }
    });
    first.await;
    wait_for("watch open", 10, || async {
        (sb.store().watch_count() > 0).then_some(())
    })
    .await;
    let lists_before = sb.requests().count("list", "configmaps");
    assert!(sb.expire_watches(None) >= 1);
    cms.create(&PostParams::default(), &cm("after")).await.unwrap();
    let mut relisted = false;
    within("re-list and the new object", 20, async {
        loop {
            match rx.recv().await.expect("watcher alive") {
                Ok(WEvent::Init) => relisted = true,
                Ok(WEvent::InitApply(o) | WEvent::Apply(o)) if o.name_any() == "after" => break,
                _ => {}
            }
        }
    })
    .await;
    assert!(relisted, "the watcher restarted its initial list");
    assert!(
        sb.requests().count("list", "configmaps") > lists_before,
        "the 410 must trigger a fresh list"
    );
}

#[tokio::test]
async fn watch_timeout_ends_stream_and_watcher_rewatches_from_last_rv() {
    let sb = common::sandbox().await;
    let cms: Api<ConfigMap> = Api::namespaced(sb.client(), "default");
    let mut rx = forward(watcher::watcher(
        cms.clone(),
        watcher::Config::default().timeout(1),
    ));
    wait_for("a second watch request", 20, || async {
        (sb.requests().count("watch", "configmaps") >= 2).then_some(())
    })
    .await;
    cms.create(&PostParams::default(), &cm("late")).await.unwrap();
    within("the new object", 10, async {
        loop {
            match rx.recv().await.expect("watcher alive") {
                Ok(WEvent::Apply(o)) if o.name_any() == "late" => break,
                Err(e) => panic!("watcher error {e}"),
                _ => {}
            }
        }
    })
    .await;
    assert_eq!(
        sb.requests().count("list", "configmaps"),
        1,
        "a timed-out watch re-watches without re-listing"
    );
    let rewatch = sb
        .requests()
        .records()
        .into_iter()
        .filter(|r| r.verb == "watch")
        .nth(1)
        .expect("second watch");
    assert!(rewatch.query.contains("resourceVersion="), "{}", rewatch.query);
}

#[tokio::test]
async fn streaming_list_gets_initial_events_end_bookmark() {
    let sb = common::sandbox().await;
    let cms: Api<ConfigMap> = Api::namespaced(sb.client(), "default");
    cms.create(&PostParams::default(), &cm("one")).await.unwrap();
    let mut stream = watcher::watcher(cms, watcher::Config::default().streaming_lists()).boxed();
    let mut got = Vec::new();
    within("InitDone", 10, async {
        while let Some(ev) = stream.next().await {
            match ev.expect("watcher event") {
                WEvent::InitApply(o) => got.push(o.name_any()),
                WEvent::InitDone => break,
                _ => {}
            }
        }
    })
    .await;
    assert_eq!(got, ["one"]);
    let req = sb
        .requests()
        .records()
        .into_iter()
        .find(|r| r.verb == "watch")
        .expect("a watch-list request");
    assert!(req.query.contains("sendInitialEvents=true"), "{}", req.query);
    assert_eq!(sb.requests().count("list", "configmaps"), 0, "no separate list");
}

#[tokio::test]
async fn bookmarks_carry_the_current_resource_version() {
    let config = SandboxConfig {
        server: ServerConfig {
            bookmark_interval: Duration::from_millis(100),
            ..ServerConfig::default()
        },
        ..SandboxConfig::default()
    };
    let sb = Sandbox::start(config).await.unwrap();
    let cms: Api<ConfigMap> = Api::namespaced(sb.client(), "default");
    cms.create(&PostParams::default(), &cm("b")).await.unwrap();
    let rv = sb.store().resource_version().to_string();
    let mut stream = cms
        .watch(&WatchParams::default().timeout(10), &rv)
        .await
        .unwrap()
        .boxed();
    let ev = within("bookmark", 10, stream.next()).await.unwrap().unwrap();
    let WatchEvent::Bookmark(b) = ev else {
        panic!("expected a bookmark, got {ev:?}")
    };
    assert_eq!(b.metadata.resource_version, rv);
}

#[tokio::test]
async fn metadata_watcher_gets_partial_object_metadata() {
    let sb = common::sandbox().await;
    let cms: Api<ConfigMap> = Api::namespaced(sb.client(), "default");
    cms.create(&PostParams::default(), &cm("m1")).await.unwrap();
    let meta: Api<PartialObjectMeta<ConfigMap>> = Api::namespaced(sb.client(), "default");
    let mut stream = watcher::watcher(meta, watcher::Config::default()).boxed();
    let mut names = Vec::new();
    within("metadata InitDone", 10, async {
        while let Some(ev) = stream.next().await {
            match ev.expect("metadata event") {
                WEvent::InitApply(o) => names.push(o.name_any()),
                WEvent::InitDone => break,
                _ => {}
            }
        }
    })
    .await;
    assert_eq!(names, ["m1"]);
    let list = sb
        .requests()
        .records()
        .into_iter()
        .find(|r| r.verb == "list")
        .expect("list request");
    assert!(
        list.accept
            .unwrap_or_default()
            .contains("as=PartialObjectMetadataList")
    );
    cms.create(&PostParams::default(), &cm("m2")).await.unwrap();
    let next = within("metadata apply", 10, async {
        loop {
            if let Some(Ok(WEvent::Apply(o))) = stream.next().await {
                break o;
            }
        }
    })
    .await;
    assert_eq!(next.name_any(), "m2");
    assert!(next.metadata.resource_version.is_some());
}

#[tokio::test]
async fn recorder_events_are_served_as_core_v1_for_describe() {
    let sb = common::sandbox().await;
    let deps: Api<Deployment> = Api::namespaced(sb.client(), "default");
    let d = deps
        .create(
            &PostParams::default(),
            &serde_json::from_value(deployment("web", "nginx")).unwrap(),
        )
        .await
        .unwrap();
    let recorder = Recorder::new(
        sb.client(),
        Reporter {
            controller: "tester".into(),
            instance: None,
        },
    );
    let oref: ObjectReference = d.object_ref(&());
    let ev = Event {
        type_: EventType::Normal,
        reason: "Scaled".into(),
        note: Some("scaled to 3".into()),
        action: "Scale".into(),
        secondary: None,
    };
    recorder.publish(&ev, &oref).await.unwrap();
    recorder.publish(&ev, &oref).await.unwrap();
    assert_eq!(sb.requests().count("create", "events"), 1);
    assert_eq!(
        sb.requests().count("patch", "events"),
        1,
        "the second publish is a series patch"
    );
    let core: Api<CoreEvent> = Api::namespaced(sb.client(), "default");
    let selector = format!(
        "involvedObject.kind=Deployment,involvedObject.uid={},involvedObject.name=web,involvedObject.namespace=default",
        d.uid().unwrap()
    );
    let events = core.list(&ListParams::default().fields(&selector)).await.unwrap();
    assert_eq!(events.items.len(), 1);
    let e = &events.items[0];
    assert_eq!(e.message.as_deref(), Some("scaled to 3"));
    assert_eq!(e.reason.as_deref(), Some("Scaled"));
    assert_eq!(e.reporting_component.as_deref(), Some("tester"));
    assert_eq!(e.involved_object.name.as_deref(), Some("web"));
}

#[tokio::test]
async fn finalizer_helper_adds_and_removes_its_finalizer() {
    let sb = common::sandbox().await;
    let cms: Api<ConfigMap> = Api::namespaced(sb.client(), "default");
    cms.create(&PostParams::default(), &cm("fin")).await.unwrap();
    let cleaned = Arc::new(AtomicUsize::new(0));
    let run = |obj: ConfigMap| {
        let cms = cms.clone();
        let cleaned = cleaned.clone();
        async move {
            finalizer(&cms, "example.com/cleanup", Arc::new(obj), |ev| async move {
                if let finalizer::Event::Cleanup(_) = ev {
                    cleaned.fetch_add(1, Ordering::SeqCst);
                }
                Ok::<_, kube::Error>(Action::await_change())
            })
            .await
        }
    };
    run(cms.get("fin").await.unwrap()).await.expect("add finalizer");
    assert_eq!(
        cms.get("fin").await.unwrap().finalizers(),
        ["example.com/cleanup"]
    );
    cms.delete("fin", &Default::default()).await.unwrap();
    let deleting = cms.get("fin").await.unwrap();
    assert!(deleting.metadata.deletion_timestamp.is_some());
    run(deleting).await.expect("cleanup");
    assert_eq!(cleaned.load(Ordering::SeqCst), 1);
    assert!(cms.get_opt("fin").await.unwrap().is_none());
}

#[tokio::test]
async fn server_side_apply_creates_then_merges() {
    let sb = common::sandbox().await;
    let deps: Api<Deployment> = Api::namespaced(sb.client(), "default");
    let pp = PatchParams::apply("probe-mgr").force();
    let created = deps
        .patch("ssa", &pp, &Patch::Apply(deployment("ssa", "nginx")))
        .await
        .unwrap();
    assert_eq!(created.metadata.generation, Some(1));
    let merged = deps.patch("ssa", &pp, &Patch::Apply(json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "ssa"}, "spec": {"replicas": 4}}))).await.unwrap();
    assert_eq!(merged.spec.replicas, Some(4));
    assert_eq!(
        merged.metadata.labels.unwrap().get("app").map(String::as_str),
        Some("ssa"),
        "other fields kept"
    );
}

#[tokio::test]
async fn scale_subresource_reads_and_writes_replicas() {
    let sb = common::sandbox().await;
    let deps: Api<Deployment> = Api::namespaced(sb.client(), "default");
    deps.create(
        &PostParams::default(),
        &serde_json::from_value(deployment("sc", "nginx")).unwrap(),
    )
    .await
    .unwrap();
    let scale = deps.get_scale("sc").await.unwrap();
    assert_eq!(scale.spec.as_ref().and_then(|s| s.replicas), Some(1));
    assert_eq!(
        scale.status.as_ref().and_then(|s| s.selector.clone()).as_deref(),
        Some("app=sc")
    );
    let patched = deps
        .patch_scale(
            "sc",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"replicas": 6}})),
        )
        .await
        .unwrap();
    assert_eq!(patched.spec.and_then(|s| s.replicas), Some(6));
    assert_eq!(deps.get("sc").await.unwrap().spec.replicas, Some(6));
}

#[tokio::test]
async fn leases_support_leader_election_semantics() {
    let sb = common::sandbox().await;
    let leases: Api<Lease> = Api::namespaced(sb.client(), "default");
    let lease: Lease = serde_json::from_value(
        json!({"metadata": {"name": "leader"}, "spec": {"holderIdentity": "a", "leaseDurationSeconds": 15}}),
    )
    .unwrap();
    let created = leases.create(&PostParams::default(), &lease).await.unwrap();
    let mut mine = created.clone();
    mine.spec.as_mut().unwrap().holder_identity = Some("b".into());
    leases
        .replace("leader", &PostParams::default(), &mine)
        .await
        .unwrap();
    let mut stale = created;
    stale.spec.as_mut().unwrap().holder_identity = Some("c".into());
    let err = leases
        .replace("leader", &PostParams::default(), &stale)
        .await
        .unwrap_err();
    assert!(matches!(err, kube::Error::Api(s) if s.code == 409));
    assert_eq!(
        leases
            .get("leader")
            .await
            .unwrap()
            .spec
            .unwrap()
            .holder_identity
            .as_deref(),
        Some("b")
    );
}

#[tokio::test]
async fn controller_reconciles_and_owned_changes_trigger_it() {
    let sb = common::sandbox().await;
    let client = sb.client();
    let deps: Api<Deployment> = Api::namespaced(client.clone(), "default");
    let rss: Api<ReplicaSet> = Api::namespaced(client.clone(), "default");
    let reconciles = Arc::new(AtomicUsize::new(0));
    struct Ctx {
        rss: Api<ReplicaSet>,
        count: Arc<AtomicUsize>,
    }
    async fn reconcile(d: Arc<Deployment>, ctx: Arc<Ctx>) -> Result<Action, kube::Error> {
        ctx.count.fetch_add(1, Ordering::SeqCst);
        let oref = d.controller_owner_ref(&()).expect("owner ref");
        let rs = json!({
            "apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": format!("{}-rs", d.name_any()), "ownerReferences": [oref]},
            "spec": {"replicas": 1, "selector": d.spec.selector, "template": d.spec.template},
        });
        ctx.rss
            .patch(
                &format!("{}-rs", d.name_any()),
                &PatchParams::apply("ctl").force(),
                &Patch::Apply(rs),
            )
            .await?;
        Ok(Action::await_change())
    }
    fn error_policy(_: Arc<Deployment>, _: &kube::Error, _: Arc<Ctx>) -> Action {
        Action::requeue(Duration::from_millis(200))
    }
    let ctx = Arc::new(Ctx {
        rss: rss.clone(),
        count: reconciles.clone(),
    });
    let controller = Controller::new(deps.clone(), watcher::Config::default())
        .owns(rss.clone(), watcher::Config::default())
        .run(reconcile, error_policy, ctx)
        .for_each(|_| async {});
    let handle = tokio::spawn(controller);
    deps.create(
        &PostParams::default(),
        &serde_json::from_value(deployment("ctl", "nginx")).unwrap(),
    )
    .await
    .unwrap();
    wait_for("owned ReplicaSet", 10, || async {
        rss.get_opt("ctl-rs").await.unwrap()
    })
    .await;
    let before = reconciles.load(Ordering::SeqCst);
    rss.patch(
        "ctl-rs",
        &PatchParams::default(),
        &Patch::Merge(json!({"metadata": {"labels": {"touched": "yes"}}})),
    )
    .await
    .unwrap();
    wait_for("reconcile from the owned change", 10, || async {
        (reconciles.load(Ordering::SeqCst) > before).then_some(())
    })
    .await;
    let meta_watch = sb.requests().records().into_iter().any(|r| {
        r.resource == "replicasets" && r.accept.unwrap_or_default().contains("PartialObjectMetadata")
    });
    assert!(meta_watch, "Controller::owns uses the metadata watcher");
    handle.abort();
}
