//! Blue-green fixtures, after Argo's `rollout/controller_test.go` and `service_test.go` helpers
//! (`newBlueGreenRollout`, `updateBlueGreenRolloutStatus`, `newService`, `newHealthyCondition`), and the
//! expected writes of a blue-green reconcile (Service selector switches, ReplicaSet writes).

use std::collections::BTreeMap;
use std::sync::Arc;

use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::api::core::v1::Service;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use rollouts_api::Rollout;
use rollouts_api::enums::PauseReason;
use rollouts_api::keys::{POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION};
use rollouts_api::rollout::PauseCondition;
use rollouts_core::conditions::compute_step_hash;
use rollouts_core::{Action, Plan, Snapshot, planner};
use serde_json::{Value, json};

use super::{
    available, completed, cond, condition, events, hash, now, progressing_rollout, set_phase, snapshot, st,
};

/// `newBlueGreenRollout(name, replicas, revisionHistoryLimit, active, preview)`: Go's `newRollout` (selector
/// and template labels `foo: bar`, one container `foo/bar`, revision 1, generation 123, a Progressing
/// condition naming the rollout) with a blue-green strategy of these Services and
/// `abortScaleDownDelaySeconds: 0`, and the status's step and pod hashes. No phase and no selector, as in Go.
pub fn blue_green_rollout(
    name: &str,
    replicas: i32,
    revision_history_limit: Option<i32>,
    active: &str,
    preview: &str,
) -> Rollout {
    let mut ro: Rollout = serde_json::from_value(json!({
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Rollout",
        "metadata": {
            "name": name, "namespace": "default", "uid": format!("uid-{name}"), "generation": 123,
            "annotations": {REVISION_ANNOTATION: "1"}
        },
        "spec": {
            "replicas": replicas,
            "revisionHistoryLimit": revision_history_limit,
            "selector": {"matchLabels": {"foo": "bar"}},
            "template": {
                "metadata": {"labels": {"foo": "bar"}},
                "spec": {"containers": [{"name": "container-name", "image": "foo/bar"}]}
            },
            "strategy": {"blueGreen": {
                "activeService": active, "previewService": preview, "abortScaleDownDelaySeconds": 0
            }}
        },
        "status": {"conditions": [progressing_rollout(name)]}
    }))
    .expect("rollout");
    st(&mut ro).current_step_hash = compute_step_hash(&ro);
    st(&mut ro).current_pod_hash = hash(&ro);
    ro
}

/// The rollout's blue-green strategy, to change in a test.
pub fn bg(ro: &mut Rollout) -> &mut rollouts_api::rollout::BlueGreenStrategy {
    ro.spec.strategy.blue_green.as_mut().expect("blue-green")
}

/// `updateBlueGreenRolloutStatus(r, preview, active, stable, available, updated, total, hpa, pause,
/// available, isCompleted)`: the counts (ready = available), the selector (with the active hash), the
/// Service selectors and stable hash, Available and Completed conditions appended, a BlueGreenPause with
/// `controllerPause` when `pause`, and the phase.
#[allow(clippy::too_many_arguments)]
pub fn update_blue_green_rollout_status(
    ro: &Rollout,
    preview: &str,
    active: &str,
    stable: &str,
    available_replicas: i32,
    updated: i32,
    total: i32,
    hpa: i32,
    pause: bool,
    is_available: bool,
    is_completed: bool,
) -> Rollout {
    let mut ro = ro.clone();
    let mut selector = ro.spec.selector.clone().expect("selector");
    if !active.is_empty() {
        selector
            .match_labels
            .get_or_insert_with(BTreeMap::new)
            .insert(POD_TEMPLATE_HASH_LABEL.to_owned(), active.to_owned());
    }
    let status = st(&mut ro);
    status.replicas = total;
    status.available_replicas = available_replicas;
    status.ready_replicas = available_replicas;
    status.updated_replicas = updated;
    status.hpa_replicas = hpa;
    status.selector = planner::format_label_selector(Some(&selector));
    status.blue_green.active_selector = active.to_owned();
    status.blue_green.preview_selector = preview.to_owned();
    status.stable_rs = stable.to_owned();
    status.conditions.push(condition(available(is_available)));
    status.conditions.push(condition(completed(is_completed)));
    if pause {
        status.controller_pause = true;
        status.pause_conditions.push(PauseCondition {
            reason: Some(PauseReason::BlueGreenPause),
            start_time: Some(Time(now())),
        });
    }
    set_phase(&mut ro);
    ro
}

/// `newHealthyCondition(healthy)`.
pub fn healthy(yes: bool) -> Value {
    if yes {
        cond("Healthy", "True", "RolloutHealthy", "Rollout is healthy")
    } else {
        cond("Healthy", "False", "RolloutHealthy", "Rollout is not healthy")
    }
}

/// Go's `newService(name, 80, selector, ro)`: exactly this selector (`null` for none), managed by the
/// rollout `managed_by` when given.
pub fn go_service(name: &str, selector: Value, managed_by: Option<&str>) -> Service {
    let annotations = managed_by.map(|m| json!({"argo-rollouts.argoproj.io/managed-by-rollouts": m}));
    serde_json::from_value(json!({
        "metadata": {"name": name, "namespace": "default", "annotations": annotations},
        "spec": {"selector": selector, "ports": [{"protocol": "TCP", "port": 80, "targetPort": 80}]}
    }))
    .expect("service")
}

/// `go_service` selecting only this pod hash, managed by `foo`.
pub fn hash_service(name: &str, selected_hash: &str) -> Service {
    go_service(name, json!({POD_TEMPLATE_HASH_LABEL: selected_hash}), Some("foo"))
}

/// A snapshot of the rollout, ReplicaSets and Services at [`now`].
pub fn snapshot_with_services(ro: &Rollout, rss: &[ReplicaSet], services: &[Service]) -> Snapshot {
    let mut snap = snapshot(ro, rss);
    snap.services = services
        .iter()
        .map(|s| (s.metadata.name.clone().expect("name"), Arc::new(s.clone())))
        .collect();
    snap
}

/// The selector-switch patch of a managed Service (Go's `switchSelectorPatch`).
pub fn switch_selector(name: &str, hash: &str) -> Action {
    Action::PatchService {
        name: name.to_owned(),
        patch: json!({"spec": {"selector": {POD_TEMPLATE_HASH_LABEL: hash}}}),
    }
}

/// A ReplicaSet write of the scale and/or these annotations (`None` removes one).
pub fn rs_write(name: &str, replicas: Option<i32>, annotations: &[(&str, Option<&str>)]) -> Action {
    Action::UpdateReplicaSet(Box::new(rollouts_core::ReplicaSetUpdate {
        name: name.to_owned(),
        replicas,
        annotations: annotations
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.map(str::to_owned)))
            .collect(),
        ..Default::default()
    }))
}

/// The `(reason, message)` of the plan's Events, reasons only.
pub fn event_reasons(plan: &Plan) -> Vec<String> {
    events(plan).into_iter().map(|e| e.reason.clone()).collect()
}
