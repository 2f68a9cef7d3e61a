//! `meta.k8s.io/v1 Table` responses for `kubectl get`: the columns kubectl's server-side printers give
//! the common built-in kinds (Pods READY/STATUS/RESTARTS, Deployments READY/UP-TO-DATE/AVAILABLE, ...)
//! and, for custom resources, the CRD's `additionalPrinterColumns` evaluated by JSONPath.

mod builtin;

use jsonpath_rust::JsonPath;
use serde_json::{Value, json};

use crate::meta;
use crate::registry::{PrinterColumn, ResourceInfo};

/// What each row's `object` holds (`includeObject`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncludeObject {
    /// No object.
    None,
    /// A `PartialObjectMetadata` (the default).
    Metadata,
    /// The whole object.
    Object,
}

impl IncludeObject {
    /// Parses the `includeObject` query parameter.
    pub fn parse(s: Option<&str>) -> Self {
        match s {
            Some("None") => IncludeObject::None,
            Some("Object") => IncludeObject::Object,
            _ => IncludeObject::Metadata,
        }
    }
}

/// kubectl's HumanDuration: `45s`, `3m20s`, `5h`, `2d3h`, `400d`, `3y20d`.
pub fn human_duration(secs: i64) -> String {
    if secs < -1 {
        return "<invalid>".into();
    }
    let s = secs.max(0);
    let (m, h, d) = (s / 60, s / 3600, s / 86400);
    if s < 120 {
        format!("{s}s")
    } else if m < 10 {
        if s % 60 == 0 {
            format!("{m}m")
        } else {
            format!("{m}m{}s", s % 60)
        }
    } else if m < 180 {
        format!("{m}m")
    } else if h < 8 {
        if m % 60 == 0 {
            format!("{h}h")
        } else {
            format!("{h}h{}m", m % 60)
        }
    } else if h < 48 {
        format!("{h}h")
    } else if h < 192 {
        if h % 24 == 0 {
            format!("{d}d")
        } else {
            format!("{d}d{}h", h % 24)
        }
    } else if d < 730 {
        format!("{d}d")
    } else if d < 2920 {
        if d % 365 == 0 {
            format!("{}y", d / 365)
        } else {
            format!("{}y{}d", d / 365, d % 365)
        }
    } else {
        format!("{}y", d / 365)
    }
}

/// The age of an RFC 3339 timestamp at `now`, or `<unknown>`.
pub fn age(ts: Option<&str>, now: jiff::Timestamp) -> String {
    match ts.and_then(|t| t.parse::<jiff::Timestamp>().ok()) {
        Some(t) => human_duration(now.as_second() - t.as_second()),
        None => "<unknown>".into(),
    }
}

/// Evaluates a Kubernetes printer-column JSONPath (`.status.phase`) into a table cell.
pub fn column_cell(obj: &Value, column: &PrinterColumn, now: jiff::Timestamp) -> Value {
    let path = column
        .json_path
        .trim()
        .trim_start_matches('{')
        .trim_end_matches('}');
    let path = if path.starts_with('$') {
        path.to_string()
    } else {
        format!("${path}")
    };
    let found: Vec<&Value> = obj.query(&path).unwrap_or_default();
    let found: Vec<&Value> = found.into_iter().filter(|v| !v.is_null()).collect();
    match found.as_slice() {
        [] => Value::Null,
        [one] => match (column.type_.as_str(), one) {
            ("date", Value::String(t)) => json!(age(Some(t), now)),
            ("integer" | "number" | "boolean", v) => (*v).clone(),
            (_, Value::String(s)) => json!(s),
            (_, v) => json!(v.to_string()),
        },
        many => json!(
            many.iter()
                .map(|v| v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()))
                .collect::<Vec<_>>()
                .join(",")
        ),
    }
}

/// `PartialObjectMetadata` of an object.
pub fn partial_metadata(obj: &Value) -> Value {
    json!({
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": obj.get("metadata").cloned().unwrap_or_else(|| json!({})),
    })
}

/// A Table of `objs` (already in the served version).
pub fn table(
    info: &ResourceInfo,
    version: &str,
    objs: &[Value],
    resource_version: Option<u64>,
    include: IncludeObject,
    now: jiff::Timestamp,
) -> Value {
    let custom: Vec<PrinterColumn> = info
        .version(version)
        .map(|v| v.columns.clone())
        .unwrap_or_default();
    let (cols, cells) = if !custom.is_empty() {
        let mut cols = vec![builtin::col("Name", "string", 0)];
        cols.extend(custom.iter().map(|c| {
            json!({"name": c.name, "type": c.type_, "format": c.format, "description": c.description, "priority": c.priority})
        }));
        let cells = objs
            .iter()
            .map(|o| {
                let mut row = vec![json!(meta::name(o).unwrap_or_default())];
                row.extend(custom.iter().map(|c| column_cell(o, c, now)));
                row
            })
            .collect();
        (cols, cells)
    } else if let Some(b) = builtin::columns(info, objs, now) {
        b
    } else {
        let cols = vec![
            builtin::col("Name", "string", 0),
            builtin::col("Age", "string", 0),
        ];
        let cells = objs
            .iter()
            .map(|o| {
                vec![
                    json!(meta::name(o).unwrap_or_default()),
                    json!(age(meta::meta_str(o, "creationTimestamp"), now)),
                ]
            })
            .collect();
        (cols, cells)
    };
    let rows: Vec<Value> = objs
        .iter()
        .zip(cells)
        .map(|(o, cells)| {
            let mut row = json!({"cells": cells});
            match include {
                IncludeObject::None => {}
                IncludeObject::Metadata => row["object"] = partial_metadata(o),
                IncludeObject::Object => row["object"] = o.clone(),
            }
            row
        })
        .collect();
    let mut metadata = json!({});
    if let Some(rv) = resource_version {
        metadata["resourceVersion"] = json!(rv.to_string());
    }
    json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": metadata, "columnDefinitions": cols, "rows": rows})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_duration_matches_kubectl() {
        assert_eq!(human_duration(45), "45s");
        assert_eq!(human_duration(200), "3m20s");
        assert_eq!(human_duration(3600 * 5), "5h");
        assert_eq!(human_duration(86400 * 2 + 3600 * 3), "2d3h");
    }

    #[test]
    fn printer_column_filters_work() {
        let obj = json!({"status": {"conditions": [{"type": "Ready", "status": "True"}], "replicas": 3}});
        let c = PrinterColumn {
            name: "R".into(),
            type_: "string".into(),
            format: String::new(),
            description: String::new(),
            priority: 0,
            json_path: ".status.conditions[?(@.type==\"Ready\")].status".into(),
        };
        assert_eq!(column_cell(&obj, &c, jiff::Timestamp::UNIX_EPOCH), json!("True"));
        let c = PrinterColumn {
            json_path: ".status.replicas".into(),
            type_: "integer".into(),
            ..c
        };
        assert_eq!(column_cell(&obj, &c, jiff::Timestamp::UNIX_EPOCH), json!(3));
    }
}
