//! One reconcile of one Rollout: gather a snapshot from the caches, ask the planner, execute the plan,
//! requeue (Argo's `syncHandler`).
//!
//! A settled rollout — a plan without actions and a status equal to the observed one — makes no API
//! call at all: everything is read from the caches and an empty status diff sends nothing.
//!
//! Every reconcile that reaches the planner ends with Argo's info line `Reconciliation completed` carrying
//! `time_ms` (the duration `rollout_reconcile` observes), as Argo's `syncHandler` logs it.
//!
//! Stale-cache guard (Argo's `utils/resourceversion` tracker): after the controller writes a Rollout it
//! remembers the resourceVersion it got back; a reconcile that finds an older version in the cache would
//! plan from a status it already replaced, so it is retried shortly instead.
//!
//! Failed reconciles are retried as Argo's rollout workqueue retries them: after 1 ms, doubling with
//! each failure in a row up to 10 s, the count reset by a success ([`Error::retry_after`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use k8s_openapi::jiff::Timestamp;
use kube::runtime::controller::Action as Requeue;
use kube::runtime::reflector::ObjectRef;
use kube::{Resource, ResourceExt};
use rollouts_api::Rollout;

use crate::cache::Caches;
use crate::error::{Error, Result};
use crate::executor::Executor;
use crate::metrics::Metrics;
use crate::planner::Planner;
use crate::snapshot::gather;

/// What every reconcile of one controller run shares.
pub struct Context {
    /// The caches of this run.
    pub caches: Caches,
    /// The planner.
    pub planner: Arc<dyn Planner>,
    /// The executor.
    pub executor: Executor,
    /// Metrics.
    pub metrics: Metrics,
    /// Requeue period when the plan asks for none (`--rollout-resync`).
    pub resync: Duration,
    /// resourceVersions of our last writes to each Rollout.
    written: Mutex<HashMap<ObjectRef<Rollout>, u64>>,
    /// Failed reconciles in a row of each Rollout (the retry backoff).
    failures: Mutex<HashMap<ObjectRef<Rollout>, u32>>,
}

impl Context {
    /// A context.
    pub fn new(
        caches: Caches,
        planner: Arc<dyn Planner>,
        executor: Executor,
        metrics: Metrics,
        resync: Duration,
    ) -> Self {
        Self {
            caches,
            planner,
            executor,
            metrics,
            resync,
            written: Mutex::default(),
            failures: Mutex::default(),
        }
    }

    fn written(&self) -> std::sync::MutexGuard<'_, HashMap<ObjectRef<Rollout>, u64>> {
        self.written.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether the cached `rollout` is older than our last write to it.
    fn is_stale(&self, rollout: &Rollout) -> bool {
        let key = ObjectRef::from_obj(rollout);
        let Some(ours) = self.written().get(&key).copied() else {
            return false;
        };
        match rollout.resource_version().and_then(|rv| rv.parse::<u64>().ok()) {
            Some(cached) if cached < ours => true,
            _ => {
                // The cache caught up (or versions are not numbers): forget the mark.
                self.written().remove(&key);
                false
            }
        }
    }

    fn remember_write(&self, rollout: &Rollout, resource_version: &str) {
        if let Ok(rv) = resource_version.parse::<u64>() {
            self.written().insert(ObjectRef::from_obj(rollout), rv);
        }
    }

    /// Forgets a deleted rollout.
    pub fn forget(&self, rollout: &Rollout) {
        self.written().remove(&ObjectRef::from_obj(rollout));
        self.succeeded(rollout);
    }

    /// Counts a failed reconcile of `rollout`; how many failed in a row.
    fn failed(&self, rollout: &Rollout) -> u32 {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let n = failures.entry(ObjectRef::from_obj(rollout)).or_default();
        *n = n.saturating_add(1);
        *n
    }

    /// Resets the failure count of `rollout` after a successful reconcile.
    fn succeeded(&self, rollout: &Rollout) {
        self.failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&ObjectRef::from_obj(rollout));
    }
}

/// Reconciles one rollout.
///
/// # Errors
/// A failed action or status patch, or a stale cache; the error policy requeues.
pub async fn reconcile(rollout: Arc<Rollout>, ctx: Arc<Context>) -> Result<Requeue> {
    if !ctx.caches.wait_ready().await {
        return Ok(Requeue::await_change());
    }
    if rollout.meta().deletion_timestamp.is_some() {
        ctx.forget(&rollout);
        return Ok(Requeue::await_change());
    }
    let namespace = rollout.namespace().unwrap_or_default();
    let name = rollout.name_any();
    if ctx.is_stale(&rollout) {
        return Err(Error::StaleCache(format!("{namespace}/{name}")));
    }
    let started = Instant::now();
    let snapshot = gather(&ctx.caches, rollout.clone(), Timestamp::now());
    let plan = ctx.planner.plan(&snapshot);
    tracing::debug!(rollout = %name, %namespace, actions = plan.actions.len(), "planned");
    let applied = ctx.executor.apply(&rollout, &plan).await;
    let took = started.elapsed();
    ctx.metrics.observe_reconcile(&namespace, &name, took);
    tracing::info!(
        rollout = %name,
        %namespace,
        time_ms = took.as_secs_f64() * 1e3,
        "Reconciliation completed"
    );
    let applied = applied?;
    if let Some(duration) = &plan.completed_duration {
        // Only once the status recording the completion is written (Go's `emitPendingRolloutDuration`).
        ctx.metrics.observe_rollout_duration(duration);
    }
    if let Some(rv) = &applied.rollout_resource_version {
        ctx.remember_write(&rollout, rv);
    }
    ctx.succeeded(&rollout);
    let after = plan.requeue_after.map_or(ctx.resync, |d| d.min(ctx.resync));
    Ok(Requeue::requeue(after))
}

/// What to do after a failed reconcile: count it, log it, retry after a delay fitting the error and the
/// failures in a row ([`Error::retry_after`]).
pub fn error_policy(rollout: Arc<Rollout>, error: &Error, ctx: Arc<Context>) -> Requeue {
    let namespace = rollout.namespace().unwrap_or_default();
    let name = rollout.name_any();
    let failures = if let Error::StaleCache(_) = error {
        tracing::debug!(rollout = %name, %namespace, "cache is stale; retrying");
        0
    } else {
        ctx.metrics.reconcile_error(&namespace, &name);
        tracing::warn!(rollout = %name, %namespace, category = error.category(), %error, "reconciliation error");
        ctx.failed(&rollout)
    };
    Requeue::requeue(error.retry_after(failures))
}
