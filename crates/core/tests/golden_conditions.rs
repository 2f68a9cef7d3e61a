//! `conditions.json`: rollout conditions (get/set/remove, progressing, healthy, completed, timed out, step
//! hash) and experiment conditions (new/get/set/remove, progressing, running, VerifyExperimentSpec).

mod common;

use common::{experiment, now, rollout, run_golden, typed, typed_opt};
use pretty_assertions::assert_eq;
use rollouts_api::ExperimentStatus;
use rollouts_api::enums::{ConditionStatus, ExperimentConditionType, RolloutConditionType};
use rollouts_api::experiment::ExperimentCondition;
use rollouts_api::rollout::{RolloutCondition, RolloutStatus};
use rollouts_core::conditions::{
    compute_step_hash, experiment_progressing, experiment_running, get_experiment_condition,
    get_rollout_condition, new_experiment_condition, remove_experiment_condition, remove_rollout_condition,
    rollout_completed, rollout_healthy, rollout_progressing, rollout_timed_out, set_experiment_condition,
    set_rollout_condition, verify_experiment_spec,
};
use serde_json::Value;

fn str_of(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

#[test]
fn conditions_golden() {
    run_golden("conditions.json", |case| {
        let expected = &case["expected"];
        match case["function"].as_str().unwrap_or_default() {
            "GetRolloutCondition" => {
                let status: RolloutStatus = typed(&case["status"]);
                let type_ = RolloutConditionType::from(str_of(&case["condition_type"]));
                let found = get_rollout_condition(&status, &type_);
                assert_eq!(found.is_some(), expected["found"] == true);
                if let Some(found) = found {
                    assert_eq!(found.type_.as_ref(), Some(&type_));
                }
            }
            "SetRolloutCondition" => {
                let mut status: RolloutStatus = typed(&case["status"]);
                let before = status.clone();
                let condition: RolloutCondition = typed(&case["condition"]);
                let changed = set_rollout_condition(&mut status, condition);
                let want: RolloutStatus = typed(&expected["status"]);
                assert_eq!(status, want);
                assert_eq!(
                    changed,
                    status != before,
                    "the return value says whether it changed"
                );
            }
            "RemoveRolloutCondition" => {
                let mut status: RolloutStatus = typed(&case["status"]);
                remove_rollout_condition(
                    &mut status,
                    &RolloutConditionType::from(str_of(&case["condition_type"])),
                );
                assert_eq!(status, typed::<RolloutStatus>(&expected["status"]));
            }
            "RolloutProgressing" => {
                let new_status: RolloutStatus = typed(&case["new_status"]);
                assert_eq!(
                    rollout_progressing(&rollout(&case["rollout"]), &new_status),
                    expected["progressing"] == true
                );
            }
            "RolloutHealthy" => {
                let ro = rollout(&case["rollout"]);
                // Go passes the rollout's own status as newStatus.
                let new_status = ro.status.clone().unwrap_or_default();
                assert_eq!(rollout_healthy(&ro, &new_status), expected["healthy"] == true);
            }
            "RolloutCompleted" => {
                let new_status: RolloutStatus = typed(&case["new_status"]);
                assert_eq!(rollout_completed(&new_status), expected["completed"] == true);
            }
            "RolloutTimedOut" => {
                let new_status: RolloutStatus = typed(&case["new_status"]);
                assert_eq!(
                    rollout_timed_out(&rollout(&case["rollout"]), &new_status, now()),
                    expected["timed_out"] == true
                );
            }
            "ComputeStepHash" => {
                let ro = rollout(&case["rollout"]);
                assert_eq!(compute_step_hash(&ro), str_of(&expected["hash"]));
                if let Some(go_json) = case.get("go_json_marshal_of_steps").and_then(Value::as_str)
                    && go_json != "null"
                {
                    // The steps serialise to exactly Go's bytes.
                    let steps = &ro.spec.strategy.canary.as_ref().expect("canary").steps;
                    assert_eq!(serde_json::to_string(steps).expect("steps json"), go_json);
                }
            }
            "NewExperimentConditions" => {
                let args = &case["args"];
                let condition = new_experiment_condition(
                    ExperimentConditionType::from(str_of(&args["type"])),
                    ConditionStatus::from(str_of(&args["status"])),
                    str_of(&args["reason"]),
                    str_of(&args["message"]),
                    now(),
                );
                assert_eq!(condition, typed::<ExperimentCondition>(&expected["condition"]));
            }
            "GetExperimentCondition" => {
                let status: ExperimentStatus = typed(&case["status"]);
                let type_ = ExperimentConditionType::from(str_of(&case["condition_type"]));
                assert_eq!(
                    get_experiment_condition(&status, &type_).is_some(),
                    expected["found"] == true
                );
            }
            "SetExperimentCondition" => {
                let mut status: ExperimentStatus = typed(&case["status"]);
                set_experiment_condition(&mut status, typed(&case["condition"]));
                assert_eq!(status, typed::<ExperimentStatus>(&expected["status"]));
            }
            "RemoveExperimentCondition" => {
                let mut status: ExperimentStatus = typed(&case["status"]);
                remove_experiment_condition(
                    &mut status,
                    &ExperimentConditionType::from(str_of(&case["condition_type"])),
                );
                assert_eq!(status, typed::<ExperimentStatus>(&expected["status"]));
            }
            "ExperimentProgressing" => {
                let new_status: ExperimentStatus = typed(&case["new_status"]);
                assert_eq!(
                    experiment_progressing(&experiment(&case["experiment"]), &new_status),
                    expected["progressing"] == true
                );
            }
            "ExperimentRunning" => assert_eq!(
                experiment_running(&experiment(&case["experiment"]), now()),
                expected["running"] == true
            ),
            "VerifyExperimentSpec" => {
                let ex = experiment(&case["experiment"]);
                let prev: Option<ExperimentCondition> = typed_opt(&case["prev_condition"]);
                let got = verify_experiment_spec(&ex, prev.as_ref(), now());
                let want: Option<ExperimentCondition> = typed_opt(&expected["condition"]);
                match (got, want) {
                    (None, None) => {}
                    (Some(got), Some(want)) => {
                        assert_eq!(
                            (&got.type_, &got.status, &got.reason, &got.message),
                            (&want.type_, &want.status, &want.reason, &want.message)
                        );
                        // A new condition is stamped `now`; a repeated one keeps its transition time and
                        // gets a fresh update time.
                        assert_eq!(got.last_update_time.map(|t| t.0), Some(now()));
                        if let Some(prev) = prev {
                            assert_eq!(got.last_transition_time, prev.last_transition_time);
                            assert!(prev.last_update_time.is_some_and(|t| t.0 < now()));
                        }
                    }
                    (got, want) => panic!("got {got:?}, want {want:?}"),
                }
            }
            other => panic!("unhandled function {other}"),
        }
    });
}
