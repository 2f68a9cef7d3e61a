//! A minimal OpenAPI v3: the `/openapi/v3` index and one document per group version. Each resource's item
//! path carries a `patch` operation with `x-kubernetes-group-version-kind` and a `fieldValidation`
//! parameter, which is all kubectl needs (cli-runtime's `query_param_verifier_v3`) to use server-side
//! field validation, so `kubectl apply`/`create`/`edit` work without `--validate=false`. No schemas are
//! served; `/openapi/v2` stays 404 and kubectl falls back to its compiled-in types.

use serde_json::{Map, Value, json};

use crate::registry::{Registry, ResourceInfo};

fn gv_path(group: &str, version: &str) -> String {
    if group.is_empty() {
        format!("api/{version}")
    } else {
        format!("apis/{group}/{version}")
    }
}

/// A short, stable hash of a document (FNV-1a), used in `serverRelativeURL` for client caching.
fn hash(s: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016X}")
}

fn param(name: &str, location: &str) -> Value {
    json!({"name": name, "in": location, "schema": {"type": "string", "uniqueItems": true}})
}

fn operation(info: &ResourceInfo, version: &str, action: &str, with_validation: bool) -> Value {
    let mut params = vec![param("dryRun", "query"), param("fieldManager", "query")];
    if with_validation {
        params.push(param("fieldValidation", "query"));
    }
    json!({
        "operationId": format!("{action}{}", info.kind),
        "parameters": params,
        "responses": {"200": {"description": "OK"}},
        "x-kubernetes-action": action,
        "x-kubernetes-group-version-kind": {"group": info.group, "version": version, "kind": info.kind},
    })
}

/// The per-group-version document, if the group version is served.
pub fn document(reg: &Registry, group: &str, version: &str) -> Option<Value> {
    let types = reg.in_group_version(group, version);
    if types.is_empty() {
        return None;
    }
    let base = format!("/{}", gv_path(group, version));
    let mut paths = Map::new();
    for info in types {
        let prefix = if info.namespaced {
            format!("{base}/namespaces/{{namespace}}")
        } else {
            base.clone()
        };
        let item = json!({
            "get": operation(info, version, "get", false),
            "put": operation(info, version, "put", true),
            "patch": operation(info, version, "patch", true),
            "delete": operation(info, version, "delete", false),
            "parameters": [param("name", "path")],
        });
        paths.insert(format!("{prefix}/{}/{{name}}", info.resource), item);
        paths.insert(
            format!("{prefix}/{}", info.resource),
            json!({"get": operation(info, version, "list", false), "post": operation(info, version, "post", true)}),
        );
    }
    Some(json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": "v1.37.0"},
        "paths": paths,
        "components": {"schemas": {}},
    }))
}

/// The `/openapi/v3` index: one entry per served group version.
pub fn index(reg: &Registry) -> Value {
    let mut paths = Map::new();
    for (group, versions) in reg.groups() {
        for v in versions {
            let doc = document(reg, &group, &v)
                .map(|d| d.to_string())
                .unwrap_or_default();
            let path = gv_path(&group, &v);
            paths.insert(
                path.clone(),
                json!({"serverRelativeURL": format!("/openapi/v3/{path}?hash={}", hash(&doc))}),
            );
        }
    }
    json!({"paths": paths})
}

/// The group version an openapi index key names (for tests and tools).
pub fn key_for(group: &str, version: &str) -> String {
    gv_path(group, version)
}
