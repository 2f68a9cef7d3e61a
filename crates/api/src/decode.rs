//! Decoding documents like Go does: leniently ([`from_value`]) for the controller and CLI, and
//! strictly (unknown fields are errors) for `kubectl argo rollouts lint`.
//!
//! Go's `json.Unmarshal` ignores unknown fields and treats a missing or `null` field as its zero
//! value. Our types accept every missing field; [`from_value`] also accepts a missing or `null`
//! `metadata`/`spec`/`status` at the root, which the derived root types cannot. The `lint` command must
//! reject unknown fields with Go's strict-decoding message: serde can only tell afterwards, so decode,
//! serialize back, and compare with the input — [`unknown_fields`] lists what the round trip dropped.

use serde::de::DeserializeOwned;
use serde_json::Value;

/// Deserializes a document into one of the kinds like Go's `json.Unmarshal`: a missing or `null`
/// `metadata` or `spec` is an empty object and a `null` `status` is absent (YAML `metadata:` with
/// nothing after it is `null`). Everything else is plain serde.
pub fn from_value<T: DeserializeOwned>(mut value: Value) -> Result<T, serde_json::Error> {
    if let Value::Object(root) = &mut value {
        for key in ["metadata", "spec"] {
            if root.get(key).is_none_or(Value::is_null) {
                root.insert(key.to_owned(), Value::Object(serde_json::Map::new()));
            }
        }
        if root.get("status").is_some_and(Value::is_null) {
            root.remove("status");
        }
    }
    serde_json::from_value(value)
}

/// Paths (`spec.strategy.unknown-strategy`, `spec.steps[0].foo`) present in `original` but absent from
/// `reserialized`, i.e. fields the typed round trip dropped.
///
/// A field whose value is a Go zero value (`null`, `false`, `0`, `""`, `[]`, `{}`, or an object of zero
/// values) is not reported: our types drop such values legitimately (Go's `omitempty`). So an unknown
/// field holding a zero value is not detected; Go's strict decoder would reject it.
pub fn unknown_fields(original: &Value, reserialized: &Value) -> Vec<String> {
    let mut out = Vec::new();
    collect_dropped(original, reserialized, "", &mut out);
    out
}

fn collect_dropped(original: &Value, reserialized: &Value, path: &str, out: &mut Vec<String>) {
    match (original, reserialized) {
        (Value::Object(orig), Value::Object(re)) => {
            for (key, value) in orig {
                let child = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                match re.get(key) {
                    Some(re_value) => collect_dropped(value, re_value, &child, out),
                    None if is_go_zero(value) => {}
                    None => out.push(child),
                }
            }
        }
        (Value::Array(orig), Value::Array(re)) => {
            for (i, (value, re_value)) in orig.iter().zip(re).enumerate() {
                collect_dropped(value, re_value, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// Whether a JSON value is a Go zero value: `null`, `false`, `0`, `""`, `[]`, `{}`, or an object whose
/// values are all zero values (a Go struct with only zero fields, e.g. `{"sigv4":{},"oauth2":{}}`).
pub fn is_go_zero(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.values().all(is_go_zero),
    }
}

/// Go's strict-decoding error for an unknown field, as `lint` prints it after `Error: `. Go names only
/// the last key of the path.
pub fn go_unknown_field_error(path: &str) -> String {
    let field = path.rsplit('.').next().unwrap_or(path);
    let field = field.split('[').next().unwrap_or(field);
    format!("error unmarshaling JSON: while decoding JSON: json: unknown field \"{field}\"")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reports_dropped_non_zero_fields_only() {
        let original = json!({
            "spec": {"strategy": {"unknown-strategy": {"steps": [{"setWeight": 10}]}, "canary": {}},
                     "paused": false, "steps": [{"pause": {}, "bogus": 1}]},
            "status": {"canary": {}}
        });
        let reserialized = json!({"spec": {"strategy": {"canary": {}}, "steps": [{"pause": {}}]}});
        assert_eq!(
            unknown_fields(&original, &reserialized),
            vec!["spec.strategy.unknown-strategy", "spec.steps[0].bogus"]
        );
    }

    #[test]
    fn go_message_names_the_last_key() {
        assert_eq!(
            go_unknown_field_error("spec.strategy.unknown-strategy"),
            "error unmarshaling JSON: while decoding JSON: json: unknown field \"unknown-strategy\""
        );
    }

    #[test]
    fn root_metadata_and_spec_may_be_missing_or_null() {
        let ro: crate::Rollout =
            from_value(json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "status": null}))
                .expect("lenient");
        assert_eq!(ro.metadata, Default::default());
        assert!(ro.status.is_none());
        let at: crate::AnalysisTemplate =
            from_value(json!({"kind": "AnalysisTemplate", "metadata": null, "spec": null})).expect("lenient");
        assert!(at.spec.metrics.is_empty());
        assert!(
            serde_json::from_value::<crate::Rollout>(json!({"kind": "Rollout"})).is_err(),
            "plain serde is stricter"
        );
    }

    #[test]
    fn zero_values_are_recursive() {
        assert!(is_go_zero(&json!({"sigv4": {}, "oauth2": {"scopes": []}})));
        assert!(!is_go_zero(&json!({"a": [1]})));
    }
}
