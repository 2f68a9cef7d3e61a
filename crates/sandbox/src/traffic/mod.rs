//! The traffic simulator: synthetic requests routed exactly as the cluster's routing objects say,
//! answered by the simulated pods according to their behaviour, and counted in Prometheus metrics.
//!
//! * Routing is a pure function ([`route::resolve`]) of a snapshot of Services, Pods, Ingresses,
//!   VirtualServices, DestinationRules, TrafficSplits and HTTPRoutes. Among weighted backends the
//!   choice is a smooth weighted round-robin, and among a backend's ready pods a round-robin (sorted by
//!   name), so splits are exact over a cycle: 1000 requests at 80/20 give 800 and 200.
//! * A pod answers with the status and latency of its behaviour ([`crate::sim::behaviour`]): HTTP 500
//!   for `error-rate` of its requests, deterministically (request *k* of a pod fails when
//!   `floor(k * rate)` grows, so exactly `rate` of every run fails), else 200; the latency is the
//!   behaviour's. No route: 404. No ready pod, or only zero weights: 503 (Gateway API: 500).
//! * Load: every `tick`, each target receives `rate * elapsed` requests (fractions carry over): every
//!   Service with a selector (host `svc.ns`) at [`TrafficConfig::service_rps`], and every Ingress rule
//!   host, VirtualService host that is not a Service name, and HTTPRoute hostname at
//!   [`TrafficConfig::host_rps`]. The annotation `sandbox.rollouts.dev/rps` on the Service, Ingress,
//!   VirtualService or HTTPRoute overrides the rate (0 turns the target off). Rates are per real second.
//! * The loopback entrypoint ([`Traffic::base_url`], its own port) routes any request by its `Host`
//!   header (other headers and cookies honoured), waits for the latency (scaled by the time scale,
//!   capped at [`TrafficConfig::max_response_delay`]) and answers with the pod's status and a JSON body
//!   naming the pod, its version (image tag), the Service and the router, also in the `x-sandbox-pod`,
//!   `x-sandbox-version`, `x-sandbox-service` and `x-sandbox-router` headers.
//! * Metrics ([`metrics`]) are served at `/metrics` on the API server's port.

mod entry;
pub mod metrics;
pub mod route;
mod wrr;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::watch;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::meta;
use crate::registry::Gvr;
use crate::sim::behaviour::{PodBehaviour, PodDefaults};
use crate::sim::clock::SimClock;
use crate::sim::endpoints::has_selector;
use crate::sim::util;
use crate::store::{ListOptions, Store};
use metrics::{HttpLabels, IstioLabels, Metrics, NginxLabels};
use route::{Request, RouteError, Router, RoutingObjects};
use wrr::SmoothWrr;

/// The annotation overriding a target's request rate.
pub const RPS_ANNOTATION: &str = "sandbox.rollouts.dev/rps";

/// Traffic settings.
#[derive(Debug, Clone, PartialEq)]
pub struct TrafficConfig {
    /// Port of the loopback entrypoint on 127.0.0.1 (0: any free port).
    pub port: u16,
    /// Requests per (real) second sent to every Service with a selector.
    pub service_rps: f64,
    /// Requests per (real) second sent to every Ingress/VirtualService/HTTPRoute host.
    pub host_rps: f64,
    /// How often the load generator sends its requests.
    pub tick: Duration,
    /// The namespace of short Service names (`web`).
    pub default_namespace: String,
    /// The longest real time the entrypoint waits before answering.
    pub max_response_delay: Duration,
}

impl Default for TrafficConfig {
    fn default() -> Self {
        TrafficConfig {
            port: 0,
            service_rps: 5.0,
            host_rps: 10.0,
            tick: Duration::from_millis(100),
            default_namespace: "default".into(),
            max_response_delay: Duration::from_secs(10),
        }
    }
}

/// What a simulated request got.
#[derive(Debug, Clone, PartialEq)]
pub struct SimResponse {
    /// HTTP status.
    pub status: u16,
    /// The pod's latency (sandbox time).
    pub latency: Duration,
    /// `service`, `nginx`, `istio`, `smi`, `gateway`, or empty when unrouted.
    pub router: String,
    /// Namespace of the serving pod or of the backend.
    pub namespace: String,
    /// The backend Service.
    pub service: Option<String>,
    /// The Istio subset.
    pub subset: Option<String>,
    /// Served through an nginx canary Ingress.
    pub canary: bool,
    /// The pod that answered.
    pub pod: Option<String>,
    /// Its image.
    pub image: Option<String>,
    /// Its version (image tag).
    pub version: Option<String>,
    /// Why no pod answered.
    pub error: Option<String>,
}

impl SimResponse {
    fn failed(status: u16, router: &str, error: String) -> Self {
        SimResponse {
            status,
            latency: Duration::ZERO,
            router: router.to_string(),
            namespace: String::new(),
            service: None,
            subset: None,
            canary: false,
            pod: None,
            image: None,
            version: None,
            error: Some(error),
        }
    }
}

/// One load target.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadTarget {
    /// The `Host` of its requests.
    pub host: String,
    /// Requests per real second.
    pub rps: f64,
}

fn rate(obj: &Value, default: f64) -> f64 {
    util::annotation(obj, RPS_ANNOTATION)
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|r| r.is_finite() && *r >= 0.0)
        .unwrap_or(default)
}

/// The load targets of a snapshot (see the module docs), in a stable order.
pub fn load_targets(
    objs: &RoutingObjects,
    service_rps: f64,
    host_rps: f64,
    default_ns: &str,
) -> Vec<LoadTarget> {
    let mut out: Vec<LoadTarget> = Vec::new();
    let mut add = |host: String, rps: f64| {
        if rps > 0.0 && !out.iter().any(|t| t.host == host) {
            out.push(LoadTarget { host, rps });
        }
    };
    for s in route::sorted(&objs.services)
        .into_iter()
        .filter(|s| has_selector(s))
    {
        let host = format!(
            "{}.{}",
            meta::name(s).unwrap_or_default(),
            meta::namespace(s).unwrap_or(default_ns)
        );
        add(host, rate(s, service_rps));
    }
    for ing in route::sorted(&objs.ingresses) {
        if util::annotation(ing, "nginx.ingress.kubernetes.io/canary") == Some("true") {
            continue;
        }
        for rule in ing
            .pointer("/spec/rules")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
        {
            if let Some(h) = rule
                .get("host")
                .and_then(Value::as_str)
                .filter(|h| !h.starts_with('*'))
            {
                add(h.to_ascii_lowercase(), rate(ing, host_rps));
            }
        }
    }
    for vs in route::sorted(&objs.virtual_services) {
        let ns = meta::namespace(vs).unwrap_or(default_ns);
        for h in vs
            .pointer("/spec/hosts")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
        {
            let Some(h) = h.as_str().filter(|h| !h.starts_with('*')) else {
                continue;
            };
            let names_service =
                route::service_host(h, ns).is_some_and(|(n, s)| objs.service(&n, &s).is_some());
            if !names_service {
                add(h.to_ascii_lowercase(), rate(vs, host_rps));
            }
        }
    }
    for r in route::sorted(&objs.http_routes) {
        for h in r
            .pointer("/spec/hostnames")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
        {
            if let Some(h) = h.as_str().filter(|h| !h.starts_with('*')) {
                add(h.to_ascii_lowercase(), rate(r, host_rps));
            }
        }
    }
    out
}

#[derive(Default)]
struct State {
    wrr: HashMap<String, SmoothWrr>,
    rr: HashMap<String, usize>,
    served: HashMap<String, u64>,
    load: HashMap<String, f64>,
}

/// The shared core of the traffic simulator.
pub(crate) struct Engine {
    store: Store,
    defaults: PodDefaults,
    config: TrafficConfig,
    clock: SimClock,
    metrics: Metrics,
    state: Mutex<State>,
}

fn list_all(store: &Store, group: &str, resource: &str) -> Vec<Value> {
    let Some(version) = store
        .registry()
        .get(group, resource)
        .and_then(|i| i.versions.first().map(|v| v.name.clone()))
    else {
        return Vec::new();
    };
    store
        .list(&Gvr::new(group, &version, resource), &ListOptions::default())
        .map(|l| l.items)
        .unwrap_or_default()
}

fn label(pod: &Value, keys: &[&str]) -> String {
    let labels = meta::labels(pod);
    keys.iter()
        .find_map(|k| labels.get(*k).and_then(Value::as_str))
        .unwrap_or_default()
        .to_string()
}

impl Engine {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn snapshot(&self) -> RoutingObjects {
        RoutingObjects {
            services: list_all(&self.store, "", "services"),
            pods: list_all(&self.store, "", "pods"),
            ingresses: list_all(&self.store, "networking.k8s.io", "ingresses"),
            virtual_services: list_all(&self.store, "networking.istio.io", "virtualservices"),
            destination_rules: list_all(&self.store, "networking.istio.io", "destinationrules"),
            traffic_splits: list_all(&self.store, "split.smi-spec.io", "trafficsplits"),
            http_routes: list_all(&self.store, "gateway.networking.k8s.io", "httproutes"),
        }
    }

    fn serve(&self, objs: &RoutingObjects, req: &Request) -> SimResponse {
        let resolution = match route::resolve(objs, req, &self.config.default_namespace) {
            Ok(r) => r,
            Err(e @ RouteError::NoRoute(_)) => return SimResponse::failed(404, "", e.to_string()),
            Err(e @ RouteError::NoBackend { router, .. }) => {
                return SimResponse::failed(
                    if router == "gateway" { 500 } else { 503 },
                    router,
                    e.to_string(),
                );
            }
        };
        let kind = resolution.router.kind();
        let weights: Vec<u32> = resolution.backends.iter().map(|b| b.weight).collect();
        let wrr_key = format!(
            "{:?}|{:?}",
            resolution.router,
            resolution
                .backends
                .iter()
                .map(|b| (&b.service, &b.subset, b.canary))
                .collect::<Vec<_>>()
        );
        let mut st = self.lock();
        let Some(index) = st.wrr.entry(wrr_key).or_default().pick(&weights) else {
            drop(st);
            let status = if kind == "gateway" { 500 } else { 503 };
            return SimResponse::failed(status, kind, format!("{kind}: every backend has weight 0"));
        };
        let backend = &resolution.backends[index];
        let mut out = SimResponse::failed(503, kind, String::new());
        out.namespace = backend.namespace.clone();
        out.service = Some(backend.service.clone());
        out.subset = backend.subset.clone();
        out.canary = backend.canary;
        let pods = route::ready_pods(objs, backend);
        if pods.is_empty() {
            out.error = Some(format!(
                "no ready endpoints for service {}/{}",
                backend.namespace, backend.service
            ));
        } else {
            let rr_key = format!(
                "{}/{}/{:?}",
                backend.namespace, backend.service, backend.subset_labels
            );
            let slot = st.rr.entry(rr_key).or_default();
            let pod = pods[*slot % pods.len()];
            *slot = slot.wrapping_add(1);
            let b = PodBehaviour::of(pod, &self.defaults);
            let served = st
                .served
                .entry(meta::uid(pod).unwrap_or_default().to_string())
                .or_default();
            *served += 1;
            let k = *served as f64;
            let failed = (k * b.error_rate + 1e-9).floor() > ((k - 1.0) * b.error_rate + 1e-9).floor();
            out.status = if failed { 500 } else { 200 };
            out.latency = b.latency;
            out.pod = meta::name(pod).map(str::to_string);
            out.image = Some(b.image.clone());
            out.version = Some(b.version.clone());
            out.error = None;
            let labels = HttpLabels {
                namespace: backend.namespace.clone(),
                app: label(pod, &["app", "app.kubernetes.io/name"]),
                service: backend.service.clone(),
                pod: out.pod.clone().unwrap_or_default(),
                rollouts_pod_template_hash: label(pod, &["rollouts-pod-template-hash", "pod-template-hash"]),
                status: out.status.to_string(),
            };
            self.metrics.http_requests.get_or_create(&labels).inc();
            self.metrics
                .http_duration
                .get_or_create(&labels)
                .observe(b.latency.as_secs_f64());
        }
        drop(st);
        let code = out.status.to_string();
        match &resolution.router {
            Router::Istio { .. } => {
                let mut reporters = vec!["source"];
                if out.pod.is_some() {
                    reporters.push("destination");
                }
                for reporter in reporters {
                    let l = IstioLabels {
                        reporter: reporter.into(),
                        destination_service: backend.fqdn(),
                        response_code: code.clone(),
                    };
                    self.metrics.istio_requests.get_or_create(&l).inc();
                }
            }
            Router::Nginx {
                namespace, ingress, ..
            } => {
                let canary = if backend.canary {
                    let port = backend
                        .port
                        .as_ref()
                        .map(|p| p.as_str().map(str::to_string).unwrap_or_else(|| p.to_string()))
                        .unwrap_or_default();
                    format!("{}-{}-{port}", backend.namespace, backend.service)
                } else {
                    String::new()
                };
                let l = NginxLabels {
                    namespace: namespace.clone(),
                    ingress: ingress.clone(),
                    canary,
                    status: code,
                };
                self.metrics.nginx_requests.get_or_create(&l).inc();
            }
            _ => {}
        }
        out
    }

    fn load_tick(&self, elapsed: Duration) {
        let objs = self.snapshot();
        let targets = load_targets(
            &objs,
            self.config.service_rps,
            self.config.host_rps,
            &self.config.default_namespace,
        );
        let mut due = Vec::new();
        {
            let mut st = self.lock();
            st.load.retain(|host, _| targets.iter().any(|t| t.host == *host));
            for t in &targets {
                let acc = st.load.entry(t.host.clone()).or_default();
                *acc += t.rps * elapsed.as_secs_f64();
                let n = acc.floor();
                *acc -= n;
                due.push((t.host.clone(), n as u64));
            }
        }
        for (host, n) in due {
            let req = Request::new(&host, "/");
            for _ in 0..n {
                self.serve(&objs, &req);
            }
        }
    }
}

/// A running traffic simulator.
#[derive(Clone)]
pub struct Traffic {
    engine: Arc<Engine>,
    addr: SocketAddr,
}

impl Traffic {
    pub(crate) async fn start(
        store: Store,
        config: TrafficConfig,
        defaults: PodDefaults,
        clock: SimClock,
        cancel: CancellationToken,
        paused: watch::Receiver<bool>,
    ) -> std::io::Result<Traffic> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port)).await?;
        let addr = listener.local_addr()?;
        let engine = Arc::new(Engine {
            store,
            defaults,
            config,
            clock,
            metrics: Metrics::default(),
            state: Mutex::default(),
        });
        entry::serve(listener, engine.clone(), cancel.clone());
        let load = engine.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(load.config.tick.max(Duration::from_millis(10)));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut last = Instant::now();
            loop {
                tokio::select! {
                    _ = cancel.cancelled() => return,
                    _ = tick.tick() => {}
                }
                let elapsed = last.elapsed();
                last = Instant::now();
                if !*paused.borrow() {
                    load.load_tick(elapsed);
                }
            }
        });
        Ok(Traffic { engine, addr })
    }

    /// The entrypoint's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` of the entrypoint.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Routes and answers one request (as the entrypoint would, without waiting for the latency).
    pub fn send(&self, req: &Request) -> SimResponse {
        let objs = self.engine.snapshot();
        self.engine.serve(&objs, req)
    }

    /// Sends `n` identical requests against one snapshot of the routing objects.
    pub fn send_many(&self, req: &Request, n: usize) -> Vec<SimResponse> {
        let objs = self.engine.snapshot();
        (0..n).map(|_| self.engine.serve(&objs, req)).collect()
    }

    /// The current routing objects.
    pub fn routing_objects(&self) -> RoutingObjects {
        self.engine.snapshot()
    }

    /// The current load targets.
    pub fn load_targets(&self) -> Vec<LoadTarget> {
        let c = &self.engine.config;
        load_targets(
            &self.engine.snapshot(),
            c.service_rps,
            c.host_rps,
            &c.default_namespace,
        )
    }

    /// The metric families.
    pub fn metrics(&self) -> &Metrics {
        &self.engine.metrics
    }

    /// The `/metrics` exposition text.
    pub fn render_metrics(&self) -> String {
        self.engine.metrics.render()
    }
}

#[cfg(test)]
mod tests;
