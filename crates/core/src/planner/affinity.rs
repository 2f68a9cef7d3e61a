//! The anti-affinity Argo injects into the new ReplicaSet's pods while an update is in progress, so that
//! canary pods avoid the nodes of the stable ones (`spec.strategy.*.antiAffinity`,
//! `utils/replicaset/replicaset.go` `GenerateReplicaSetAffinity`, `HasInjectedAntiAffinityRule`,
//! `IfInjectedAntiAffinityRuleNeedsUpdate`).

use k8s_openapi::api::core::v1::{Affinity, PodAffinityTerm, PodAntiAffinity, WeightedPodAffinityTerm};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, LabelSelectorRequirement};
use rollouts_api::Rollout;
use rollouts_api::keys::POD_TEMPLATE_HASH_LABEL;

use crate::replicas::find_new::rollout_anti_affinity;
use crate::status;

/// `CreateInjectedAntiAffinityRule`: avoid the nodes of the stable pods.
fn injected_rule(ro: &Rollout) -> PodAffinityTerm {
    PodAffinityTerm {
        label_selector: Some(LabelSelector {
            match_expressions: Some(vec![LabelSelectorRequirement {
                key: POD_TEMPLATE_HASH_LABEL.to_owned(),
                operator: "In".to_owned(),
                values: Some(vec![status(ro).stable_rs.clone()]),
            }]),
            match_labels: None,
        }),
        namespaces: Some(vec![ro.metadata.namespace.clone().unwrap_or_default()]),
        topology_key: "kubernetes.io/hostname".to_owned(),
        ..Default::default()
    }
}

/// `GenerateReplicaSetAffinity(rollout)`: the template's affinity, plus the injected rule (preferred with
/// the configured weight, else required) while a stable exists that is not the current pod hash.
pub(crate) fn generate_replica_set_affinity(ro: &Rollout, current_pod_hash: &str) -> Option<Affinity> {
    let mut affinity = ro.spec.template.spec.as_ref().and_then(|s| s.affinity.clone());
    let stable = status(ro).stable_rs.as_str();
    let Some(strategy) = rollout_anti_affinity(ro) else {
        return affinity;
    };
    if stable.is_empty() || stable == current_pod_hash {
        return affinity;
    }
    let rule = injected_rule(ro);
    let anti = affinity
        .get_or_insert_with(Affinity::default)
        .pod_anti_affinity
        .get_or_insert_with(PodAntiAffinity::default);
    if let Some(preferred) = &strategy.preferred_during_scheduling_ignored_during_execution {
        anti.preferred_during_scheduling_ignored_during_execution
            .get_or_insert_with(Vec::new)
            .push(WeightedPodAffinityTerm {
                weight: preferred.weight,
                pod_affinity_term: rule,
            });
    } else {
        anti.required_during_scheduling_ignored_during_execution
            .get_or_insert_with(Vec::new)
            .push(rule);
    }
    affinity
}

/// Whether a term selects on the pod-template hash (Go dereferences a missing label selector; here it
/// simply selects nothing).
fn selects_on_hash(term: &PodAffinityTerm) -> bool {
    term.label_selector
        .as_ref()
        .and_then(|s| s.match_expressions.as_ref())
        .is_some_and(|exprs| exprs.iter().any(|e| e.key == POD_TEMPLATE_HASH_LABEL))
}

/// `HasInjectedAntiAffinityRule`: the injected term in `affinity`, looked for in the list the strategy
/// uses (preferred, else required).
fn injected_term<'a>(affinity: Option<&'a Affinity>, ro: &Rollout) -> Option<&'a PodAffinityTerm> {
    let strategy = rollout_anti_affinity(ro)?;
    let anti = affinity?.pod_anti_affinity.as_ref()?;
    if strategy
        .preferred_during_scheduling_ignored_during_execution
        .is_some()
    {
        anti.preferred_during_scheduling_ignored_during_execution
            .iter()
            .flatten()
            .map(|w| &w.pod_affinity_term)
            .find(|t| selects_on_hash(t))
    } else {
        anti.required_during_scheduling_ignored_during_execution
            .iter()
            .flatten()
            .find(|t| selects_on_hash(t))
    }
}

/// `IfInjectedAntiAffinityRuleNeedsUpdate`: an injected rule still points at a former stable hash while an
/// update is in progress.
pub(crate) fn injected_anti_affinity_needs_update(
    affinity: Option<&Affinity>,
    ro: &Rollout,
    current_pod_hash: &str,
) -> bool {
    let stable = status(ro).stable_rs.as_str();
    let Some(term) = injected_term(affinity, ro) else {
        return false;
    };
    if stable == current_pod_hash {
        return false;
    }
    term.label_selector
        .iter()
        .flat_map(|s| s.match_expressions.iter().flatten())
        .any(|e| {
            e.key == POD_TEMPLATE_HASH_LABEL
                && e.values
                    .as_ref()
                    .and_then(|v| v.first())
                    .is_some_and(|v| v != stable)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rollout(anti_affinity: serde_json::Value, stable: &str) -> Rollout {
        serde_json::from_value(json!({
            "apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
            "metadata": {"name": "ro", "namespace": "ns"},
            "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "i"}]}},
                     "strategy": {"canary": {"antiAffinity": anti_affinity}}},
            "status": {"stableRS": stable}
        }))
        .expect("rollout")
    }

    #[test]
    fn injects_a_preferred_rule_during_an_update_only() {
        let ro = rollout(
            json!({"preferredDuringSchedulingIgnoredDuringExecution": {"weight": 40}}),
            "old",
        );
        let affinity = generate_replica_set_affinity(&ro, "new").expect("affinity");
        let value = serde_json::to_value(&affinity).expect("json");
        assert_eq!(
            value,
            json!({"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{
                "weight": 40,
                "podAffinityTerm": {
                    "labelSelector": {"matchExpressions": [{"key": "rollouts-pod-template-hash", "operator": "In", "values": ["old"]}]},
                    "namespaces": ["ns"], "topologyKey": "kubernetes.io/hostname"
                }
            }]}})
        );
        assert_eq!(
            generate_replica_set_affinity(&ro, "old"),
            None,
            "fully promoted: no rule"
        );
        assert!(!injected_anti_affinity_needs_update(Some(&affinity), &ro, "new"));
        let moved = rollout(
            json!({"preferredDuringSchedulingIgnoredDuringExecution": {"weight": 40}}),
            "other",
        );
        assert!(injected_anti_affinity_needs_update(
            Some(&affinity),
            &moved,
            "new"
        ));
    }

    #[test]
    fn injects_a_required_rule() {
        let ro = rollout(
            json!({"requiredDuringSchedulingIgnoredDuringExecution": {}}),
            "old",
        );
        let affinity = generate_replica_set_affinity(&ro, "new").expect("affinity");
        let anti = affinity.pod_anti_affinity.expect("anti");
        assert_eq!(
            anti.required_during_scheduling_ignored_during_execution
                .map(|v| v.len()),
            Some(1)
        );
    }
}
