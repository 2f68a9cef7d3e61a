//! Running the controller: leader election around a kube-runtime `Controller` fed by the watches of
//! [`crate::cache`].
//!
//! Only the leader watches and reconciles (as Argo starts its informers in `OnStartedLeading`). When
//! leadership is lost the controller stops, drops its caches and becomes a candidate again; on shutdown
//! it drains the reconciles in flight, then releases the lease.

use std::sync::Arc;
use std::time::Duration;

use futures::{FutureExt, StreamExt};
use kube::Client;
use kube::runtime::controller::{Config as ControllerConfig, Controller};
use kube::runtime::reflector::Store;
use rollouts_api::Rollout;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use crate::cache::{Scope, rollouts_for_service, watches};
use crate::events::EventRecorder;
use crate::executor::{Executor, TrafficRouting};
use crate::leader::{HoldEnd, LeaderElector, LeaseConfig};
use crate::metrics::Metrics;
use crate::planner::Planner;
use crate::reconcile::{Context, error_policy, reconcile};

/// Settings of a controller.
#[derive(Clone, Debug)]
pub struct Settings {
    /// What to watch.
    pub scope: Scope,
    /// Concurrent reconciles (`--rollout-threads`).
    pub threads: u16,
    /// Requeue period without a plan request (`--rollout-resync`).
    pub resync: Duration,
    /// Leader election (`None`: `--leader-elect=false`, single-instance mode).
    pub lease: Option<LeaseConfig>,
    /// This process's identity (Events' `reportingInstance`).
    pub identity: String,
}

/// The rollout controller.
pub struct RolloutController {
    client: Client,
    settings: Settings,
    planner: Arc<dyn Planner>,
    metrics: Metrics,
    traffic: Option<Arc<dyn TrafficRouting>>,
    leading: watch::Sender<bool>,
}

impl RolloutController {
    /// A controller using `planner`.
    pub fn new(client: Client, settings: Settings, planner: impl Planner) -> Self {
        Self {
            client,
            settings,
            planner: Arc::new(planner),
            metrics: Metrics::new(),
            traffic: None,
            leading: watch::channel(false).0,
        }
    }

    /// Uses `metrics` (shared with the metrics server) instead of a private registry.
    #[must_use]
    pub fn with_metrics(mut self, metrics: Metrics) -> Self {
        self.metrics = metrics;
        self
    }

    /// Routes `Traffic` actions through `routing`.
    #[must_use]
    pub fn with_traffic_routing(mut self, routing: Arc<dyn TrafficRouting>) -> Self {
        self.traffic = Some(routing);
        self
    }

    /// The metrics.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Whether this instance is leading (and so reconciling), as it changes.
    pub fn leading(&self) -> watch::Receiver<bool> {
        self.leading.subscribe()
    }

    /// Runs until `shutdown` fires: elects, reconciles while leading, and on shutdown drains the
    /// reconciles in flight and releases the lease.
    pub async fn run(self, shutdown: CancellationToken) {
        let Some(lease) = self.settings.lease.clone() else {
            tracing::info!("Leader election is turned off. Running in single-instance mode");
            self.lead(shutdown.clone()).await;
            return;
        };
        let mut elector = LeaderElector::new(self.client.clone(), lease);
        while elector.acquire(&shutdown).await {
            let term = shutdown.child_token();
            let end = {
                let leading = self.lead(term.clone());
                let holding = async {
                    let end = elector.hold(&shutdown).await;
                    term.cancel();
                    end
                };
                let ((), end) = tokio::join!(leading, holding);
                end
            };
            match end {
                HoldEnd::Cancelled => {
                    if let Err(error) = elector.release().await {
                        tracing::warn!(%error, "releasing the lease");
                    }
                    break;
                }
                HoldEnd::Lost => tracing::warn!("lost leadership; stopped reconciling"),
            }
        }
    }

    /// Watches and reconciles until `stop` fires, then waits for the reconciles in flight.
    async fn lead(&self, stop: CancellationToken) {
        self.leading.send_replace(true);
        let w = watches(&self.client, &self.settings.scope, &stop);
        self.metrics.set_rollouts(Some(w.caches.rollouts.clone()));
        let events = Arc::new(EventRecorder::new(
            self.client.clone(),
            self.settings.identity.clone(),
            self.metrics.clone(),
        ));
        let executor = Executor::new(self.client.clone(), events, self.traffic.clone());
        let ctx = Arc::new(Context::new(
            w.caches.clone(),
            self.planner.clone(),
            executor,
            self.metrics.clone(),
            self.settings.resync,
        ));
        let rollouts = w.caches.rollouts.clone();
        let controller = Controller::for_stream(w.rollouts, w.caches.rollouts.clone())
            .owns_stream(w.replica_sets)
            .owns_stream(w.analysis_runs)
            .owns_stream(w.experiments)
            .watches_stream(w.services, move |svc| rollouts_for_service(&rollouts, &svc))
            .with_config(ControllerConfig::default().concurrency(self.settings.threads))
            .graceful_shutdown_on({
                let stop = stop.clone();
                async move { stop.cancelled().await }
            })
            .run(reconcile, error_policy, ctx)
            .for_each(|result| async move {
                if let Err(error) = result {
                    log_controller_error(&error);
                }
            });
        let cache_only = futures::future::join_all(w.cache_only);
        tokio::select! {
            () = controller => {}
            _ = cache_only => {}
            () = stopped_before_listing(stop, w.caches.rollouts.clone()) => {}
        }
        self.metrics.set_rollouts(None);
        self.leading.send_replace(false);
    }
}

/// Resolves when `stop` fires before the first list of the rollouts: kube's `Controller` holds its
/// runner until that list, and its graceful shutdown stops the watches, so stopped before it, it would
/// wait for ever. Nothing can be in flight then, so the run may end at once. Otherwise never resolves:
/// the controller's graceful shutdown ends the run.
async fn stopped_before_listing(stop: CancellationToken, rollouts: Store<Rollout>) {
    stop.cancelled().await;
    // Polled once, and only now: a concurrent waiter would take the runner's wake-up (kube's store
    // readiness keeps a single waker), and once stopping the runner's wake-up no longer matters.
    if rollouts.wait_until_ready().now_or_never().is_none() {
        tracing::debug!("stopped before the rollouts were listed");
        return;
    }
    std::future::pending::<()>().await;
}

fn log_controller_error(
    error: &kube::runtime::controller::Error<crate::error::Error, kube::runtime::watcher::Error>,
) {
    use kube::runtime::controller::Error as E;
    match error {
        // Already counted and logged by the error policy.
        E::ReconcilerFailed(..) => {}
        E::ObjectNotFound(obj) => tracing::debug!(rollout = %obj, "rollout gone before its reconcile"),
        other => tracing::warn!(error = %other, "controller"),
    }
}
