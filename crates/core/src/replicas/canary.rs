//! The basic (replica-weighted, no traffic routing) canary: `CalculateReplicaCountsForBasicCanary` and its
//! scale-down helpers, and the "are we there yet" checks shared with the traffic-routed canary
//! (`AtDesiredReplicaCountsForCanary`, `ReplicaProgressThresholdMet`), from `utils/replicaset/canary.go`.

use std::borrow::Borrow;

use k8s_openapi::api::apps::v1::ReplicaSet;
use rollouts_api::Rollout;
use rollouts_api::enums::ProgressType;
use rollouts_api::rollout::{ReplicaProgressThreshold, TrafficWeights};

use crate::defaults;
use crate::replicas::fenceposts::{max_surge, max_unavailable};
use crate::replicas::sets::{available_replica_count, replica_count};
use crate::replicas::traffic_routed::replica_counts_for_traffic_routed_canary;
use crate::replicas::weights::{
    approximate_weighted_canary_stable_replica_counts, canary_replicas_or_weight, max_traffic_weight,
};
use crate::replicas::{available_replicas, name, spec_replicas, spec_replicas_opt, status_replicas};

/// `allDesiredAreAvailable`: `rs` exists and both its `spec.replicas` (default 1) and its available
/// replicas equal `desired`.
pub fn all_desired_are_available(rs: Option<&ReplicaSet>, desired: i32) -> bool {
    rs.is_some_and(|rs| {
        desired == defaults::replicas_or_default(spec_replicas_opt(rs)) && desired == available_replicas(rs)
    })
}

/// `allDesiredAreCreated`: `rs` exists and both its `spec.replicas` and `status.replicas` equal `desired`.
pub fn all_desired_are_created(rs: Option<&ReplicaSet>, desired: i32) -> bool {
    rs.is_some_and(|rs| desired == spec_replicas(rs) && desired == status_replicas(rs))
}

/// `ReplicaProgressThresholdMet`: enough of the `desired` pods of `rs` are available. Without a threshold
/// (or with a negative one) all of them must be, as [`all_desired_are_available`]; a `Percent` threshold is
/// met when desired is 0 or the available share reaches it (with a 1e-10 tolerance); a `Pods` threshold when
/// that many pods are available.
pub fn replica_progress_threshold_met(
    threshold: Option<&ReplicaProgressThreshold>,
    rs: Option<&ReplicaSet>,
    desired: i32,
) -> bool {
    let (Some(threshold), Some(rs)) = (threshold, rs) else {
        return all_desired_are_available(rs, desired);
    };
    if threshold.value < 0 {
        return all_desired_are_available(Some(rs), desired);
    }
    if threshold.type_ == Some(ProgressType::Percentage) {
        if desired == 0 {
            return true;
        }
        let current = f64::from(available_replicas(rs)) / f64::from(desired) * 100.0;
        let value = f64::from(threshold.value);
        return current >= value || (current - value).abs() <= 1e-10;
    }
    // Any other type (`Pods`, or unset) counts pods.
    available_replicas(rs) >= threshold.value
}

/// `AtDesiredReplicaCountsForCanary`: the canary has reached its desired count (within the progress
/// threshold), the stable has exactly its desired count created (unless traffic-routed with
/// `dynamicStableScale`), and, for a basic canary, no older ReplicaSet has available pods.
pub fn at_desired_replica_counts_for_canary<R: Borrow<ReplicaSet>>(
    ro: &Rollout,
    new_rs: Option<&ReplicaSet>,
    stable_rs: Option<&ReplicaSet>,
    older_rss: &[R],
    weights: Option<&TrafficWeights>,
) -> bool {
    let canary = ro.canary();
    let traffic_routed = ro.traffic_routing().is_some();
    let (desired_new, desired_stable) = if traffic_routed {
        replica_counts_for_traffic_routed_canary(ro, new_rs, stable_rs, weights)
    } else {
        replica_counts_for_basic_canary(ro, new_rs, stable_rs, older_rss)
    };
    let threshold = canary.and_then(|c| c.replica_progress_threshold.as_ref());
    if !replica_progress_threshold_met(threshold, new_rs, desired_new) {
        return false;
    }
    let dynamic_stable_scale = canary.is_some_and(|c| c.dynamic_stable_scale);
    if (!traffic_routed || !dynamic_stable_scale) && !all_desired_are_created(stable_rs, desired_stable) {
        return false;
    }
    // A basic canary's older ReplicaSets serve traffic, so they must be gone; with traffic routing the
    // router keeps traffic away from them.
    traffic_routed || available_replica_count(older_rss) == 0
}

/// `CheckStableRSExists`: there is a stable ReplicaSet and it is not the new one (by name).
pub fn check_stable_rs_exists(new_rs: Option<&ReplicaSet>, stable_rs: Option<&ReplicaSet>) -> bool {
    match (new_rs, stable_rs) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(new_rs), Some(stable_rs)) => name(new_rs) != name(stable_rs),
    }
}

/// `GetReplicasForScaleDown`: the replicas of `rs` that count towards availability when deciding how far to
/// scale down: `spec.replicas` when it is below the available count (the extra pods are about to go) or when
/// availability may be ignored, else the available count.
pub fn replicas_for_scale_down(rs: Option<&ReplicaSet>, ignore_availability: bool) -> i32 {
    let Some(rs) = rs else {
        return 0;
    };
    let spec = spec_replicas(rs);
    if spec < available_replicas(rs) || ignore_availability {
        return spec;
    }
    available_replicas(rs)
}

/// `CalculateReplicaCountsForBasicCanary`: the `(canary, stable)` `spec.replicas` for the next step of a
/// canary without traffic routing.
///
/// The desired split follows the weight ([`approximate_weighted_canary_stable_replica_counts`]); without a
/// distinct stable ReplicaSet the new one goes straight to `spec.replicas`. Scale-up is bounded by
/// `spec.replicas + maxSurge` over all ReplicaSets, the stable first. Scale-down is bounded by
/// `spec.replicas - maxUnavailable` available pods and only happens once no older ReplicaSet has replicas;
/// it drains the canary when the weight is decreasing, else the stable.
pub fn replica_counts_for_basic_canary<R: Borrow<ReplicaSet>>(
    ro: &Rollout,
    new_rs: Option<&ReplicaSet>,
    stable_rs: Option<&ReplicaSet>,
    old_rss: &[R],
) -> (i32, i32) {
    let spec_replicas_total = defaults::replicas_or_default(ro.spec.replicas);
    let (_, desired_weight) = canary_replicas_or_weight(ro, new_rs, stable_rs);
    let max_surge = max_surge(ro);
    let max_weight = max_traffic_weight(ro);
    let (mut desired_new, mut desired_stable) = approximate_weighted_canary_stable_replica_counts(
        spec_replicas_total,
        desired_weight,
        max_weight,
        max_surge,
    );

    let mut stable_count = 0;
    let mut new_count = new_rs.map_or(0, spec_replicas);
    // The stable ReplicaSet to scale, when there is one distinct from the new ReplicaSet.
    let scaled_stable = stable_rs.filter(|_| check_stable_rs_exists(new_rs, stable_rs));
    if let Some(stable) = scaled_stable {
        stable_count = spec_replicas(stable);
    } else {
        // Without a distinct stable the rollout does not follow the steps: the new RS goes to 100%.
        desired_new = spec_replicas_total;
        desired_stable = 0;
    }

    let max_replica_count_allowed = spec_replicas_total + max_surge;
    let total_current =
        replica_count(old_rss) + new_rs.map_or(0, spec_replicas) + scaled_stable.map_or(0, spec_replicas);
    let mut scale_up_count = max_replica_count_allowed - total_current;

    if let Some(stable) = scaled_stable
        && spec_replicas(stable) < desired_stable
        && scale_up_count > 0
    {
        let current = spec_replicas(stable);
        if current + scale_up_count < desired_stable {
            // Every replica allowed goes to the stable to get closer to the desired state.
            stable_count = current + scale_up_count;
            scale_up_count = 0;
        } else {
            stable_count = desired_stable;
            scale_up_count -= desired_stable - current;
        }
    }

    if let Some(new) = new_rs
        && spec_replicas(new) < desired_new
        && scale_up_count > 0
    {
        let current = spec_replicas(new);
        new_count = if current + scale_up_count < desired_new {
            current + scale_up_count
        } else {
            desired_new
        };
    }

    if replica_count(old_rss) > 0 {
        // Older ReplicaSets are scaled down first, before the new or stable ReplicaSet.
        return (new_count, stable_count);
    }

    let min_available = spec_replicas_total - max_unavailable(ro);
    // When the canary count is increasing the stable's availability may be ignored; when it is decreasing
    // (e.g. an abort) the canary's may.
    let is_increasing = new_rs.is_none_or(|new| desired_new >= spec_replicas(new));
    let replicas_to_scale_down =
        replicas_for_scale_down(new_rs, !is_increasing) + replicas_for_scale_down(stable_rs, is_increasing);
    if replicas_to_scale_down <= min_available {
        // Scaling down either ReplicaSet would go below the minimum available.
        return (new_count, stable_count);
    }

    let scale_down_count = replicas_to_scale_down - min_available;
    if !is_increasing {
        // Drain the canary; the stable's availability is what counts.
        new_count = scale_down_replica_count(new_rs, desired_new, scale_down_count, new_count);
        // Go passes stableRS here even when it is the new RS (CheckStableRSExists false).
        (new_count, stable_count) = adjust_replica_within_limits(
            new_rs,
            stable_rs,
            new_count,
            stable_count,
            max_replica_count_allowed,
            min_available,
        );
    } else if let Some(stable) = scaled_stable {
        // Drain the stable; the canary's availability is what counts.
        stable_count = scale_down_replica_count(Some(stable), desired_stable, scale_down_count, stable_count);
        (stable_count, new_count) = adjust_replica_within_limits(
            Some(stable),
            new_rs,
            stable_count,
            new_count,
            max_replica_count_allowed,
            min_available,
        );
    }
    (new_count, stable_count)
}

/// `calculateScaleDownReplicaCount`: scale `drain_rs` down towards its desired count by at most
/// `scale_down_count`.
fn scale_down_replica_count(
    drain_rs: Option<&ReplicaSet>,
    desired: i32,
    scale_down_count: i32,
    drain_count: i32,
) -> i32 {
    match drain_rs {
        Some(rs) if spec_replicas(rs) > desired => desired.max(spec_replicas(rs) - scale_down_count),
        _ => drain_count,
    }
}

/// `adjustReplicaWithinLimits`: bring the two counts back within `maxSurge` (taking from `adjust_rs` first)
/// without letting availability drop below `min_available` because of `adjust_rs`; returns
/// `(drain_count, adjust_count)`.
fn adjust_replica_within_limits(
    drain_rs: Option<&ReplicaSet>,
    adjust_rs: Option<&ReplicaSet>,
    mut drain_count: i32,
    mut adjust_count: i32,
    max_replica_count_allowed: i32,
    min_available: i32,
) -> (i32, i32) {
    let mut over_the_limit = 0.max(adjust_count + drain_count - max_replica_count_allowed);
    let mut total_available = drain_rs.map_or(0, |rs| available_replicas(rs).min(drain_count));
    if let Some(adjust_rs) = adjust_rs {
        // 1. Bring the adjusted ReplicaSet within maxSurge.
        adjust_count -= over_the_limit;
        // 2. The availability that leaves.
        total_available += available_replicas(adjust_rs).min(adjust_count);
        // 3. The availability lost by (1).
        let extra_available = 0.max(available_replicas(adjust_rs) - adjust_count);
        // 4. How far that is from the maxUnavailable limit.
        let more_needed = 0.max(min_available - total_available);
        // 5. Give back what (1) took, up to what the limit needs.
        adjust_count += extra_available.min(more_needed);
        // 6-7. Whatever is still over the limit comes off the drained ReplicaSet.
        over_the_limit = 0.max(adjust_count + drain_count - max_replica_count_allowed);
        drain_count -= over_the_limit;
    }
    (drain_count, adjust_count)
}
