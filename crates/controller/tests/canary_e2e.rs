//! End to end: the real controller with the `rollouts-core` planner against the sandbox's simulated
//! cluster, driving the basic canary of `examples/canary.yaml` (5 replicas; setWeight 20, pause {}, then
//! 40/60/80 with short pauses) through five scenarios: (a) update, manual gate and promotion; (b) abort
//! and going back to the stable image; (c) a canary without steps; (d) an image change in the middle of
//! a canary; (e) an invalid spec next to a valid rollout.
//!
//! Each scenario runs three times (`common::scenario!`): undisturbed; with the controller killed and restarted
//! at random points (f); with kills, ~5% failed writes and dropped or expired watches (g); see
//! `common::chaos` (`ROLLOUTS_E2E_SEED` replays a run). In every run the invariant watcher
//! (`common::invariants`) checks, on every commit, that available pods never fall below
//! `replicas - maxUnavailable`, that the stable ReplicaSet never yields more pods than the canary has made
//! available (within that budget), and that scale-ups stay within `replicas + maxSurge`; each scenario
//! names the checks that must have applied at least once, and a sabotaged controller (the stable scaled
//! straight to 0) shows that the checks do catch what they are for.

mod common;

use common::chaos::{Disruption, Harness};
use common::e2e::{create, get, merge_patch, phase, replica_sets, simulated_sandbox};
use common::invariants::checks::{AVAILABILITY_FLOOR, STABLE_YIELDS, SURGE_CEILING};
use common::wait_for;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kube::ResourceExt;
use rollouts_api::Rollout;
use rollouts_sandbox::Sandbox;
use serde_json::json;

/// Every canary invariant.
const ALL_CHECKS: &[&str] = &[AVAILABILITY_FLOOR, STABLE_YIELDS, SURGE_CEILING];

/// `examples/canary.yaml` with its 10 s pauses set to `pause`.
fn example_yaml(pause: &str) -> String {
    std::fs::read_to_string(rollouts_testkit::workspace_root().join("examples/canary.yaml"))
        .expect("examples/canary.yaml")
        .replace("duration: 10s", &format!("duration: {pause}"))
}

/// The example's Rollout (without its Services).
fn example_rollout(pause: &str) -> Rollout {
    let yaml = example_yaml(pause);
    serde_yaml_ng::from_str(yaml.split("\n---\n").next().expect("a first document"))
        .expect("the example rollout")
}

/// Sets the example's container image to `argoproj/rollouts-demo:<tag>` (a merge patch, as kubectl does).
async fn set_image(sb: &Sandbox, tag: &str) {
    let patch = json!({"spec": {"template": {"spec": {"containers": [
        {"name": "app", "image": format!("argoproj/rollouts-demo:{tag}"),
         "ports": [{"name": "http", "containerPort": 8080}]}
    ]}}}});
    merge_patch(sb, "demo-canary", false, patch).await;
}

/// Waits for the first revision of `demo-canary` to be Healthy with 5 available pods; its hash.
async fn first_revision_healthy(sb: &Sandbox) -> String {
    wait_for(
        "the first revision Healthy with 5 available pods",
        120,
        || async {
            let ro = get(sb, "demo-canary").await?;
            let st = ro.status.clone()?;
            (phase(&ro) == "Healthy" && st.available_replicas == 5 && !st.stable_rs.is_empty())
                .then_some(st.stable_rs)
        },
    )
    .await
}

/// Waits for `demo-canary` to pause at the first pause step on a revision other than `stable` and
/// `previous`, with 1 canary and 4 stable pods available; the canary's hash.
async fn paused_at_20_percent(sb: &Sandbox, stable: &str, previous: &str) -> String {
    wait_for(
        "paused at step 1 with 1 canary and 4 stable pods",
        120,
        || async {
            let ro = get(sb, "demo-canary").await?;
            let st = ro.status.clone()?;
            let sets = replica_sets(sb).await;
            let canary = st.current_pod_hash.clone();
            (phase(&ro) == "Paused"
                && canary != stable
                && canary != previous
                && st.stable_rs == stable
                && st.current_step_index == Some(1)
                && sets.get(&canary) == Some(&(1, 1))
                && sets.get(stable) == Some(&(4, 4)))
            .then_some(canary)
        },
    )
    .await
}

/// (a) An update pauses at 20% with 1 canary and 4 stable pods; promoting completes the steps and the
/// new revision becomes stable with the old one scaled down.
async fn basic_canary(sb: &Sandbox) -> &'static [&'static str] {
    sb.apply_yaml("examples/canary.yaml", &example_yaml("1s"))
        .expect("apply the example");
    let stable = first_revision_healthy(sb).await;
    set_image(sb, "green").await;
    let canary = paused_at_20_percent(sb, &stable, "").await;

    // Promote (the CLI clears the pause conditions): the steps complete and the new revision is stable.
    merge_patch(
        sb,
        "demo-canary",
        true,
        json!({"status": {"pauseConditions": null}}),
    )
    .await;
    wait_for(
        "Healthy on the new revision with the old one scaled down",
        120,
        || async {
            let ro = get(sb, "demo-canary").await?;
            let st = ro.status.clone()?;
            let sets = replica_sets(sb).await;
            (phase(&ro) == "Healthy"
                && st.stable_rs == canary
                && st.current_step_index == Some(8)
                && sets.get(&canary) == Some(&(5, 5))
                && sets.get(&stable).is_some_and(|(spec, _)| *spec == 0))
            .then_some(())
        },
    )
    .await;
    let sets = replica_sets(sb).await;
    assert_eq!(sets.len(), 2, "no stray ReplicaSet: {sets:?}");
    ALL_CHECKS
}

/// (b) Abort returns to the stable revision (Degraded, canary scaled down); setting the stable image
/// back is Healthy at once, without a new ReplicaSet.
async fn abort_then_back_to_stable(sb: &Sandbox) -> &'static [&'static str] {
    sb.apply_yaml("examples/canary.yaml", &example_yaml("10s"))
        .expect("apply the example");
    let stable = first_revision_healthy(sb).await;
    set_image(sb, "green").await;
    let canary = paused_at_20_percent(sb, &stable, "").await;

    // Abort (as `kubectl argo rollouts abort` does): Degraded, canary scaled down, 5 stable pods.
    merge_patch(sb, "demo-canary", true, json!({"status": {"abort": true}})).await;
    wait_for(
        "Degraded with the canary scaled down and 5 stable pods",
        120,
        || async {
            let ro = get(sb, "demo-canary").await?;
            let sets = replica_sets(sb).await;
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
    set_image(sb, "blue").await;
    wait_for("Healthy on the stable revision", 120, || async {
        let ro = get(sb, "demo-canary").await?;
        let st = ro.status.clone()?;
        (phase(&ro) == "Healthy" && st.current_pod_hash == stable && st.stable_rs == stable).then_some(())
    })
    .await;
    let sets = replica_sets(sb).await;
    assert_eq!(sets.len(), 2, "no new ReplicaSet: {sets:?}");
    assert_eq!(sets.get(&stable), Some(&(5, 5)));
    ALL_CHECKS
}

/// (c) The same rollout with no steps and no Services rolls like a Deployment (maxSurge and
/// maxUnavailable 25%: at most 7 pods requested and at least 4 available all along, which the invariant
/// watcher checks at every commit).
async fn without_steps_like_a_deployment(sb: &Sandbox) -> &'static [&'static str] {
    let mut ro = example_rollout("10s");
    if let Some(canary) = ro.spec.strategy.canary.as_mut() {
        canary.steps = Vec::new();
        canary.canary_service = String::new();
        canary.stable_service = String::new();
    }
    create(sb, &ro);
    let stable = first_revision_healthy(sb).await;
    set_image(sb, "green").await;
    let new = wait_for("Healthy on the new revision", 120, || async {
        let ro = get(sb, "demo-canary").await?;
        let st = ro.status.clone()?;
        (phase(&ro) == "Healthy" && st.stable_rs != stable && st.available_replicas == 5)
            .then_some(st.stable_rs)
    })
    .await;
    wait_for("the old revision scaled down", 60, || async {
        let sets = replica_sets(sb).await;
        (sets.get(&new) == Some(&(5, 5)) && sets.get(&stable).is_some_and(|(spec, _)| *spec == 0))
            .then_some(())
    })
    .await;
    ALL_CHECKS
}

/// (d) A second image change while paused at 20%: the first canary is scaled down, the newest template
/// becomes the canary at the first step, and the stable ReplicaSet is untouched.
async fn image_change_mid_canary(sb: &Sandbox) -> &'static [&'static str] {
    sb.apply_yaml("examples/canary.yaml", &example_yaml("10s"))
        .expect("apply the example");
    let stable = first_revision_healthy(sb).await;
    set_image(sb, "green").await;
    let green = paused_at_20_percent(sb, &stable, "").await;
    set_image(sb, "yellow").await;
    paused_at_20_percent(sb, &stable, &green).await;
    wait_for("green scaled down", 60, || async {
        let sets = replica_sets(sb).await;
        sets.get(&green).is_some_and(|(spec, _)| *spec == 0).then_some(())
    })
    .await;
    ALL_CHECKS
}

/// (e) A rollout whose maxSurge and maxUnavailable are both 0 is reported as InvalidSpec and gets no
/// ReplicaSet; the valid rollout next to it still becomes Healthy.
async fn invalid_spec_next_to_a_valid_rollout(sb: &Sandbox) -> &'static [&'static str] {
    sb.apply_yaml("examples/canary.yaml", &example_yaml("10s"))
        .expect("apply the example");
    let mut bad = example_rollout("10s");
    bad.metadata.name = Some("bad".into());
    if let Some(canary) = bad.spec.strategy.canary.as_mut() {
        canary.max_surge = Some(IntOrString::Int(0));
        canary.max_unavailable = Some(IntOrString::Int(0));
    }
    create(sb, &bad);
    let message = wait_for("InvalidSpec on the bad rollout", 120, || async {
        let ro = get(sb, "bad").await?;
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
    first_revision_healthy(sb).await;
    let sets = replica_sets(sb).await;
    assert_eq!(
        sets.len(),
        1,
        "one ReplicaSet, none for the invalid spec: {sets:?}"
    );
    &[]
}

/// Runs `body` in a fresh sandbox under `disruption`, drawing the disruption points within `writes` API
/// writes, and asserts that the checks the body names applied at least once.
async fn run<F>(body: F, disruption: Disruption, writes: u64)
where
    F: AsyncFnOnce(&Sandbox) -> &'static [&'static str],
{
    use futures::FutureExt;
    let sb = simulated_sandbox().await;
    let harness = Harness::start(&sb, disruption, writes);
    let expected = match std::panic::AssertUnwindSafe(body(&sb)).catch_unwind().await {
        Ok(expected) => expected,
        Err(panic) => {
            eprintln!("the scenario failed; {}", harness.diagnose().await);
            std::panic::resume_unwind(panic);
        }
    };
    let (report, _) = harness.finish().await;
    for check in expected {
        // A re-list (after a compaction in the Chaos runs) may hide the only transition a check applies
        // to; the undisturbed and restart runs never re-list, so there the check must have applied.
        assert!(
            report.applied(check) > 0 || report.relists > 0,
            "the invariant {check} never applied: {report:?}"
        );
    }
}

common::scenario!(
    /// (a)
    basic_canary_pauses_at_20_percent_then_promotes_to_completion,
    basic_canary,
    writes = 60
);
common::scenario!(
    /// (b)
    abort_returns_to_stable_and_setting_the_stable_image_back_is_healthy_without_a_new_replica_set,
    abort_then_back_to_stable,
    writes = 40
);
common::scenario!(
    /// (c)
    a_rollout_without_steps_rolls_like_a_deployment,
    without_steps_like_a_deployment,
    writes = 25
);
common::scenario!(
    /// (d)
    an_image_change_in_the_middle_of_a_canary_restarts_the_steps_on_the_newest_template,
    image_change_mid_canary,
    writes = 40
);
common::scenario!(
    /// (e)
    an_invalid_spec_is_reported_as_invalid_spec_and_the_controller_keeps_working,
    invalid_spec_next_to_a_valid_rollout,
    writes = 12
);

/// The invariants are not vacuous: a controller that scales the stable ReplicaSet straight to 0
/// whenever the planner scales it down (instead of yielding pods as the canary becomes available) is
/// caught by both the stable-yields and the availability checks at the first step.
#[tokio::test]
async fn the_invariant_watcher_catches_a_controller_that_scales_the_stable_down_first() {
    use common::invariants::Invariants;
    use common::invariants::checks::canary;
    use rollouts_core::{Action, Snapshot};
    let sb = simulated_sandbox().await;
    let watcher = Invariants::start(&sb, "default", canary());
    let sabotages = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = sabotages.clone();
    let sabotaged = move |s: &Snapshot| {
        let mut plan = rollouts_core::planner::plan(s);
        let stable = s.rollout.status.clone().unwrap_or_default().stable_rs;
        for action in &mut plan.actions {
            if let Action::UpdateReplicaSet(u) = action {
                let rs = s
                    .replica_sets
                    .iter()
                    .find(|rs| rs.metadata.name.as_deref() == Some(&u.name));
                let is_stable =
                    rs.is_some_and(|rs| rs.labels().get("rollouts-pod-template-hash") == Some(&stable));
                let current = rs.and_then(|rs| rs.spec.replicas).unwrap_or(0);
                if is_stable && u.replicas.is_some_and(|r| r < current) {
                    u.replicas = Some(0);
                    counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                }
            }
        }
        plan
    };
    let running = common::start_with(rollouts_controller::RolloutController::new(
        sb.client(),
        common::settings(),
        sabotaged,
    ));
    sb.apply_yaml("examples/canary.yaml", &example_yaml("10s"))
        .expect("apply the example");
    let stable = first_revision_healthy(&sb).await;
    set_image(&sb, "green").await;
    // The stable goes to 0, then back up to 4 by the next plan; the canary pauses at 20%.
    paused_at_20_percent(&sb, &stable, "").await;
    assert!(sabotages.load(std::sync::atomic::Ordering::SeqCst) > 0);
    running.stop().await;
    let report = watcher.stop().await;
    eprintln!("caught:\n{}", report.violations.join("\n"));
    for check in [STABLE_YIELDS, AVAILABILITY_FLOOR] {
        assert!(
            report
                .violations
                .iter()
                .any(|v| v.contains(&format!("] {check}: "))),
            "{check} caught nothing: {:#?}",
            report.violations
        );
    }
}

#[test]
fn the_watcher_resolves_fenceposts_as_argo() {
    use common::invariants::checks::{fenceposts, min_available};
    let ro = |replicas: i32, surge: Option<IntOrString>, unavailable: Option<IntOrString>| {
        let mut ro = example_rollout("1s");
        ro.spec.replicas = Some(replicas);
        let canary = ro.spec.strategy.canary.as_mut().expect("canary");
        canary.max_surge = surge;
        canary.max_unavailable = unavailable;
        ro
    };
    let s = |v: &str| Some(IntOrString::String(v.into()));
    let i = |v: i32| Some(IntOrString::Int(v));
    assert_eq!(fenceposts(&ro(5, None, None)), (2, 1));
    assert_eq!(fenceposts(&ro(10, s("10%"), s("25"))), (1, 2));
    assert_eq!(fenceposts(&ro(3, i(0), s("10%"))), (0, 1));
    assert_eq!(fenceposts(&ro(3, i(0), i(0))), (0, 1));
    assert_eq!(fenceposts(&ro(2, i(1), i(5))), (1, 2));
    assert_eq!(fenceposts(&ro(0, None, None)), (0, 0));
    assert_eq!(min_available(&ro(5, None, None)), 4);
}
