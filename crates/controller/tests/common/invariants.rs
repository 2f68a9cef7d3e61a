//! An invariant watcher for end-to-end scenarios. Started before a scenario writes anything, it follows
//! every change of the Rollouts, ReplicaSets, Pods, Services and Endpoints of one namespace **in commit
//! order**, keeps the current [`State`] and, after each change, runs pluggable [`Check`]s on the
//! [`Transition`] (state before, state after). Violations are collected with the resourceVersion and
//! sandbox time of the change; [`Invariants::finish`] fails the test with all of them, and also when the
//! watcher saw no change at all (so a scenario cannot pass vacuously).
//!
//! The canary invariants are in [`checks`]; a scenario adds its own with [`check_fn`], e.g. for blue-green
//! "the active Service always has ready endpoints":
//!
//! ```ignore
//! let active = check_fn("active-service-has-ready-endpoints", |t, f| {
//!     let Some(ep) = t.after.endpoints.get("demo-active") else { return };
//!     if ready_addresses(ep) > 0 { f.held() } else { f.violated("no ready endpoint") }
//! });
//! let watcher = Invariants::start(&sb, "default", vec![active]);
//! ```
//!
//! # Why the store and not the HTTP API
//! The watcher reads the sandbox's [`Store`] watches in-process. The store has one resourceVersion counter
//! for every kind and queues each commit on every matching watch under its lock, so once the store's
//! resourceVersion R has been read, every event up to R is already queued on every watch. The pump drains
//! all of them, sorts them by resourceVersion and applies them one at a time: checks see the namespace
//! exactly as it was after each commit, across kinds (a ReplicaSet scale-down with the Rollout status and
//! the Pods of that very moment). Separate HTTP watch streams could not order events across kinds.
//!
//! # Lost watches
//! The chaos tests end and expire every watch of the store, the watcher's too. A watch that ended is
//! re-opened from the last resourceVersion it delivered (the store replays its history, nothing is lost);
//! after a compaction that fails with 410 and the kind is re-listed. A re-list is a discontinuity: the
//! states in between were not observed, and the checks are not run on it (only from the next change on);
//! [`Report::relists`] counts them.

pub mod checks;
pub mod state;

pub use state::State;

use std::collections::BTreeMap;
use std::sync::Arc;

use futures::FutureExt;
use futures::future::select_all;
use k8s_openapi::api::apps::v1::ReplicaSet;
use rollouts_sandbox::{Gvr, ListOptions, Sandbox, Store, Watch, WatchEvent, WatchOptions};
use serde_json::Value;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// The kinds the watcher follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Rollout,
    ReplicaSet,
    Pod,
    Service,
    Endpoints,
}

impl Kind {
    const ALL: [Kind; 5] = [
        Kind::Rollout,
        Kind::ReplicaSet,
        Kind::Pod,
        Kind::Service,
        Kind::Endpoints,
    ];

    fn gvr(self) -> Gvr {
        match self {
            Kind::Rollout => Gvr::new("argoproj.io", "v1alpha1", "rollouts"),
            Kind::ReplicaSet => Gvr::new("apps", "v1", "replicasets"),
            Kind::Pod => Gvr::new("", "v1", "pods"),
            Kind::Service => Gvr::new("", "v1", "services"),
            Kind::Endpoints => Gvr::new("", "v1", "endpoints"),
        }
    }
}

/// What happened to the object of a transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Added,
    Modified,
    Deleted,
}

/// One applied commit, as checks see it.
pub struct Transition<'a> {
    /// The namespace before the commit.
    pub before: &'a State,
    /// The namespace after the commit.
    pub after: &'a State,
    /// The kind of the changed object.
    pub kind: Kind,
    /// Its name.
    pub name: &'a str,
    /// What happened to it.
    pub change: Change,
}

impl Transition<'_> {
    /// The changed ReplicaSet before and after (either may be absent), when the commit was a ReplicaSet's.
    pub fn replica_set(&self) -> Option<(Option<&ReplicaSet>, Option<&ReplicaSet>)> {
        (self.kind == Kind::ReplicaSet).then(|| {
            (
                self.before.replica_sets.get(self.name).map(AsRef::as_ref),
                self.after.replica_sets.get(self.name).map(AsRef::as_ref),
            )
        })
    }

    /// `Kind/name (change)` for messages.
    pub fn describe(&self) -> String {
        format!("{:?}/{} {:?}", self.kind, self.name, self.change)
    }
}

/// What a check found on one transition.
#[derive(Default)]
pub struct Findings {
    applied: usize,
    violations: Vec<String>,
}

impl Findings {
    /// The invariant applied to this transition and held.
    pub fn held(&mut self) {
        self.applied += 1;
    }

    /// The invariant applied to this transition and was violated.
    pub fn violated(&mut self, what: impl Into<String>) {
        self.applied += 1;
        self.violations.push(what.into());
    }
}

/// An invariant evaluated on every transition.
pub trait Check: Send {
    /// A short name, used in the [`Report`] and in violation messages.
    fn name(&self) -> &str;
    /// Evaluates the invariant on `t`, telling `findings` whether it applied and held.
    fn check(&mut self, t: &Transition<'_>, findings: &mut Findings);
}

struct FnCheck<F> {
    name: String,
    f: F,
}

impl<F: FnMut(&Transition<'_>, &mut Findings) + Send> Check for FnCheck<F> {
    fn name(&self) -> &str {
        &self.name
    }

    fn check(&mut self, t: &Transition<'_>, findings: &mut Findings) {
        (self.f)(t, findings);
    }
}

/// A check from a closure.
pub fn check_fn(
    name: &str,
    f: impl FnMut(&Transition<'_>, &mut Findings) + Send + 'static,
) -> Box<dyn Check> {
    Box::new(FnCheck {
        name: name.to_string(),
        f,
    })
}

/// What the watcher saw.
#[derive(Debug, Default)]
pub struct Report {
    /// Applied commits per kind.
    pub events: BTreeMap<Kind, usize>,
    /// Per check, on how many transitions it applied.
    pub applied: BTreeMap<String, usize>,
    /// Kinds re-listed after their watch expired with the history compacted.
    pub relists: usize,
    /// Every violation, in commit order.
    pub violations: Vec<String>,
    /// The last transitions (`rv Kind/name Change`), oldest first, for diagnosis.
    pub recent: std::collections::VecDeque<String>,
    /// The rollouts and their ReplicaSets when the watcher stopped, for diagnosis.
    pub last_state: String,
}

/// How many transitions [`Report::recent`] keeps.
const RECENT: usize = 60;

impl Report {
    /// On how many transitions `check` applied.
    pub fn applied(&self, check: &str) -> usize {
        self.applied.get(check).copied().unwrap_or(0)
    }
}

/// A running invariant watcher.
pub struct Invariants {
    stop: CancellationToken,
    task: JoinHandle<Report>,
}

impl Invariants {
    /// Starts watching `namespace` of `sb` now (the current objects are the initial state) with `checks`.
    ///
    /// # Panics
    /// When a kind cannot be watched (install the CRDs first).
    pub fn start(sb: &Sandbox, namespace: &str, checks: Vec<Box<dyn Check>>) -> Self {
        let store = sb.store().clone();
        let mut pump = Pump {
            clock: store.clock(),
            store,
            namespace: namespace.to_string(),
            feeds: Kind::ALL
                .iter()
                .map(|&kind| Feed {
                    kind,
                    watch: None,
                    received: 0,
                    relist: true,
                    opened: false,
                })
                .collect(),
            state: State::default(),
            buffer: Vec::new(),
            checks,
            report: Report::default(),
        };
        for i in 0..pump.feeds.len() {
            pump.open(i);
        }
        let stop = CancellationToken::new();
        let task = tokio::spawn(pump.run(stop.clone()));
        Self { stop, task }
    }

    /// Stops after applying every change committed so far and returns what was seen, violations
    /// included, without judging it.
    pub async fn stop(self) -> Report {
        self.stop.cancel();
        rollouts_testkit::within("the invariant watcher stops", 30, self.task)
            .await
            .expect("invariant watcher task")
    }

    /// As [`Invariants::stop`], then fails on any violation (all of them are listed), or when no Pod
    /// or no Rollout change was seen.
    ///
    /// # Panics
    /// On a violation, or when nothing was seen.
    pub async fn finish(self) -> Report {
        let report = self.stop().await;
        assert!(
            report.violations.is_empty(),
            "{} invariant violation(s):\n{}\n(checks applied: {:?}; events: {:?})",
            report.violations.len(),
            report.violations.join("\n"),
            report.applied,
            report.events
        );
        assert!(
            report.events.get(&Kind::Pod).copied().unwrap_or(0) > 0
                && report.events.get(&Kind::Rollout).copied().unwrap_or(0) > 0,
            "the invariant watcher saw no Pod or no Rollout change: {:?}",
            report.events
        );
        report
    }
}

struct Feed {
    kind: Kind,
    watch: Option<Watch>,
    /// The resourceVersion of the last event received.
    received: u64,
    /// Whether the next open must list first (initially, and after a 410).
    relist: bool,
    /// Whether a watch was opened before (a list is then a re-list).
    opened: bool,
}

impl Feed {
    async fn next_event(&mut self) -> Option<WatchEvent> {
        match &mut self.watch {
            Some(w) => w.next().await,
            None => std::future::pending().await,
        }
    }
}

struct Item {
    rv: u64,
    kind: Kind,
    change: Change,
    object: Value,
}

struct Pump {
    store: Store,
    clock: rollouts_sandbox::meta::Clock,
    namespace: String,
    feeds: Vec<Feed>,
    state: State,
    buffer: Vec<Item>,
    checks: Vec<Box<dyn Check>>,
    report: Report,
}

fn resource_version(obj: &Value) -> u64 {
    obj.pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

impl Pump {
    /// Opens feed `i`'s watch: from its last resourceVersion, or after a fresh list.
    fn open(&mut self, i: usize) {
        let kind = self.feeds[i].kind;
        if self.feeds[i].relist {
            if self.feeds[i].opened {
                self.report.relists += 1;
            }
            let listed = self
                .store
                .list(
                    &kind.gvr(),
                    &ListOptions {
                        namespace: Some(self.namespace.clone()),
                        ..ListOptions::default()
                    },
                )
                .unwrap_or_else(|e| panic!("the invariant watcher cannot list {kind:?}: {e:?}"));
            self.replace(kind, listed.items);
            // Buffered events of this kind are superseded by the list.
            self.buffer
                .retain(|it| it.kind != kind || it.rv > listed.resource_version);
            self.feeds[i].received = listed.resource_version;
            self.feeds[i].relist = false;
        }
        let opts = WatchOptions {
            namespace: Some(self.namespace.clone()),
            resource_version: Some(self.feeds[i].received.to_string()),
            ..WatchOptions::default()
        };
        let watch = self
            .store
            .watch(&kind.gvr(), &opts)
            .unwrap_or_else(|e| panic!("the invariant watcher cannot watch {kind:?}: {e:?}"));
        self.feeds[i].watch = Some(watch);
        self.feeds[i].opened = true;
    }

    /// Replaces every object of `kind` with a list (a discontinuity: no check runs on it).
    fn replace(&mut self, kind: Kind, items: Vec<Value>) {
        match kind {
            Kind::Rollout => self.state.rollouts.clear(),
            Kind::ReplicaSet => self.state.replica_sets.clear(),
            Kind::Pod => self.state.pods.clear(),
            Kind::Service => self.state.services.clear(),
            Kind::Endpoints => self.state.endpoints.clear(),
        }
        for object in items {
            self.store_object(kind, Change::Added, object);
        }
    }

    /// Takes one watch event of feed `i` into the buffer (or marks the feed for re-opening).
    fn receive(&mut self, i: usize, ev: Option<WatchEvent>) {
        let feed = &mut self.feeds[i];
        let (change, object) = match ev {
            Some(WatchEvent::Added(o)) => (Change::Added, o),
            Some(WatchEvent::Modified(o)) => (Change::Modified, o),
            Some(WatchEvent::Deleted(o)) => (Change::Deleted, o),
            Some(WatchEvent::Bookmark { .. }) => return,
            Some(WatchEvent::Error(_)) => {
                feed.watch = None;
                feed.relist = true;
                return;
            }
            None => {
                feed.watch = None;
                return;
            }
        };
        let rv = resource_version(&object);
        if rv <= feed.received {
            return; // replayed after a re-open
        }
        feed.received = rv;
        self.buffer.push(Item {
            rv,
            kind: feed.kind,
            change,
            object,
        });
    }

    /// Puts `object` into the state; the object's name.
    fn store_object(&mut self, kind: Kind, change: Change, object: Value) -> String {
        let name = object
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        fn put<T: serde::de::DeserializeOwned>(
            map: &mut BTreeMap<String, Arc<T>>,
            name: &str,
            change: Change,
            object: Value,
        ) -> Result<(), String> {
            if change == Change::Deleted {
                map.remove(name);
            } else {
                let decoded = T::deserialize(&object).map_err(|e| format!("{e} in {object}"))?;
                map.insert(name.to_string(), Arc::new(decoded));
            }
            Ok(())
        }
        let s = &mut self.state;
        let stored = match kind {
            Kind::Rollout => put(&mut s.rollouts, &name, change, object),
            Kind::ReplicaSet => put(&mut s.replica_sets, &name, change, object),
            Kind::Pod => put(&mut s.pods, &name, change, object),
            Kind::Service => put(&mut s.services, &name, change, object),
            Kind::Endpoints => put(&mut s.endpoints, &name, change, object),
        };
        if let Err(e) = stored {
            self.report
                .violations
                .push(format!("the watcher could not decode {kind:?}/{name}: {e}"));
        }
        name
    }

    /// Applies one buffered commit and runs the checks on it.
    fn apply(&mut self, item: Item) {
        let before = self.state.clone();
        self.state.rv = item.rv;
        self.state.now_ms = (self.clock)().as_millisecond();
        let name = self.store_object(item.kind, item.change, item.object);
        *self.report.events.entry(item.kind).or_default() += 1;
        if self.report.recent.len() == RECENT {
            self.report.recent.pop_front();
        }
        self.report
            .recent
            .push_back(format!("rv {} {:?}/{name} {:?}", item.rv, item.kind, item.change));
        let t = Transition {
            before: &before,
            after: &self.state,
            kind: item.kind,
            name: &name,
            change: item.change,
        };
        let at = (self.clock)();
        for check in &mut self.checks {
            let mut findings = Findings::default();
            check.check(&t, &mut findings);
            *self.report.applied.entry(check.name().to_string()).or_default() += findings.applied;
            for v in findings.violations {
                self.report.violations.push(format!(
                    "[rv {} at {at}, after {}] {}: {v}",
                    item.rv,
                    t.describe(),
                    check.name()
                ));
            }
        }
    }

    /// Drains every queued event and applies those committed up to the store's current resourceVersion
    /// R, in resourceVersion order. A watch found ended is re-opened (its history replayed) and drained
    /// again before anything is applied, so that no event up to R is missing from the buffer.
    fn drain(&mut self) {
        let upto = self.store.resource_version();
        loop {
            for i in 0..self.feeds.len() {
                if self.feeds[i].watch.is_none() {
                    self.open(i);
                }
            }
            let mut ended = false;
            for i in 0..self.feeds.len() {
                while let Some(ev) = self.feeds[i].watch.as_mut().and_then(|w| w.next().now_or_never()) {
                    self.receive(i, ev);
                    ended |= self.feeds[i].watch.is_none();
                }
            }
            if !ended {
                break;
            }
        }
        // Every watch has delivered everything up to R: a re-open may resume from there (which spares a
        // re-list when the history is compacted at R).
        for feed in &mut self.feeds {
            feed.received = feed.received.max(upto);
        }
        self.buffer.sort_by_key(|it| it.rv);
        let later = self.buffer.partition_point(|it| it.rv <= upto);
        let ready: Vec<Item> = self.buffer.drain(..later).collect();
        for item in ready {
            self.apply(item);
        }
    }

    async fn run(mut self, stop: CancellationToken) -> Report {
        loop {
            for i in 0..self.feeds.len() {
                if self.feeds[i].watch.is_none() {
                    self.open(i);
                }
            }
            let woke = {
                let nexts = select_all(self.feeds.iter_mut().map(|f| Box::pin(f.next_event())));
                tokio::select! {
                    biased;
                    () = stop.cancelled() => None,
                    (ev, i, _) = nexts => Some((i, ev)),
                }
            };
            match woke {
                Some((i, ev)) => {
                    self.receive(i, ev);
                    self.drain();
                }
                None => {
                    self.drain();
                    self.report.last_state = self.state.summary();
                    return self.report;
                }
            }
        }
    }
}
