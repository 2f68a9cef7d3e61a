//! SMI routing: a TrafficSplit (the first by name in the Service's namespace) whose `spec.service` is
//! the addressed root Service splits its requests over `spec.backends[]` (`service`, `weight`). Weights
//! are integers (v1alpha2+) or quantities (v1alpha1: `"500m"`, `"1"`); they are compared in thousandths.

use serde_json::Value;

use super::{Backend, Resolution, RouteError, Router, RoutingObjects, sorted};
use crate::meta;

/// A TrafficSplit weight in thousandths (`5` -> 5000, `"500m"` -> 500).
pub fn weight_millis(v: &Value) -> Option<u32> {
    if let Some(n) = v.as_u64() {
        return u32::try_from(n.saturating_mul(1000)).ok();
    }
    let s = v.as_str()?.trim();
    let millis = match s.strip_suffix('m') {
        Some(m) => m.parse::<f64>().ok()?,
        None => s.parse::<f64>().ok()? * 1000.0,
    };
    (millis.is_finite() && millis >= 0.0 && millis <= f64::from(u32::MAX)).then(|| millis.round() as u32)
}

/// Resolves a request addressed to Service `svc` in `ns` if a TrafficSplit has it as its root.
pub fn resolve(objs: &RoutingObjects, ns: &str, svc: &str) -> Option<Result<Resolution, RouteError>> {
    let ts = sorted(&objs.traffic_splits).into_iter().find(|ts| {
        meta::namespace(ts) == Some(ns) && ts.pointer("/spec/service").and_then(Value::as_str) == Some(svc)
    })?;
    let name = meta::name(ts).unwrap_or_default().to_string();
    let mut backends = Vec::new();
    for b in ts
        .pointer("/spec/backends")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
    {
        let Some(service) = b.get("service").and_then(Value::as_str) else {
            continue;
        };
        let weight = b.get("weight").and_then(weight_millis).unwrap_or(0);
        backends.push(Backend::service(ns, service, weight));
    }
    if backends.is_empty() {
        let message = format!("TrafficSplit {ns}/{name} has no backends");
        return Some(Err(RouteError::NoBackend {
            router: "smi",
            message,
        }));
    }
    Some(Ok(Resolution {
        router: Router::Smi {
            namespace: ns.to_string(),
            traffic_split: name,
        },
        backends,
    }))
}
