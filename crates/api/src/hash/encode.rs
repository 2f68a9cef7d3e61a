//! Go's `encoding/json` output, byte for byte: `json.Marshal` of a decoded Go value ([`GoVal`]) following the
//! struct layouts (fields in declaration order, `omitempty` / `omitzero`, sorted map keys), Go's string
//! escaping (HTML-safe: `<`, `>`, `&` as `\u003c`, `\u003e`, `\u0026`; U+2028/U+2029 escaped; `\b`, `\f`,
//! `\n`, `\r`, `\t` short forms since Go 1.22), Go's float formatting, and `json.Marshal` of untyped JSON
//! (`map[string]interface{}`, sorted keys) for raw fields.

use std::collections::BTreeMap;

use serde_json::Value;

use super::layout::{F, StructId};

/// A Go value after `json.Unmarshal` into the typed struct, reduced to what `json.Marshal` needs.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum GoVal {
    /// `string`.
    Str(String),
    /// `bool`.
    Bool(bool),
    /// `int32` / `int64`.
    Int(i64),
    /// `resource.Quantity`: its marshalled text (without quotes).
    Quantity(String),
    /// `intstr.IntOrString` of type Int.
    IntOrStringInt(i32),
    /// `intstr.IntOrString` of type String.
    IntOrStringStr(String),
    /// `metav1.Time`: `None` when zero (marshalled as `null`), else its RFC 3339 UTC text.
    Time(Option<String>),
    /// `metav1.FieldsV1`: its raw JSON, `None` when nil.
    Raw(Option<Vec<u8>>),
    /// `*T`: `None` when nil.
    Ptr(Option<Box<GoVal>>),
    /// `[]T`: `None` when nil (empty but non-nil slices are `Some(vec![])`).
    Slice(Option<Vec<GoVal>>),
    /// `map[string]T`: `None` when nil; keys sorted byte-wise as Go sorts them.
    Map(Option<BTreeMap<String, GoVal>>),
    /// A struct: its layout and one value per field of it, in layout order.
    Struct(StructId, Vec<GoVal>),
}

impl GoVal {
    /// Go's `isEmptyValue` (the `omitempty` test): structs are never empty.
    fn is_empty(&self) -> bool {
        match self {
            Self::Str(s) => s.is_empty(),
            Self::Bool(b) => !b,
            Self::Int(i) => *i == 0,
            Self::Ptr(p) => p.is_none(),
            Self::Slice(s) => s.as_ref().is_none_or(Vec::is_empty),
            Self::Map(m) => m.as_ref().is_none_or(BTreeMap::is_empty),
            Self::Quantity(_)
            | Self::IntOrStringInt(_)
            | Self::IntOrStringStr(_)
            | Self::Time(_)
            | Self::Raw(_)
            | Self::Struct(..) => false,
        }
    }

    /// The `omitzero` test: the type's `IsZero()` method where it has one (`metav1.Time`, `Quantity`),
    /// else `reflect.Value.IsZero` (nil pointers, slices and maps; all-zero structs).
    fn is_zero(&self) -> bool {
        match self {
            Self::Str(s) => s.is_empty(),
            Self::Bool(b) => !b,
            Self::Int(i) => *i == 0,
            Self::Quantity(q) => q == "0",
            Self::IntOrStringInt(i) => *i == 0,
            Self::IntOrStringStr(_) => false,
            Self::Time(t) => t.is_none(),
            Self::Raw(r) => r.is_none(),
            Self::Ptr(p) => p.is_none(),
            Self::Slice(s) => s.is_none(),
            Self::Map(m) => m.is_none(),
            Self::Struct(_, fields) => fields.iter().all(Self::is_zero),
        }
    }
}

/// Appends Go's `json.Marshal` of `val`.
pub(crate) fn encode(val: &GoVal, out: &mut Vec<u8>) {
    match val {
        GoVal::Str(s) | GoVal::IntOrStringStr(s) | GoVal::Quantity(s) | GoVal::Time(Some(s)) => {
            go_string(s, out)
        }
        GoVal::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        GoVal::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
        GoVal::IntOrStringInt(i) => out.extend_from_slice(i.to_string().as_bytes()),
        GoVal::Time(None) | GoVal::Raw(None) | GoVal::Ptr(None) | GoVal::Slice(None) | GoVal::Map(None) => {
            out.extend_from_slice(b"null");
        }
        GoVal::Raw(Some(raw)) => out.extend_from_slice(raw),
        GoVal::Ptr(Some(inner)) => encode(inner, out),
        GoVal::Slice(Some(items)) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                encode(item, out);
            }
            out.push(b']');
        }
        GoVal::Map(Some(entries)) => {
            out.push(b'{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                go_string(k, out);
                out.push(b':');
                encode(v, out);
            }
            out.push(b'}');
        }
        GoVal::Struct(id, values) => encode_struct(values, id.layout().fields, out),
    }
}

fn encode_struct(values: &[GoVal], fields: &[F], out: &mut Vec<u8>) {
    out.push(b'{');
    let mut first = true;
    for (field, val) in fields.iter().zip(values) {
        if (field.omit.empty && val.is_empty()) || (field.omit.zero && val.is_zero()) {
            continue;
        }
        if !first {
            out.push(b',');
        }
        first = false;
        go_string(field.json, out);
        out.push(b':');
        encode(val, out);
    }
    out.push(b'}');
}

/// Go's `appendString` with `escapeHTML` on.
pub(crate) fn go_string(s: &str, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    for c in s.chars() {
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\u{8}' => out.extend_from_slice(b"\\b"),
            '\u{c}' => out.extend_from_slice(b"\\f"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            '<' | '>' | '&' | '\u{0}'..='\u{1f}' => {
                let b = c as u32;
                out.extend_from_slice(b"\\u00");
                out.push(HEX[(b >> 4) as usize & 0xf]);
                out.push(HEX[b as usize & 0xf]);
            }
            '\u{2028}' => out.extend_from_slice(b"\\u2028"),
            '\u{2029}' => out.extend_from_slice(b"\\u2029"),
            _ => {
                let mut buf = [0_u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out.push(b'"');
}

/// Go's `floatEncoder` for `float64`: shortest round-trip digits, `%f` style for `1e-6 <= |f| < 1e21`,
/// else `%e` style with at least two exponent digits except that `e-07` is written `e-7`.
pub(crate) fn go_float64(f: f64) -> String {
    let abs = f.abs();
    if abs == 0.0 || (1e-6..1e21).contains(&abs) {
        return format!("{f}");
    }
    // Rust's `{:e}` is shortest round-trip too: "1e21", "1.5e-7"; Go writes "1e+21", "1.5e-07" -> "1.5e-7".
    let s = format!("{f:e}");
    match s.split_once('e') {
        Some((mantissa, exp)) if !exp.starts_with('-') => format!("{mantissa}e+{exp:0>2}"),
        _ => s,
    }
}

/// How the API server writes a JSON number it decoded into untyped JSON: integers as integers, other
/// numbers as Go `float64`.
pub(crate) fn go_number(n: &serde_json::Number) -> String {
    match n.as_i64() {
        Some(i) => i.to_string(),
        // Fractions, exponents and integers above i64::MAX are float64 in Go.
        None => go_float64(n.as_f64().unwrap_or_default()),
    }
}

/// Go's `json.Marshal` of untyped JSON (`interface{}`): compact, keys sorted, Go escaping and numbers.
pub(crate) fn go_marshal_untyped(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Number(n) => out.extend_from_slice(go_number(n).as_bytes()),
        Value::String(s) => go_string(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                go_marshal_untyped(item, out);
            }
            out.push(b']');
        }
        Value::Object(map) => {
            let sorted: BTreeMap<&String, &Value> = map.iter().collect();
            out.push(b'{');
            for (i, (k, v)) in sorted.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                go_string(k, out);
                out.push(b':');
                go_marshal_untyped(v, out);
            }
            out.push(b'}');
        }
    }
}

/// Rewrites compact JSON written by `serde_json` into Go's escaping: `<`, `>`, `&`, U+2028 and U+2029 become
/// `\u003c`, `\u003e`, `\u0026`, `\u2028`, `\u2029`. (Both escape control characters identically, with
/// lowercase hex and the `\b \f \n \r \t` short forms; outside strings valid JSON has none of these.)
pub fn go_html_escape(json: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len());
    let mut i = 0;
    while i < json.len() {
        match json[i..] {
            [b'<', ..] => out.extend_from_slice(b"\\u003c"),
            [b'>', ..] => out.extend_from_slice(b"\\u003e"),
            [b'&', ..] => out.extend_from_slice(b"\\u0026"),
            // U+2028 and U+2029 are E2 80 A8 and E2 80 A9 in UTF-8.
            [0xE2, 0x80, last @ (0xA8 | 0xA9), ..] => {
                out.extend_from_slice(if last == 0xA8 { b"\\u2028" } else { b"\\u2029" });
                i += 2;
            }
            [b, ..] => out.push(b),
            [] => break,
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> String {
        let mut out = Vec::new();
        go_string(text, &mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn strings_escape_like_go() {
        assert_eq!(s("a<b>&c"), r#""a\u003cb\u003e\u0026c""#);
        assert_eq!(s("q\"\\"), r#""q\"\\""#);
        assert_eq!(
            s("\u{8}\u{c}\n\r\t\u{1}\u{1f}\u{7f}"),
            "\"\\b\\f\\n\\r\\t\\u0001\\u001f\u{7f}\""
        );
        assert_eq!(s("x\u{2028}y\u{2029}é"), "\"x\\u2028y\\u2029é\"");
    }

    #[test]
    fn floats_format_like_go() {
        assert_eq!(go_float64(0.5), "0.5");
        assert_eq!(go_float64(1.0), "1");
        assert_eq!(go_float64(-0.0), "-0");
        assert_eq!(go_float64(1e20), "100000000000000000000");
        assert_eq!(go_float64(1e21), "1e+21");
        assert_eq!(go_float64(1.5e300), "1.5e+300");
        assert_eq!(go_float64(1e-6), "0.000001");
        assert_eq!(go_float64(1e-7), "1e-7");
        assert_eq!(go_float64(1.25e-10), "1.25e-10");
    }

    #[test]
    fn html_escaping_of_serde_output() {
        let v = serde_json::json!({"a": "<x> & \u{2028}\u{2029}", "n": [1, 2.5]});
        let serde = serde_json::to_vec(&v).unwrap_or_default();
        let escaped = go_html_escape(&serde);
        assert_eq!(
            String::from_utf8(escaped).unwrap_or_default(),
            r#"{"a":"\u003cx\u003e \u0026 \u2028\u2029","n":[1,2.5]}"#
        );
    }

    #[test]
    fn untyped_json_sorts_keys() {
        let v = serde_json::json!({"b": 1, "a": {"d": null, "c": [true, "<"]}});
        let mut out = Vec::new();
        go_marshal_untyped(&v, &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap_or_default(),
            r#"{"a":{"c":[true,"\u003c"],"d":null},"b":1}"#
        );
    }
}
