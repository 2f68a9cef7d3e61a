//! Fixtures for the planner tests, after Argo's `rollout/controller_test.go` helpers (`newCanaryRollout`,
//! `bumpVersion`, `newReplicaSetWithStatus`, `updateCanaryRolloutStatus`, the condition builders), built
//! from JSON literals; and a tiny pure cluster that applies a plan's actions to its objects, for the
//! two-reconcile table tests and the simulations.

#![allow(dead_code)]

mod bluegreen;

#[allow(unused_imports)] // not every test binary uses the blue-green fixtures
pub use bluegreen::*;

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use k8s_openapi::api::apps::v1::{ReplicaSet, ReplicaSetStatus};
use k8s_openapi::api::core::v1::{Pod, Service};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use rollouts_api::enums::PauseReason;
use rollouts_api::keys::{DESIRED_REPLICAS_ANNOTATION, POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION};
use rollouts_api::rollout::PauseCondition;
use rollouts_api::{Rollout, RolloutStatus};
use rollouts_core::conditions::{compute_step_hash, set_rollout_condition};
use rollouts_core::phase::calculate_rollout_phase;
use rollouts_core::{Action, Event, Plan, Snapshot, merge_patch, planner};
use serde_json::{Value, json};

pub mod sim;

/// The frozen instant of the table tests (whole seconds, as Kubernetes times are).
pub fn now() -> Timestamp {
    "2026-08-20T12:00:00Z".parse().expect("fixed time")
}

/// `now + seconds`.
pub fn at(seconds: i64) -> Timestamp {
    now() + SignedDuration::from_secs(seconds)
}

/// A time as Kubernetes writes it.
pub fn ts(t: Timestamp) -> String {
    jiff::fmt::strtime::format("%Y-%m-%dT%H:%M:%SZ", t).expect("format")
}

/// The pod-template hash of the rollout's template.
pub fn hash(ro: &Rollout) -> String {
    let collision = ro.status.as_ref().and_then(|s| s.collision_count);
    rollouts_api::hash::pod_template_hash_typed(&ro.spec.template, collision).expect("hash")
}

/// `rollout.status`, created if missing.
pub fn st(ro: &mut Rollout) -> &mut RolloutStatus {
    ro.status.get_or_insert_with(Default::default)
}

/// Go's `CalculateRolloutPhase` written into the status.
pub fn set_phase(ro: &mut Rollout) {
    let status = ro.status.clone().unwrap_or_default();
    let (phase, message) = calculate_rollout_phase(&ro.spec, &status);
    st(ro).phase = Some(phase);
    st(ro).message = message;
}

/// A condition as the planner writes it at [`now`].
pub fn cond(type_: &str, status: &str, reason: &str, message: &str) -> Value {
    json!({"type": type_, "status": status, "lastUpdateTime": ts(now()), "lastTransitionTime": ts(now()),
           "reason": reason, "message": message})
}

/// `newProgressingCondition(ReplicaSetUpdated, rollout)`.
pub fn progressing_rollout(name: &str) -> Value {
    cond(
        "Progressing",
        "True",
        "ReplicaSetUpdated",
        &format!("Rollout \"{name}\" is progressing."),
    )
}

/// `newProgressingCondition(ReplicaSetUpdated, rs)`.
pub fn progressing_rs(rs_name: &str) -> Value {
    cond(
        "Progressing",
        "True",
        "ReplicaSetUpdated",
        &format!("ReplicaSet \"{rs_name}\" is progressing."),
    )
}

/// `newAvailableCondition(available)`.
pub fn available(yes: bool) -> Value {
    if yes {
        cond(
            "Available",
            "True",
            "AvailableReason",
            "Rollout has minimum availability",
        )
    } else {
        cond(
            "Available",
            "False",
            "AvailableReason",
            "Rollout does not have minimum availability",
        )
    }
}

/// `newCompletedCondition(completed)`.
pub fn completed(yes: bool) -> Value {
    cond(
        "Completed",
        if yes { "True" } else { "False" },
        "RolloutCompleted",
        "RolloutCompleted",
    )
}

/// `newPausedCondition(paused)`.
pub fn paused(yes: bool) -> Value {
    cond(
        "Paused",
        if yes { "True" } else { "False" },
        "RolloutPaused",
        "Rollout is paused",
    )
}

/// A condition value as the API type.
pub fn condition(value: Value) -> rollouts_api::rollout::RolloutCondition {
    serde_json::from_value(value).expect("condition")
}

/// `newCanaryRollout(name, replicas, nil, steps, stepIndex, maxSurge, maxUnavailable)`: selector and
/// template labels `foo: bar`, one container `foo/bar`, revision 1, generation 123, a Progressing
/// condition, and the status hashes, selector and phase of an observed rollout.
pub fn canary_rollout(
    name: &str,
    replicas: i32,
    steps: Value,
    step_index: Option<i32>,
    max_surge: Value,
    max_unavailable: Value,
) -> Rollout {
    let mut ro: Rollout = serde_json::from_value(json!({
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Rollout",
        "metadata": {
            "name": name, "namespace": "default", "uid": format!("uid-{name}"), "generation": 123,
            "labels": {"custom": "label"},
            "annotations": {REVISION_ANNOTATION: "1"}
        },
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"foo": "bar"}},
            "template": {
                "metadata": {"labels": {"foo": "bar"}},
                "spec": {"containers": [{"name": "container-name", "image": "foo/bar"}]}
            },
            "strategy": {"canary": {"maxSurge": max_surge, "maxUnavailable": max_unavailable, "steps": steps}}
        },
        "status": {"conditions": [progressing_rollout(name)]}
    }))
    .expect("rollout");
    st(&mut ro).current_step_index = step_index;
    st(&mut ro).current_step_hash = compute_step_hash(&ro);
    st(&mut ro).current_pod_hash = hash(&ro);
    st(&mut ro).selector = "foo=bar".to_owned();
    set_phase(&mut ro);
    ro
}

/// `bumpVersion`: the next generation, revision and image (`foo/bar<revision>`).
pub fn bump_version(ro: &Rollout) -> Rollout {
    let mut ro = ro.clone();
    ro.metadata.generation = Some(ro.metadata.generation.unwrap_or(0) + 1);
    let annotations = ro.metadata.annotations.get_or_insert_with(BTreeMap::new);
    let revision: i64 = annotations
        .get(REVISION_ANNOTATION)
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
        + 1;
    annotations.insert(REVISION_ANNOTATION.to_owned(), revision.to_string());
    let spec = ro.spec.template.spec.as_mut().expect("pod spec");
    spec.containers[0].image = Some(format!("foo/bar{revision}"));
    st(&mut ro).current_pod_hash = hash(&ro);
    st(&mut ro).current_step_hash = compute_step_hash(&ro);
    set_phase(&mut ro);
    ro
}

/// `newReplicaSet(rollout, replicas)`: `<rollout>-<hash>`, controlled by the rollout, with the rollout's
/// revision and replicas in its annotations.
pub fn new_replica_set(ro: &Rollout, replicas: i32) -> ReplicaSet {
    let hash = hash(ro);
    let name = format!("{}-{hash}", ro.metadata.name.as_deref().unwrap_or_default());
    let labels = json!({POD_TEMPLATE_HASH_LABEL: hash, "foo": "bar"});
    let revision = ro
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(REVISION_ANNOTATION))
        .cloned();
    let mut template = serde_json::to_value(&ro.spec.template).expect("template");
    template["metadata"]["labels"] = labels.clone();
    serde_json::from_value(json!({
        "metadata": {
            "name": name, "namespace": "default", "uid": format!("uid-{name}"), "labels": labels,
            "ownerReferences": [{"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
                                 "name": ro.metadata.name, "uid": ro.metadata.uid,
                                 "controller": true, "blockOwnerDeletion": true}],
            "annotations": {DESIRED_REPLICAS_ANNOTATION: ro.spec.replicas.unwrap_or(1).to_string(),
                            REVISION_ANNOTATION: revision}
        },
        "spec": {"replicas": replicas, "selector": {"matchLabels": labels}, "template": template}
    }))
    .expect("replica set")
}

/// `newReplicaSetWithStatus(rollout, replicas, available)`.
pub fn new_replica_set_with_status(ro: &Rollout, replicas: i32, available: i32) -> ReplicaSet {
    let mut rs = new_replica_set(ro, replicas);
    rs.status = Some(ReplicaSetStatus {
        replicas,
        available_replicas: Some(available),
        ready_replicas: Some(available),
        ..Default::default()
    });
    rs
}

/// `updateCanaryRolloutStatus(r, stableRS, available, updated, hpa, pause)`.
pub fn update_canary_rollout_status(
    ro: &Rollout,
    stable: &str,
    available: i32,
    updated: i32,
    hpa: i32,
    pause: bool,
) -> Rollout {
    let mut ro = ro.clone();
    let status = st(&mut ro);
    status.replicas = available;
    status.available_replicas = available;
    status.ready_replicas = available;
    status.updated_replicas = updated;
    status.hpa_replicas = hpa;
    status.stable_rs = stable.to_owned();
    if pause {
        status.controller_pause = true;
        status.pause_conditions.push(PauseCondition {
            reason: Some(PauseReason::CanaryPauseStep),
            start_time: Some(Time(now())),
        });
    }
    set_phase(&mut ro);
    ro
}

/// A Service, optionally selecting a pod hash and managed by a rollout.
pub fn new_service(name: &str, selected_hash: Option<&str>, managed_by: Option<&str>) -> Service {
    let mut selector = json!({"app": "foo"});
    if let Some(h) = selected_hash {
        selector[POD_TEMPLATE_HASH_LABEL] = json!(h);
    }
    let annotations = managed_by.map(|m| json!({"argo-rollouts.argoproj.io/managed-by-rollouts": m}));
    serde_json::from_value(json!({
        "metadata": {"name": name, "namespace": "default", "annotations": annotations},
        "spec": {"selector": selector, "ports": [{"port": 80}]}
    }))
    .expect("service")
}

/// A pod of `rs`, created at `created`, Ready since then.
pub fn new_pod(name: &str, rs: &ReplicaSet, created: Timestamp) -> Pod {
    serde_json::from_value(json!({
        "metadata": {
            "name": name, "namespace": "default", "creationTimestamp": ts(created),
            "labels": rs.spec.selector.match_labels,
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs.metadata.name,
                                 "uid": rs.metadata.uid, "controller": true, "blockOwnerDeletion": true}]
        },
        "status": {"conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": ts(created)}]}
    }))
    .expect("pod")
}

/// A ReplicaSet's name.
pub fn rs_name(rs: &k8s_openapi::api::apps::v1::ReplicaSet) -> String {
    rs.metadata.name.clone().expect("name")
}

/// `newProgressingCondition(RolloutPausedReason, ...)` and `newPausedCondition(true)` on the rollout.
pub fn set_paused_conditions(ro: &mut rollouts_api::Rollout) {
    set_rollout_condition(
        st(ro),
        condition(cond(
            "Progressing",
            "Unknown",
            "RolloutPaused",
            "Rollout is paused",
        )),
    );
    set_rollout_condition(st(ro), condition(paused(true)));
}

/// A snapshot of the rollout and ReplicaSets at [`now`].
pub fn snapshot(ro: &Rollout, rss: &[ReplicaSet]) -> Snapshot {
    let mut snap = Snapshot::new(ro.clone(), now());
    snap.replica_sets = rss.iter().cloned().map(Arc::new).collect();
    snap
}

/// The JSON merge patch the executor would send for the plan's status, `None` when nothing changes.
///
/// `status.duration` is left out of both sides: Argo's unit tests (ported here) predate its duration
/// tracking, which `rollouts_core::duration`'s own tests and the simulations cover.
pub fn status_patch(ro: &Rollout, plan: &Plan) -> Option<Value> {
    let mut old = ro.status.clone().unwrap_or_default();
    let mut new = plan.status.clone()?;
    old.duration = None;
    new.duration = None;
    merge_patch::status_patch(&old, &new).expect("serialises")
}

/// `status_patch` without its `conditions` (Go's `getPatchedRolloutWithoutConditions`).
pub fn status_patch_without_conditions(ro: &Rollout, plan: &Plan) -> Value {
    let mut patch = status_patch(ro, plan).unwrap_or_else(|| json!({"status": {}}));
    if let Some(status) = patch["status"].as_object_mut() {
        status.remove("conditions");
    }
    patch
}

/// The ReplicaSet updates of the plan, in order.
pub fn rs_updates(plan: &Plan) -> Vec<&rollouts_core::ReplicaSetUpdate> {
    plan.actions
        .iter()
        .filter_map(|a| match a {
            Action::UpdateReplicaSet(u) => Some(&**u),
            _ => None,
        })
        .collect()
}

/// The `(name, replicas)` of the plan's scaling updates.
pub fn scalings(plan: &Plan) -> Vec<(String, i32)> {
    rs_updates(plan)
        .into_iter()
        .filter_map(|u| u.replicas.map(|r| (u.name.clone(), r)))
        .collect()
}

/// The ReplicaSets the plan creates.
pub fn created(plan: &Plan) -> Vec<&ReplicaSet> {
    plan.actions
        .iter()
        .filter_map(|a| match a {
            Action::CreateReplicaSet(rs) => Some(&**rs),
            _ => None,
        })
        .collect()
}

/// The plan's Events.
pub fn events(plan: &Plan) -> Vec<&Event> {
    plan.actions
        .iter()
        .filter_map(|a| match a {
            Action::Event(e) => Some(e),
            _ => None,
        })
        .collect()
}

/// The `(reason, message)` of the plan's Events.
pub fn event_texts(plan: &Plan) -> Vec<(String, String)> {
    events(plan)
        .into_iter()
        .map(|e| (e.reason.clone(), e.message.clone()))
        .collect()
}

/// The plan's actions other than Events.
pub fn writes(plan: &Plan) -> Vec<&Action> {
    plan.actions
        .iter()
        .filter(|a| !matches!(a, Action::Event(_)))
        .collect()
}

/// RFC 7386 application.
pub fn json_merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    t.remove(k);
                } else {
                    json_merge(t.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}

fn merged<T: serde::Serialize + serde::de::DeserializeOwned>(object: &T, patch: &Value) -> T {
    let mut value = serde_json::to_value(object).expect("serialise");
    json_merge(&mut value, patch);
    serde_json::from_value(value).expect("deserialise")
}

/// A tiny pure cluster: the rollout, its ReplicaSets, Services and pods, and what a plan does to them.
/// ReplicaSet statuses only change in [`Cluster::kubelet`]; a `tick` of the simulations plans, applies,
/// then runs the kubelet.
#[derive(Clone, Debug)]
pub struct Cluster {
    pub rollout: Rollout,
    pub replica_sets: Vec<ReplicaSet>,
    pub services: BTreeMap<String, Service>,
    pub pods: Vec<Pod>,
    pub now: Timestamp,
    /// Every Event recorded so far.
    pub events: Vec<Event>,
    uid_counter: u64,
}

impl Cluster {
    /// A cluster holding the rollout and these ReplicaSets, at [`now`].
    pub fn new(rollout: Rollout, replica_sets: Vec<ReplicaSet>) -> Self {
        Self {
            rollout,
            replica_sets,
            services: BTreeMap::new(),
            pods: Vec::new(),
            now: now(),
            events: Vec::new(),
            uid_counter: 0,
        }
    }

    /// Adds a Service.
    pub fn with_service(mut self, service: Service) -> Self {
        self.services
            .insert(service.metadata.name.clone().expect("name"), service);
        self
    }

    /// What the controller would gather now.
    pub fn snapshot(&self) -> Snapshot {
        let mut snap = Snapshot::new(self.rollout.clone(), self.now);
        snap.replica_sets = self.replica_sets.iter().cloned().map(Arc::new).collect();
        snap.services = self
            .services
            .iter()
            .map(|(k, v)| (k.clone(), Arc::new(v.clone())))
            .collect();
        snap.pods = self.pods.iter().cloned().map(Arc::new).collect();
        snap
    }

    /// Plans a reconcile of the current state.
    pub fn plan(&self) -> Plan {
        planner::plan(&self.snapshot())
    }

    /// The ReplicaSet with this name.
    pub fn rs(&self, name: &str) -> &ReplicaSet {
        self.replica_sets
            .iter()
            .find(|rs| rs.metadata.name.as_deref() == Some(name))
            .unwrap_or_else(|| panic!("no ReplicaSet {name}"))
    }

    /// The ReplicaSet labelled with this pod hash.
    pub fn rs_by_hash(&self, hash: &str) -> Option<&ReplicaSet> {
        self.replica_sets.iter().find(|rs| {
            rs.metadata
                .labels
                .as_ref()
                .and_then(|l| l.get(POD_TEMPLATE_HASH_LABEL))
                .map(String::as_str)
                == Some(hash)
        })
    }

    /// Applies the plan's actions in order, then its status, as the executor would.
    pub fn apply(&mut self, plan: &Plan) {
        for action in &plan.actions {
            match action {
                Action::CreateReplicaSet(rs) => {
                    self.uid_counter += 1;
                    let mut rs = ReplicaSet::clone(rs);
                    rs.metadata.uid = Some(format!("uid-created-{}", self.uid_counter));
                    rs.metadata.creation_timestamp = Some(Time(self.now));
                    rs.status = Some(ReplicaSetStatus::default());
                    self.replica_sets.push(rs);
                }
                Action::UpdateReplicaSet(update) => {
                    let rs = self
                        .replica_sets
                        .iter_mut()
                        .find(|rs| rs.metadata.name.as_deref() == Some(update.name.as_str()))
                        .expect("updated ReplicaSet exists");
                    if let Some(replicas) = update.replicas {
                        rs.spec.replicas = Some(replicas);
                    }
                    let annotations = rs.metadata.annotations.get_or_insert_with(BTreeMap::new);
                    for (k, v) in &update.annotations {
                        match v {
                            Some(v) => annotations.insert(k.clone(), v.clone()),
                            None => annotations.remove(k),
                        };
                    }
                    if let Some(patch) = &update.template_patch {
                        let template = rs.spec.template.clone().unwrap_or_default();
                        rs.spec.template = Some(merged(&template, patch));
                    }
                    if let Some(seconds) = update.min_ready_seconds {
                        rs.spec.min_ready_seconds = Some(seconds);
                    }
                }
                Action::DeleteReplicaSet { name, .. } => {
                    self.replica_sets
                        .retain(|rs| rs.metadata.name.as_deref() != Some(name.as_str()));
                }
                Action::PatchService { name, patch } => {
                    let service = self.services.get_mut(name).expect("patched Service exists");
                    *service = merged(service, patch);
                }
                Action::PatchRollout { patch } => {
                    let before = self.rollout.spec.clone();
                    self.rollout = merged(&self.rollout, patch);
                    if self.rollout.spec != before {
                        self.rollout.metadata.generation =
                            Some(self.rollout.metadata.generation.unwrap_or(0) + 1);
                    }
                }
                Action::EvictPod { name } => self.pods.retain(|p| p.metadata.name.as_deref() != Some(name)),
                Action::PatchPod { name, patch } => {
                    let pod = self
                        .pods
                        .iter_mut()
                        .find(|p| p.metadata.name.as_deref() == Some(name.as_str()))
                        .expect("patched pod exists");
                    *pod = merged(pod, patch);
                }
                Action::PatchReplicaSet { name, patch } => {
                    let rs = self
                        .replica_sets
                        .iter_mut()
                        .find(|rs| rs.metadata.name.as_deref() == Some(name.as_str()))
                        .expect("patched ReplicaSet exists");
                    *rs = merged(rs, patch);
                }
                Action::Event(event) => self.events.push(event.clone()),
                other => panic!("the test cluster does not model {other:?}"),
            }
        }
        if let Some(status) = &plan.status {
            self.rollout.status = Some(status.clone());
        }
    }

    /// The kubelet and ReplicaSet controller in one step: pods created in the previous step become
    /// available, then every ReplicaSet gets the pods its `spec.replicas` asks for (new ones not yet
    /// available; removed ones gone at once). Returns whether anything changed.
    pub fn kubelet(&mut self) -> bool {
        let mut changed = false;
        for rs in &mut self.replica_sets {
            let spec = rs.spec.replicas.unwrap_or(1);
            let status = rs.status.get_or_insert_with(Default::default);
            let before = status.clone();
            let existing = status.replicas;
            let available = existing.min(spec);
            status.replicas = spec;
            status.available_replicas = Some(available);
            status.ready_replicas = Some(available);
            changed |= *status != before;
        }
        changed
    }

    /// Changes the rollout's spec as a user would (the generation moves on).
    pub fn edit_spec(&mut self, edit: impl FnOnce(&mut Rollout)) {
        edit(&mut self.rollout);
        self.rollout.metadata.generation = Some(self.rollout.metadata.generation.unwrap_or(0) + 1);
    }

    /// Changes the rollout's status as the CLI would (promote, abort, retry).
    pub fn edit_status(&mut self, edit: impl FnOnce(&mut RolloutStatus)) {
        edit(self.rollout.status.get_or_insert_with(Default::default));
    }
}
