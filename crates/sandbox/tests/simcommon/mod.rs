//! Helpers of the simulated-cluster tests (`sim_pods.rs`, `sim_workloads.rs`): a sandbox with the
//! simulation on (traffic off), typed manifests, and reading pods and statuses from the store.
#![allow(dead_code)]

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::Pod;
use rollouts_sandbox::registry::Gvr;
use rollouts_sandbox::{ListOptions, Sandbox, SandboxConfig, SimConfig};
use serde_json::{Value, json};

pub async fn sim_sandbox(time_scale: f64) -> Sandbox {
    let simulation = SimConfig {
        time_scale,
        traffic: None,
        ..SimConfig::default()
    };
    Sandbox::start(SandboxConfig {
        simulation: Some(simulation),
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox starts")
}

pub fn typed<T: serde::de::DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).expect("valid manifest")
}

pub fn pods(sb: &Sandbox, selector: &str) -> Vec<Value> {
    let opts = ListOptions {
        namespace: Some("default".into()),
        label_selector: Some(selector.into()),
        ..ListOptions::default()
    };
    sb.store()
        .list(&Gvr::core("pods"), &opts)
        .expect("list pods")
        .items
}

pub fn get(sb: &Sandbox, gvr: &Gvr, name: &str) -> Option<Value> {
    sb.store().get(gvr, Some("default"), name).ok()
}

pub fn rs_gvr() -> Gvr {
    Gvr::new("apps", "v1", "replicasets")
}

pub fn name(v: &Value) -> String {
    v["metadata"]["name"].as_str().unwrap_or_default().to_string()
}

pub fn ready(p: &Value) -> bool {
    p["status"]["conditions"]
        .as_array()
        .is_some_and(|cs| cs.iter().any(|c| c["type"] == "Ready" && c["status"] == "True"))
}

pub fn names(pods: &[Value]) -> BTreeSet<String> {
    pods.iter().map(name).collect()
}

pub fn replica_set(name: &str, replicas: i64, annotations: Value) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {"name": name, "labels": {"app": name, "pod-template-hash": "h1"}},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                 "template": {"metadata": {"labels": {"app": name}, "annotations": annotations},
                              "spec": {"containers": [{"name": "app", "image": "argoproj/rollouts-demo:blue"}]}}}
    })
}

pub fn status_of(v: &Option<Value>, field: &str) -> i64 {
    v.as_ref().and_then(|v| v["status"][field].as_i64()).unwrap_or(-1)
}

pub fn bare_pod(name: &str, annotations: Value) -> Pod {
    typed(
        json!({"metadata": {"name": name, "labels": {"app": name}, "annotations": annotations},
                 "spec": {"containers": [{"name": "app", "image": "example/app:v1"}]}}),
    )
}

pub fn container(p: &Value) -> &Value {
    &p["status"]["containerStatuses"][0]
}
