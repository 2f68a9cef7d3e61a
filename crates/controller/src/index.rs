//! A secondary index of a reflector store by controller owner: which cached objects a given UID
//! controls (Go's `cache.Indexer` with a controller-UID index function).
//!
//! Gathering a snapshot used to filter every cached ReplicaSet and Pod for each reconcile, which made a
//! fleet of N rollouts cost O(N) per reconcile and O(N²) per rollout wave. The index is fed the same
//! watch events as the store, right after the reflector applied them (so a reconcile those events
//! trigger sees both), and mirrors the store's relist semantics: objects listed between `Init` and
//! `InitDone` replace the previous contents at once.
//!
//! The index only narrows the candidates: callers read the objects from the store and re-check them, so
//! a momentary disagreement between the two can only delay, never corrupt, what a snapshot holds.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock};

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::Resource;
use kube::runtime::reflector::ObjectRef;
use kube::runtime::watcher;

/// The key of objects that have no controller owner.
pub const ORPHANS: &str = "";

/// The UID of `meta`'s controller ownerReference.
pub fn controller_uid(meta: &ObjectMeta) -> Option<&str> {
    meta.owner_references
        .as_deref()
        .unwrap_or_default()
        .iter()
        .find(|o| o.controller == Some(true))
        .map(|o| o.uid.as_str())
}

struct State<K: Resource>
where
    K::DynamicType: Eq + std::hash::Hash + Clone,
{
    /// Objects by key.
    by_key: HashMap<String, HashSet<ObjectRef<K>>>,
    /// Each indexed object's key.
    key_of: HashMap<ObjectRef<K>, String>,
    /// The objects of a relist in progress.
    relist: Option<HashMap<ObjectRef<K>, String>>,
}

impl<K: Resource> Default for State<K>
where
    K::DynamicType: Eq + std::hash::Hash + Clone,
{
    fn default() -> Self {
        Self {
            by_key: HashMap::new(),
            key_of: HashMap::new(),
            relist: None,
        }
    }
}

impl<K: Resource> State<K>
where
    K::DynamicType: Eq + std::hash::Hash + Clone,
{
    fn remove(&mut self, obj: &ObjectRef<K>) {
        if let Some(old) = self.key_of.remove(obj)
            && let Some(set) = self.by_key.get_mut(&old)
        {
            set.remove(obj);
            if set.is_empty() {
                self.by_key.remove(&old);
            }
        }
    }

    fn insert(&mut self, obj: ObjectRef<K>, key: Option<String>) {
        self.remove(&obj);
        if let Some(key) = key {
            self.by_key.entry(key.clone()).or_default().insert(obj.clone());
            self.key_of.insert(obj, key);
        }
    }
}

/// Objects of kind `K` by the UID of their controller owner ([`ORPHANS`] for objects without one, when
/// the index keeps them). Cheap to clone; clones share state.
pub struct OwnerIndex<K: Resource>
where
    K::DynamicType: Eq + std::hash::Hash + Clone,
{
    state: Arc<RwLock<State<K>>>,
    keep_orphans: bool,
}

impl<K: Resource> Clone for OwnerIndex<K>
where
    K::DynamicType: Eq + std::hash::Hash + Clone,
{
    fn clone(&self) -> Self {
        Self {
            state: self.state.clone(),
            keep_orphans: self.keep_orphans,
        }
    }
}

impl<K> OwnerIndex<K>
where
    K: Resource,
    K::DynamicType: Default + Eq + std::hash::Hash + Clone,
{
    /// An empty index; `keep_orphans`: also index objects without a controller under [`ORPHANS`].
    pub fn new(keep_orphans: bool) -> Self {
        Self {
            state: Arc::default(),
            keep_orphans,
        }
    }

    fn key(&self, obj: &K) -> Option<String> {
        match controller_uid(obj.meta()) {
            Some(uid) => Some(uid.to_string()),
            None => self.keep_orphans.then(|| ORPHANS.to_string()),
        }
    }

    /// Applies one watch event (as the reflector applies it to the store).
    pub fn apply(&self, event: &watcher::Event<K>) {
        let mut state = self.state.write().unwrap_or_else(|e| e.into_inner());
        match event {
            watcher::Event::Init => state.relist = Some(HashMap::new()),
            watcher::Event::InitApply(obj) => {
                let key = self.key(obj);
                if let (Some(relist), Some(key)) = (state.relist.as_mut(), key) {
                    relist.insert(ObjectRef::from_obj(obj), key);
                }
            }
            watcher::Event::InitDone => {
                let listed = state.relist.take().unwrap_or_default();
                let mut by_key: HashMap<String, HashSet<ObjectRef<K>>> = HashMap::new();
                for (obj, key) in &listed {
                    by_key.entry(key.clone()).or_default().insert(obj.clone());
                }
                state.by_key = by_key;
                state.key_of = listed;
            }
            watcher::Event::Apply(obj) => {
                let key = self.key(obj);
                state.insert(ObjectRef::from_obj(obj), key);
            }
            watcher::Event::Delete(obj) => state.remove(&ObjectRef::from_obj(obj)),
        }
    }

    /// The objects indexed under `key`.
    pub fn get(&self, key: &str) -> Vec<ObjectRef<K>> {
        let state = self.state.read().unwrap_or_else(|e| e.into_inner());
        state
            .by_key
            .get(key)
            .map(|set| set.iter().cloned().collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::apps::v1::ReplicaSet;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;

    use super::*;

    fn rs(name: &str, owner: Option<&str>) -> ReplicaSet {
        let mut rs = ReplicaSet::default();
        rs.metadata.name = Some(name.into());
        rs.metadata.namespace = Some("ns".into());
        rs.metadata.owner_references = owner.map(|uid| {
            vec![OwnerReference {
                uid: uid.into(),
                controller: Some(true),
                ..OwnerReference::default()
            }]
        });
        rs
    }

    fn names(index: &OwnerIndex<ReplicaSet>, key: &str) -> Vec<String> {
        let mut v: Vec<String> = index.get(key).into_iter().map(|r| r.name).collect();
        v.sort();
        v
    }

    #[test]
    fn objects_are_found_by_controller_uid_and_follow_applies_and_deletes() {
        use watcher::Event;
        let index = OwnerIndex::new(true);
        index.apply(&Event::Apply(rs("a", Some("u1"))));
        index.apply(&Event::Apply(rs("b", Some("u1"))));
        index.apply(&Event::Apply(rs("c", None)));
        assert_eq!(names(&index, "u1"), ["a", "b"]);
        assert_eq!(names(&index, ORPHANS), ["c"]);
        // Adoption moves an object from one key to another; re-applying does not duplicate it.
        index.apply(&Event::Apply(rs("c", Some("u2"))));
        index.apply(&Event::Apply(rs("c", Some("u2"))));
        assert_eq!(names(&index, "u2"), ["c"]);
        assert!(names(&index, ORPHANS).is_empty());
        index.apply(&Event::Delete(rs("a", Some("u1"))));
        assert_eq!(names(&index, "u1"), ["b"]);
        assert!(names(&index, "nobody").is_empty());
        // Without orphans, objects without a controller are not indexed at all.
        let owned_only = OwnerIndex::new(false);
        owned_only.apply(&Event::Apply(rs("d", None)));
        assert!(names(&owned_only, ORPHANS).is_empty());
    }

    #[test]
    fn a_relist_replaces_the_contents_when_it_completes() {
        use watcher::Event;
        let index = OwnerIndex::new(true);
        index.apply(&Event::Apply(rs("gone", Some("u1"))));
        index.apply(&Event::Apply(rs("kept", Some("u1"))));
        index.apply(&Event::Init);
        index.apply(&Event::InitApply(rs("kept", Some("u1"))));
        index.apply(&Event::InitApply(rs("new", Some("u2"))));
        // Until InitDone the previous contents stay visible, as in the reflector's store.
        assert_eq!(names(&index, "u1"), ["gone", "kept"]);
        index.apply(&Event::InitDone);
        assert_eq!(names(&index, "u1"), ["kept"]);
        assert_eq!(names(&index, "u2"), ["new"]);
        index.apply(&Event::Delete(rs("kept", Some("u1"))));
        assert!(names(&index, "u1").is_empty());
    }
}
