//! Gathering a [`Snapshot`] of one Rollout from the caches (Argo's `newRolloutContext` before any API
//! call): its ReplicaSets (owned, plus orphans its selector matches), their Pods, the Services its
//! strategy names, its AnalysisRuns and Experiments, and the templates it references.
//!
//! Lists are sorted by name so that a plan never depends on hash-map order.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::jiff::Timestamp;
use kube::core::{Selector, SelectorExt};
use kube::runtime::reflector::ObjectRef;
use kube::{Resource, ResourceExt};
use rollouts_api::{AnalysisTemplateRef, Rollout};
use rollouts_core::Snapshot;

use crate::cache::{Caches, referenced_services};

/// The UID of `meta`'s controller ownerReference.
fn controller_uid(meta: &ObjectMeta) -> Option<&str> {
    meta.owner_references
        .as_deref()
        .unwrap_or_default()
        .iter()
        .find(|o| o.controller == Some(true))
        .map(|o| o.uid.as_str())
}

fn sorted_by_name<K: Resource>(mut v: Vec<Arc<K>>) -> Vec<Arc<K>> {
    v.sort_by(|a, b| a.meta().name.cmp(&b.meta().name));
    v
}

/// The analysis templates a rollout references: (namespaced names, cluster-scoped names).
pub fn referenced_templates(rollout: &Rollout) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut refs: Vec<(String, bool)> = Vec::new();
    let add = |refs: &mut Vec<(String, bool)>, templates: &[AnalysisTemplateRef]| {
        refs.extend(
            templates
                .iter()
                .map(|t| (t.template_name.clone(), t.is_cluster_scope())),
        );
    };
    if let Some(c) = &rollout.spec.strategy.canary {
        if let Some(bg) = &c.analysis {
            add(&mut refs, &bg.templates);
        }
        for step in &c.steps {
            if let Some(a) = &step.analysis {
                add(&mut refs, &a.templates);
            }
            if let Some(e) = &step.experiment {
                refs.extend(
                    e.analyses
                        .iter()
                        .map(|a| (a.template_name.clone(), a.cluster_scope.unwrap_or(false))),
                );
            }
        }
    }
    if let Some(bg) = &rollout.spec.strategy.blue_green {
        for a in [&bg.pre_promotion_analysis, &bg.post_promotion_analysis]
            .into_iter()
            .flatten()
        {
            add(&mut refs, &a.templates);
        }
    }
    let mut namespaced = BTreeSet::new();
    let mut cluster = BTreeSet::new();
    for (name, is_cluster) in refs.into_iter().filter(|(n, _)| !n.is_empty()) {
        if is_cluster {
            cluster.insert(name);
        } else {
            namespaced.insert(name);
        }
    }
    (namespaced, cluster)
}

/// Everything the planner may look at for `rollout`, from the caches, at `now`.
pub fn gather(caches: &Caches, rollout: Arc<Rollout>, now: Timestamp) -> Snapshot {
    let ns = rollout.namespace().unwrap_or_default();
    let uid = rollout.uid().unwrap_or_default();
    let selector = rollout
        .spec
        .selector
        .clone()
        .and_then(|s| Selector::try_from(s).ok())
        .filter(|s| !s.selects_all());
    let replica_sets = sorted_by_name(caches.replica_sets.state_filter(|rs| {
        rs.namespace().as_deref() == Some(ns.as_str())
            && match controller_uid(rs.meta()) {
                Some(owner) => owner == uid,
                // Orphans whose labels the rollout selects are adopted (`getReplicaSetsForRollouts`).
                None => {
                    rs.meta().deletion_timestamp.is_none()
                        && selector.as_ref().is_some_and(|s| s.matches(rs.labels()))
                }
            }
    }));
    let rs_uids: BTreeSet<String> = replica_sets.iter().filter_map(|rs| rs.uid()).collect();
    let pods = sorted_by_name(caches.pods.state_filter(|p| {
        p.namespace().as_deref() == Some(ns.as_str())
            && controller_uid(p.meta()).is_some_and(|owner| rs_uids.contains(owner))
    }));
    let owned = |meta: &ObjectMeta| {
        meta.namespace.as_deref() == Some(ns.as_str()) && controller_uid(meta) == Some(&uid)
    };
    let analysis_runs = sorted_by_name(caches.analysis_runs.state_filter(|a| owned(a.meta())));
    let experiments = sorted_by_name(caches.experiments.state_filter(|e| owned(e.meta())));
    let services = referenced_services(&rollout)
        .into_iter()
        .filter_map(|name| {
            let svc = caches.services.get(&ObjectRef::new(&name).within(&ns))?;
            Some((name, svc))
        })
        .collect();
    let (template_names, cluster_template_names) = referenced_templates(&rollout);
    let analysis_templates = template_names
        .into_iter()
        .filter_map(|name| {
            let t = caches
                .analysis_templates
                .get(&ObjectRef::new(&name).within(&ns))?;
            Some((name, t))
        })
        .collect();
    let cluster_analysis_templates: BTreeMap<_, _> = cluster_template_names
        .into_iter()
        .filter_map(|name| {
            let t = caches.cluster_analysis_templates.get(&ObjectRef::new(&name))?;
            Some((name, t))
        })
        .collect();
    let mut snapshot = Snapshot::new(rollout, now);
    snapshot.replica_sets = replica_sets;
    snapshot.pods = pods;
    snapshot.services = services;
    snapshot.analysis_runs = analysis_runs;
    snapshot.experiments = experiments;
    snapshot.analysis_templates = analysis_templates;
    snapshot.cluster_analysis_templates = cluster_analysis_templates;
    snapshot.invalid_spec = invalid_spec(&snapshot.rollout);
    snapshot
}

/// The `InvalidSpec` message of the first spec validation error, as Argo's `syncHandler` records it.
/// Reference checks (`validate_rollout_referenced_resources`) are not run yet: a missing Service stops
/// the planner's reconcile instead.
fn invalid_spec(rollout: &Rollout) -> Option<String> {
    let errors = rollouts_api::validation::validate_rollout(rollout);
    errors
        .first()
        .map(|e| rollouts_api::validation::invalid_spec_message(&rollout.name_any(), e))
}
