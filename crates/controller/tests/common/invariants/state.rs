//! The state the invariant watcher keeps: the namespace's Rollouts, ReplicaSets, Pods, Services and
//! Endpoints after one commit, with the views checks need (a rollout's ReplicaSets, available pods as
//! Kubernetes counts them, a one-line description for messages).

use std::collections::BTreeMap;
use std::sync::Arc;

use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::api::core::v1::{Endpoints, Pod, Service};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::ResourceExt;
use rollouts_api::Rollout;

/// The namespace as it was after one commit. Objects by name.
#[derive(Clone, Default)]
pub struct State {
    /// The resourceVersion of the last applied commit.
    pub rv: u64,
    /// The sandbox clock (milliseconds since the epoch) when the commit was applied.
    pub now_ms: i64,
    pub rollouts: BTreeMap<String, Arc<Rollout>>,
    pub replica_sets: BTreeMap<String, Arc<ReplicaSet>>,
    pub pods: BTreeMap<String, Arc<Pod>>,
    pub services: BTreeMap<String, Arc<Service>>,
    pub endpoints: BTreeMap<String, Arc<Endpoints>>,
}

/// The UID of the controller ownerReference of `meta`.
pub fn controller_uid(meta: &ObjectMeta) -> Option<&str> {
    meta.owner_references
        .as_deref()
        .unwrap_or_default()
        .iter()
        .find(|o| o.controller == Some(true))
        .map(|o| o.uid.as_str())
}

/// The `rollouts-pod-template-hash` label of a ReplicaSet.
pub fn hash_of(rs: &ReplicaSet) -> &str {
    rs.labels()
        .get("rollouts-pod-template-hash")
        .map_or("", String::as_str)
}

/// `spec.replicas` of a ReplicaSet (Kubernetes' default 1 when unset).
pub fn spec_of(rs: &ReplicaSet) -> i32 {
    rs.spec.replicas.unwrap_or(1)
}

/// Whether `pod` is available at `now_ms` as Kubernetes' `IsPodAvailable` (and the sandbox's ReplicaSet
/// controller) decides: active (not being deleted, not Succeeded/Failed), `Ready=True`, and Ready for
/// more than `min_ready_seconds`.
pub fn pod_is_available(pod: &Pod, min_ready_seconds: i32, now_ms: i64) -> bool {
    if pod.metadata.deletion_timestamp.is_some() {
        return false;
    }
    let Some(status) = &pod.status else {
        return false;
    };
    if matches!(status.phase.as_deref(), Some("Succeeded" | "Failed")) {
        return false;
    }
    let Some(ready) = status
        .conditions
        .as_deref()
        .unwrap_or_default()
        .iter()
        .find(|c| c.type_ == "Ready" && c.status == "True")
    else {
        return false;
    };
    if min_ready_seconds <= 0 {
        return true;
    }
    ready
        .last_transition_time
        .as_ref()
        .is_some_and(|since| since.0.as_millisecond() + i64::from(min_ready_seconds) * 1000 < now_ms)
}

impl State {
    /// The ReplicaSets `ro` controls, by name.
    pub fn replica_sets_of<'a>(&'a self, ro: &Rollout) -> Vec<&'a ReplicaSet> {
        let uid = ro.metadata.uid.as_deref().unwrap_or_default();
        self.replica_sets
            .values()
            .map(AsRef::as_ref)
            .filter(|rs| controller_uid(&rs.metadata) == Some(uid))
            .collect()
    }

    /// The ReplicaSet of `ro` with pod-template hash `hash`.
    pub fn replica_set_with_hash<'a>(&'a self, ro: &Rollout, hash: &str) -> Option<&'a ReplicaSet> {
        if hash.is_empty() {
            return None;
        }
        self.replica_sets_of(ro)
            .into_iter()
            .find(|rs| hash_of(rs) == hash)
    }

    /// The rollout controlling `rs`.
    pub fn owner_of(&self, rs: &ReplicaSet) -> Option<&Rollout> {
        let uid = controller_uid(&rs.metadata)?;
        self.rollouts
            .values()
            .map(AsRef::as_ref)
            .find(|ro| ro.metadata.uid.as_deref() == Some(uid))
    }

    /// The pods `rs` controls that are available now.
    pub fn available_pods(&self, rs: &ReplicaSet) -> i32 {
        let uid = rs.metadata.uid.as_deref().unwrap_or_default();
        let min_ready = rs.spec.min_ready_seconds.unwrap_or(0);
        let n = self
            .pods
            .values()
            .filter(|p| controller_uid(&p.metadata) == Some(uid))
            .filter(|p| pod_is_available(p, min_ready, self.now_ms))
            .count();
        i32::try_from(n).unwrap_or(i32::MAX)
    }

    /// The available pods of all the ReplicaSets of `ro`.
    pub fn available_pods_of_rollout(&self, ro: &Rollout) -> i32 {
        self.replica_sets_of(ro)
            .into_iter()
            .map(|rs| self.available_pods(rs))
            .sum()
    }

    /// The ReplicaSets of `ro` for a message: `hash(spec N, available M, stable|canary)` each.
    pub fn describe(&self, ro: &Rollout) -> String {
        let status = ro.status.clone().unwrap_or_default();
        let sets: Vec<String> = self
            .replica_sets_of(ro)
            .into_iter()
            .map(|rs| {
                let hash = hash_of(rs);
                let role = if hash == status.stable_rs {
                    ", stable"
                } else if hash == status.current_pod_hash {
                    ", canary"
                } else {
                    ""
                };
                format!(
                    "{hash}(spec {}, available {}{role})",
                    spec_of(rs),
                    self.available_pods(rs)
                )
            })
            .collect();
        format!("ReplicaSets of {}: [{}]", ro.name_any(), sets.join(", "))
    }
}

impl State {
    /// Every rollout's phase, step, hashes and message, and its ReplicaSets, one line each.
    pub fn summary(&self) -> String {
        self.rollouts
            .values()
            .map(|ro| {
                let st = ro.status.clone().unwrap_or_default();
                format!(
                    "{} phase {:?} step {:?} stable {:?} current {:?} abort {} pauses {} message {:?}; {}",
                    ro.name_any(),
                    st.phase.map(|p| p.to_string()).unwrap_or_default(),
                    st.current_step_index,
                    st.stable_rs,
                    st.current_pod_hash,
                    st.abort,
                    st.pause_conditions.len(),
                    st.message,
                    self.describe(ro)
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}
