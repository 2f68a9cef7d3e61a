//! Conversion of the core/v1 kinds: Namespace, ConfigMap, Secret, ServiceAccount and Service.

use std::collections::BTreeMap;
use std::mem::take;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use k8s_pb::api::core::v1::{
    ConfigMap, LocalObjectReference, Namespace, NamespaceSpec, ObjectReference, Secret, Service,
    ServiceAccount, ServicePort, ServiceSpec,
};
use serde_json::{Map, Value};

use super::json::{Obj, Res, ensure_consumed};
use super::meta::{int_or_string, object_meta};

/// The fields of an object: `metadata` first, then the rest.
type Fields = Map<String, Value>;

/// The status the server resets on create: written as `{}` when present, its content dropped.
fn reset_status<T>(status: Option<T>) -> Option<Value> {
    status.map(|_| Value::Object(Map::new()))
}

fn base64_map(m: BTreeMap<String, Vec<u8>>) -> BTreeMap<String, String> {
    m.into_iter().map(|(k, v)| (k, STANDARD.encode(v))).collect()
}

pub(super) fn namespace(mut ns: Namespace) -> Res<Fields> {
    let mut o = Obj::default();
    o.msg("metadata", ns.metadata.take(), "", object_meta)?;
    o.msg("spec", ns.spec.take(), "", namespace_spec)?;
    o.opt("status", reset_status(ns.status.take()));
    ensure_consumed(&ns, "")?;
    Ok(o.0)
}

fn namespace_spec(mut s: NamespaceSpec, path: &str) -> Res<Value> {
    let mut o = Obj::default();
    o.strs("finalizers", take(&mut s.finalizers));
    ensure_consumed(&s, path)?;
    Ok(o.done())
}

pub(super) fn config_map(mut cm: ConfigMap) -> Res<Fields> {
    let mut o = Obj::default();
    o.msg("metadata", cm.metadata.take(), "", object_meta)?;
    o.opt("immutable", cm.immutable.take())
        .map("data", take(&mut cm.data))
        .map("binaryData", base64_map(take(&mut cm.binary_data)));
    ensure_consumed(&cm, "")?;
    Ok(o.0)
}

pub(super) fn secret(mut s: Secret) -> Res<Fields> {
    let mut o = Obj::default();
    o.msg("metadata", s.metadata.take(), "", object_meta)?;
    o.opt("immutable", s.immutable.take())
        .map("data", base64_map(take(&mut s.data)))
        .map("stringData", take(&mut s.string_data))
        .str("type", s.r#type.take());
    ensure_consumed(&s, "")?;
    Ok(o.0)
}

pub(super) fn service_account(mut sa: ServiceAccount) -> Res<Fields> {
    let mut o = Obj::default();
    o.msg("metadata", sa.metadata.take(), "", object_meta)?;
    o.list("secrets", take(&mut sa.secrets), "", object_reference)?;
    o.list(
        "imagePullSecrets",
        take(&mut sa.image_pull_secrets),
        "",
        local_object_reference,
    )?;
    o.opt(
        "automountServiceAccountToken",
        sa.automount_service_account_token.take(),
    );
    ensure_consumed(&sa, "")?;
    Ok(o.0)
}

fn object_reference(mut r: ObjectReference, path: &str) -> Res<Value> {
    let mut o = Obj::default();
    o.str("kind", r.kind.take())
        .str("namespace", r.namespace.take())
        .str("name", r.name.take())
        .str("uid", r.uid.take())
        .str("apiVersion", r.api_version.take())
        .str("resourceVersion", r.resource_version.take())
        .str("fieldPath", r.field_path.take());
    ensure_consumed(&r, path)?;
    Ok(o.done())
}

/// A `LocalObjectReference` (`{name}`).
pub(super) fn local_object_reference(mut r: LocalObjectReference, path: &str) -> Res<Value> {
    let mut o = Obj::default();
    o.str("name", r.name.take());
    ensure_consumed(&r, path)?;
    Ok(o.done())
}

pub(super) fn service(mut svc: Service) -> Res<Fields> {
    let mut o = Obj::default();
    o.msg("metadata", svc.metadata.take(), "", object_meta)?;
    o.msg("spec", svc.spec.take(), "", service_spec)?;
    o.opt("status", reset_status(svc.status.take()));
    ensure_consumed(&svc, "")?;
    Ok(o.0)
}

fn service_spec(mut s: ServiceSpec, path: &str) -> Res<Value> {
    let mut o = Obj::default();
    o.list("ports", take(&mut s.ports), path, service_port)?;
    o.map("selector", take(&mut s.selector))
        .str("clusterIP", s.cluster_ip.take())
        .strs("clusterIPs", take(&mut s.cluster_ips))
        .str("type", s.r#type.take())
        .strs("externalIPs", take(&mut s.external_ips))
        .str("sessionAffinity", s.session_affinity.take())
        .str("loadBalancerIP", s.load_balancer_ip.take())
        .strs(
            "loadBalancerSourceRanges",
            take(&mut s.load_balancer_source_ranges),
        )
        .str("externalName", s.external_name.take())
        .str("externalTrafficPolicy", s.external_traffic_policy.take())
        .nonzero("healthCheckNodePort", s.health_check_node_port.take())
        .nonzero("publishNotReadyAddresses", s.publish_not_ready_addresses.take())
        .strs("ipFamilies", take(&mut s.ip_families))
        .opt("ipFamilyPolicy", s.ip_family_policy.take())
        .opt(
            "allocateLoadBalancerNodePorts",
            s.allocate_load_balancer_node_ports.take(),
        )
        .opt("loadBalancerClass", s.load_balancer_class.take())
        .opt("internalTrafficPolicy", s.internal_traffic_policy.take())
        .opt("trafficDistribution", s.traffic_distribution.take());
    ensure_consumed(&s, path)?;
    Ok(o.done())
}

fn service_port(mut p: ServicePort, path: &str) -> Res<Value> {
    let mut o = Obj::default();
    o.str("name", p.name.take())
        .str("protocol", p.protocol.take())
        .opt("appProtocol", p.app_protocol.take())
        .always("port", p.port.take().unwrap_or(0));
    o.msg("targetPort", p.target_port.take(), path, int_or_string)?;
    o.nonzero("nodePort", p.node_port.take());
    ensure_consumed(&p, path)?;
    Ok(o.done())
}
