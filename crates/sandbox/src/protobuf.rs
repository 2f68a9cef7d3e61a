//! Decoding of `application/vnd.kubernetes.protobuf` request bodies into the JSON a JSON client would have sent.
//!
//! kubectl 1.32+ sends protobuf for its typed generators (`kubectl create namespace|configmap|secret|
//! serviceaccount|service|deployment ...`) and does not fall back to JSON when the server refuses it. The body is
//! the 4-byte magic `k8s\0` followed by a `runtime.Unknown` message whose `typeMeta` names the kind and whose `raw`
//! holds the object's message (field numbers of k8s.io/api's generated.proto, through the `k8s-pb` crate).
//!
//! Namespace, ConfigMap, Secret, ServiceAccount, Service and Deployment are decoded. Every field of a decoded
//! message is either converted or refused: a body that sets a field this module does not convert gives
//! [`ProtobufError::UnsupportedFields`] instead of silently losing data. Fields the API server itself resets on
//! create (`uid`, `selfLink`, `generation`, `creationTimestamp`, `deletionTimestamp`,
//! `deletionGracePeriodSeconds`) are dropped, as are the zero values Go's protobuf encoder writes for fields that
//! are unset.

mod apps;
mod core;
mod json;
mod meta;

use k8s_pb::apimachinery::pkg::runtime::Unknown;
use prost::Message;
use serde_json::Value;

use json::Leftover;

/// The magic prefix of a Kubernetes protobuf body.
pub const PROTOBUF_MAGIC: &[u8; 4] = b"k8s\0";

/// The kinds [`decode_k8s_protobuf`] decodes, as `(apiVersion, kind)`.
pub const SUPPORTED_KINDS: &[(&str, &str)] = &[
    ("v1", "Namespace"),
    ("v1", "ConfigMap"),
    ("v1", "Secret"),
    ("v1", "ServiceAccount"),
    ("v1", "Service"),
    ("apps/v1", "Deployment"),
];

/// Why a protobuf body could not be decoded.
#[derive(Debug, thiserror::Error)]
pub enum ProtobufError {
    /// The body does not start with `k8s\0`.
    #[error("the protobuf body does not start with the Kubernetes magic prefix \"k8s\\x00\"")]
    MissingMagic,
    /// The `runtime.Unknown` envelope is not valid protobuf.
    #[error("the protobuf envelope (runtime.Unknown) is invalid: {0}")]
    Envelope(#[source] prost::DecodeError),
    /// The envelope has no `typeMeta.apiVersion` or `typeMeta.kind`.
    #[error("the protobuf envelope has no typeMeta (apiVersion and kind)")]
    MissingTypeMeta,
    /// The envelope's `raw` is encoded (`contentEncoding`) or is not protobuf (`contentType`).
    #[error(
        "the protobuf envelope carries {what} {value:?}, which this server does not decode; \
         send the object as JSON or YAML instead (e.g. `kubectl apply -f <file>`)"
    )]
    UnsupportedEnvelope {
        /// `contentEncoding` or `contentType`.
        what: &'static str,
        /// Its value.
        value: String,
    },
    /// The kind is not among [`SUPPORTED_KINDS`].
    #[error(
        "{kind} ({api_version}) is not supported in protobuf (application/vnd.kubernetes.protobuf) by this \
         server, which decodes only Namespace, ConfigMap, Secret, ServiceAccount, Service and Deployment; \
         send the object as JSON or YAML instead, e.g. with `kubectl apply -f <file>`"
    )]
    UnsupportedKind {
        /// The `apiVersion` of the envelope.
        api_version: String,
        /// The `kind` of the envelope.
        kind: String,
    },
    /// The object's message is not valid protobuf.
    #[error("the protobuf body of {kind} is invalid: {source}")]
    Object {
        /// The kind being decoded.
        kind: String,
        /// The decoding error.
        #[source]
        source: prost::DecodeError,
    },
    /// The object sets fields this module does not convert.
    #[error(
        "the protobuf body of {kind} sets fields under `{path}` that this server does not decode from protobuf; \
         send the object as JSON or YAML instead, e.g. with `kubectl apply -f <file>`"
    )]
    UnsupportedFields {
        /// The kind being decoded.
        kind: String,
        /// The JSON path of the message holding the fields, e.g. `spec.template.spec`.
        path: String,
    },
}

impl ProtobufError {
    /// The HTTP status to answer with: 415 (Unsupported Media Type) when the body is valid but holds something this
    /// server does not decode from protobuf, 400 when it is malformed.
    pub fn http_status(&self) -> u16 {
        match self {
            Self::UnsupportedEnvelope { .. }
            | Self::UnsupportedKind { .. }
            | Self::UnsupportedFields { .. } => 415,
            Self::MissingMagic | Self::Envelope(_) | Self::MissingTypeMeta | Self::Object { .. } => 400,
        }
    }
}

/// Decodes a Kubernetes protobuf request body into the JSON object (with `apiVersion` and `kind`) a JSON client
/// would have sent.
pub fn decode_k8s_protobuf(body: &[u8]) -> Result<Value, ProtobufError> {
    let raw_envelope = body
        .strip_prefix(PROTOBUF_MAGIC.as_slice())
        .ok_or(ProtobufError::MissingMagic)?;
    let envelope = Unknown::decode(raw_envelope).map_err(ProtobufError::Envelope)?;
    let type_meta = envelope.type_meta.unwrap_or_default();
    let (Some(api_version), Some(kind)) = (
        type_meta.api_version.filter(|s| !s.is_empty()),
        type_meta.kind.filter(|s| !s.is_empty()),
    ) else {
        return Err(ProtobufError::MissingTypeMeta);
    };
    if let Some(encoding) = envelope.content_encoding.filter(|s| !s.is_empty()) {
        return Err(ProtobufError::UnsupportedEnvelope {
            what: "contentEncoding",
            value: encoding,
        });
    }
    if let Some(content_type) = envelope
        .content_type
        .filter(|s| !s.is_empty() && s != "application/vnd.kubernetes.protobuf")
    {
        return Err(ProtobufError::UnsupportedEnvelope {
            what: "contentType",
            value: content_type,
        });
    }
    let raw = envelope.raw.unwrap_or_default();
    let object_error = |source| ProtobufError::Object {
        kind: kind.clone(),
        source,
    };
    let converted = match (api_version.as_str(), kind.as_str()) {
        ("v1", "Namespace") => core::namespace(decode(&raw).map_err(object_error)?),
        ("v1", "ConfigMap") => core::config_map(decode(&raw).map_err(object_error)?),
        ("v1", "Secret") => core::secret(decode(&raw).map_err(object_error)?),
        ("v1", "ServiceAccount") => core::service_account(decode(&raw).map_err(object_error)?),
        ("v1", "Service") => core::service(decode(&raw).map_err(object_error)?),
        ("apps/v1", "Deployment") => apps::deployment(decode(&raw).map_err(object_error)?),
        _ => {
            return Err(ProtobufError::UnsupportedKind { api_version, kind });
        }
    };
    let fields = converted.map_err(|Leftover(path)| ProtobufError::UnsupportedFields {
        kind: kind.clone(),
        path,
    })?;
    let mut object = serde_json::Map::new();
    object.insert("apiVersion".to_owned(), Value::String(api_version));
    object.insert("kind".to_owned(), Value::String(kind));
    object.extend(fields);
    Ok(Value::Object(object))
}

fn decode<M: Message + Default>(raw: &[u8]) -> Result<M, prost::DecodeError> {
    M::decode(raw)
}

#[cfg(test)]
mod tests;
