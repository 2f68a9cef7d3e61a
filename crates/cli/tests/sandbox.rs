//! `kubectl-argo-rollouts sandbox`: the binary starts the sandbox in the foreground with the Rollout CRDs
//! installed, prints where to reach it, serves kube clients and the traffic entrypoint, and exits cleanly
//! on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use k8s_openapi::api::core::v1::Service;
use kube::Api;
use kube::api::PostParams;
use rollouts_api::Rollout;

/// Reads the child's stdout on a thread, forwarding lines.
fn lines_of(child: &mut Child) -> mpsc::Receiver<String> {
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Collects lines until one contains `marker` (at most `secs`), returning all lines read.
fn read_until(rx: &mpsc::Receiver<String>, marker: &str, secs: u64) -> Vec<String> {
    let deadline = std::time::Instant::now() + Duration::from_secs(secs);
    let mut seen = Vec::new();
    while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(line) => {
                let done = line.contains(marker);
                seen.push(line);
                if done {
                    return seen;
                }
            }
            Err(_) => break,
        }
    }
    panic!("no line containing {marker:?} within {secs}s; got {seen:#?}");
}

#[tokio::test]
async fn sandbox_command_serves_the_crds_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubectl-argo-rollouts"))
        .args(["sandbox", "--kubeconfig"])
        .arg(&kubeconfig)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the sandbox");
    let rx = lines_of(&mut child);
    let lines = read_until(&rx, "Stop with Ctrl-C", 60);
    let text = lines.join("\n");
    assert!(text.contains("Sandbox cluster is ready."), "{text}");
    assert!(
        text.contains(&format!("Kubeconfig:          {}", kubeconfig.display())),
        "{text}"
    );
    let entrypoint = lines
        .iter()
        .find_map(|l| l.trim().strip_prefix("Traffic entrypoint:"))
        .expect("the traffic entrypoint is printed");
    assert!(entrypoint.trim().starts_with("http://127.0.0.1:"), "{entrypoint}");

    // The kubeconfig works, and a Rollout can be created at once: the project's CRDs are installed.
    let client = rollouts_sandbox::client_from_kubeconfig(&kubeconfig)
        .await
        .unwrap();
    let rollouts: Api<Rollout> = Api::namespaced(client.clone(), "default");
    let yaml =
        std::fs::read_to_string(rollouts_testkit::workspace_root().join("examples/canary.yaml")).unwrap();
    let mut docs = yaml.split("\n---\n");
    let ro: Rollout = serde_yaml_ng::from_str(docs.next().unwrap()).unwrap();
    let services: Api<Service> = Api::namespaced(client.clone(), "default");
    for doc in docs {
        let svc: Service = serde_yaml_ng::from_str(doc).unwrap();
        services
            .create(&PostParams::default(), &svc)
            .await
            .expect("create a Service");
    }
    let created = rollouts
        .create(&PostParams::default(), &ro)
        .await
        .expect("create a Rollout");
    assert_eq!(created.metadata.name.as_deref(), Some("demo-canary"));
    assert_eq!(rollouts.list(&Default::default()).await.unwrap().items.len(), 1);
    assert!(text.contains("Rollout controller:  running inside"), "{text}");

    // The controller running inside takes the Rollout to Healthy on the simulated pods.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let ro = rollouts.get("demo-canary").await.unwrap();
        let status = ro.status.unwrap_or_default();
        if status.phase.as_ref().map(ToString::to_string).as_deref() == Some("Healthy")
            && status.available_replicas == 5
        {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "not Healthy in time: {status:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // SIGTERM ends it cleanly.
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the sandbox did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "clean exit on SIGTERM: {exit:?}");
}
