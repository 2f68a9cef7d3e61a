//! Conversion of the apimachinery messages shared by the kinds: `ObjectMeta`, `OwnerReference`, `LabelSelector`,
//! `IntOrString` and quantities.

use std::collections::BTreeMap;
use std::mem::take;

use k8s_pb::apimachinery::pkg::api::resource::Quantity;
use k8s_pb::apimachinery::pkg::apis::meta::v1::{
    LabelSelector, LabelSelectorRequirement, ObjectMeta, OwnerReference,
};
use k8s_pb::apimachinery::pkg::util::intstr::IntOrString;
use serde_json::Value;

use super::json::{Obj, Res, ensure_consumed};

/// `metadata`. The fields the server resets on create are dropped; `managedFields` is refused.
pub(super) fn object_meta(mut m: ObjectMeta, path: &str) -> Res<Value> {
    let mut o = Obj::default();
    o.str("name", m.name.take())
        .str("generateName", m.generate_name.take())
        .str("namespace", m.namespace.take())
        .str("resourceVersion", m.resource_version.take())
        .map("labels", take(&mut m.labels))
        .map("annotations", take(&mut m.annotations));
    o.list(
        "ownerReferences",
        take(&mut m.owner_references),
        path,
        owner_reference,
    )?;
    o.strs("finalizers", take(&mut m.finalizers));
    // Set by the server on create, whatever the client sends.
    m.self_link = None;
    m.uid = None;
    m.generation = None;
    m.creation_timestamp = None;
    m.deletion_timestamp = None;
    m.deletion_grace_period_seconds = None;
    ensure_consumed(&m, path)?;
    Ok(o.done())
}

fn owner_reference(mut r: OwnerReference, path: &str) -> Res<Value> {
    let mut o = Obj::default();
    o.always("apiVersion", r.api_version.take().unwrap_or_default())
        .always("kind", r.kind.take().unwrap_or_default())
        .always("name", r.name.take().unwrap_or_default())
        .always("uid", r.uid.take().unwrap_or_default())
        .opt("controller", r.controller.take())
        .opt("blockOwnerDeletion", r.block_owner_deletion.take());
    ensure_consumed(&r, path)?;
    Ok(o.done())
}

/// A `LabelSelector`.
pub(super) fn label_selector(mut s: LabelSelector, path: &str) -> Res<Value> {
    let mut o = Obj::default();
    o.map("matchLabels", take(&mut s.match_labels));
    o.list(
        "matchExpressions",
        take(&mut s.match_expressions),
        path,
        label_selector_requirement,
    )?;
    ensure_consumed(&s, path)?;
    Ok(o.done())
}

fn label_selector_requirement(mut r: LabelSelectorRequirement, path: &str) -> Res<Value> {
    let mut o = Obj::default();
    o.always("key", r.key.take().unwrap_or_default())
        .always("operator", r.operator.take().unwrap_or_default())
        .strs("values", take(&mut r.values));
    ensure_consumed(&r, path)?;
    Ok(o.done())
}

/// An `IntOrString`: a number for type 0, a string for type 1.
pub(super) fn int_or_string(v: IntOrString, _path: &str) -> Res<Value> {
    Ok(if v.r#type.unwrap_or(0) == 1 {
        Value::String(v.str_val.unwrap_or_default())
    } else {
        Value::from(v.int_val.unwrap_or(0))
    })
}

/// A `ResourceList` (resource name to quantity string).
pub(super) fn quantities(list: BTreeMap<String, Quantity>) -> BTreeMap<String, String> {
    list.into_iter()
        .map(|(k, q)| (k, q.string.unwrap_or_default()))
        .collect()
}
