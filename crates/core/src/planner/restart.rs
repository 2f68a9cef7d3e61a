//! Restarting a rollout's pods (`spec.restartAt`, `rollout/restart.go` `RolloutPodRestarter`): pods created
//! before `restartAt` are evicted, never more at once than the available pods above
//! `max(replicas, sum of ReplicaSet replicas) - max(maxUnavailable, 1)`; once none is left
//! `status.restartedAt` records the restart.
//!
//! The planner cannot know whether an eviction will be refused by a PodDisruptionBudget (HTTP 429, which
//! Go skips): it plans each eviction as if it succeeds and asks to be requeued, as Go does whenever pods
//! remain.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::api::core::v1::Pod;

use super::claim::selector_matches;
use super::context::RolloutContext;
use crate::gosort;
use crate::plan::Action;
use crate::replicas::fenceposts::max_unavailable;
use crate::replicas::name;
use crate::replicas::sets::{needs_restart, replica_count};

/// How soon to look again while pods remain to be restarted (`restartPodCheckTime`).
const RESTART_POD_CHECK: Duration = Duration::from_secs(30);

/// `podutil.IsPodAvailable`: Ready, for at least `min_ready_seconds` (strictly before `now`).
pub(crate) fn is_pod_available(pod: &Pod, min_ready_seconds: i32, now: Timestamp) -> bool {
    let Some(ready) = pod
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|c| c.iter().find(|c| c.type_ == "Ready"))
    else {
        return false;
    };
    if ready.status != "True" {
        return false;
    }
    if min_ready_seconds == 0 {
        return true;
    }
    ready
        .last_transition_time
        .as_ref()
        .and_then(|t| {
            t.0.checked_add(SignedDuration::from_secs(i64::from(min_ready_seconds)))
                .ok()
        })
        .is_some_and(|at| at < now)
}

impl RolloutContext<'_> {
    /// `RolloutPodRestarter.Reconcile`: evicts the pods older than `spec.restartAt` that availability
    /// allows; returns how many it evicted.
    pub fn reconcile_restart(&mut self) -> usize {
        let now = self.now();
        let restart_at = self.rollout.spec.restart_at.as_ref().map(|t| t.0);
        // `checkEnqueueRollout`: look again when a future restart time comes.
        if let Some(at) = restart_at
            && now <= at
        {
            let wait = Duration::try_from(at.duration_since(now)).unwrap_or(Duration::ZERO);
            self.requeue(wait + Duration::from_millis(1));
        }
        let Some(restart_at) = restart_at.filter(|_| needs_restart(&self.rollout, now)) else {
            return 0;
        };
        self.sort_replica_sets_by_priority();
        let uids: HashSet<&str> = self
            .all_rss
            .iter()
            .filter_map(|rs| rs.metadata.uid.as_deref())
            .collect();
        let snapshot = self.snapshot;
        let selector = self.rollout.spec.selector.as_ref();
        let mut pods: Vec<&Arc<Pod>> = snapshot
            .pods
            .iter()
            .filter(|pod| selector_matches(selector, pod.metadata.labels.as_ref()))
            .filter(|pod| {
                pod.metadata
                    .owner_references
                    .iter()
                    .flatten()
                    .any(|r| uids.contains(r.uid.as_str()))
            })
            .collect();
        // The order of the API server's list: by name.
        pods.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));

        let total = replica_count(&self.all_rss);
        let replicas = self.spec_replicas();
        let min_ready = self.rollout.spec.min_ready_seconds;
        let available = pods
            .iter()
            .filter(|p| p.metadata.deletion_timestamp.is_none() && is_pod_available(p, min_ready, now))
            .count();
        let available = i32::try_from(available).unwrap_or(i32::MAX);
        let concurrent = max_unavailable(&self.rollout).max(1);
        let mut can_restart = available - (replicas.max(total) - concurrent);

        let mut needed = 0;
        let mut evictions = Vec::new();
        for pod in pods {
            let created = pod.metadata.creation_timestamp.as_ref().map(|t| t.0);
            if created.is_some_and(|c| c >= restart_at) {
                continue;
            }
            needed += 1;
            if can_restart <= 0 || pod.metadata.deletion_timestamp.is_some() {
                continue;
            }
            evictions.push(Action::EvictPod {
                name: pod.metadata.name.clone().unwrap_or_default(),
            });
            can_restart -= 1;
        }
        let restarted = evictions.len();
        self.plan.actions.extend(evictions);
        if needed != restarted {
            self.requeue(RESTART_POD_CHECK);
        } else {
            self.new_status.restarted_at = self.rollout.spec.restart_at.clone();
        }
        restarted
    }

    /// `sort.Sort(SortReplicaSetsByPriority)` on the context's ReplicaSets: stable first, then new, then
    /// by creation (Go's comparison, reordering `c.allRSs` in place).
    fn sort_replica_sets_by_priority(&mut self) {
        let stable = self
            .stable_rs
            .as_ref()
            .map(|rs| name(rs).to_owned())
            .unwrap_or_default();
        let new = self
            .new_rs
            .as_ref()
            .map(|rs| name(rs).to_owned())
            .unwrap_or_default();
        gosort::sort(&mut self.all_rss, |data: &[Arc<ReplicaSet>], i, j| {
            let (a, b) = (name(&data[i]), name(&data[j]));
            if a == stable {
                return true;
            }
            if b == stable {
                return false;
            }
            if a == new {
                return true;
            }
            if b == new {
                return false;
            }
            let created = |rs: &ReplicaSet| rs.metadata.creation_timestamp.as_ref().map(|t| t.0);
            match (created(&data[i]), created(&data[j])) {
                (Some(x), Some(y)) => x < y,
                (None, Some(_)) => true,
                _ => false,
            }
        });
    }
}
