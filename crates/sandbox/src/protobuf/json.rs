//! Helpers that build the JSON of a decoded message the way Go's JSON encoder writes the typed object: empty
//! strings, zero numbers, false and empty maps or lists of `omitempty` value fields are left out (Go's protobuf
//! encoder writes them anyway), while pointer fields are kept whenever they are set.

use std::collections::BTreeMap;

use prost::Message;
use serde_json::{Map, Value};

/// The JSON path of a message that still has fields set after conversion.
#[derive(Debug)]
pub(super) struct Leftover(pub(super) String);

pub(super) type Res<T> = Result<T, Leftover>;

/// A JSON object under construction.
#[derive(Default)]
pub(super) struct Obj(pub(super) Map<String, Value>);

impl Obj {
    /// An `omitempty` string.
    pub(super) fn str(&mut self, key: &str, v: Option<String>) -> &mut Self {
        if let Some(s) = v.filter(|s| !s.is_empty()) {
            self.0.insert(key.to_owned(), Value::String(s));
        }
        self
    }

    /// An `omitempty` number or bool (left out when zero or false).
    pub(super) fn nonzero<T: Into<Value> + Default + PartialEq>(
        &mut self,
        key: &str,
        v: Option<T>,
    ) -> &mut Self {
        if let Some(v) = v.filter(|v| *v != T::default()) {
            self.0.insert(key.to_owned(), v.into());
        }
        self
    }

    /// A pointer field (`*int32`, `*bool`, ...): kept whenever it is set, zero included.
    pub(super) fn opt<T: Into<Value>>(&mut self, key: &str, v: Option<T>) -> &mut Self {
        if let Some(v) = v {
            self.0.insert(key.to_owned(), v.into());
        }
        self
    }

    /// A value that is always written (a non-`omitempty` field).
    pub(super) fn always(&mut self, key: &str, v: impl Into<Value>) -> &mut Self {
        self.0.insert(key.to_owned(), v.into());
        self
    }

    /// An `omitempty` map of strings.
    pub(super) fn map(&mut self, key: &str, v: BTreeMap<String, String>) -> &mut Self {
        if !v.is_empty() {
            let m = v.into_iter().map(|(k, v)| (k, Value::String(v))).collect();
            self.0.insert(key.to_owned(), Value::Object(m));
        }
        self
    }

    /// An `omitempty` list of strings.
    pub(super) fn strs(&mut self, key: &str, v: Vec<String>) -> &mut Self {
        if !v.is_empty() {
            self.0.insert(
                key.to_owned(),
                Value::Array(v.into_iter().map(Value::String).collect()),
            );
        }
        self
    }

    /// An `omitempty` list of converted messages.
    pub(super) fn list<T>(
        &mut self,
        key: &str,
        items: Vec<T>,
        path: &str,
        convert: impl Fn(T, &str) -> Res<Value>,
    ) -> Res<&mut Self> {
        if !items.is_empty() {
            let item_path = format!("{path}.{key}[]");
            let values = items
                .into_iter()
                .map(|item| convert(item, &item_path))
                .collect::<Res<Vec<_>>>()?;
            self.0.insert(key.to_owned(), Value::Array(values));
        }
        Ok(self)
    }

    /// A nested message, when present (a struct value field is written even when empty, as Go does).
    pub(super) fn msg<T>(
        &mut self,
        key: &str,
        v: Option<T>,
        path: &str,
        convert: impl FnOnce(T, &str) -> Res<Value>,
    ) -> Res<&mut Self> {
        if let Some(v) = v {
            let value = convert(v, &join(path, key))?;
            self.0.insert(key.to_owned(), value);
        }
        Ok(self)
    }

    pub(super) fn done(&mut self) -> Value {
        Value::Object(std::mem::take(&mut self.0))
    }
}

/// `path.key`, or `key` at the top.
pub(super) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// Fails when `rest` (a message after its converted fields were taken out) still has a field set.
pub(super) fn ensure_consumed(rest: &impl Message, path: &str) -> Res<()> {
    if rest.encoded_len() == 0 {
        Ok(())
    } else {
        Err(Leftover(if path.is_empty() {
            "(top level)".to_owned()
        } else {
            path.to_owned()
        }))
    }
}
