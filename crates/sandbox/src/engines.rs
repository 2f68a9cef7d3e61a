//! Calls into the strategic-merge-patch and protobuf engines, which are written on branch `smp`
//! (`crate::smp::strategic_merge_patch` and `crate::protobuf::decode_k8s_protobuf`).
//!
//! MERGE NOTE: until that branch is merged these shims answer with an error Status; after the merge,
//! replace each body with the call shown in its comment (the signatures match the agreed interface).

use serde_json::Value;

use crate::error::ApiError;

/// Strategic merge patch of a built-in kind.
// After merge (checked against branch `smp`: all kubectl tests pass with it):
//     crate::smp::strategic_merge_patch(original, patch, group, kind).map_err(|e| {
//         let reason = if e.http_status() == 415 { "UnsupportedMediaType" } else { "Invalid" };
//         ApiError::new(e.http_status(), reason, e.to_string())
//     })
pub(crate) fn strategic_merge_patch(
    original: &Value,
    patch: &Value,
    group: &str,
    kind: &str,
) -> Result<Value, ApiError> {
    let _ = (original, patch);
    Err(ApiError::unsupported_media_type(format!(
        "application/strategic-merge-patch+json for {kind}{}{group} needs the strategic merge patch engine, \
         which this build does not include yet; use --type=merge or --type=json",
        if group.is_empty() { "" } else { "." }
    )))
}

/// Decodes a `k8s\0`-enveloped protobuf request body (kubectl's `create namespace|configmap|secret`).
// After merge:
//     crate::protobuf::decode_k8s_protobuf(body)
//         .map_err(|e| ApiError::new(e.http_status(), "UnsupportedMediaType", e.to_string()))
pub(crate) fn decode_protobuf(body: &[u8]) -> Result<Value, ApiError> {
    let _ = body;
    Err(ApiError::unsupported_media_type(
        "protobuf request bodies are not supported by this build of the sandbox; use `kubectl apply -f` \
         (or `kubectl create -f`) with a YAML or JSON manifest",
    ))
}
