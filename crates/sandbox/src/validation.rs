//! `fieldValidation=Strict` for built-in kinds, as kubectl sends it with `apply`, `create -f` and
//! `edit`: the object is decoded into its k8s-openapi type and encoded again, and any field that did not
//! survive the round trip is unknown, answered with 400 `strict decoding error: unknown field "spec.x"`.
//! Objects the typed decoder rejects, custom resources and `Warn`/`Ignore` are not checked (lenient).

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::ApiError;

/// The `fieldValidation` query parameter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FieldValidation {
    /// Accept unknown fields silently (kube-rs's default: no parameter).
    #[default]
    Ignore,
    /// Accept unknown fields (the real server adds a warning header; the sandbox does not).
    Warn,
    /// Reject unknown fields with 400.
    Strict,
}

impl FieldValidation {
    /// Parses the query parameter (unknown values are Ignore).
    pub fn parse(s: Option<&str>) -> Self {
        match s {
            Some("Strict") => FieldValidation::Strict,
            Some("Warn") => FieldValidation::Warn,
            _ => FieldValidation::Ignore,
        }
    }
}

fn round_trip<T: DeserializeOwned + Serialize>(obj: &Value) -> Option<Value> {
    let typed: T = serde_json::from_value(obj.clone()).ok()?;
    serde_json::to_value(&typed).ok()
}

fn typed_round_trip(group: &str, kind: &str, obj: &Value) -> Option<Value> {
    use k8s_openapi::api::{apps, batch, coordination, core, networking};
    use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
    match (group, kind) {
        ("", "Namespace") => round_trip::<core::v1::Namespace>(obj),
        ("", "Pod") => round_trip::<core::v1::Pod>(obj),
        ("", "Service") => round_trip::<core::v1::Service>(obj),
        ("", "Endpoints") => round_trip::<core::v1::Endpoints>(obj),
        ("", "Secret") => round_trip::<core::v1::Secret>(obj),
        ("", "ConfigMap") => round_trip::<core::v1::ConfigMap>(obj),
        ("", "Event") => round_trip::<core::v1::Event>(obj),
        ("", "ServiceAccount") => round_trip::<core::v1::ServiceAccount>(obj),
        ("apps", "ReplicaSet") => round_trip::<apps::v1::ReplicaSet>(obj),
        ("apps", "Deployment") => round_trip::<apps::v1::Deployment>(obj),
        ("networking.k8s.io", "Ingress") => round_trip::<networking::v1::Ingress>(obj),
        ("batch", "Job") => round_trip::<batch::v1::Job>(obj),
        ("coordination.k8s.io", "Lease") => round_trip::<coordination::v1::Lease>(obj),
        ("apiextensions.k8s.io", "CustomResourceDefinition") => round_trip::<CustomResourceDefinition>(obj),
        _ => None,
    }
}

fn collect(path: &str, input: &Value, output: &Value, out: &mut Vec<String>) {
    match (input, output) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                match b.get(k) {
                    Some(w) => collect(&p, v, w, out),
                    // A null, or an empty map or list, may be dropped by the encoder: not unknown.
                    None if is_empty(v) => {}
                    None => out.push(p),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (v, w)) in a.iter().zip(b).enumerate() {
                collect(&format!("{path}[{i}]"), v, w, out);
            }
        }
        _ => {}
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Object(m) => m.values().all(is_empty),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// The unknown fields of a built-in object (dotted paths), or an empty list when the object is
/// clean or cannot be checked.
pub fn unknown_fields(group: &str, kind: &str, obj: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(encoded) = typed_round_trip(group, kind, obj) {
        collect("", obj, &encoded, &mut out);
    }
    out
}

/// Applies `fieldValidation` to an object about to be written.
pub fn check(mode: FieldValidation, group: &str, kind: &str, obj: &Value) -> Result<(), ApiError> {
    if mode != FieldValidation::Strict {
        return Ok(());
    }
    let unknown = unknown_fields(group, kind, obj);
    if unknown.is_empty() {
        return Ok(());
    }
    let fields: Vec<String> = unknown.iter().map(|f| format!("unknown field \"{f}\"")).collect();
    let version = obj.get("apiVersion").and_then(Value::as_str).unwrap_or_default();
    Err(ApiError::bad_request(format!(
        "{kind} in version \"{}\" cannot be handled as a {kind}: strict decoding error: {}",
        version.rsplit('/').next().unwrap_or(version),
        fields.join(", ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_unknown_fields_and_ignores_known_ones() {
        let d = json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "creationTimestamp": null, "annotations": {}},
            "spec": {"replicas": 2, "replica": 3, "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web"}},
                                  "spec": {"containers": [{"name": "c", "image": "nginx", "imagePullPolcy": "Always"}]}}},
        });
        assert_eq!(
            unknown_fields("apps", "Deployment", &d),
            ["spec.replica", "spec.template.spec.containers[0].imagePullPolcy"]
        );
        let err = check(FieldValidation::Strict, "apps", "Deployment", &d).unwrap_err();
        assert_eq!(err.code, 400);
        assert!(
            err.message
                .contains("strict decoding error: unknown field \"spec.replica\""),
            "{}",
            err.message
        );
        assert!(check(FieldValidation::Ignore, "apps", "Deployment", &d).is_ok());
        assert!(unknown_fields("argoproj.io", "Rollout", &json!({"spec": {"anything": 1}})).is_empty());
    }
}
