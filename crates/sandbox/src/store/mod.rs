//! The in-memory object store: the one source of truth behind the HTTP API, and the interface the
//! simulated cluster (controllers, kubelet, traffic) writes through so that its changes produce real
//! watch events.
//!
//! Objects are `serde_json::Value`s keyed by (group, resource, namespace, name) behind one mutex, with
//! ONE global, monotonic resourceVersion (like etcd's revision): every write bumps it, an object's
//! `metadata.resourceVersion` is the counter at its last write, and a list's resourceVersion is the
//! current counter. Every method takes the [`Gvr`] the caller speaks (the version decides the
//! `apiVersion` of what comes back; events.k8s.io/v1 Events are converted to and from the stored
//! core/v1 form) and returns objects in that version.
//!
//! Semantics, as on a real API server:
//! * create: `uid`, `creationTimestamp` (RFC 3339, whole seconds), `generation: 1`, `generateName`;
//!   `status` dropped when the type has a status subresource (write it with `update_status`/`patch_status`);
//!   409 AlreadyExists; 404 for a missing namespace, 403 for a terminating one; 422 for a bad name.
//! * update/patch: 409 Conflict for a stale `metadata.resourceVersion` (also inside a patch body) or a
//!   different uid; `status` ignored on the main resource when the type has a status subresource, and
//!   everything but `status` ignored through `/status`; `generation` bumped only when something other
//!   than metadata and status changes; 422 for a changed Deployment/ReplicaSet/Job selector; a write that
//!   changes nothing keeps the resourceVersion and emits no event.
//! * delete: finalizers hold the object with `deletionTimestamp` set (one MODIFIED event); it goes
//!   (DELETED event with a new resourceVersion) when the finalizers are cleared. Propagation Background
//!   (default), Foreground and Orphan; ownerReference cascades; namespace termination.
//! * `dry_run` runs every check and returns the would-be result without storing it.
//!
//! Approximations are listed in the crate documentation.
//!
//! ```
//! use rollouts_sandbox::{Gvr, PatchBody, Store, WatchEvent, WatchOptions, WriteOptions};
//! use serde_json::json;
//!
//! let store = Store::default();
//! let cms = Gvr::core("configmaps");
//! let in_default = WatchOptions { namespace: Some("default".into()), ..Default::default() };
//! let mut watch = store.watch(&cms, &in_default)?;
//! let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"k": "1"}});
//! let created = store.create(&cms, Some("default"), cm, &WriteOptions::default())?;
//! let patch = PatchBody::Merge(json!({"data": {"k": "2"}}));
//! let patched = store.patch(&cms, Some("default"), "a", &patch, &WriteOptions::default())?;
//! assert_ne!(created["metadata"]["resourceVersion"], patched["metadata"]["resourceVersion"]);
//! assert!(matches!(watch.try_next(), Some(WatchEvent::Added(_))));
//! assert!(matches!(watch.try_next(), Some(WatchEvent::Modified(o)) if o["data"]["k"] == "2"));
//! # Ok::<(), rollouts_sandbox::ApiError>(())
//! ```

mod delete;
mod inner;
mod patch;
mod scale;
mod watch;

use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{Value, json};

pub use delete::DeleteOutcome;
pub use inner::EventKind;
pub use watch::{Watch, WatchEvent};

use crate::convert;
use crate::error::ApiError;
use crate::meta::{self, Clock};
use crate::registry::{Gvr, Registry, ResourceInfo, builtins};
use crate::selectors::{FieldSelector, LabelSelector, supported_fields};
use crate::validation::{self, FieldValidation};
use inner::Inner;
use patch::apply_patch;
pub(crate) use patch::apply_plain;
use watch::WatchFilter;

pub(crate) mod write;

#[cfg(test)]
mod tests;

/// Store settings.
#[derive(Clone)]
pub struct StoreConfig {
    /// Events kept for watches from an older resourceVersion; older ones get 410 Expired.
    pub history_capacity: usize,
    /// Events buffered per watcher before it is considered too slow and expired.
    pub watch_channel_capacity: usize,
    /// The resourceVersion before the first write.
    pub start_resource_version: u64,
    /// The clock for timestamps.
    pub clock: Clock,
    /// Namespaces created at start.
    pub namespaces: Vec<String>,
    /// Pods with a `spec.nodeName` are deleted gracefully: `deletionTimestamp` is set and they stay until
    /// deleted again with `grace_period_seconds: Some(0)` (what a kubelet does). Off by default.
    pub graceful_pod_deletion: bool,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig {
            history_capacity: 10_000,
            watch_channel_capacity: 4096,
            start_resource_version: 100,
            clock: meta::system_clock(),
            namespaces: ["default", "kube-system", "kube-public", "kube-node-lease"]
                .map(String::from)
                .to_vec(),
            graceful_pod_deletion: false,
        }
    }
}

/// Options of create, update and patch.
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    /// `dryRun=All`: validate and return the result without storing it.
    pub dry_run: bool,
    /// `fieldManager` (recorded nowhere: managedFields are not modelled).
    pub field_manager: Option<String>,
    /// `force` of server-side apply (accepted, no conflicts are detected).
    pub force: bool,
    /// `fieldValidation`: Strict rejects unknown fields of built-in kinds with 400.
    pub field_validation: FieldValidation,
}

/// Deletion propagation policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Propagation {
    /// Delete the object now, its dependents after.
    Background,
    /// Delete the dependents first; the owner waits with the `foregroundDeletion` finalizer.
    Foreground,
    /// Keep the dependents, removing their ownerReferences to the object.
    Orphan,
}

/// Options of delete (`DeleteOptions`).
#[derive(Debug, Clone, Default)]
pub struct DeleteOptions {
    /// The propagation policy; Background when unset.
    pub propagation: Option<Propagation>,
    /// `preconditions.uid`.
    pub precondition_uid: Option<String>,
    /// `preconditions.resourceVersion`.
    pub precondition_resource_version: Option<String>,
    /// `gracePeriodSeconds` (used by graceful Pod deletion).
    pub grace_period_seconds: Option<i64>,
    /// `dryRun=All`.
    pub dry_run: bool,
}

/// List filters.
#[derive(Debug, Clone, Default)]
pub struct ListOptions {
    /// Only this namespace (None: all namespaces).
    pub namespace: Option<String>,
    /// `labelSelector` syntax.
    pub label_selector: Option<String>,
    /// `fieldSelector` syntax.
    pub field_selector: Option<String>,
}

/// Watch options.
#[derive(Debug, Clone, Default)]
pub struct WatchOptions {
    /// Only this namespace.
    pub namespace: Option<String>,
    /// `labelSelector` syntax.
    pub label_selector: Option<String>,
    /// `fieldSelector` syntax.
    pub field_selector: Option<String>,
    /// Start after this resourceVersion; None or "0": synthetic ADDED events for the current state.
    pub resource_version: Option<String>,
    /// Send the current state, then a BOOKMARK annotated `k8s.io/initial-events-end`.
    pub send_initial_events: bool,
}

/// A list result.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectList {
    /// The matching objects, in (namespace, name) order.
    pub items: Vec<Value>,
    /// The store's resourceVersion when listed (>= every item's).
    pub resource_version: u64,
}

/// A patch body, by content type.
#[derive(Debug, Clone, PartialEq)]
pub enum PatchBody {
    /// `application/json-patch+json` (RFC 6902, an array of operations).
    Json(Value),
    /// `application/merge-patch+json` (RFC 7386).
    Merge(Value),
    /// `application/strategic-merge-patch+json` (built-in kinds only; 415 for custom resources).
    Strategic(Value),
    /// `application/apply-patch+yaml`: approximated as create-if-missing, else merge patch.
    Apply(Value),
}

/// Which part of the object a write addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subresource {
    /// The main resource.
    Main,
    /// `/status`.
    Status,
}

/// The store. Cheap to clone: clones share the same state.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Mutex<Inner>>,
}

impl Default for Store {
    fn default() -> Self {
        Self::new(StoreConfig::default())
    }
}

struct Resolved {
    served: ResourceInfo,
    stored: ResourceInfo,
    version: String,
}

impl Store {
    /// A store with the default namespaces.
    pub fn new(config: StoreConfig) -> Self {
        let namespaces = config.namespaces.clone();
        let store = Store {
            inner: Arc::new(Mutex::new(Inner::new(config))),
        };
        for ns in namespaces {
            let obj = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}});
            // The default namespaces are valid names; a failure here would be a programming error.
            let created = store.create(&Gvr::core("namespaces"), None, obj, &WriteOptions::default());
            debug_assert!(created.is_ok(), "default namespace: {created:?}");
        }
        store
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn resolve(inner: &Inner, gvr: &Gvr) -> Result<Resolved, ApiError> {
        let served = inner
            .registry
            .lookup(gvr)
            .cloned()
            .ok_or_else(ApiError::no_such_resource)?;
        let (g, r) = served.storage_key();
        let stored = inner
            .registry
            .get(&g, &r)
            .cloned()
            .ok_or_else(ApiError::no_such_resource)?;
        Ok(Resolved {
            served,
            stored,
            version: gvr.version.clone(),
        })
    }

    fn present(r: &Resolved, obj: Value) -> Value {
        convert::to_served(&r.served, &r.version, obj)
    }

    /// A snapshot of the served types.
    pub fn registry(&self) -> Registry {
        self.lock().registry.clone()
    }

    /// The type served at `gvr`, if any.
    pub fn resource_info(&self, gvr: &Gvr) -> Option<ResourceInfo> {
        self.lock().registry.lookup(gvr).cloned()
    }

    /// The current (latest committed) resourceVersion.
    pub fn resource_version(&self) -> u64 {
        self.lock().rv
    }

    /// The clock the store stamps times with.
    pub fn clock(&self) -> Clock {
        self.lock().config.clock.clone()
    }

    /// Creates an object. `namespace` (from the URL) wins over an absent `metadata.namespace`.
    pub fn create(
        &self,
        gvr: &Gvr,
        namespace: Option<&str>,
        obj: Value,
        opts: &WriteOptions,
    ) -> Result<Value, ApiError> {
        let mut inner = self.lock();
        let r = Self::resolve(&inner, gvr)?;
        if !obj.is_object() {
            return Err(ApiError::bad_request(
                "the body of the request must be a JSON object",
            ));
        }
        if builtins::is_virtual(&r.served.group, &r.served.resource) {
            let mut reviewed = obj;
            reviewed["status"] = json!({"allowed": true, "reason": "the sandbox allows everything"});
            return Ok(reviewed);
        }
        validation::check(opts.field_validation, &r.served.group, &r.served.kind, &obj)?;
        let stored_obj = convert::to_stored(&r.served, obj);
        let created = write::create(&mut inner, &r.stored, namespace, stored_obj, opts)?;
        Ok(Self::present(&r, created))
    }

    /// Reads one object.
    pub fn get(&self, gvr: &Gvr, namespace: Option<&str>, name: &str) -> Result<Value, ApiError> {
        let inner = self.lock();
        let r = Self::resolve(&inner, gvr)?;
        let key = write::key_for(&r.stored, namespace, name);
        let obj = inner
            .objects
            .get(&key)
            .ok_or_else(|| ApiError::not_found(&r.served.group, &r.served.resource, name))?;
        Ok(Self::present(&r, (**obj).clone()))
    }

    fn selectors(
        r: &Resolved,
        labels: Option<&str>,
        fields: Option<&str>,
    ) -> Result<(LabelSelector, FieldSelector), ApiError> {
        let labels = LabelSelector::parse(labels.unwrap_or_default())?;
        let mut fields = FieldSelector::parse(fields.unwrap_or_default())?;
        let selectable = r
            .served
            .version(&r.version)
            .map(|v| v.selectable_fields.clone())
            .unwrap_or_default();
        fields.check_supported(&supported_fields(
            &r.served.group,
            &r.served.resource,
            &selectable,
        ))?;
        for req in &mut fields.requirements {
            req.path = convert::stored_field_path(&r.served, &req.path);
        }
        Ok((labels, fields))
    }

    /// Lists objects; the list's resourceVersion is the current counter.
    pub fn list(&self, gvr: &Gvr, opts: &ListOptions) -> Result<ObjectList, ApiError> {
        let inner = self.lock();
        let r = Self::resolve(&inner, gvr)?;
        let (labels, fields) =
            Self::selectors(&r, opts.label_selector.as_deref(), opts.field_selector.as_deref())?;
        let (g, res) = r.stored.storage_key();
        let ns = if r.stored.namespaced {
            opts.namespace.as_deref()
        } else {
            None
        };
        let items = inner
            .range(&g, &res, ns)
            .filter(|(_, o)| labels.matches(o) && fields.matches(o))
            .map(|(_, o)| Self::present(&r, (**o).clone()))
            .collect();
        Ok(ObjectList {
            items,
            resource_version: inner.rv,
        })
    }

    fn write_existing(
        &self,
        gvr: &Gvr,
        namespace: Option<&str>,
        name: &str,
        sub: Subresource,
        opts: &WriteOptions,
        mutate: impl FnOnce(&Value, &Resolved) -> Result<Value, ApiError>,
    ) -> Result<Value, ApiError> {
        let mut inner = self.lock();
        let r = Self::resolve(&inner, gvr)?;
        if sub == Subresource::Status && !r.served.has_status(&r.version) {
            return Err(ApiError::no_such_resource());
        }
        let key = write::key_for(&r.stored, namespace, name);
        let result = write::update_with(&mut inner, &r.stored, &r.version, &key, sub, opts, |old| {
            let served_old = Self::present(&r, old.clone());
            let new = mutate(&served_old, &r)?;
            validation::check(opts.field_validation, &r.served.group, &r.served.kind, &new)?;
            Ok(convert::to_stored(&r.served, new))
        })?;
        Ok(Self::present(&r, result))
    }

    /// Replaces an object (PUT). A `metadata.resourceVersion` in `obj` is a precondition (409 if stale).
    pub fn update(
        &self,
        gvr: &Gvr,
        namespace: Option<&str>,
        name: &str,
        obj: Value,
        opts: &WriteOptions,
    ) -> Result<Value, ApiError> {
        self.write_existing(gvr, namespace, name, Subresource::Main, opts, |_, _| Ok(obj))
    }

    /// Replaces an object's status (PUT `/status`): only `status` is taken from `obj`.
    pub fn update_status(
        &self,
        gvr: &Gvr,
        namespace: Option<&str>,
        name: &str,
        obj: Value,
        opts: &WriteOptions,
    ) -> Result<Value, ApiError> {
        self.write_existing(gvr, namespace, name, Subresource::Status, opts, |_, _| Ok(obj))
    }

    /// Patches an object. An apply patch creates the object when it is missing.
    pub fn patch(
        &self,
        gvr: &Gvr,
        namespace: Option<&str>,
        name: &str,
        patch: &PatchBody,
        opts: &WriteOptions,
    ) -> Result<Value, ApiError> {
        self.patch_sub(gvr, namespace, name, patch, opts, Subresource::Main)
    }

    /// Patches an object's status (PATCH `/status`).
    pub fn patch_status(
        &self,
        gvr: &Gvr,
        namespace: Option<&str>,
        name: &str,
        patch: &PatchBody,
        opts: &WriteOptions,
    ) -> Result<Value, ApiError> {
        self.patch_sub(gvr, namespace, name, patch, opts, Subresource::Status)
    }

    fn patch_sub(
        &self,
        gvr: &Gvr,
        namespace: Option<&str>,
        name: &str,
        patch: &PatchBody,
        opts: &WriteOptions,
        sub: Subresource,
    ) -> Result<Value, ApiError> {
        if let PatchBody::Apply(body) = patch
            && sub == Subresource::Main
        {
            if !body.is_object() {
                return Err(ApiError::bad_request("an apply patch must be an object"));
            }
            match self.get(gvr, namespace, name) {
                Err(e) if e.code == 404 && e.reason == "NotFound" && e.details.is_some() => {
                    let mut obj = body.clone();
                    meta::metadata_mut(&mut obj).insert("name".into(), json!(name));
                    return self.create(gvr, namespace, obj, opts);
                }
                Err(e) => return Err(e),
                Ok(_) => {}
            }
        }
        self.write_existing(gvr, namespace, name, sub, opts, |old, r| {
            apply_patch(old, patch, &r.served)
        })
    }

    /// Deletes an object.
    pub fn delete(
        &self,
        gvr: &Gvr,
        namespace: Option<&str>,
        name: &str,
        opts: &DeleteOptions,
    ) -> Result<DeleteOutcome, ApiError> {
        let mut inner = self.lock();
        let r = Self::resolve(&inner, gvr)?;
        let key = write::key_for(&r.stored, namespace, name);
        if !inner.objects.contains_key(&key) {
            return Err(ApiError::not_found(&r.served.group, &r.served.resource, name));
        }
        let mut out = delete::delete(&mut inner, &key, opts)?;
        if out.object.is_object() && out.object.get("metadata").is_some() {
            out.object = Self::present(&r, out.object);
        }
        Ok(out)
    }

    /// Deletes every object a list with `list` would return; returns what each delete returned.
    pub fn delete_collection(
        &self,
        gvr: &Gvr,
        list: &ListOptions,
        opts: &DeleteOptions,
    ) -> Result<Vec<DeleteOutcome>, ApiError> {
        let items = self.list(gvr, list)?.items;
        let mut out = Vec::new();
        for item in items {
            let name = meta::name(&item).unwrap_or_default().to_string();
            match self.delete(gvr, meta::namespace(&item), &name, opts) {
                Ok(o) => out.push(o),
                Err(e) if e.code == 404 => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    /// Opens a watch (see [`Watch`]). A resourceVersion older than the history yields one 410 ERROR.
    pub fn watch(&self, gvr: &Gvr, opts: &WatchOptions) -> Result<Watch, ApiError> {
        let mut inner = self.lock();
        let r = Self::resolve(&inner, gvr)?;
        let (labels, fields) =
            Self::selectors(&r, opts.label_selector.as_deref(), opts.field_selector.as_deref())?;
        let (group, resource) = r.stored.storage_key();
        let namespace = if r.stored.namespaced {
            opts.namespace.clone()
        } else {
            None
        };
        let from_rv = match opts.resource_version.as_deref() {
            None | Some("") | Some("0") => None,
            Some(s) => Some(
                s.parse::<u64>()
                    .map_err(|_| ApiError::bad_request(format!("invalid resource version: {s}")))?,
            ),
        };
        let filter = WatchFilter {
            group,
            resource,
            namespace,
            labels,
            fields,
        };
        let weak = Arc::downgrade(&self.inner);
        Ok(Watch::register(
            &mut inner,
            weak,
            filter,
            r.served,
            r.version,
            from_rv,
            opts.send_initial_events,
        ))
    }

    /// Runs the garbage collector's sweep: deletes dependents none of whose owners exists.
    pub fn collect_garbage(&self) -> usize {
        delete::sweep(&mut self.lock())
    }

    /// Drops the event history, as an etcd compaction does: a watch from an older resourceVersion gets
    /// an in-stream 410 and its client must re-list.
    pub fn compact(&self) {
        self.lock().compact();
    }

    /// Ends the open watches on `gvr` (all when None). With `expire`, each first receives an in-stream
    /// 410 ERROR event; otherwise the stream just closes. Returns how many were ended.
    pub fn end_watches(&self, gvr: Option<&Gvr>, expire: bool) -> usize {
        let mut inner = self.lock();
        let target = gvr.and_then(|g| inner.registry.lookup(g).map(ResourceInfo::storage_key));
        inner.end_watchers(expire, |f| {
            target
                .as_ref()
                .is_none_or(|(g, r)| f.group == *g && f.resource == *r)
        })
    }

    /// The number of open watches.
    pub fn watch_count(&self) -> usize {
        self.lock().watchers.len()
    }

    /// The number of stored objects.
    pub fn object_count(&self) -> usize {
        self.lock().objects.len()
    }
}
