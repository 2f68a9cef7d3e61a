//! Field paths and field errors rendered exactly like Kubernetes' `k8s.io/apimachinery/pkg/util/validation/field`
//! (v0.34): `<path>: Invalid value: <value>: <detail>`, `<path>: Required value: <detail>`, ...
//!
//! The bad value of an error is rendered as Go renders it in `ErrorBody`: `int32`/`int64`/`bool` with `%v`,
//! strings with `%q` (Go quoting), anything else as Go's `json.Marshal` (HTML-safe escaping, the value's own
//! key order). Build JSON values with Go's field order (our types serialise in Go's order; maps are sorted).

use std::fmt;

use serde_json::Value;

/// One element of a [`FieldPath`].
#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    /// A field name (`spec`, `strategy`).
    Name(String),
    /// A subscript: a list index or a map key (`[0]`, `[app]`).
    Index(String),
}

/// The path from the root of an object to a field (`field.Path`), e.g. `spec.strategy.steps[0].setWeight`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldPath(Vec<Segment>);

impl FieldPath {
    /// `field.NewPath(name, more...)`.
    pub fn new(names: &[&str]) -> Self {
        Self(names.iter().map(|n| Segment::Name((*n).to_owned())).collect())
    }

    /// `Path.Child(name)`.
    pub fn child(&self, name: &str) -> Self {
        let mut segments = self.0.clone();
        segments.push(Segment::Name(name.to_owned()));
        Self(segments)
    }

    /// `Path.Child(name, more...)`.
    pub fn children(&self, names: &[&str]) -> Self {
        names.iter().fold(self.clone(), |p, n| p.child(n))
    }

    /// `Path.Index(i)`.
    pub fn index(&self, index: usize) -> Self {
        let mut segments = self.0.clone();
        segments.push(Segment::Index(index.to_string()));
        Self(segments)
    }

    /// `Path.Key(key)`.
    pub fn key(&self, key: &str) -> Self {
        let mut segments = self.0.clone();
        segments.push(Segment::Index(key.to_owned()));
        Self(segments)
    }
}

impl fmt::Display for FieldPath {
    /// `Path.String()`: names joined by `.`, subscripts in brackets (an empty root name renders as `[]`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Name(name) if !name.is_empty() => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(name)?;
                }
                Segment::Name(_) => f.write_str("[]")?,
                Segment::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// `field.ErrorType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorType {
    /// `FieldValueNotFound`.
    NotFound,
    /// `FieldValueRequired`.
    Required,
    /// `FieldValueDuplicate`.
    Duplicate,
    /// `FieldValueInvalid`.
    Invalid,
    /// `FieldValueNotSupported`.
    NotSupported,
    /// `FieldValueForbidden`.
    Forbidden,
    /// `FieldValueTooLong`.
    TooLong,
    /// `FieldValueTooMany`.
    TooMany,
    /// `InternalError`.
    Internal,
    /// `FieldValueTypeInvalid`.
    TypeInvalid,
}

impl ErrorType {
    /// The Go constant's value (`FieldValueInvalid`, ...).
    pub fn as_go_str(self) -> &'static str {
        match self {
            Self::NotFound => "FieldValueNotFound",
            Self::Required => "FieldValueRequired",
            Self::Duplicate => "FieldValueDuplicate",
            Self::Invalid => "FieldValueInvalid",
            Self::NotSupported => "FieldValueNotSupported",
            Self::Forbidden => "FieldValueForbidden",
            Self::TooLong => "FieldValueTooLong",
            Self::TooMany => "FieldValueTooMany",
            Self::Internal => "InternalError",
            Self::TypeInvalid => "FieldValueTypeInvalid",
        }
    }
}

impl fmt::Display for ErrorType {
    /// `ErrorType.String()`: the canonical message (`Invalid value`, `Required value`, ...).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NotFound => "Not found",
            Self::Required => "Required value",
            Self::Duplicate => "Duplicate value",
            Self::Invalid | Self::TypeInvalid => "Invalid value",
            Self::NotSupported => "Unsupported value",
            Self::Forbidden => "Forbidden",
            Self::TooLong => "Too long",
            Self::TooMany => "Too many",
            Self::Internal => "Internal error",
        })
    }
}

/// The offending value of a [`FieldError`], tagged with how Go renders it.
#[derive(Clone, Debug, PartialEq)]
pub enum BadValue {
    /// Go's `omitValue`: nothing is rendered.
    Omit,
    /// A Go string, rendered with `%q`.
    Str(String),
    /// A Go `int32`/`int64`, rendered with `%v`.
    Int(i64),
    /// A Go `bool`, rendered with `%v`.
    Bool(bool),
    /// Any other Go value, rendered as its `json.Marshal` output.
    Json(Value),
}

impl BadValue {
    /// The JSON rendering of a serialisable value (Go's fallback for structs, pointers, slices and maps).
    pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> Self {
        Self::Json(serde_json::to_value(value).unwrap_or(Value::Null))
    }

    /// Go's rendering of the value, as in `ErrorBody`.
    pub fn render(&self) -> String {
        match self {
            Self::Omit => String::new(),
            Self::Str(s) => go_quote(s),
            Self::Int(i) => i.to_string(),
            Self::Bool(b) => b.to_string(),
            Self::Json(v) => go_json(v),
        }
    }
}

impl From<&str> for BadValue {
    fn from(s: &str) -> Self {
        Self::Str(s.to_owned())
    }
}

impl From<String> for BadValue {
    fn from(s: String) -> Self {
        Self::Str(s)
    }
}

impl From<&String> for BadValue {
    fn from(s: &String) -> Self {
        Self::Str(s.clone())
    }
}

impl From<i32> for BadValue {
    fn from(i: i32) -> Self {
        Self::Int(i64::from(i))
    }
}

impl From<i64> for BadValue {
    fn from(i: i64) -> Self {
        Self::Int(i)
    }
}

impl From<bool> for BadValue {
    fn from(b: bool) -> Self {
        Self::Bool(b)
    }
}

/// A field-level validation error (`field.Error`). [`fmt::Display`] is Go's `Error()`.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldError {
    /// What kind of problem it is.
    pub error_type: ErrorType,
    /// The rendered field path (`field.Error.Field`).
    pub field: String,
    /// The offending value.
    pub bad_value: BadValue,
    /// Human-readable detail (may be empty).
    pub detail: String,
}

impl FieldError {
    fn new(error_type: ErrorType, path: &FieldPath, bad_value: BadValue, detail: impl Into<String>) -> Self {
        Self {
            error_type,
            field: path.to_string(),
            bad_value,
            detail: detail.into(),
        }
    }

    /// `field.Invalid`.
    pub fn invalid(path: &FieldPath, value: impl Into<BadValue>, detail: impl Into<String>) -> Self {
        Self::new(ErrorType::Invalid, path, value.into(), detail)
    }

    /// `field.Required`.
    pub fn required(path: &FieldPath, detail: impl Into<String>) -> Self {
        Self::new(ErrorType::Required, path, BadValue::Str(String::new()), detail)
    }

    /// `field.Forbidden`.
    pub fn forbidden(path: &FieldPath, detail: impl Into<String>) -> Self {
        Self::new(ErrorType::Forbidden, path, BadValue::Str(String::new()), detail)
    }

    /// `field.Duplicate`.
    pub fn duplicate(path: &FieldPath, value: impl Into<BadValue>) -> Self {
        Self::new(ErrorType::Duplicate, path, value.into(), "")
    }

    /// `field.NotFound`.
    pub fn not_found(path: &FieldPath, value: impl Into<BadValue>) -> Self {
        Self::new(ErrorType::NotFound, path, value.into(), "")
    }

    /// `field.NotSupported`: the detail lists the supported values, Go-quoted.
    pub fn not_supported(path: &FieldPath, value: impl Into<BadValue>, valid: &[&str]) -> Self {
        let detail = if valid.is_empty() {
            String::new()
        } else {
            let quoted: Vec<String> = valid.iter().map(|v| go_quote(v)).collect();
            format!("supported values: {}", quoted.join(", "))
        };
        Self::new(ErrorType::NotSupported, path, value.into(), detail)
    }

    /// `field.InternalError`: the detail is the error's message.
    pub fn internal(path: &FieldPath, error: impl fmt::Display) -> Self {
        Self::new(ErrorType::Internal, path, BadValue::Omit, error.to_string())
    }

    /// `field.TooLong` with a maximum length in bytes.
    pub fn too_long(path: &FieldPath, max_length: usize) -> Self {
        let unit = if max_length == 1 { "byte" } else { "bytes" };
        Self::new(
            ErrorType::TooLong,
            path,
            BadValue::Str("<value omitted>".into()),
            format!("may not be more than {max_length} {unit}"),
        )
    }

    /// Go's `ErrorBody()`: the message without the field path.
    pub fn error_body(&self) -> String {
        let mut s = match self.error_type {
            ErrorType::Required | ErrorType::Forbidden | ErrorType::TooLong | ErrorType::Internal => {
                self.error_type.to_string()
            }
            _ if self.bad_value == BadValue::Omit => self.error_type.to_string(),
            _ => format!("{}: {}", self.error_type, self.bad_value.render()),
        };
        if !self.detail.is_empty() {
            s.push_str(": ");
            s.push_str(&self.detail);
        }
        s
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.error_body())
    }
}

impl std::error::Error for FieldError {}

/// Go's `strconv.Quote`: double-quoted, with `\"`, `\\`, the C escapes, `\xNN` for other ASCII control
/// characters and `\uNNNN` for non-printable non-ASCII characters (approximated: control, format,
/// line/paragraph separator and private-use characters).
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if !is_go_printable(c) => {
                let code = c as u32;
                if code < 0x10000 {
                    out.push_str(&format!("\\u{code:04x}"));
                } else {
                    out.push_str(&format!("\\U{code:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An approximation of Go's `unicode.IsPrint` for characters outside ASCII control.
fn is_go_printable(c: char) -> bool {
    let code = c as u32;
    !(c.is_control()
        || matches!(code, 0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x180E)
        || matches!(code, 0x200B..=0x200F | 0x2028..=0x202E | 0x2060..=0x206F | 0xFEFF)
        || matches!(code, 0xFFF9..=0xFFFB | 0xE000..=0xF8FF | 0xF0000..=0x10FFFF)
        || (code == 0xA0 || code == 0x3000 || (0x2000..=0x200A).contains(&code)))
}

/// Go's `json.Marshal` of a JSON value: compact, HTML-safe escaping, the value's own key order.
pub fn go_json(value: &Value) -> String {
    let compact = serde_json::to_vec(value).unwrap_or_default();
    String::from_utf8(crate::hash::go_html_escape(&compact)).unwrap_or_default()
}

/// A JSON value with Go's field order for a `metav1.LabelSelector` (`matchLabels` before
/// `matchExpressions`, `omitempty`), which k8s-openapi serialises alphabetically.
pub fn label_selector_json(
    selector: &k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector,
) -> Value {
    let mut map = serde_json::Map::new();
    if let Some(labels) = selector.match_labels.as_ref().filter(|l| !l.is_empty()) {
        map.insert(
            "matchLabels".into(),
            serde_json::to_value(labels).unwrap_or(Value::Null),
        );
    }
    if let Some(exprs) = selector.match_expressions.as_ref().filter(|e| !e.is_empty()) {
        let exprs: Vec<Value> = exprs
            .iter()
            .map(|r| {
                let mut m = serde_json::Map::new();
                m.insert("key".into(), Value::String(r.key.clone()));
                m.insert("operator".into(), Value::String(r.operator.clone()));
                if let Some(values) = r.values.as_ref().filter(|v| !v.is_empty()) {
                    m.insert(
                        "values".into(),
                        serde_json::to_value(values).unwrap_or(Value::Null),
                    );
                }
                Value::Object(m)
            })
            .collect();
        map.insert("matchExpressions".into(), Value::Array(exprs));
    }
    Value::Object(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_render_like_go() {
        let p = FieldPath::new(&["spec", "strategy"])
            .child("steps")
            .index(1)
            .child("setWeight");
        assert_eq!(p.to_string(), "spec.strategy.steps[1].setWeight");
        assert_eq!(FieldPath::new(&["spec"]).key("app").to_string(), "spec[app]");
        assert_eq!(FieldPath::new(&[""]).child("maxSurge").to_string(), "[].maxSurge");
    }

    #[test]
    fn errors_render_like_go() {
        let p = FieldPath::new(&["spec", "strategy", "maxSurge"]);
        let e = FieldError::invalid(
            &p,
            BadValue::Json(serde_json::json!(0)),
            "MaxSurge and MaxUnavailable both can not be zero",
        );
        assert_eq!(
            e.to_string(),
            "spec.strategy.maxSurge: Invalid value: 0: MaxSurge and MaxUnavailable both can not be zero"
        );
        let e = FieldError::required(
            &FieldPath::new(&["spec", "selector"]),
            "Rollout has missing field '.spec.selector'",
        );
        assert_eq!(
            e.to_string(),
            "spec.selector: Required value: Rollout has missing field '.spec.selector'"
        );
        let e = FieldError::invalid(&p, "a\"b\n", "x");
        assert_eq!(e.error_body(), "Invalid value: \"a\\\"b\\n\": x");
        let e = FieldError::not_supported(&FieldPath::new(&["restartPolicy"]), "Never", &["Always"]);
        assert_eq!(
            e.to_string(),
            "restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""
        );
        let e = FieldError::duplicate(&FieldPath::new(&["name"]), "a");
        assert_eq!(e.to_string(), "name: Duplicate value: \"a\"");
        let e = FieldError::forbidden(&FieldPath::new(&["x"]), "nope");
        assert_eq!(e.to_string(), "x: Forbidden: nope");
        let e = FieldError::internal(&FieldPath::new(&["spec", "template"]), "template must be empty");
        assert_eq!(
            e.to_string(),
            "spec.template: Internal error: template must be empty"
        );
        let e = FieldError::invalid(&p, BadValue::Json(serde_json::json!({"a": "<b>"})), "d");
        assert_eq!(e.error_body(), "Invalid value: {\"a\":\"\\u003cb\\u003e\"}: d");
        let e = FieldError::invalid(&p, BadValue::Json(Value::Null), "d");
        assert_eq!(e.error_body(), "Invalid value: null: d");
        assert_eq!(FieldError::not_found(&p, "v").error_body(), "Not found: \"v\"");
        assert_eq!(
            FieldError::too_long(&p, 262144).error_body(),
            "Too long: may not be more than 262144 bytes"
        );
    }

    #[test]
    fn go_quote_escapes_like_strconv() {
        assert_eq!(go_quote("héllo"), "\"héllo\"");
        assert_eq!(go_quote("\u{1}\u{7f}"), "\"\\x01\\x7f\"");
        assert_eq!(go_quote("\u{2028}"), "\"\\u2028\"");
        assert_eq!(go_quote("\t"), "\"\\t\"");
    }
}
