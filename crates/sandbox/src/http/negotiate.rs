//! Content negotiation: which representation the client accepts (plain JSON, `meta.k8s.io/v1 Table`,
//! `PartialObjectMetadata(List)`, aggregated discovery; protobuf requests are answered in JSON), and
//! decoding request bodies (JSON, YAML, kubectl's protobuf envelope).

use axum::body::Body;
use axum::http::{HeaderValue, Response, StatusCode, header};
use serde_json::{Value, json};

use crate::engines;
use crate::error::ApiError;
use crate::registry::ResourceInfo;
use crate::tables::{self, IncludeObject};

/// The representation of a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Output {
    Json,
    Table,
    Metadata,
    Discovery,
}

/// Picks the first acceptable media range of an Accept header.
pub(crate) fn negotiate(accept: Option<&str>) -> Output {
    let Some(accept) = accept else { return Output::Json };
    for range in accept.split(',') {
        let mut parts = range.split(';').map(str::trim);
        let media = parts.next().unwrap_or_default();
        let as_ = parts.find_map(|p| p.strip_prefix("as=")).unwrap_or_default();
        let json_like = matches!(
            media,
            "application/json" | "*/*" | "application/*" | "application/yaml"
        );
        if !json_like {
            continue;
        }
        return match as_ {
            "Table" => Output::Table,
            "PartialObjectMetadata" | "PartialObjectMetadataList" => Output::Metadata,
            "APIGroupDiscoveryList" => Output::Discovery,
            "" => Output::Json,
            _ => continue,
        };
    }
    Output::Json
}

/// A JSON response.
pub(crate) fn json_response(code: u16, body: &Value) -> Response<Body> {
    json_response_typed(code, body, "application/json")
}

/// A JSON response with a specific Content-Type.
pub(crate) fn json_response_typed(code: u16, body: &Value, content_type: &str) -> Response<Body> {
    let mut resp = Response::new(Body::from(body.to_string()));
    *resp.status_mut() = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if let Ok(v) = HeaderValue::from_str(content_type) {
        resp.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    resp
}

/// An error response with a `Status` body.
pub(crate) fn error_response(err: &ApiError) -> Response<Body> {
    let mut resp = json_response(err.code, &err.to_status());
    if err.code == 429
        && let Ok(v) = HeaderValue::from_str("1")
    {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp
}

/// Decodes a request body according to its Content-Type.
pub(crate) fn decode_body(content_type: Option<&str>, body: &[u8]) -> Result<Value, ApiError> {
    let ct = content_type.unwrap_or("application/json");
    if ct.starts_with("application/vnd.kubernetes.protobuf") {
        return engines::decode_protobuf(body);
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    if ct.contains("yaml") {
        return serde_yaml_ng::from_slice::<Value>(body)
            .map_err(|e| ApiError::bad_request(format!("error decoding YAML body: {e}")));
    }
    serde_json::from_slice(body).map_err(|e| ApiError::bad_request(format!("error decoding JSON body: {e}")))
}

/// One object in the negotiated representation.
pub(crate) fn render_object(
    out: Output,
    info: &ResourceInfo,
    version: &str,
    obj: Value,
    include: IncludeObject,
    now: jiff::Timestamp,
) -> Value {
    match out {
        Output::Table => tables::table(info, version, std::slice::from_ref(&obj), None, include, now),
        Output::Metadata => tables::partial_metadata(&obj),
        Output::Json | Output::Discovery => obj,
    }
}

/// A list in the negotiated representation.
pub(crate) fn render_list(
    out: Output,
    info: &ResourceInfo,
    version: &str,
    items: Vec<Value>,
    resource_version: u64,
    include: IncludeObject,
    now: jiff::Timestamp,
) -> Value {
    match out {
        Output::Table => tables::table(info, version, &items, Some(resource_version), include, now),
        Output::Metadata => json!({
            "kind": "PartialObjectMetadataList",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": {"resourceVersion": resource_version.to_string()},
            "items": items.iter().map(tables::partial_metadata).collect::<Vec<_>>(),
        }),
        Output::Json | Output::Discovery => json!({
            "kind": info.list_kind,
            "apiVersion": crate::registry::api_version(&info.group, version),
            "metadata": {"resourceVersion": resource_version.to_string()},
            "items": items,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_kubectl_and_kube_rs_accept_headers() {
        assert_eq!(
            negotiate(Some(
                "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
            )),
            Output::Table
        );
        assert_eq!(
            negotiate(Some(
                "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1"
            )),
            Output::Metadata
        );
        assert_eq!(
            negotiate(Some("application/vnd.kubernetes.protobuf,application/json")),
            Output::Json
        );
        assert_eq!(
            negotiate(Some(
                "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"
            )),
            Output::Discovery
        );
        assert_eq!(negotiate(None), Output::Json);
    }
}
