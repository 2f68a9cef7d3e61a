//! The traffic simulator inside a running sandbox: requests split over pods the simulated cluster runs
//! (nginx canary Ingress, Istio with DestinationRule subsets of ReplicaSets labelled the way Argo labels
//! them), the loopback entrypoint answering with the pod and its version, `/metrics` on the API port
//! with the expected series and labels, and the background load.

mod common;

use std::collections::BTreeMap;

use common::wait_for;
use rollouts_sandbox::registry::Gvr;
use rollouts_sandbox::traffic::route::Request;
use rollouts_sandbox::{ListOptions, Sandbox, SandboxConfig, SimConfig, TrafficConfig};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn sandbox(service_rps: f64, host_rps: f64) -> Sandbox {
    let traffic = TrafficConfig {
        service_rps,
        host_rps,
        ..TrafficConfig::default()
    };
    let simulation = SimConfig {
        time_scale: 10.0,
        traffic: Some(traffic),
        ..SimConfig::default()
    };
    let sb = Sandbox::start(SandboxConfig {
        simulation: Some(simulation),
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox starts");
    sb.install_bundled_crds().expect("bundled CRDs");
    sb
}

/// A ReplicaSet labelled as Argo labels a rollout's revisions, and a Service selecting it.
fn revision(sb: &Sandbox, hash: &str, color: &str, replicas: i64, extra: Value) {
    let rs = json!({
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {"name": format!("demo-{hash}"), "namespace": "default", "labels": {"app": "demo", "rollouts-pod-template-hash": hash}},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "demo", "rollouts-pod-template-hash": hash}},
                 "template": {"metadata": {"labels": {"app": "demo", "rollouts-pod-template-hash": hash}, "annotations": extra},
                              "spec": {"containers": [{"name": "demo", "image": format!("argoproj/rollouts-demo:{color}")}]}}}
    });
    sb.apply_yaml("rs", &rs.to_string()).expect("replicaset");
}

fn service(sb: &Sandbox, name: &str, selector: Value) {
    let svc = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": "default"},
                     "spec": {"selector": selector, "ports": [{"port": 80, "targetPort": 8080}]}});
    sb.apply_yaml("svc", &svc.to_string()).expect("service");
}

async fn wait_ready(sb: &Sandbox, selector: &str, n: usize) {
    wait_for(&format!("{n} ready pods for {selector}"), 20, || async {
        let opts = ListOptions {
            namespace: Some("default".into()),
            label_selector: Some(selector.into()),
            ..ListOptions::default()
        };
        let pods = sb.store().list(&Gvr::core("pods"), &opts).ok()?.items;
        let ready = pods
            .iter()
            .filter(|p| {
                p["status"]["conditions"]
                    .as_array()
                    .is_some_and(|cs| cs.iter().any(|c| c["type"] == "Ready" && c["status"] == "True"))
            })
            .count();
        (ready == n).then_some(())
    })
    .await;
}

fn versions(responses: &[rollouts_sandbox::SimResponse]) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for r in responses {
        *out.entry(format!("{}:{}", r.version.clone().unwrap_or_default(), r.status))
            .or_default() += 1;
    }
    out
}

/// A raw HTTP/1.1 GET to the entrypoint; returns (status, headers, body).
async fn http_get(addr: std::net::SocketAddr, host: &str, extra: &[(&str, &str)]) -> (u16, String, Value) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let mut req = format!("GET /color HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for (k, v) in extra {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    stream.write_all(req.as_bytes()).await.expect("write");
    let mut raw = String::new();
    common::within("response", 10, stream.read_to_string(&mut raw))
        .await
        .expect("read");
    let (head, body) = raw.split_once("\r\n\r\n").expect("a response");
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status");
    (
        status,
        head.to_ascii_lowercase(),
        serde_json::from_str(body.trim()).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn nginx_canary_traffic_reaches_simulated_pods_and_the_entrypoint() {
    let sb = sandbox(0.0, 0.0).await;
    revision(&sb, "s1", "blue", 2, json!({}));
    revision(&sb, "c1", "bad-green", 1, json!({}));
    service(
        &sb,
        "demo-stable",
        json!({"app": "demo", "rollouts-pod-template-hash": "s1"}),
    );
    service(
        &sb,
        "demo-canary",
        json!({"app": "demo", "rollouts-pod-template-hash": "c1"}),
    );
    let ingress = |name: &str, svc: &str, ann: Value| {
        serde_json::to_string(&json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": name, "namespace": "default", "annotations": ann},
            "spec": {"rules": [{"host": "demo.local", "http": {"paths": [{"path": "/", "pathType": "Prefix",
                "backend": {"service": {"name": svc, "port": {"number": 80}}}}]}}]}}))
        .unwrap()
    };
    sb.apply_yaml("stable", &ingress("demo", "demo-stable", json!({})))
        .unwrap();
    sb.apply_yaml(
        "canary",
        &ingress(
            "demo-canary",
            "demo-canary",
            json!({
        "nginx.ingress.kubernetes.io/canary": "true", "nginx.ingress.kubernetes.io/canary-weight": "25",
        "nginx.ingress.kubernetes.io/canary-by-header": "X-Canary"}),
        ),
    )
    .unwrap();
    wait_ready(&sb, "rollouts-pod-template-hash=s1", 2).await;
    wait_ready(&sb, "rollouts-pod-template-hash=c1", 1).await;

    let traffic = sb.traffic().expect("traffic is on");
    let responses = traffic.send_many(&Request::new("demo.local", "/"), 400);
    // 25% canary (bad-green answers 80% of its requests with 500), 75% stable over two pods.
    assert_eq!(
        versions(&responses),
        BTreeMap::from([
            ("bad-green:200".into(), 20),
            ("bad-green:500".into(), 80),
            ("blue:200".into(), 300)
        ])
    );
    let stable_pods: BTreeMap<String, usize> = responses
        .iter()
        .filter(|r| r.version.as_deref() == Some("blue"))
        .fold(BTreeMap::new(), |mut m, r| {
            *m.entry(r.pod.clone().unwrap()).or_default() += 1;
            m
        });
    assert_eq!(
        stable_pods.values().copied().collect::<Vec<_>>(),
        [150, 150],
        "equal share among the stable pods"
    );

    let (status, head, body) = http_get(traffic.addr(), "demo.local", &[("X-Canary", "never")]).await;
    assert_eq!(status, 200);
    assert_eq!(body["version"], "blue");
    assert_eq!(body["router"], "nginx");
    assert!(body["pod"].as_str().unwrap().starts_with("demo-s1-"), "{body}");
    assert!(head.contains("x-sandbox-version: blue"), "{head}");
    let (_, _, canary) = http_get(traffic.addr(), "demo.local", &[("X-Canary", "always")]).await;
    assert_eq!(
        (canary["version"].as_str(), canary["canary"].as_bool()),
        (Some("bad-green"), Some(true)),
        "{canary}"
    );
    let (status, _, unrouted) = http_get(traffic.addr(), "nowhere.local", &[]).await;
    assert_eq!(status, 404);
    assert!(
        unrouted["hosts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h == "demo.local"),
        "{unrouted}"
    );

    let (code, text, ct) = common::raw(&sb.client(), "GET", "/metrics", &[], None).await;
    assert_eq!(code, 200);
    assert!(ct.starts_with("application/openmetrics-text"), "{ct}");
    let text = text.as_str().unwrap().to_string();
    assert!(text.contains(r#"nginx_ingress_controller_requests{namespace="default",ingress="demo",canary="default-demo-canary-80",status="500"} 80"#), "{text}");
    assert!(text.contains(r#"nginx_ingress_controller_requests{namespace="default",ingress="demo",canary="",status="200"} 301"#), "{text}");
    let pod = canary["pod"].as_str().unwrap();
    let series = format!(
        r#"http_requests_total{{namespace="default",app="demo",service="demo-canary",pod="{pod}",rollouts_pod_template_hash="c1",status="500"}}"#
    );
    assert!(text.contains(&series), "{series} missing from {text}");
    assert!(text.contains("# TYPE http_request_duration_seconds histogram"));
    assert!(text.contains(
        r#"http_request_duration_seconds_count{namespace="default",app="demo",service="demo-stable""#
    ));
}

#[tokio::test]
async fn istio_subsets_route_to_revisions_and_report_istio_metrics() {
    let sb = sandbox(0.0, 0.0).await;
    revision(&sb, "s1", "blue", 1, json!({}));
    revision(&sb, "c1", "slow-yellow", 1, json!({}));
    service(&sb, "demo", json!({"app": "demo"}));
    let vs = json!({"apiVersion": "networking.istio.io/v1beta1", "kind": "VirtualService",
        "metadata": {"name": "demo", "namespace": "default"},
        "spec": {"hosts": ["demo"], "http": [{"name": "primary", "route": [
            {"destination": {"host": "demo", "subset": "stable"}, "weight": 60},
            {"destination": {"host": "demo", "subset": "canary"}, "weight": 40}]}]}});
    let dr = json!({"apiVersion": "networking.istio.io/v1beta1", "kind": "DestinationRule",
        "metadata": {"name": "demo", "namespace": "default"},
        "spec": {"host": "demo", "subsets": [{"name": "stable", "labels": {"rollouts-pod-template-hash": "s1"}},
                                              {"name": "canary", "labels": {"rollouts-pod-template-hash": "c1"}}]}});
    sb.apply_yaml("vs", &serde_json::to_string(&vs).unwrap()).unwrap();
    sb.apply_yaml("dr", &serde_json::to_string(&dr).unwrap()).unwrap();
    wait_ready(&sb, "app=demo", 2).await;
    let traffic = sb.traffic().unwrap();
    let responses = traffic.send_many(&Request::new("demo.default.svc.cluster.local", "/"), 100);
    assert_eq!(
        versions(&responses),
        BTreeMap::from([("blue:200".into(), 60), ("slow-yellow:200".into(), 40)])
    );
    let slow = responses
        .iter()
        .find(|r| r.version.as_deref() == Some("slow-yellow"))
        .unwrap();
    assert_eq!(
        slow.latency,
        std::time::Duration::from_secs(2),
        "slow- images answer in 2 s"
    );
    assert_eq!(slow.subset.as_deref(), Some("canary"));
    let text = sb.simulator().unwrap().render_metrics();
    assert!(text.contains(r#"istio_requests_total{reporter="source",destination_service="demo.default.svc.cluster.local",response_code="200"} 100"#), "{text}");
    let bucket = text.lines().find(|l| {
        l.starts_with(r#"http_request_duration_seconds_bucket{le="2.5","#)
            && l.contains(r#"rollouts_pod_template_hash="c1""#)
    });
    assert!(bucket.is_some_and(|l| l.ends_with(" 40")), "{text}");
}

#[tokio::test]
async fn background_load_reaches_every_target() {
    let sb = sandbox(50.0, 50.0).await;
    revision(&sb, "s1", "blue", 1, json!({}));
    service(&sb, "demo", json!({"app": "demo"}));
    let route = json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
        "metadata": {"name": "demo", "namespace": "default"},
        "spec": {"hostnames": ["gw.local"], "rules": [{"backendRefs": [{"name": "demo", "port": 80}]}]}});
    sb.apply_yaml("route", &serde_json::to_string(&route).unwrap())
        .unwrap();
    let traffic = sb.traffic().unwrap();
    let hosts: Vec<String> = traffic.load_targets().into_iter().map(|t| t.host).collect();
    assert_eq!(hosts, ["demo.default", "gw.local"]);
    wait_for("requests served by the pod", 20, || async {
        let text = traffic.render_metrics();
        let served = text
            .lines()
            .filter(|l| l.starts_with("http_requests_total{") && l.contains(r#"service="demo""#))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
            .sum::<u64>();
        (served >= 50).then_some(())
    })
    .await;
}

/// The JSON body of a Prometheus API answer from the sandbox's own port.
async fn prom_query(sb: &Sandbox, path_and_query: &str) -> (u16, Value) {
    let (status, _, body) = common::plain_get(sb.addr(), path_and_query).await;
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_built_in_prometheus_answers_queries_about_simulated_traffic() {
    let traffic = TrafficConfig {
        service_rps: 50.0,
        host_rps: 0.0,
        ..TrafficConfig::default()
    };
    let sb = Sandbox::start(SandboxConfig {
        simulation: Some(SimConfig {
            traffic: Some(traffic),
            ..SimConfig::default()
        }),
        prometheus_scrape_interval: Some(std::time::Duration::from_millis(200)),
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox starts");
    revision(&sb, "abc", "blue", 2, json!({}));
    service(&sb, "demo", json!({"app": "demo"}));
    wait_ready(&sb, "app=demo", 2).await;

    // sum(http_requests_total{service="demo"}) grows once the scraper has seen the load.
    let instant = "/api/v1/query?query=sum(http_requests_total%7Bservice%3D%22demo%22%7D)";
    let total = wait_for("requests to demo in the built-in Prometheus", 30, || async {
        let (status, body) = prom_query(&sb, instant).await;
        let v: f64 = body["data"]["result"][0]["value"][1].as_str()?.parse().ok()?;
        (status == 200 && body["status"] == "success" && v > 0.0).then_some(v)
    })
    .await;
    assert!(total > 0.0);

    // A rate over a short window is positive and the success ratio of healthy pods is 1.
    let ratio = "/api/v1/query?query=sum(rate(http_requests_total%7Bservice%3D%22demo%22%2Cstatus%21~%225..%22%7D%5B5s%5D))%20%2F%20sum(rate(http_requests_total%7Bservice%3D%22demo%22%7D%5B5s%5D))";
    let success = wait_for("a success ratio", 30, || async {
        let (_, body) = prom_query(&sb, ratio).await;
        body["data"]["result"][0]["value"][1]
            .as_str()?
            .parse::<f64>()
            .ok()
    })
    .await;
    assert!(
        (success - 1.0).abs() < 1e-9,
        "healthy pods answer 2xx only: {success}"
    );

    // Range queries answer a matrix; a bad query answers Prometheus' error JSON.
    let now = rollouts_sandbox::promql::api::system_now_ms() as f64 / 1000.0;
    let range = format!(
        "/api/v1/query_range?query=sum(http_requests_total)&start={}&end={now}&step=1",
        now - 5.0
    );
    let (status, body) = prom_query(&sb, &range).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["resultType"], "matrix");
    let (status, body) = prom_query(&sb, "/api/v1/query?query=sum(").await;
    assert_eq!(status, 400);
    assert_eq!(body["errorType"], "bad_data");
    sb.shutdown().await;
}
