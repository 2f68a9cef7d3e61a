//! Label selectors (equality- and set-based: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`,
//! `!a`) and field selectors (`path=value`, `path==value`, `path!=value` over dotted paths such as
//! `metadata.name`, `involvedObject.uid`, `status.phase`, `spec.nodeName`).

use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::meta;

/// One requirement of a label selector.
#[derive(Debug, Clone, PartialEq)]
pub enum LabelRequirement {
    /// `key=value` / `key==value`.
    Equals(String, String),
    /// `key!=value` (also true when the label is absent).
    NotEquals(String, String),
    /// `key in (a,b)`.
    In(String, Vec<String>),
    /// `key notin (a,b)` (also true when the label is absent).
    NotIn(String, Vec<String>),
    /// `key`.
    Exists(String),
    /// `!key`.
    DoesNotExist(String),
}

/// A parsed label selector: every requirement must hold. The empty selector matches everything.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabelSelector {
    /// The requirements, ANDed.
    pub requirements: Vec<LabelRequirement>,
}

fn split_top_level(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out.into_iter().map(str::trim).filter(|p| !p.is_empty()).collect()
}

fn parse_set(rest: &str, full: &str) -> Result<Vec<String>, ApiError> {
    let inner = rest
        .trim()
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .ok_or_else(|| {
            ApiError::bad_request(format!("unable to parse requirement: {full}: expected (values)"))
        })?;
    Ok(inner
        .split(',')
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect())
}

fn check_key(key: &str, full: &str) -> Result<String, ApiError> {
    let key = key.trim();
    let valid = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'));
    if valid {
        Ok(key.to_string())
    } else {
        Err(ApiError::bad_request(format!(
            "unable to parse requirement: invalid label key \"{key}\" in \"{full}\""
        )))
    }
}

impl LabelSelector {
    /// Parses the `labelSelector` query syntax; a malformed selector is a 400 naming the requirement.
    pub fn parse(s: &str) -> Result<Self, ApiError> {
        let mut requirements = Vec::new();
        for part in split_top_level(s) {
            let req = if let Some(key) = part.strip_prefix('!') {
                LabelRequirement::DoesNotExist(check_key(key, part)?)
            } else if let Some((k, v)) = part.split_once("!=") {
                LabelRequirement::NotEquals(check_key(k, part)?, v.trim().to_string())
            } else if let Some((k, v)) = part.split_once("==") {
                LabelRequirement::Equals(check_key(k, part)?, v.trim().to_string())
            } else if let Some((k, v)) = part.split_once('=') {
                LabelRequirement::Equals(check_key(k, part)?, v.trim().to_string())
            } else if let Some(idx) = part.find(" notin ").or_else(|| part.find(" notin(")) {
                LabelRequirement::NotIn(check_key(&part[..idx], part)?, parse_set(&part[idx + 6..], part)?)
            } else if let Some(idx) = part.find(" in ").or_else(|| part.find(" in(")) {
                LabelRequirement::In(check_key(&part[..idx], part)?, parse_set(&part[idx + 3..], part)?)
            } else {
                LabelRequirement::Exists(check_key(part, part)?)
            };
            requirements.push(req);
        }
        Ok(LabelSelector { requirements })
    }

    /// The selector of a `LabelSelector` object (`matchLabels`, `matchExpressions`).
    pub fn from_object(sel: &Value) -> Result<Self, ApiError> {
        Self::parse(&meta::selector_string(sel))
    }

    /// Whether the selector has no requirement.
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    /// Whether a label map satisfies every requirement.
    pub fn matches_labels(&self, labels: &Map<String, Value>) -> bool {
        let get = |k: &str| labels.get(k).and_then(Value::as_str);
        self.requirements.iter().all(|r| match r {
            LabelRequirement::Equals(k, v) => get(k) == Some(v.as_str()),
            LabelRequirement::NotEquals(k, v) => get(k) != Some(v.as_str()),
            LabelRequirement::In(k, vs) => get(k).is_some_and(|x| vs.iter().any(|v| v == x)),
            LabelRequirement::NotIn(k, vs) => get(k).is_none_or(|x| vs.iter().all(|v| v != x)),
            LabelRequirement::Exists(k) => labels.contains_key(k),
            LabelRequirement::DoesNotExist(k) => !labels.contains_key(k),
        })
    }

    /// Whether an object's `metadata.labels` satisfy the selector.
    pub fn matches(&self, obj: &Value) -> bool {
        self.is_empty() || self.matches_labels(&meta::labels(obj))
    }
}

/// One field requirement.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldRequirement {
    /// Dotted path, e.g. `involvedObject.name`.
    pub path: String,
    /// The value compared with.
    pub value: String,
    /// `!=` rather than `=`.
    pub negate: bool,
}

/// A parsed field selector.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldSelector {
    /// The requirements, ANDed.
    pub requirements: Vec<FieldRequirement>,
}

impl FieldSelector {
    /// Parses the `fieldSelector` query syntax.
    pub fn parse(s: &str) -> Result<Self, ApiError> {
        let mut requirements = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (path, value, negate) = if let Some((k, v)) = part.split_once("!=") {
                (k, v, true)
            } else if let Some((k, v)) = part.split_once("==") {
                (k, v, false)
            } else if let Some((k, v)) = part.split_once('=') {
                (k, v, false)
            } else {
                return Err(ApiError::bad_request(format!(
                    "invalid selector: '{s}'; can't understand '{part}'"
                )));
            };
            requirements.push(FieldRequirement {
                path: path.trim().to_string(),
                value: value.trim().to_string(),
                negate,
            });
        }
        Ok(FieldSelector { requirements })
    }

    /// Rejects field labels outside `allowed` (exact paths, or prefixes ending in `.`), as the real
    /// server does: `field label not supported: x`.
    pub fn check_supported(&self, allowed: &[String]) -> Result<(), ApiError> {
        for r in &self.requirements {
            let ok = allowed.iter().any(|a| {
                let a = a.trim_start_matches('.');
                if a.ends_with('.') {
                    r.path.starts_with(a)
                } else {
                    r.path == a
                }
            });
            if !ok {
                return Err(ApiError::bad_request(format!(
                    "field label not supported: {}",
                    r.path
                )));
            }
        }
        Ok(())
    }

    /// Whether the object satisfies every requirement (a missing field compares as "").
    pub fn matches(&self, obj: &Value) -> bool {
        self.requirements.iter().all(|r| {
            let actual = match meta::path_get(obj, &r.path) {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Null) | None => String::new(),
                Some(v) => v.to_string(),
            };
            (actual == r.value) != r.negate
        })
    }
}

/// Field selector paths a type supports, besides `metadata.name` and `metadata.namespace`.
pub fn supported_fields(group: &str, resource: &str, selectable: &[String]) -> Vec<String> {
    let mut v: Vec<String> = vec!["metadata.name".into(), "metadata.namespace".into()];
    let extra: &[&str] = match (group, resource) {
        ("", "events") | ("events.k8s.io", "events") => &[
            "involvedObject.",
            "regarding.",
            "reason",
            "reportingComponent",
            "reportingController",
            "source",
            "type",
        ],
        ("", "pods") => &[
            "status.phase",
            "spec.nodeName",
            "spec.restartPolicy",
            "spec.schedulerName",
            "spec.serviceAccountName",
            "status.podIP",
            "status.nominatedNodeName",
        ],
        ("", "secrets") => &["type"],
        ("", "namespaces") => &["status.phase"],
        ("batch", "jobs") => &["status.successful"],
        ("apps", "replicasets") => &["status.replicas"],
        _ => &[],
    };
    v.extend(extra.iter().map(|s| s.to_string()));
    v.extend(selectable.iter().map(|s| s.trim_start_matches('.').to_string()));
    v
}
