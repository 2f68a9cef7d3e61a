//! The loop every simulated controller runs, in the manner of a Kubernetes controller: watches on the
//! store (re-opened, with a full re-sync, whenever they end, e.g. after an injected 410) turn events
//! into keys; a de-duplicated queue of keys is reconciled one at a time; a reconcile may ask to look
//! again after a delay in sandbox time (converted to real time by the [`SimClock`]); a failed reconcile
//! is retried with a growing delay. Pausing stops reconciling (events and timers keep queueing) until
//! resumed.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::clock::SimClock;
use super::util::ObjKey;
use crate::error::ApiError;
use crate::registry::Gvr;
use crate::store::{Store, WatchEvent, WatchOptions};

/// A simulated controller.
pub(crate) trait Reconciler: Send + 'static {
    /// A short name for logs.
    fn name(&self) -> &'static str;
    /// The resources whose events trigger reconciles.
    fn watches(&self) -> Vec<Gvr>;
    /// The keys to reconcile after an event on `watches()[index]` about `obj`.
    fn keys(&mut self, index: usize, obj: &Value) -> Vec<ObjKey>;
    /// Brings the object at `key` (and what it controls) towards its desired state. Returns when to
    /// look again, in sandbox time, if the state will change by the passage of time alone.
    fn reconcile(&mut self, key: &ObjKey) -> Result<Option<Duration>, ApiError>;
}

/// What the loops share: the store, the clock, cancellation and the pause switch.
#[derive(Clone)]
pub(crate) struct Shared {
    pub store: Store,
    pub clock: SimClock,
    pub cancel: CancellationToken,
    pub paused: watch::Receiver<bool>,
}

/// Forwards the events of one watched resource as (index, object), re-opening the watch when it ends.
async fn watch_loop(
    store: Store,
    gvr: Gvr,
    index: usize,
    tx: mpsc::UnboundedSender<(usize, Value)>,
    cancel: CancellationToken,
) {
    loop {
        if let Ok(mut w) = store.watch(&gvr, &WatchOptions::default()) {
            loop {
                let ev = tokio::select! {
                    _ = cancel.cancelled() => return,
                    ev = w.next() => ev,
                };
                match ev {
                    Some(WatchEvent::Added(o) | WatchEvent::Modified(o) | WatchEvent::Deleted(o)) => {
                        if tx.send((index, o)).is_err() {
                            return;
                        }
                    }
                    Some(WatchEvent::Bookmark { .. }) => {}
                    Some(WatchEvent::Error(_)) | None => break,
                }
            }
        }
        // The type may not be served yet (a CRD), or the watch was expired: look again shortly.
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = tokio::time::sleep(Duration::from_millis(50)) => {}
        }
    }
}

#[derive(Default)]
struct Timers {
    by_time: BTreeMap<(Instant, u64), ObjKey>,
    by_key: HashMap<ObjKey, (Instant, u64)>,
    seq: u64,
}

impl Timers {
    /// Schedules `key` at `at` unless it is already due earlier.
    fn schedule(&mut self, key: ObjKey, at: Instant) {
        if let Some(old) = self.by_key.get(&key) {
            if old.0 <= at {
                return;
            }
            self.by_time.remove(old);
        }
        self.seq += 1;
        self.by_time.insert((at, self.seq), key.clone());
        self.by_key.insert(key, (at, self.seq));
    }

    fn next(&self) -> Option<Instant> {
        self.by_time.keys().next().map(|(t, _)| *t)
    }

    fn take_due(&mut self, now: Instant, into: &mut BTreeSet<ObjKey>) {
        while let Some(entry) = self.by_time.first_entry() {
            if entry.key().0 > now {
                break;
            }
            let key = entry.remove();
            self.by_key.remove(&key);
            into.insert(key);
        }
    }
}

/// Starts the controller's loop and its watches.
pub(crate) fn spawn<R: Reconciler>(mut r: R, shared: Shared) {
    tokio::spawn(async move {
        let (tx, mut rx) = mpsc::unbounded_channel();
        for (i, gvr) in r.watches().into_iter().enumerate() {
            tokio::spawn(watch_loop(
                shared.store.clone(),
                gvr,
                i,
                tx.clone(),
                shared.cancel.clone(),
            ));
        }
        drop(tx);
        let mut paused = shared.paused.clone();
        let mut pending: BTreeSet<ObjKey> = BTreeSet::new();
        let mut timers = Timers::default();
        let mut failures: HashMap<ObjKey, u32> = HashMap::new();
        loop {
            let next = timers.next();
            tokio::select! {
                _ = shared.cancel.cancelled() => return,
                msg = rx.recv() => match msg {
                    Some((i, obj)) => pending.extend(r.keys(i, &obj)),
                    None => return,
                },
                _ = tokio::time::sleep_until(next.unwrap_or_else(Instant::now)), if next.is_some() => {}
                changed = paused.changed() => if changed.is_err() { return },
            }
            while let Ok((i, obj)) = rx.try_recv() {
                pending.extend(r.keys(i, &obj));
            }
            timers.take_due(Instant::now(), &mut pending);
            if *paused.borrow() {
                continue;
            }
            for key in std::mem::take(&mut pending) {
                let after = match r.reconcile(&key) {
                    Ok(after) => {
                        failures.remove(&key);
                        after.map(|d| shared.clock.to_real(d))
                    }
                    Err(e) => {
                        let n = failures.entry(key.clone()).or_default();
                        *n += 1;
                        tracing::debug!(controller = r.name(), ns = %key.0, name = %key.1, error = %e, "reconcile failed; retrying");
                        let base = if e.code == 409 { 10 } else { 100 };
                        Some(Duration::from_millis((base * u64::from(*n)).min(2000)))
                    }
                };
                if let Some(d) = after {
                    timers.schedule(key, Instant::now() + d);
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timers_keep_the_earliest_deadline_per_key() {
        let mut t = Timers::default();
        let now = Instant::now();
        let k = ("ns".to_string(), "a".to_string());
        t.schedule(k.clone(), now + Duration::from_secs(5));
        t.schedule(k.clone(), now + Duration::from_secs(1));
        t.schedule(k.clone(), now + Duration::from_secs(9));
        assert_eq!(t.next(), Some(now + Duration::from_secs(1)));
        assert_eq!(t.by_time.len(), 1);
        let mut due = BTreeSet::new();
        t.take_due(now, &mut due);
        assert!(due.is_empty());
        t.take_due(now + Duration::from_secs(1), &mut due);
        assert_eq!(due.into_iter().collect::<Vec<_>>(), vec![k]);
        assert_eq!(t.next(), None);
    }
}
