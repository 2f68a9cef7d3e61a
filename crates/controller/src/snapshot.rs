//! Gathering a [`Snapshot`] of one Rollout from the caches (Argo's `newRolloutContext` before any API
//! call): its ReplicaSets (owned, plus orphans its selector matches), their Pods, the Services its
//! strategy names, its AnalysisRuns and Experiments, and the templates it references; and the
//! `InvalidSpec` message of Argo's `getRolloutValidationErrors` (the spec, then its references).
//!
//! Lists are sorted by name so that a plan never depends on hash-map order. Owned objects are looked up
//! through the caches' owner indexes (a reconcile costs the same whatever the fleet's size) and
//! re-checked against the cached object.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use k8s_openapi::api::core::v1::Service;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::jiff::Timestamp;
use kube::core::{Selector, SelectorExt};
use kube::runtime::reflector::{ObjectRef, Store};
use kube::{Resource, ResourceExt};
use rollouts_api::validation::{IngressRef, Lookup, ReferenceLookup, not_found_message};
use rollouts_api::{AnalysisTemplate, AnalysisTemplateRef, ClusterAnalysisTemplate, Rollout};
use rollouts_core::Snapshot;

use crate::cache::{Caches, referenced_services};
use crate::index::{ORPHANS, OwnerIndex, controller_uid};

fn sorted_by_name<K: Resource>(mut v: Vec<Arc<K>>) -> Vec<Arc<K>> {
    v.sort_by(|a, b| a.meta().name.cmp(&b.meta().name));
    v
}

/// The cached objects `index` lists under `key` that satisfy `keep`.
fn indexed<K>(
    store: &Store<K>,
    index: &OwnerIndex<K>,
    key: &str,
    keep: impl Fn(&K) -> bool,
) -> impl Iterator<Item = Arc<K>>
where
    K: Resource + Clone + 'static,
    K::DynamicType: Default + Eq + std::hash::Hash + Clone,
{
    index
        .get(key)
        .into_iter()
        .filter_map(|r| store.get(&r))
        .filter(move |k| keep(k))
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
    let in_ns = |meta: &ObjectMeta| meta.namespace.as_deref() == Some(ns.as_str());
    let owned = |meta: &ObjectMeta| in_ns(meta) && controller_uid(meta) == Some(uid.as_str());
    let mut replica_sets: Vec<Arc<_>> =
        indexed(&caches.replica_sets, &caches.replica_sets_by_owner, &uid, |rs| {
            owned(rs.meta())
        })
        .collect();
    // Orphans whose labels the rollout selects are adopted (`getReplicaSetsForRollouts`).
    if let Some(selector) = &selector {
        replica_sets.extend(indexed(
            &caches.replica_sets,
            &caches.replica_sets_by_owner,
            ORPHANS,
            |rs| {
                in_ns(rs.meta())
                    && controller_uid(rs.meta()).is_none()
                    && rs.meta().deletion_timestamp.is_none()
                    && selector.matches(rs.labels())
            },
        ));
    }
    let replica_sets = sorted_by_name(replica_sets);
    let pods = sorted_by_name(
        replica_sets
            .iter()
            .filter_map(|rs| rs.meta().uid.as_deref())
            .flat_map(|rs_uid| {
                indexed(&caches.pods, &caches.pods_by_owner, rs_uid, move |p| {
                    in_ns(p.meta()) && controller_uid(p.meta()) == Some(rs_uid)
                })
            })
            .collect(),
    );
    let analysis_runs = sorted_by_name(
        indexed(&caches.analysis_runs, &caches.analysis_runs_by_owner, &uid, |a| {
            owned(a.meta())
        })
        .collect(),
    );
    let experiments = sorted_by_name(
        indexed(&caches.experiments, &caches.experiments_by_owner, &uid, |e| {
            owned(e.meta())
        })
        .collect(),
    );
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
    snapshot.invalid_spec = invalid_spec(caches, &snapshot.rollout);
    snapshot
}

/// The `InvalidSpec` message, as Argo's `getRolloutValidationErrors` finds it: the first error of the spec
/// alone, else the first error of looking up and checking the objects it references (a missing Service
/// or analysis template is such an error).
fn invalid_spec(caches: &Caches, rollout: &Rollout) -> Option<String> {
    use rollouts_api::validation::{invalid_spec_message, rollout_validation_error, validate_rollout};
    let lookup = CacheLookup {
        caches,
        namespace: rollout.namespace().unwrap_or_default(),
    };
    validate_rollout(rollout)
        .into_iter()
        .next()
        .or_else(|| rollout_validation_error(rollout, &lookup))
        .map(|e| invalid_spec_message(&rollout.name_any(), &e))
}

/// The caches as Go's listers for the referenced-resource checks.
///
/// Ingresses are not watched yet (traffic routing is not planned yet), so ingress references are skipped
/// rather than reported missing; Istio VirtualServices, Ambassador Mappings and App Mesh routers are not
/// looked up by `rollout_validation_error` at all. See `docs/compatibility.md`.
struct CacheLookup<'a> {
    caches: &'a Caches,
    namespace: String,
}

impl CacheLookup<'_> {
    fn get<K>(store: &Store<K>, key: &ObjectRef<K>, resource: &str, name: &str) -> Lookup<K>
    where
        K: Resource + Clone + 'static,
        K::DynamicType: Default + Clone + Eq + std::hash::Hash,
    {
        match store.get(key) {
            Some(obj) => Lookup::Found(obj.as_ref().clone()),
            None => Lookup::NotFound(not_found_message(resource, name)),
        }
    }
}

impl ReferenceLookup for CacheLookup<'_> {
    fn service(&self, name: &str) -> Lookup<Service> {
        let key = ObjectRef::new(name).within(&self.namespace);
        Self::get(&self.caches.services, &key, "service", name)
    }

    fn analysis_template(&self, name: &str) -> Lookup<AnalysisTemplate> {
        let key = ObjectRef::new(name).within(&self.namespace);
        Self::get(
            &self.caches.analysis_templates,
            &key,
            "analysistemplate.argoproj.io",
            name,
        )
    }

    fn cluster_analysis_template(&self, name: &str) -> Lookup<ClusterAnalysisTemplate> {
        // Empty in namespaced mode, where Argo's lister is empty too: a reference is then NotFound.
        Self::get(
            &self.caches.cluster_analysis_templates,
            &ObjectRef::new(name),
            "clusteranalysistemplate.argoproj.io",
            name,
        )
    }

    fn ingress(&self, _name: &str) -> Lookup<IngressRef> {
        Lookup::NotWatched
    }
}
