//! Kubernetes strategic merge patch (`application/strategic-merge-patch+json`) for the built-in kinds, applied
//! exactly as the real API server applies it (k8s.io/apimachinery/pkg/util/strategicpatch with the server's
//! options).
//!
//! It is a JSON merge patch (a null deletes a key) in which each list follows the strategy of its Go type: lists
//! tagged `patchStrategy:"merge"` are merged by their `patchMergeKey` (containers by `name`, container ports by
//! `containerPort`, service ports by `port`, volumeMounts by `mountPath`, ownerReferences by `uid`, conditions by
//! `type`, `metadata.finalizers` as a set of strings, ...), every other list is replaced. Patches may carry the
//! directives `$patch` (`replace` or `delete` in a map, `replace`, `delete` or the refused `merge` in a list item),
//! `$setElementOrder/<list>`, `$retainKeys` and `$deleteFromPrimitiveList/<list>`.
//!
//! The API server decodes the result into the Go type, which drops what the type has no field for. The result here
//! is JSON, so [`strategic_merge_patch`] removes what that decoding would drop: directive keys left in values the
//! patch added whole, and null map values.

mod error;
mod gofmt;
mod merge;
mod order;
mod schema;

#[cfg(test)]
mod tests;

use serde_json::Value;

pub use error::SmpError;

/// Whether `kind` of API `group` (`""` for the core group) accepts strategic merge patches. Custom resources do not:
/// the server answers 415 with [`SmpError::UnsupportedKind`]'s message.
pub fn supports_strategic_merge_patch(group: &str, kind: &str) -> bool {
    schema::kind_schema(group, kind).is_some()
}

/// Applies the strategic merge `patch` to `original`, an object of `kind` in API `group` (`""` for the core group).
///
/// Errors carry the real server's messages; [`SmpError::http_status`] gives the status it answers with.
pub fn strategic_merge_patch(
    original: &Value,
    patch: &Value,
    group: &str,
    kind: &str,
) -> Result<Value, SmpError> {
    let Some(schema) = schema::kind_schema(group, kind) else {
        return Err(SmpError::UnsupportedKind {
            group: group.to_owned(),
            kind: kind.to_owned(),
        });
    };
    let original = as_object(original)?;
    let patch = as_object(patch)?;
    let merged = merge::merge_map(original, patch, Some(schema))?;
    let mut result = Value::Object(merged);
    drop_unknown_to_go_types(&mut result);
    Ok(result)
}

/// A JSON object as Go decodes it into `map[string]interface{}` (null gives an empty map).
fn as_object(v: &Value) -> Result<serde_json::Map<String, Value>, SmpError> {
    let found = match v {
        Value::Object(m) => return Ok(m.clone()),
        Value::Null => return Ok(serde_json::Map::new()),
        Value::Array(_) => "array",
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "bool",
    };
    Err(SmpError::NotAnObject { found })
}

/// Removes, at any depth, the directive keys and null map values that decoding into the Go type would drop.
fn drop_unknown_to_go_types(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.retain(|k, v| !v.is_null() && !is_directive_key(k));
            map.values_mut().for_each(drop_unknown_to_go_types);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_unknown_to_go_types),
        _ => {}
    }
}

fn is_directive_key(k: &str) -> bool {
    k == order::DIRECTIVE_MARKER
        || k == merge::RETAIN_KEYS_DIRECTIVE
        || k.strip_prefix(merge::SET_ELEMENT_ORDER_PREFIX)
            .is_some_and(|rest| rest.starts_with('/'))
        || k.strip_prefix(merge::DELETE_FROM_PRIMITIVE_LIST_PREFIX)
            .is_some_and(|rest| rest.starts_with('/'))
}
