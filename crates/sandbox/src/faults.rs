//! Fault injection and request accounting for tests.
//!
//! [`Faults`] makes the HTTP API fail the next N matching requests with 409, 429, 500 (or any code) and
//! adds latency; watch faults (in-stream 410, dropped streams, compaction) act on the store and are
//! exposed by [`crate::Sandbox`]. [`RequestLog`] records every API request and counts them per verb and
//! resource, so a test can assert, for example, that a settled controller makes zero writes.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crate::error::ApiError;

/// Which verbs a fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultVerbs {
    /// create, update, patch, delete, deletecollection.
    Writes,
    /// get, list, watch.
    Reads,
    /// Every verb.
    All,
}

/// Whether a verb is a write.
pub fn is_write(verb: &str) -> bool {
    matches!(
        verb,
        "create" | "update" | "patch" | "delete" | "deletecollection"
    )
}

impl FaultVerbs {
    fn matches(self, verb: &str) -> bool {
        match self {
            FaultVerbs::Writes => is_write(verb),
            FaultVerbs::Reads => !is_write(verb),
            FaultVerbs::All => true,
        }
    }
}

#[derive(Debug, Clone)]
struct Rule {
    resource: Option<String>,
    verbs: FaultVerbs,
    code: u16,
    remaining: usize,
}

#[derive(Debug, Default)]
struct FaultState {
    rules: Vec<Rule>,
    latency: Vec<(Option<String>, Duration)>,
}

/// Request faults. Cheap to clone; clones share state.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    state: Arc<Mutex<FaultState>>,
}

fn injected(code: u16, group: &str, resource: &str, name: &str) -> ApiError {
    match code {
        409 => ApiError::stale(group, resource, name),
        429 => ApiError::too_many_requests(),
        500 => ApiError::internal("injected fault: internal error"),
        503 => ApiError::new(503, "ServiceUnavailable", "injected fault: service unavailable"),
        c => ApiError::new(c, "InjectedFault", format!("injected fault with code {c}")),
    }
}

impl Faults {
    fn lock(&self) -> MutexGuard<'_, FaultState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Fails the next `times` writes to `resource` (plural, e.g. `rollouts`) with `code` (409, 429, 500).
    pub fn fail_writes(&self, resource: &str, code: u16, times: usize) {
        self.fail_requests(Some(resource), FaultVerbs::Writes, code, times);
    }

    /// Fails the next `times` requests matching `resource` (any when None) and `verbs` with `code`.
    pub fn fail_requests(&self, resource: Option<&str>, verbs: FaultVerbs, code: u16, times: usize) {
        self.lock().rules.push(Rule {
            resource: resource.map(str::to_string),
            verbs,
            code,
            remaining: times,
        });
    }

    /// Delays every request to `resource` (all when None) by `delay`.
    pub fn add_latency(&self, resource: Option<&str>, delay: Duration) {
        self.lock().latency.push((resource.map(str::to_string), delay));
    }

    /// Removes every fault and latency rule.
    pub fn clear(&self) {
        *self.lock() = FaultState::default();
    }

    /// How many injected failures are still pending.
    pub fn pending(&self) -> usize {
        self.lock().rules.iter().map(|r| r.remaining).sum()
    }

    /// The latency to add and the error to answer for a request, consuming one failure if one matches.
    pub(crate) fn check(
        &self,
        verb: &str,
        group: &str,
        resource: &str,
        name: &str,
    ) -> (Duration, Option<ApiError>) {
        let mut st = self.lock();
        let delay = st
            .latency
            .iter()
            .filter(|(r, _)| r.as_deref().is_none_or(|r| r == resource))
            .map(|(_, d)| *d)
            .sum();
        let mut err = None;
        if let Some(rule) = st.rules.iter_mut().find(|r| {
            r.remaining > 0 && r.verbs.matches(verb) && r.resource.as_deref().is_none_or(|x| x == resource)
        }) {
            rule.remaining -= 1;
            err = Some(injected(rule.code, group, resource, name));
        }
        st.rules.retain(|r| r.remaining > 0);
        (delay, err)
    }
}

/// One API request as the sandbox saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestRecord {
    /// HTTP method.
    pub method: String,
    /// Path without the query.
    pub path: String,
    /// Raw query string.
    pub query: String,
    /// Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection; empty for
    /// non-resource paths (discovery, openapi, health).
    pub verb: String,
    /// API group of the resource.
    pub group: String,
    /// Plural resource name.
    pub resource: String,
    /// `status`, `scale`, ...
    pub subresource: Option<String>,
    /// Namespace from the URL.
    pub namespace: Option<String>,
    /// Name from the URL.
    pub name: Option<String>,
    /// Response status code.
    pub status: u16,
    /// Request Content-Type.
    pub content_type: Option<String>,
    /// Request Accept header.
    pub accept: Option<String>,
}

const LOG_CAPACITY: usize = 100_000;

#[derive(Debug, Default)]
struct LogState {
    records: VecDeque<RequestRecord>,
    counts: BTreeMap<(String, String), u64>,
}

/// The request log and per-verb/resource counters. Cheap to clone; clones share state.
#[derive(Debug, Clone, Default)]
pub struct RequestLog {
    state: Arc<Mutex<LogState>>,
}

impl RequestLog {
    fn lock(&self) -> MutexGuard<'_, LogState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn record(&self, rec: RequestRecord) {
        let mut st = self.lock();
        if !rec.verb.is_empty() {
            *st.counts
                .entry((rec.verb.clone(), rec.resource.clone()))
                .or_default() += 1;
        }
        if st.records.len() >= LOG_CAPACITY {
            st.records.pop_front();
        }
        st.records.push_back(rec);
    }

    /// The recorded requests (the latest 100,000), oldest first.
    pub fn records(&self) -> Vec<RequestRecord> {
        self.lock().records.iter().cloned().collect()
    }

    /// How many requests had this verb on this resource (plural name).
    pub fn count(&self, verb: &str, resource: &str) -> u64 {
        self.lock()
            .counts
            .get(&(verb.to_string(), resource.to_string()))
            .copied()
            .unwrap_or(0)
    }

    /// Every (verb, resource) counter.
    pub fn counts(&self) -> BTreeMap<(String, String), u64> {
        self.lock().counts.clone()
    }

    /// The number of write requests (create, update, patch, delete, deletecollection) on any resource.
    pub fn writes(&self) -> u64 {
        self.lock()
            .counts
            .iter()
            .filter(|((v, _), _)| is_write(v))
            .map(|(_, n)| n)
            .sum()
    }

    /// Forgets the records and counters.
    pub fn clear(&self) {
        *self.lock() = LogState::default();
    }
}
