//! Which ReplicaSets belong to a Rollout: Kubernetes' `ControllerRefManager.ClaimReplicaSets` as Argo's
//! `getReplicaSetsForRollouts` uses it (`rollout/replicaset.go`), and label selectors
//! (`metav1.LabelSelectorAsSelector`, `FormatLabelSelector`).
//!
//! Claiming keeps the ReplicaSets controlled by the Rollout that match its selector, adopts matching
//! orphans (a strategic merge patch adding the Rollout as controller owner) and releases controlled ones
//! that stopped matching (a patch deleting the owner reference). The adopted ones are used in the same
//! reconcile, as Go uses the objects its adoption patch returned.

use std::collections::BTreeMap;
use std::sync::Arc;

use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta, OwnerReference};
use rollouts_api::Rollout;
use rollouts_api::keys::API_VERSION;
use serde_json::json;

use crate::plan::Action;

/// The Rollout as the controller owner of what it creates (`metav1.NewControllerRef(rollout, Rollout)`).
pub(crate) fn controller_ref(ro: &Rollout) -> OwnerReference {
    OwnerReference {
        api_version: API_VERSION.to_owned(),
        kind: "Rollout".to_owned(),
        name: ro.metadata.name.clone().unwrap_or_default(),
        uid: ro.metadata.uid.clone().unwrap_or_default(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

/// `metav1.GetControllerOf`: the owner reference marked as controller.
pub(crate) fn controller_of(meta: &ObjectMeta) -> Option<&OwnerReference> {
    meta.owner_references
        .as_deref()
        .unwrap_or_default()
        .iter()
        .find(|r| r.controller == Some(true))
}

/// `LabelSelectorAsSelector(selector).Matches(labels)`: a nil selector matches nothing, an empty one
/// everything. A requirement with an operator Kubernetes does not know makes the selector invalid; it then
/// matches nothing (Go fails the reconcile; validation rejects such a rollout first).
pub fn selector_matches(selector: Option<&LabelSelector>, labels: Option<&BTreeMap<String, String>>) -> bool {
    let Some(selector) = selector else {
        return false;
    };
    let empty = BTreeMap::new();
    let labels = labels.unwrap_or(&empty);
    let match_labels = selector.match_labels.as_ref().unwrap_or(&empty);
    if !match_labels.iter().all(|(k, v)| labels.get(k) == Some(v)) {
        return false;
    }
    selector
        .match_expressions
        .as_deref()
        .unwrap_or_default()
        .iter()
        .all(|req| {
            let values = req.values.as_deref().unwrap_or_default();
            let value = labels.get(&req.key);
            match req.operator.as_str() {
                "In" => value.is_some_and(|v| values.contains(v)),
                "NotIn" => value.is_none_or(|v| !values.contains(v)),
                "Exists" => value.is_some(),
                "DoesNotExist" => value.is_none(),
                _ => false,
            }
        })
}

/// `metav1.FormatLabelSelector`: the selector's requirements sorted by key (`k=v`, `k in (a,b)`,
/// `k notin (a,b)`, `k`, `!k`, values sorted), joined by commas; `<none>` for a nil or empty selector,
/// `<error>` for an unknown operator.
pub fn format_label_selector(selector: Option<&LabelSelector>) -> String {
    let Some(selector) = selector else {
        return "<none>".to_owned();
    };
    let mut requirements: Vec<(String, String)> = Vec::new();
    for (k, v) in selector.match_labels.iter().flatten() {
        requirements.push((k.clone(), format!("{k}={v}")));
    }
    for req in selector.match_expressions.iter().flatten() {
        let mut values = req.values.clone().unwrap_or_default();
        values.sort();
        let key = &req.key;
        let text = match req.operator.as_str() {
            "In" => format!("{key} in ({})", values.join(",")),
            "NotIn" => format!("{key} notin ({})", values.join(",")),
            "Exists" => key.clone(),
            "DoesNotExist" => format!("!{key}"),
            _ => return "<error>".to_owned(),
        };
        requirements.push((key.clone(), text));
    }
    // Go sorts the requirements by key (`internalSelector.Add`).
    requirements.sort_by(|a, b| a.0.cmp(&b.0));
    let text = requirements
        .into_iter()
        .map(|(_, text)| text)
        .collect::<Vec<_>>()
        .join(",");
    if text.is_empty() {
        "<none>".to_owned()
    } else {
        text
    }
}

/// `ClaimReplicaSets`: the ReplicaSets of the rollout, in the snapshot's order, and the patches adopting or
/// releasing some of them. The rollout is never being deleted here (deleted rollouts are not reconciled).
pub(crate) fn claim_replica_sets(
    ro: &Rollout,
    candidates: &[Arc<ReplicaSet>],
) -> (Vec<Arc<ReplicaSet>>, Vec<Action>) {
    let uid = ro.metadata.uid.as_deref().unwrap_or_default();
    let namespace = ro.metadata.namespace.as_deref().unwrap_or_default();
    let selector = ro.spec.selector.as_ref();
    let mut claimed = Vec::new();
    let mut actions = Vec::new();
    for rs in candidates {
        let meta = &rs.metadata;
        let matches = selector_matches(selector, meta.labels.as_ref());
        let rs_name = meta.name.clone().unwrap_or_default();
        let rs_uid = meta.uid.clone().unwrap_or_default();
        match controller_of(meta) {
            Some(owner) if owner.uid != uid => {}
            Some(_) if matches => claimed.push(Arc::clone(rs)),
            Some(_) => actions.push(Action::PatchReplicaSet {
                name: rs_name,
                patch: json!({"metadata": {"ownerReferences": [{"$patch": "delete", "uid": uid}], "uid": rs_uid}}),
            }),
            None => {
                let same_namespace = namespace.is_empty() || meta.namespace.as_deref() == Some(namespace);
                if !matches || meta.deletion_timestamp.is_some() || !same_namespace {
                    continue;
                }
                let owner = controller_ref(ro);
                actions.push(Action::PatchReplicaSet {
                    name: rs_name,
                    patch: json!({"metadata": {"ownerReferences": [owner], "uid": rs_uid}}),
                });
                let mut adopted = ReplicaSet::clone(rs);
                adopted.metadata.owner_references.get_or_insert_with(Vec::new).push(owner);
                // Go continues with the object the adoption patch returned.
                adopted.metadata.resource_version = None;
                claimed.push(Arc::new(adopted));
            }
        }
    }
    (claimed, actions)
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelectorRequirement;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn expr(key: &str, op: &str, values: &[&str]) -> LabelSelectorRequirement {
        LabelSelectorRequirement {
            key: key.to_owned(),
            operator: op.to_owned(),
            values: Some(values.iter().map(|v| (*v).to_owned()).collect()),
        }
    }

    #[test]
    fn nil_matches_nothing_and_empty_matches_everything() {
        let l = labels(&[("app", "x")]);
        assert!(!selector_matches(None, Some(&l)));
        assert!(selector_matches(Some(&LabelSelector::default()), Some(&l)));
        assert_eq!(format_label_selector(None), "<none>");
        assert_eq!(format_label_selector(Some(&LabelSelector::default())), "<none>");
    }

    #[test]
    fn expressions_match_and_format_like_go() {
        let selector = LabelSelector {
            match_labels: Some(labels(&[("app", "x")])),
            match_expressions: Some(vec![
                expr("tier", "In", &["web", "api"]),
                expr("zone", "NotIn", &["b"]),
                expr("canary", "DoesNotExist", &[]),
                expr("app", "Exists", &[]),
            ]),
        };
        assert!(selector_matches(
            Some(&selector),
            Some(&labels(&[("app", "x"), ("tier", "api")]))
        ));
        assert!(!selector_matches(
            Some(&selector),
            Some(&labels(&[("app", "x"), ("tier", "db")]))
        ));
        assert!(!selector_matches(
            Some(&selector),
            Some(&labels(&[("app", "x"), ("tier", "web"), ("canary", "1")]))
        ));
        assert_eq!(
            format_label_selector(Some(&selector)),
            "app=x,app,!canary,tier in (api,web),zone notin (b)"
        );
    }
}
