//! The traffic-routed canary: `CalculateReplicaCountsForTrafficRoutedCanary` and `CheckMinPodsPerReplicaSet`
//! (`utils/replicaset/canary.go`). The router, not the replica ratio, splits the traffic, so the canary is
//! scaled to its weight (rounded up) and the stable stays at 100% unless `dynamicStableScale`.

use k8s_openapi::api::apps::v1::ReplicaSet;
use rollouts_api::Rollout;
use rollouts_api::rollout::TrafficWeights;

use crate::replicas::weights::{canary_replicas_or_weight, max_traffic_weight, traffic_weight_to_replicas};
use crate::{defaults, status};

/// `CheckMinPodsPerReplicaSet`: a non-zero count of a traffic-routed canary is at least
/// `minPodsPerReplicaSet`, itself capped at `spec.replicas`.
pub fn check_min_pods_per_replica_set(ro: &Rollout, count: i32) -> i32 {
    if count == 0 {
        return count;
    }
    let Some(canary) = ro.canary() else {
        return count;
    };
    let (Some(min_pods), Some(_)) = (canary.min_pods_per_replica_set, canary.traffic_routing.as_ref()) else {
        return count;
    };
    // Capped at spec.replicas to avoid a reconciliation loop.
    let min_pods = min_pods.min(defaults::replicas_or_default(ro.spec.replicas));
    count.max(min_pods)
}

/// `CalculateReplicaCountsForTrafficRoutedCanary`: the `(canary, stable)` `spec.replicas` of a canary with
/// traffic routing. The canary gets the explicit `setCanaryScale` replicas or its weight's replicas; the
/// stable stays at `spec.replicas`, unless `dynamicStableScale`: then it gets the larger of its desired and
/// its actual weight's replicas, and when aborting the canary keeps the replicas of its actual weight.
/// `weights` is `status.canary.weights`, the weights last set on the router.
pub fn replica_counts_for_traffic_routed_canary(
    ro: &Rollout,
    new_rs: Option<&ReplicaSet>,
    stable_rs: Option<&ReplicaSet>,
    weights: Option<&TrafficWeights>,
) -> (i32, i32) {
    let spec_replicas = defaults::replicas_or_default(ro.spec.replicas);
    let (set_canary_scale_replicas, desired_weight) = canary_replicas_or_weight(ro, new_rs, stable_rs);
    let max_weight = max_traffic_weight(ro);
    let mut canary_count = match set_canary_scale_replicas {
        // An explicitly set canary count (not subject to minPodsPerReplicaSet).
        Some(replicas) => replicas,
        None => check_min_pods_per_replica_set(
            ro,
            traffic_weight_to_replicas(spec_replicas, desired_weight, max_weight),
        ),
    };

    if !ro.canary().is_some_and(|c| c.dynamic_stable_scale) {
        // The stable stays fully scaled; the canary follows its weight.
        return (canary_count, spec_replicas);
    }

    // With dynamic stable scaling the stable keeps the larger of its desired and its actual traffic weight:
    // going up in canary weight the stable must stay up until traffic leaves it; going down it must scale up
    // before traffic returns to it.
    let mut stable_count = traffic_weight_to_replicas(spec_replicas, max_weight - desired_weight, max_weight);
    if let Some(weights) = weights {
        let actual_stable = traffic_weight_to_replicas(spec_replicas, weights.stable.weight, max_weight);
        stable_count = stable_count.max(actual_stable);
        if status(ro).abort {
            // Aborting: the canary cannot shrink before traffic has moved back to the stable.
            let actual_canary = traffic_weight_to_replicas(spec_replicas, weights.canary.weight, max_weight);
            canary_count = canary_count.max(actual_canary);
        }
    }
    (
        check_min_pods_per_replica_set(ro, canary_count),
        check_min_pods_per_replica_set(ro, stable_count),
    )
}
