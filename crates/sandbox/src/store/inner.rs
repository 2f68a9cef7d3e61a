//! The state behind the store's one mutex: objects keyed by (group, resource, namespace, name), the
//! global resourceVersion counter, the event history ring, the registered watchers and the indexes
//! (uid -> key, owner uid -> dependents, objects per namespace). Every write goes through
//! [`Inner::commit`], which bumps the counter, records the event and fans it out to the watchers
//! without ever blocking: a watcher whose channel is full is expired (in-stream 410) and dropped.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::StoreConfig;
use super::watch::{WatchFilter, WatchItem};
use crate::meta;
use crate::registry::Registry;

/// (group, resource, namespace, name); the namespace is empty for cluster-scoped objects.
pub(crate) type Key = (String, String, String, String);

/// The kind of a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// A new object.
    Added,
    /// A changed object.
    Modified,
    /// A removed object (the final state, with a new resourceVersion).
    Deleted,
}

/// One committed change, as kept in the history ring and sent to watchers.
#[derive(Debug)]
pub(crate) struct StoredEvent {
    pub kind: EventKind,
    pub key: Key,
    pub object: Arc<Value>,
    pub prev: Option<Arc<Value>>,
    pub rv: u64,
}

pub(crate) struct WatcherEntry {
    pub id: u64,
    pub filter: WatchFilter,
    pub tx: mpsc::Sender<WatchItem>,
    pub expired: Arc<AtomicBool>,
}

pub(crate) struct Inner {
    pub config: StoreConfig,
    pub objects: BTreeMap<Key, Arc<Value>>,
    pub rv: u64,
    pub registry: Registry,
    pub history: VecDeque<Arc<StoredEvent>>,
    /// Events with an RV at or below this are gone from the history: older watches get 410.
    pub compacted_rv: u64,
    pub watchers: Vec<WatcherEntry>,
    pub next_watcher_id: u64,
    pub by_uid: HashMap<String, Key>,
    pub dependents: HashMap<String, BTreeSet<Key>>,
    pub ns_counts: HashMap<String, usize>,
    pub next_cluster_ip: u32,
}

impl Inner {
    pub fn new(config: StoreConfig) -> Self {
        let rv = config.start_resource_version;
        Inner {
            config,
            objects: BTreeMap::new(),
            rv,
            registry: Registry::with_builtins(),
            history: VecDeque::new(),
            compacted_rv: rv,
            watchers: Vec::new(),
            next_watcher_id: 1,
            by_uid: HashMap::new(),
            dependents: HashMap::new(),
            ns_counts: HashMap::new(),
            next_cluster_ip: 10,
        }
    }

    pub fn now(&self) -> String {
        meta::rfc3339((self.config.clock)())
    }

    /// Objects of one group/resource, optionally in one namespace, in key order.
    pub fn range<'a>(
        &'a self,
        group: &'a str,
        resource: &'a str,
        namespace: Option<&'a str>,
    ) -> impl Iterator<Item = (&'a Key, &'a Arc<Value>)> + 'a {
        let start = (
            group.to_string(),
            resource.to_string(),
            namespace.unwrap_or("").to_string(),
            String::new(),
        );
        self.objects
            .range(start..)
            .take_while(move |(k, _)| k.0 == group && k.1 == resource && namespace.is_none_or(|ns| k.2 == ns))
    }

    fn unindex(&mut self, key: &Key, obj: &Value) {
        if let Some(uid) = meta::uid(obj) {
            self.by_uid.remove(uid);
        }
        for owner in meta::owner_uids(obj) {
            if let Some(set) = self.dependents.get_mut(&owner) {
                set.remove(key);
                if set.is_empty() {
                    self.dependents.remove(&owner);
                }
            }
        }
        if !key.2.is_empty()
            && let Some(n) = self.ns_counts.get_mut(&key.2)
        {
            *n = n.saturating_sub(1);
        }
    }

    fn index(&mut self, key: &Key, obj: &Value) {
        if let Some(uid) = meta::uid(obj) {
            self.by_uid.insert(uid.to_string(), key.clone());
        }
        for owner in meta::owner_uids(obj) {
            self.dependents.entry(owner).or_default().insert(key.clone());
        }
        if !key.2.is_empty() {
            *self.ns_counts.entry(key.2.clone()).or_default() += 1;
        }
    }

    /// Commits a change: bumps the global resourceVersion, stamps it on the object, updates the
    /// indexes, appends to the history and fans the event out. Returns the committed object.
    pub fn commit(&mut self, key: Key, mut obj: Value, kind: EventKind) -> Arc<Value> {
        self.rv += 1;
        let rv = self.rv;
        meta::metadata_mut(&mut obj).insert("resourceVersion".into(), json!(rv.to_string()));
        let obj = Arc::new(obj);
        let prev = if kind == EventKind::Deleted {
            self.objects.remove(&key)
        } else {
            self.objects.insert(key.clone(), obj.clone())
        };
        if let Some(p) = &prev {
            self.unindex(&key, p);
        }
        if kind != EventKind::Deleted {
            self.index(&key, &obj);
        }
        let event = Arc::new(StoredEvent {
            kind,
            key,
            object: obj.clone(),
            prev,
            rv,
        });
        if self.history.len() >= self.config.history_capacity.max(1)
            && let Some(old) = self.history.pop_front()
        {
            self.compacted_rv = old.rv;
        }
        self.history.push_back(event.clone());
        self.fan_out(&event);
        obj
    }

    fn fan_out(&mut self, event: &Arc<StoredEvent>) {
        let mut gone = Vec::new();
        for w in &self.watchers {
            let Some(kind) = w.filter.classify(event) else {
                continue;
            };
            match w.tx.try_send(WatchItem {
                kind,
                event: event.clone(),
            }) {
                Ok(()) => {}
                Err(mpsc::error::TrySendError::Full(_)) => {
                    // Never block a writer: the slow watcher is told 410 and must re-list.
                    w.expired.store(true, Ordering::SeqCst);
                    gone.push(w.id);
                }
                Err(mpsc::error::TrySendError::Closed(_)) => gone.push(w.id),
            }
        }
        if !gone.is_empty() {
            self.watchers.retain(|w| !gone.contains(&w.id));
        }
    }

    /// Ends watchers matching `pred`; with `expire`, each gets an in-stream 410 first.
    pub fn end_watchers(&mut self, expire: bool, pred: impl Fn(&WatchFilter) -> bool) -> usize {
        let before = self.watchers.len();
        self.watchers.retain(|w| {
            if pred(&w.filter) {
                if expire {
                    w.expired.store(true, Ordering::SeqCst);
                }
                false
            } else {
                true
            }
        });
        before - self.watchers.len()
    }

    /// Forgets the whole event history: watches from any older resourceVersion get 410.
    pub fn compact(&mut self) {
        self.history.clear();
        self.compacted_rv = self.rv;
    }

    /// Allocates a ClusterIP from 10.96.0.0/12 for a new Service.
    pub fn allocate_cluster_ip(&mut self) -> String {
        let n = self.next_cluster_ip;
        self.next_cluster_ip += 1;
        format!("10.96.{}.{}", (n >> 8) & 0xff, n & 0xff)
    }
}
