//! Strict decoding, as `kubectl argo rollouts lint` does with `yaml.UnmarshalStrict`: a document is decoded
//! into a typed object, and a field the type does not know is an error with Go's message
//! (`error unmarshaling JSON: while decoding JSON: json: unknown field "x"`).
//!
//! serde cannot report ignored fields while decoding our (lenient) types, so the document is decoded,
//! serialised back and compared with the input: a key present in the input and absent after the round
//! trip is unknown. A key whose value is a Go zero value (`null`, `false`, `0`, `""`, `[]`, `{}`) is not
//! reported, because our types legitimately drop such values (Go's `omitempty`); Go would reject an
//! unknown key even then. Keys are visited in sorted order, depth first, which is the order in which Go
//! meets them (lint re-marshals every document with sorted keys before decoding it).

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Go's message for an unknown field (only its last key is named).
pub fn unknown_field_message(field: &str) -> String {
    format!("error unmarshaling JSON: while decoding JSON: json: unknown field \"{field}\"")
}

/// Whether a JSON value is a Go zero value: `null`, `false`, `0`, `""`, `[]`, `{}`, or an object of zero
/// values.
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

/// The first key (sorted, depth first) of `original` that `reserialized` dropped, as (path, key).
pub fn first_unknown_field(original: &Value, reserialized: &Value) -> Option<(String, String)> {
    walk(original, reserialized, "")
}

fn walk(original: &Value, reserialized: &Value, path: &str) -> Option<(String, String)> {
    match (original, reserialized) {
        (Value::Object(orig), Value::Object(re)) => {
            let mut keys: Vec<&String> = orig.keys().collect();
            keys.sort();
            for key in keys {
                let child = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                let value = &orig[key.as_str()];
                match re.get(key.as_str()) {
                    Some(re_value) => {
                        if let Some(found) = walk(value, re_value, &child) {
                            return Some(found);
                        }
                    }
                    None if is_go_zero(value) => {}
                    None => return Some((child, key.clone())),
                }
            }
            None
        }
        (Value::Array(orig), Value::Array(re)) => orig
            .iter()
            .zip(re)
            .enumerate()
            .find_map(|(i, (o, r))| walk(o, r, &format!("{path}[{i}]"))),
        _ => None,
    }
}

/// Makes a document decodable like Go decodes it into a typed object: a missing or `null` `metadata` or
/// `spec` is an empty object and a `null` `status` is absent.
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

/// Decodes `document` into `T` strictly. The error is the message `lint` prints after `Error: `: Go's
/// unknown-field message, or the decoding error.
pub fn decode_strict<T: DeserializeOwned + Serialize>(document: &Value) -> Result<T, String> {
    let document = go_like_root(document.clone());
    let typed: T = serde_json::from_value(document.clone())
        .map_err(|e| format!("error unmarshaling JSON: while decoding JSON: json: {e}"))?;
    let reserialized = serde_json::to_value(&typed).map_err(|e| e.to_string())?;
    match first_unknown_field(&document, &reserialized) {
        Some((_, key)) => Err(unknown_field_message(&key)),
        None => Ok(typed),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::Rollout;

    #[test]
    fn finds_the_first_unknown_field_in_go_order() {
        let original = json!({"spec": {"strategy": {"zz": 1, "unknown-strategy": {"steps": [1]}, "canary": {}},
                               "paused": false}});
        let re = json!({"spec": {"strategy": {"canary": {}}}});
        assert_eq!(
            first_unknown_field(&original, &re),
            Some(("spec.strategy.unknown-strategy".into(), "unknown-strategy".into()))
        );
        let original = json!({"a": [{"b": 1, "c": {"x": 0}}]});
        assert_eq!(first_unknown_field(&original, &json!({"a": [{"b": 1}]})), None);
    }

    #[test]
    fn rollouts_decode_strictly() {
        let doc = json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
                         "spec": {"strategy": {"unknown-strategy": {"steps": [{"setWeight": 10}]}}}});
        assert_eq!(
            decode_strict::<Rollout>(&doc).err(),
            Some(
                "error unmarshaling JSON: while decoding JSON: json: unknown field \"unknown-strategy\""
                    .into()
            )
        );
        let doc = json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout"});
        assert!(decode_strict::<Rollout>(&doc).is_ok());
        let doc = json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
                         "spec": {"template": {"spec": {"containers": [{"name": "a", "imagee": "x"}]}}}});
        assert_eq!(
            decode_strict::<Rollout>(&doc).err(),
            Some("error unmarshaling JSON: while decoding JSON: json: unknown field \"imagee\"".into())
        );
    }
}
