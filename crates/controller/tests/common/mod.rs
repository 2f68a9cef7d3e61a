//! Helpers shared by the controller's integration tests: a sandbox with Argo's CRDs, fixtures, a
//! recording scripted planner, starting a controller, waiting on conditions with a timeout (never
//! sleeping as synchronisation) and plain HTTP GETs; for the end-to-end tests, [`e2e`] helpers, the
//! [`invariants`] watcher and the [`chaos`] harness.
#![allow(dead_code)]

pub mod chaos;
pub mod e2e;
pub mod invariants;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kube::Api;
use kube::api::{Patch, PatchParams, PostParams};
use rollouts_api::Rollout;
use rollouts_controller::cache::Scope;
use rollouts_controller::leader::LeaseConfig;
use rollouts_controller::{RolloutController, Settings};
use rollouts_core::{Plan, Snapshot};
use rollouts_sandbox::{Sandbox, SandboxConfig};
use serde_json::{Value, json};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Starts a sandbox with Argo's CRDs installed.
pub async fn sandbox() -> Sandbox {
    let sb = Sandbox::start(SandboxConfig::default())
        .await
        .expect("sandbox starts");
    let dir = rollouts_testkit::argo_dir().join("crds");
    for path in rollouts_testkit::files_with_ext(&dir, &[".yaml"]) {
        let yaml = std::fs::read_to_string(&path).expect("read CRD");
        sb.apply_yaml(&path.display().to_string(), &yaml)
            .expect("install CRD");
    }
    sb
}

#[allow(unused_imports)] // not every test binary uses both
pub use rollouts_testkit::{wait_for, within};

/// A canary Rollout named `name` in `default` with canary/stable Services `<name>-canary`/`<name>-stable`.
pub fn rollout(name: &str) -> Rollout {
    serde_json::from_value(json!({
        "apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}},
                         "spec": {"containers": [{"name": "c", "image": "nginx"}]}},
            "strategy": {"canary": {
                "canaryService": format!("{name}-canary"), "stableService": format!("{name}-stable"),
                "steps": [{"setWeight": 20}, {"pause": {}}]}}
        }
    }))
    .expect("rollout fixture")
}

/// Creates a rollout and returns it as stored.
pub async fn create_rollout(sb: &Sandbox, ro: &Rollout) -> Rollout {
    let api: Api<Rollout> = Api::namespaced(sb.client(), "default");
    api.create(&PostParams::default(), ro)
        .await
        .expect("create rollout")
}

/// Merge-patches a rollout's status (as another writer, e.g. the CLI, would).
pub async fn patch_status(sb: &Sandbox, name: &str, status: Value) -> Rollout {
    let api: Api<Rollout> = Api::namespaced(sb.client(), "default");
    api.patch_status(
        name,
        &PatchParams::default(),
        &Patch::Merge(json!({ "status": status })),
    )
    .await
    .expect("patch status")
}

/// Reads a rollout.
pub async fn get_rollout(sb: &Sandbox, name: &str) -> Rollout {
    let api: Api<Rollout> = Api::namespaced(sb.client(), "default");
    api.get(name).await.expect("get rollout")
}

type Script = dyn Fn(&Snapshot, usize) -> Plan + Send + Sync;

/// A planner that records every snapshot's rollout name and answers with a script
/// `(snapshot, how many times this rollout was planned before) -> Plan`.
#[derive(Clone)]
pub struct Scripted {
    calls: Arc<Mutex<Vec<String>>>,
    last: Arc<Mutex<BTreeMap<String, Snapshot>>>,
    script: Arc<Script>,
}

impl Scripted {
    /// A scripted planner.
    pub fn new(script: impl Fn(&Snapshot, usize) -> Plan + Send + Sync + 'static) -> Self {
        Self {
            calls: Arc::default(),
            last: Arc::default(),
            script: Arc::new(script),
        }
    }

    /// A planner that always leaves everything as it is.
    pub fn settled() -> Self {
        Self::new(|s, _| Plan {
            status: Some(s.rollout.status.clone().unwrap_or_default()),
            ..Plan::default()
        })
    }

    /// How many times `name` was planned.
    pub fn count(&self, name: &str) -> usize {
        self.calls
            .lock()
            .expect("lock")
            .iter()
            .filter(|n| *n == name)
            .count()
    }

    /// The last snapshot planned for `name`.
    pub fn last(&self, name: &str) -> Option<Snapshot> {
        self.last.lock().expect("lock").get(name).cloned()
    }

    /// Every planned rollout name, in order.
    pub fn calls(&self) -> Vec<String> {
        self.calls.lock().expect("lock").clone()
    }

    /// Per-rollout plan counts.
    pub fn counts(&self) -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for n in self.calls() {
            *m.entry(n).or_default() += 1;
        }
        m
    }

    /// This planner as a `Fn(&Snapshot) -> Plan`.
    pub fn planner(&self) -> impl Fn(&Snapshot) -> Plan + Send + Sync + 'static {
        let this = self.clone();
        move |s: &Snapshot| {
            let name = s.rollout.metadata.name.clone().unwrap_or_default();
            let n = {
                let mut calls = this.calls.lock().expect("lock");
                let n = calls.iter().filter(|c| **c == name).count();
                calls.push(name.clone());
                n
            };
            this.last.lock().expect("lock").insert(name, s.clone());
            (this.script)(s, n)
        }
    }
}

/// Settings for tests: all namespaces, 2 threads, a long resync, no leader election.
pub fn settings() -> Settings {
    Settings {
        scope: Scope::default(),
        threads: 2,
        resync: Duration::from_secs(300),
        lease: None,
        identity: "test".into(),
    }
}

/// Lease settings with short periods.
pub fn lease(identity: &str, lease_duration: Duration) -> LeaseConfig {
    LeaseConfig {
        name: "argo-rollouts-controller-lock".into(),
        namespace: "default".into(),
        identity: identity.into(),
        lease_duration,
        renew_deadline: lease_duration.mul_f32(0.7),
        retry_period: Duration::from_millis(100),
    }
}

/// A running controller.
pub struct Running {
    pub task: JoinHandle<()>,
    pub shutdown: CancellationToken,
    pub leading: tokio::sync::watch::Receiver<bool>,
    pub metrics: rollouts_controller::metrics::Metrics,
}

impl Running {
    /// Cancels and waits for a clean stop.
    pub async fn stop(self) {
        self.shutdown.cancel();
        within("controller stops", 20, self.task)
            .await
            .expect("controller task");
    }
}

/// Starts a controller with `planner` and `settings` on the sandbox's client.
pub fn start(sb: &Sandbox, settings: Settings, planner: &Scripted) -> Running {
    start_with(RolloutController::new(sb.client(), settings, planner.planner()))
}

/// Starts a built controller.
pub fn start_with(controller: RolloutController) -> Running {
    let shutdown = CancellationToken::new();
    let leading = controller.leading();
    let metrics = controller.metrics().clone();
    let task = tokio::spawn(controller.run(shutdown.clone()));
    Running {
        task,
        shutdown,
        leading,
        metrics,
    }
}

/// A plain HTTP/1.1 GET: (status, body).
pub async fn http_get(addr: std::net::SocketAddr, path: &str) -> (u16, String) {
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
    (status, body.to_string())
}

/// Three tests for one end-to-end scenario: `undisturbed`, `controller_killed_and_restarted` (f) and
/// `write_errors_lost_watches_and_kills` (g). `writes`: within how many API writes the disruption points
/// are drawn (fewer than the scenario makes undisturbed). Each test calls the test file's own
/// `run(body, disruption, writes)`.
#[allow(unused_macros)]
macro_rules! scenario {
    ($(#[$doc:meta])* $name:ident, $body:ident, writes = $writes:expr) => {
        $(#[$doc])*
        mod $name {
            use super::*;

            #[tokio::test]
            async fn undisturbed() {
                run($body, Disruption::None, $writes).await;
            }

            #[tokio::test]
            async fn controller_killed_and_restarted() {
                run($body, Disruption::Restarts, $writes).await;
            }

            #[tokio::test]
            async fn write_errors_lost_watches_and_kills() {
                run($body, Disruption::Chaos, $writes).await;
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use scenario;
