//! Dynamic registration of custom resources from `apiextensions.k8s.io/v1 CustomResourceDefinition`
//! objects, as a real API server does: names, scope, served versions, `subresources.status`,
//! `subresources.scale`, `additionalPrinterColumns`, short names, categories and the
//! `NamesAccepted`/`Established` status conditions.

use serde_json::{Value, json};

use super::{PrinterColumn, ResourceInfo, ScalePaths, VersionInfo};
use crate::error::ApiError;

const CRD_GROUP: &str = "apiextensions.k8s.io";
const CRD_KIND: &str = "CustomResourceDefinition";

fn s<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.as_str()
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

fn invalid(name: &str, field: &str, why: &str) -> ApiError {
    ApiError::invalid(CRD_GROUP, CRD_KIND, name, field, why)
}

/// Parses a CRD object into the resource type it defines, or a 422 naming the bad field.
pub fn resource_info(crd: &Value) -> Result<ResourceInfo, ApiError> {
    let name = s(crd, &["metadata", "name"]).unwrap_or_default();
    let spec = crd
        .get("spec")
        .ok_or_else(|| invalid(name, "spec", "Required value"))?;
    let group = s(spec, &["group"]).ok_or_else(|| invalid(name, "spec.group", "Required value"))?;
    let names = spec
        .get("names")
        .ok_or_else(|| invalid(name, "spec.names", "Required value"))?;
    let plural = s(names, &["plural"]).ok_or_else(|| invalid(name, "spec.names.plural", "Required value"))?;
    let kind = s(names, &["kind"]).ok_or_else(|| invalid(name, "spec.names.kind", "Required value"))?;
    if name != format!("{plural}.{group}") {
        return Err(invalid(
            name,
            "metadata.name",
            &format!("must be spec.names.plural+\".\"+spec.group: \"{plural}.{group}\""),
        ));
    }
    let namespaced = match s(spec, &["scope"]) {
        Some("Namespaced") => true,
        Some("Cluster") => false,
        _ => {
            return Err(invalid(
                name,
                "spec.scope",
                "Unsupported value: must be Namespaced or Cluster",
            ));
        }
    };
    let raw_versions = spec
        .get("versions")
        .and_then(Value::as_array)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            invalid(
                name,
                "spec.versions",
                "Required value: must have exactly one version marked as storage version",
            )
        })?;
    let mut versions = Vec::new();
    for (i, v) in raw_versions.iter().enumerate() {
        let vname = s(v, &["name"])
            .ok_or_else(|| invalid(name, &format!("spec.versions[{i}].name"), "Required value"))?;
        if !v.get("served").and_then(Value::as_bool).unwrap_or(false) {
            continue;
        }
        let sub = v.get("subresources");
        let scale = sub.and_then(|s| s.get("scale")).map(|sc| ScalePaths {
            spec_replicas: s(sc, &["specReplicasPath"])
                .unwrap_or(".spec.replicas")
                .to_string(),
            status_replicas: s(sc, &["statusReplicasPath"])
                .unwrap_or(".status.replicas")
                .to_string(),
            label_selector: s(sc, &["labelSelectorPath"]).map(str::to_string),
        });
        let columns = v
            .get("additionalPrinterColumns")
            .and_then(Value::as_array)
            .map(|cols| {
                cols.iter()
                    .map(|c| PrinterColumn {
                        name: s(c, &["name"]).unwrap_or_default().to_string(),
                        type_: s(c, &["type"]).unwrap_or("string").to_string(),
                        format: s(c, &["format"]).unwrap_or_default().to_string(),
                        description: s(c, &["description"]).unwrap_or_default().to_string(),
                        priority: c.get("priority").and_then(Value::as_i64).unwrap_or(0),
                        json_path: s(c, &["jsonPath"]).unwrap_or_default().to_string(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let selectable_fields = v
            .get("selectableFields")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|f| s(f, &["jsonPath"]).map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        versions.push(VersionInfo {
            name: vname.to_string(),
            storage: v.get("storage").and_then(Value::as_bool).unwrap_or(false),
            status: sub.and_then(|s| s.get("status")).is_some(),
            scale,
            columns,
            selectable_fields,
        });
    }
    if raw_versions
        .iter()
        .filter(|v| v.get("storage").and_then(Value::as_bool) == Some(true))
        .count()
        != 1
    {
        return Err(invalid(
            name,
            "spec.versions",
            "Invalid value: must have exactly one version marked as storage version",
        ));
    }
    // Preferred version first, as discovery lists it.
    versions.sort_by_key(|v| std::cmp::Reverse(super::version_priority(&v.name)));
    Ok(ResourceInfo {
        group: group.to_string(),
        resource: plural.to_string(),
        singular: s(names, &["singular"])
            .map(str::to_string)
            .unwrap_or_else(|| kind.to_lowercase()),
        kind: kind.to_string(),
        list_kind: s(names, &["listKind"])
            .map(str::to_string)
            .unwrap_or_else(|| format!("{kind}List")),
        namespaced,
        short_names: strings(names.get("shortNames")),
        categories: strings(names.get("categories")),
        versions,
        builtin: false,
        generation: true,
        stored_as: None,
        verbs: [
            "create",
            "delete",
            "deletecollection",
            "get",
            "list",
            "patch",
            "update",
            "watch",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
    })
}

/// The status a real API server gives an accepted CRD: accepted names and the `NamesAccepted` and
/// `Established` conditions, both `True`.
pub fn accepted_status(crd: &Value, now: &str) -> Value {
    let names = crd.pointer("/spec/names").cloned().unwrap_or_else(|| json!({}));
    let mut accepted = names.clone();
    if accepted.get("singular").is_none()
        && let Some(kind) = names.get("kind").and_then(Value::as_str)
    {
        accepted["singular"] = json!(kind.to_lowercase());
    }
    if accepted.get("listKind").is_none()
        && let Some(kind) = names.get("kind").and_then(Value::as_str)
    {
        accepted["listKind"] = json!(format!("{kind}List"));
    }
    let stored: Vec<Value> = crd
        .pointer("/spec/versions")
        .and_then(Value::as_array)
        .map(|vs| {
            vs.iter()
                .filter(|v| v.get("storage").and_then(Value::as_bool) == Some(true))
                .filter_map(|v| v.get("name").cloned())
                .collect()
        })
        .unwrap_or_default();
    json!({
        "acceptedNames": accepted,
        "conditions": [
            {"type": "NamesAccepted", "status": "True", "lastTransitionTime": now, "reason": "NoConflicts",
             "message": "no conflicts found"},
            {"type": "Established", "status": "True", "lastTransitionTime": now, "reason": "InitialNamesAccepted",
             "message": "the initial names have been accepted"},
        ],
        "storedVersions": stored,
    })
}

/// Whether this group/resource is the CRD type itself.
pub fn is_crd(group: &str, resource: &str) -> bool {
    group == CRD_GROUP && resource == "customresourcedefinitions"
}
