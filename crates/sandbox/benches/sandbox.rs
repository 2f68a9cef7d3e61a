//! Sandbox benchmark (`cargo bench -p rollouts-sandbox`): prints store and HTTP writes per second, watch
//! fan-out latency (store watchers and HTTP watch streams) and resident memory per 10,000 stored
//! objects. A report, not a timed test: every loop is bounded and nothing is asserted about speed.

use std::time::{Duration, Instant};

use futures::StreamExt;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::Api;
use kube::api::{PostParams, WatchEvent, WatchParams};
use rollouts_sandbox::{
    Gvr, Sandbox, SandboxConfig, Store, StoreConfig, WatchEvent as StoreEvent, WatchOptions, WriteOptions,
};
use serde_json::{Value, json};

const OBJECTS: usize = 10_000;

fn pod(i: usize) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": format!("web-7d9c8b6f5-{i:05}"), "labels": {"app": "web", "rollouts-pod-template-hash": "7d9c8b6f5"},
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-7d9c8b6f5", "uid": "5f0c3d9e-0000-4000-8000-000000000001", "controller": true}]},
        "spec": {"containers": [{"name": "web", "image": "nginx:1.27", "ports": [{"containerPort": 80}],
                                 "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}}}],
                 "nodeName": "sandbox-node"},
        "status": {"phase": "Running", "podIP": format!("10.244.{}.{}", i / 250, i % 250),
                   "conditions": [{"type": "Ready", "status": "True"}]}
    })
}

fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Resident memory taken by 10,000 pods, measured in a fresh process (`--measure values|store`) so
/// that allocator reuse between scenarios does not distort the figure.
fn measure(what: &str) -> u64 {
    let before = rss_bytes();
    match what {
        "values" => {
            let plain: Vec<Value> = (0..OBJECTS).map(pod).collect();
            let after = rss_bytes();
            drop(plain);
            after.saturating_sub(before)
        }
        _ => {
            let store = Store::new(StoreConfig {
                history_capacity: 1_000,
                ..StoreConfig::default()
            });
            for i in 0..OBJECTS {
                store
                    .create(
                        &Gvr::core("pods"),
                        Some("default"),
                        pod(i),
                        &WriteOptions::default(),
                    )
                    .expect("create");
            }
            let after = rss_bytes();
            drop(store);
            after.saturating_sub(before)
        }
    }
}

fn memory_report() {
    let exe = std::env::current_exe().expect("own path");
    let mib = |what: &str| -> f64 {
        let out = std::process::Command::new(&exe)
            .args(["--measure", what])
            .output()
            .expect("re-run self");
        let bytes: f64 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap_or(0.0);
        bytes / (1024.0 * 1024.0)
    };
    let (values, store) = (mib("values"), mib("store"));
    println!(
        "memory per {OBJECTS} pods: {store:.1} MiB resident in the store (history ring 1,000 events); \
         the serde_json Values alone take {values:.1} MiB ({:.1} KiB per pod in the store)",
        store * 1024.0 / OBJECTS as f64
    );
}

fn store_benchmarks() {
    let store = Store::new(StoreConfig {
        history_capacity: 1_000,
        ..StoreConfig::default()
    });
    let pods = Gvr::core("pods");
    let start = Instant::now();
    for i in 0..OBJECTS {
        store
            .create(&pods, Some("default"), pod(i), &WriteOptions::default())
            .expect("create");
    }
    let elapsed = start.elapsed();
    println!(
        "store: {OBJECTS} pod creates in {elapsed:.2?} = {:.0} writes/s",
        OBJECTS as f64 / elapsed.as_secs_f64()
    );
    let start = Instant::now();
    for i in 0..OBJECTS {
        let patch = rollouts_sandbox::PatchBody::Merge(json!({"metadata": {"labels": {"round": "2"}}}));
        store
            .patch(
                &pods,
                Some("default"),
                &format!("web-7d9c8b6f5-{i:05}"),
                &patch,
                &WriteOptions::default(),
            )
            .expect("patch");
    }
    let elapsed = start.elapsed();
    println!(
        "store: {OBJECTS} merge patches in {elapsed:.2?} = {:.0} writes/s",
        OBJECTS as f64 / elapsed.as_secs_f64()
    );
}

async fn store_fanout() {
    const WATCHERS: usize = 100;
    const EVENTS: usize = 1_000;
    let store = Store::default();
    let cms = Gvr::core("configmaps");
    let rv = store.resource_version().to_string();
    let mut tasks = Vec::new();
    for _ in 0..WATCHERS {
        let mut w = store
            .watch(
                &cms,
                &WatchOptions {
                    resource_version: Some(rv.clone()),
                    ..Default::default()
                },
            )
            .expect("watch");
        tasks.push(tokio::spawn(async move {
            let mut stamps = Vec::with_capacity(EVENTS);
            while stamps.len() < EVENTS {
                match w.next().await {
                    Some(StoreEvent::Added(_)) => stamps.push(Instant::now()),
                    Some(_) => {}
                    None => break,
                }
            }
            stamps
        }));
    }
    let mut sent = Vec::with_capacity(EVENTS);
    let start = Instant::now();
    for i in 0..EVENTS {
        sent.push(Instant::now());
        let obj = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": format!("c{i}")}});
        store
            .create(&cms, Some("default"), obj, &WriteOptions::default())
            .expect("create");
        // Let the watcher tasks run between writes, as a controller's writes are spaced out.
        tokio::task::yield_now().await;
    }
    let mut lat = Vec::new();
    for t in tasks {
        let stamps = t.await.expect("watcher task");
        lat.extend(
            stamps
                .iter()
                .zip(&sent)
                .map(|(r, s)| r.saturating_duration_since(*s)),
        );
    }
    let total = start.elapsed();
    lat.sort();
    println!(
        "store fan-out: {EVENTS} events x {WATCHERS} watchers delivered in {total:.2?} ({:.0} deliveries/s): \
         p50 {:.2?}, p99 {:.2?}, max {:.2?} (includes queueing behind the writer)",
        (EVENTS * WATCHERS) as f64 / total.as_secs_f64(),
        percentile(&lat, 0.5),
        percentile(&lat, 0.99),
        lat.last().copied().unwrap_or_default()
    );
}

async fn http_benchmarks() {
    const WRITES: usize = 2_000;
    const WATCHERS: usize = 10;
    let sb = Sandbox::start(SandboxConfig::default()).await.expect("sandbox");
    let cms: Api<ConfigMap> = Api::namespaced(sb.client(), "default");
    let rv = sb.store().resource_version().to_string();
    let mut tasks = Vec::new();
    for _ in 0..WATCHERS {
        let mut stream = cms
            .watch(&WatchParams::default().timeout(120), &rv)
            .await
            .expect("watch")
            .boxed();
        tasks.push(tokio::spawn(async move {
            let mut stamps = Vec::with_capacity(WRITES);
            while stamps.len() < WRITES {
                match tokio::time::timeout(Duration::from_secs(60), stream.next()).await {
                    Ok(Some(Ok(WatchEvent::Added(_)))) => stamps.push(Instant::now()),
                    Ok(Some(_)) => {}
                    _ => break,
                }
            }
            stamps
        }));
    }
    let mut sent = Vec::with_capacity(WRITES);
    let start = Instant::now();
    for i in 0..WRITES {
        let cm: ConfigMap =
            serde_json::from_value(json!({"metadata": {"name": format!("h{i}")}, "data": {"k": "v"}}))
                .expect("cm");
        sent.push(Instant::now());
        cms.create(&PostParams::default(), &cm)
            .await
            .expect("create over HTTP");
    }
    let elapsed = start.elapsed();
    println!(
        "http: {WRITES} sequential creates (kube-rs over loopback) in {elapsed:.2?} = {:.0} writes/s",
        WRITES as f64 / elapsed.as_secs_f64()
    );
    let mut lat = Vec::new();
    for t in tasks {
        let stamps = t.await.expect("watch task");
        lat.extend(
            stamps
                .iter()
                .zip(&sent)
                .map(|(r, s)| r.saturating_duration_since(*s)),
        );
    }
    lat.sort();
    println!(
        "http fan-out: {WRITES} events x {WATCHERS} kube-rs watch streams: p50 {:.2?}, p99 {:.2?}, max {:.2?} (write sent -> event decoded)",
        percentile(&lat, 0.5),
        percentile(&lat, 0.99),
        lat.last().copied().unwrap_or_default()
    );
    sb.shutdown().await;
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--measure") {
        println!(
            "{}",
            measure(args.get(i + 1).map(String::as_str).unwrap_or("store"))
        );
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    println!("== rollouts-sandbox benchmark");
    memory_report();
    store_benchmarks();
    rt.block_on(store_fanout());
    rt.block_on(http_benchmarks());
}
