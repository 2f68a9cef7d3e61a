//! The request metrics of the simulated traffic, in the OpenMetrics text format (which Prometheus
//! scrapes), built with `prometheus-client`:
//!
//! | series | type | labels | recorded for |
//! |---|---|---|---|
//! | `http_requests_total` | counter | `namespace`, `app`, `service`, `pod`, `rollouts_pod_template_hash`, `status` | every request a pod answered |
//! | `http_request_duration_seconds` | histogram (Prometheus' default buckets) | same | same |
//! | `istio_requests_total` | counter | `reporter`, `destination_service`, `response_code` | requests routed by a VirtualService: once with `reporter="source"` and, when a pod answered, once with `reporter="destination"` |
//! | `nginx_ingress_controller_requests` | unknown (untyped, no `_total`, as ingress-nginx names it) | `namespace`, `ingress`, `canary`, `status` | requests routed by an Ingress |
//!
//! `app` is the pod's `app` label (else `app.kubernetes.io/name`); `service` is the Service that routed
//! to the pod; `rollouts_pod_template_hash` is the pod's `rollouts-pod-template-hash` label (else its
//! `pod-template-hash`); `destination_service` is `svc.ns.svc.cluster.local`; `ingress` is the main
//! Ingress and `canary` the canary upstream (`<namespace>-<service>-<port>`) for requests the canary
//! Ingress served, else empty, as ingress-nginx reports them. Requests no pod could answer (503) are
//! counted by the router metrics only.

use std::fmt;

use prometheus_client::encoding::{EncodeLabelSet, EncodeMetric, MetricEncoder};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::metrics::{MetricType, TypedMetric};
use prometheus_client::registry::Registry;

/// The Content-Type of [`Metrics::render`].
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

const BUCKETS: [f64; 11] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// Labels of the per-pod series.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct HttpLabels {
    /// Pod namespace.
    pub namespace: String,
    /// The pod's app label.
    pub app: String,
    /// The Service that routed to the pod.
    pub service: String,
    /// The pod.
    pub pod: String,
    /// The pod's (rollouts-)pod-template-hash.
    pub rollouts_pod_template_hash: String,
    /// HTTP status code.
    pub status: String,
}

/// Labels of `istio_requests_total`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct IstioLabels {
    /// `source` or `destination`.
    pub reporter: String,
    /// `svc.ns.svc.cluster.local`.
    pub destination_service: String,
    /// HTTP status code.
    pub response_code: String,
}

/// Labels of `nginx_ingress_controller_requests`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct NginxLabels {
    /// Ingress namespace.
    pub namespace: String,
    /// The main Ingress.
    pub ingress: String,
    /// The canary upstream, or empty.
    pub canary: String,
    /// HTTP status code.
    pub status: String,
}

/// A counter exposed without the `_total` suffix (OpenMetrics type `unknown`), so that its name is
/// exactly ingress-nginx's.
#[derive(Debug, Default)]
pub struct UntypedCounter(Counter);

impl UntypedCounter {
    /// Adds one.
    pub fn inc(&self) {
        self.0.inc();
    }

    /// The value.
    pub fn get(&self) -> u64 {
        self.0.get()
    }
}

impl TypedMetric for UntypedCounter {
    const TYPE: MetricType = MetricType::Unknown;
}

impl EncodeMetric for UntypedCounter {
    fn encode(&self, mut encoder: MetricEncoder) -> Result<(), fmt::Error> {
        encoder.encode_gauge(&self.0.get())
    }

    fn metric_type(&self) -> MetricType {
        MetricType::Unknown
    }
}

fn histogram() -> Histogram {
    Histogram::new(BUCKETS)
}

/// The metric families and their registry.
pub struct Metrics {
    registry: Registry,
    /// `http_requests_total`.
    pub http_requests: Family<HttpLabels, Counter>,
    /// `http_request_duration_seconds`.
    pub http_duration: Family<HttpLabels, Histogram, fn() -> Histogram>,
    /// `istio_requests_total`.
    pub istio_requests: Family<IstioLabels, Counter>,
    /// `nginx_ingress_controller_requests`.
    pub nginx_requests: Family<NginxLabels, UntypedCounter>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::default();
        let http_requests = Family::<HttpLabels, Counter>::default();
        let http_duration =
            Family::<HttpLabels, Histogram, fn() -> Histogram>::new_with_constructor(histogram);
        let istio_requests = Family::<IstioLabels, Counter>::default();
        let nginx_requests = Family::<NginxLabels, UntypedCounter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered by simulated pods",
            http_requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Latency of HTTP requests answered by simulated pods",
            http_duration.clone(),
        );
        registry.register(
            "istio_requests",
            "Requests routed by Istio VirtualServices (simulated)",
            istio_requests.clone(),
        );
        registry.register(
            "nginx_ingress_controller_requests",
            "Requests routed by ingress-nginx (simulated)",
            nginx_requests.clone(),
        );
        Metrics {
            registry,
            http_requests,
            http_duration,
            istio_requests,
            nginx_requests,
        }
    }
}

impl fmt::Debug for Metrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Metrics {
    /// The exposition text (OpenMetrics, ending with `# EOF`).
    pub fn render(&self) -> String {
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            // Encoding into a String cannot fail; keep the output well-formed regardless.
            out = "# EOF\n".to_string();
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_the_series_with_their_names_and_labels() {
        let m = Metrics::default();
        let l = HttpLabels {
            namespace: "default".into(),
            app: "web".into(),
            service: "web".into(),
            pod: "web-abc-x".into(),
            rollouts_pod_template_hash: "abc".into(),
            status: "200".into(),
        };
        m.http_requests.get_or_create(&l).inc();
        m.http_duration.get_or_create(&l).observe(0.2);
        m.nginx_requests
            .get_or_create(&NginxLabels {
                namespace: "default".into(),
                ingress: "web".into(),
                canary: String::new(),
                status: "500".into(),
            })
            .inc();
        let text = m.render();
        assert!(text.contains(r#"http_requests_total{namespace="default",app="web",service="web",pod="web-abc-x",rollouts_pod_template_hash="abc",status="200"} 1"#), "{text}");
        assert!(text.contains(r#"http_request_duration_seconds_bucket{le="0.25",namespace="default",app="web",service="web",pod="web-abc-x",rollouts_pod_template_hash="abc",status="200"} 1"#), "{text}");
        assert!(text.contains(r#"nginx_ingress_controller_requests{namespace="default",ingress="web",canary="",status="500"} 1"#), "{text}");
        assert!(
            text.contains("# TYPE nginx_ingress_controller_requests unknown"),
            "{text}"
        );
        assert!(text.ends_with("# EOF\n"));
    }
}
