//! Adapters from the request-body engines to API errors: strategic merge patch
//! ([`crate::smp::strategic_merge_patch`]) and protobuf bodies ([`crate::protobuf::decode_k8s_protobuf`]).

use serde_json::Value;

use crate::error::ApiError;

/// Strategic merge patch of a built-in kind; custom resources answer 415 as on a real API server.
pub(crate) fn strategic_merge_patch(
    original: &Value,
    patch: &Value,
    group: &str,
    kind: &str,
) -> Result<Value, ApiError> {
    crate::smp::strategic_merge_patch(original, patch, group, kind)
        .map_err(|e| ApiError::new(e.http_status(), e.status_reason(), e.to_string()))
}

/// Decodes a `k8s\0`-enveloped protobuf request body (kubectl's `create namespace|configmap|secret`).
pub(crate) fn decode_protobuf(body: &[u8]) -> Result<Value, ApiError> {
    crate::protobuf::decode_k8s_protobuf(body).map_err(|e| {
        let reason = if e.http_status() == 415 {
            "UnsupportedMediaType"
        } else {
            "BadRequest"
        };
        ApiError::new(e.http_status(), reason, e.to_string())
    })
}
