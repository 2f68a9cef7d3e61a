//! The `rollouts-controller` binary as a separate process against the sandbox's kubeconfig: it serves
//! /healthz and /metrics, takes the lease, logs JSON, and on SIGTERM stops cleanly and releases the lease.

mod common;

use std::net::SocketAddr;
use std::process::Stdio;

use common::{create_rollout, http_get, rollout, sandbox, wait_for, within};
use k8s_openapi::api::coordination::v1::Lease;
use kube::Api;
use tokio::io::AsyncReadExt;

/// Two distinct free ports (both listeners are held until both are chosen).
fn free_ports() -> (u16, u16) {
    let port = |l: &std::net::TcpListener| l.local_addr().expect("local address").port();
    let a = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let b = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    (port(&a), port(&b))
}

#[tokio::test]
async fn the_binary_serves_health_leads_and_exits_cleanly_on_sigterm() {
    let sb = sandbox().await;
    create_rollout(&sb, &rollout("web")).await;
    let (healthz, metrics) = free_ports();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_rollouts-controller"))
        .args(["--kubeconfig", &sb.kubeconfig_path().display().to_string()])
        .args([
            "--healthzPort",
            &healthz.to_string(),
            "--metricsPort",
            &metrics.to_string(),
        ])
        .args([
            "--logformat",
            "json",
            "--loglevel",
            "debug",
            "--leader-election-retry-period",
            "200ms",
        ])
        .env("POD_NAMESPACE", "default")
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start the controller");
    let healthz_addr = SocketAddr::from(([127, 0, 0, 1], healthz));
    wait_for("the healthz port to listen", 30, || async {
        tokio::net::TcpStream::connect(healthz_addr)
            .await
            .ok()
            .map(|_| ())
    })
    .await;
    assert_eq!(http_get(healthz_addr, "/healthz").await, (200, "ok".to_string()));

    let leases: Api<Lease> = Api::namespaced(sb.client(), "default");
    let holder = wait_for("the binary takes the lease", 30, || async {
        let lease = leases.get_opt("argo-rollouts-controller-lock").await.ok()??;
        lease.spec?.holder_identity.filter(|h| !h.is_empty())
    })
    .await;
    assert!(holder.contains('_'), "identity is <hostname>_<uuid>: {holder}");
    let metrics_addr = SocketAddr::from(([127, 0, 0, 1], metrics));
    wait_for("the leader's caches reach the metrics", 30, || async {
        let (_, body) = http_get(metrics_addr, "/metrics").await;
        body.contains(r#"rollout_info{namespace="default",name="web",strategy="canary""#)
            .then_some(())
    })
    .await;

    let pid = child.id().expect("running").to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = within("the controller exits", 30, child.wait())
        .await
        .expect("wait");
    assert!(status.success(), "clean exit on SIGTERM: {status:?}");
    let lease = leases.get("argo-rollouts-controller-lock").await.unwrap();
    assert_eq!(
        lease.spec.unwrap().holder_identity,
        None,
        "the lease is released on shutdown"
    );

    let mut logs = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut logs)
        .await
        .unwrap();
    let lines: Vec<serde_json::Value> = logs
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON log line ({e}): {l}")))
        .collect();
    let messages: Vec<&str> = lines.iter().filter_map(|l| l["message"].as_str()).collect();
    for expected in [
        "Argo Rollouts controller starting",
        "acquired leadership",
        "received SIGTERM; shutting down",
        "released leadership",
    ] {
        assert!(
            messages.contains(&expected),
            "log lacks {expected:?}: {messages:?}"
        );
    }
}
