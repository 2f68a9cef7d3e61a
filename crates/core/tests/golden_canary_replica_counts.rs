//! `canary-replica-counts.json`: the basic and traffic-routed canary calculators and the helpers they use
//! (desired weight, current step / setWeight / experiment, scale-down and availability checks).

mod common;

use common::{int, opt_int, opt_rs, rollout, rs_list, run_golden, typed_opt};
use pretty_assertions::assert_eq;
use rollouts_api::rollout::{CanaryStep, ReplicaProgressThreshold, TrafficWeights};
use rollouts_core::replicas::canary::{
    all_desired_are_available, at_desired_replica_counts_for_canary, replica_counts_for_basic_canary,
    replica_progress_threshold_met, replicas_for_scale_down,
};
use rollouts_core::replicas::traffic_routed::replica_counts_for_traffic_routed_canary;
use rollouts_core::replicas::weights::{canary_replicas_or_weight, desired_canary_weight};
use rollouts_core::steps::{
    before_starting_step, current_canary_step, current_experiment_step, current_set_weight,
};

/// Compares the counts the case asserts (some cases assert only one of them).
fn assert_counts(expected: &serde_json::Value, (canary, stable): (i32, i32)) {
    if let Some(c) = opt_int_field(expected, "canary_replicas") {
        assert_eq!(canary, c, "canary replicas");
    }
    if let Some(s) = opt_int_field(expected, "stable_replicas") {
        assert_eq!(stable, s, "stable replicas");
    }
    assert!(
        expected.get("canary_replicas").is_some() || expected.get("stable_replicas").is_some(),
        "the case asserts no count"
    );
}

fn opt_int_field(v: &serde_json::Value, key: &str) -> Option<i32> {
    v.get(key).and_then(opt_int)
}

#[test]
fn canary_replica_counts_golden() {
    run_golden("canary-replica-counts.json", |case| {
        let expected = &case["expected"];
        let new_rs = opt_rs(&case["new_rs"]);
        let stable_rs = opt_rs(&case["stable_rs"]);
        match case["function"].as_str().unwrap_or_default() {
            "CalculateReplicaCountsForBasicCanary" => {
                let ro = rollout(&case["rollout"]);
                let others = rs_list(&case["other_rs"]);
                assert_counts(
                    expected,
                    replica_counts_for_basic_canary(&ro, new_rs.as_ref(), stable_rs.as_ref(), &others),
                );
            }
            "CalculateReplicaCountsForTrafficRoutedCanary" => {
                let ro = rollout(&case["rollout"]);
                let weights: Option<TrafficWeights> = typed_opt(&case["traffic_weights"]);
                assert_counts(
                    expected,
                    replica_counts_for_traffic_routed_canary(
                        &ro,
                        new_rs.as_ref(),
                        stable_rs.as_ref(),
                        weights.as_ref(),
                    ),
                );
            }
            "GetDesiredCanaryWeight" => assert_eq!(
                desired_canary_weight(&rollout(&case["rollout"]), new_rs.as_ref(), stable_rs.as_ref()),
                int(&expected["desired_canary_weight"])
            ),
            "AtDesiredReplicaCountsForCanary" => {
                let ro = rollout(&case["rollout"]);
                let others = rs_list(&case["other_rs"]);
                let weights: Option<TrafficWeights> = typed_opt(&case["traffic_weights"]);
                assert_eq!(
                    at_desired_replica_counts_for_canary(
                        &ro,
                        new_rs.as_ref(),
                        stable_rs.as_ref(),
                        &others,
                        weights.as_ref()
                    ),
                    expected["at_desired_replica_counts"] == true
                );
            }
            "GetCurrentSetWeight" => assert_eq!(
                current_set_weight(&rollout(&case["rollout"])),
                int(&expected["set_weight"])
            ),
            "GetCanaryReplicasOrWeight" => assert_eq!(
                canary_replicas_or_weight(&rollout(&case["rollout"]), new_rs.as_ref(), stable_rs.as_ref()),
                (
                    opt_int(&expected["set_canary_scale_replicas"]),
                    int(&expected["weight"])
                )
            ),
            "GetReplicasForScaleDown" => assert_eq!(
                replicas_for_scale_down(opt_rs(&case["rs"]).as_ref(), case["ignore_availability"] == true),
                int(&expected["replicas"])
            ),
            "allDesiredAreAvailable" => assert_eq!(
                all_desired_are_available(opt_rs(&case["rs"]).as_ref(), int(&case["desired"])),
                expected["result"] == true
            ),
            "ReplicaProgressThresholdMet" => {
                let threshold: Option<ReplicaProgressThreshold> = typed_opt(&case["threshold"]);
                assert_eq!(
                    replica_progress_threshold_met(
                        threshold.as_ref(),
                        opt_rs(&case["rs"]).as_ref(),
                        int(&case["desired"])
                    ),
                    expected["result"] == true
                );
            }
            "BeforeStartingStep" => assert_eq!(
                before_starting_step(&rollout(&case["rollout"])),
                expected["result"] == true
            ),
            "GetCurrentCanaryStep" => {
                let ro = rollout(&case["rollout"]);
                let (step, index) = current_canary_step(&ro);
                let expected_step: Option<CanaryStep> = typed_opt(&expected["step"]);
                assert_eq!(step, expected_step.as_ref());
                if let Some(i) = expected.get("index") {
                    assert_eq!(index, Some(int(i)));
                }
            }
            "GetCurrentExperimentStep" => {
                let ro = rollout(&case["rollout"]);
                let step = current_experiment_step(&ro);
                match expected["experiment_step"].as_object() {
                    // Go asserts only the duration.
                    Some(exp) => assert_eq!(
                        step.map(|s| s.duration.as_str().to_owned()),
                        Some(exp["duration"].as_str().unwrap_or_default().to_owned())
                    ),
                    None => assert_eq!(step, None),
                }
            }
            other => panic!("unhandled function {other}"),
        }
    });
}
