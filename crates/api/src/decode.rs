//! Decoding documents like Go does: leniently ([`from_value`]) for the controller and CLI, and
//! strictly (unknown fields are errors) for `kubectl argo rollouts lint`.
//!
//! Go's `json.Unmarshal` ignores unknown fields and treats a missing or `null` field as its zero
//! value. Our types accept every missing field; [`from_value`] also accepts a missing or `null`
//! `metadata`/`spec`/`status` at the root, which the derived root types cannot. The `lint` command must
//! reject unknown fields with Go's strict-decoding message: serde can only tell afterwards, so decode,
//! serialize back, and compare with the input — [`unknown_fields`] lists what the round trip dropped.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Deserializes a document into one of the kinds like Go's `json.Unmarshal`: a missing or `null`
/// `metadata` or `spec` is an empty object and a `null` `status` is absent (YAML `metadata:` with
/// nothing after it is `null`). Everything else is plain serde.
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, serde_json::Error> {
    serde_json::from_value(go_like_root(value))
}

/// The root normalisation of [`from_value`]: a missing or `null` `metadata` or `spec` becomes an empty
/// object and a `null` `status` is removed.
pub fn go_like_root(mut value: Value) -> Value {
    if let Value::Object(root) = &mut value {
        for key in ["metadata", "spec"] {
            if root.get(key).is_none_or(Value::is_null) {
                root.insert(key.to_owned(), Value::Object(Map::new()));
            }
        }
        if root.get("status").is_some_and(Value::is_null) {
            root.remove("status");
        }
    }
    value
}

/// Decodes `document` into `T` strictly, as `lint` does with Go's `yaml.UnmarshalStrict`. The error is
/// the message `lint` prints after `Error: `: Go's unknown-field message for the first unknown field
/// (keys in sorted order, depth first: lint re-marshals every document with sorted keys), or the
/// decoding error.
pub fn decode_strict<T: DeserializeOwned + Serialize>(document: &Value) -> Result<T, String> {
    let document = go_like_root(document.clone());
    let typed: T = serde_json::from_value(document.clone())
        .map_err(|e| format!("error unmarshaling JSON: while decoding JSON: json: {e}"))?;
    let reserialized = serde_json::to_value(&typed).map_err(|e| e.to_string())?;
    match unknown_fields(&document, &reserialized).first() {
        Some(path) => Err(go_unknown_field_error(path)),
        None => Ok(typed),
    }
}

/// Paths (`spec.strategy.unknown-strategy`, `spec.steps[0].foo`) present in `original` but absent from
/// `reserialized`, i.e. fields the typed round trip dropped, in Go's decoding order (object keys sorted,
/// depth first).
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
            let mut keys: Vec<&String> = orig.keys().collect();
            keys.sort();
            for key in keys {
                let value = &orig[key.as_str()];
                let child = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                match re.get(key.as_str()) {
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
            vec!["spec.steps[0].bogus", "spec.strategy.unknown-strategy"],
            "Go's order: keys sorted, depth first"
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

    #[test]
    fn finds_the_first_unknown_field_in_go_order() {
        let original = json!({"spec": {"strategy": {"zz": 1, "unknown-strategy": {"steps": [1]}, "canary": {}},
                               "paused": false}});
        let re = json!({"spec": {"strategy": {"canary": {}}}});
        assert_eq!(
            unknown_fields(&original, &re),
            vec!["spec.strategy.unknown-strategy", "spec.strategy.zz"]
        );
        let original = json!({"a": [{"b": 1, "c": {"x": 0}}]});
        assert!(unknown_fields(&original, &json!({"a": [{"b": 1}]})).is_empty());
    }

    #[test]
    fn rollouts_decode_strictly() {
        let doc = json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
                         "spec": {"strategy": {"unknown-strategy": {"steps": [{"setWeight": 10}]}}}});
        assert_eq!(
            decode_strict::<crate::Rollout>(&doc).err(),
            Some(
                "error unmarshaling JSON: while decoding JSON: json: unknown field \"unknown-strategy\""
                    .into()
            )
        );
        let doc = json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout"});
        assert!(decode_strict::<crate::Rollout>(&doc).is_ok());
        let doc = json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
                         "spec": {"template": {"spec": {"containers": [{"name": "a", "imagee": "x"}]}}}});
        assert_eq!(
            decode_strict::<crate::Rollout>(&doc).err(),
            Some("error unmarshaling JSON: while decoding JSON: json: unknown field \"imagee\"".into())
        );
    }
}
