//! Helpers shared by the sandbox's integration tests: starting a sandbox, waiting on conditions with a
//! timeout (never sleeping as synchronisation), raw HTTP requests through the kube client, and fixtures.
#![allow(dead_code)]

use std::future::Future;
use std::time::Duration;

use kube::Client;
use rollouts_sandbox::{Sandbox, SandboxConfig};
use serde_json::{Value, json};

/// Starts a sandbox with default settings.
pub async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig::default())
        .await
        .expect("sandbox starts")
}

/// Polls `f` until it returns `Some`, failing the test after `secs` seconds.
pub async fn wait_for<T, F, Fut>(what: &str, secs: u64, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Awaits `fut` with a timeout, failing the test if it does not finish.
pub async fn within<T>(what: &str, secs: u64, fut: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(secs), fut)
        .await
        .unwrap_or_else(|_| panic!("timed out: {what}"))
}

/// A raw request through the kube client; returns (status code, body as JSON or a string).
pub async fn raw(
    client: &Client,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> (u16, Value, String) {
    let mut req = http::Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = req
        .body(kube::client::Body::from(
            body.unwrap_or_default().as_bytes().to_vec(),
        ))
        .expect("request");
    let resp = client.send(req).await.expect("send");
    let status = resp.status().as_u16();
    let ct = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let bytes = http_body_util::BodyExt::collect(resp.into_body())
        .await
        .expect("body")
        .to_bytes();
    let text = String::from_utf8_lossy(&bytes).to_string();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
        ct,
    )
}

/// A Deployment manifest with one container.
pub fn deployment(name: &str, image: &str) -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "c", "image": image}]}
            }
        }
    })
}

/// Installs Argo's CRDs from the shared reference directory.
pub fn install_argo_crds(sb: &Sandbox) {
    let dir = rollouts_testkit::argo_dir().join("crds");
    for path in rollouts_testkit::files_with_ext(&dir, &[".yaml"]) {
        let yaml = std::fs::read_to_string(&path).expect("read CRD");
        sb.apply_yaml(&path.display().to_string(), &yaml)
            .expect("install CRD");
    }
}

/// A plain HTTP/1.1 GET without any client library (no retries): (status, head, body).
pub async fn plain_get(addr: std::net::SocketAddr, path: &str) -> (u16, String, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut conn = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    conn.write_all(req.as_bytes()).await.expect("write");
    let mut buf = Vec::new();
    within("response", 10, conn.read_to_end(&mut buf))
        .await
        .expect("read");
    let text = String::from_utf8_lossy(&buf).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head.to_string(), body.to_string())
}
