//! End to end: the real controller with the `rollouts-core` planner against the sandbox's simulated
//! cluster, driving the blue-green rollout of `examples/bluegreen.yaml` (3 replicas, an active and a
//! preview Service, auto-promotion disabled) through five scenarios: the pause with the preview on the
//! new pods and the active Service (and so its traffic, through the sandbox's traffic simulator) on the
//! old ones, then `promote --full` and the old ReplicaSet's scale-down after `scaleDownDelaySeconds`; an
//! abort and going back to the stable image; `autoPromotionSeconds`; `previewReplicaCount`; and the
//! active/preview pod metadata.
//!
//! Each scenario runs three times, as the canary ones do (`common::chaos`): undisturbed, with the
//! controller killed and restarted at random points, and with kills, ~5% failed writes and dropped or
//! expired watches (`ROLLOUTS_E2E_SEED` replays a run). In every run the invariant watcher checks on
//! every commit that the active Service, once it selects a revision, has ready endpoints, and that
//! available pods never fall below `replicas - maxUnavailable`.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use common::chaos::{Disruption, Harness};
use common::e2e::{get, merge_patch, phase, replica_sets, simulated_sandbox_with};
use common::invariants::check_fn;
use common::wait_for;
use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::api::core::v1::{Pod, Service};
use kube::api::ListParams;
use kube::{Api, ResourceExt};
use rollouts_api::Rollout;
use rollouts_sandbox::Sandbox;
use rollouts_sandbox::traffic::TrafficConfig;
use rollouts_sandbox::traffic::route::Request;
use serde_json::json;

const NAME: &str = "demo-bluegreen";
const ACTIVE: &str = "demo-bluegreen";
const PREVIEW: &str = "demo-bluegreen-preview";
const HASH_LABEL: &str = "rollouts-pod-template-hash";
/// The invariant: once the active Service selects a revision, its Endpoints have a ready address.
const ACTIVE_READY: &str = "active-service-has-ready-endpoints";

/// A sandbox with the simulated cluster, the traffic simulator (no background load) and our CRDs.
async fn sandbox_with_traffic() -> Sandbox {
    simulated_sandbox_with(Some(TrafficConfig {
        service_rps: 0.0,
        host_rps: 0.0,
        ..TrafficConfig::default()
    }))
    .await
}

/// Applies `examples/bluegreen.yaml` with textual edits (`(from, to)` pairs) through the store.
fn apply_example(sb: &Sandbox, edits: &[(&str, &str)]) {
    let mut yaml =
        std::fs::read_to_string(rollouts_testkit::workspace_root().join("examples/bluegreen.yaml"))
            .expect("examples/bluegreen.yaml");
    for (from, to) in edits {
        assert!(yaml.contains(from), "the example has {from:?}");
        yaml = yaml.replace(from, to);
    }
    sb.apply_yaml("examples/bluegreen.yaml", &yaml)
        .expect("apply the example");
}

/// The hash a Service selects.
async fn selected(sb: &Sandbox, service: &str) -> String {
    let services: Api<Service> = Api::namespaced(sb.client(), "default");
    let svc = services.get(service).await.expect("service");
    svc.spec
        .and_then(|s| s.selector)
        .and_then(|s| s.get(HASH_LABEL).cloned())
        .unwrap_or_default()
}

/// The image tags of the pods answering 50 requests sent to the Service through the traffic simulator;
/// every request must be answered.
fn versions_behind(sb: &Sandbox, service: &str) -> BTreeSet<String> {
    let traffic = sb.traffic().expect("traffic simulator");
    traffic
        .send_many(&Request::new(&format!("{service}.default"), "/"), 50)
        .into_iter()
        .map(|a| {
            assert_eq!(a.status, 200, "{service} answered {a:?}");
            a.version.unwrap_or_default()
        })
        .collect()
}

fn only(value: &str) -> BTreeSet<String> {
    BTreeSet::from([value.to_owned()])
}

async fn set_image(sb: &Sandbox, tag: &str) {
    let patch = json!({"spec": {"template": {"spec": {"containers": [
        {"name": "app", "image": format!("argoproj/rollouts-demo:{tag}"),
         "ports": [{"name": "http", "containerPort": 8080}]}
    ]}}}});
    merge_patch(sb, NAME, false, patch).await;
}

/// Waits for `phase` on the revision `hash` (any revision when empty), with the spec observed.
async fn phase_on(sb: &Sandbox, wanted: &str, hash: &str, what: &str) -> Rollout {
    wait_for(what, 90, || async {
        let ro = get(sb, NAME).await?;
        let st = ro.status.as_ref()?;
        let generation = ro.metadata.generation.unwrap_or(0).to_string();
        let on_hash = hash.is_empty() || st.current_pod_hash == hash;
        (phase(&ro) == wanted && on_hash && st.observed_generation == generation).then_some(ro)
    })
    .await
}

/// Waits for the first revision Healthy behind the active Service; its hash.
async fn first_revision_healthy(sb: &Sandbox) -> String {
    let ro = phase_on(sb, "Healthy", "", "the first revision Healthy").await;
    let st = ro.status.expect("status");
    assert_eq!(st.stable_rs, st.current_pod_hash);
    wait_for("the active Service on the first revision", 30, || async {
        (selected(sb, ACTIVE).await == st.stable_rs).then_some(())
    })
    .await;
    assert_eq!(versions_behind(sb, ACTIVE), only("blue"));
    st.stable_rs
}

/// Updates the image and waits for the blue-green pause on the new revision; its hash.
async fn update_and_pause(sb: &Sandbox, tag: &str, stable: &str) -> String {
    set_image(sb, tag).await;
    let ro = wait_for("paused on a new revision", 90, || async {
        let ro = get(sb, NAME).await?;
        let st = ro.status.as_ref()?;
        (phase(&ro) == "Paused" && st.current_pod_hash != stable && !st.current_pod_hash.is_empty())
            .then_some(ro)
    })
    .await;
    let st = ro.status.expect("status");
    assert_eq!(st.message, "BlueGreenPause");
    st.current_pod_hash
}

async fn promote_full_then_scale_down_after_the_delay(sb: &Sandbox) {
    apply_example(sb, &[("scaleDownDelaySeconds: 30", "scaleDownDelaySeconds: 3")]);
    let blue = first_revision_healthy(sb).await;
    let green = update_and_pause(sb, "green", &blue).await;
    wait_for("both revisions fully available", 60, || async {
        let sets = replica_sets(sb).await;
        (sets.get(&green) == Some(&(3, 3)) && sets.get(&blue) == Some(&(3, 3))).then_some(())
    })
    .await;
    wait_for("the preview Service on the new revision", 30, || async {
        (selected(sb, PREVIEW).await == green).then_some(())
    })
    .await;
    assert_eq!(selected(sb, ACTIVE).await, blue);
    assert_eq!(versions_behind(sb, ACTIVE), only("blue"));
    assert_eq!(versions_behind(sb, PREVIEW), only("green"));

    // `kubectl argo rollouts promote --full`.
    merge_patch(sb, NAME, true, json!({"status": {"promoteFull": true}})).await;
    wait_for("the active Service on the new pods", 60, || async {
        (selected(sb, ACTIVE).await == green).then_some(())
    })
    .await;
    let switched = Instant::now();
    assert_eq!(versions_behind(sb, ACTIVE), only("green"));
    let ro = phase_on(sb, "Healthy", &green, "Healthy on the new revision").await;
    let st = ro.status.expect("status");
    assert_eq!((st.stable_rs.as_str(), st.promote_full), (green.as_str(), false));

    // The old ReplicaSet waits out its scale-down delay with its pods (annotated), then goes to 0.
    // (The annotation comes with the reconcile after the promotion.)
    let rss: Api<ReplicaSet> = Api::namespaced(sb.client(), "default");
    wait_for(
        "the old ReplicaSet kept at 3 with a scale-down deadline",
        30,
        || async {
            let old = rss.get(&format!("{NAME}-{blue}")).await.ok()?;
            (old.spec.replicas == Some(3) && old.annotations().contains_key("scale-down-deadline"))
                .then_some(())
        },
    )
    .await;
    wait_for("the old ReplicaSet scaled to 0", 60, || async {
        (replica_sets(sb).await.get(&blue) == Some(&(0, 0))).then_some(())
    })
    .await;
    let waited = switched.elapsed().as_secs_f64();
    assert!(
        waited >= 2.0,
        "scaled down {waited:.1}s after the switch, before the 3 s delay"
    );
}

async fn abort_then_back_to_stable(sb: &Sandbox) {
    apply_example(
        sb,
        &[(
            "scaleDownDelaySeconds: 30",
            "scaleDownDelaySeconds: 30\n      abortScaleDownDelaySeconds: 1",
        )],
    );
    let blue = first_revision_healthy(sb).await;
    let green = update_and_pause(sb, "green", &blue).await;

    // `kubectl argo rollouts abort`.
    merge_patch(sb, NAME, true, json!({"status": {"abort": true}})).await;
    let ro = phase_on(sb, "Degraded", &green, "Degraded after the abort").await;
    let st = ro.status.expect("status");
    assert_eq!(st.message, "RolloutAborted: Rollout aborted update to revision 2");
    assert!(st.pause_conditions.is_empty());
    assert_eq!(selected(sb, ACTIVE).await, blue);
    assert_eq!(versions_behind(sb, ACTIVE), only("blue"));
    // As in Argo, the preview Service keeps selecting the aborted revision, scaled down after the
    // abort delay.
    wait_for("the aborted ReplicaSet scaled to 0", 60, || async {
        (replica_sets(sb).await.get(&green) == Some(&(0, 0))).then_some(())
    })
    .await;
    assert_eq!(replica_sets(sb).await.get(&blue), Some(&(3, 3)));

    // Setting the image back to the stable one: Healthy at once, no new ReplicaSet.
    let before = replica_sets(sb).await.len();
    set_image(sb, "blue").await;
    let ro = phase_on(sb, "Healthy", &blue, "Healthy on the stable revision").await;
    let st = ro.status.expect("status");
    assert_eq!((st.stable_rs.as_str(), st.abort), (blue.as_str(), false));
    assert_eq!(replica_sets(sb).await.len(), before, "no new ReplicaSet");
    assert_eq!(selected(sb, ACTIVE).await, blue);
    wait_for("the preview back on the stable revision", 30, || async {
        (selected(sb, PREVIEW).await == blue).then_some(())
    })
    .await;
}

async fn auto_promotion_seconds(sb: &Sandbox) {
    apply_example(sb, &[("autoPromotionEnabled: false", "autoPromotionSeconds: 2")]);
    let blue = first_revision_healthy(sb).await;
    let green = update_and_pause(sb, "green", &blue).await;
    let ro = get(sb, NAME).await.expect("rollout");
    let started = ro
        .status
        .as_ref()
        .and_then(|s| s.pause_conditions.first())
        .and_then(|p| p.start_time.as_ref())
        .map(|t| t.0)
        .expect("the pause's start time");
    // Read before `read_by`: if that is within the 2 s, the active Service cannot have switched yet.
    let active = selected(sb, ACTIVE).await;
    let read_by = jiff::Timestamp::now();
    if read_by < started + jiff::SignedDuration::from_millis(1800) {
        assert_eq!(active, blue, "switched before autoPromotionSeconds");
    }
    let ro = phase_on(sb, "Healthy", &green, "promoted by itself").await;
    assert_eq!(ro.status.expect("status").stable_rs, green);
    assert_eq!(selected(sb, ACTIVE).await, green);
    assert_eq!(versions_behind(sb, ACTIVE), only("green"));
}

async fn preview_replica_count(sb: &Sandbox) {
    apply_example(
        sb,
        &[(
            "autoPromotionEnabled: false",
            "autoPromotionEnabled: false\n      previewReplicaCount: 1",
        )],
    );
    let blue = first_revision_healthy(sb).await;
    let green = update_and_pause(sb, "green", &blue).await;
    wait_for("a one-pod preview next to the three stable pods", 60, || async {
        let sets = replica_sets(sb).await;
        (sets.get(&blue) == Some(&(3, 3)) && sets.get(&green) == Some(&(1, 1))).then_some(())
    })
    .await;

    // `kubectl argo rollouts promote`: the new ReplicaSet is scaled to 3 before the active switch.
    merge_patch(sb, NAME, true, json!({"status": {"pauseConditions": null}})).await;
    let at_switch = wait_for("the active Service switched", 60, || async {
        let sets = replica_sets(sb).await;
        (selected(sb, ACTIVE).await == green).then(|| sets.get(&green).copied())
    })
    .await;
    assert_eq!(
        at_switch,
        Some((3, 3)),
        "the switch waited for the full new ReplicaSet"
    );
    let ro = phase_on(sb, "Healthy", &green, "Healthy on the new revision").await;
    assert!(!ro.status.expect("status").blue_green.scale_up_preview_check_point);
}

/// The `role` label of the running pods by pod-template hash.
async fn roles(sb: &Sandbox) -> BTreeMap<String, BTreeSet<String>> {
    let pods: Api<Pod> = Api::namespaced(sb.client(), "default");
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

async fn active_and_preview_metadata(sb: &Sandbox) {
    apply_example(
        sb,
        &[(
            "scaleDownDelaySeconds: 30",
            "scaleDownDelaySeconds: 1\n      activeMetadata:\n        labels:\n          role: active\n      \
             previewMetadata:\n        labels:\n          role: preview",
        )],
    );
    let blue = first_revision_healthy(sb).await;
    wait_for("the first pods labelled active", 30, || async {
        (roles(sb).await.get(&blue) == Some(&only("active"))).then_some(())
    })
    .await;

    let green = update_and_pause(sb, "green", &blue).await;
    wait_for("new pods labelled preview, old ones active", 30, || async {
        let roles = roles(sb).await;
        (roles.get(&green) == Some(&only("preview")) && roles.get(&blue) == Some(&only("active")))
            .then_some(())
    })
    .await;

    merge_patch(sb, NAME, true, json!({"status": {"pauseConditions": null}})).await;
    phase_on(sb, "Healthy", &green, "Healthy on the new revision").await;
    wait_for(
        "the promoted pods relabelled active, the old ones gone",
        60,
        || async {
            let roles = roles(sb).await;
            (roles.get(&green) == Some(&only("active")) && !roles.contains_key(&blue)).then_some(())
        },
    )
    .await;
}

/// The invariant [`ACTIVE_READY`].
fn active_ready_check() -> Box<dyn common::invariants::Check> {
    check_fn(ACTIVE_READY, |t, f| {
        let selects = t
            .after
            .services
            .get(ACTIVE)
            .and_then(|s| s.spec.as_ref())
            .and_then(|s| s.selector.as_ref())
            .is_some_and(|s| s.contains_key(HASH_LABEL));
        if !selects {
            return;
        }
        let ready = t.after.endpoints.get(ACTIVE).map_or(0, |ep| {
            ep.subsets
                .iter()
                .flatten()
                .map(|s| s.addresses.as_ref().map_or(0, Vec::len))
                .sum::<usize>()
        });
        if ready > 0 {
            f.held();
        } else {
            f.violated(format!(
                "{}: the active Service has no ready endpoint",
                t.describe()
            ));
        }
    })
}

/// Runs `body` in a fresh sandbox under `disruption` (points drawn within `writes` API writes) with the
/// active-endpoints invariant, which must have applied.
async fn run<F>(body: F, disruption: Disruption, writes: u64)
where
    F: AsyncFnOnce(&Sandbox),
{
    let sb = sandbox_with_traffic().await;
    let active_ready = active_ready_check();
    // The canary checks' availability floor holds for blue-green too (blueGreen.maxUnavailable); the
    // other two skip anything that is not a basic canary.
    let mut checks = common::invariants::checks::canary();
    checks.push(active_ready);
    let harness = Harness::start_with_checks(&sb, disruption, writes, checks);
    body(&sb).await;
    let (report, _) = harness.finish().await;
    assert!(
        report.applied(ACTIVE_READY) > 0,
        "the invariant never applied: {report:?}"
    );
}

common::scenario!(
    the_active_service_keeps_the_old_pods_until_promote_full_then_the_old_ones_go_after_the_delay,
    promote_full_then_scale_down_after_the_delay,
    writes = 40
);
common::scenario!(
    abort_before_promotion_keeps_the_active_on_stable_and_the_stable_image_is_healthy_at_once,
    abort_then_back_to_stable,
    writes = 40
);
common::scenario!(
    auto_promotion_seconds_promotes_by_itself,
    auto_promotion_seconds,
    writes = 30
);
common::scenario!(
    preview_replica_count_runs_a_smaller_preview_then_scales_up_before_the_switch,
    preview_replica_count,
    writes = 30
);
common::scenario!(
    active_and_preview_metadata_follow_the_pods_through_an_update,
    active_and_preview_metadata,
    writes = 30
);

/// The invariant is not vacuous: a controller that points the active Service wherever it points the
/// preview (at a ReplicaSet without a ready pod yet) is caught.
#[tokio::test]
async fn the_invariant_watcher_catches_a_controller_that_switches_the_active_service_too_early() {
    use common::invariants::Invariants;
    use rollouts_core::{Action, Snapshot};
    let sb = sandbox_with_traffic().await;
    let watcher = Invariants::start(&sb, "default", vec![active_ready_check()]);
    let sabotaged = |s: &Snapshot| {
        let mut plan = rollouts_core::planner::plan(s);
        let early: Vec<Action> = plan
            .actions
            .iter()
            .filter_map(|a| match a {
                Action::PatchService { name, patch } if name == PREVIEW => Some(Action::PatchService {
                    name: ACTIVE.to_owned(),
                    patch: patch.clone(),
                }),
                _ => None,
            })
            .collect();
        plan.actions.extend(early);
        plan
    };
    let running = common::start_with(rollouts_controller::RolloutController::new(
        sb.client(),
        common::settings(),
        sabotaged,
    ));
    apply_example(&sb, &[]);
    let blue = first_revision_healthy(&sb).await;
    set_image(&sb, "green").await;
    wait_for("the active Service switched early", 60, || async {
        (selected(&sb, ACTIVE).await != blue).then_some(())
    })
    .await;
    running.stop().await;
    let report = watcher.stop().await;
    assert!(
        report
            .violations
            .iter()
            .any(|v| v.contains("the active Service has no ready endpoint")),
        "caught nothing: {report:?}"
    );
}
