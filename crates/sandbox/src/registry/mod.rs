//! The registry of served resource types: the static built-ins (see [`builtins`]) plus custom resources
//! registered dynamically from `apiextensions.k8s.io/v1 CustomResourceDefinition` objects (see [`crd`]).
//! Discovery, OpenAPI, Tables and the store all read it.

pub mod builtins;
pub mod crd;

use std::collections::BTreeMap;

/// A group, version and resource (plural), as in a request path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Gvr {
    /// The API group; empty for the core group.
    pub group: String,
    /// The version (`v1`, `v1alpha1`, ...).
    pub version: String,
    /// The plural resource name (`pods`, `rollouts`).
    pub resource: String,
}

impl Gvr {
    /// A resource of a named group.
    pub fn new(group: &str, version: &str, resource: &str) -> Self {
        Gvr {
            group: group.to_string(),
            version: version.to_string(),
            resource: resource.to_string(),
        }
    }

    /// A resource of the core group (`/api/v1`).
    pub fn core(resource: &str) -> Self {
        Self::new("", "v1", resource)
    }

    /// `apiVersion` as written in objects: `v1` or `apps/v1`.
    pub fn api_version(&self) -> String {
        api_version(&self.group, &self.version)
    }
}

/// `apiVersion` of a group and version: `v1` for core, `group/version` otherwise.
pub fn api_version(group: &str, version: &str) -> String {
    if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    }
}

/// Where the `/scale` subresource reads and writes replicas (CRD `subresources.scale`).
#[derive(Debug, Clone, PartialEq)]
pub struct ScalePaths {
    /// JSONPath-like dotted path of the desired replicas, e.g. `.spec.replicas`.
    pub spec_replicas: String,
    /// Dotted path of the observed replicas, e.g. `.status.replicas`.
    pub status_replicas: String,
    /// Dotted path of the label selector string, e.g. `.status.selector`, if any.
    pub label_selector: Option<String>,
}

/// One printer column (CRD `additionalPrinterColumns`).
#[derive(Debug, Clone, PartialEq)]
pub struct PrinterColumn {
    /// Column header.
    pub name: String,
    /// OpenAPI type: `string`, `integer`, `number`, `boolean`, `date`.
    pub type_: String,
    /// Optional format (`name`, `date-time`, ...).
    pub format: String,
    /// Description shown by `kubectl explain`-like tools.
    pub description: String,
    /// 0 for the default view, >0 for `-o wide` only.
    pub priority: i64,
    /// The JSONPath (Kubernetes flavour, e.g. `.status.phase`).
    pub json_path: String,
}

/// One served version of a resource type.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionInfo {
    /// The version name.
    pub name: String,
    /// Whether this is the storage version.
    pub storage: bool,
    /// Whether the type has a `/status` subresource in this version.
    pub status: bool,
    /// The `/scale` subresource, if any.
    pub scale: Option<ScalePaths>,
    /// CRD printer columns; empty for built-ins (their columns are in `tables`).
    pub columns: Vec<PrinterColumn>,
    /// CRD `selectableFields` json paths (usable in field selectors).
    pub selectable_fields: Vec<String>,
}

/// Everything the server knows about one resource type.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceInfo {
    /// The API group.
    pub group: String,
    /// Plural resource name.
    pub resource: String,
    /// Singular name.
    pub singular: String,
    /// The kind.
    pub kind: String,
    /// The list kind (`PodList`).
    pub list_kind: String,
    /// Namespaced or cluster-scoped.
    pub namespaced: bool,
    /// Short names (`deploy`, `ro`).
    pub short_names: Vec<String>,
    /// Categories (`all`).
    pub categories: Vec<String>,
    /// Served versions; the first one is the preferred version.
    pub versions: Vec<VersionInfo>,
    /// Built-in (strategic merge patch allowed) or custom resource.
    pub builtin: bool,
    /// Whether writes maintain `metadata.generation`.
    pub generation: bool,
    /// Another group/resource this type is stored as (events.k8s.io events live with core events).
    pub stored_as: Option<(String, String)>,
    /// Verbs served (discovery).
    pub verbs: Vec<String>,
}

impl ResourceInfo {
    /// The version entry for `version`, if served.
    pub fn version(&self, version: &str) -> Option<&VersionInfo> {
        self.versions.iter().find(|v| v.name == version)
    }

    /// The storage version (the first served one when none is flagged).
    pub fn storage_version(&self) -> &str {
        self.versions
            .iter()
            .find(|v| v.storage)
            .or_else(|| self.versions.first())
            .map(|v| v.name.as_str())
            .unwrap_or("v1")
    }

    /// Whether any version has a `/status` subresource.
    pub fn has_status(&self, version: &str) -> bool {
        self.version(version).is_some_and(|v| v.status)
    }

    /// The group/resource the objects are stored under.
    pub fn storage_key(&self) -> (String, String) {
        self.stored_as
            .clone()
            .unwrap_or_else(|| (self.group.clone(), self.resource.clone()))
    }
}

/// Served resource types, keyed by (group, resource).
#[derive(Debug, Clone, Default)]
pub struct Registry {
    types: BTreeMap<(String, String), ResourceInfo>,
}

impl Registry {
    /// A registry holding the built-in types only.
    pub fn with_builtins() -> Self {
        let mut r = Registry::default();
        for info in builtins::builtins() {
            r.insert(info);
        }
        r
    }

    /// Adds or replaces a type.
    pub fn insert(&mut self, info: ResourceInfo) {
        self.types
            .insert((info.group.clone(), info.resource.clone()), info);
    }

    /// Removes a type.
    pub fn remove(&mut self, group: &str, resource: &str) -> Option<ResourceInfo> {
        self.types.remove(&(group.to_string(), resource.to_string()))
    }

    /// The type served at this group and resource, in any version.
    pub fn get(&self, group: &str, resource: &str) -> Option<&ResourceInfo> {
        self.types.get(&(group.to_string(), resource.to_string()))
    }

    /// The type for a request's group/version/resource, if that version is served.
    pub fn lookup(&self, gvr: &Gvr) -> Option<&ResourceInfo> {
        self.get(&gvr.group, &gvr.resource)
            .filter(|i| i.version(&gvr.version).is_some())
    }

    /// The type with this kind in this group.
    pub fn by_kind(&self, group: &str, kind: &str) -> Option<&ResourceInfo> {
        self.types.values().find(|i| i.group == group && i.kind == kind)
    }

    /// Every type.
    pub fn all(&self) -> impl Iterator<Item = &ResourceInfo> {
        self.types.values()
    }

    /// Served groups with their versions, in discovery order (core first, then by name).
    pub fn groups(&self) -> Vec<(String, Vec<String>)> {
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for info in self.types.values() {
            let entry = match out.iter_mut().find(|(g, _)| *g == info.group) {
                Some(e) => e,
                None => {
                    out.push((info.group.clone(), Vec::new()));
                    out.last_mut().expect("just pushed")
                }
            };
            for v in &info.versions {
                if !entry.1.contains(&v.name) {
                    entry.1.push(v.name.clone());
                }
            }
        }
        for (_, versions) in &mut out {
            versions.sort_by_key(|v| std::cmp::Reverse(version_priority(v)));
        }
        out.sort_by(|a, b| (!a.0.is_empty(), &a.0).cmp(&(!b.0.is_empty(), &b.0)));
        out
    }

    /// The types served in one group version.
    pub fn in_group_version(&self, group: &str, version: &str) -> Vec<&ResourceInfo> {
        self.types
            .values()
            .filter(|i| i.group == group && i.version(version).is_some())
            .collect()
    }
}

/// Kubernetes version ordering: GA > beta > alpha, then by numbers (`v1` > `v1beta2` > `v1alpha1`).
pub fn version_priority(v: &str) -> (u8, u64, u64) {
    let rest = v.strip_prefix('v').unwrap_or(v);
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    let major = digits.parse().unwrap_or(0);
    let tail = &rest[digits.len()..];
    let (stage, minor) = if tail.is_empty() {
        (3, 0)
    } else if let Some(n) = tail.strip_prefix("beta") {
        (2, n.parse().unwrap_or(0))
    } else if let Some(n) = tail.strip_prefix("alpha") {
        (1, n.parse().unwrap_or(0))
    } else {
        (0, 0)
    };
    (stage, major, minor)
}
