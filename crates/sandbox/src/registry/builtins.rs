//! The built-in resource types the sandbox serves (sandbox-api.md §2 "Resources to serve"), with the
//! scope, short names, categories and subresources a real API server advertises for them.

use super::{ResourceInfo, ScalePaths, VersionInfo};

const ALL_VERBS: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];

struct B {
    group: &'static str,
    version: &'static str,
    resource: &'static str,
    kind: &'static str,
    namespaced: bool,
    short: &'static [&'static str],
    all: bool,
    status: bool,
    scale: bool,
    generation: bool,
}

fn build(b: B) -> ResourceInfo {
    let scale = b.scale.then(|| ScalePaths {
        spec_replicas: ".spec.replicas".into(),
        status_replicas: ".status.replicas".into(),
        label_selector: Some(".spec.selector".into()),
    });
    ResourceInfo {
        group: b.group.into(),
        resource: b.resource.into(),
        singular: b.kind.to_lowercase(),
        kind: b.kind.into(),
        list_kind: format!("{}List", b.kind),
        namespaced: b.namespaced,
        short_names: b.short.iter().map(|s| s.to_string()).collect(),
        categories: if b.all { vec!["all".into()] } else { Vec::new() },
        versions: vec![VersionInfo {
            name: b.version.into(),
            storage: true,
            status: b.status,
            scale,
            columns: Vec::new(),
            selectable_fields: Vec::new(),
        }],
        builtin: true,
        generation: b.generation,
        stored_as: None,
        verbs: ALL_VERBS.iter().map(|s| s.to_string()).collect(),
    }
}

#[allow(clippy::too_many_arguments)]
fn b(
    group: &'static str,
    version: &'static str,
    resource: &'static str,
    kind: &'static str,
    namespaced: bool,
    short: &'static [&'static str],
    flags: &str,
) -> ResourceInfo {
    build(B {
        group,
        version,
        resource,
        kind,
        namespaced,
        short,
        all: flags.contains('a'),
        status: flags.contains('s'),
        scale: flags.contains('c'),
        generation: flags.contains('g'),
    })
}

/// The built-in types. Flags: `a` category all, `s` status subresource, `c` scale subresource,
/// `g` maintains metadata.generation.
pub fn builtins() -> Vec<ResourceInfo> {
    let mut v = vec![
        b("", "v1", "namespaces", "Namespace", false, &["ns"], "s"),
        b("", "v1", "nodes", "Node", false, &["no"], "s"),
        b("", "v1", "pods", "Pod", true, &["po"], "asg"),
        b("", "v1", "services", "Service", true, &["svc"], "as"),
        b("", "v1", "endpoints", "Endpoints", true, &["ep"], ""),
        b("", "v1", "secrets", "Secret", true, &[], ""),
        b("", "v1", "configmaps", "ConfigMap", true, &["cm"], ""),
        b("", "v1", "events", "Event", true, &["ev"], ""),
        b("", "v1", "serviceaccounts", "ServiceAccount", true, &["sa"], ""),
        b("apps", "v1", "replicasets", "ReplicaSet", true, &["rs"], "ascg"),
        b(
            "apps",
            "v1",
            "deployments",
            "Deployment",
            true,
            &["deploy"],
            "ascg",
        ),
        b(
            "networking.k8s.io",
            "v1",
            "ingresses",
            "Ingress",
            true,
            &["ing"],
            "sg",
        ),
        b("batch", "v1", "jobs", "Job", true, &[], "asg"),
        b("coordination.k8s.io", "v1", "leases", "Lease", true, &[], ""),
        b(
            "apiextensions.k8s.io",
            "v1",
            "customresourcedefinitions",
            "CustomResourceDefinition",
            false,
            &["crd", "crds"],
            "sg",
        ),
    ];
    // Both event APIs are served from one store (core/v1 is the storage form).
    let mut ev = b("events.k8s.io", "v1", "events", "Event", true, &["ev"], "");
    ev.stored_as = Some((String::new(), "events".into()));
    v.push(ev);
    // Always-allowed access reviews for `kubectl auth can-i`; create only, never stored.
    let mut ssar = b(
        "authorization.k8s.io",
        "v1",
        "selfsubjectaccessreviews",
        "SelfSubjectAccessReview",
        false,
        &[],
        "",
    );
    ssar.verbs = vec!["create".into()];
    v.push(ssar);
    v
}

/// Whether the type is served but never stored (create returns the reviewed object).
pub fn is_virtual(group: &str, resource: &str) -> bool {
    group == "authorization.k8s.io" && resource == "selfsubjectaccessreviews"
}
