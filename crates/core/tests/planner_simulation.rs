//! Simulations: the planner driving the tiny pure cluster of `planner_support` tick by tick (plan, apply
//! the actions and status, then the kubelet makes last tick's new pods available) until nothing changes,
//! jumping ahead in time when the planner asks to be requeued (timed pauses).
//!
//! The basic canary of the issue (5 replicas; setWeight 20, pause, 40, pause 10s, 60, pause 10s, 80,
//! pause 10s) through an update, a promote, completion; an abort and a retry; and a rolling update
//! without steps that must respect maxSurge / maxUnavailable at every tick.

mod planner_support;

use jiff::SignedDuration;
use k8s_openapi::api::core::v1::Service;
use planner_support::sim::*;
use planner_support::*;
use pretty_assertions::assert_eq;
use rollouts_api::Rollout;
use rollouts_api::enums::RolloutPhase;

/// The issue's canary, as a user would apply it.
const CANARY_YAML: &str = r#"
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: demo-canary
  namespace: default
  uid: 7f3c1f0e-demo
  generation: 1
spec:
  replicas: 5
  revisionHistoryLimit: 3
  selector:
    matchLabels:
      app: demo-canary
  template:
    metadata:
      labels:
        app: demo-canary
    spec:
      containers:
        - name: app
          image: argoproj/rollouts-demo:blue
          ports:
            - name: http
              containerPort: 8080
  strategy:
    canary:
      canaryService: demo-canary-preview
      stableService: demo-canary
      steps:
        - setWeight: 20
        - pause: {}
        - setWeight: 40
        - pause: {duration: 10s}
        - setWeight: 60
        - pause: {duration: 10s}
        - setWeight: 80
        - pause: {duration: 10s}
"#;

fn service(name: &str) -> Service {
    serde_yaml_ng::from_str(&format!(
        "metadata: {{name: {name}, namespace: default}}\nspec: {{selector: {{app: demo-canary}}, ports: [{{port: 80}}]}}"
    ))
    .expect("service")
}

fn canary_cluster() -> Cluster {
    let rollout: Rollout = serde_yaml_ng::from_str(CANARY_YAML).expect("rollout");
    Cluster::new(rollout, Vec::new())
        .with_service(service("demo-canary"))
        .with_service(service("demo-canary-preview"))
}

/// Deploys the canary and updates its image: returns the cluster paused at the first pause, and the
/// stable and canary hashes.
fn updated_and_paused() -> (Cluster, String, String) {
    let mut cluster = canary_cluster();
    run(&mut cluster, |_| {});
    let stable = hash(&cluster.rollout);
    cluster.edit_spec(|ro| {
        let spec = ro.spec.template.spec.as_mut().expect("pod spec");
        spec.containers[0].image = Some("argoproj/rollouts-demo:yellow".into());
    });
    let canary = hash(&cluster.rollout);
    run(&mut cluster, |_| {});
    (cluster, stable, canary)
}

#[test]
fn basic_canary_deploys_then_updates_step_by_step() {
    // The initial deploy: all 5 pods, stable, Healthy, both Services adopted.
    let mut cluster = canary_cluster();
    let timeline = run(&mut cluster, |_| {});
    let v1 = hash(&cluster.rollout);
    let st = status(&cluster);
    assert_eq!(
        (st.phase.clone(), st.message.as_str()),
        (Some(RolloutPhase::Healthy), "")
    );
    assert_eq!(
        (st.stable_rs.as_str(), st.current_step_index),
        (v1.as_str(), Some(8))
    );
    assert_eq!(pods(&cluster, &v1), (5, 5));
    assert_eq!(
        (
            selector(&cluster, "demo-canary"),
            selector(&cluster, "demo-canary-preview")
        ),
        (v1.clone(), v1.clone())
    );
    assert_eq!(
        messages(&timeline, "RolloutCompleted"),
        [format!(
            "Rollout completed update to revision 1 ({v1}): Initial deploy"
        )]
    );
    assert_settled(&cluster);

    // An image update pauses at the first pause step with 1 canary and 4 stable pods.
    cluster.edit_spec(|ro| {
        ro.spec.template.spec.as_mut().expect("pod spec").containers[0].image =
            Some("argoproj/rollouts-demo:yellow".into());
    });
    let v2 = hash(&cluster.rollout);
    let timeline = run(&mut cluster, |_| {});
    let st = status(&cluster);
    assert_eq!(
        (st.phase.clone(), st.message.as_str()),
        (Some(RolloutPhase::Paused), "CanaryPauseStep")
    );
    assert_eq!(
        (st.current_step_index, st.stable_rs.as_str()),
        (Some(1), v1.as_str())
    );
    assert_eq!((pods(&cluster, &v2), pods(&cluster, &v1)), ((1, 1), (4, 4)));
    assert_eq!(selector(&cluster, "demo-canary-preview"), v2);
    assert_eq!(selector(&cluster, "demo-canary"), v1);
    assert_eq!(
        messages(&timeline, "RolloutPaused"),
        ["Rollout is paused (CanaryPauseStep)"]
    );
    assert_eq!(
        messages(&timeline, "RolloutUpdated"),
        ["Rollout updated to revision 2"]
    );
    assert_settled(&cluster);

    // Promote (the CLI clears the pause conditions): the steps run to the end, each weight reached
    // before it completes, each timed pause lasting its 10 s.
    cluster.edit_status(|s| s.pause_conditions.clear());
    let mut at_weight = Vec::new();
    let timeline = run(&mut cluster, |c| {
        let index = status(c).current_step_index;
        let counts = (pods(c, &v2).1, c.rs_by_hash(&v1).map_or(0, |_| pods(c, &v1).1));
        if at_weight.last().is_none_or(|(i, _)| *i != index) {
            at_weight.push((index, counts));
        }
    });
    let steps = messages(&timeline, "RolloutStepCompleted");
    assert_eq!(
        steps,
        [
            "Rollout step 2/8 completed (pause)",
            "Rollout step 3/8 completed (setWeight: 40)",
            "Rollout step 4/8 completed (pause: 10s)",
            "Rollout step 5/8 completed (setWeight: 60)",
            "Rollout step 6/8 completed (pause: 10s)",
            "Rollout step 7/8 completed (setWeight: 80)",
            "Rollout step 8/8 completed (pause: 10s)",
        ]
    );
    // When a setWeight step completes, the canary has its share of available pods and the stable the rest.
    let reached: Vec<(i32, i32)> = at_weight
        .iter()
        .filter(|(index, _)| matches!(index, Some(3 | 5 | 7)))
        .map(|(_, counts)| *counts)
        .collect();
    assert_eq!(reached, [(2, 3), (3, 2), (4, 1)]);
    let completed_at = |text: &str| {
        timeline
            .iter()
            .find(|(_, e)| e.message.contains(text))
            .expect(text)
            .0
    };
    for (weight, pause) in [
        ("setWeight: 40", "4/8"),
        ("setWeight: 60", "6/8"),
        ("setWeight: 80", "8/8"),
    ] {
        let paused_for = completed_at(pause).duration_since(completed_at(weight));
        assert!(
            paused_for > SignedDuration::from_secs(10),
            "{pause}: {paused_for:?}"
        );
        assert!(
            paused_for < SignedDuration::from_secs(15),
            "{pause}: {paused_for:?}"
        );
    }

    // Completed: 5 new pods, stable = the new hash, the old ReplicaSet scaled down, Healthy.
    let st = status(&cluster);
    assert_eq!(
        (st.phase.clone(), st.message.as_str()),
        (Some(RolloutPhase::Healthy), "")
    );
    assert_eq!(
        (st.stable_rs.as_str(), st.current_pod_hash.as_str()),
        (v2.as_str(), v2.as_str())
    );
    assert_eq!((pods(&cluster, &v2), pods(&cluster, &v1)), ((5, 5), (0, 0)));
    assert_eq!(selector(&cluster, "demo-canary"), v2);
    assert_eq!(
        messages(&timeline, "RolloutCompleted"),
        [format!(
            "Rollout completed update to revision 2 ({v2}): Completed all 8 canary steps"
        )]
    );
    let conditions: Vec<(String, String)> = st
        .conditions
        .iter()
        .map(|c| {
            (
                c.type_.as_ref().expect("type").as_str().to_owned(),
                c.reason.clone(),
            )
        })
        .collect();
    for expected in [
        ("Available", "AvailableReason"),
        ("Completed", "RolloutCompleted"),
        ("Healthy", "RolloutHealthy"),
        ("Progressing", "NewReplicaSetAvailable"),
        ("Paused", "RolloutPaused"),
    ] {
        assert!(
            conditions.contains(&(expected.0.into(), expected.1.into())),
            "{conditions:?}"
        );
    }
    assert_settled(&cluster);
}

#[test]
fn abort_returns_to_the_stable_pods_then_retry_starts_over() {
    let (mut cluster, v1, v2) = updated_and_paused();
    cluster.edit_status(|s| s.abort = true);
    let timeline = run(&mut cluster, |_| {});
    let st = status(&cluster);
    assert_eq!(st.phase, Some(RolloutPhase::Degraded));
    assert_eq!(st.message, "RolloutAborted: Rollout aborted update to revision 2");
    assert_eq!((st.current_step_index, st.pause_conditions.len()), (Some(0), 0));
    assert!(st.aborted_at.is_some());
    assert_eq!((pods(&cluster, &v1), pods(&cluster, &v2)), ((5, 5), (0, 0)));
    assert_eq!(
        selector(&cluster, "demo-canary-preview"),
        v1,
        "the canary Service goes back to the stable"
    );
    assert_eq!(
        messages(&timeline, "RolloutAborted"),
        ["Rollout aborted update to revision 2"]
    );
    assert_settled(&cluster);

    // Retry: the steps start again and pause at the first pause with 1 canary pod.
    cluster.edit_status(|s| s.abort = false);
    run(&mut cluster, |_| {});
    let st = status(&cluster);
    assert_eq!(
        (st.phase.clone(), st.current_step_index),
        (Some(RolloutPhase::Paused), Some(1))
    );
    assert_eq!((pods(&cluster, &v2), pods(&cluster, &v1)), ((1, 1), (4, 4)));
    assert!(st.aborted_at.is_none());
    assert_settled(&cluster);
}

#[test]
fn rollback_to_the_stable_template_skips_the_steps() {
    let (mut cluster, v1, v2) = updated_and_paused();
    cluster.edit_spec(|ro| {
        ro.spec.template.spec.as_mut().expect("pod spec").containers[0].image =
            Some("argoproj/rollouts-demo:blue".into());
    });
    let timeline = run(&mut cluster, |_| {});
    assert_eq!(
        messages(&timeline, "SkipSteps"),
        ["Rollback to stable ReplicaSets"]
    );
    let st = status(&cluster);
    assert_eq!(
        (st.phase.clone(), st.stable_rs.as_str()),
        (Some(RolloutPhase::Healthy), v1.as_str())
    );
    assert_eq!((pods(&cluster, &v1), pods(&cluster, &v2)), ((5, 5), (0, 0)));
    assert_eq!(selector(&cluster, "demo-canary-preview"), v1);
    assert_settled(&cluster);
}

/// A rollout without steps, `replicas` pods, the given fenceposts: deploy, update, and check at every tick
/// of the update that no more than `replicas + surge` pods are asked for and no fewer than
/// `replicas - unavailable` are available.
fn rolling_update(
    replicas: i32,
    max_surge: serde_json::Value,
    max_unavailable: serde_json::Value,
    surge: i32,
    unavailable: i32,
) {
    let mut ro: Rollout = serde_yaml_ng::from_str(CANARY_YAML).expect("rollout");
    ro.spec.replicas = Some(replicas);
    let canary = ro.spec.strategy.canary.as_mut().expect("canary");
    canary.steps.clear();
    canary.max_surge = Some(serde_json::from_value(max_surge).expect("surge"));
    canary.max_unavailable = Some(serde_json::from_value(max_unavailable).expect("unavailable"));
    let mut cluster = Cluster::new(ro, Vec::new())
        .with_service(service("demo-canary"))
        .with_service(service("demo-canary-preview"));
    run(&mut cluster, |_| {});
    let v1 = hash(&cluster.rollout);
    assert_eq!(pods(&cluster, &v1), (replicas, replicas));

    cluster.edit_spec(|ro| {
        ro.spec.template.spec.as_mut().expect("pod spec").containers[0].image =
            Some("argoproj/rollouts-demo:red".into());
    });
    let v2 = hash(&cluster.rollout);
    let mut ticks = 0;
    run(&mut cluster, |c| {
        ticks += 1;
        let asked: i32 = c
            .replica_sets
            .iter()
            .map(|rs| rs.spec.replicas.unwrap_or(1))
            .sum();
        let available: i32 = c
            .replica_sets
            .iter()
            .map(|rs| rs.status.as_ref().and_then(|s| s.available_replicas).unwrap_or(0))
            .sum();
        assert!(asked <= replicas + surge, "tick {ticks}: {asked} pods asked for");
        assert!(
            available >= replicas - unavailable,
            "tick {ticks}: {available} available"
        );
    });
    assert!(ticks > 3, "the update took {ticks} ticks");
    let st = status(&cluster);
    assert_eq!(
        (st.phase.clone(), st.stable_rs.as_str()),
        (Some(RolloutPhase::Healthy), v2.as_str())
    );
    assert_eq!(
        (pods(&cluster, &v2), pods(&cluster, &v1)),
        ((replicas, replicas), (0, 0))
    );
    assert_settled(&cluster);
}

#[test]
fn rolling_update_without_steps_respects_surge_and_unavailability() {
    rolling_update(10, serde_json::json!(2), serde_json::json!(1), 2, 1);
    // Argo's defaults: "25" is 25% (surge rounds up, unavailability down).
    rolling_update(10, serde_json::json!("25%"), serde_json::json!("25%"), 3, 2);
    rolling_update(5, serde_json::json!(0), serde_json::json!(1), 0, 1);
    rolling_update(3, serde_json::json!(1), serde_json::json!(0), 1, 0);
}

#[test]
fn template_change_mid_rollout_restarts_the_steps() {
    // A third template while the second is paused: the second ReplicaSet is scaled away, the steps start
    // over for the third, the stable is untouched.
    let (mut cluster, v1, v2) = updated_and_paused();
    cluster.edit_spec(|ro| {
        ro.spec.template.spec.as_mut().expect("pod spec").containers[0].image =
            Some("argoproj/rollouts-demo:green".into());
    });
    let v3 = hash(&cluster.rollout);
    let timeline = run(&mut cluster, |_| {});
    let st = status(&cluster);
    assert_eq!(
        (st.phase.clone(), st.current_step_index),
        (Some(RolloutPhase::Paused), Some(1))
    );
    assert_eq!(
        (st.stable_rs.as_str(), st.current_pod_hash.as_str()),
        (v1.as_str(), v3.as_str())
    );
    assert_eq!(
        (pods(&cluster, &v3), pods(&cluster, &v2), pods(&cluster, &v1)),
        ((1, 1), (0, 0), (4, 4))
    );
    assert_eq!(selector(&cluster, "demo-canary-preview"), v3);
    assert_eq!(
        messages(&timeline, "RolloutUpdated"),
        ["Rollout updated to revision 3"]
    );
    assert_settled(&cluster);
}

#[test]
fn spec_paused_halts_an_update_until_unpaused() {
    let mut cluster = canary_cluster();
    run(&mut cluster, |_| {});
    let v1 = hash(&cluster.rollout);
    cluster.edit_spec(|ro| {
        ro.spec.paused = true;
        ro.spec.template.spec.as_mut().expect("pod spec").containers[0].image =
            Some("argoproj/rollouts-demo:yellow".into());
    });
    let v2 = hash(&cluster.rollout);
    run(&mut cluster, |c| {
        assert_eq!(pods(c, &v1).0, 5, "no scaling while paused")
    });
    let st = status(&cluster);
    assert_eq!(
        (st.phase.clone(), st.message.as_str()),
        (Some(RolloutPhase::Paused), "manually paused")
    );
    assert_eq!((pods(&cluster, &v2), pods(&cluster, &v1)), ((0, 0), (5, 5)));
    assert_settled(&cluster);

    cluster.edit_spec(|ro| ro.spec.paused = false);
    run(&mut cluster, |_| {});
    let st = status(&cluster);
    assert_eq!(
        (st.message.as_str(), st.current_step_index),
        ("CanaryPauseStep", Some(1))
    );
    assert_eq!((pods(&cluster, &v2), pods(&cluster, &v1)), ((1, 1), (4, 4)));
}

#[test]
fn promote_full_skips_the_remaining_steps() {
    // `promote --full` while paused: the pause is cleared, the new ReplicaSet goes to full scale within the
    // surge, then becomes stable; no further pause.
    let (mut cluster, v1, v2) = updated_and_paused();
    cluster.edit_status(|s| s.promote_full = true);
    let timeline = run(&mut cluster, |_| {});
    assert!(messages(&timeline, "RolloutPaused").is_empty());
    assert_eq!(
        messages(&timeline, "RolloutCompleted"),
        [format!(
            "Rollout completed update to revision 2 ({v2}): Full promotion requested"
        )]
    );
    let st = status(&cluster);
    assert_eq!(
        (st.phase.clone(), st.stable_rs.as_str()),
        (Some(RolloutPhase::Healthy), v2.as_str())
    );
    assert_eq!((st.current_step_index, st.promote_full), (Some(8), false));
    assert_eq!((pods(&cluster, &v2), pods(&cluster, &v1)), ((5, 5), (0, 0)));
    assert_settled(&cluster);
}
