//! Canary weights and their replica equivalents (`utils/replicaset/canary.go`, `utils/weightutil`): the
//! desired canary weight (or explicit `setCanaryScale` replicas), the weighted split of a basic canary, and
//! the round-up conversion of a traffic weight into replicas.

use k8s_openapi::api::apps::v1::ReplicaSet;
use rollouts_api::Rollout;

use crate::replicas::available_replicas;
use crate::steps::{current_set_weight, use_set_canary_scale};
use crate::{defaults, status};

/// `weightutil.MaxTrafficWeight`: `trafficRouting.maxTrafficWeight`, else 100.
pub fn max_traffic_weight(ro: &Rollout) -> i32 {
    ro.traffic_routing()
        .and_then(|tr| tr.max_traffic_weight)
        .unwrap_or(rollouts_api::defaults::MAX_TRAFFIC_WEIGHT)
}

/// `trafficWeightToReplicas`: `ceil(weight * replicas / maxWeight)`, always rounding up.
pub fn traffic_weight_to_replicas(replicas: i32, weight: i32, max_weight: i32) -> i32 {
    // Go: int32(math.Ceil(float64(weight) * float64(replicas) / float64(maxWeight))).
    (f64::from(weight) * f64::from(replicas) / f64::from(max_weight)).ceil() as i32
}

/// `approximateWeightedCanaryStableReplicaCounts(specReplicas, desiredWeight, maxWeight, maxSurge)`: the
/// `(canary, stable)` split whose canary share is closest to `desiredWeight / maxWeight`. The two sum to
/// `specReplicas`, or `specReplicas + 1` when surge is allowed; a weight strictly between 0 and the maximum
/// never gives 0 canary or 0 stable pods (unless a single replica without surge).
pub fn approximate_weighted_canary_stable_replica_counts(
    spec_replicas: i32,
    desired_weight: i32,
    max_weight: i32,
    max_surge: i32,
) -> (i32, i32) {
    if spec_replicas == 0 {
        return (0, 0);
    }
    // Go multiplies in int32 (wrapping) before converting to float64.
    let weighted = f64::from(spec_replicas.wrapping_mul(desired_weight)) / f64::from(max_weight);
    let ceil = weighted.ceil() as i32;
    let floor = weighted.floor() as i32;
    let tied = floor_ceiling_tied(desired_weight, max_weight, spec_replicas);
    // Zero canary (or zero stable) pods are only allowed at the extremes, or with one replica and no surge.
    let zero_allowed =
        desired_weight == max_weight || desired_weight == 0 || (spec_replicas == 1 && max_surge == 0);

    // Candidate (canary, total) pairs, in Go's order: earlier candidates win ties.
    let mut options: Vec<(i32, i32)> = Vec::with_capacity(4);
    if ceil < spec_replicas || zero_allowed {
        options.push((ceil, spec_replicas));
    }
    if !tied && (floor != 0 || zero_allowed) {
        options.push((floor, spec_replicas));
    }
    if max_surge > 0 {
        options.push((ceil, spec_replicas + 1));
        let surge_tied = floor_ceiling_tied(desired_weight, max_weight, spec_replicas + 1);
        if !surge_tied && (floor != 0 || zero_allowed) {
            options.push((floor, spec_replicas + 1));
        }
    }
    let Some(&first) = options.first() else {
        // Go: "should not get here".
        return (0, spec_replicas);
    };
    let mut best = first;
    let mut best_delta = weight_delta(desired_weight, max_weight, best.0, best.1);
    for &option in &options[1..] {
        let delta = weight_delta(desired_weight, max_weight, option.0, option.1);
        if delta < best_delta {
            best = option;
            best_delta = delta;
        }
    }
    (best.0, best.1 - best.0)
}

/// `floorCeilingTied`: the fractional part of `total * (weight / maxWeight)` is exactly 0.5 (Go's
/// multiplication order, which decides the float rounding).
fn floor_ceiling_tied(desired_weight: i32, max_weight: i32, total_replicas: i32) -> bool {
    let product = f64::from(total_replicas) * (f64::from(desired_weight) / f64::from(max_weight));
    product.fract() == 0.5
}

/// `weightDelta`: how far `canary / total` (as a weight) is from the desired weight.
fn weight_delta(desired_weight: i32, max_weight: i32, canary_replicas: i32, total_replicas: i32) -> f64 {
    // Go multiplies in int32 (wrapping).
    let actual = f64::from(canary_replicas.wrapping_mul(max_weight)) / f64::from(total_replicas);
    (actual - f64::from(desired_weight)).abs()
}

/// `GetCanaryReplicasOrWeight`: either explicit canary replicas (from `setCanaryScale.replicas`, weight 0) or
/// the desired canary weight. Fully promoting, no stable yet, or stable == current all mean the maximum
/// weight.
pub fn canary_replicas_or_weight(
    ro: &Rollout,
    new_rs: Option<&ReplicaSet>,
    stable_rs: Option<&ReplicaSet>,
) -> (Option<i32>, i32) {
    let st = status(ro);
    if st.promote_full || st.stable_rs.is_empty() || st.current_pod_hash == st.stable_rs {
        return (None, max_traffic_weight(ro));
    }
    if let Some(scale) = use_set_canary_scale(ro) {
        if let Some(replicas) = scale.replicas {
            return (Some(replicas), 0);
        } else if let Some(weight) = scale.weight {
            return (None, weight);
        }
    }
    (None, desired_canary_weight(ro, new_rs, stable_rs))
}

/// `GetDesiredCanaryWeight`: the current setWeight, except when aborting with `dynamicStableScale` (and both
/// ReplicaSets known): then the weight steps down through the setWeight steps in reverse, to the first step
/// whose replica count is below the canary pods still needed, so that the stable scales up gradually.
pub fn desired_canary_weight(
    ro: &Rollout,
    new_rs: Option<&ReplicaSet>,
    stable_rs: Option<&ReplicaSet>,
) -> i32 {
    let dynamic_stable_scale = ro.canary().is_some_and(|c| c.dynamic_stable_scale);
    let (Some(new_rs), Some(stable_rs)) = (new_rs, stable_rs) else {
        return current_set_weight(ro);
    };
    if !(status(ro).abort && dynamic_stable_scale) {
        return current_set_weight(ro);
    }
    let max_weight = max_traffic_weight(ro);
    let spec_replicas = defaults::replicas_or_default(ro.spec.replicas);
    // The caller derives the stable count from the canary weight, so work backwards from the stable pods.
    let expected_canary_replicas = spec_replicas - available_replicas(stable_rs);
    let canary_replicas = if defaults::has_explicit_abort_scale_down_delay(ro) {
        // An explicit delay keeps the canary at full scale until its deadline, which is only set once the
        // stable is fully scaled: the canary's size must not hold the weight up, or the abort deadlocks.
        expected_canary_replicas
    } else {
        // Scaling the canary down must catch up with scaling the stable up.
        expected_canary_replicas.max(available_replicas(new_rs))
    };
    ro.steps()
        .iter()
        .rev()
        .filter_map(|step| step.set_weight)
        .find(|&weight| traffic_weight_to_replicas(spec_replicas, weight, max_weight) < canary_replicas)
        .unwrap_or(0)
}
