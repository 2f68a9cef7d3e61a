//! Kubernetes Events on Rollouts, as Argo's recorder writes them (`utils/record/record.go` over
//! client-go's `record`): core/v1 Events with `source.component: rollouts-controller`, Argo's reason and
//! message, Normal or Warning, readable by `kubectl describe rollout`.
//!
//! Like client-go's event correlator, an identical event (same object, type, reason and message) within
//! ten minutes bumps `count` and `lastTimestamp` of the existing Event instead of creating a new one.
//! (kube-runtime's `Recorder` is not used: it writes events.k8s.io/v1 and folds events that differ only
//! in their message into one series, which would lose Argo's `Scaled up ReplicaSet ... to N` messages.)
//! Every recorded event counts in `rollout_events_total`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::{Event, EventSource, ObjectReference};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use k8s_openapi::jiff::Timestamp;
use kube::api::{Patch, PatchParams, PostParams};
use kube::{Api, Client, Resource, ResourceExt};
use rollouts_api::Rollout;
use serde_json::json;
use tokio::sync::Mutex;

use crate::error::{Error, Result, is_not_found};
use crate::metrics::Metrics;

/// The component Argo's events are reported by.
pub const COMPONENT: &str = "rollouts-controller";
/// How long an identical event is folded into the previous one.
const CORRELATION_WINDOW: Duration = Duration::from_secs(600);
/// How often expired events are forgotten.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

#[derive(Clone, Debug, Hash, PartialEq, Eq)]
struct Key {
    uid: String,
    type_: &'static str,
    reason: String,
    message: String,
}

#[derive(Clone, Debug)]
struct Seen {
    namespace: String,
    name: String,
    count: i32,
    at: Instant,
}

/// The events recorded within the correlation window. Expired ones are ignored on lookup and swept
/// at most once per [`SWEEP_EVERY`], so recording an event costs the same however many are remembered
/// (sweeping on every event made a wave of N rollouts cost O(N²)).
#[derive(Debug)]
struct Recent {
    seen: HashMap<Key, Seen>,
    swept: Instant,
}

impl Recent {
    fn new(now: Instant) -> Self {
        Self {
            seen: HashMap::new(),
            swept: now,
        }
    }

    /// The unexpired event recorded under `key`.
    fn get(&mut self, key: &Key, now: Instant) -> Option<Seen> {
        if now.saturating_duration_since(self.swept) >= SWEEP_EVERY {
            self.seen
                .retain(|_, s| now.saturating_duration_since(s.at) < CORRELATION_WINDOW);
            self.swept = now;
        }
        self.seen
            .get(key)
            .filter(|s| now.saturating_duration_since(s.at) < CORRELATION_WINDOW)
            .cloned()
    }

    fn insert(&mut self, key: Key, seen: Seen) {
        self.seen.insert(key, seen);
    }
}

/// Records Events on Rollouts.
pub struct EventRecorder {
    client: Client,
    instance: String,
    metrics: Metrics,
    seen: Mutex<Recent>,
}

impl EventRecorder {
    /// A recorder writing through `client`; `instance` names this controller process.
    pub fn new(client: Client, instance: impl Into<String>, metrics: Metrics) -> Self {
        Self {
            client,
            instance: instance.into(),
            metrics,
            seen: Mutex::new(Recent::new(Instant::now())),
        }
    }

    /// Records `event` on `rollout`.
    ///
    /// # Errors
    /// When the Event cannot be written.
    pub async fn record(&self, rollout: &Rollout, event: &rollouts_core::Event) -> Result<()> {
        let ns = rollout.namespace().unwrap_or_default();
        let rollout_name = rollout.name_any();
        let type_ = event.kind.as_str();
        self.metrics.event(&ns, &rollout_name, type_, &event.reason);
        let key = Key {
            uid: rollout.uid().unwrap_or_default(),
            type_,
            reason: event.reason.clone(),
            message: event.message.clone(),
        };
        let now = Time(Timestamp::now());
        let api: Api<Event> = Api::namespaced(self.client.clone(), &ns);
        // The lock is never held across an API call: reconciles of different rollouts record in parallel.
        let prev = self.seen.lock().await.get(&key, Instant::now());
        if let Some(prev) = prev {
            let count = prev.count + 1;
            let patch = json!({"count": count, "lastTimestamp": now});
            match api
                .patch(&prev.name, &PatchParams::default(), &Patch::Merge(&patch))
                .await
            {
                Ok(_) => {
                    let seen = Seen {
                        count,
                        at: Instant::now(),
                        ..prev
                    };
                    self.seen.lock().await.insert(key, seen);
                    return Ok(());
                }
                // Deleted meanwhile (TTL): write a fresh one.
                Err(e) if is_not_found(&e) => {}
                Err(e) => {
                    return Err(Error::kube(
                        format!("updating Event {}/{}", prev.namespace, prev.name),
                        e,
                    ));
                }
            }
        }
        let name = format!("{rollout_name}.{:x}", now.0.as_nanosecond());
        let body = Event {
            metadata: ObjectMeta {
                name: Some(name.clone()),
                namespace: Some(ns.clone()),
                ..ObjectMeta::default()
            },
            involved_object: involved_object(rollout),
            reason: Some(event.reason.clone()),
            message: Some(event.message.clone()),
            type_: Some(type_.to_string()),
            source: Some(EventSource {
                component: Some(COMPONENT.to_string()),
                host: None,
            }),
            first_timestamp: Some(now.clone()),
            last_timestamp: Some(now.clone()),
            count: Some(1),
            reporting_component: Some(COMPONENT.to_string()),
            reporting_instance: Some(self.instance.clone()),
            ..Event::default()
        };
        api.create(&PostParams::default(), &body)
            .await
            .map_err(|e| Error::kube(format!("creating Event {ns}/{name}"), e))?;
        let seen = Seen {
            namespace: ns,
            name,
            count: 1,
            at: Instant::now(),
        };
        self.seen.lock().await.insert(key, seen);
        Ok(())
    }
}

fn involved_object(rollout: &Rollout) -> ObjectReference {
    ObjectReference {
        api_version: Some(Rollout::api_version(&()).into_owned()),
        kind: Some(Rollout::kind(&()).into_owned()),
        name: rollout.meta().name.clone(),
        namespace: rollout.meta().namespace.clone(),
        uid: rollout.meta().uid.clone(),
        resource_version: rollout.meta().resource_version.clone(),
        ..ObjectReference::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(reason: &str) -> Key {
        Key {
            uid: "u".into(),
            type_: "Normal",
            reason: reason.into(),
            message: "m".into(),
        }
    }

    fn seen(at: Instant) -> Seen {
        Seen {
            namespace: "ns".into(),
            name: "web.1".into(),
            count: 1,
            at,
        }
    }

    #[test]
    fn events_fold_within_the_window_and_expired_ones_are_swept_only_periodically() {
        let t0 = Instant::now();
        let mut recent = Recent::new(t0);
        recent.insert(key("old"), seen(t0));
        let later = t0 + Duration::from_secs(120);
        recent.insert(key("new"), seen(later));
        assert_eq!(recent.get(&key("old"), later).map(|s| s.count), Some(1));
        // Past the window an event is not folded, even before any sweep forgot it.
        let expired = t0 + CORRELATION_WINDOW + Duration::from_secs(1);
        recent.swept = expired;
        assert!(recent.get(&key("old"), expired).is_none());
        assert_eq!(
            recent.seen.len(),
            2,
            "no sweep within SWEEP_EVERY of the last one"
        );
        assert!(recent.get(&key("new"), expired).is_some());
        // The next sweep forgets what expired and keeps the rest.
        let sweep = expired + SWEEP_EVERY;
        assert!(recent.get(&key("absent"), sweep).is_none());
        assert_eq!(recent.seen.len(), 1);
        assert!(recent.seen.contains_key(&key("new")));
    }
}
