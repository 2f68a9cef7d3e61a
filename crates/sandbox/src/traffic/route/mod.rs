//! Route resolution: pure functions from routing objects and one request to weighted backends. No
//! store, no clock, no randomness: [`resolve`] reads a [`RoutingObjects`] snapshot and answers which
//! router claims the request and which Services (with optional pod-label subsets) receive which weight;
//! [`ready_pods`] lists the pods a backend sends to.
//!
//! Which router claims a request for host `H` (first match wins):
//! 1. ingress-nginx ([`nginx`]): a non-canary Ingress with a rule for host `H` (exact, or `*.suffix`);
//! 2. Gateway API ([`gateway`]): an HTTPRoute listing `H` in `spec.hostnames` (exact or `*.suffix`);
//! 3. Istio ([`istio`]): a VirtualService listing `H` in `spec.hosts` (short names are qualified in the
//!    VirtualService's namespace; `gateways` are not consulted);
//! 4. `H` names a Service (`svc` in the default namespace, `svc.ns`, `svc.ns.svc`,
//!    `svc.ns.svc.cluster.local`): an SMI TrafficSplit whose `spec.service` is that Service ([`smi`]),
//!    else the Service itself (its ready pods, equal share).
//!
//! Rules without a host (Ingress) or routes without hostnames (HTTPRoute) claim nothing.

pub mod gateway;
pub mod istio;
pub mod nginx;
pub mod smi;

use std::collections::BTreeMap;

use serde_json::Value;

use crate::meta;
use crate::sim::endpoints::selects;
use crate::sim::util;

/// One HTTP request as the routers see it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Request {
    /// The `Host` (lower case, without a port).
    pub host: String,
    /// The path (`/` when empty).
    pub path: String,
    /// The method (`GET`).
    pub method: String,
    /// Headers by lower-case name.
    pub headers: BTreeMap<String, String>,
    /// Cookies by name (from the `Cookie` header).
    pub cookies: BTreeMap<String, String>,
}

impl Request {
    /// A GET request for `host` and `path`.
    pub fn new(host: &str, path: &str) -> Self {
        let host = host.trim().to_ascii_lowercase();
        let host = match host.rsplit_once(':') {
            Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) && !h.is_empty() => h.to_string(),
            _ => host,
        };
        let path = if path.is_empty() {
            "/".to_string()
        } else {
            path.to_string()
        };
        Request {
            host,
            path,
            method: "GET".into(),
            headers: BTreeMap::new(),
            cookies: BTreeMap::new(),
        }
    }

    /// Adds a header (a `Cookie` header also fills [`Request::cookies`]).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        let name = name.to_ascii_lowercase();
        if name == "cookie" {
            for pair in value.split(';') {
                if let Some((k, v)) = pair.split_once('=') {
                    self.cookies.insert(k.trim().to_string(), v.trim().to_string());
                }
            }
        }
        self.headers.insert(name, value.to_string());
        self
    }
}

/// The objects routing reads (all namespaces).
#[derive(Debug, Clone, Default)]
pub struct RoutingObjects {
    /// core/v1 Services.
    pub services: Vec<Value>,
    /// core/v1 Pods.
    pub pods: Vec<Value>,
    /// networking.k8s.io/v1 Ingresses.
    pub ingresses: Vec<Value>,
    /// networking.istio.io VirtualServices.
    pub virtual_services: Vec<Value>,
    /// networking.istio.io DestinationRules.
    pub destination_rules: Vec<Value>,
    /// split.smi-spec.io TrafficSplits.
    pub traffic_splits: Vec<Value>,
    /// gateway.networking.k8s.io HTTPRoutes.
    pub http_routes: Vec<Value>,
}

impl RoutingObjects {
    /// The Service `name` in `namespace`.
    pub fn service(&self, namespace: &str, name: &str) -> Option<&Value> {
        self.services
            .iter()
            .find(|s| meta::namespace(s) == Some(namespace) && meta::name(s) == Some(name))
    }
}

/// One weighted destination: a Service, optionally narrowed to pods with extra labels (an Istio
/// DestinationRule subset).
#[derive(Debug, Clone, PartialEq)]
pub struct Backend {
    /// The Service's namespace.
    pub namespace: String,
    /// The Service's name.
    pub service: String,
    /// The port as the router named it (number or name), if any.
    pub port: Option<Value>,
    /// The Istio subset name.
    pub subset: Option<String>,
    /// Extra pod labels the subset requires.
    pub subset_labels: BTreeMap<String, String>,
    /// The relative weight (0: no traffic).
    pub weight: u32,
    /// ingress-nginx: served through the canary Ingress.
    pub canary: bool,
}

impl Backend {
    /// A backend for a Service with a weight.
    pub fn service(namespace: &str, service: &str, weight: u32) -> Self {
        Backend {
            namespace: namespace.to_string(),
            service: service.to_string(),
            port: None,
            subset: None,
            subset_labels: BTreeMap::new(),
            weight,
            canary: false,
        }
    }

    /// `svc.ns.svc.cluster.local`.
    pub fn fqdn(&self) -> String {
        fqdn(&self.namespace, &self.service)
    }
}

/// Which router claimed a request.
#[derive(Debug, Clone, PartialEq)]
pub enum Router {
    /// A plain Service.
    Service {
        /// Namespace.
        namespace: String,
        /// Service name.
        name: String,
    },
    /// ingress-nginx.
    Nginx {
        /// Namespace of the Ingress.
        namespace: String,
        /// The main (stable) Ingress.
        ingress: String,
        /// The canary Ingress merged into it, if any.
        canary_ingress: Option<String>,
    },
    /// An Istio VirtualService.
    Istio {
        /// Namespace of the VirtualService.
        namespace: String,
        /// Its name.
        virtual_service: String,
        /// The name (or index) of the http route that matched.
        route: String,
    },
    /// An SMI TrafficSplit.
    Smi {
        /// Namespace.
        namespace: String,
        /// Its name.
        traffic_split: String,
    },
    /// A Gateway API HTTPRoute.
    Gateway {
        /// Namespace.
        namespace: String,
        /// Its name.
        http_route: String,
        /// Index of the rule that matched.
        rule: usize,
    },
}

impl Router {
    /// `service`, `nginx`, `istio`, `smi` or `gateway`.
    pub fn kind(&self) -> &'static str {
        match self {
            Router::Service { .. } => "service",
            Router::Nginx { .. } => "nginx",
            Router::Istio { .. } => "istio",
            Router::Smi { .. } => "smi",
            Router::Gateway { .. } => "gateway",
        }
    }
}

/// The outcome of routing one request.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolution {
    /// Who routed it.
    pub router: Router,
    /// Where it may go, with weights.
    pub backends: Vec<Backend>,
}

/// Why a request could not be routed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RouteError {
    /// Nothing claims the host (HTTP 404).
    #[error("no route for host {0:?}")]
    NoRoute(String),
    /// A router claimed the request but has nowhere to send it (HTTP 503; Gateway API: 500).
    #[error("{router}: {message}")]
    NoBackend {
        /// The router kind.
        router: &'static str,
        /// What is missing.
        message: String,
    },
}

/// `svc.ns.svc.cluster.local`.
pub fn fqdn(namespace: &str, service: &str) -> String {
    format!("{service}.{namespace}.svc.cluster.local")
}

/// The (namespace, service) a host names, syntactically: `svc` (in `default_ns`), `svc.ns`,
/// `svc.ns.svc` or `svc.ns.svc.cluster.local`.
pub fn service_host(host: &str, default_ns: &str) -> Option<(String, String)> {
    let parts: Vec<&str> = host.split('.').collect();
    match parts.as_slice() {
        [svc] if !svc.is_empty() => Some((default_ns.to_string(), svc.to_string())),
        [svc, ns] | [svc, ns, "svc"] | [svc, ns, "svc", "cluster", "local"] => {
            Some((ns.to_string(), svc.to_string()))
        }
        _ => None,
    }
}

/// Whether a host pattern (`example.com` or `*.example.com`) matches `host`.
pub fn host_matches(pattern: &str, host: &str) -> bool {
    let pattern = pattern.to_ascii_lowercase();
    match pattern.strip_prefix("*.") {
        Some(suffix) => host.len() > suffix.len() + 1 && host.ends_with(&format!(".{suffix}")),
        None => pattern == host || pattern == "*",
    }
}

/// Objects sorted by (namespace, name), so that "the first" is well defined.
pub(crate) fn sorted(objs: &[Value]) -> Vec<&Value> {
    let mut v: Vec<&Value> = objs.iter().collect();
    v.sort_by_key(|o| {
        (
            meta::namespace(o).map(str::to_string),
            meta::name(o).map(str::to_string),
        )
    });
    v
}

/// Resolves a request (see the module docs for the order of the routers).
pub fn resolve(objs: &RoutingObjects, req: &Request, default_ns: &str) -> Result<Resolution, RouteError> {
    if let Some(r) = nginx::resolve(objs, req) {
        return r;
    }
    if let Some(r) = gateway::resolve(objs, req) {
        return r;
    }
    if let Some(r) = istio::resolve(objs, req, default_ns) {
        return r;
    }
    if let Some((ns, svc)) = service_host(&req.host, default_ns)
        && objs.service(&ns, &svc).is_some()
    {
        if let Some(r) = smi::resolve(objs, &ns, &svc) {
            return r;
        }
        return Ok(Resolution {
            router: Router::Service {
                namespace: ns.clone(),
                name: svc.clone(),
            },
            backends: vec![Backend::service(&ns, &svc, 1)],
        });
    }
    Err(RouteError::NoRoute(req.host.clone()))
}

/// The pods `backend` sends to: ready, not being deleted, with a `podIP`, selected by the Service
/// (and carrying the subset labels), sorted by name. Empty when the Service does not exist or has no
/// selector.
pub fn ready_pods<'a>(objs: &'a RoutingObjects, backend: &Backend) -> Vec<&'a Value> {
    let Some(svc) = objs.service(&backend.namespace, &backend.service) else {
        return Vec::new();
    };
    let mut pods: Vec<&Value> = objs
        .pods
        .iter()
        .filter(|p| meta::namespace(p) == Some(backend.namespace.as_str()))
        .filter(|p| selects(svc, p) && util::is_active(p) && util::is_ready(p))
        .filter(|p| {
            p.pointer("/status/podIP")
                .and_then(Value::as_str)
                .is_some_and(|ip| !ip.is_empty())
        })
        .filter(|p| {
            let labels = meta::labels(p);
            backend
                .subset_labels
                .iter()
                .all(|(k, v)| labels.get(k).and_then(Value::as_str) == Some(v.as_str()))
        })
        .collect();
    pods.sort_by_key(|p| meta::name(p).map(str::to_string));
    pods
}

#[cfg(test)]
pub(crate) mod tests;
