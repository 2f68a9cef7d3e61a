//! End to end: the real controller with the `rollouts-core` planner against the sandbox's simulated
//! cluster, driving the blue-green rollout of `examples/bluegreen.yaml` (3 replicas, an active and a
//! preview Service, auto-promotion disabled): the pause with the preview on the new pods and the active
//! Service (and so its traffic, through the sandbox's traffic simulator) on the old ones, `promote --full`
//! and the old ReplicaSet's scale-down after `scaleDownDelaySeconds`, an abort, `autoPromotionSeconds`,
//! and `previewReplicaCount`.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use common::{settings, start_with, wait_for};
use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::api::core::v1::Service;
use kube::api::{ListParams, Patch, PatchParams};
use kube::{Api, ResourceExt};
use rollouts_api::Rollout;
use rollouts_controller::RolloutController;
use rollouts_sandbox::traffic::TrafficConfig;
use rollouts_sandbox::traffic::route::Request;
use rollouts_sandbox::{Sandbox, SandboxConfig, SimConfig};
use serde_json::json;

const NAME: &str = "demo-bluegreen";
const ACTIVE: &str = "demo-bluegreen";
const PREVIEW: &str = "demo-bluegreen-preview";
const HASH_LABEL: &str = "rollouts-pod-template-hash";

async fn simulated_sandbox() -> Sandbox {
    let sb = Sandbox::start(SandboxConfig {
        simulation: Some(SimConfig {
            traffic: Some(TrafficConfig {
                service_rps: 0.0,
                host_rps: 0.0,
                ..TrafficConfig::default()
            }),
            ..SimConfig::default()
        }),
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox starts");
    for (name, yaml) in rollouts_api::crd::crd_files().expect("CRDs render") {
        sb.apply_yaml(name, &yaml).expect("install our CRD");
    }
    sb
}

/// `examples/bluegreen.yaml` with `strategy` lines replaced: each `(from, to)` pair is a textual edit.
fn example_yaml(edits: &[(&str, &str)]) -> String {
    let mut yaml =
        std::fs::read_to_string(rollouts_testkit::workspace_root().join("examples/bluegreen.yaml"))
            .expect("examples/bluegreen.yaml");
    for (from, to) in edits {
        assert!(yaml.contains(from), "the example has {from:?}");
        yaml = yaml.replace(from, to);
    }
    yaml
}

/// The cluster under test: the sandbox, the controller, and typed clients.
struct Env {
    sb: Sandbox,
    running: Option<common::Running>,
    rollouts: Api<Rollout>,
    rss: Api<ReplicaSet>,
    services: Api<Service>,
}

impl Env {
    async fn start(edits: &[(&str, &str)]) -> Env {
        let sb = simulated_sandbox().await;
        sb.apply_yaml("examples/bluegreen.yaml", &example_yaml(edits))
            .expect("apply the example");
        let client = sb.client();
        let running = start_with(RolloutController::new(
            client.clone(),
            settings(),
            rollouts_core::planner::plan,
        ));
        Env {
            sb,
            running: Some(running),
            rollouts: Api::namespaced(client.clone(), "default"),
            rss: Api::namespaced(client.clone(), "default"),
            services: Api::namespaced(client, "default"),
        }
    }

    async fn stop(mut self) {
        if let Some(running) = self.running.take() {
            running.stop().await;
        }
    }

    async fn rollout(&self) -> Option<Rollout> {
        self.rollouts.get(NAME).await.ok()
    }

    /// ReplicaSets by pod-template hash: (spec replicas, available replicas).
    async fn replica_sets(&self) -> BTreeMap<String, (i32, i32)> {
        self.rss
            .list(&ListParams::default())
            .await
            .expect("list ReplicaSets")
            .items
            .into_iter()
            .map(|rs| {
                let hash = rs.labels().get(HASH_LABEL).cloned().unwrap_or_default();
                let spec = rs.spec.replicas.unwrap_or(0);
                let available = rs.status.as_ref().and_then(|s| s.available_replicas).unwrap_or(0);
                (hash, (spec, available))
            })
            .collect()
    }

    /// The hash a Service selects.
    async fn selected(&self, service: &str) -> String {
        let svc = self.services.get(service).await.expect("service");
        svc.spec
            .and_then(|s| s.selector)
            .and_then(|s| s.get(HASH_LABEL).cloned())
            .unwrap_or_default()
    }

    /// The image tags of the pods answering 50 requests sent to the Service (through the traffic
    /// simulator); every request must be answered.
    fn versions_behind(&self, service: &str) -> BTreeSet<String> {
        let traffic = self.sb.traffic().expect("traffic simulator");
        let answers = traffic.send_many(&Request::new(&format!("{service}.default"), "/"), 50);
        answers
            .into_iter()
            .map(|a| {
                assert_eq!(a.status, 200, "{service} answered {a:?}");
                a.version.unwrap_or_default()
            })
            .collect()
    }

    async fn set_image(&self, tag: &str) {
        let patch = json!({"spec": {"template": {"spec": {"containers": [
            {"name": "app", "image": format!("argoproj/rollouts-demo:{tag}"),
             "ports": [{"name": "http", "containerPort": 8080}]}
        ]}}}});
        self.rollouts
            .patch(NAME, &PatchParams::default(), &Patch::Merge(&patch))
            .await
            .expect("set image");
    }

    /// A status patch, as the plugin sends it (`promote`, `promote --full`, `abort`).
    async fn patch_status(&self, patch: serde_json::Value) {
        self.rollouts
            .patch_status(NAME, &PatchParams::default(), &Patch::Merge(&patch))
            .await
            .expect("status patch");
    }

    /// Waits for the phase on the revision `hash` (any revision when empty); the rollout then.
    async fn phase_on(&self, phase: &str, hash: &str, what: &str) -> Rollout {
        wait_for(what, 90, || async {
            let ro = self.rollout().await?;
            let st = ro.status.as_ref()?;
            let on_hash = hash.is_empty() || st.current_pod_hash == hash;
            (phase_of(&ro) == phase && on_hash && st.observed_generation == generation(&ro)).then_some(ro)
        })
        .await
    }

    /// Waits for the first revision Healthy behind the active Service; its hash.
    async fn first_revision_healthy(&self) -> String {
        let ro = self.phase_on("Healthy", "", "the first revision Healthy").await;
        let st = ro.status.expect("status");
        assert_eq!(st.stable_rs, st.current_pod_hash);
        assert_eq!(st.blue_green.active_selector, st.stable_rs);
        assert_eq!(self.selected(ACTIVE).await, st.stable_rs);
        assert_eq!(self.versions_behind(ACTIVE), BTreeSet::from(["blue".to_owned()]));
        st.stable_rs
    }

    /// Updates the image and waits for the blue-green pause on the new revision; its hash.
    async fn update_and_pause(&self, tag: &str, stable: &str) -> String {
        self.set_image(tag).await;
        let ro = wait_for("paused on a new revision", 90, || async {
            let ro = self.rollout().await?;
            let st = ro.status.as_ref()?;
            (phase_of(&ro) == "Paused" && st.current_pod_hash != stable && !st.current_pod_hash.is_empty())
                .then_some(ro)
        })
        .await;
        let st = ro.status.expect("status");
        assert_eq!(st.message, "BlueGreenPause");
        st.current_pod_hash
    }
}

fn phase_of(ro: &Rollout) -> String {
    ro.status
        .as_ref()
        .and_then(|s| s.phase.as_ref())
        .map(|p| p.to_string())
        .unwrap_or_default()
}

fn generation(ro: &Rollout) -> String {
    ro.metadata.generation.unwrap_or(0).to_string()
}

#[tokio::test]
async fn the_active_service_keeps_the_old_pods_until_promote_full_then_the_old_ones_go_after_the_delay() {
    let env = Env::start(&[("scaleDownDelaySeconds: 30", "scaleDownDelaySeconds: 3")]).await;
    let blue = env.first_revision_healthy().await;

    let green = env.update_and_pause("green", &blue).await;
    let sets = env.replica_sets().await;
    assert_eq!(sets.get(&green), Some(&(3, 3)), "{sets:?}");
    assert_eq!(sets.get(&blue), Some(&(3, 3)), "{sets:?}");
    assert_eq!(env.selected(PREVIEW).await, green);
    assert_eq!(env.selected(ACTIVE).await, blue);
    assert_eq!(env.versions_behind(ACTIVE), BTreeSet::from(["blue".to_owned()]));
    assert_eq!(env.versions_behind(PREVIEW), BTreeSet::from(["green".to_owned()]));

    // `kubectl argo rollouts promote --full`.
    env.patch_status(json!({"status": {"promoteFull": true}})).await;
    wait_for("the active Service on the new pods", 60, || async {
        (env.selected(ACTIVE).await == green).then_some(())
    })
    .await;
    let switched = Instant::now();
    assert_eq!(env.versions_behind(ACTIVE), BTreeSet::from(["green".to_owned()]));
    let ro = env
        .phase_on("Healthy", &green, "Healthy on the new revision")
        .await;
    let st = ro.status.expect("status");
    assert_eq!((st.stable_rs.as_str(), st.promote_full), (green.as_str(), false));

    // The old ReplicaSet waits out its scale-down delay with its pods, then goes to 0.
    let old = env
        .rss
        .get(&format!("{NAME}-{blue}"))
        .await
        .expect("old ReplicaSet");
    assert_eq!(old.spec.replicas, Some(3), "kept during the delay");
    assert!(
        old.annotations().contains_key("scale-down-deadline"),
        "{:?}",
        old.annotations()
    );
    wait_for("the old ReplicaSet scaled to 0", 60, || async {
        (env.replica_sets().await.get(&blue) == Some(&(0, 0))).then_some(())
    })
    .await;
    let waited = switched.elapsed().as_secs_f64();
    assert!(
        waited >= 2.0,
        "scaled down {waited:.1}s after the switch, before the 3 s delay"
    );
    env.stop().await;
}

#[tokio::test]
async fn abort_before_promotion_keeps_the_active_on_stable_and_the_stable_image_is_healthy_at_once() {
    let env = Env::start(&[(
        "scaleDownDelaySeconds: 30",
        "scaleDownDelaySeconds: 30\n      abortScaleDownDelaySeconds: 1",
    )])
    .await;
    let blue = env.first_revision_healthy().await;
    let green = env.update_and_pause("green", &blue).await;

    // `kubectl argo rollouts abort`.
    env.patch_status(json!({"status": {"abort": true}})).await;
    let ro = env.phase_on("Degraded", &green, "Degraded after the abort").await;
    let st = ro.status.expect("status");
    assert_eq!(st.message, "RolloutAborted: Rollout aborted update to revision 2");
    assert!(st.pause_conditions.is_empty());
    assert_eq!(env.selected(ACTIVE).await, blue);
    assert_eq!(env.versions_behind(ACTIVE), BTreeSet::from(["blue".to_owned()]));
    // As in Argo, the preview Service keeps selecting the aborted revision, scaled down after the
    // abort delay.
    wait_for("the aborted ReplicaSet scaled to 0", 60, || async {
        (env.replica_sets().await.get(&green) == Some(&(0, 0))).then_some(())
    })
    .await;
    assert_eq!(env.replica_sets().await.get(&blue), Some(&(3, 3)));

    // Setting the image back to the stable one: Healthy at once, no new ReplicaSet.
    let before = env.replica_sets().await.len();
    env.set_image("blue").await;
    let ro = env
        .phase_on("Healthy", &blue, "Healthy on the stable revision")
        .await;
    let st = ro.status.expect("status");
    assert_eq!((st.stable_rs.as_str(), st.abort), (blue.as_str(), false));
    assert_eq!(env.replica_sets().await.len(), before, "no new ReplicaSet");
    assert_eq!(env.selected(ACTIVE).await, blue);
    wait_for("the preview back on the stable revision", 30, || async {
        (env.selected(PREVIEW).await == blue).then_some(())
    })
    .await;
    env.stop().await;
}

#[tokio::test]
async fn auto_promotion_seconds_promotes_by_itself() {
    let env = Env::start(&[("autoPromotionEnabled: false", "autoPromotionSeconds: 2")]).await;
    let blue = env.first_revision_healthy().await;
    let green = env.update_and_pause("green", &blue).await;
    let paused = Instant::now();
    assert_eq!(env.selected(ACTIVE).await, blue);
    let ro = env.phase_on("Healthy", &green, "promoted by itself").await;
    assert!(
        paused.elapsed().as_secs_f64() >= 1.0,
        "promoted before autoPromotionSeconds"
    );
    assert_eq!(ro.status.expect("status").stable_rs, green);
    assert_eq!(env.selected(ACTIVE).await, green);
    assert_eq!(env.versions_behind(ACTIVE), BTreeSet::from(["green".to_owned()]));
    env.stop().await;
}

#[tokio::test]
async fn preview_replica_count_runs_a_smaller_preview_then_scales_up_before_the_switch() {
    let env = Env::start(&[(
        "autoPromotionEnabled: false",
        "autoPromotionEnabled: false\n      previewReplicaCount: 1",
    )])
    .await;
    let blue = env.first_revision_healthy().await;
    let green = env.update_and_pause("green", &blue).await;
    let sets = env.replica_sets().await;
    assert_eq!(
        (sets.get(&blue), sets.get(&green)),
        (Some(&(3, 3)), Some(&(1, 1)))
    );
    assert_eq!(env.versions_behind(PREVIEW), BTreeSet::from(["green".to_owned()]));

    // `kubectl argo rollouts promote`: the new ReplicaSet is scaled to 3 before the active switch.
    env.patch_status(json!({"status": {"pauseConditions": null}}))
        .await;
    let at_switch = wait_for("the active Service switched", 60, || async {
        let sets = env.replica_sets().await;
        (env.selected(ACTIVE).await == green).then(|| sets.get(&green).copied())
    })
    .await;
    assert_eq!(
        at_switch,
        Some((3, 3)),
        "the switch waited for the full new ReplicaSet"
    );
    let ro = env
        .phase_on("Healthy", &green, "Healthy on the new revision")
        .await;
    let st = ro.status.expect("status");
    assert!(!st.blue_green.scale_up_preview_check_point);
    env.stop().await;
}

/// The `role` label of the running pods by pod-template hash.
async fn roles(env: &Env) -> BTreeMap<String, BTreeSet<String>> {
    let pods: Api<k8s_openapi::api::core::v1::Pod> = Api::namespaced(env.sb.client(), "default");
    let mut roles: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for pod in pods.list(&ListParams::default()).await.expect("pods").items {
        if pod.metadata.deletion_timestamp.is_some() {
            continue;
        }
        let labels = pod.labels();
        let hash = labels.get(HASH_LABEL).cloned().unwrap_or_default();
        let role = labels.get("role").cloned().unwrap_or_default();
        roles.entry(hash).or_default().insert(role);
    }
    roles
}

#[tokio::test]
async fn active_and_preview_metadata_follow_the_pods_through_an_update() {
    let env = Env::start(&[(
        "scaleDownDelaySeconds: 30",
        "scaleDownDelaySeconds: 1\n      activeMetadata:\n        labels:\n          role: active\n      \
         previewMetadata:\n        labels:\n          role: preview",
    )])
    .await;
    let blue = env.first_revision_healthy().await;
    let only = |role: &str| BTreeSet::from([role.to_owned()]);
    wait_for("the first pods labelled active", 30, || async {
        (roles(&env).await.get(&blue) == Some(&only("active"))).then_some(())
    })
    .await;

    let green = env.update_and_pause("green", &blue).await;
    wait_for("new pods labelled preview, old ones active", 30, || async {
        let roles = roles(&env).await;
        (roles.get(&green) == Some(&only("preview")) && roles.get(&blue) == Some(&only("active")))
            .then_some(())
    })
    .await;

    env.patch_status(json!({"status": {"pauseConditions": null}}))
        .await;
    env.phase_on("Healthy", &green, "Healthy on the new revision")
        .await;
    wait_for(
        "the promoted pods relabelled active, the old ones gone",
        60,
        || async {
            let roles = roles(&env).await;
            (roles.get(&green) == Some(&only("active")) && !roles.contains_key(&blue)).then_some(())
        },
    )
    .await;
    env.stop().await;
}
