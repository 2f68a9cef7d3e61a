//! `weight-rounding.json`: approximateWeightedCanaryStableReplicaCounts and trafficWeightToReplicas.

mod common;

use common::{int, run_golden};
use pretty_assertions::assert_eq;
use rollouts_core::replicas::weights::{
    approximate_weighted_canary_stable_replica_counts, traffic_weight_to_replicas,
};

#[test]
fn weight_rounding_golden() {
    run_golden("weight-rounding.json", |case| {
        let expected = &case["expected"];
        match case["function"].as_str().unwrap_or_default() {
            "approximateWeightedCanaryStableReplicaCounts" => assert_eq!(
                approximate_weighted_canary_stable_replica_counts(
                    int(&case["spec_replicas"]),
                    int(&case["desired_weight"]),
                    int(&case["max_weight"]),
                    int(&case["max_surge"]),
                ),
                (
                    int(&expected["canary_replicas"]),
                    int(&expected["stable_replicas"])
                )
            ),
            "trafficWeightToReplicas" => assert_eq!(
                traffic_weight_to_replicas(
                    int(&case["replicas"]),
                    int(&case["weight"]),
                    int(&case["max_weight"])
                ),
                int(&expected["replicas"])
            ),
            other => panic!("unhandled function {other}"),
        }
    });
}
