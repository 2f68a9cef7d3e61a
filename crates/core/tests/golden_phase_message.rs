//! `phase-message.json`: GetRolloutPhase, isGenerationObserved, isWorkloadGenerationObserved,
//! IsFullyPromoted, CanaryStepString and ShouldVerifyWeight.

mod common;

use common::{int, rollout, run_golden, typed};
use pretty_assertions::assert_eq;
use rollouts_api::enums::RolloutPhase;
use rollouts_api::rollout::CanaryStep;
use rollouts_core::phase::{
    get_rollout_phase_resolved, is_fully_promoted, is_generation_observed, is_workload_generation_observed,
    should_verify_weight,
};
use rollouts_core::steps::canary_step_string;

#[test]
fn phase_message_golden() {
    run_golden("phase-message.json", |case| {
        let expected = &case["expected"];
        let result = &expected["result"];
        match case["function"].as_str().unwrap_or_default() {
            "GetRolloutPhase" => {
                let ro = rollout(&case["rollout"]);
                // Go's in-memory spec.templateResolvedFromRef (json:"-") is not part of the API type.
                let resolved_from_ref = case["rollout"]["spec"]["templateResolvedFromRef"] == true;
                let (phase, message) = get_rollout_phase_resolved(&ro, resolved_from_ref);
                assert_eq!(
                    (phase, message.as_str()),
                    (
                        RolloutPhase::from(expected["phase"].as_str().unwrap_or_default()),
                        expected["message"].as_str().unwrap_or_default()
                    )
                );
            }
            "isGenerationObserved" => {
                assert_eq!(is_generation_observed(&rollout(&case["rollout"])), result == true);
            }
            "isWorkloadGenerationObserved" => {
                assert_eq!(
                    is_workload_generation_observed(&rollout(&case["rollout"])),
                    result == true
                );
            }
            "IsFullyPromoted" => assert_eq!(is_fully_promoted(&rollout(&case["rollout"])), result == true),
            "CanaryStepString" => {
                let step: CanaryStep = typed(&case["step"]);
                assert_eq!(
                    canary_step_string(&step),
                    expected["string"].as_str().unwrap_or_default()
                );
            }
            "ShouldVerifyWeight" => assert_eq!(
                should_verify_weight(&rollout(&case["rollout"]), int(&case["desired_weight"])),
                result == true
            ),
            other => panic!("unhandled function {other}"),
        }
    });
}
