//! Helpers of the end-to-end tests that run the real controller (with the `rollouts-core` planner)
//! against the sandbox's simulated cluster: the sandbox, the controller, objects created through the
//! store, writes retried through injected faults, and short views of ReplicaSets and phases.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::ReplicaSet;
use kube::api::{ListParams, Patch, PatchParams};
use kube::{Api, ResourceExt};
use rollouts_api::Rollout;
use rollouts_controller::RolloutController;
use rollouts_sandbox::{Sandbox, SandboxConfig, SimConfig};
use serde_json::Value;

use super::{Running, settings, start_with, wait_for};

/// A sandbox with the simulated cluster (no traffic) and our CRDs.
pub async fn simulated_sandbox() -> Sandbox {
    simulated_sandbox_with(None).await
}

/// A sandbox with the simulated cluster, the traffic simulator configured by `traffic`, and our CRDs.
pub async fn simulated_sandbox_with(traffic: Option<rollouts_sandbox::traffic::TrafficConfig>) -> Sandbox {
    let sb = Sandbox::start(SandboxConfig {
        simulation: Some(SimConfig {
            traffic,
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

/// The controller with the rollouts-core planner, in-process.
pub fn start_controller(client: kube::Client) -> Running {
    start_with(RolloutController::new(
        client,
        settings(),
        rollouts_core::planner::plan,
    ))
}

/// Creates `ro` through the store (as `kubectl apply` would, but never hit by an injected fault).
pub fn create(sb: &Sandbox, ro: &Rollout) {
    let json = serde_json::to_string(ro).expect("rollout JSON");
    sb.apply_yaml(&ro.name_any(), &json).expect("create the rollout");
}

/// ReplicaSets in `default` by pod-template hash: (spec replicas, available replicas).
pub async fn replica_sets(sb: &Sandbox) -> BTreeMap<String, (i32, i32)> {
    let rss: Api<ReplicaSet> = Api::namespaced(sb.client(), "default");
    rss.list(&ListParams::default())
        .await
        .expect("list ReplicaSets")
        .items
        .into_iter()
        .map(|rs| {
            let hash = rs
                .labels()
                .get("rollouts-pod-template-hash")
                .cloned()
                .unwrap_or_default();
            let spec = rs.spec.replicas.unwrap_or(0);
            let available = rs.status.as_ref().and_then(|s| s.available_replicas).unwrap_or(0);
            (hash, (spec, available))
        })
        .collect()
}

/// `status.phase` as a string (empty without one).
pub fn phase(ro: &Rollout) -> String {
    ro.status
        .as_ref()
        .and_then(|s| s.phase.as_ref())
        .map(|p| p.to_string())
        .unwrap_or_default()
}

/// The rollout `name` in `default`, if it can be read.
pub async fn get(sb: &Sandbox, name: &str) -> Option<Rollout> {
    let rollouts: Api<Rollout> = Api::namespaced(sb.client(), "default");
    rollouts.get(name).await.ok()
}

/// Merge-patches the rollout `name` (its `status` subresource with `status`), retrying while a write
/// fails (the chaos tests inject write errors into every client's writes, the test's too).
pub async fn merge_patch(sb: &Sandbox, name: &str, status: bool, patch: Value) {
    let rollouts: Api<Rollout> = Api::namespaced(sb.client(), "default");
    let pp = PatchParams::default();
    let what = format!("the patch {patch} of {name} is accepted");
    wait_for(&what, 30, || async {
        let merge = Patch::Merge(&patch);
        if status {
            rollouts.patch_status(name, &pp, &merge).await.ok()
        } else {
            rollouts.patch(name, &pp, &merge).await.ok()
        }
    })
    .await;
}
