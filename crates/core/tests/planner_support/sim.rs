//! The simulation loop over the tiny pure cluster: plan, apply the actions and status, then the kubelet
//! makes last tick's new pods available, until nothing changes, jumping ahead in time when the planner
//! asks to be requeued; and the readings the simulations assert on.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use rollouts_api::keys::POD_TEMPLATE_HASH_LABEL;
use rollouts_core::{Event, merge_patch};

use super::Cluster;

/// Drives the cluster until a plan changes nothing (and the kubelet neither), following requeues of up to
/// a minute. `check` sees the cluster after every tick. Returns the Events of the run with their time.
pub fn run(cluster: &mut Cluster, mut check: impl FnMut(&Cluster)) -> Vec<(Timestamp, Event)> {
    let mut timeline = Vec::new();
    for _ in 0..500 {
        let plan = cluster.plan();
        let old = cluster.rollout.status.clone().unwrap_or_default();
        let status_changed = plan
            .status
            .as_ref()
            .is_some_and(|new| merge_patch::status_patch(&old, new).expect("json").is_some());
        let seen = cluster.events.len();
        cluster.apply(&plan);
        timeline.extend(cluster.events[seen..].iter().map(|e| (cluster.now, e.clone())));
        let pods_changed = cluster.kubelet();
        check(cluster);
        if plan.actions.is_empty() && !status_changed && !pods_changed {
            match plan.requeue_after {
                Some(after) if after <= Duration::from_secs(60) => {
                    cluster.now += SignedDuration::try_from(after).expect("duration");
                    continue;
                }
                _ => return timeline,
            }
        }
        cluster.now += SignedDuration::from_secs(1);
    }
    panic!("the rollout did not settle: {:#?}", cluster.rollout.status);
}

/// A settled rollout plans no action and writes no status.
pub fn assert_settled(cluster: &Cluster) {
    let plan = cluster.plan();
    assert!(plan.actions.is_empty(), "{:?}", plan.actions);
    let old = cluster.rollout.status.clone().unwrap_or_default();
    let patch = plan
        .status
        .as_ref()
        .and_then(|new| merge_patch::status_patch(&old, new).expect("json"));
    assert_eq!(patch, None);
}

pub fn status(cluster: &Cluster) -> &rollouts_api::RolloutStatus {
    cluster.rollout.status.as_ref().expect("status")
}

/// `(spec.replicas, available)` of the ReplicaSet with this hash.
pub fn pods(cluster: &Cluster, hash: &str) -> (i32, i32) {
    let rs = cluster.rs_by_hash(hash).expect("replica set");
    let available = rs.status.as_ref().and_then(|s| s.available_replicas).unwrap_or(0);
    (rs.spec.replicas.unwrap_or(1), available)
}

pub fn selector(cluster: &Cluster, service: &str) -> String {
    let svc = &cluster.services[service];
    let selector = svc
        .spec
        .as_ref()
        .and_then(|s| s.selector.as_ref())
        .expect("selector");
    selector.get(POD_TEMPLATE_HASH_LABEL).cloned().unwrap_or_default()
}

pub fn messages(timeline: &[(Timestamp, Event)], reason: &str) -> Vec<String> {
    timeline
        .iter()
        .filter(|(_, e)| e.reason == reason)
        .map(|(_, e)| e.message.clone())
        .collect()
}
