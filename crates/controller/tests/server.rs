//! `/healthz` and `/metrics` scraped over HTTP: Argo's metric names and labels, filled by a controller
//! reconciling against the sandbox through a request-counting client.

mod common;

use std::net::SocketAddr;

use common::{
    Scripted, create_rollout, http_get, patch_status, rollout, sandbox, settings, start_with, wait_for,
};
use rollouts_controller::metrics::Metrics;
use rollouts_controller::{RolloutController, client, server};
use rollouts_core::{Action, EventType, Plan, TrafficAction};
use serde_json::json;
use tokio_util::sync::CancellationToken;

fn any_port() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

#[tokio::test]
async fn healthz_answers_ok() {
    let stop = CancellationToken::new();
    let servers = server::start(any_port(), any_port(), Metrics::new(), stop.clone())
        .await
        .unwrap();
    assert_eq!(
        http_get(servers.healthz, "/healthz").await,
        (200, "ok".to_string())
    );
    assert_eq!(
        http_get(servers.healthz, "/metrics").await.0,
        404,
        "metrics live on their own port"
    );
    stop.cancel();
    common::within("servers stop", 10, servers.wait()).await;
}

#[tokio::test]
async fn metrics_carry_argo_names_and_labels() {
    let sb = sandbox().await;
    create_rollout(&sb, &rollout("web")).await;
    patch_status(
        &sb,
        "web",
        json!({"replicas": 3, "availableReplicas": 2, "updatedReplicas": 1,
               "conditions": [{"type": "Progressing", "status": "True", "reason": "RolloutPaused", "message": "paused"}]}),
    )
    .await;
    create_rollout(&sb, &rollout("broken")).await;
    let planner = Scripted::new(|s, n| {
        let mut plan = Plan::default();
        if s.rollout.metadata.name.as_deref() == Some("broken") {
            // No traffic router is configured: this reconcile fails.
            plan.push(Action::Traffic(TrafficAction::RemoveManagedRoutes));
        } else if n == 0 {
            plan.event(
                EventType::Normal,
                "RolloutPaused",
                "Rollout is paused (CanaryPauseStep)",
            );
        }
        plan
    });
    let metrics = Metrics::new();
    let config = client::load_config(Some(sb.kubeconfig_path())).await.unwrap();
    let counted = client::build_client(config, &metrics, client::RateLimiter::new(1000.0, 1000)).unwrap();
    let ctl = start_with(
        RolloutController::new(counted, settings(), planner.planner()).with_metrics(metrics.clone()),
    );
    let stop = CancellationToken::new();
    let servers = server::start(any_port(), any_port(), metrics, stop.clone())
        .await
        .unwrap();
    wait_for("both rollouts reconciled", 20, || async {
        (planner.count("web") >= 1 && planner.count("broken") >= 1).then_some(())
    })
    .await;
    let body = wait_for("the error and the event are counted", 20, || async {
        let (status, body) = http_get(servers.metrics, "/metrics").await;
        assert_eq!(status, 200);
        (body.contains(r#"rollout_reconcile_error{namespace="default",name="broken"}"#)
            && body.contains("rollout_events_total{"))
        .then_some(body)
    })
    .await;
    for line in [
        r#"rollout_info{namespace="default",name="web",strategy="canary",traffic_router="",phase="Paused"} 1"#,
        r#"rollout_info{namespace="default",name="broken",strategy="canary",traffic_router="",phase="Progressing"} 1"#,
        r#"rollout_info_replicas_available{namespace="default",name="web"} 2"#,
        r#"rollout_info_replicas_unavailable{namespace="default",name="web"} 1"#,
        r#"rollout_info_replicas_desired{namespace="default",name="web"} 2"#,
        r#"rollout_info_replicas_updated{namespace="default",name="web"} 1"#,
        r#"rollout_phase{namespace="default",name="web",strategy="canary",phase="Paused"} 1"#,
        r#"rollout_phase{namespace="default",name="web",strategy="canary",phase="Completed"} 0"#,
        r#"rollout_events_total{namespace="default",name="web",type="Normal",reason="RolloutPaused"} 1"#,
        r#"rollout_reconcile_bucket{le="0.15",namespace="default",name="web"}"#,
        r#"rollout_reconcile_bucket{le="1.0",namespace="default",name="web"}"#,
        "# TYPE rollout_reconcile histogram",
        "# TYPE rollout_reconcile_error unknown",
        r#"argo_rollouts_controller_info{version="v0.1.0"} 1"#,
        r#"controller_clientset_k8s_request_total{kind="rollouts",namespace="",name="N/A",verb="List",status_code="200"}"#,
        r#"controller_clientset_k8s_request_total{kind="events",namespace="default",name="N/A",verb="Create",status_code="201"} 1"#,
    ] {
        assert!(body.contains(line), "missing {line}\n{body}");
    }
    assert!(body.ends_with("# EOF\n"), "an OpenMetrics exposition");
    ctl.stop().await;
    let (_, after) = http_get(servers.metrics, "/metrics").await;
    assert!(
        !after.contains("rollout_info{"),
        "a stopped controller reports no rollouts"
    );
    stop.cancel();
    common::within("servers stop", 10, servers.wait()).await;
}
