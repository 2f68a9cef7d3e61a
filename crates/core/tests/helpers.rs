//! Ported functions the golden files do not cover (or cover only in part): Go's JSON escaping in the
//! ephemeral-metadata annotation and the step hash, the zero-time quirk of RolloutTimedOut, experiment
//! durations and spec checks, ReplicaSet selection helpers, dynamic rollback detection and the traffic-routed
//! canary's minimum pods.

mod common;

use common::{experiment, now, rollout, typed};
use jiff::SignedDuration;
use k8s_openapi::api::apps::v1::ReplicaSet;
use pretty_assertions::assert_eq;
use rollouts_api::PodTemplateMetadata;
use rollouts_api::rollout::RolloutStatus;
use rollouts_core::conditions::{
    compute_step_hash, experiment_progressing, experiment_running, go_sprintf, passed_durations,
    rollout_timed_out, verify_experiment_spec,
};
use rollouts_core::ephemeral::marshal_pod_metadata;
use rollouts_core::phase::{abort_or_dynamic_rollback_to_stable, is_dynamically_rolling_back_to_stable};
use rollouts_core::replicas::sets::{find_old_replica_sets, other_rss, sort_by_revision_reverse, stable_rs};
use rollouts_core::replicas::traffic_routed::replica_counts_for_traffic_routed_canary;
use serde_json::json;

fn rs(name: &str, hash: &str, revision: &str) -> ReplicaSet {
    typed(&json!({
        "metadata": {
            "name": name, "uid": format!("uid-{name}"),
            "labels": {"rollouts-pod-template-hash": hash},
            "annotations": {"rollout.argoproj.io/revision": revision}
        },
        "spec": {"replicas": 1},
        "status": {"replicas": 1, "availableReplicas": 1}
    }))
}

#[test]
fn ephemeral_annotation_escapes_html_like_go() {
    let metadata: PodTemplateMetadata = typed(&json!({"labels": {"a": "x&y<z>"}, "annotations": {"b": "1"}}));
    assert_eq!(
        marshal_pod_metadata(&metadata),
        r#"{"labels":{"a":"x\u0026y\u003cz\u003e"},"annotations":{"b":"1"}}"#
    );
}

#[test]
fn step_hash_is_over_go_escaped_json() {
    let ro = rollout(&json!({"spec": {"strategy": {"canary": {"steps": [
        {"setHeaderRoute": {"name": "h", "match": [{"headerName": "x", "headerValue": {"exact": "a&b"}}]}}
    ]}}}}));
    let go_bytes = br#"[{"setHeaderRoute":{"name":"h","match":[{"headerName":"x","headerValue":{"exact":"a\u0026b"}}]}}]"#;
    assert_eq!(compute_step_hash(&ro), rollouts_api::hash::step_hash(go_bytes));
    assert_ne!(compute_step_hash(&ro), rollouts_api::hash::step_hash(b"null"));
}

#[test]
fn progressing_condition_without_update_time_has_timed_out() {
    // Go compares against the zero time, which is always long past.
    let ro = rollout(&json!({}));
    let status: RolloutStatus =
        typed(&json!({"conditions": [{"type": "Progressing", "reason": "ReplicaSetUpdated"}]}));
    assert!(rollout_timed_out(&ro, &status, now()));
    // The default deadline is 600s.
    let recent: RolloutStatus = typed(&json!({"conditions": [{
        "type": "Progressing", "reason": "ReplicaSetUpdated",
        "lastUpdateTime": (now() - SignedDuration::from_secs(599)).to_string()
    }]}));
    assert!(!rollout_timed_out(&ro, &recent, now()));
}

#[test]
fn experiment_duration_counts_from_available_at() {
    let available_at = (now() - SignedDuration::from_secs(30)).to_string();
    let running = experiment(&json!({"spec": {"duration": "1m"}, "status": {"availableAt": available_at}}));
    assert_eq!(
        passed_durations(&running, now()),
        (false, SignedDuration::from_secs(30))
    );
    assert!(experiment_running(&running, now()));
    let done = experiment(&json!({"spec": {"duration": "20s"}, "status": {"availableAt": available_at}}));
    assert_eq!(
        passed_durations(&done, now()),
        (true, SignedDuration::from_secs(-10))
    );
    assert!(!experiment_running(&done, now()));
    // An unparsable duration never passes (Go ignores the error).
    let bad = experiment(&json!({"spec": {"duration": "soon"}, "status": {"availableAt": available_at}}));
    assert_eq!(passed_durations(&bad, now()), (false, SignedDuration::ZERO));
}

#[test]
fn experiment_spec_checks() {
    // Go's reflect.DeepEqual with an empty selector: `matchLabels: {}` is not the empty selector.
    let ex = experiment(&json!({"metadata": {"name": "e"}, "spec": {
        "progressDeadlineSeconds": 30,
        "templates": [{"name": "a", "selector": {"matchLabels": {}}, "minReadySeconds": 31}]
    }}));
    let cond = verify_experiment_spec(&ex, None, now()).expect("invalid");
    assert_eq!(
        cond.message,
        "MinReadySeconds cannot be longer than ProgressDeadlineSeconds. Check template index 0"
    );
    // A same-named template later in the list only counts once the name was seen.
    let ex = experiment(&json!({"metadata": {"name": "e"}, "spec": {"templates": [
        {"name": "a", "selector": {"matchLabels": {"k": "v"}}},
        {"name": "b", "selector": {"matchLabels": {"k": "v"}}},
        {"name": "a", "selector": {"matchLabels": {"k": "v"}}}
    ]}}));
    assert_eq!(
        verify_experiment_spec(&ex, None, now()).map(|c| c.message),
        Some(go_sprintf(
            rollouts_core::conditions::EXPERIMENT_TEMPLATE_NAME_REPEATED_MESSAGE,
            &[&"e", &"a"]
        ))
    );
}

#[test]
fn experiment_progress_ignores_removed_templates() {
    let ex = experiment(&json!({"status": {"templateStatuses": [
        {"name": "a", "replicas": 1, "updatedReplicas": 1, "readyReplicas": 1, "availableReplicas": 1},
        {"name": "b", "replicas": 1, "updatedReplicas": 1, "readyReplicas": 1, "availableReplicas": 1}
    ]}}));
    let fewer = typed(&json!({"templateStatuses": [
        {"name": "a", "replicas": 1, "updatedReplicas": 1, "readyReplicas": 1, "availableReplicas": 1}
    ]}));
    assert!(!experiment_progressing(&ex, &fewer));
    let changed = typed(&json!({"templateStatuses": [
        {"name": "b", "replicas": 2, "updatedReplicas": 1, "readyReplicas": 1, "availableReplicas": 1}
    ]}));
    assert!(experiment_progressing(&ex, &changed));
}

#[test]
fn replica_set_selection() {
    let all = [rs("ro-a", "a", "1"), rs("ro-b", "b", "2"), rs("ro-c", "c", "3")];
    let ro = rollout(&json!({"spec": {"strategy": {"canary": {}}}, "status": {"stableRS": "b"}}));
    let new_rs = &all[2];
    let stable = stable_rs(&ro, Some(new_rs), &all);
    assert_eq!(stable.map(|rs| rs.metadata.name.as_deref()), Some(Some("ro-b")));
    let others = other_rss(Some(new_rs), stable, &all);
    assert_eq!(others, [&all[0]]);
    let old = find_old_replica_sets(&all, Some(new_rs));
    assert_eq!(old, [&all[0], &all[1]]);
    // The new ReplicaSet is the stable one when its hash matches.
    let promoted = rollout(&json!({"spec": {"strategy": {"canary": {}}}, "status": {"stableRS": "c"}}));
    assert_eq!(stable_rs(&promoted, Some(new_rs), &all), Some(new_rs));
    assert_eq!(stable_rs(&rollout(&json!({})), Some(new_rs), &all), None);
}

#[test]
fn reverse_revision_sort_puts_the_newest_first() {
    let mut refs: Vec<&ReplicaSet> = Vec::new();
    let all = [rs("one", "a", "1"), rs("three", "c", "3"), rs("two", "b", "2")];
    refs.extend(all.iter());
    sort_by_revision_reverse(&mut refs);
    let names: Vec<_> = refs
        .iter()
        .map(|rs| rs.metadata.name.as_deref().unwrap_or(""))
        .collect();
    assert_eq!(names, ["three", "two", "one"]);
}

#[test]
fn dynamic_rollback_to_stable() {
    let ro = rollout(&json!({
        "spec": {"replicas": 3, "strategy": {"canary": {"trafficRouting": {}, "dynamicStableScale": true}}},
        "status": {"stableRS": "a", "currentPodHash": "a",
                   "canary": {"weights": {"canary": {"weight": 50, "podTemplateHash": "b"}, "stable": {"weight": 50}}}}
    }));
    let mut stable = rs("ro-a", "a", "1");
    // The stable is not yet fully available: rolling back to it while traffic still goes to "b".
    assert_eq!(
        is_dynamically_rolling_back_to_stable(&ro, Some(&stable)),
        Some("b")
    );
    assert!(abort_or_dynamic_rollback_to_stable(
        &ro,
        std::slice::from_ref(&stable),
        "a"
    ));
    if let Some(status) = stable.status.as_mut() {
        status.available_replicas = Some(3);
    }
    assert_eq!(is_dynamically_rolling_back_to_stable(&ro, Some(&stable)), None);
    assert!(!abort_or_dynamic_rollback_to_stable(
        &ro,
        std::slice::from_ref(&stable),
        "a"
    ));
    assert!(!abort_or_dynamic_rollback_to_stable::<ReplicaSet>(&ro, &[], "a"));
}

#[test]
fn traffic_routed_canary_with_dynamic_stable_scale_and_min_pods() {
    let ro = rollout(&json!({
        "spec": {"replicas": 10, "strategy": {"canary": {
            "trafficRouting": {}, "dynamicStableScale": true, "minPodsPerReplicaSet": 2,
            "steps": [{"setWeight": 5}, {"pause": {}}]
        }}},
        "status": {"stableRS": "a", "currentPodHash": "b", "currentStepIndex": 0}
    }));
    // 5% of 10 rounds up to 1, raised to minPodsPerReplicaSet; the stable follows 95% (10).
    assert_eq!(
        replica_counts_for_traffic_routed_canary(&ro, None, None, None),
        (2, 10)
    );
    let weights = typed(&json!({"canary": {"weight": 0}, "stable": {"weight": 100}}));
    assert_eq!(
        replica_counts_for_traffic_routed_canary(&ro, None, None, Some(&weights)),
        (2, 10)
    );
}
