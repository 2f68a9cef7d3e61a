//! The controller with the `rollouts-core` planner against the simulated sandbox: a rollout naming a
//! Service that does not exist is Degraded with Argo's `InvalidSpec` condition, and creating the Service
//! wakes it (the Service watch, well before the 20 s InvalidSpec requeue) and lets it progress.

mod common;

use common::{settings, start_with, wait_for};
use k8s_openapi::api::core::v1::Service;
use kube::Api;
use kube::api::PostParams;
use rollouts_api::Rollout;
use rollouts_api::enums::RolloutConditionType;
use rollouts_controller::RolloutController;
use rollouts_sandbox::{Sandbox, SandboxConfig, SimConfig};
use serde_json::{Value, json};

async fn simulated_sandbox() -> Sandbox {
    let sb = Sandbox::start(SandboxConfig {
        simulation: Some(SimConfig {
            traffic: None,
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

fn rollout(name: &str, strategy: Value) -> Rollout {
    serde_json::from_value(json!({
        "apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}},
                         "spec": {"containers": [{"name": "c", "image": "nginx"}]}},
            "strategy": strategy
        }
    }))
    .expect("rollout fixture")
}

fn service(name: &str, app: &str) -> Service {
    serde_json::from_value(json!({"metadata": {"name": name, "namespace": "default"},
        "spec": {"selector": {"app": app}, "ports": [{"port": 80}]}}))
    .expect("service fixture")
}

/// (phase, message, the InvalidSpec condition's message) of a stored rollout.
fn observed(ro: &Rollout) -> (String, String, Option<String>) {
    let status = ro.status.clone().unwrap_or_default();
    let invalid = status
        .conditions
        .iter()
        .find(|c| c.type_ == Some(RolloutConditionType::InvalidSpec))
        .map(|c| c.message.clone());
    let phase = status.phase.map(|p| p.to_string()).unwrap_or_default();
    (phase, status.message, invalid)
}

async fn wait_invalid_spec(rollouts: &Api<Rollout>, name: &str) -> (String, String, String) {
    wait_for("the InvalidSpec condition", 30, || async {
        let ro = rollouts.get(name).await.ok()?;
        let (phase, message, invalid) = observed(&ro);
        invalid.map(|i| (phase, message, i))
    })
    .await
}

#[tokio::test]
async fn a_missing_stable_service_is_invalid_spec_until_it_is_created() {
    let sb = simulated_sandbox().await;
    let services: Api<Service> = Api::namespaced(sb.client(), "default");
    services
        .create(&PostParams::default(), &service("web-canary", "web"))
        .await
        .expect("create the canary Service");
    let rollouts: Api<Rollout> = Api::namespaced(sb.client(), "default");
    let strategy = json!({"canary": {"canaryService": "web-canary", "stableService": "web-stable",
        "steps": [{"setWeight": 50}, {"pause": {}}]}});
    rollouts
        .create(&PostParams::default(), &rollout("web", strategy))
        .await
        .expect("create the rollout");
    let running = start_with(RolloutController::new(
        sb.client(),
        settings(),
        rollouts_core::planner::plan,
    ));

    let expected = r#"The Rollout "web" is invalid: spec.strategy.canary.stableService: Invalid value: "web-stable": service "web-stable" not found"#;
    let (phase, message, invalid) = wait_invalid_spec(&rollouts, "web").await;
    assert_eq!(invalid, expected);
    assert_eq!(phase, "Degraded");
    assert_eq!(message, format!("InvalidSpec: {expected}"));
    let ro = rollouts.get("web").await.expect("get");
    assert!(
        ro.status.unwrap_or_default().current_pod_hash.is_empty(),
        "nothing is deployed while the spec is invalid"
    );

    services
        .create(&PostParams::default(), &service("web-stable", "web"))
        .await
        .expect("create the stable Service");
    // The Service event wakes the rollout: the condition goes well before the 20 s InvalidSpec requeue.
    wait_for("the InvalidSpec condition removed", 15, || async {
        let ro = rollouts.get("web").await.ok()?;
        observed(&ro).2.is_none().then_some(())
    })
    .await;
    wait_for("Healthy with 2 available pods", 60, || async {
        let ro = rollouts.get("web").await.ok()?;
        let st = ro.status.clone()?;
        (observed(&ro).0 == "Healthy" && st.available_replicas == 2 && !st.stable_rs.is_empty()).then_some(())
    })
    .await;
    let stable = services.get("web-stable").await.expect("get the stable Service");
    assert!(
        stable
            .spec
            .and_then(|s| s.selector)
            .is_some_and(|s| s.contains_key("rollouts-pod-template-hash")),
        "the stable Service now selects the stable ReplicaSet"
    );
    running.stop().await;
}

#[tokio::test]
async fn a_missing_active_service_makes_a_blue_green_rollout_invalid_spec() {
    let sb = simulated_sandbox().await;
    let rollouts: Api<Rollout> = Api::namespaced(sb.client(), "default");
    let strategy = json!({"blueGreen": {"activeService": "bg-active", "previewService": "bg-preview"}});
    rollouts
        .create(&PostParams::default(), &rollout("bg", strategy))
        .await
        .expect("create the rollout");
    let running = start_with(RolloutController::new(
        sb.client(),
        settings(),
        rollouts_core::planner::plan,
    ));
    let expected = r#"The Rollout "bg" is invalid: spec.strategy.blueGreen.activeService: Invalid value: "bg-active": service "bg-active" not found"#;
    let (phase, message, invalid) = wait_invalid_spec(&rollouts, "bg").await;
    assert_eq!(invalid, expected);
    assert_eq!(phase, "Degraded");
    assert_eq!(message, format!("InvalidSpec: {expected}"));

    // With the active Service only, the preview Service is the one reported.
    let services: Api<Service> = Api::namespaced(sb.client(), "default");
    services
        .create(&PostParams::default(), &service("bg-active", "bg"))
        .await
        .expect("create the active Service");
    let preview = r#"The Rollout "bg" is invalid: spec.strategy.blueGreen.previewService: Invalid value: "bg-preview": service "bg-preview" not found"#;
    wait_for("the preview Service reported", 15, || async {
        let ro = rollouts.get("bg").await.ok()?;
        (observed(&ro).2.as_deref() == Some(preview)).then_some(())
    })
    .await;
    running.stop().await;
}
