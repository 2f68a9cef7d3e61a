//! Downward-API style field paths on an object's metadata (`k8s.io/kubernetes/pkg/fieldpath`
//! `ExtractFieldPathAsString`), used by analysis arguments with `valueFrom.fieldRef.fieldPath: metadata...`.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::k8s::env::split_maybe_subscripted_path;
use super::k8s::names::is_qualified_name;

/// `fieldpath.FormatMap`: `key="value"` lines in key order (values Go-quoted).
pub fn format_map(map: Option<&BTreeMap<String, String>>) -> String {
    map.into_iter()
        .flatten()
        .map(|(k, v)| format!("{k}={}", super::field::go_quote(v)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `fieldpath.ExtractFieldPathAsString` on an object's metadata: `metadata.annotations`,
/// `metadata.labels` (whole, or one key with `['key']`), `metadata.name`, `metadata.namespace`,
/// `metadata.uid`. Anything else is an error with Go's message.
pub fn extract_field_path_as_string(meta: &ObjectMeta, field_path: &str) -> Result<String, String> {
    if let Some((path, subscript)) = split_maybe_subscripted_path(field_path) {
        return match path {
            "metadata.annotations" => {
                let errs = is_qualified_name(&subscript.to_lowercase());
                if errs.is_empty() {
                    Ok(lookup(meta.annotations.as_ref(), subscript))
                } else {
                    Err(format!(
                        "invalid key subscript in {field_path}: {}",
                        errs.join(";")
                    ))
                }
            }
            "metadata.labels" => {
                let errs = is_qualified_name(subscript);
                if errs.is_empty() {
                    Ok(lookup(meta.labels.as_ref(), subscript))
                } else {
                    Err(format!(
                        "invalid key subscript in {field_path}: {}",
                        errs.join(";")
                    ))
                }
            }
            _ => Err(format!(
                "fieldPath {} does not support subscript",
                super::field::go_quote(field_path)
            )),
        };
    }
    match field_path {
        "metadata.annotations" => Ok(format_map(meta.annotations.as_ref())),
        "metadata.labels" => Ok(format_map(meta.labels.as_ref())),
        "metadata.name" => Ok(meta.name.clone().unwrap_or_default()),
        "metadata.namespace" => Ok(meta.namespace.clone().unwrap_or_default()),
        "metadata.uid" => Ok(meta.uid.clone().unwrap_or_default()),
        _ => Err(format!("unsupported fieldPath: {field_path}")),
    }
}

fn lookup(map: Option<&BTreeMap<String, String>>, key: &str) -> String {
    map.and_then(|m| m.get(key)).cloned().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_metadata() {
        let meta = ObjectMeta {
            name: Some("ro".into()),
            labels: Some(
                [
                    ("app".to_owned(), "a".to_owned()),
                    ("b".to_owned(), "x\"y".to_owned()),
                ]
                .into(),
            ),
            ..Default::default()
        };
        assert_eq!(
            extract_field_path_as_string(&meta, "metadata.name"),
            Ok("ro".into())
        );
        assert_eq!(
            extract_field_path_as_string(&meta, "metadata.labels['app']"),
            Ok("a".into())
        );
        assert_eq!(
            extract_field_path_as_string(&meta, "metadata.labels"),
            Ok("app=\"a\"\nb=\"x\\\"y\"".into())
        );
        assert_eq!(
            extract_field_path_as_string(&meta, "metadata.label['app']"),
            Err("fieldPath \"metadata.label['app']\" does not support subscript".into())
        );
        assert_eq!(
            extract_field_path_as_string(&meta, "metadata.generation"),
            Err("unsupported fieldPath: metadata.generation".into())
        );
    }
}
