//! Watches and caches: one watch per kind feeds both a reflector store (Go's lister) and, for the kinds
//! that trigger reconciles, the controller's trigger streams.
//!
//! * Rollouts, AnalysisRuns, Experiments and (Cluster)AnalysisTemplates are selected by the instance-id
//!   label (`argo-rollouts.argoproj.io/controller-instance-id=<id>`, or its absence when no id is set),
//!   as Argo's `InstanceIDRequirement`; ReplicaSets and Pods by the presence of
//!   `rollouts-pod-template-hash`, as Argo's ReplicaSet informer; Services unfiltered.
//! * Cached objects are trimmed of `managedFields` and the `last-applied-configuration` annotation.
//! * ReplicaSets, Pods, AnalysisRuns and Experiments are also indexed by controller owner
//!   ([`OwnerIndex`]), so a snapshot finds a rollout's objects without scanning every cached one.
//! * Objects are decoded through [`DeserializeGuard`]: one that does not decode is logged and treated as
//!   absent (a deletion if it was cached), so one malformed object cannot wedge a whole watch, as Argo's
//!   tolerant informers.

use std::fmt::Debug;
use std::future::ready;

use futures::future::{BoxFuture, Shared};
use futures::stream::BoxStream;
use futures::{FutureExt, StreamExt};
use k8s_openapi::NamespaceResourceScope;
use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::api::core::v1::{Pod, Service};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::core::DeserializeGuard;
use kube::runtime::reflector::{self, Store};
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Api, Client, Resource, ResourceExt};
use rollouts_api::keys::{
    CONTROLLER_INSTANCE_ID_LABEL, LAST_APPLIED_CONFIGURATION_ANNOTATION, POD_TEMPLATE_HASH_LABEL,
};
use rollouts_api::{AnalysisRun, AnalysisTemplate, ClusterAnalysisTemplate, Experiment, Rollout};
use serde::de::DeserializeOwned;
use tokio_util::sync::CancellationToken;

use crate::index::OwnerIndex;

/// What to watch.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    /// One namespace, or all when `None`.
    pub namespace: Option<String>,
    /// The controller's instance id (empty: unset).
    pub instance_id: String,
}

impl Scope {
    /// The label selector of Argo's own kinds for this instance id.
    pub fn instance_selector(&self) -> String {
        if self.instance_id.is_empty() {
            format!("!{CONTROLLER_INSTANCE_ID_LABEL}")
        } else {
            format!("{CONTROLLER_INSTANCE_ID_LABEL}={}", self.instance_id)
        }
    }
}

/// The reflector stores the snapshot is gathered from. Cheap to clone.
#[derive(Clone)]
pub struct Caches {
    /// Rollouts of this instance.
    pub rollouts: Store<Rollout>,
    /// ReplicaSets carrying a pod-template hash.
    pub replica_sets: Store<ReplicaSet>,
    /// The ReplicaSets by controller UID (orphans included).
    pub replica_sets_by_owner: OwnerIndex<ReplicaSet>,
    /// Pods carrying a pod-template hash.
    pub pods: Store<Pod>,
    /// The Pods by controller UID.
    pub pods_by_owner: OwnerIndex<Pod>,
    /// Services.
    pub services: Store<Service>,
    /// AnalysisRuns of this instance.
    pub analysis_runs: Store<AnalysisRun>,
    /// The AnalysisRuns by controller UID.
    pub analysis_runs_by_owner: OwnerIndex<AnalysisRun>,
    /// Experiments of this instance.
    pub experiments: Store<Experiment>,
    /// The Experiments by controller UID.
    pub experiments_by_owner: OwnerIndex<Experiment>,
    /// AnalysisTemplates of this instance.
    pub analysis_templates: Store<AnalysisTemplate>,
    /// ClusterAnalysisTemplates of this instance (never filled in namespaced mode, as in Argo).
    pub cluster_analysis_templates: Store<ClusterAnalysisTemplate>,
    /// Whether every store has seen its initial list, awaited once for all waiters: kube's
    /// `Store::wait_until_ready` wakes only the last of several concurrent waiters (its `DelayedInit`
    /// polls a oneshot receiver, which keeps a single waker), so reconciles waiting on it side by side
    /// could wait for ever; `Shared` wakes every clone.
    ready: Shared<BoxFuture<'static, bool>>,
}

impl Caches {
    /// Waits until every store has seen its initial list (Go's `WaitForCacheSync`): planning from a
    /// half-filled cache would, for example, miss existing ReplicaSets. Returns false if a watch was
    /// dropped before it became ready, or once the run is stopping: a graceful shutdown stops polling the
    /// watches and waits for the reconciles in flight, so one waiting here for a store that is still
    /// listing would otherwise never finish. Any number of callers may wait at once.
    pub async fn wait_ready(&self) -> bool {
        self.ready.clone().await
    }

    /// The shared readiness of `stores`' stores, false once `stop` fires.
    fn readiness(stores: &Caches, stop: CancellationToken) -> Shared<BoxFuture<'static, bool>> {
        let c = stores.clone();
        async move {
            let all = futures::future::join_all([
                c.rollouts.wait_until_ready().boxed(),
                c.replica_sets.wait_until_ready().boxed(),
                c.pods.wait_until_ready().boxed(),
                c.services.wait_until_ready().boxed(),
                c.analysis_runs.wait_until_ready().boxed(),
                c.experiments.wait_until_ready().boxed(),
                c.analysis_templates.wait_until_ready().boxed(),
                c.cluster_analysis_templates.wait_until_ready().boxed(),
            ]);
            tokio::select! {
                all = all => all.iter().all(Result::is_ok),
                () = stop.cancelled() => false,
            }
        }
        .boxed()
        .shared()
    }
}

/// A reflected stream of applied objects of one kind (a `Result` as kube's `Controller` takes it, but
/// never an error: see [`reflect`]).
pub type Objects<K> = BoxStream<'static, Result<K, watcher::Error>>;

/// The watches of one controller run: the stores, the trigger streams the controller drives, and the
/// cache-only watches that must be driven alongside it.
pub struct Watches {
    /// The stores.
    pub caches: Caches,
    /// Rollouts (the controller's main stream).
    pub rollouts: Objects<Rollout>,
    /// ReplicaSets (owned objects).
    pub replica_sets: Objects<ReplicaSet>,
    /// AnalysisRuns (owned objects).
    pub analysis_runs: Objects<AnalysisRun>,
    /// Experiments (owned objects).
    pub experiments: Objects<Experiment>,
    /// Services (mapped to the rollouts that reference them).
    pub services: Objects<Service>,
    /// Pods and templates: cached, never triggering. Each future ends when its watch ends.
    pub cache_only: Vec<BoxFuture<'static, ()>>,
}

/// Removes what the controller never reads from a cached object's metadata.
pub fn trim(meta: &mut ObjectMeta) {
    meta.managed_fields = None;
    if let Some(annotations) = meta.annotations.as_mut() {
        annotations.remove(LAST_APPLIED_CONFIGURATION_ANNOTATION);
    }
}

/// Turns a guarded watch event into a plain one: an object that does not decode is logged and becomes a
/// deletion of whatever was cached under its name (or nothing during a re-list).
fn tolerate<K>(event: watcher::Event<DeserializeGuard<K>>) -> Option<watcher::Event<K>>
where
    K: Resource + Default,
    K::DynamicType: Default,
{
    use watcher::Event;
    let placeholder = |meta: ObjectMeta| {
        let mut k = K::default();
        *k.meta_mut() = meta;
        k
    };
    let warn = |e: &kube::core::error_boundary::InvalidObject| {
        tracing::warn!(
            kind = %K::kind(&Default::default()),
            namespace = e.metadata.namespace.as_deref().unwrap_or_default(),
            name = e.metadata.name.as_deref().unwrap_or_default(),
            error = %e.error,
            "ignoring an object that does not decode"
        );
    };
    match event {
        Event::Init => Some(Event::Init),
        Event::InitDone => Some(Event::InitDone),
        Event::InitApply(DeserializeGuard(Ok(k))) => Some(Event::InitApply(k)),
        Event::InitApply(DeserializeGuard(Err(e))) => {
            warn(&e);
            None
        }
        Event::Apply(DeserializeGuard(Ok(k))) => Some(Event::Apply(k)),
        Event::Apply(DeserializeGuard(Err(e))) => {
            warn(&e);
            Some(Event::Delete(placeholder(e.metadata)))
        }
        Event::Delete(DeserializeGuard(Ok(k))) => Some(Event::Delete(k)),
        Event::Delete(DeserializeGuard(Err(e))) => Some(Event::Delete(placeholder(e.metadata))),
    }
}

/// A tolerant, trimmed, reflected watch of `K`: the store and the stream of applied objects (which must
/// be polled for the store to fill).
///
/// Watch errors are logged and retried here, by this watch's own backoff, and never reach the stream:
/// the controller backs its merged trigger stream off on every error it sees, so one expiry of every
/// watch (an etcd compaction, an API server restart) would otherwise pause all triggers, and with them
/// the caches, once per erroring watch in turn, with a doubling delay: tens of seconds.
fn reflect<K>(api: Api<DeserializeGuard<K>>, config: watcher::Config) -> (Store<K>, Objects<K>)
where
    K: Resource + Clone + Default + Debug + DeserializeOwned + Send + Sync + 'static,
    K::DynamicType: Default + Clone + Eq + std::hash::Hash + Send + Sync + Unpin,
{
    reflect_indexed(api, config, None)
}

/// [`reflect`], also feeding `index` each event once the store applied it (and before the object is
/// passed on to trigger a reconcile).
fn reflect_indexed<K>(
    api: Api<DeserializeGuard<K>>,
    config: watcher::Config,
    index: Option<OwnerIndex<K>>,
) -> (Store<K>, Objects<K>)
where
    K: Resource + Clone + Default + Debug + DeserializeOwned + Send + Sync + 'static,
    K::DynamicType: Default + Clone + Eq + std::hash::Hash + Send + Sync + Unpin,
{
    let (reader, writer) = reflector::store();
    let kind = K::kind(&Default::default()).to_string();
    let stream = watcher(api, config)
        .filter_map(|event| ready(event.map(tolerate).transpose()))
        .modify(|k: &mut K| trim(k.meta_mut()))
        .default_backoff()
        .reflect(writer)
        .inspect(move |event| {
            if let (Ok(event), Some(index)) = (event, &index) {
                index.apply(event);
            }
        })
        .applied_objects()
        .filter_map(move |item| {
            ready(match item {
                Ok(k) => Some(Ok(k)),
                Err(error) => {
                    tracing::warn!(kind, %error, "watch error; retrying");
                    None
                }
            })
        })
        .boxed();
    (reader, stream)
}

fn namespaced<K>(client: &Client, scope: &Scope) -> Api<DeserializeGuard<K>>
where
    K: Resource<Scope = NamespaceResourceScope>,
    K::DynamicType: Default,
{
    match &scope.namespace {
        Some(ns) => Api::namespaced(client.clone(), ns),
        None => Api::all(client.clone()),
    }
}

/// Drains a cache-only stream (its watch errors are logged and retried by [`reflect`]) until it ends.
fn drive<K: Send + 'static>(stream: Objects<K>) -> BoxFuture<'static, ()> {
    stream.for_each(|_| ready(())).boxed()
}

/// An always-empty, ready store (for a kind that is not watched).
fn empty_store<K>() -> Store<K>
where
    K: Resource + Clone + 'static,
    K::DynamicType: Default + Clone + Eq + std::hash::Hash,
{
    let (reader, mut writer) = reflector::store();
    writer.apply_watcher_event(&watcher::Event::Init);
    writer.apply_watcher_event(&watcher::Event::InitDone);
    reader
}

/// Sets up every watch of one controller run (nothing is requested until the streams are polled); `stop`
/// ends the run.
pub fn watches(client: &Client, scope: &Scope, stop: &CancellationToken) -> Watches {
    let instance = watcher::Config::default().labels(&scope.instance_selector());
    let hashed = watcher::Config::default().labels(POD_TEMPLATE_HASH_LABEL);
    let replica_sets_by_owner = OwnerIndex::new(true);
    let pods_by_owner = OwnerIndex::new(false);
    let analysis_runs_by_owner = OwnerIndex::new(false);
    let experiments_by_owner = OwnerIndex::new(false);
    let (rollouts, rollout_stream) = reflect::<Rollout>(namespaced(client, scope), instance.clone());
    let (replica_sets, rs_stream) = reflect_indexed::<ReplicaSet>(
        namespaced(client, scope),
        hashed.clone(),
        Some(replica_sets_by_owner.clone()),
    );
    let (pods, pod_stream) =
        reflect_indexed::<Pod>(namespaced(client, scope), hashed, Some(pods_by_owner.clone()));
    let (services, svc_stream) = reflect::<Service>(namespaced(client, scope), watcher::Config::default());
    let (analysis_runs, ar_stream) = reflect_indexed::<AnalysisRun>(
        namespaced(client, scope),
        instance.clone(),
        Some(analysis_runs_by_owner.clone()),
    );
    let (experiments, ex_stream) = reflect_indexed::<Experiment>(
        namespaced(client, scope),
        instance.clone(),
        Some(experiments_by_owner.clone()),
    );
    let (analysis_templates, at_stream) =
        reflect::<AnalysisTemplate>(namespaced(client, scope), instance.clone());
    let mut cache_only = vec![drive(pod_stream), drive(at_stream)];
    // Argo watches ClusterAnalysisTemplates only in cluster-wide mode (it may lack the RBAC otherwise).
    let cluster_analysis_templates = if scope.namespace.is_none() {
        let (store, stream) = reflect::<ClusterAnalysisTemplate>(Api::all(client.clone()), instance);
        cache_only.push(drive(stream));
        store
    } else {
        empty_store()
    };
    let mut caches = Caches {
        rollouts,
        replica_sets,
        replica_sets_by_owner,
        pods,
        pods_by_owner,
        services,
        analysis_runs,
        analysis_runs_by_owner,
        experiments,
        experiments_by_owner,
        analysis_templates,
        cluster_analysis_templates,
        ready: futures::future::ready(false).boxed().shared(),
    };
    caches.ready = Caches::readiness(&caches, stop.clone());
    Watches {
        caches,
        rollouts: rollout_stream,
        replica_sets: rs_stream,
        analysis_runs: ar_stream,
        experiments: ex_stream,
        services: svc_stream,
        cache_only,
    }
}

/// Names of the Services a rollout's strategy references (canary/stable, ping/pong, active/preview).
pub fn referenced_services(rollout: &Rollout) -> Vec<String> {
    let strategy = &rollout.spec.strategy;
    let mut names = Vec::new();
    if let Some(c) = &strategy.canary {
        names.extend([c.canary_service.clone(), c.stable_service.clone()]);
        if let Some(pp) = &c.ping_pong {
            names.extend([pp.ping_service.clone(), pp.pong_service.clone()]);
        }
    }
    if let Some(bg) = &strategy.blue_green {
        names.extend([bg.active_service.clone(), bg.preview_service.clone()]);
    }
    names.retain(|n| !n.is_empty());
    names.sort();
    names.dedup();
    names
}

/// Whether `rollout`'s strategy names the Service `name` (as [`referenced_services`], without allocating:
/// this runs for every cached rollout on every Service event).
pub fn references_service(rollout: &Rollout, name: &str) -> bool {
    let strategy = &rollout.spec.strategy;
    let canary = strategy.canary.as_ref().is_some_and(|c| {
        c.canary_service == name
            || c.stable_service == name
            || c.ping_pong
                .as_ref()
                .is_some_and(|pp| pp.ping_service == name || pp.pong_service == name)
    });
    let blue_green = strategy
        .blue_green
        .as_ref()
        .is_some_and(|bg| bg.active_service == name || bg.preview_service == name);
    !name.is_empty() && (canary || blue_green)
}

/// The rollouts a Service change should wake: those referencing it, and the one named by its
/// `managed-by-rollouts` annotation (which may need to clean the selector up).
pub fn rollouts_for_service(
    rollouts: &Store<Rollout>,
    service: &Service,
) -> Vec<kube::runtime::reflector::ObjectRef<Rollout>> {
    let ns = service.meta().namespace.as_deref();
    let name = service.meta().name.as_deref().unwrap_or_default();
    let managed_by = service
        .annotations()
        .get(rollouts_api::keys::MANAGED_BY_ROLLOUTS_ANNOTATION)
        .map(String::as_str);
    rollouts
        .state_filter(|r| {
            r.meta().namespace.as_deref() == ns
                && (managed_by.is_some_and(|m| r.meta().name.as_deref() == Some(m))
                    || references_service(r, name))
        })
        .iter()
        .map(|r| kube::runtime::reflector::ObjectRef::from_obj(r.as_ref()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rollout(strategy: serde_json::Value) -> Rollout {
        serde_json::from_value(serde_json::json!({
            "apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
            "metadata": {"name": "web", "namespace": "ns"},
            "spec": {"selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": []}},
                     "strategy": strategy}
        }))
        .unwrap()
    }

    #[test]
    fn references_service_agrees_with_referenced_services() {
        let canary = rollout(serde_json::json!({"canary": {
            "canaryService": "c", "stableService": "s",
            "trafficRouting": {"alb": {"ingress": "i", "servicePort": 80}},
            "pingPong": {"pingService": "ping", "pongService": "pong"}}}));
        let blue_green =
            rollout(serde_json::json!({"blueGreen": {"activeService": "a", "previewService": "p"}}));
        let bare = rollout(serde_json::json!({"canary": {}}));
        for ro in [&canary, &blue_green, &bare] {
            let names = referenced_services(ro);
            for name in ["c", "s", "ping", "pong", "a", "p", "other", ""] {
                assert_eq!(
                    references_service(ro, name),
                    names.iter().any(|n| n == name),
                    "{name:?} in {names:?}"
                );
            }
        }
        assert_eq!(referenced_services(&canary), ["c", "ping", "pong", "s"]);
        assert_eq!(referenced_services(&blue_green), ["a", "p"]);
    }
}
