//! API errors as the Kubernetes API server reports them: every failure carries the HTTP code, the
//! `reason` and a message, and renders as a `meta.k8s.io/v1 Status` body (`kind: Status`,
//! `status: Failure`, `reason`, `code`, `details`), which is what kube-rs and kubectl parse.

use serde_json::{Map, Value, json};

/// A failed API call: the body of a `Status` object with `status: Failure`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message} ({reason}, {code})")]
pub struct ApiError {
    /// The HTTP status code (404, 409, 410, 415, 422, ...).
    pub code: u16,
    /// The machine-readable reason (`NotFound`, `AlreadyExists`, `Conflict`, `Invalid`, `Expired`, ...).
    pub reason: String,
    /// The human-readable message, worded as the real API server words it.
    pub message: String,
    /// `details` of the Status (`name`, `group`, `kind`, `causes`), when known.
    pub details: Option<Box<Value>>,
}

/// The name a group/resource takes in messages: `pods` for core, `deployments.apps` otherwise.
pub fn qualified(group: &str, resource: &str) -> String {
    if group.is_empty() {
        resource.to_string()
    } else {
        format!("{resource}.{group}")
    }
}

fn details(group: &str, resource: &str, name: &str) -> Value {
    let mut d = Map::new();
    if !name.is_empty() {
        d.insert("name".into(), json!(name));
    }
    if !group.is_empty() {
        d.insert("group".into(), json!(group));
    }
    d.insert("kind".into(), json!(resource));
    Value::Object(d)
}

impl ApiError {
    /// An error with the given code, reason and message and no details.
    pub fn new(code: u16, reason: &str, message: impl Into<String>) -> Self {
        ApiError {
            code,
            reason: reason.to_string(),
            message: message.into(),
            details: None,
        }
    }

    /// 404 for a missing object: `deployments.apps "web" not found`.
    pub fn not_found(group: &str, resource: &str, name: &str) -> Self {
        ApiError {
            details: Some(Box::new(details(group, resource, name))),
            ..Self::new(
                404,
                "NotFound",
                format!("{} \"{name}\" not found", qualified(group, resource)),
            )
        }
    }

    /// 404 for a path or resource type the server does not serve.
    pub fn no_such_resource() -> Self {
        Self::new(
            404,
            "NotFound",
            "the server could not find the requested resource",
        )
    }

    /// 409 AlreadyExists on create.
    pub fn already_exists(group: &str, resource: &str, name: &str) -> Self {
        ApiError {
            details: Some(Box::new(details(group, resource, name))),
            ..Self::new(
                409,
                "AlreadyExists",
                format!("{} \"{name}\" already exists", qualified(group, resource)),
            )
        }
    }

    /// 409 Conflict for a stale resourceVersion, with the real server's wording.
    pub fn stale(group: &str, resource: &str, name: &str) -> Self {
        Self::conflict(
            group,
            resource,
            name,
            "the object has been modified; please apply your changes to the latest version and try again",
        )
    }

    /// 409 Conflict with a custom explanation.
    pub fn conflict(group: &str, resource: &str, name: &str, why: &str) -> Self {
        ApiError {
            details: Some(Box::new(details(group, resource, name))),
            ..Self::new(
                409,
                "Conflict",
                format!(
                    "Operation cannot be fulfilled on {} \"{name}\": {why}",
                    qualified(group, resource)
                ),
            )
        }
    }

    /// 422 Invalid naming the offending field: `Deployment.apps "web" is invalid: spec.selector: ...`.
    pub fn invalid(group: &str, kind: &str, name: &str, field: &str, why: &str) -> Self {
        let kind_q = if group.is_empty() {
            kind.to_string()
        } else {
            format!("{kind}.{group}")
        };
        let mut d = details(group, kind, name);
        d["causes"] = json!([{ "reason": "FieldValueInvalid", "message": why, "field": field }]);
        ApiError {
            details: Some(Box::new(d)),
            ..Self::new(
                422,
                "Invalid",
                format!("{kind_q} \"{name}\" is invalid: {field}: {why}"),
            )
        }
    }

    /// 400 BadRequest.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "BadRequest", message)
    }

    /// 403 Forbidden.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(403, "Forbidden", message)
    }

    /// 405 MethodNotAllowed.
    pub fn method_not_allowed() -> Self {
        Self::new(
            405,
            "MethodNotAllowed",
            "the server does not allow this method on the requested resource",
        )
    }

    /// 410 Expired: the requested resourceVersion is older than the event history.
    pub fn expired(requested: u64, oldest: u64) -> Self {
        Self::new(
            410,
            "Expired",
            format!("too old resource version: {requested} ({oldest})"),
        )
    }

    /// 415 UnsupportedMediaType.
    pub fn unsupported_media_type(message: impl Into<String>) -> Self {
        Self::new(415, "UnsupportedMediaType", message)
    }

    /// 415 for a strategic merge patch sent to a custom resource, worded as the real server does.
    pub fn strategic_patch_unsupported() -> Self {
        Self::unsupported_media_type(
            "the body of the request was in an unknown format - accepted media types include: \
             application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
        )
    }

    /// 429 TooManyRequests (used by fault injection).
    pub fn too_many_requests() -> Self {
        Self::new(
            429,
            "TooManyRequests",
            "the server has received too many requests and has asked us to try again later",
        )
    }

    /// 500 InternalError.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(500, "InternalError", message)
    }

    /// The error as a `v1 Status` object.
    pub fn to_status(&self) -> Value {
        let mut status = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        });
        if let Some(d) = &self.details {
            status["details"] = (**d).clone();
        }
        status
    }
}

/// A `Status` with `status: Success`, returned by DELETE when the server does not return the object.
pub fn success_status(group: &str, resource: &str, name: &str, uid: Option<&str>) -> Value {
    let mut d = details(group, resource, name);
    if let Some(uid) = uid {
        d["uid"] = json!(uid);
    }
    json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": d})
}
