//! Fault injection and request accounting: injected 409/429/500 on the next N writes, latency, watches
//! expired with an in-stream 410 or dropped, and the request counters a "settled controller makes zero
//! writes" assertion relies on.

mod common;

use std::time::{Duration, Instant};

use common::{raw, sandbox, wait_for, within};
use futures::StreamExt;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::Api;
use kube::api::{ListParams, PostParams, WatchEvent, WatchParams};
use rollouts_sandbox::{FaultVerbs, Gvr};
use serde_json::json;

fn cm(name: &str) -> ConfigMap {
    serde_json::from_value(json!({"metadata": {"name": name}})).expect("configmap")
}

fn api_code(err: kube::Error) -> u16 {
    match err {
        kube::Error::Api(s) => s.code,
        other => panic!("not an API error: {other}"),
    }
}

#[tokio::test]
async fn next_writes_fail_with_injected_codes_then_recover() {
    let sb = sandbox().await;
    let cms: Api<ConfigMap> = Api::namespaced(sb.client(), "default");
    sb.faults().fail_writes("configmaps", 409, 1);
    sb.faults().fail_writes("configmaps", 500, 1);
    assert_eq!(
        api_code(cms.create(&PostParams::default(), &cm("a")).await.unwrap_err()),
        409
    );
    cms.list(&ListParams::default())
        .await
        .expect("reads are not affected");
    assert_eq!(
        api_code(cms.create(&PostParams::default(), &cm("a")).await.unwrap_err()),
        500
    );
    assert_eq!(sb.faults().pending(), 0);
    cms.create(&PostParams::default(), &cm("a"))
        .await
        .expect("faults are used up");
    assert!(cms.get_opt("a").await.unwrap().is_some());
}

#[tokio::test]
async fn throttling_answers_429_with_retry_after() {
    let sb = sandbox().await;
    sb.faults()
        .fail_requests(Some("configmaps"), FaultVerbs::All, 429, 1);
    let (status, head, body) = common::plain_get(sb.addr(), "/api/v1/namespaces/default/configmaps").await;
    assert_eq!(status, 429);
    assert!(head.to_ascii_lowercase().contains("retry-after: 1"), "{head}");
    assert!(body.contains("\"reason\":\"TooManyRequests\""), "{body}");
    let (status, _, _) = raw(
        &sb.client(),
        "GET",
        "/api/v1/namespaces/default/configmaps",
        &[],
        None,
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn injected_faults_target_one_resource() {
    let sb = sandbox().await;
    sb.faults().fail_writes("secrets", 500, 5);
    let cms: Api<ConfigMap> = Api::namespaced(sb.client(), "default");
    cms.create(&PostParams::default(), &cm("unaffected"))
        .await
        .expect("other resources write fine");
    assert_eq!(sb.faults().pending(), 5);
    sb.faults().clear();
    assert_eq!(sb.faults().pending(), 0);
}

#[tokio::test]
async fn latency_delays_requests() {
    let sb = sandbox().await;
    let cms: Api<ConfigMap> = Api::namespaced(sb.client(), "default");
    sb.faults()
        .add_latency(Some("configmaps"), Duration::from_millis(300));
    let start = Instant::now();
    cms.list(&ListParams::default()).await.unwrap();
    assert!(
        start.elapsed() >= Duration::from_millis(300),
        "took {:?}",
        start.elapsed()
    );
}

#[tokio::test]
async fn expired_watch_gets_in_stream_410() {
    let sb = sandbox().await;
    let cms: Api<ConfigMap> = Api::namespaced(sb.client(), "default");
    let rv = sb.store().resource_version().to_string();
    let mut stream = cms
        .watch(&WatchParams::default().timeout(30), &rv)
        .await
        .unwrap()
        .boxed();
    wait_for("watch registered", 10, || async {
        (sb.store().watch_count() == 1).then_some(())
    })
    .await;
    cms.create(&PostParams::default(), &cm("moved-on")).await.unwrap();
    assert_eq!(sb.expire_watches(Some(&Gvr::core("configmaps"))), 1);
    let mut ev = within("event", 10, stream.next())
        .await
        .expect("an event")
        .expect("decodes");
    if matches!(ev, WatchEvent::Added(_)) {
        ev = within("error event", 10, stream.next())
            .await
            .expect("an event")
            .expect("decodes");
    }
    let WatchEvent::Error(status) = ev else {
        panic!("expected ERROR, got {ev:?}")
    };
    assert_eq!(status.code, 410);
    assert!(within("stream end", 10, stream.next()).await.is_none());
    let mut again = cms
        .watch(&WatchParams::default().timeout(30), &rv)
        .await
        .unwrap()
        .boxed();
    let ev = within("compacted", 10, again.next()).await.unwrap().unwrap();
    assert!(
        matches!(ev, WatchEvent::Error(s) if s.code == 410),
        "the history was compacted"
    );
}

#[tokio::test]
async fn dropped_watch_ends_without_error() {
    let sb = sandbox().await;
    let cms: Api<ConfigMap> = Api::namespaced(sb.client(), "default");
    let rv = sb.store().resource_version().to_string();
    let mut stream = cms
        .watch(&WatchParams::default().timeout(30), &rv)
        .await
        .unwrap()
        .boxed();
    wait_for("watch registered", 10, || async {
        (sb.store().watch_count() == 1).then_some(())
    })
    .await;
    assert_eq!(sb.drop_watches(None), 1);
    assert!(
        within("stream end", 10, stream.next()).await.is_none(),
        "closed without an ERROR event"
    );
    let mut again = cms
        .watch(&WatchParams::default().timeout(30), &rv)
        .await
        .unwrap()
        .boxed();
    cms.create(&PostParams::default(), &cm("after")).await.unwrap();
    let ev = within("event", 10, again.next()).await.unwrap().unwrap();
    assert!(
        matches!(ev, WatchEvent::Added(_)),
        "re-watching from the same RV works"
    );
}

#[tokio::test]
async fn request_counters_show_reads_and_writes() {
    let sb = sandbox().await;
    let cms: Api<ConfigMap> = Api::namespaced(sb.client(), "default");
    cms.create(&PostParams::default(), &cm("a")).await.unwrap();
    cms.get("a").await.unwrap();
    assert_eq!(sb.requests().count("create", "configmaps"), 1);
    assert_eq!(sb.requests().count("get", "configmaps"), 1);
    assert_eq!(sb.requests().writes(), 1);
    sb.requests().clear();
    cms.list(&ListParams::default()).await.unwrap();
    cms.get("a").await.unwrap();
    assert_eq!(sb.requests().writes(), 0, "a settled client makes zero writes");
    assert_eq!(sb.requests().count("list", "configmaps"), 1);
    let rec = sb.requests().records();
    assert_eq!(rec.len(), 2);
    assert_eq!(
        (rec[1].verb.as_str(), rec[1].name.as_deref(), rec[1].status),
        ("get", Some("a"), 200)
    );
}
