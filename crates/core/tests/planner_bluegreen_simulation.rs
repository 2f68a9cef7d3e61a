//! Blue-green simulations: the planner driving the tiny pure cluster of `planner_support` tick by tick
//! (see `planner_support::sim`). A 3-replica blue-green rollout with an active and a preview Service:
//! the initial deploy, an update held at the blue-green pause (preview on the new pods, active on the old
//! ones), promotion and the old ReplicaSet's scale-down after `scaleDownDelaySeconds`,
//! `autoPromotionSeconds`, `previewReplicaCount`, an abort, and auto-promotion. Every tick checks that the
//! active Service selects a ReplicaSet with available pods once it selects one at all.

mod planner_support;

use jiff::SignedDuration;
use k8s_openapi::api::core::v1::Service;
use planner_support::sim::*;
use planner_support::*;
use pretty_assertions::assert_eq;
use rollouts_api::Rollout;
use rollouts_api::enums::{PauseReason, RolloutPhase};
use rollouts_api::keys::SCALE_DOWN_DEADLINE_ANNOTATION;

const BLUE_GREEN_YAML: &str = r#"
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: demo-bg
  namespace: default
  uid: 9a1c-demo-bg
  generation: 1
spec:
  replicas: 3
  revisionHistoryLimit: 2
  selector:
    matchLabels:
      app: demo-bg
  template:
    metadata:
      labels:
        app: demo-bg
    spec:
      containers:
        - name: app
          image: argoproj/rollouts-demo:blue
  strategy:
    blueGreen:
      activeService: demo-bg-active
      previewService: demo-bg-preview
      autoPromotionEnabled: false
      scaleDownDelaySeconds: 20
"#;

fn service(name: &str) -> Service {
    serde_yaml_ng::from_str(&format!(
        "metadata: {{name: {name}, namespace: default}}\nspec: {{selector: {{app: demo-bg}}, ports: [{{port: 80}}]}}"
    ))
    .expect("service")
}

/// The blue-green cluster with `edit` applied to the strategy (as YAML values).
fn cluster_with(edit: impl FnOnce(&mut serde_json::Value)) -> Cluster {
    let mut value: serde_json::Value = serde_yaml_ng::from_str(BLUE_GREEN_YAML).expect("yaml");
    edit(&mut value["spec"]["strategy"]["blueGreen"]);
    let rollout: Rollout = serde_json::from_value(value).expect("rollout");
    Cluster::new(rollout, Vec::new())
        .with_service(service("demo-bg-active"))
        .with_service(service("demo-bg-preview"))
}

/// Once the active Service selects a hash, that ReplicaSet has available pods.
fn active_has_available_pods(cluster: &Cluster) {
    let active = selector(cluster, "demo-bg-active");
    if active.is_empty() {
        return;
    }
    let rs = cluster.rs_by_hash(&active).expect("active ReplicaSet exists");
    let available = rs.status.as_ref().and_then(|s| s.available_replicas).unwrap_or(0);
    assert!(
        available > 0,
        "the active Service selects {active} without available pods"
    );
}

fn set_image(cluster: &mut Cluster, tag: &str) -> String {
    cluster.edit_spec(|ro| {
        ro.spec.template.spec.as_mut().expect("pod spec").containers[0].image =
            Some(format!("argoproj/rollouts-demo:{tag}"));
    });
    hash(&cluster.rollout)
}

/// Deploys and returns the first revision's hash, asserting the initial deploy.
fn deployed(cluster: &mut Cluster) -> String {
    let timeline = run(cluster, active_has_available_pods);
    let v1 = hash(&cluster.rollout);
    let st = status(cluster);
    assert_eq!(st.phase, Some(RolloutPhase::Healthy), "{st:#?}");
    assert_eq!(st.stable_rs, v1);
    assert_eq!(
        (
            st.blue_green.active_selector.as_str(),
            st.blue_green.preview_selector.as_str()
        ),
        (v1.as_str(), v1.as_str())
    );
    assert_eq!(
        messages(&timeline, "RolloutCompleted"),
        [format!(
            "Rollout completed update to revision 1 ({v1}): Initial deploy"
        )]
    );
    assert_eq!(pods(cluster, &v1), (3, 3));
    assert_settled(cluster);
    v1
}

#[test]
fn an_update_waits_at_the_pause_then_promote_switches_and_scales_the_old_pods_down_after_the_delay() {
    let mut cluster = cluster_with(|_| {});
    let v1 = deployed(&mut cluster);

    let v2 = set_image(&mut cluster, "green");
    run(&mut cluster, active_has_available_pods);
    let st = status(&cluster).clone();
    assert_eq!(st.phase, Some(RolloutPhase::Paused));
    assert_eq!(st.message, "BlueGreenPause");
    assert_eq!(st.pause_conditions[0].reason, Some(PauseReason::BlueGreenPause));
    assert_eq!(
        (
            selector(&cluster, "demo-bg-preview"),
            selector(&cluster, "demo-bg-active")
        ),
        (v2.clone(), v1.clone())
    );
    assert_eq!((pods(&cluster, &v1), pods(&cluster, &v2)), ((3, 3), (3, 3)));
    assert_eq!(st.stable_rs, v1);
    assert_eq!(st.blue_green.active_selector, v1);
    assert_settled(&cluster);

    // `kubectl argo rollouts promote`: the pause conditions go.
    cluster.edit_status(|s| s.pause_conditions.clear());
    let promoted_at = cluster.now;
    let timeline = run(&mut cluster, active_has_available_pods);
    let st = status(&cluster).clone();
    assert_eq!(st.phase, Some(RolloutPhase::Healthy), "{st:#?}");
    assert_eq!(
        (st.stable_rs.as_str(), st.blue_green.active_selector.as_str()),
        (v2.as_str(), v2.as_str())
    );
    assert_eq!(selector(&cluster, "demo-bg-active"), v2);
    assert_eq!(
        messages(&timeline, "RolloutCompleted"),
        [format!(
            "Rollout completed update to revision 2 ({v2}): Completed blue-green update"
        )]
    );
    assert_eq!(
        messages(&timeline, "SwitchService"),
        [format!(
            "Switched selector for service 'demo-bg-active' from '{v1}' to '{v2}'"
        )]
    );
    // The old pods were kept for the scale-down delay, then removed.
    let scaled_down_at = timeline
        .iter()
        .find(|(_, e)| {
            e.reason == "ScalingReplicaSet" && e.message.contains(&v1) && e.message.ends_with("to 0")
        })
        .map(|(t, _)| *t)
        .expect("the old ReplicaSet scaled down");
    let waited = scaled_down_at.duration_since(promoted_at);
    assert!(
        waited >= SignedDuration::from_secs(20) && waited < SignedDuration::from_secs(30),
        "{waited:?}"
    );
    assert_eq!(pods(&cluster, &v1), (0, 0));
    // Duration tracking: the attempt began at the update, paused manually until the promote, promoted.
    let duration = st.duration.clone().expect("duration");
    assert_eq!(
        duration.completion_status,
        Some(rollouts_api::enums::CompletionStatus::Promoted)
    );
    assert!(
        duration.rollout_started_at.is_some() && duration.finished_at.is_some(),
        "{duration:?}"
    );
    assert!(duration.manual_pause_started_at.is_none(), "{duration:?}");
    assert!(
        cluster
            .rs_by_hash(&v1)
            .expect("old")
            .metadata
            .annotations
            .as_ref()
            .expect("a")
            .get(SCALE_DOWN_DEADLINE_ANNOTATION)
            .is_none(),
        "the deadline goes with the scale-down"
    );
    assert_settled(&cluster);
}

#[test]
fn auto_promotion_seconds_promotes_by_itself() {
    let mut cluster = cluster_with(|bg| {
        bg["autoPromotionEnabled"] = serde_json::Value::Null;
        bg["autoPromotionSeconds"] = 15.into();
    });
    let v1 = deployed(&mut cluster);
    let v2 = set_image(&mut cluster, "green");
    let start = cluster.now;
    let timeline = run(&mut cluster, active_has_available_pods);
    let paused = messages(&timeline, "RolloutPaused");
    assert_eq!(paused, ["Rollout is paused (BlueGreenPause)"]);
    let switched_at = timeline
        .iter()
        .find(|(_, e)| e.reason == "SwitchService" && e.message.contains("demo-bg-active"))
        .map(|(t, _)| *t)
        .expect("switched");
    assert!(switched_at.duration_since(start) >= SignedDuration::from_secs(15));
    let st = status(&cluster);
    assert_eq!(
        (st.stable_rs.as_str(), st.phase.clone()),
        (v2.as_str(), Some(RolloutPhase::Healthy))
    );
    assert_eq!(pods(&cluster, &v1), (0, 0));
}

#[test]
fn preview_replica_count_runs_a_smaller_preview_then_scales_up_before_the_switch() {
    let mut cluster = cluster_with(|bg| bg["previewReplicaCount"] = 1.into());
    let v1 = deployed(&mut cluster);
    let v2 = set_image(&mut cluster, "green");
    run(&mut cluster, active_has_available_pods);
    assert_eq!(status(&cluster).phase, Some(RolloutPhase::Paused));
    assert_eq!((pods(&cluster, &v1), pods(&cluster, &v2)), ((3, 3), (1, 1)));
    assert_eq!(selector(&cluster, "demo-bg-active"), v1);

    cluster.edit_status(|s| s.pause_conditions.clear());
    let mut switched_with = None;
    run(&mut cluster, |c| {
        active_has_available_pods(c);
        if switched_with.is_none() && selector(c, "demo-bg-active") == v2 {
            switched_with = Some(pods(c, &v2));
        }
    });
    assert_eq!(
        switched_with,
        Some((3, 3)),
        "the switch waits for the full preview"
    );
    let st = status(&cluster);
    assert_eq!(
        (st.stable_rs.as_str(), st.phase.clone()),
        (v2.as_str(), Some(RolloutPhase::Healthy))
    );
    assert!(!st.blue_green.scale_up_preview_check_point);
    assert_eq!(pods(&cluster, &v1), (0, 0));
}

#[test]
fn promote_full_skips_the_pause_and_the_preview_count() {
    let mut cluster = cluster_with(|bg| bg["previewReplicaCount"] = 1.into());
    deployed(&mut cluster);
    let v2 = set_image(&mut cluster, "green");
    run(&mut cluster, active_has_available_pods);
    cluster.edit_status(|s| s.promote_full = true);
    run(&mut cluster, active_has_available_pods);
    let st = status(&cluster);
    assert_eq!(
        (st.stable_rs.as_str(), st.phase.clone()),
        (v2.as_str(), Some(RolloutPhase::Healthy))
    );
    assert!(!st.promote_full && st.pause_conditions.is_empty());
    assert_eq!(selector(&cluster, "demo-bg-active"), v2);
}

#[test]
fn abort_before_promotion_keeps_the_active_on_stable_then_the_stable_image_is_healthy_at_once() {
    let mut cluster = cluster_with(|bg| bg["abortScaleDownDelaySeconds"] = 5.into());
    let v1 = deployed(&mut cluster);
    let v2 = set_image(&mut cluster, "green");
    run(&mut cluster, active_has_available_pods);
    cluster.edit_status(|s| s.abort = true);
    let timeline = run(&mut cluster, active_has_available_pods);
    let st = status(&cluster).clone();
    assert_eq!(st.phase, Some(RolloutPhase::Degraded));
    assert_eq!(st.message, "RolloutAborted: Rollout aborted update to revision 2");
    assert!(st.pause_conditions.is_empty());
    assert_eq!(selector(&cluster, "demo-bg-active"), v1);
    // As in Argo, the preview keeps the aborted ReplicaSet, which goes to 0 after the abort delay.
    assert_eq!(selector(&cluster, "demo-bg-preview"), v2);
    assert_eq!((pods(&cluster, &v1), pods(&cluster, &v2)), ((3, 3), (0, 0)));
    assert!(!messages(&timeline, "RolloutAborted").is_empty());

    // Setting the stable image back: Healthy at once, no new ReplicaSet.
    let rs_count = cluster.replica_sets.len();
    let back = set_image(&mut cluster, "blue");
    assert_eq!(back, v1);
    run(&mut cluster, active_has_available_pods);
    let st = status(&cluster);
    assert_eq!(
        (st.phase.clone(), st.stable_rs.as_str()),
        (Some(RolloutPhase::Healthy), v1.as_str())
    );
    assert!(!st.abort);
    assert_eq!(cluster.replica_sets.len(), rs_count);
    assert_eq!(
        (
            selector(&cluster, "demo-bg-active"),
            selector(&cluster, "demo-bg-preview")
        ),
        (v1.clone(), v1)
    );
}

#[test]
fn auto_promotion_enabled_switches_as_soon_as_the_new_pods_are_ready() {
    let mut cluster = cluster_with(|bg| bg["autoPromotionEnabled"] = serde_json::Value::Null);
    deployed(&mut cluster);
    let v2 = set_image(&mut cluster, "green");
    let timeline = run(&mut cluster, active_has_available_pods);
    assert!(messages(&timeline, "RolloutPaused").is_empty());
    let st = status(&cluster);
    assert_eq!(
        (st.stable_rs.as_str(), st.phase.clone()),
        (v2.as_str(), Some(RolloutPhase::Healthy))
    );
}

#[test]
fn retry_after_an_abort_brings_the_update_back_to_the_pause() {
    let mut cluster = cluster_with(|_| {});
    let v1 = deployed(&mut cluster);
    let v2 = set_image(&mut cluster, "green");
    run(&mut cluster, active_has_available_pods);
    cluster.edit_status(|s| s.abort = true);
    run(&mut cluster, active_has_available_pods);
    assert_eq!(status(&cluster).phase, Some(RolloutPhase::Degraded));

    // `kubectl argo rollouts retry rollout`.
    cluster.edit_status(|s| s.abort = false);
    let timeline = run(&mut cluster, active_has_available_pods);
    let st = status(&cluster).clone();
    assert_eq!(
        (st.phase, st.message.as_str()),
        (Some(RolloutPhase::Paused), "BlueGreenPause")
    );
    assert_eq!((pods(&cluster, &v1), pods(&cluster, &v2)), ((3, 3), (3, 3)));
    assert_eq!(selector(&cluster, "demo-bg-active"), v1);
    assert!(st.aborted_at.is_none());
    let progressing = st
        .conditions
        .iter()
        .find(|c| c.type_ == Some(rollouts_api::enums::RolloutConditionType::Progressing))
        .expect("progressing");
    assert_ne!(progressing.reason, "RolloutAborted");
    assert_eq!(
        messages(&timeline, "RolloutPaused"),
        ["Rollout is paused (BlueGreenPause)"]
    );
}

#[test]
fn spec_paused_holds_the_preview_and_the_active_service_until_resumed() {
    let mut cluster = cluster_with(|bg| bg["autoPromotionEnabled"] = serde_json::Value::Null);
    let v1 = deployed(&mut cluster);
    // `kubectl argo rollouts pause`, then an update.
    cluster.edit_spec(|ro| ro.spec.paused = true);
    let v2 = set_image(&mut cluster, "green");
    run(&mut cluster, active_has_available_pods);
    let st = status(&cluster).clone();
    assert_eq!(st.phase, Some(RolloutPhase::Paused));
    assert_eq!(
        (
            selector(&cluster, "demo-bg-active"),
            selector(&cluster, "demo-bg-preview")
        ),
        (v1.clone(), v1)
    );
    assert_eq!(st.blue_green.active_selector, st.stable_rs);
    assert!(
        cluster.rs_by_hash(&v2).is_some(),
        "the new ReplicaSet exists behind no Service"
    );

    // `kubectl argo rollouts promote` unpauses: auto-promotion goes through.
    cluster.edit_spec(|ro| ro.spec.paused = false);
    run(&mut cluster, active_has_available_pods);
    let st = status(&cluster);
    assert_eq!(
        (st.phase.clone(), st.stable_rs.as_str()),
        (Some(RolloutPhase::Healthy), v2.as_str())
    );
    assert_eq!(selector(&cluster, "demo-bg-active"), v2);
}

#[test]
fn recorded_promotion_runs_are_kept_until_the_template_changes() {
    let mut cluster = cluster_with(|_| {});
    deployed(&mut cluster);
    let run_status: rollouts_api::rollout::RolloutAnalysisRunStatus =
        serde_json::from_value(serde_json::json!({"name": "demo-bg-abc-1-pre", "status": "Successful"}))
            .expect("run status");
    cluster.edit_status(|s| s.blue_green.pre_promotion_analysis_run_status = Some(run_status.clone()));
    cluster.edit_spec(|ro| ro.spec.replicas = Some(4));
    run(&mut cluster, active_has_available_pods);
    assert_eq!(
        status(&cluster).blue_green.pre_promotion_analysis_run_status,
        Some(run_status)
    );
    set_image(&mut cluster, "green");
    run(&mut cluster, active_has_available_pods);
    assert_eq!(
        status(&cluster).blue_green.pre_promotion_analysis_run_status,
        None
    );
}
