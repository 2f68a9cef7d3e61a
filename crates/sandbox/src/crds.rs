//! Bundled minimal CRDs for the traffic providers the simulated cluster routes with (Istio
//! VirtualService/DestinationRule, SMI TrafficSplit, Gateway API HTTPRoute, Traefik TraefikService), and
//! installing arbitrary manifests through the store by `apiVersion`/`kind`.

use serde_json::Value;

use crate::error::ApiError;
use crate::meta;
use crate::registry::Gvr;
use crate::store::{PatchBody, Store, WriteOptions};

/// (file name, YAML) of the bundled CRDs.
pub const BUNDLED: &[(&str, &str)] = &[
    (
        "istio-virtualservice.yaml",
        include_str!("../crds/istio-virtualservice.yaml"),
    ),
    (
        "istio-destinationrule.yaml",
        include_str!("../crds/istio-destinationrule.yaml"),
    ),
    (
        "smi-trafficsplit.yaml",
        include_str!("../crds/smi-trafficsplit.yaml"),
    ),
    (
        "gateway-httproute.yaml",
        include_str!("../crds/gateway-httproute.yaml"),
    ),
    (
        "traefik-traefikservice.yaml",
        include_str!("../crds/traefik-traefikservice.yaml"),
    ),
];

/// The group/version/resource of a manifest's `apiVersion` and `kind`, if the store serves it.
pub fn gvr_of(store: &Store, obj: &Value) -> Result<Gvr, ApiError> {
    let api_version = obj.get("apiVersion").and_then(Value::as_str).unwrap_or_default();
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or_default();
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    let reg = store.registry();
    let info = reg
        .by_kind(group, kind)
        .filter(|i| i.version(version).is_some())
        .ok_or_else(|| ApiError::bad_request(format!("no resource serves kind {kind} in {api_version}")))?;
    Ok(Gvr::new(group, version, &info.resource))
}

/// Creates a manifest, or merge-patches it when it already exists (an `apply` without field ownership).
pub fn create_manifest(store: &Store, obj: &Value, opts: &WriteOptions) -> Result<Value, ApiError> {
    let gvr = gvr_of(store, obj)?;
    let info = store.resource_info(&gvr).ok_or_else(ApiError::no_such_resource)?;
    let ns = info
        .namespaced
        .then(|| meta::namespace(obj).unwrap_or("default").to_string());
    match store.create(&gvr, ns.as_deref(), obj.clone(), opts) {
        Err(e) if e.reason == "AlreadyExists" => {
            let name = meta::name(obj).unwrap_or_default();
            store.patch(&gvr, ns.as_deref(), name, &PatchBody::Merge(obj.clone()), opts)
        }
        other => other,
    }
}
