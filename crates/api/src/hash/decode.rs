//! JSON -> Go value, as the controller's informer decodes the template into `corev1.PodTemplateSpec`
//! (`sigs.k8s.io/json`, i.e. Go's `encoding/json` with case-sensitive field names).
//!
//! Go's rules reproduced here: keys that name no field are ignored (the API server prunes them anyway);
//! `null` sets pointers, slices and maps to nil and leaves strings, numbers, bools and structs at their zero
//! value; `null` through a custom `UnmarshalJSON` gives a zero `Quantity` (`"0"`), an `IntOrString` of `0`
//! and a zero `Time`; integers must be integer literals in range; any other JSON type mismatch is an error.
//! Numbers and strings handed to `Quantity.UnmarshalJSON` are first written the way the API server writes
//! them (Go number formatting, Go string escaping), because Go parses those raw bytes.

use std::collections::BTreeMap;

use serde_json::Value;

use super::HashError;
use super::encode::{GoVal, go_marshal_untyped, go_number, go_string};
use super::gotime;
use super::layout::{StructId, Ty};
use super::quantity;

/// The zero value of a Go type.
pub(crate) fn zero(ty: &Ty) -> GoVal {
    match ty {
        Ty::String => GoVal::Str(String::new()),
        Ty::Bool => GoVal::Bool(false),
        Ty::Int32 | Ty::Int64 => GoVal::Int(0),
        Ty::Quantity => GoVal::Quantity("0".to_owned()),
        Ty::IntOrString => GoVal::IntOrStringInt(0),
        Ty::Time => GoVal::Time(None),
        Ty::FieldsV1 => GoVal::Raw(None),
        Ty::Ptr(_) => GoVal::Ptr(None),
        Ty::Slice(_) => GoVal::Slice(None),
        Ty::Map(_) => GoVal::Map(None),
        Ty::Struct(id) => zero_struct(*id),
    }
}

fn zero_struct(id: StructId) -> GoVal {
    GoVal::Struct(id, id.layout().fields.iter().map(|f| zero(&f.ty)).collect())
}

/// Decodes `v` into a fresh value of type `ty`. Error paths are relative to `v`.
pub(crate) fn decode(ty: &Ty, v: &Value) -> Result<GoVal, HashError> {
    if v.is_null() {
        return Ok(match ty {
            // A JSON null decoded by the custom UnmarshalJSON methods.
            Ty::Quantity => GoVal::Quantity("0".to_owned()),
            Ty::IntOrString => GoVal::IntOrStringInt(0),
            _ => zero(ty),
        });
    }
    Ok(match (ty, v) {
        (Ty::Ptr(elem), _) => GoVal::Ptr(Some(Box::new(decode(elem, v)?))),
        (Ty::String, Value::String(s)) => GoVal::Str(s.clone()),
        (Ty::Bool, Value::Bool(b)) => GoVal::Bool(*b),
        (Ty::Int32, Value::Number(n)) => GoVal::Int(i64::from(int32(n, v)?)),
        (Ty::Int64, Value::Number(n)) => GoVal::Int(
            n.as_i64()
                .filter(|_| !n.is_f64())
                .ok_or_else(|| mismatch("an int64", v))?,
        ),
        (Ty::Quantity, Value::String(_) | Value::Number(_)) => GoVal::Quantity(decode_quantity(v)?),
        (Ty::IntOrString, Value::String(s)) => GoVal::IntOrStringStr(s.clone()),
        (Ty::IntOrString, Value::Number(n)) => GoVal::IntOrStringInt(int32(n, v)?),
        (Ty::Time, Value::String(s)) => {
            let t = gotime::parse_rfc3339(s).ok_or_else(|| HashError::Time {
                path: String::new(),
                value: s.clone(),
            })?;
            GoVal::Time((!t.is_zero()).then(|| t.format_rfc3339_utc()))
        }
        (Ty::FieldsV1, Value::Object(_)) => {
            let mut raw = Vec::new();
            go_marshal_untyped(v, &mut raw);
            GoVal::Raw(Some(raw))
        }
        (Ty::Slice(elem), Value::Array(items)) => GoVal::Slice(Some(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| decode(elem, item).map_err(|e| e.within(&format!("[{i}]"))))
                .collect::<Result<_, _>>()?,
        )),
        (Ty::Map(elem), Value::Object(map)) => GoVal::Map(Some(
            map.iter()
                .map(|(k, item)| {
                    Ok((
                        k.clone(),
                        decode(elem, item).map_err(|e| e.within(&format!("[{k}]")))?,
                    ))
                })
                .collect::<Result<BTreeMap<_, _>, HashError>>()?,
        )),
        (Ty::Struct(id), Value::Object(map)) => {
            let layout = id.layout();
            let mut values: Vec<GoVal> = layout.fields.iter().map(|f| zero(&f.ty)).collect();
            for (key, item) in map {
                // Case-sensitive match; keys naming no field are dropped, as Go's decoder drops them.
                if let Some(i) = layout.fields.iter().position(|f| f.json == key) {
                    values[i] = decode(&layout.fields[i].ty, item).map_err(|e| e.within(key))?;
                }
            }
            GoVal::Struct(*id, values)
        }
        (Ty::Struct(id), _) => return Err(mismatch(id.layout().name, v)),
        _ => return Err(mismatch(expected(ty), v)),
    })
}

/// What a Go type expects, for error messages.
fn expected(ty: &Ty) -> &'static str {
    match ty {
        Ty::String => "a string",
        Ty::Bool => "a boolean",
        Ty::Int32 => "an int32",
        Ty::Int64 => "an int64",
        Ty::Quantity => "a quantity (string or number)",
        Ty::IntOrString => "an integer or a string",
        Ty::Time => "an RFC 3339 time string",
        Ty::FieldsV1 => "an object (metav1.FieldsV1)",
        Ty::Ptr(elem) => expected(elem),
        Ty::Slice(_) => "an array",
        Ty::Map(_) | Ty::Struct(_) => "an object",
    }
}

fn mismatch(expected: &'static str, found: &Value) -> HashError {
    let found = match found {
        Value::Null => "null".to_owned(),
        Value::Bool(_) => "a boolean".to_owned(),
        Value::Number(n) => format!("the number {}", go_number(n)),
        Value::String(_) => "a string".to_owned(),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    };
    HashError::Type {
        path: String::new(),
        expected,
        found,
    }
}

/// An `int32` as `json.Unmarshal` takes it: an integer literal in range.
fn int32(n: &serde_json::Number, v: &Value) -> Result<i32, HashError> {
    n.as_i64()
        .filter(|_| !n.is_f64())
        .and_then(|i| i32::try_from(i).ok())
        .ok_or_else(|| mismatch("an int32", v))
}

/// `Quantity.UnmarshalJSON` on the raw bytes the API server sends, then `MarshalJSON`.
fn decode_quantity(v: &Value) -> Result<String, HashError> {
    let (raw, text) = match v {
        Value::String(s) => {
            let mut quoted = Vec::new();
            go_string(s, &mut quoted);
            // Go strips the quotes but does not unescape.
            let inner = String::from_utf8_lossy(&quoted[1..quoted.len() - 1]).into_owned();
            (inner, s.clone())
        }
        Value::Number(n) => (go_number(n), go_number(n)),
        _ => return Err(mismatch("a quantity", v)),
    };
    quantity::parse(raw.trim())
        .and_then(|q| q.marshal())
        .map_err(|source| HashError::Quantity {
            path: String::new(),
            value: text,
            source,
        })
}
