//! Pod behaviour in the simulated cluster through the real kube-rs client: each failure mode
//! (never-ready, crash loop, image pull, unschedulable), invalid behaviour annotations reported as
//! Warning events, Endpoints following ready pods, cordoned nodes and pause/resume. Conditions are
//! awaited with timeouts.

mod common;
mod simcommon;

use common::wait_for;
use k8s_openapi::api::core::v1::{Pod, Service};
use kube::Api;
use kube::api::PostParams;
use rollouts_sandbox::ListOptions;
use rollouts_sandbox::registry::Gvr;
use serde_json::json;
use simcommon::*;

#[tokio::test]
async fn never_ready_pods_run_without_becoming_ready() {
    let sb = sim_sandbox(10.0).await;
    let api: Api<Pod> = Api::namespaced(sb.client(), "default");
    api.create(
        &PostParams::default(),
        &bare_pod("lame", json!({"sandbox.rollouts.dev/fail": "never-ready"})),
    )
    .await
    .unwrap();
    let running = wait_for("running", 10, || async {
        let p = get(&sb, &Gvr::core("pods"), "lame")?;
        (p["status"]["phase"] == "Running" && container(&p)["started"] == true).then_some(p)
    })
    .await;
    let since = (sb.store().clock())();
    assert!(!ready(&running));
    wait_for("ten sandbox seconds", 10, || async {
        ((sb.store().clock())() > since + jiff::SignedDuration::from_secs(10)).then_some(())
    })
    .await;
    let p = get(&sb, &Gvr::core("pods"), "lame").unwrap();
    assert!(!ready(&p) && container(&p)["ready"] == false, "{p}");
    let cond = p["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "Ready")
        .unwrap()
        .clone();
    assert_eq!(cond["reason"], "ContainersNotReady");
}

#[tokio::test]
async fn crash_looping_pods_restart_with_back_off() {
    let sb = sim_sandbox(10.0).await;
    let api: Api<Pod> = Api::namespaced(sb.client(), "default");
    api.create(
        &PostParams::default(),
        &bare_pod("crashy", json!({"sandbox.rollouts.dev/fail": "crash-loop"})),
    )
    .await
    .unwrap();
    let p = wait_for("two restarts, backing off", 20, || async {
        let p = get(&sb, &Gvr::core("pods"), "crashy")?;
        let c = container(&p);
        (c["restartCount"].as_i64() >= Some(2) && c["state"]["waiting"]["reason"] == "CrashLoopBackOff")
            .then_some(p)
    })
    .await;
    let c = container(&p);
    assert_eq!(c["lastState"]["terminated"]["exitCode"], 1);
    assert_eq!(c["lastState"]["terminated"]["reason"], "Error");
    assert!(
        c["state"]["waiting"]["message"]
            .as_str()
            .unwrap()
            .contains("back-off")
    );
    assert_eq!(p["status"]["phase"], "Running");
    assert!(!ready(&p));
}

#[tokio::test]
async fn image_pull_failures_back_off_and_stay_pending() {
    let sb = sim_sandbox(10.0).await;
    let api: Api<Pod> = Api::namespaced(sb.client(), "default");
    api.create(
        &PostParams::default(),
        &bare_pod("nopull", json!({"sandbox.rollouts.dev/fail": "image-pull"})),
    )
    .await
    .unwrap();
    let p = wait_for("ImagePullBackOff", 10, || async {
        let p = get(&sb, &Gvr::core("pods"), "nopull")?;
        (container(&p)["state"]["waiting"]["reason"] == "ImagePullBackOff").then_some(p)
    })
    .await;
    assert_eq!(p["status"]["phase"], "Pending");
    assert!(
        container(&p)["state"]["waiting"]["message"]
            .as_str()
            .unwrap()
            .contains("example/app:v1")
    );
}

#[tokio::test]
async fn unschedulable_pods_and_invalid_annotations_are_reported() {
    let sb = sim_sandbox(1.0).await;
    let api: Api<Pod> = Api::namespaced(sb.client(), "default");
    api.create(
        &PostParams::default(),
        &bare_pod("nowhere", json!({"sandbox.rollouts.dev/fail": "unschedulable"})),
    )
    .await
    .unwrap();
    let p = wait_for("PodScheduled=False", 10, || async {
        let p = get(&sb, &Gvr::core("pods"), "nowhere")?;
        let c = p["status"]["conditions"]
            .as_array()?
            .iter()
            .find(|c| c["type"] == "PodScheduled")?
            .clone();
        (c["status"] == "False").then_some((p, c))
    })
    .await;
    assert_eq!(p.1["reason"], "Unschedulable");
    assert!(p.0["spec"]["nodeName"].is_null());

    api.create(
        &PostParams::default(),
        &bare_pod("typo", json!({"sandbox.rollouts.dev/ready-after": "soon"})),
    )
    .await
    .unwrap();
    let ev = wait_for("a Warning event", 10, || async {
        let opts = ListOptions {
            namespace: Some("default".into()),
            field_selector: Some("involvedObject.name=typo".into()),
            ..ListOptions::default()
        };
        sb.store()
            .list(&Gvr::core("events"), &opts)
            .ok()?
            .items
            .into_iter()
            .next()
    })
    .await;
    assert_eq!(
        (ev["type"].as_str(), ev["reason"].as_str()),
        (Some("Warning"), Some("InvalidSandboxAnnotation"))
    );
    assert!(ev["message"].as_str().unwrap().contains("ready-after"), "{ev}");
    wait_for("the pod still becomes ready (default delay)", 10, || async {
        get(&sb, &Gvr::core("pods"), "typo").filter(ready)
    })
    .await;
}

#[tokio::test]
async fn endpoints_follow_ready_pods() {
    let sb = sim_sandbox(10.0).await;
    let svcs: Api<Service> = Api::namespaced(sb.client(), "default");
    let pods_api: Api<Pod> = Api::namespaced(sb.client(), "default");
    let svc = json!({"metadata": {"name": "web"}, "spec": {"selector": {"tier": "web"},
                     "ports": [{"name": "http", "port": 80, "targetPort": "http"}]}});
    svcs.create(&PostParams::default(), &typed(svc)).await.unwrap();
    for (n, ann) in [
        ("good", json!({})),
        ("lame", json!({"sandbox.rollouts.dev/fail": "never-ready"})),
    ] {
        let p = json!({"metadata": {"name": n, "labels": {"tier": "web"}, "annotations": ann},
                       "spec": {"containers": [{"name": "app", "image": "app:v1", "ports": [{"name": "http", "containerPort": 8080}]}]}});
        pods_api.create(&PostParams::default(), &typed(p)).await.unwrap();
    }
    let ep_gvr = Gvr::core("endpoints");
    let ep = wait_for("one ready and one unready address", 10, || async {
        let ep = get(&sb, &ep_gvr, "web")?;
        let s = &ep["subsets"][0];
        (s["addresses"].as_array()?.len() == 1 && s["notReadyAddresses"].as_array()?.len() == 1).then_some(ep)
    })
    .await;
    let s = &ep["subsets"][0];
    assert_eq!(s["addresses"][0]["targetRef"]["name"], "good");
    assert_eq!(s["notReadyAddresses"][0]["targetRef"]["name"], "lame");
    assert_eq!(
        s["ports"],
        json!([{"port": 8080, "protocol": "TCP", "name": "http"}])
    );
    let good_ip = get(&sb, &Gvr::core("pods"), "good").unwrap()["status"]["podIP"].clone();
    assert_eq!(s["addresses"][0]["ip"], good_ip);

    pods_api.delete("good", &Default::default()).await.unwrap();
    wait_for("no ready address", 10, || async {
        let ep = get(&sb, &ep_gvr, "web")?;
        (ep["subsets"][0].get("addresses").is_none()
            && ep["subsets"][0]["notReadyAddresses"].as_array()?.len() == 1)
            .then_some(())
    })
    .await;
    svcs.delete("web", &Default::default()).await.unwrap();
    wait_for("endpoints removed with the service", 10, || async {
        get(&sb, &ep_gvr, "web").is_none().then_some(())
    })
    .await;
}

#[tokio::test]
async fn cordoned_nodes_get_no_pods_and_pause_holds_the_controllers() {
    let sb = sim_sandbox(10.0).await;
    let nodes = Gvr::core("nodes");
    let patch = rollouts_sandbox::PatchBody::Merge(json!({"spec": {"unschedulable": true}}));
    sb.store()
        .patch(&nodes, None, "sandbox-node-1", &patch, &Default::default())
        .unwrap();
    let sim = sb.simulator().unwrap();
    sim.pause();
    assert!(sim.is_paused());
    sb.store()
        .create(
            &rs_gvr(),
            Some("default"),
            replica_set("cordon", 3, json!({})),
            &Default::default(),
        )
        .unwrap();
    sim.resume();
    let p = wait_for("three ready pods", 10, || async {
        let p = pods(&sb, "app=cordon");
        (p.len() == 3 && p.iter().all(ready)).then_some(p)
    })
    .await;
    assert!(
        p.iter().all(|p| p["spec"]["nodeName"] == "sandbox-node-2"),
        "a cordoned node gets no pod"
    );
}

#[tokio::test]
async fn graceful_deletion_keeps_pods_terminating_for_the_termination_delay() {
    let simulation = rollouts_sandbox::SimConfig {
        time_scale: 10.0,
        termination_delay: std::time::Duration::from_secs(5),
        traffic: None,
        ..rollouts_sandbox::SimConfig::default()
    };
    let store = rollouts_sandbox::StoreConfig {
        graceful_pod_deletion: true,
        ..Default::default()
    };
    let config = rollouts_sandbox::SandboxConfig {
        simulation: Some(simulation),
        store,
        ..Default::default()
    };
    let sb = rollouts_sandbox::Sandbox::start(config).await.unwrap();
    let api: Api<Pod> = Api::namespaced(sb.client(), "default");
    api.create(&PostParams::default(), &bare_pod("bye", json!({})))
        .await
        .unwrap();
    wait_for("ready", 10, || async {
        get(&sb, &Gvr::core("pods"), "bye").filter(ready)
    })
    .await;
    let mut watch = sb
        .store()
        .watch(
            &Gvr::core("pods"),
            &rollouts_sandbox::WatchOptions {
                resource_version: Some(sb.store().resource_version().to_string()),
                ..Default::default()
            },
        )
        .unwrap();
    api.delete("bye", &Default::default()).await.unwrap();
    let mut terminating_at = None;
    common::within("the pod to go", 10, async {
        while let Some(ev) = watch.next().await {
            match ev {
                rollouts_sandbox::WatchEvent::Modified(p)
                    if p["metadata"]["deletionTimestamp"].is_string() =>
                {
                    terminating_at.get_or_insert((sb.store().clock())());
                }
                rollouts_sandbox::WatchEvent::Deleted(_) => return,
                _ => {}
            }
        }
    })
    .await;
    let since = terminating_at.expect("a MODIFIED event with deletionTimestamp came first");
    let now = (sb.store().clock())();
    assert!(
        now >= since + jiff::SignedDuration::from_millis(4500),
        "removed after {}",
        now - since
    );
}
