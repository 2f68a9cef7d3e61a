//! API discovery documents, legacy (`APIVersions`, `APIGroupList`, `APIGroup`, `APIResourceList`) and
//! aggregated (`apidiscovery.k8s.io/v2 APIGroupDiscoveryList`, which kubectl asks for first), plus
//! `/version`. Built from the registry, so installed CRDs appear at once.

use serde_json::{Value, json};

use crate::registry::{Registry, ResourceInfo, api_version};

/// The Content-Type of an aggregated discovery answer.
pub const AGGREGATED_CONTENT_TYPE: &str =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

/// The verbs of a subresource.
const SUB_VERBS: &[&str] = &["get", "patch", "update"];

/// `/version`.
pub fn version() -> Value {
    json!({
        "major": "1",
        "minor": "37",
        "emulationMajor": "1",
        "emulationMinor": "37",
        "gitVersion": "v1.37.0-sandbox",
        "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean",
        "buildDate": "2026-01-01T00:00:00Z",
        "goVersion": "go1.25.0",
        "compiler": "gc",
        "platform": "linux/amd64",
    })
}

fn subresources(info: &ResourceInfo, version: &str) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let Some(v) = info.version(version) else {
        return out;
    };
    if v.status {
        out.push((
            "status".to_string(),
            json!({"group": info.group, "version": version, "kind": info.kind}),
        ));
    }
    if v.scale.is_some() {
        out.push((
            "scale".to_string(),
            json!({"group": "autoscaling", "version": "v1", "kind": "Scale"}),
        ));
    }
    if info.group.is_empty() && info.resource == "pods" {
        out.push((
            "eviction".to_string(),
            json!({"group": "policy", "version": "v1", "kind": "Eviction"}),
        ));
    }
    out
}

/// The verbs of a subresource (`pods/eviction` is create-only).
fn sub_verbs(sub: &str) -> &'static [&'static str] {
    if sub == "eviction" { &["create"] } else { SUB_VERBS }
}

/// `APIResourceList` of one group version.
pub fn resource_list(reg: &Registry, group: &str, version: &str) -> Option<Value> {
    let types = reg.in_group_version(group, version);
    if types.is_empty() {
        return None;
    }
    let mut resources = Vec::new();
    for info in types {
        let mut r = json!({
            "name": info.resource,
            "singularName": info.singular,
            "namespaced": info.namespaced,
            "kind": info.kind,
            "verbs": info.verbs,
        });
        if !info.short_names.is_empty() {
            r["shortNames"] = json!(info.short_names);
        }
        if !info.categories.is_empty() {
            r["categories"] = json!(info.categories);
        }
        resources.push(r);
        for (sub, kind) in subresources(info, version) {
            let mut s = json!({
                "name": format!("{}/{sub}", info.resource),
                "singularName": "",
                "namespaced": info.namespaced,
                "kind": kind["kind"],
                "verbs": sub_verbs(&sub),
            });
            if kind["group"] != json!(info.group) {
                s["group"] = kind["group"].clone();
                s["version"] = kind["version"].clone();
            }
            resources.push(s);
        }
    }
    Some(json!({
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": api_version(group, version),
        "resources": resources,
    }))
}

/// `/api` in the legacy form.
pub fn api_versions(server_address: &str) -> Value {
    json!({
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}],
    })
}

fn api_group(group: &str, versions: &[String]) -> Value {
    let vs: Vec<Value> = versions
        .iter()
        .map(|v| json!({"groupVersion": api_version(group, v), "version": v}))
        .collect();
    json!({
        "name": group,
        "versions": vs,
        "preferredVersion": vs.first().cloned().unwrap_or(Value::Null),
    })
}

/// `/apis/{group}` (`APIGroup`), if served.
pub fn group(reg: &Registry, name: &str) -> Option<Value> {
    let (g, versions) = reg
        .groups()
        .into_iter()
        .find(|(g, _)| g == name && !name.is_empty())?;
    let mut doc = api_group(&g, &versions);
    doc["kind"] = json!("APIGroup");
    doc["apiVersion"] = json!("v1");
    Some(doc)
}

/// `/apis` in the legacy form (`APIGroupList`).
pub fn group_list(reg: &Registry) -> Value {
    let groups: Vec<Value> = reg
        .groups()
        .into_iter()
        .filter(|(g, _)| !g.is_empty())
        .map(|(g, vs)| api_group(&g, &vs))
        .collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

fn discovery_resource(info: &ResourceInfo, version: &str) -> Value {
    let mut r = json!({
        "resource": info.resource,
        "responseKind": {"group": info.group, "version": version, "kind": info.kind},
        "scope": if info.namespaced { "Namespaced" } else { "Cluster" },
        "singularResource": info.singular,
        "verbs": info.verbs,
    });
    if !info.short_names.is_empty() {
        r["shortNames"] = json!(info.short_names);
    }
    if !info.categories.is_empty() {
        r["categories"] = json!(info.categories);
    }
    let subs: Vec<Value> = subresources(info, version)
        .into_iter()
        .map(|(sub, kind)| json!({"subresource": sub, "responseKind": kind, "verbs": sub_verbs(&sub)}))
        .collect();
    if !subs.is_empty() {
        r["subresources"] = json!(subs);
    }
    r
}

fn discovery_group(reg: &Registry, group: &str, versions: &[String]) -> Value {
    let vs: Vec<Value> = versions
        .iter()
        .map(|v| {
            let resources: Vec<Value> = reg
                .in_group_version(group, v)
                .into_iter()
                .map(|i| discovery_resource(i, v))
                .collect();
            json!({"version": v, "resources": resources, "freshness": "Current"})
        })
        .collect();
    let mut metadata = json!({"creationTimestamp": null});
    if !group.is_empty() {
        metadata["name"] = json!(group);
    }
    json!({"metadata": metadata, "versions": vs})
}

/// Aggregated discovery: the core group for `/api` (`core == true`), every named group for `/apis`.
pub fn aggregated(reg: &Registry, core: bool) -> Value {
    let items: Vec<Value> = reg
        .groups()
        .into_iter()
        .filter(|(g, _)| g.is_empty() == core)
        .map(|(g, vs)| discovery_group(reg, &g, &vs))
        .collect();
    json!({
        "kind": "APIGroupDiscoveryList",
        "apiVersion": "apidiscovery.k8s.io/v2",
        "metadata": {},
        "items": items,
    })
}
