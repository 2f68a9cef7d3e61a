//! Prometheus metrics with Argo's names and labels (`controller/metrics/prommetrics.go`, `rollouts.go`,
//! `client.go`), served on `/metrics` by [`crate::server`].
//!
//! * `rollout_info{namespace,name,strategy,traffic_router,phase}`, `rollout_info_replicas_*`, and the
//!   deprecated `rollout_phase{namespace,name,strategy,phase}` are computed at scrape time from the rollout
//!   cache, as Argo's collector reads its lister (`phase` is Argo's `calculatePhase` from conditions);
//! * `rollout_reconcile` (histogram, buckets .01 .15 .25 .5 1) and `rollout_reconcile_error`;
//! * `rollout_events_total{namespace,name,type,reason}`;
//! * `controller_clientset_k8s_request_total{kind,namespace,name,verb,status_code}` (see [`crate::client`]);
//! * `argo_rollouts_controller_info{version}`;
//! * `rollout_duration_seconds`, `rollout_progression_duration_seconds` and
//!   `rollout_manual_pause_duration_seconds` (histograms by completion `status`), observed once per
//!   completed rollout attempt (`rollouts_core::duration`).
//!
//! Argo's `rollout_reconcile_error` counter has no `_total` suffix; OpenMetrics counters must have one, so
//! it is exposed as an `unknown`-typed sample under Argo's exact name.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use kube::ResourceExt;
use kube::runtime::reflector::Store;
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric, MetricEncoder};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::metrics::{MetricType, TypedMetric};
use prometheus_client::registry::Registry;
use rollouts_api::Rollout;
use rollouts_api::rollout::RolloutDurationStatus;
use rollouts_core::duration::duration_observations;

/// `{namespace, name}`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct NamespaceName {
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
}

/// `{namespace, name, type, reason}` of `rollout_events_total`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct EventLabels {
    /// Namespace.
    pub namespace: String,
    /// Rollout name.
    pub name: String,
    /// Normal or Warning.
    pub r#type: String,
    /// Event reason.
    pub reason: String,
}

/// `{kind, namespace, name, verb, status_code}` of `controller_clientset_k8s_request_total`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// Resource (plural), e.g. `replicasets`.
    pub kind: String,
    /// Namespace, empty for cluster-wide requests.
    pub namespace: String,
    /// Object name, `N/A` for lists, events and ReplicaSets (as Argo).
    pub name: String,
    /// `Get`, `List`, `Watch`, `Create`, `Update`, `Patch`, `Delete` or `Unknown`.
    pub verb: String,
    /// HTTP status code (0 when no response came back).
    pub status_code: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct VersionLabel {
    version: String,
}

/// A monotonically increasing count exposed without the `_total` suffix (type `unknown`).
#[derive(Debug, Default)]
pub struct PlainCount(AtomicU64);

impl PlainCount {
    /// Adds one.
    pub fn inc(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }

    /// The current value.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

impl TypedMetric for PlainCount {
    const TYPE: MetricType = MetricType::Unknown;
}

impl EncodeMetric for PlainCount {
    fn encode(&self, mut encoder: MetricEncoder) -> Result<(), std::fmt::Error> {
        encoder.encode_gauge(&self.get())
    }

    fn metric_type(&self) -> MetricType {
        Self::TYPE
    }
}

type HistogramFamily = Family<NamespaceName, Histogram, fn() -> Histogram>;

/// `{status}` of the rollout duration histograms: the attempt's completion status.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabel {
    status: String,
}

type DurationFamily = Family<StatusLabel, Histogram, fn() -> Histogram>;

/// The three rollout duration histograms with Argo's buckets (`controller/metrics/metrics.go`).
#[derive(Clone)]
struct DurationHistograms {
    total: DurationFamily,
    progression: DurationFamily,
    manual_pause: DurationFamily,
}

impl DurationHistograms {
    fn register(registry: &mut Registry) -> Self {
        let this = Self {
            total: Family::new_with_constructor(|| {
                Histogram::new([
                    30.0, 60.0, 120.0, 300.0, 600.0, 1200.0, 1800.0, 3600.0, 7200.0, 14400.0, 28800.0,
                ])
            }),
            progression: Family::new_with_constructor(|| {
                Histogram::new([30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0])
            }),
            manual_pause: Family::new_with_constructor(|| {
                Histogram::new([0.0, 60.0, 300.0, 600.0, 1800.0, 3600.0, 7200.0, 14400.0, 28800.0])
            }),
        };
        registry.register(
            "rollout_duration_seconds",
            "Total wall-clock time for a rollout from start to completion/abort/supersede",
            this.total.clone(),
        );
        registry.register(
            "rollout_progression_duration_seconds",
            "Active progression time for a rollout (excluding manual pause time)",
            this.progression.clone(),
        );
        registry.register(
            "rollout_manual_pause_duration_seconds",
            "Time spent in manual pause waiting for human intervention",
            this.manual_pause.clone(),
        );
        this
    }
}

fn reconcile_histogram() -> Histogram {
    Histogram::new([0.01, 0.15, 0.25, 0.5, 1.0])
}

/// The rollout cache the scrape-time collector reads (set while this instance leads).
type RolloutSource = Arc<RwLock<Option<Store<Rollout>>>>;

/// The controller's metrics. Cheap to clone; clones share state.
#[derive(Clone)]
pub struct Metrics {
    registry: Arc<Registry>,
    reconcile: HistogramFamily,
    reconcile_error: Family<NamespaceName, PlainCount>,
    events: Family<EventLabels, Counter>,
    requests: Family<RequestLabels, Counter>,
    rollouts: RolloutSource,
    durations: DurationHistograms,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// A registry with every metric registered.
    pub fn new() -> Self {
        let mut registry = Registry::default();
        let reconcile: HistogramFamily = Family::new_with_constructor(reconcile_histogram);
        registry.register(
            "rollout_reconcile",
            "Rollout reconciliation performance.",
            reconcile.clone(),
        );
        let reconcile_error = Family::<NamespaceName, PlainCount>::default();
        registry.register(
            "rollout_reconcile_error",
            "Error occurring during the rollout",
            reconcile_error.clone(),
        );
        let events = Family::<EventLabels, Counter>::default();
        registry.register("rollout_events", "Count of rollout events", events.clone());
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "controller_clientset_k8s_request",
            "Number of kubernetes requests executed during application reconciliation.",
            requests.clone(),
        );
        let version = Family::<VersionLabel, Gauge>::default();
        version
            .get_or_create(&VersionLabel {
                version: format!("v{}", env!("CARGO_PKG_VERSION")),
            })
            .set(1);
        registry.register(
            "argo_rollouts_controller_info",
            "Running Argo-rollouts version",
            version,
        );
        let durations = DurationHistograms::register(&mut registry);
        let rollouts: RolloutSource = Arc::default();
        registry.register_collector(Box::new(RolloutCollector {
            rollouts: rollouts.clone(),
        }));
        Metrics {
            registry: Arc::new(registry),
            reconcile,
            reconcile_error,
            events,
            requests,
            rollouts,
            durations,
        }
    }

    /// `EmitRolloutDuration`: observes a completed rollout attempt (nothing for one without a start, a
    /// finish or a completion status).
    pub fn observe_rollout_duration(&self, duration: &RolloutDurationStatus) {
        let Some((status, total, progression, manual)) = duration_observations(duration) else {
            return;
        };
        let label = StatusLabel {
            status: status.as_str().to_owned(),
        };
        let h = &self.durations;
        h.total.get_or_create(&label).observe(total);
        h.progression.get_or_create(&label).observe(progression);
        h.manual_pause.get_or_create(&label).observe(manual);
    }

    /// Observes one reconcile's duration.
    pub fn observe_reconcile(&self, namespace: &str, name: &str, took: Duration) {
        self.reconcile
            .get_or_create(&ns_name(namespace, name))
            .observe(took.as_secs_f64());
    }

    /// Counts a failed reconcile.
    pub fn reconcile_error(&self, namespace: &str, name: &str) {
        self.reconcile_error
            .get_or_create(&ns_name(namespace, name))
            .inc();
    }

    /// Counts an Event recorded on a rollout.
    pub fn event(&self, namespace: &str, name: &str, type_: &str, reason: &str) {
        self.events
            .get_or_create(&EventLabels {
                namespace: namespace.to_string(),
                name: name.to_string(),
                r#type: type_.to_string(),
                reason: reason.to_string(),
            })
            .inc();
    }

    /// Counts one API request.
    pub fn request(&self, labels: RequestLabels) {
        self.requests.get_or_create(&labels).inc();
    }

    /// Points the `rollout_info` collector at a rollout cache (`None` when this instance stops leading).
    pub fn set_rollouts(&self, store: Option<Store<Rollout>>) {
        *self.rollouts.write().unwrap_or_else(|e| e.into_inner()) = store;
    }

    /// The OpenMetrics text exposition.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        if let Err(e) = prometheus_client::encoding::text::encode(&mut out, &self.registry) {
            tracing::error!(error = %e, "encoding metrics");
        }
        out
    }
}

fn ns_name(namespace: &str, name: &str) -> NamespaceName {
    NamespaceName {
        namespace: namespace.to_string(),
        name: name.to_string(),
    }
}

/// Argo's `calculatePhase`: from the Progressing condition's reason, InvalidSpec winning.
pub fn calculate_phase(rollout: &Rollout) -> &'static str {
    let conditions = rollout
        .status
        .as_ref()
        .map(|s| s.conditions.as_slice())
        .unwrap_or_default();
    let reason_of = |t: &str| {
        conditions
            .iter()
            .find(|c| c.type_.as_ref().is_some_and(|ct| ct.as_str() == t))
            .map(|c| c.reason.as_str())
    };
    if reason_of("InvalidSpec").is_some() {
        return "InvalidSpec";
    }
    match reason_of("Progressing") {
        Some("NewReplicaSetAvailable") => "Completed",
        Some("RolloutPaused") => "Paused",
        Some("ReplicaSetCreateError") => "Error",
        Some("ProgressDeadlineExceeded") => "Timeout",
        Some("RolloutAborted") => "Abort",
        _ => "Progressing",
    }
}

/// Argo's `getStrategyAndTrafficRouter`.
pub fn strategy_and_traffic_router(rollout: &Rollout) -> (&'static str, &'static str) {
    let strategy = &rollout.spec.strategy;
    if strategy.blue_green.is_some() {
        return ("blueGreen", "");
    }
    let Some(canary) = &strategy.canary else {
        return ("none", "");
    };
    let Some(tr) = &canary.traffic_routing else {
        return ("canary", "");
    };
    // Later assignments win in Argo's code; keep its precedence.
    let mut router = "";
    if tr.alb.is_some() {
        router = "ALB";
    }
    if tr.ambassador.is_some() {
        router = "Ambassador";
    }
    if tr.istio.is_some() {
        router = "Istio";
    }
    if tr.nginx.is_some() {
        router = "Nginx";
    }
    if tr.smi.is_some() {
        router = "SMI";
    }
    if tr.app_mesh.is_some() {
        router = "AppMesh";
    }
    ("canary", router)
}

/// (name, help, value) of a `rollout_info_replicas_*` gauge.
type ReplicaGauge = (&'static str, &'static str, fn(&Rollout) -> i64);

const PHASES: [&str; 6] = ["Completed", "Progressing", "Paused", "Timeout", "Error", "Abort"];

#[derive(Debug)]
struct RolloutCollector {
    rollouts: RolloutSource,
}

impl Collector for RolloutCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let Some(store) = self.rollouts.read().unwrap_or_else(|e| e.into_inner()).clone() else {
            return Ok(());
        };
        let mut rollouts = store.state();
        if rollouts.is_empty() {
            return Ok(());
        }
        rollouts.sort_by_key(|r| (r.namespace(), r.name_any()));
        let key = |r: &Rollout| (r.namespace().unwrap_or_default(), r.name_any());
        {
            let mut m = encoder.encode_descriptor(
                "rollout_info",
                "Information about rollout.",
                None,
                MetricType::Gauge,
            )?;
            for r in &rollouts {
                let (ns, name) = key(r);
                let (strategy, router) = strategy_and_traffic_router(r);
                let labels = [
                    ("namespace", ns.as_str()),
                    ("name", name.as_str()),
                    ("strategy", strategy),
                    ("traffic_router", router),
                    ("phase", calculate_phase(r)),
                ];
                m.encode_family(&labels)?.encode_gauge(&1i64)?;
            }
        }
        let replicas: [ReplicaGauge; 4] = [
            (
                "rollout_info_replicas_available",
                "The number of available replicas per rollout.",
                |r| r.status.as_ref().map_or(0, |s| i64::from(s.available_replicas)),
            ),
            (
                "rollout_info_replicas_unavailable",
                "The number of unavailable replicas per rollout.",
                |r| {
                    r.status
                        .as_ref()
                        .map_or(0, |s| i64::from(s.replicas) - i64::from(s.available_replicas))
                },
            ),
            (
                "rollout_info_replicas_desired",
                "The number of desired replicas per rollout.",
                |r| i64::from(r.spec.replicas.unwrap_or(1)),
            ),
            (
                "rollout_info_replicas_updated",
                "The number of updated replicas per rollout.",
                |r| r.status.as_ref().map_or(0, |s| i64::from(s.updated_replicas)),
            ),
        ];
        for (metric, help, value) in replicas {
            let mut m = encoder.encode_descriptor(metric, help, None, MetricType::Gauge)?;
            for r in &rollouts {
                let (ns, name) = key(r);
                let labels = [("namespace", ns.as_str()), ("name", name.as_str())];
                m.encode_family(&labels)?.encode_gauge(&value(r))?;
            }
        }
        let mut m = encoder.encode_descriptor(
            "rollout_phase",
            "Information on the state of the rollout (DEPRECATED - use rollout_info)",
            None,
            MetricType::Gauge,
        )?;
        for r in &rollouts {
            let (ns, name) = key(r);
            let (strategy, _) = strategy_and_traffic_router(r);
            let phase = calculate_phase(r);
            for p in PHASES {
                let labels = [
                    ("namespace", ns.as_str()),
                    ("name", name.as_str()),
                    ("strategy", strategy),
                    ("phase", p),
                ];
                m.encode_family(&labels)?.encode_gauge(&i64::from(phase == p))?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Argo's `TestEmitRolloutDuration_Promoted`: 5 minutes, 1 of them in a manual pause.
    #[test]
    fn a_completed_attempt_is_observed_in_the_three_duration_histograms() {
        let metrics = Metrics::new();
        let duration: RolloutDurationStatus = serde_json::from_value(serde_json::json!({
            "rolloutStartedAt": "2024-01-01T00:55:00Z", "finishedAt": "2024-01-01T01:00:00Z",
            "completionStatus": "Promoted", "totalManualPauseDurationSeconds": 60
        }))
        .expect("duration");
        metrics.observe_rollout_duration(&duration);
        let unfinished = RolloutDurationStatus {
            finished_at: None,
            ..duration
        };
        metrics.observe_rollout_duration(&unfinished);
        let text = metrics.encode();
        for line in [
            r#"rollout_duration_seconds_sum{status="Promoted"} 300.0"#,
            r#"rollout_duration_seconds_count{status="Promoted"} 1"#,
            r#"rollout_duration_seconds_bucket{le="120.0",status="Promoted"} 0"#,
            r#"rollout_duration_seconds_bucket{le="300.0",status="Promoted"} 1"#,
            r#"rollout_progression_duration_seconds_sum{status="Promoted"} 240.0"#,
            r#"rollout_progression_duration_seconds_bucket{le="300.0",status="Promoted"} 1"#,
            r#"rollout_manual_pause_duration_seconds_sum{status="Promoted"} 60.0"#,
            r#"rollout_manual_pause_duration_seconds_bucket{le="0.0",status="Promoted"} 0"#,
            r#"rollout_manual_pause_duration_seconds_bucket{le="60.0",status="Promoted"} 1"#,
        ] {
            assert!(text.contains(line), "missing {line}");
        }
    }
}
