//! Watches on the store. A [`Watch`] replays what the client asked for (synthetic ADDED events for the
//! current state, or the history after a resourceVersion), then streams live events in commit order.
//! Filtering (namespace, label and field selectors, with MODIFIED turned into ADDED/DELETED when an
//! object enters or leaves the selection) happens per watcher at fan-out. A watcher that falls behind
//! (its bounded channel is full) or is expired by fault injection yields one `Error(410 Expired)` and
//! ends, as the real API server's in-stream ERROR event, so kube-runtime re-lists.

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::task::{Context, Poll};

use serde_json::Value;
use tokio::sync::mpsc;

use super::inner::{EventKind, Inner, StoredEvent, WatcherEntry};
use crate::convert;
use crate::error::ApiError;
use crate::registry::ResourceInfo;
use crate::selectors::{FieldSelector, LabelSelector};

/// One event delivered to a watcher, objects in the version the watch was opened for.
#[derive(Debug, Clone, PartialEq)]
pub enum WatchEvent {
    /// An object appeared (or entered the selection).
    Added(Value),
    /// An object changed.
    Modified(Value),
    /// An object was removed (or left the selection); the object is its final state.
    Deleted(Value),
    /// Progress notification: every event up to this resourceVersion has been delivered.
    Bookmark {
        /// The resourceVersion reached.
        resource_version: String,
        /// Whether this bookmark ends the initial events of a `sendInitialEvents` watch.
        initial_events_end: bool,
    },
    /// The watch failed (410 Expired); the stream ends after it.
    Error(ApiError),
}

/// Which events a watcher wants.
#[derive(Debug, Clone)]
pub(crate) struct WatchFilter {
    pub group: String,
    pub resource: String,
    pub namespace: Option<String>,
    pub labels: LabelSelector,
    pub fields: FieldSelector,
}

impl WatchFilter {
    pub fn matches_object(&self, obj: &Value) -> bool {
        self.labels.matches(obj) && self.fields.matches(obj)
    }

    /// The event this watcher sees for a committed change, if any.
    pub fn classify(&self, ev: &StoredEvent) -> Option<EventKind> {
        let (g, r, ns, _) = &ev.key;
        if *g != self.group || *r != self.resource || self.namespace.as_ref().is_some_and(|n| n != ns) {
            return None;
        }
        let now = self.matches_object(&ev.object);
        match ev.kind {
            EventKind::Added => now.then_some(EventKind::Added),
            EventKind::Deleted => now.then_some(EventKind::Deleted),
            EventKind::Modified => {
                let before = ev.prev.as_deref().is_some_and(|p| self.matches_object(p));
                match (before, now) {
                    (true, true) => Some(EventKind::Modified),
                    (false, true) => Some(EventKind::Added),
                    (true, false) => Some(EventKind::Deleted),
                    (false, false) => None,
                }
            }
        }
    }
}

pub(crate) struct WatchItem {
    pub kind: EventKind,
    pub event: Arc<StoredEvent>,
}

enum Pending {
    Event(EventKind, Arc<Value>),
    Ready(WatchEvent),
}

/// A live watch on the store. Use [`Watch::next`] (or the `Stream` impl); dropping it unregisters it.
pub struct Watch {
    pending: VecDeque<Pending>,
    rx: mpsc::Receiver<WatchItem>,
    expired: Arc<AtomicBool>,
    served: ResourceInfo,
    version: String,
    store: Weak<Mutex<Inner>>,
    id: u64,
    done: bool,
}

impl Watch {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn register(
        inner: &mut Inner,
        store: Weak<Mutex<Inner>>,
        filter: WatchFilter,
        served: ResourceInfo,
        version: String,
        from_rv: Option<u64>,
        send_initial_events: bool,
    ) -> Watch {
        let (tx, rx) = mpsc::channel(inner.config.watch_channel_capacity.max(1));
        let expired = Arc::new(AtomicBool::new(false));
        let mut pending = VecDeque::new();
        let mut register = true;
        match from_rv {
            Some(rv) if !send_initial_events => {
                if rv < inner.compacted_rv {
                    pending.push_back(Pending::Ready(WatchEvent::Error(ApiError::expired(
                        rv,
                        inner.compacted_rv + 1,
                    ))));
                    register = false;
                } else {
                    for ev in inner.history.iter().filter(|e| e.rv > rv) {
                        if let Some(kind) = filter.classify(ev) {
                            pending.push_back(Pending::Event(kind, ev.object.clone()));
                        }
                    }
                }
            }
            _ => {
                for (_, obj) in inner.range(&filter.group, &filter.resource, filter.namespace.as_deref()) {
                    if filter.matches_object(obj) {
                        pending.push_back(Pending::Event(EventKind::Added, obj.clone()));
                    }
                }
                if send_initial_events {
                    pending.push_back(Pending::Ready(WatchEvent::Bookmark {
                        resource_version: inner.rv.to_string(),
                        initial_events_end: true,
                    }));
                }
            }
        }
        let id = inner.next_watcher_id;
        inner.next_watcher_id += 1;
        if register {
            inner.watchers.push(WatcherEntry {
                id,
                filter,
                tx,
                expired: expired.clone(),
            });
        }
        Watch {
            pending,
            rx,
            expired,
            served,
            version,
            store,
            id,
            done: false,
        }
    }

    fn present(&self, kind: EventKind, obj: &Value) -> WatchEvent {
        let obj = convert::to_served(&self.served, &self.version, obj.clone());
        match kind {
            EventKind::Added => WatchEvent::Added(obj),
            EventKind::Modified => WatchEvent::Modified(obj),
            EventKind::Deleted => WatchEvent::Deleted(obj),
        }
    }

    fn expired_event(&mut self) -> WatchEvent {
        self.done = true;
        self.pending.clear();
        WatchEvent::Error(ApiError::new(
            410,
            "Expired",
            "the watch fell behind or was expired by the server; re-list and watch again",
        ))
    }

    fn take_pending(&mut self) -> Option<WatchEvent> {
        match self.pending.pop_front()? {
            Pending::Event(kind, obj) => Some(self.present(kind, &obj)),
            Pending::Ready(ev) => {
                if matches!(ev, WatchEvent::Error(_)) {
                    self.done = true;
                    self.pending.clear();
                }
                Some(ev)
            }
        }
    }

    /// The next event without waiting: `None` when nothing is ready right now or the watch ended.
    pub fn try_next(&mut self) -> Option<WatchEvent> {
        if self.done {
            return None;
        }
        if self.expired.load(Ordering::SeqCst) {
            return Some(self.expired_event());
        }
        if let Some(ev) = self.take_pending() {
            return Some(ev);
        }
        match self.rx.try_recv() {
            Ok(item) => Some(self.present(item.kind, &item.event.object)),
            Err(_) => None,
        }
    }

    /// The next event; `None` once the watch has ended (dropped by the server, or after an error).
    pub async fn next(&mut self) -> Option<WatchEvent> {
        std::future::poll_fn(|cx| self.poll_event(cx)).await
    }

    fn poll_event(&mut self, cx: &mut Context<'_>) -> Poll<Option<WatchEvent>> {
        if self.done {
            return Poll::Ready(None);
        }
        if self.expired.load(Ordering::SeqCst) {
            return Poll::Ready(Some(self.expired_event()));
        }
        if let Some(ev) = self.take_pending() {
            return Poll::Ready(Some(ev));
        }
        match self.rx.poll_recv(cx) {
            Poll::Ready(Some(item)) => Poll::Ready(Some(self.present(item.kind, &item.event.object))),
            Poll::Ready(None) => {
                if self.expired.load(Ordering::SeqCst) {
                    Poll::Ready(Some(self.expired_event()))
                } else {
                    self.done = true;
                    Poll::Ready(None)
                }
            }
            Poll::Pending => Poll::Pending,
        }
    }

    /// The resourceVersion a BOOKMARK may carry now: `Some` only when every committed event for this
    /// watcher has been taken, so a bookmark never overtakes an undelivered event.
    pub fn bookmark_rv(&mut self) -> Option<String> {
        let store = self.store.upgrade()?;
        let inner = store.lock().unwrap_or_else(|e| e.into_inner());
        if self.done || !self.pending.is_empty() || !self.rx.is_empty() || self.expired.load(Ordering::SeqCst)
        {
            return None;
        }
        Some(inner.rv.to_string())
    }

    /// The type and version this watch serves.
    pub fn served(&self) -> (&ResourceInfo, &str) {
        (&self.served, &self.version)
    }
}

impl futures::Stream for Watch {
    type Item = WatchEvent;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<WatchEvent>> {
        self.get_mut().poll_event(cx)
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        if let Some(store) = self.store.upgrade() {
            let mut inner = store.lock().unwrap_or_else(|e| e.into_inner());
            inner.watchers.retain(|w| w.id != self.id);
        }
    }
}
