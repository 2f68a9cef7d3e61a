//! `bluegreen-replicas.json`: NewRSNewReplicas (previewReplicaCount), ReadyForPause and
//! GetReplicaSetByTemplateHash.

mod common;

use common::{int, opt_rs, rollout, rs_list, run_golden, typed_opt};
use k8s_openapi::api::apps::v1::ReplicaSet;
use pretty_assertions::assert_eq;
use rollouts_api::rollout::TrafficWeights;
use rollouts_core::replicas::bluegreen::{
    new_rs_new_replicas, ready_for_pause, replica_set_by_template_hash,
};

#[test]
fn bluegreen_replicas_golden() {
    run_golden("bluegreen-replicas.json", |case| {
        let expected = &case["expected"];
        let all_rs = rs_list(&case["all_rs"]);
        let new_rs = opt_rs(&case["new_rs"]);
        match case["function"].as_str().unwrap_or_default() {
            "NewRSNewReplicas" => {
                let weights: Option<TrafficWeights> = typed_opt(&case["traffic_weights"]);
                let result = new_rs_new_replicas(
                    &rollout(&case["rollout"]),
                    &all_rs,
                    new_rs.as_ref(),
                    weights.as_ref(),
                );
                if expected["error"] == true {
                    let err = result.expect_err("an error");
                    assert_eq!(
                        err.to_string(),
                        expected["error_message"].as_str().unwrap_or_default()
                    );
                } else {
                    assert_eq!(result, Ok(int(&expected["replicas"])));
                }
            }
            "ReadyForPause" => assert_eq!(
                ready_for_pause(&rollout(&case["rollout"]), new_rs.as_ref(), &all_rs),
                expected["ready"] == true
            ),
            "GetReplicaSetByTemplateHash" => {
                let hash = case["pod_template_hash"].as_str().unwrap_or_default();
                let (found, others) = replica_set_by_template_hash(&all_rs, hash);
                let expected_found: Option<ReplicaSet> = typed_opt(&expected["matching_rs"]);
                assert_eq!(found, expected_found.as_ref());
                // Go returns the input list (here nil) for an empty hash: an empty list either way.
                let expected_others = rs_list(&expected["other_rs"]);
                assert_eq!(others, expected_others.iter().collect::<Vec<_>>());
            }
            other => panic!("unhandled function {other}"),
        }
    });
}
