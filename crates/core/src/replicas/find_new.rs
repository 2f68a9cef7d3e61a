//! Finding the ReplicaSet of a rollout's current pod template (`FindNewReplicaSet`,
//! `PodTemplateEqualIgnoreHash` and `RemoveInjectedAntiAffinityRule` in `utils/replicaset/replicaset.go`).
//!
//! In creation order, Go takes (1) the ReplicaSet labelled with the current pod-template hash, (2) the one
//! labelled with Kubernetes' legacy `controller.ComputeHash`, (3) the first whose template, without the
//! ephemeral metadata and the anti-affinity rule Argo injected, equals the rollout's template after
//! Kubernetes' defaulting ([`super::pod_defaults`]). Step 3 keeps an upgrade of the controller (or of its
//! hash function) from redeploying every rollout.
//!
//! Step 2 is not ported: `controller.ComputeHash` hashes Go's `spew` dump of the `PodTemplateSpec` struct,
//! whose text depends on every field of the Kubernetes release Argo was built with. A ReplicaSet it would
//! find is found by step 3 unless its template was changed since.
//!
//! Step 3 compares the two templates as Kubernetes' `Semantic.DeepEqual` does in the ways that matter
//! here: an empty list or map equals a missing one, and quantities compare by value (`"0.5"` equals
//! `"500m"`). It is a little looser than Go: an empty string or an empty object also equals a missing one
//! (Go tells a nil pointer from a pointer to an empty struct or string), see `docs/compatibility.md`.

use std::borrow::Borrow;

use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::api::core::v1::{Affinity, PodAffinityTerm, PodTemplateSpec};
use rollouts_api::Rollout;
use rollouts_api::keys::POD_TEMPLATE_HASH_LABEL;
use rollouts_api::rollout::AntiAffinity;
use serde_json::Value;

use super::label;
use super::pod_defaults::set_pod_template_defaults;
use super::sets::sort_by_creation;
use crate::ephemeral::sync_replica_set_ephemeral_pod_metadata;

/// `FindNewReplicaSet(rollout, rsList)` with the rollout's current pod-template hash `pod_hash`: the
/// ReplicaSet running the rollout's template, if any.
pub fn find_new_replica_set<'a, R: Borrow<ReplicaSet>>(
    rollout: &Rollout,
    rss: &'a [R],
    pod_hash: &str,
) -> Option<&'a R> {
    let mut sorted: Vec<&ReplicaSet> = rss.iter().map(Borrow::borrow).collect();
    sort_by_creation(&mut sorted);
    let found = sorted
        .iter()
        .find(|rs| label(rs, POD_TEMPLATE_HASH_LABEL) == Some(pod_hash))
        .or_else(|| {
            sorted.iter().find(|rs| {
                // Without the canary/stable metadata and the anti-affinity Argo injected.
                let (rs, _) = sync_replica_set_ephemeral_pod_metadata(rs, None);
                let mut live = rs.spec.template.unwrap_or_default();
                if let Some(spec) = live.spec.as_mut() {
                    spec.affinity = remove_injected_anti_affinity_rule(spec.affinity.as_ref(), rollout);
                }
                pod_template_equal_ignore_hash(&live, &rollout.spec.template)
            })
        })?;
    rss.iter().find(|r| std::ptr::eq((*r).borrow(), *found))
}

/// `PodTemplateEqualIgnoreHash(live, desired)`: the templates are equal once the hash label is removed from
/// both, `desired` is defaulted as the API server would, and the deprecated `serviceAccount` is ignored.
pub fn pod_template_equal_ignore_hash(live: &PodTemplateSpec, desired: &PodTemplateSpec) -> bool {
    let (Ok(mut live), Ok(mut desired)) = (serde_json::to_value(live), serde_json::to_value(desired)) else {
        return false;
    };
    set_pod_template_defaults(&mut desired);
    for template in [&mut live, &mut desired] {
        if let Some(labels) = template
            .pointer_mut("/metadata/labels")
            .and_then(Value::as_object_mut)
        {
            labels.remove(POD_TEMPLATE_HASH_LABEL);
        }
        if let Some(spec) = template.pointer_mut("/spec").and_then(Value::as_object_mut) {
            spec.remove("serviceAccount");
        }
    }
    semantic_eq(&prune(live), &prune(desired), false)
}

/// Removes `null`, `""`, `[]` and `{}` (after pruning their contents) from a JSON value.
fn prune(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, prune(v)))
                .filter(|(_, v)| !is_empty(v))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(prune).collect()),
        other => other,
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::Bool(_) | Value::Number(_) => false,
    }
}

/// Keys whose object values map resource names to quantities (`ResourceList`).
const RESOURCE_LISTS: [&str; 3] = ["limits", "requests", "overhead"];

/// JSON equality with quantities compared by value (`quantity`: `a` and `b` are quantities).
fn semantic_eq(a: &Value, b: &Value, quantity: bool) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) if quantity => {
            x == y || rollouts_api::hash::compare_quantities(x, y).is_ok_and(|o| o.is_eq())
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter().all(|(k, v)| {
                    let quantities = RESOURCE_LISTS.contains(&k.as_str());
                    y.get(k).is_some_and(|w| match (v, w) {
                        (Value::Object(vm), Value::Object(wm)) if quantities => {
                            vm.len() == wm.len()
                                && vm
                                    .iter()
                                    .all(|(r, q)| wm.get(r).is_some_and(|p| semantic_eq(q, p, true)))
                        }
                        _ => semantic_eq(v, w, k == "sizeLimit"),
                    })
                })
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| semantic_eq(v, w, false))
        }
        _ => a == b,
    }
}

/// `GetRolloutAffinity`: the strategy's anti-affinity when it asks for a preferred or required rule
/// (shared with the planner's injection of the rule).
pub(crate) fn rollout_anti_affinity(ro: &Rollout) -> Option<&AntiAffinity> {
    let canary = ro.canary().and_then(|c| c.anti_affinity.as_ref());
    let blue_green = ro.blue_green().and_then(|b| b.anti_affinity.as_ref());
    canary.or(blue_green).filter(|a| {
        a.preferred_during_scheduling_ignored_during_execution.is_some()
            || a.required_during_scheduling_ignored_during_execution.is_some()
    })
}

/// Whether a term selects on the pod-template hash (Go dereferences a missing label selector).
fn selects_on_hash(term: &PodAffinityTerm) -> bool {
    term.label_selector
        .as_ref()
        .and_then(|s| s.match_expressions.as_ref())
        .is_some_and(|exprs| exprs.iter().any(|e| e.key == POD_TEMPLATE_HASH_LABEL))
}

/// `RemoveInjectedAntiAffinityRule`: `affinity` without the rule Argo injected (found in the preferred
/// list when the strategy prefers, else in the required one), emptied parts removed. Go removes the found
/// index from each list the strategy sets; an index out of a list's range (where Go panics) removes
/// nothing from it.
pub fn remove_injected_anti_affinity_rule(affinity: Option<&Affinity>, ro: &Rollout) -> Option<Affinity> {
    let mut out = affinity.cloned();
    let Some(strategy) = rollout_anti_affinity(ro) else {
        return out;
    };
    let anti = affinity.and_then(|a| a.pod_anti_affinity.as_ref());
    let preferred = strategy
        .preferred_during_scheduling_ignored_during_execution
        .is_some();
    let index = anti.and_then(|anti| {
        if preferred {
            anti.preferred_during_scheduling_ignored_during_execution
                .as_ref()?
                .iter()
                .position(|w| selects_on_hash(&w.pod_affinity_term))
        } else {
            anti.required_during_scheduling_ignored_during_execution
                .as_ref()?
                .iter()
                .position(selects_on_hash)
        }
    });
    let (Some(i), Some(aff)) = (index, out.as_mut()) else {
        return out;
    };
    if let Some(anti) = aff.pod_anti_affinity.as_mut() {
        if preferred
            && let Some(terms) = anti.preferred_during_scheduling_ignored_during_execution.as_mut()
            && i < terms.len()
        {
            terms.remove(i);
        }
        if strategy
            .required_during_scheduling_ignored_during_execution
            .is_some()
            && let Some(terms) = anti.required_during_scheduling_ignored_during_execution.as_mut()
            && i < terms.len()
        {
            terms.remove(i);
        }
        if anti
            .required_during_scheduling_ignored_during_execution
            .as_ref()
            .is_some_and(Vec::is_empty)
        {
            anti.required_during_scheduling_ignored_during_execution = None;
        }
        if anti.required_during_scheduling_ignored_during_execution.is_none()
            && anti
                .preferred_during_scheduling_ignored_during_execution
                .is_none()
        {
            aff.pod_anti_affinity = None;
        }
    }
    if aff.pod_anti_affinity.is_none() && aff.pod_affinity.is_none() && aff.node_affinity.is_none() {
        return None;
    }
    out
}

#[cfg(test)]
#[path = "find_new_tests.rs"]
mod tests;
