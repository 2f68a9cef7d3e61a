//! The new ReplicaSet's desired replicas (`NewRSNewReplicas`, blue-green with `previewReplicaCount`, canary
//! by delegation) and the blue-green helpers `ReadyForPause` and `GetReplicaSetByTemplateHash`
//! (`utils/replicaset/replicaset.go`, `bluegreen.go`).

use std::borrow::Borrow;

use k8s_openapi::api::apps::v1::ReplicaSet;
use rollouts_api::Rollout;
use rollouts_api::rollout::TrafficWeights;

use crate::replicas::canary::replica_counts_for_basic_canary;
use crate::replicas::sets::{other_rss, stable_rs};
use crate::replicas::traffic_routed::replica_counts_for_traffic_routed_canary;
use crate::replicas::{available_replicas, label, name, pod_template_hash, spec_replicas};
use crate::{defaults, status};

/// The rollout has neither a blue-green nor a canary strategy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no rollout strategy provided")]
pub struct NoStrategyError;

/// `GetReplicaSetByTemplateHash(allRS, hash)`: the ReplicaSet whose `rollouts-pod-template-hash` label is
/// `hash` (the last one if several) and the other ReplicaSets that have the label, in order (those without
/// it are dropped). An empty hash finds nothing and returns every ReplicaSet as "other".
pub fn replica_set_by_template_hash<'a, R: Borrow<ReplicaSet>>(
    rss: &'a [R],
    hash: &str,
) -> (Option<&'a ReplicaSet>, Vec<&'a ReplicaSet>) {
    if hash.is_empty() {
        return (None, rss.iter().map(Borrow::borrow).collect());
    }
    let mut found = None;
    let mut others = Vec::new();
    for rs in rss.iter().map(Borrow::borrow) {
        match label(rs, rollouts_api::keys::POD_TEMPLATE_HASH_LABEL) {
            Some(h) if h == hash => found = Some(rs),
            Some(_) => others.push(rs),
            None => {}
        }
    }
    (found, others)
}

/// `NewRSNewReplicas(rollout, allRSs, newRS, weights)`: the desired `spec.replicas` of the new ReplicaSet.
///
/// Blue-green: `spec.replicas`, or `previewReplicaCount` while the new ReplicaSet is the preview (not the
/// active one, no full promotion, and not yet resumed past the preview scale-up checkpoint). Canary: the
/// canary count of the basic or traffic-routed calculation, with the stable found by `status.stableRS`.
///
/// # Errors
/// When the rollout has no strategy.
pub fn new_rs_new_replicas<R: Borrow<ReplicaSet>>(
    ro: &Rollout,
    all_rss: &[R],
    new_rs: Option<&ReplicaSet>,
    weights: Option<&TrafficWeights>,
) -> Result<i32, NoStrategyError> {
    let st = status(ro);
    if let Some(bg) = ro.blue_green() {
        let desired = defaults::replicas_or_default(ro.spec.replicas);
        let Some(preview_replica_count) = bg.preview_replica_count else {
            return Ok(desired);
        };
        let (active_rs, _) = replica_set_by_template_hash(all_rss, &st.blue_green.active_selector);
        // Go dereferences newRS here (a nil newRS would panic); a missing one has no name and no hash.
        let new_name = new_rs.map_or("", name);
        if active_rs.is_none_or(|active| name(active) == new_name) {
            // The active RS is the desired one: past the promotion.
            return Ok(desired);
        }
        if st.promote_full {
            return Ok(desired);
        }
        if pod_template_hash(new_rs) != st.current_pod_hash {
            // Not the revision recorded as current: a new update, so start at the preview count.
            return Ok(preview_replica_count);
        }
        let not_paused = !ro.spec.paused && st.pause_conditions.is_empty();
        if not_paused && st.blue_green.scale_up_preview_check_point {
            // Resumed after the pause, before the active service switches.
            return Ok(desired);
        }
        return Ok(preview_replica_count);
    }
    if ro.canary().is_some() {
        let stable = stable_rs(ro, new_rs, all_rss);
        let (new_count, _) = if ro.traffic_routing().is_none() {
            let others = other_rss(new_rs, stable, all_rss);
            replica_counts_for_basic_canary(ro, new_rs, stable, &others)
        } else {
            replica_counts_for_traffic_routed_canary(ro, new_rs, stable, weights)
        };
        return Ok(new_count);
    }
    Err(NoStrategyError)
}

/// `ReadyForPause`: the new ReplicaSet has exactly its desired replicas, all available.
pub fn ready_for_pause<R: Borrow<ReplicaSet>>(
    ro: &Rollout,
    new_rs: Option<&ReplicaSet>,
    all_rss: &[R],
) -> bool {
    let Ok(desired) = new_rs_new_replicas(ro, all_rss, new_rs, None) else {
        return false;
    };
    // Go dereferences newRS; a missing new ReplicaSet is not ready.
    new_rs.is_some_and(|rs| spec_replicas(rs) == desired && available_replicas(rs) == desired)
}
