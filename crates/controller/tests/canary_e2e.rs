//! End to end: the real controller with the `rollouts-core` planner against the sandbox's simulated
//! cluster, driving the basic canary of `examples/canary.yaml` (5 replicas; setWeight 20, pause {}, then
//! 40/60/80 with short pauses) through an image update, the manual gate and promotion.

mod common;

use std::collections::BTreeMap;

use common::{settings, start_with, wait_for};
use k8s_openapi::api::apps::v1::ReplicaSet;
use kube::api::{ListParams, Patch, PatchParams};
use kube::{Api, ResourceExt};
use rollouts_api::Rollout;
use rollouts_controller::RolloutController;
use rollouts_sandbox::{Sandbox, SandboxConfig, SimConfig};
use serde_json::json;

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

/// ReplicaSets of the rollout by pod-template hash: (spec replicas, available replicas).
async fn replica_sets(rss: &Api<ReplicaSet>) -> BTreeMap<String, (i32, i32)> {
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

fn phase(ro: &Rollout) -> String {
    ro.status
        .as_ref()
        .and_then(|s| s.phase.as_ref())
        .map(|p| p.to_string())
        .unwrap_or_default()
}

/// `examples/canary.yaml` with its 10 s pauses set to `pause`.
fn example_yaml(pause: &str) -> String {
    std::fs::read_to_string(rollouts_testkit::workspace_root().join("examples/canary.yaml"))
        .expect("examples/canary.yaml")
        .replace("duration: 10s", &format!("duration: {pause}"))
}

/// A merge patch setting the example's container image to `argoproj/rollouts-demo:<tag>`.
fn image_patch(tag: &str) -> serde_json::Value {
    json!({"spec": {"template": {"spec": {"containers": [
        {"name": "app", "image": format!("argoproj/rollouts-demo:{tag}"),
         "ports": [{"name": "http", "containerPort": 8080}]}
    ]}}}})
}

/// The controller with the rollouts-core planner, in-process.
fn start_controller(client: kube::Client) -> common::Running {
    start_with(RolloutController::new(
        client,
        settings(),
        rollouts_core::planner::plan,
    ))
}

/// Waits for the first revision of `demo-canary` to be Healthy with 5 available pods; its hash.
async fn first_revision_healthy(rollouts: &Api<Rollout>) -> String {
    wait_for(
        "the first revision Healthy with 5 available pods",
        120,
        || async {
            let ro = rollouts.get("demo-canary").await.ok()?;
            let st = ro.status.clone()?;
            (phase(&ro) == "Healthy" && st.available_replicas == 5 && !st.stable_rs.is_empty())
                .then_some(st.stable_rs)
        },
    )
    .await
}

/// Sets the example's container image to `argoproj/rollouts-demo:<tag>` (a merge patch, as kubectl does).
async fn set_image(rollouts: &Api<Rollout>, tag: &str) {
    rollouts
        .patch(
            "demo-canary",
            &PatchParams::default(),
            &Patch::Merge(&image_patch(tag)),
        )
        .await
        .expect("set image");
}

/// Waits for `demo-canary` to pause on a revision other than `stable`; its hash.
async fn paused_on_a_new_revision(rollouts: &Api<Rollout>, stable: &str) -> String {
    wait_for("paused on a new revision", 60, || async {
        let ro = rollouts.get("demo-canary").await.ok()?;
        let st = ro.status.clone()?;
        (phase(&ro) == "Paused" && st.current_pod_hash != stable).then_some(st.current_pod_hash)
    })
    .await
}

#[tokio::test]
async fn basic_canary_pauses_at_20_percent_then_promotes_to_completion() {
    let sb = simulated_sandbox().await;
    let yaml = example_yaml("2s");
    sb.apply_yaml("examples/canary.yaml", &yaml)
        .expect("apply the example");
    let running = start_controller(sb.client());
    let rollouts: Api<Rollout> = Api::namespaced(sb.client(), "default");
    let rss: Api<ReplicaSet> = Api::namespaced(sb.client(), "default");

    // The first deploy skips the steps and becomes Healthy with 5 pods.
    let stable = first_revision_healthy(&rollouts).await;

    // An image update pauses at the first pause step with 1 canary and 4 stable pods.
    let image = image_patch("green");
    rollouts
        .patch("demo-canary", &PatchParams::default(), &Patch::Merge(&image))
        .await
        .expect("set image");
    let canary = wait_for("paused with 1 canary and 4 stable pods", 60, || async {
        let ro = rollouts.get("demo-canary").await.ok()?;
        let st = ro.status.clone()?;
        let sets = replica_sets(&rss).await;
        let canary = st.current_pod_hash.clone();
        (phase(&ro) == "Paused"
            && canary != stable
            && sets.get(&canary) == Some(&(1, 1))
            && sets.get(&stable) == Some(&(4, 4)))
        .then_some(canary)
    })
    .await;
    let ro = rollouts.get("demo-canary").await.unwrap();
    assert_eq!(ro.status.as_ref().and_then(|s| s.current_step_index), Some(1));

    // Promote (the CLI clears the pause conditions): the steps complete and the new revision is stable.
    rollouts
        .patch_status(
            "demo-canary",
            &PatchParams::default(),
            &Patch::Merge(&json!({"status": {"pauseConditions": null}})),
        )
        .await
        .expect("promote");
    wait_for(
        "Healthy on the new revision with the old one scaled down",
        120,
        || async {
            let ro = rollouts.get("demo-canary").await.ok()?;
            let st = ro.status.clone()?;
            let sets = replica_sets(&rss).await;
            (phase(&ro) == "Healthy"
                && st.stable_rs == canary
                && st.current_step_index == Some(8)
                && sets.get(&canary) == Some(&(5, 5))
                && sets.get(&stable).is_some_and(|(spec, _)| *spec == 0))
            .then_some(())
        },
    )
    .await;
    running.stop().await;
}

#[tokio::test]
async fn abort_returns_to_stable_and_setting_the_stable_image_back_is_healthy_without_a_new_replica_set() {
    let sb = simulated_sandbox().await;
    let yaml = example_yaml("10s");
    sb.apply_yaml("examples/canary.yaml", &yaml)
        .expect("apply the example");
    let running = start_controller(sb.client());
    let rollouts: Api<Rollout> = Api::namespaced(sb.client(), "default");
    let rss: Api<ReplicaSet> = Api::namespaced(sb.client(), "default");
    let stable = first_revision_healthy(&rollouts).await;
    set_image(&rollouts, "green").await;
    let canary = paused_on_a_new_revision(&rollouts, &stable).await;

    // Abort (as `kubectl argo rollouts abort` does): Degraded, canary scaled down, 5 stable pods.
    rollouts
        .patch_status(
            "demo-canary",
            &PatchParams::default(),
            &Patch::Merge(&json!({"status": {"abort": true}})),
        )
        .await
        .expect("abort");
    wait_for(
        "Degraded with the canary scaled down and 5 stable pods",
        60,
        || async {
            let ro = rollouts.get("demo-canary").await.ok()?;
            let sets = replica_sets(&rss).await;
            let message = ro.status.as_ref().map(|s| s.message.clone()).unwrap_or_default();
            (phase(&ro) == "Degraded"
                && message.starts_with("RolloutAborted")
                && sets.get(&canary).is_some_and(|(spec, _)| *spec == 0)
                && sets.get(&stable) == Some(&(5, 5)))
            .then_some(())
        },
    )
    .await;

    // Setting the image back to the stable one is Healthy at once, with no new ReplicaSet.
    set_image(&rollouts, "blue").await;
    wait_for("Healthy on the stable revision", 60, || async {
        let ro = rollouts.get("demo-canary").await.ok()?;
        let st = ro.status.clone()?;
        (phase(&ro) == "Healthy" && st.current_pod_hash == stable && st.stable_rs == stable).then_some(())
    })
    .await;
    let sets = replica_sets(&rss).await;
    assert_eq!(sets.len(), 2, "no new ReplicaSet: {sets:?}");
    assert_eq!(sets.get(&stable), Some(&(5, 5)));
    running.stop().await;
}

#[tokio::test]
async fn a_rollout_without_steps_rolls_like_a_deployment() {
    let sb = simulated_sandbox().await;
    let yaml = example_yaml("10s");
    // The same rollout with no steps and no Services: a rolling update with maxSurge/maxUnavailable 25%.
    let mut ro: Rollout = serde_yaml_ng::from_str(yaml.split("\n---\n").next().unwrap()).unwrap();
    if let Some(canary) = ro.spec.strategy.canary.as_mut() {
        canary.steps = Vec::new();
        canary.canary_service = String::new();
        canary.stable_service = String::new();
    }
    let rollouts: Api<Rollout> = Api::namespaced(sb.client(), "default");
    rollouts.create(&Default::default(), &ro).await.expect("create");
    let running = start_controller(sb.client());
    let rss: Api<ReplicaSet> = Api::namespaced(sb.client(), "default");
    let stable = wait_for("Healthy", 60, || async {
        let ro = rollouts.get("demo-canary").await.ok()?;
        let st = ro.status.clone()?;
        (phase(&ro) == "Healthy" && st.available_replicas == 5).then_some(st.stable_rs)
    })
    .await;
    let image = image_patch("green");
    rollouts
        .patch("demo-canary", &PatchParams::default(), &Patch::Merge(&image))
        .await
        .expect("set image");
    // maxUnavailable 25% of 5 rounds down to 1 and maxSurge rounds up to 2: at every observation the
    // available pods stay >= 4 and the requested pods <= 7.
    wait_for(
        "Healthy on the new revision, within surge/unavailability all along",
        60,
        || async {
            let sets = replica_sets(&rss).await;
            let requested: i32 = sets.values().map(|(spec, _)| spec).sum();
            let available: i32 = sets.values().map(|(_, avail)| avail).sum();
            assert!(
                requested <= 7,
                "more than replicas + maxSurge requested: {sets:?}"
            );
            assert!(
                available >= 4,
                "fewer than replicas - maxUnavailable available: {sets:?}"
            );
            let ro = rollouts.get("demo-canary").await.ok()?;
            let st = ro.status.clone()?;
            (phase(&ro) == "Healthy" && st.stable_rs != stable && st.available_replicas == 5).then_some(())
        },
    )
    .await;
    running.stop().await;
}

#[tokio::test]
async fn an_image_change_in_the_middle_of_a_canary_restarts_the_steps_on_the_newest_template() {
    let sb = simulated_sandbox().await;
    let yaml = example_yaml("10s");
    sb.apply_yaml("examples/canary.yaml", &yaml)
        .expect("apply the example");
    let running = start_controller(sb.client());
    let rollouts: Api<Rollout> = Api::namespaced(sb.client(), "default");
    let rss: Api<ReplicaSet> = Api::namespaced(sb.client(), "default");
    let stable = first_revision_healthy(&rollouts).await;
    set_image(&rollouts, "green").await;
    let green = paused_on_a_new_revision(&rollouts, &stable).await;

    // A second change while paused at 20%: the green canary is scaled down, yellow becomes the canary
    // at the first step, and the stable ReplicaSet is untouched.
    set_image(&rollouts, "yellow").await;
    wait_for(
        "paused on yellow with 1 canary, green at 0 and 4 stable",
        60,
        || async {
            let ro = rollouts.get("demo-canary").await.ok()?;
            let st = ro.status.clone()?;
            let sets = replica_sets(&rss).await;
            let yellow = st.current_pod_hash.clone();
            (phase(&ro) == "Paused"
                && yellow != green
                && yellow != stable
                && st.stable_rs == stable
                && st.current_step_index == Some(1)
                && sets.get(&yellow) == Some(&(1, 1))
                && sets.get(&green).is_some_and(|(spec, _)| *spec == 0)
                && sets.get(&stable) == Some(&(4, 4)))
            .then_some(())
        },
    )
    .await;
    running.stop().await;
}

#[tokio::test]
async fn an_invalid_spec_is_reported_as_invalid_spec_and_the_controller_keeps_working() {
    let sb = simulated_sandbox().await;
    let yaml = example_yaml("10s");
    sb.apply_yaml("examples/canary.yaml", &yaml)
        .expect("apply the example");
    let mut bad: Rollout = serde_yaml_ng::from_str(yaml.split("\n---\n").next().unwrap()).unwrap();
    bad.metadata.name = Some("bad".into());
    if let Some(canary) = bad.spec.strategy.canary.as_mut() {
        let zero = k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(0);
        canary.max_surge = Some(zero.clone());
        canary.max_unavailable = Some(zero);
    }
    let rollouts: Api<Rollout> = Api::namespaced(sb.client(), "default");
    rollouts
        .create(&Default::default(), &bad)
        .await
        .expect("create the invalid rollout");
    let running = start_controller(sb.client());
    let message = wait_for("InvalidSpec on the bad rollout", 60, || async {
        let ro = rollouts.get("bad").await.ok()?;
        let st = ro.status.clone()?;
        let cond = st
            .conditions
            .iter()
            .find(|c| c.type_.as_ref().map(ToString::to_string).as_deref() == Some("InvalidSpec"))?;
        (phase(&ro) == "Degraded").then(|| (cond.message.clone(), st.message.clone()))
    })
    .await;
    assert_eq!(
        message.0,
        "The Rollout \"bad\" is invalid: spec.strategy.maxSurge: Invalid value: 0: MaxSurge and MaxUnavailable both can not be zero"
    );
    assert!(message.1.starts_with("InvalidSpec: "), "{}", message.1);
    let rss: Api<ReplicaSet> = Api::namespaced(sb.client(), "default");
    let names: Vec<String> = rss
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .iter()
        .map(ResourceExt::name_any)
        .collect();
    assert!(
        !names.iter().any(|n| n.starts_with("bad-")),
        "no ReplicaSet for an invalid spec: {names:?}"
    );
    // The valid rollout next to it still becomes Healthy.
    wait_for("the valid rollout Healthy", 60, || async {
        let ro = rollouts.get("demo-canary").await.ok()?;
        (phase(&ro) == "Healthy").then_some(())
    })
    .await;
    running.stop().await;
}

/// Kills (aborts, mid-reconcile or not) and restarts the controller, injects write errors (one failed
/// write in every 20 or so, about 5%, rotating over ReplicaSets, Rollouts and Services, with 500, 409 and
/// 429) and drops or expires watches, in a fixed rotation every `every`, until cancelled.
fn chaos(
    sb: &Sandbox,
    every: std::time::Duration,
    stop: tokio_util::sync::CancellationToken,
) -> tokio::task::JoinHandle<(usize, usize)> {
    let client = sb.client();
    let faults = sb.faults().clone();
    let store = sb.store().clone();
    let log = sb.requests().clone();
    tokio::spawn(async move {
        let mut running = start_controller(client.clone());
        let mut round = 0usize;
        let mut injected = 0usize;
        let mut writes_at_last_fault = log.writes();
        loop {
            tokio::select! {
                () = stop.cancelled() => break,
                () = tokio::time::sleep(every) => {}
            }
            round += 1;
            match round % 4 {
                0 => {
                    // Killed at an arbitrary point: no graceful shutdown.
                    running.task.abort();
                    running = start_controller(client.clone());
                }
                1 => {
                    // About 5% of writes: a fault only after 20 more writes and when the last was consumed.
                    if faults.pending() == 0 && log.writes() >= writes_at_last_fault + 20 {
                        let (resource, code) =
                            [("replicasets", 500), ("rollouts", 409), ("services", 429)][injected % 3];
                        faults.fail_writes(resource, code, 1);
                        injected += 1;
                        writes_at_last_fault = log.writes();
                    }
                }
                2 => {
                    store.end_watches(None, false);
                }
                _ => {
                    store.end_watches(None, true);
                    store.compact();
                }
            }
        }
        running.stop().await;
        (round, injected)
    })
}

#[tokio::test]
async fn the_basic_canary_converges_despite_controller_kills_write_errors_and_lost_watches() {
    let sb = simulated_sandbox().await;
    let yaml = example_yaml("1s");
    sb.apply_yaml("examples/canary.yaml", &yaml)
        .expect("apply the example");
    let stop = tokio_util::sync::CancellationToken::new();
    let chaos = chaos(&sb, std::time::Duration::from_millis(300), stop.clone());
    let rollouts: Api<Rollout> = Api::namespaced(sb.client(), "default");
    let rss: Api<ReplicaSet> = Api::namespaced(sb.client(), "default");
    let stable = first_revision_healthy(&rollouts).await;
    let image = image_patch("green");
    let pp = PatchParams::default();
    let merge = Patch::Merge(&image);
    wait_for("the image update is accepted", 30, || async {
        rollouts.patch("demo-canary", &pp, &merge).await.ok()
    })
    .await;
    let canary = wait_for("paused with 1 canary and 4 stable pods", 120, || async {
        let ro = rollouts.get("demo-canary").await.ok()?;
        let st = ro.status.clone()?;
        let sets = replica_sets(&rss).await;
        (phase(&ro) == "Paused"
            && st.current_pod_hash != stable
            && sets.get(&st.current_pod_hash) == Some(&(1, 1))
            && sets.get(&stable) == Some(&(4, 4)))
        .then_some(st.current_pod_hash)
    })
    .await;
    let promote = json!({"status": {"pauseConditions": null}});
    wait_for("the promote is accepted", 30, || async {
        rollouts
            .patch_status("demo-canary", &PatchParams::default(), &Patch::Merge(&promote))
            .await
            .ok()
    })
    .await;
    wait_for(
        "Healthy on the new revision with the old one scaled down",
        180,
        || async {
            let ro = rollouts.get("demo-canary").await.ok()?;
            let st = ro.status.clone()?;
            let sets = replica_sets(&rss).await;
            (phase(&ro) == "Healthy"
                && st.stable_rs == canary
                && sets.get(&canary) == Some(&(5, 5))
                && sets.get(&stable).is_some_and(|(spec, _)| *spec == 0))
            .then_some(())
        },
    )
    .await;
    stop.cancel();
    let (rounds, injected) = chaos.await.expect("chaos task");
    assert!(
        rounds >= 4,
        "every kind of disruption happened at least once ({rounds} rounds)"
    );
    assert!(injected >= 1, "at least one write failed ({injected} injected)");
    let sets = replica_sets(&rss).await;
    assert_eq!(sets.len(), 2, "no stray ReplicaSet: {sets:?}");
}
