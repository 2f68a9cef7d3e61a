//! Shared fixtures of the cluster-command tests: a sandbox with the project's CRDs, objects created through
//! the client, and a runner for the built binary pointed at the sandbox's kubeconfig.

#![allow(dead_code)]

use std::process::Command;

use kube::Api;
use kube::api::PostParams;
use rollouts_api::Rollout;
use rollouts_sandbox::{RequestRecord, Sandbox, SandboxConfig};

/// A bare sandbox (no simulated controllers) with the Rollout CRDs installed.
pub async fn sandbox() -> Sandbox {
    let sb = Sandbox::start(SandboxConfig::default())
        .await
        .expect("start the sandbox");
    for (name, yaml) in rollouts_api::crd::crd_files().expect("render CRDs") {
        sb.apply_yaml(name, &yaml).expect("install CRD");
    }
    sb
}

/// Creates a Rollout from YAML in `default`.
pub async fn create_rollout(sb: &Sandbox, yaml: &str) -> Rollout {
    let ro: Rollout = serde_yaml_ng::from_str(yaml).expect("rollout yaml");
    Api::<Rollout>::namespaced(sb.client(), "default")
        .create(&PostParams::default(), &ro)
        .await
        .expect("create rollout")
}

/// Sets the status of a Rollout through the status subresource.
pub async fn set_status(sb: &Sandbox, name: &str, status: serde_json::Value) -> Rollout {
    Api::<Rollout>::namespaced(sb.client(), "default")
        .patch_status(
            name,
            &kube::api::PatchParams::default(),
            &kube::api::Patch::Merge(serde_json::json!({ "status": status })),
        )
        .await
        .expect("patch status")
}

pub async fn get_rollout(sb: &Sandbox, name: &str) -> Rollout {
    Api::<Rollout>::namespaced(sb.client(), "default")
        .get(name)
        .await
        .expect("get rollout")
}

/// The result of one run of the binary.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the built binary with `--kubeconfig <sandbox>` and `args`, off the async runtime.
pub async fn run(sb: &Sandbox, args: &[&str]) -> Run {
    let kubeconfig = sb.kubeconfig_path().to_path_buf();
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let out = Command::new(env!("CARGO_BIN_EXE_kubectl-argo-rollouts"))
            .args(&args)
            .arg("--kubeconfig")
            .arg(&kubeconfig)
            .output()
            .expect("run the binary");
        Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    })
    .await
    .expect("join")
}

/// Write requests (patch, update, create) recorded since `from`.
pub fn writes_since(sb: &Sandbox, from: usize) -> Vec<RequestRecord> {
    sb.requests()
        .records()
        .into_iter()
        .skip(from)
        .filter(|r| matches!(r.verb.as_str(), "patch" | "update" | "create"))
        .collect()
}

/// `(method, path, content type)` of a record.
pub fn summary(r: &RequestRecord) -> (String, String, String) {
    (
        r.method.clone(),
        r.path.clone(),
        r.content_type.clone().unwrap_or_default(),
    )
}

pub const RO_PATH: &str = "/apis/argoproj.io/v1alpha1/namespaces/default/rollouts";

pub const CANARY: &str = "
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: guestbook, namespace: default}
spec:
  replicas: 2
  selector: {matchLabels: {app: guestbook}}
  template:
    metadata: {labels: {app: guestbook}}
    spec:
      initContainers: [{name: init, image: busybox:1}]
      containers: [{name: guestbook, image: argoproj/rollouts-demo:blue}, {name: sidecar, image: envoy:1}]
  strategy:
    canary:
      steps: [{setWeight: 10}, {pause: {}}, {setWeight: 50}, {pause: {duration: 10s}}]
";
