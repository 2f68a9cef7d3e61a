//! Traffic engine tests against a store (no controllers): exact splits per router over N requests,
//! equal shares among a Service's ready pods, deterministic error rates, load targets and the metric
//! labels.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::*;
use crate::crds;
use crate::store::WriteOptions;

fn store() -> Store {
    let store = Store::default();
    for (name, yaml) in crds::BUNDLED {
        for doc in serde_yaml_ng::Deserializer::from_str(yaml) {
            let v: Value = serde::Deserialize::deserialize(doc).unwrap_or_else(|e| panic!("{name}: {e}"));
            crds::create_manifest(&store, &v, &WriteOptions::default()).unwrap();
        }
    }
    store
}

fn engine(store: Store) -> Engine {
    let config = TrafficConfig {
        service_rps: 0.0,
        host_rps: 0.0,
        ..TrafficConfig::default()
    };
    Engine {
        store,
        defaults: PodDefaults::default(),
        config,
        clock: SimClock::default(),
        metrics: Metrics::default(),
        state: Mutex::default(),
    }
}

fn apply(store: &Store, obj: Value) {
    crds::create_manifest(store, &obj, &WriteOptions::default()).unwrap();
}

fn service(store: &Store, name: &str, selector: Value) {
    apply(
        store,
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": "default"},
                        "spec": {"selector": selector, "ports": [{"port": 80}]}}),
    );
}

/// A running, ready pod (the status is written through `/status`, as a kubelet does).
fn pod(store: &Store, name: &str, labels: Value, image: &str, annotations: Value) {
    let pod = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": "default", "labels": labels, "annotations": annotations},
        "spec": {"nodeName": "n1", "containers": [{"name": "c", "image": image}]},
    });
    let mut created = crds::create_manifest(store, &pod, &WriteOptions::default()).unwrap();
    created["status"] = json!({"phase": "Running", "podIP": "10.244.0.2", "conditions": [{"type": "Ready", "status": "True"}]});
    let gvr = Gvr::core("pods");
    store
        .update_status(&gvr, Some("default"), name, created, &WriteOptions::default())
        .unwrap();
}

/// Two Services `stable` and `canary` with one pod each (versions blue and green).
fn stable_and_canary(store: &Store) {
    service(
        store,
        "stable",
        json!({"app": "web", "rollouts-pod-template-hash": "s1"}),
    );
    service(
        store,
        "canary",
        json!({"app": "web", "rollouts-pod-template-hash": "c1"}),
    );
    service(store, "web", json!({"app": "web"}));
    pod(
        store,
        "web-s1-a",
        json!({"app": "web", "rollouts-pod-template-hash": "s1"}),
        "argoproj/rollouts-demo:blue",
        json!({}),
    );
    pod(
        store,
        "web-c1-a",
        json!({"app": "web", "rollouts-pod-template-hash": "c1"}),
        "argoproj/rollouts-demo:green",
        json!({}),
    );
}

fn split(e: &Engine, req: &Request, n: usize) -> BTreeMap<String, usize> {
    let objs = e.snapshot();
    let mut counts = BTreeMap::new();
    for _ in 0..n {
        let r = e.serve(&objs, req);
        assert_eq!(r.status, 200, "{r:?}");
        *counts.entry(r.version.unwrap_or_default()).or_default() += 1;
    }
    counts
}

fn counts(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

#[test]
fn service_requests_are_shared_equally_among_ready_pods() {
    let s = store();
    service(&s, "web", json!({"app": "web"}));
    for (name, tag) in [("a", "v1"), ("b", "v2"), ("c", "v3")] {
        pod(&s, name, json!({"app": "web"}), &format!("app:{tag}"), json!({}));
    }
    let e = engine(s);
    assert_eq!(
        split(&e, &Request::new("web", "/"), 300),
        counts(&[("v1", 100), ("v2", 100), ("v3", 100)])
    );
}

#[test]
fn nginx_canary_split_is_exact() {
    let s = store();
    stable_and_canary(&s);
    let ing = |name: &str, svc: &str, ann: Value| {
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
               "metadata": {"name": name, "namespace": "default", "annotations": ann},
               "spec": {"rules": [{"host": "web.local", "http": {"paths": [
                   {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": svc, "port": {"number": 80}}}}]}}]}})
    };
    apply(&s, ing("web", "stable", json!({})));
    apply(
        &s,
        ing(
            "web-canary",
            "canary",
            json!({"nginx.ingress.kubernetes.io/canary": "true",
        "nginx.ingress.kubernetes.io/canary-weight": "20", "nginx.ingress.kubernetes.io/canary-by-header": "X-Canary"}),
        ),
    );
    let e = engine(s);
    assert_eq!(
        split(&e, &Request::new("web.local", "/"), 1000),
        counts(&[("blue", 800), ("green", 200)])
    );
    let always = Request::new("web.local", "/").header("X-Canary", "always");
    assert_eq!(split(&e, &always, 10), counts(&[("green", 10)]));
    let text = e.metrics.render();
    assert!(text.contains(r#"nginx_ingress_controller_requests{namespace="default",ingress="web",canary="default-canary-80",status="200"} 210"#), "{text}");
    assert!(text.contains(r#"nginx_ingress_controller_requests{namespace="default",ingress="web",canary="",status="200"} 800"#), "{text}");
}

#[test]
fn istio_subset_split_is_exact() {
    let s = store();
    stable_and_canary(&s);
    apply(
        &s,
        json!({"apiVersion": "networking.istio.io/v1beta1", "kind": "VirtualService",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"hosts": ["web.example.com"], "http": [{"route": [
            {"destination": {"host": "web", "subset": "stable"}, "weight": 75},
            {"destination": {"host": "web", "subset": "canary"}, "weight": 25}]}]}}),
    );
    apply(
        &s,
        json!({"apiVersion": "networking.istio.io/v1beta1", "kind": "DestinationRule",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"host": "web", "subsets": [{"name": "stable", "labels": {"rollouts-pod-template-hash": "s1"}},
                                             {"name": "canary", "labels": {"rollouts-pod-template-hash": "c1"}}]}}),
    );
    let e = engine(s);
    assert_eq!(
        split(&e, &Request::new("web.example.com", "/"), 400),
        counts(&[("blue", 300), ("green", 100)])
    );
    let text = e.metrics.render();
    for reporter in ["source", "destination"] {
        let line = format!(
            r#"istio_requests_total{{reporter="{reporter}",destination_service="web.default.svc.cluster.local",response_code="200"}} 400"#
        );
        assert!(text.contains(&line), "{line} not in {text}");
    }
}

#[test]
fn smi_traffic_split_is_exact() {
    let s = store();
    stable_and_canary(&s);
    apply(
        &s,
        json!({"apiVersion": "split.smi-spec.io/v1alpha1", "kind": "TrafficSplit",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"service": "web", "backends": [{"service": "stable", "weight": "950m"}, {"service": "canary", "weight": "50m"}]}}),
    );
    let e = engine(s);
    assert_eq!(
        split(&e, &Request::new("web.default", "/"), 200),
        counts(&[("blue", 190), ("green", 10)])
    );
}

#[test]
fn gateway_http_route_split_is_exact() {
    let s = store();
    stable_and_canary(&s);
    apply(
        &s,
        json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"hostnames": ["gw.example.com"], "rules": [{"backendRefs": [
            {"name": "stable", "port": 80, "weight": 3}, {"name": "canary", "port": 80, "weight": 7}]}]}}),
    );
    let e = engine(s);
    assert_eq!(
        split(&e, &Request::new("gw.example.com", "/"), 100),
        counts(&[("blue", 30), ("green", 70)])
    );
}

#[test]
fn error_rates_latency_and_unready_backends() {
    let s = store();
    service(&s, "web", json!({"app": "web"}));
    pod(
        &s,
        "a",
        json!({"app": "web", "rollouts-pod-template-hash": "h1"}),
        "app:v1",
        json!({"sandbox.rollouts.dev/error-rate": "0.25", "sandbox.rollouts.dev/latency": "300ms"}),
    );
    service(&s, "empty", json!({"app": "nothing"}));
    let e = engine(s);
    let objs = e.snapshot();
    let results: Vec<SimResponse> = (0..100)
        .map(|_| e.serve(&objs, &Request::new("web", "/")))
        .collect();
    assert_eq!(results.iter().filter(|r| r.status == 500).count(), 25);
    assert!(results.iter().all(|r| r.latency == Duration::from_millis(300)));
    let none = e.serve(&objs, &Request::new("empty", "/"));
    assert_eq!((none.status, none.pod.as_deref()), (503, None));
    assert_eq!(
        e.serve(&objs, &Request::new("unknown.example.com", "/")).status,
        404
    );
    let text = e.metrics.render();
    let ok = r#"http_requests_total{namespace="default",app="web",service="web",pod="a",rollouts_pod_template_hash="h1",status="200"} 75"#;
    let bad = r#"http_requests_total{namespace="default",app="web",service="web",pod="a",rollouts_pod_template_hash="h1",status="500"} 25"#;
    assert!(text.contains(ok) && text.contains(bad), "{text}");
    assert!(text.contains(r#"http_request_duration_seconds_bucket{le="0.5",namespace="default",app="web",service="web",pod="a",rollouts_pod_template_hash="h1",status="200"} 75"#), "{text}");
}

#[test]
fn bad_demo_images_fail_most_requests() {
    let s = store();
    service(&s, "web", json!({"app": "web"}));
    pod(
        &s,
        "a",
        json!({"app": "web"}),
        "argoproj/rollouts-demo:bad-red",
        json!({}),
    );
    let e = engine(s);
    let objs = e.snapshot();
    let failed = (0..100)
        .filter(|_| e.serve(&objs, &Request::new("web", "/")).status == 500)
        .count();
    assert_eq!(failed, 80);
}

#[test]
fn load_targets_cover_services_and_hosts() {
    let s = store();
    stable_and_canary(&s);
    apply(
        &s,
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "quiet", "namespace": "default",
        "annotations": {"sandbox.rollouts.dev/rps": "0"}}, "spec": {"selector": {"app": "q"}}}),
    );
    apply(
        &s,
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "i", "namespace": "default",
        "annotations": {"sandbox.rollouts.dev/rps": "3"}},
        "spec": {"rules": [{"host": "web.local", "http": {"paths": [{"path": "/", "pathType": "Prefix",
            "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}}),
    );
    apply(
        &s,
        json!({"apiVersion": "networking.istio.io/v1beta1", "kind": "VirtualService",
        "metadata": {"name": "vs", "namespace": "default"}, "spec": {"hosts": ["web", "mesh.example.com"], "http": []}}),
    );
    apply(
        &s,
        json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
        "metadata": {"name": "r", "namespace": "default"}, "spec": {"hostnames": ["gw.example.com"], "rules": []}}),
    );
    let e = engine(s);
    let targets = load_targets(&e.snapshot(), 5.0, 10.0, "default");
    let got: Vec<(&str, f64)> = targets.iter().map(|t| (t.host.as_str(), t.rps)).collect();
    assert_eq!(
        got,
        [
            ("canary.default", 5.0),
            ("stable.default", 5.0),
            ("web.default", 5.0),
            ("web.local", 3.0),
            ("mesh.example.com", 10.0),
            ("gw.example.com", 10.0)
        ]
    );
}

#[test]
fn the_load_generator_sends_rate_times_elapsed() {
    let s = store();
    service(&s, "web", json!({"app": "web"}));
    pod(&s, "a", json!({"app": "web"}), "app:v1", json!({}));
    let mut e = engine(s);
    e.config.service_rps = 10.0;
    e.load_tick(Duration::from_millis(250));
    e.load_tick(Duration::from_millis(250));
    let total: u64 = e.lock().served.values().sum();
    assert_eq!(total, 5, "10 rps over 0.5 s");
}
