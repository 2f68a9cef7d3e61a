//! Deletion and garbage collection: preconditions, finalizers with `deletionTimestamp`, propagation
//! policies (Background, Foreground with the `foregroundDeletion` finalizer, Orphan), ownerReference
//! cascades, namespace termination (Terminating, contents deleted, then removed), CRD removal with its
//! custom resources, optional graceful Pod deletion, and a sweep for dependents whose owners are gone.
//!
//! Unlike the real (asynchronous) garbage collector, cascades run synchronously inside the write that
//! triggers them; every removal still gets its own resourceVersion and watch event.

use serde_json::{Value, json};

use super::inner::{EventKind, Inner, Key};
use super::{DeleteOptions, Propagation};
use crate::error::ApiError;
use crate::meta;
use crate::registry::crd;

const FOREGROUND: &str = "foregroundDeletion";

/// What a delete did.
#[derive(Debug, Clone, PartialEq)]
pub struct DeleteOutcome {
    /// The object: its final state if removed, else its state with `deletionTimestamp` set.
    pub object: Value,
    /// Whether the object is gone (false while finalizers or graceful deletion hold it).
    pub removed: bool,
}

/// Deletes the object at `key` following `opts`.
pub(crate) fn delete(inner: &mut Inner, key: &Key, opts: &DeleteOptions) -> Result<DeleteOutcome, ApiError> {
    let obj = inner
        .objects
        .get(key)
        .map(|o| (**o).clone())
        .ok_or_else(|| ApiError::not_found(&key.0, &key.1, &key.3))?;
    if let Some(uid) = &opts.precondition_uid
        && Some(uid.as_str()) != meta::uid(&obj)
    {
        return Err(ApiError::conflict(
            &key.0,
            &key.1,
            &key.3,
            &format!(
                "Precondition failed: UID in precondition: {uid}, UID in object meta: {}",
                meta::uid(&obj).unwrap_or_default()
            ),
        ));
    }
    if let Some(rv) = &opts.precondition_resource_version
        && Some(rv.as_str()) != meta::resource_version(&obj)
    {
        return Err(ApiError::stale(&key.0, &key.1, &key.3));
    }
    if opts.dry_run {
        return Ok(DeleteOutcome {
            object: obj,
            removed: false,
        });
    }
    let policy = opts.propagation.unwrap_or(Propagation::Background);
    let is_namespace = key.0.is_empty() && key.1 == "namespaces";
    if is_namespace {
        return Ok(delete_namespace(inner, key, obj));
    }
    if crd::is_crd(&key.0, &key.1) {
        delete_crd_instances(inner, &obj);
    }
    if key.0.is_empty() && key.1 == "pods" && inner.config.graceful_pod_deletion {
        let grace = opts
            .grace_period_seconds
            .or_else(|| {
                obj.pointer("/spec/terminationGracePeriodSeconds")
                    .and_then(Value::as_i64)
            })
            .unwrap_or(30);
        let scheduled = obj
            .pointer("/spec/nodeName")
            .and_then(Value::as_str)
            .is_some_and(|n| !n.is_empty());
        if scheduled && grace > 0 {
            if meta::is_deleting(&obj) {
                return Ok(DeleteOutcome {
                    object: obj,
                    removed: false,
                });
            }
            let mut new = obj;
            let m = meta::metadata_mut(&mut new);
            m.insert("deletionTimestamp".into(), json!(inner.now()));
            m.insert("deletionGracePeriodSeconds".into(), json!(grace));
            let committed = inner.commit(key.clone(), new, EventKind::Modified);
            return Ok(DeleteOutcome {
                object: (*committed).clone(),
                removed: false,
            });
        }
    }
    if meta::is_deleting(&obj) {
        // A gracefully deleted pod goes with a zero grace period (the kubelet's final delete).
        if meta::finalizers(&obj).is_empty() && opts.grace_period_seconds == Some(0) {
            let object = remove(inner, key.clone(), obj);
            return Ok(DeleteOutcome {
                object,
                removed: true,
            });
        }
        return Ok(DeleteOutcome {
            object: obj,
            removed: false,
        });
    }
    let uid = meta::uid(&obj).unwrap_or_default().to_string();
    if policy == Propagation::Orphan {
        orphan_dependents(inner, &uid);
    }
    let mut finalizers = meta::finalizers(&obj);
    let foreground =
        policy == Propagation::Foreground && inner.dependents.get(&uid).is_some_and(|d| !d.is_empty());
    if foreground && !finalizers.iter().any(|f| f == FOREGROUND) {
        finalizers.push(FOREGROUND.to_string());
    }
    if finalizers.is_empty() {
        let object = remove(inner, key.clone(), obj);
        return Ok(DeleteOutcome {
            object,
            removed: true,
        });
    }
    let mut new = obj;
    meta::set_finalizers(&mut new, &finalizers);
    let now = inner.now();
    let m = meta::metadata_mut(&mut new);
    m.insert("deletionTimestamp".into(), json!(now));
    m.insert("deletionGracePeriodSeconds".into(), json!(0));
    if let Some(g) = m.get("generation").and_then(Value::as_i64) {
        m.insert("generation".into(), json!(g + 1));
    }
    inner.commit(key.clone(), new, EventKind::Modified);
    if foreground {
        let deps: Vec<Key> = inner
            .dependents
            .get(&uid)
            .map(|d| d.iter().cloned().collect())
            .unwrap_or_default();
        let dep_opts = DeleteOptions {
            propagation: Some(Propagation::Foreground),
            ..DeleteOptions::default()
        };
        for dep in deps {
            // A dependent may already be gone through an earlier cascade.
            let _ = delete(inner, &dep, &dep_opts);
        }
        finish_foreground(inner, &uid);
    }
    match inner.objects.get(key) {
        Some(o) => Ok(DeleteOutcome {
            object: (**o).clone(),
            removed: false,
        }),
        None => Ok(DeleteOutcome {
            object: json!({}),
            removed: true,
        }),
    }
}

/// Removes an object for good (DELETED event with a new resourceVersion) and runs the cascades.
pub(crate) fn remove(inner: &mut Inner, key: Key, obj: Value) -> Value {
    let uid = meta::uid(&obj).unwrap_or_default().to_string();
    let owners = meta::owner_uids(&obj);
    let final_obj = (*inner.commit(key.clone(), obj, EventKind::Deleted)).clone();
    // Dependents whose every owner is gone are deleted; others lose the dangling reference.
    let deps: Vec<Key> = inner
        .dependents
        .get(&uid)
        .map(|d| d.iter().cloned().collect())
        .unwrap_or_default();
    for dep in deps {
        collect_dependent(inner, &dep, Propagation::Background);
    }
    for owner in owners {
        finish_foreground(inner, &owner);
    }
    if !key.2.is_empty() {
        finish_namespace(inner, &key.2);
    }
    final_obj
}

fn collect_dependent(inner: &mut Inner, dep: &Key, policy: Propagation) {
    let Some(obj) = inner.objects.get(dep).map(|o| (**o).clone()) else {
        return;
    };
    let live: Vec<String> = meta::owner_uids(&obj)
        .into_iter()
        .filter(|u| inner.by_uid.contains_key(u))
        .collect();
    if live.is_empty() {
        let _ = delete(
            inner,
            dep,
            &DeleteOptions {
                propagation: Some(policy),
                ..DeleteOptions::default()
            },
        );
    } else if live.len() < meta::owner_uids(&obj).len() {
        let mut new = obj;
        retain_owner_refs(&mut new, |u| live.iter().any(|l| l == u));
        inner.commit(dep.clone(), new, EventKind::Modified);
    }
}

fn retain_owner_refs(obj: &mut Value, keep: impl Fn(&str) -> bool) {
    let m = meta::metadata_mut(obj);
    if let Some(refs) = m.get_mut("ownerReferences").and_then(Value::as_array_mut) {
        refs.retain(|r| r.get("uid").and_then(Value::as_str).is_some_and(&keep));
        if refs.is_empty() {
            m.remove("ownerReferences");
        }
    }
}

fn orphan_dependents(inner: &mut Inner, uid: &str) {
    let deps: Vec<Key> = inner
        .dependents
        .get(uid)
        .map(|d| d.iter().cloned().collect())
        .unwrap_or_default();
    for dep in deps {
        if let Some(obj) = inner.objects.get(&dep).map(|o| (**o).clone()) {
            let mut new = obj;
            retain_owner_refs(&mut new, |u| u != uid);
            inner.commit(dep, new, EventKind::Modified);
        }
    }
}

/// An owner in foreground deletion loses its `foregroundDeletion` finalizer once it has no dependents.
fn finish_foreground(inner: &mut Inner, owner_uid: &str) {
    if inner.dependents.get(owner_uid).is_some_and(|d| !d.is_empty()) {
        return;
    }
    let Some(key) = inner.by_uid.get(owner_uid).cloned() else {
        return;
    };
    let Some(obj) = inner.objects.get(&key).map(|o| (**o).clone()) else {
        return;
    };
    let finalizers = meta::finalizers(&obj);
    if !meta::is_deleting(&obj) || !finalizers.iter().any(|f| f == FOREGROUND) {
        return;
    }
    let rest: Vec<String> = finalizers.into_iter().filter(|f| f != FOREGROUND).collect();
    let mut new = obj;
    meta::set_finalizers(&mut new, &rest);
    if rest.is_empty() {
        remove(inner, key, new);
    } else {
        inner.commit(key, new, EventKind::Modified);
    }
}

fn ns_key(ns: &str) -> Key {
    (String::new(), "namespaces".into(), String::new(), ns.to_string())
}

fn delete_namespace(inner: &mut Inner, key: &Key, obj: Value) -> DeleteOutcome {
    let ns = key.3.clone();
    if !meta::is_deleting(&obj) {
        let mut new = obj;
        meta::metadata_mut(&mut new).insert("deletionTimestamp".into(), json!(inner.now()));
        new["status"] = json!({"phase": "Terminating"});
        inner.commit(key.clone(), new, EventKind::Modified);
    }
    let contents: Vec<Key> = inner.objects.keys().filter(|k| k.2 == ns).cloned().collect();
    for k in contents {
        let _ = delete(inner, &k, &DeleteOptions::default());
    }
    finish_namespace(inner, &ns);
    match inner.objects.get(&ns_key(&ns)) {
        Some(o) => DeleteOutcome {
            object: (**o).clone(),
            removed: false,
        },
        None => DeleteOutcome {
            object: json!({}),
            removed: true,
        },
    }
}

/// A terminating namespace is removed once it holds no object.
fn finish_namespace(inner: &mut Inner, ns: &str) {
    if inner.ns_counts.get(ns).copied().unwrap_or(0) > 0 {
        return;
    }
    let key = ns_key(ns);
    let Some(obj) = inner.objects.get(&key).map(|o| (**o).clone()) else {
        return;
    };
    if !meta::is_deleting(&obj) {
        return;
    }
    let mut new = obj;
    new["spec"] = json!({});
    inner.commit(key, new, EventKind::Deleted);
}

fn delete_crd_instances(inner: &mut Inner, crd_obj: &Value) {
    let Ok(info) = crd::resource_info(crd_obj) else {
        return;
    };
    let keys: Vec<Key> = inner
        .range(&info.group, &info.resource, None)
        .map(|(k, _)| k.clone())
        .collect();
    for k in keys {
        if let Some(obj) = inner.objects.get(&k).map(|o| (**o).clone()) {
            remove(inner, k, obj);
        }
    }
    inner.registry.remove(&info.group, &info.resource);
}

/// Deletes every object that has ownerReferences none of which exists any more (the garbage
/// collector's sweep for dependents created after their owner went away). Returns how many.
pub(crate) fn sweep(inner: &mut Inner) -> usize {
    let orphans: Vec<Key> = inner
        .objects
        .iter()
        .filter(|(_, o)| {
            let owners = meta::owner_uids(o);
            !owners.is_empty()
                && !meta::is_deleting(o)
                && owners.iter().all(|u| !inner.by_uid.contains_key(u))
        })
        .map(|(k, _)| k.clone())
        .collect();
    let n = orphans.len();
    for k in orphans {
        collect_dependent(inner, &k, Propagation::Background);
    }
    n
}
