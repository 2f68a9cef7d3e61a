//! Replica arithmetic of Argo's `utils/replicaset` package: surge and unavailability fenceposts
//! ([`fenceposts`]), canary weights ([`weights`]), the basic canary ([`canary`]), the traffic-routed canary
//! ([`traffic_routed`]), blue-green ([`bluegreen`]), helpers over ReplicaSet lists ([`sets`]), and finding
//! the ReplicaSet of the current template ([`find_new`], with Kubernetes' pod-template defaults in
//! [`pod_defaults`]).
//!
//! Functions take the Go arguments as borrowed Rust values: a Go `*appsv1.ReplicaSet` that may be nil is an
//! `Option<&ReplicaSet>`, a `[]*appsv1.ReplicaSet` is a slice of anything that borrows a `ReplicaSet`
//! (`&[ReplicaSet]` or `&[&ReplicaSet]`; Rust slices have no nil entries, which Go skips anyway).
//!
//! The accessors below read the ReplicaSet fields that Go dereferences directly. Go panics on a nil
//! `spec.replicas`; the API server always defaults it to 1, and so do we.

pub mod bluegreen;
pub mod canary;
pub mod fenceposts;
pub mod find_new;
pub mod pod_defaults;
pub mod sets;
pub mod traffic_routed;
pub mod weights;

use k8s_openapi::api::apps::v1::ReplicaSet;
use rollouts_api::keys::POD_TEMPLATE_HASH_LABEL;

/// `*rs.Spec.Replicas`, with the API server's default of 1 when unset.
pub fn spec_replicas(rs: &ReplicaSet) -> i32 {
    rs.spec.replicas.unwrap_or(1)
}

/// `rs.Spec.Replicas` as stored (`None` when unset).
pub fn spec_replicas_opt(rs: &ReplicaSet) -> Option<i32> {
    rs.spec.replicas
}

/// `rs.Status.Replicas` (0 without a status).
pub fn status_replicas(rs: &ReplicaSet) -> i32 {
    rs.status.as_ref().map_or(0, |s| s.replicas)
}

/// `rs.Status.ReadyReplicas` (0 when unset).
pub fn ready_replicas(rs: &ReplicaSet) -> i32 {
    rs.status.as_ref().and_then(|s| s.ready_replicas).unwrap_or(0)
}

/// `rs.Status.AvailableReplicas` (0 when unset).
pub fn available_replicas(rs: &ReplicaSet) -> i32 {
    rs.status.as_ref().and_then(|s| s.available_replicas).unwrap_or(0)
}

/// `rs.Name` (`""` when unset).
pub fn name(rs: &ReplicaSet) -> &str {
    rs.metadata.name.as_deref().unwrap_or("")
}

/// `GetPodTemplateHash`: the `rollouts-pod-template-hash` label, `""` when absent (or `rs` is nil).
pub fn pod_template_hash(rs: Option<&ReplicaSet>) -> &str {
    rs.and_then(|rs| label(rs, POD_TEMPLATE_HASH_LABEL)).unwrap_or("")
}

/// The value of a label, if present.
pub fn label<'a>(rs: &'a ReplicaSet, key: &str) -> Option<&'a str> {
    rs.metadata.labels.as_ref()?.get(key).map(String::as_str)
}

/// The value of an annotation, if present.
pub fn annotation<'a>(rs: &'a ReplicaSet, key: &str) -> Option<&'a str> {
    rs.metadata.annotations.as_ref()?.get(key).map(String::as_str)
}
