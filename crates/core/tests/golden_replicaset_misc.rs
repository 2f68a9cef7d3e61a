//! `replicaset-misc.json`: replica sums, availability, activity, revisions and the revision sort,
//! FindActiveOrLatest, the scale-down deadline, ResetCurrentStepIndex and NeedsRestart.

mod common;

use common::{int, now, opt_rs, rollout, rs_list, run_golden, typed, typed_opt};
use jiff::SignedDuration;
use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use pretty_assertions::assert_eq;
use rollouts_core::replicas::sets::{
    actual_replica_count, available_replica_count, find_active_or_latest, has_scale_down_deadline, is_active,
    is_replica_set_available, is_replica_set_partially_available, max_revision, needs_restart,
    ready_replica_count, replica_count, replica_set_revision, revision, sort_by_revision,
    time_remaining_before_scale_down_deadline,
};
use rollouts_core::steps::reset_current_step_index;
use serde_json::json;

#[test]
fn replicaset_misc_golden() {
    run_golden("replicaset-misc.json", |case| {
        let expected = &case["expected"];
        let result = &expected["result"];
        match case["function"].as_str().unwrap_or_default() {
            "GetReplicaCountForReplicaSets / GetActualReplicaCountForReplicaSets / GetReadyReplicaCountForReplicaSets / GetAvailableReplicaCountForReplicaSets" =>
            {
                let rss = rs_list(&case["replica_sets"]);
                assert_eq!(replica_count(&rss), int(&expected["sum_spec_replicas"]));
                assert_eq!(actual_replica_count(&rss), int(&expected["sum_status_replicas"]));
                assert_eq!(ready_replica_count(&rss), int(&expected["sum_ready_replicas"]));
                assert_eq!(
                    available_replica_count(&rss),
                    int(&expected["sum_available_replicas"])
                );
            }
            "IsReplicaSetAvailable" => {
                assert_eq!(
                    is_replica_set_available(opt_rs(&case["rs"]).as_ref()),
                    result == true
                );
            }
            "IsReplicaSetPartiallyAvailable" => {
                assert_eq!(
                    is_replica_set_partially_available(&typed(&case["rs"])),
                    result == true
                );
            }
            "IsActive" => assert_eq!(is_active(opt_rs(&case["rs"]).as_ref()), result == true),
            "sort.Sort(ReplicaSetsByRevisionNumber)" => {
                let mut rss = rs_list(&case["input_order"]);
                sort_by_revision(&mut rss);
                assert_eq!(rss, rs_list(&expected["sorted_order"]));
            }
            "GetReplicaSetRevision" => {
                assert_eq!(
                    replica_set_revision(&typed(&case["rs"])),
                    expected["revision"].as_i64().unwrap_or(0)
                );
            }
            "Revision" => {
                let object: Option<ReplicaSet> = typed_opt(&case["object"]);
                let got = revision(object.as_ref().map(|rs| &rs.metadata));
                if expected["error"] == true {
                    assert!(got.is_err(), "expected an error, got {got:?}");
                } else {
                    assert_eq!(got, Ok(expected["revision"].as_i64().unwrap_or(-1)));
                }
            }
            "MaxRevision" => {
                assert_eq!(
                    max_revision(&rs_list(&case["replica_sets"])),
                    expected["max_revision"].as_i64().unwrap_or(-1)
                );
            }
            "FindActiveOrLatest" => {
                let new_rs = opt_rs(&case["new_rs"]);
                let old = rs_list(&case["old_rs"]);
                let expected_rs: Option<ReplicaSet> = typed_opt(&expected["rs"]);
                assert_eq!(find_active_or_latest(new_rs.as_ref(), &old), expected_rs.as_ref());
            }
            "HasScaleDownDeadline" => {
                assert_eq!(
                    has_scale_down_deadline(opt_rs(&case["rs"]).as_ref()),
                    result == true
                );
            }
            "GetTimeRemainingBeforeScaleDownDeadline" => {
                let metadata: ObjectMeta =
                    typed(&json!({"name": "foo", "annotations": case["rs_annotations"]}));
                let rs = ReplicaSet {
                    metadata,
                    ..Default::default()
                };
                let remaining = time_remaining_before_scale_down_deadline(&rs, now());
                if expected["remaining"].is_null() {
                    assert_eq!(remaining, Ok(None));
                } else {
                    // "<now + 600s>": exactly the time left at `now`.
                    assert_eq!(remaining, Ok(Some(SignedDuration::from_secs(600))));
                }
            }
            "ResetCurrentStepIndex" => assert_eq!(
                reset_current_step_index(&rollout(&case["rollout"])),
                expected["current_step_index"].as_i64().map(|i| i as i32)
            ),
            "NeedsRestart" => assert_eq!(needs_restart(&rollout(&case["rollout"]), now()), result == true),
            other => panic!("unhandled function {other}"),
        }
    });
}
