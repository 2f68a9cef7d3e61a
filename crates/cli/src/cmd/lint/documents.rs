//! Reading a manifest file for `lint`: every YAML (or JSON) document as JSON, converted like Go's
//! `go-yaml` decode + `sigs.k8s.io/yaml` conversion does (map keys as strings, empty documents skipped,
//! merge keys applied), with errors that name the file and the line.

use std::io;
use std::path::Path;

use serde::Deserialize;
use serde_json::{Map, Number, Value};

/// Why a manifest cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// The file cannot be read; the message is Go's (`open <file>: no such file or directory`).
    #[error("{0}")]
    Read(String),
    /// A document is not valid YAML/JSON.
    #[error("{file}: {message}")]
    Parse {
        /// The file, as given.
        file: String,
        /// The parser's message with the line and column.
        message: String,
    },
}

/// Go's `os.ReadFile` error text for an I/O error on `path`.
fn go_read_error(path: &str, err: &io::Error) -> String {
    let (op, reason) = match err.kind() {
        io::ErrorKind::NotFound => ("open", "no such file or directory".to_owned()),
        io::ErrorKind::PermissionDenied => ("open", "permission denied".to_owned()),
        io::ErrorKind::IsADirectory => ("read", "is a directory".to_owned()),
        _ => ("read", lowercase_first(&err.to_string())),
    };
    format!("{op} {path}: {reason}")
}

fn lowercase_first(s: &str) -> String {
    let s = s.split(" (os error").next().unwrap_or(s);
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Every non-empty document of the file at `path`, as JSON values, in order.
pub fn read_documents(path: &str) -> Result<Vec<Value>, DocumentError> {
    let bytes = std::fs::read(Path::new(path)).map_err(|e| DocumentError::Read(go_read_error(path, &e)))?;
    parse_documents(path, &bytes)
}

/// [`read_documents`] on bytes already read (`file` names them in errors).
pub fn parse_documents(file: &str, bytes: &[u8]) -> Result<Vec<Value>, DocumentError> {
    let parse_error = |e: serde_yaml_ng::Error| DocumentError::Parse {
        file: file.to_owned(),
        message: e.to_string(),
    };
    let mut out = Vec::new();
    for document in serde_yaml_ng::Deserializer::from_slice(bytes) {
        let mut value = serde_yaml_ng::Value::deserialize(document).map_err(parse_error)?;
        value.apply_merge().map_err(parse_error)?;
        if value.is_null() {
            continue;
        }
        out.push(to_json(value));
    }
    Ok(out)
}

/// A YAML value as the JSON `sigs.k8s.io/yaml` produces: keys as strings, integral floats as integers.
fn to_json(value: serde_yaml_ng::Value) -> Value {
    use serde_yaml_ng::Value as Y;
    match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Number(i.into())
            } else if let Some(u) = n.as_u64() {
                Value::Number(u.into())
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                if f.fract() == 0.0 && f.abs() < 1e15 {
                    // Go re-marshals the float without a fraction, which reads back as an integer.
                    #[allow(clippy::cast_possible_truncation)]
                    Value::Number((f as i64).into())
                } else {
                    Number::from_f64(f).map_or(Value::Null, Value::Number)
                }
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(to_json).collect()),
        Y::Mapping(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                out.insert(key_string(k), to_json(v));
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => to_json(tagged.value),
    }
}

fn key_string(key: serde_yaml_ng::Value) -> String {
    match to_json(key) {
        Value::String(s) => s,
        Value::Null => "null".to_owned(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_document_yaml_and_json() {
        let docs = parse_documents(
            "f",
            b"---\na: 1\n---\n# only a comment\n---\n{\"b\": [true, 2.0, 2.5]}\n---\n",
        )
        .expect("parses");
        assert_eq!(
            docs,
            vec![
                serde_json::json!({"a": 1}),
                serde_json::json!({"b": [true, 2, 2.5]})
            ]
        );
    }

    #[test]
    fn errors_name_file_and_line() {
        let err = parse_documents("bad.yaml", b"a: 1\nb: [1, 2\n").expect_err("malformed");
        let message = err.to_string();
        assert!(message.starts_with("bad.yaml: "), "{message}");
        assert!(message.contains("line "), "{message}");
        let err = read_documents("/nonexistent/x.yaml").expect_err("missing");
        assert_eq!(
            err.to_string(),
            "open /nonexistent/x.yaml: no such file or directory"
        );
    }
}
