//! Patch application: RFC 6902 JSON patches (applied op by op so that `test` of a missing path against
//! null passes, as on the API server), RFC 7386 merge patches via the `json-patch` crate, and strategic
//! merge patches via the engine for built-in kinds (415 for custom resources).

use serde_json::Value;

use super::PatchBody;
use crate::engines;
use crate::error::ApiError;
use crate::registry::ResourceInfo;

pub(crate) fn apply_patch(old: &Value, patch: &PatchBody, info: &ResourceInfo) -> Result<Value, ApiError> {
    match patch {
        PatchBody::Strategic(p) => {
            if !info.builtin {
                return Err(ApiError::strategic_patch_unsupported());
            }
            engines::strategic_merge_patch(old, p, &info.group, &info.kind)
        }
        other => apply_plain(old, other),
    }
}

/// Applies a JSON patch or a merge patch (a strategic or apply patch is applied as a merge patch).
pub(crate) fn apply_plain(old: &Value, patch: &PatchBody) -> Result<Value, ApiError> {
    let mut doc = old.clone();
    match patch {
        PatchBody::Json(ops) => {
            let ops = ops
                .as_array()
                .ok_or_else(|| ApiError::bad_request("a JSON patch must be an array"))?;
            for op in ops {
                // As the API server does, `test` of a missing path against null passes (kube-runtime's
                // finalizer helper relies on it).
                if op.get("op").and_then(Value::as_str) == Some("test")
                    && op.get("value").is_some_and(Value::is_null)
                {
                    let path = op.get("path").and_then(Value::as_str).unwrap_or_default();
                    match doc.pointer(path) {
                        None | Some(Value::Null) => continue,
                        Some(_) => {
                            return Err(ApiError::new(
                                422,
                                "Invalid",
                                format!("the JSON patch test failed at {path}"),
                            ));
                        }
                    }
                }
                let one: json_patch::Patch = serde_json::from_value(Value::Array(vec![op.clone()]))
                    .map_err(|e| ApiError::bad_request(format!("invalid JSON patch: {e}")))?;
                json_patch::patch(&mut doc, &one).map_err(|e| {
                    ApiError::new(
                        422,
                        "Invalid",
                        format!("the JSON patch could not be applied: {e}"),
                    )
                })?;
            }
        }
        PatchBody::Merge(p) | PatchBody::Apply(p) | PatchBody::Strategic(p) => {
            if !p.is_object() {
                return Err(ApiError::bad_request("a merge patch must be a JSON object"));
            }
            json_patch::merge(&mut doc, p);
        }
    }
    Ok(doc)
}
