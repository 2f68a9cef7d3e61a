//! Create and update semantics: server-set metadata (`uid`, `creationTimestamp`, `generation`,
//! `generateName`), namespace checks, name/namespace consistency with the URL, resourceVersion and uid
//! preconditions (409), the `status` subresource split, `generation` bumps for spec changes only,
//! immutable selectors (422), defaults, no-op detection (no new resourceVersion, no event) and the
//! hooks for special kinds (Namespace, CustomResourceDefinition, Service, Pod).

use serde_json::{Value, json};

use super::inner::{EventKind, Inner, Key};
use super::{Subresource, WriteOptions, delete};
use crate::defaults;
use crate::error::ApiError;
use crate::meta;
use crate::registry::{ResourceInfo, api_version, crd};

/// Fields of `metadata` only the server writes.
const SERVER_META: &[&str] = &[
    "uid",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "generation",
];

pub(crate) fn key_for(info: &ResourceInfo, namespace: Option<&str>, name: &str) -> Key {
    let (g, r) = info.storage_key();
    let ns = if info.namespaced {
        namespace.unwrap_or_default().to_string()
    } else {
        String::new()
    };
    (g, r, ns, name.to_string())
}

fn check_type(info: &ResourceInfo, obj: &Value) -> Result<(), ApiError> {
    if !obj.is_object() {
        return Err(ApiError::bad_request(
            "the body of the request must be a JSON object",
        ));
    }
    if let Some(kind) = obj.get("kind").and_then(Value::as_str)
        && kind != info.kind
    {
        return Err(ApiError::bad_request(format!(
            "the kind in the data ({kind}) does not match the expected kind ({})",
            info.kind
        )));
    }
    if let Some(av) = obj.get("apiVersion").and_then(Value::as_str) {
        let group_of = av.rsplit_once('/').map(|(g, _)| g).unwrap_or("");
        if group_of != info.group {
            return Err(ApiError::bad_request(format!(
                "the API version in the data ({av}) does not match the expected API version ({})",
                api_version(&info.group, info.storage_version())
            )));
        }
    }
    if meta::metadata(obj).is_none() && obj.get("metadata").is_some() {
        return Err(ApiError::bad_request("metadata must be an object"));
    }
    Ok(())
}

/// Checks that the namespace exists and is not terminating.
pub(crate) fn check_namespace(inner: &Inner, ns: &str) -> Result<(), ApiError> {
    let key = (
        String::new(),
        "namespaces".to_string(),
        String::new(),
        ns.to_string(),
    );
    match inner.objects.get(&key) {
        None => Err(ApiError::not_found("", "namespaces", ns)),
        Some(n) if meta::is_deleting(n) => Err(ApiError::forbidden(format!(
            "unable to create new content in namespace {ns} because it is being terminated"
        ))),
        Some(_) => Ok(()),
    }
}

/// Creates an object (already in stored form). `info` is the stored type.
pub(crate) fn create(
    inner: &mut Inner,
    info: &ResourceInfo,
    namespace: Option<&str>,
    mut obj: Value,
    opts: &WriteOptions,
) -> Result<Value, ApiError> {
    check_type(info, &obj)?;
    let body_ns = meta::namespace(&obj).map(str::to_string);
    let ns = if info.namespaced {
        let ns = namespace
            .map(str::to_string)
            .or(body_ns.clone())
            .unwrap_or_else(|| "default".into());
        if body_ns.as_ref().is_some_and(|b| *b != ns) {
            return Err(ApiError::bad_request(
                "the namespace of the provided object does not match the namespace sent on the request",
            ));
        }
        check_namespace(inner, &ns)?;
        Some(ns)
    } else {
        None
    };
    let name = match meta::name(&obj) {
        Some(n) => n.to_string(),
        None => match meta::meta_str(&obj, "generateName").filter(|g| !g.is_empty()) {
            Some(prefix) => format!("{prefix}{}", meta::random_suffix()),
            None => {
                return Err(ApiError::invalid(
                    &info.group,
                    &info.kind,
                    "",
                    "metadata.name",
                    "Required value: name or generateName is required",
                ));
            }
        },
    };
    meta::validate_name(&name)
        .map_err(|why| ApiError::invalid(&info.group, &info.kind, &name, "metadata.name", &why))?;
    let key = key_for(info, ns.as_deref(), &name);
    if inner.objects.contains_key(&key) {
        return Err(ApiError::already_exists(&info.group, &info.resource, &name));
    }
    let now = inner.now();
    {
        let m = meta::metadata_mut(&mut obj);
        for f in SERVER_META {
            m.remove(*f);
        }
        m.remove("resourceVersion");
        m.remove("managedFields");
        m.remove("selfLink");
        m.insert("name".into(), json!(name));
        match &ns {
            Some(ns) => m.insert("namespace".into(), json!(ns)),
            None => m.remove("namespace"),
        };
        m.insert("uid".into(), json!(uuid::Uuid::new_v4().to_string()));
        m.insert("creationTimestamp".into(), json!(now));
        if info.generation {
            m.insert("generation".into(), json!(1));
        }
    }
    obj["apiVersion"] = json!(api_version(&info.group, info.storage_version()));
    obj["kind"] = json!(info.kind);
    if info.has_status(info.storage_version())
        && let Some(m) = obj.as_object_mut()
    {
        // As on a real server, status is not settable on create when it is a subresource.
        m.remove("status");
    }
    defaults::apply(&info.group, &info.resource, &mut obj);
    on_create(inner, info, &mut obj, &now)?;
    if opts.dry_run {
        return Ok(obj);
    }
    if crd::is_crd(&info.group, &info.resource) {
        inner.registry.insert(crd::resource_info(&obj)?);
    }
    Ok((*inner.commit(key, obj, EventKind::Added)).clone())
}

fn on_create(inner: &mut Inner, info: &ResourceInfo, obj: &mut Value, now: &str) -> Result<(), ApiError> {
    match (info.group.as_str(), info.resource.as_str()) {
        ("", "namespaces") => {
            obj["spec"] = json!({"finalizers": ["kubernetes"]});
            obj["status"] = json!({"phase": "Active"});
        }
        ("", "services") => {
            let external = obj.pointer("/spec/type").and_then(Value::as_str) == Some("ExternalName");
            if !external
                && obj
                    .pointer("/spec/clusterIP")
                    .and_then(Value::as_str)
                    .is_none_or(str::is_empty)
            {
                let ip = inner.allocate_cluster_ip();
                meta::path_set(obj, "spec.clusterIP", json!(ip));
                meta::path_set(obj, "spec.clusterIPs", json!([ip]));
            }
        }
        ("", "pods") if obj.pointer("/status/phase").is_none() => {
            meta::path_set(obj, "status.phase", json!("Pending"));
        }
        _ if crd::is_crd(&info.group, &info.resource) => {
            let parsed = crd::resource_info(obj)?;
            if let Some(existing) = inner.registry.get(&parsed.group, &parsed.resource)
                && existing.builtin
            {
                return Err(ApiError::invalid(
                    &info.group,
                    &info.kind,
                    meta::name(obj).unwrap_or_default(),
                    "spec.names.plural",
                    "conflicts with a built-in resource",
                ));
            }
            obj["status"] = crd::accepted_status(obj, now);
        }
        _ => {}
    }
    Ok(())
}

fn strip_for_compare(v: &Value, keep_status: bool) -> Value {
    let mut v = v.clone();
    if let Some(m) = v.as_object_mut() {
        m.remove("metadata");
        if !keep_status {
            m.remove("status");
        }
    }
    v
}

fn immutable_selector(info: &ResourceInfo, old: &Value, new: &Value) -> Result<(), ApiError> {
    let guarded = matches!(
        (info.group.as_str(), info.resource.as_str()),
        ("apps", "deployments") | ("apps", "replicasets") | ("batch", "jobs")
    );
    if guarded && old.pointer("/spec/selector") != new.pointer("/spec/selector") {
        return Err(ApiError::invalid(
            &info.group,
            &info.kind,
            meta::name(old).unwrap_or_default(),
            "spec.selector",
            "Invalid value: field is immutable",
        ));
    }
    Ok(())
}

/// The result of preparing an update.
pub(crate) enum Prepared {
    /// Nothing changes: no new resourceVersion, no event.
    NoOp,
    /// The object to commit.
    Changed(Value),
}

/// Applies update rules to `new` against the stored `old` (both stored form).
pub(crate) fn prepare_update(
    info: &ResourceInfo,
    version: &str,
    old: &Value,
    mut new: Value,
    sub: Subresource,
    url_name: &str,
) -> Result<Prepared, ApiError> {
    check_type(info, &new)?;
    if let Some(n) = meta::name(&new)
        && n != url_name
    {
        return Err(ApiError::bad_request(format!(
            "the name of the object ({n}) does not match the name on the URL ({url_name})"
        )));
    }
    if info.namespaced
        && let Some(ns) = meta::namespace(&new)
        && Some(ns) != meta::namespace(old)
    {
        return Err(ApiError::bad_request(
            "the namespace of the provided object does not match the namespace sent on the request",
        ));
    }
    if let Some(rv) = meta::resource_version(&new)
        && Some(rv) != meta::resource_version(old)
    {
        return Err(ApiError::stale(&info.group, &info.resource, url_name));
    }
    if let (Some(u_new), Some(u_old)) = (meta::uid(&new), meta::uid(old))
        && u_new != u_old
    {
        return Err(ApiError::conflict(
            &info.group,
            &info.resource,
            url_name,
            &format!("Precondition failed: UID in precondition: {u_new}, UID in object meta: {u_old}"),
        ));
    }
    let has_status = info.has_status(version);
    if sub == Subresource::Status {
        // Only status may change through /status.
        let mut merged = old.clone();
        match new.get("status") {
            Some(s) => merged["status"] = s.clone(),
            None => {
                if let Some(m) = merged.as_object_mut() {
                    m.remove("status");
                }
            }
        }
        new = merged;
    } else if has_status {
        match old.get("status") {
            Some(s) => new["status"] = s.clone(),
            None => {
                if let Some(m) = new.as_object_mut() {
                    m.remove("status");
                }
            }
        }
    }
    {
        let old_meta = meta::metadata(old).cloned().unwrap_or_default();
        let m = meta::metadata_mut(&mut new);
        m.remove("managedFields");
        m.remove("selfLink");
        for f in SERVER_META
            .iter()
            .chain(["name", "namespace", "resourceVersion"].iter())
        {
            match old_meta.get(*f) {
                Some(v) => m.insert(f.to_string(), v.clone()),
                None => m.remove(*f),
            };
        }
        if m.get("generateName").is_none()
            && let Some(g) = old_meta.get("generateName")
        {
            m.insert("generateName".into(), g.clone());
        }
    }
    new["apiVersion"] = json!(api_version(&info.group, info.storage_version()));
    new["kind"] = json!(info.kind);
    defaults::apply(&info.group, &info.resource, &mut new);
    immutable_selector(info, old, &new)?;
    if info.resource == "namespaces" && info.group.is_empty() {
        // spec.finalizers and status.phase are the server's.
        new["spec"] = old.get("spec").cloned().unwrap_or_else(|| json!({}));
        if sub != Subresource::Status {
            new["status"] = old.get("status").cloned().unwrap_or_else(|| json!({}));
        }
    }
    if meta::is_deleting(old) {
        let added = meta::finalizers(&new)
            .into_iter()
            .any(|f| !meta::finalizers(old).contains(&f));
        if added {
            return Err(ApiError::invalid(
                &info.group,
                &info.kind,
                url_name,
                "metadata.finalizers",
                "Forbidden: no new finalizers can be added if the object is being deleted",
            ));
        }
    }
    if &new == old {
        return Ok(Prepared::NoOp);
    }
    if info.generation && strip_for_compare(old, !has_status) != strip_for_compare(&new, !has_status) {
        let g = old
            .pointer("/metadata/generation")
            .and_then(Value::as_i64)
            .unwrap_or(0)
            + 1;
        meta::metadata_mut(&mut new).insert("generation".into(), json!(g));
    }
    if crd::is_crd(&info.group, &info.resource) && sub == Subresource::Main {
        crd::resource_info(&new)?;
    }
    Ok(Prepared::Changed(new))
}

/// Updates the object at `key` with the result of `mutate(old)`; returns the stored result.
pub(crate) fn update_with(
    inner: &mut Inner,
    info: &ResourceInfo,
    version: &str,
    key: &Key,
    sub: Subresource,
    opts: &WriteOptions,
    mutate: impl FnOnce(&Value) -> Result<Value, ApiError>,
) -> Result<Value, ApiError> {
    let old = inner
        .objects
        .get(key)
        .cloned()
        .ok_or_else(|| ApiError::not_found(&info.group, &info.resource, &key.3))?;
    let new = mutate(&old)?;
    let prepared = prepare_update(info, version, &old, new, sub, &key.3)?;
    let new = match prepared {
        Prepared::NoOp => return Ok((*old).clone()),
        Prepared::Changed(new) => new,
    };
    if opts.dry_run {
        return Ok(new);
    }
    if meta::is_deleting(&new) && meta::finalizers(&new).is_empty() {
        return Ok(delete::remove(inner, key.clone(), new));
    }
    if crd::is_crd(&info.group, &info.resource) {
        inner.registry.insert(crd::resource_info(&new)?);
    }
    Ok((*inner.commit(key.clone(), new, EventKind::Modified)).clone())
}
