//! Tests of [`super`]: each transition of `calculateStatusDuration`, Argo's
//! `TestPersistRolloutStatusDurationMetricEmittedAfterPatch` (an aborted attempt completes) and the
//! observations of `TestEmitRolloutDuration_Promoted`.

use serde_json::{Value, json};

use super::*;

const NOW: &str = "2024-01-01T01:00:00Z";
const START: &str = "2024-01-01T00:55:00Z";

fn now() -> Timestamp {
    NOW.parse().expect("now")
}

fn time(s: &str) -> Time {
    Time(s.parse().expect("time"))
}

fn rollout(spec_extra: Value, status: Value) -> Rollout {
    let mut spec = json!({"replicas": 2, "selector": {"matchLabels": {"a": "b"}},
        "template": {"spec": {"containers": [{"name": "c", "image": "i"}]}},
        "strategy": {"canary": {"steps": [{"setWeight": 50}, {"pause": {}}, {"pause": {"duration": "1m"}}]}}});
    if let (Some(spec), Some(extra)) = (spec.as_object_mut(), spec_extra.as_object()) {
        spec.extend(extra.clone());
    }
    serde_json::from_value(json!({"metadata": {"name": "r"}, "spec": spec, "status": status}))
        .expect("rollout")
}

fn rs(available: i32) -> ReplicaSet {
    serde_json::from_value(json!({"metadata": {"name": "r-new"}, "spec": {"replicas": 2},
        "status": {"replicas": 2, "availableReplicas": available}}))
    .expect("rs")
}

fn inputs<'a>(ro: &'a Rollout, new_rs: Option<&'a ReplicaSet>) -> DurationInputs<'a> {
    DurationInputs {
        rollout: ro,
        new_rs,
        pod_spec_changed: false,
        is_aborted: false,
        is_rollback: false,
        is_fast_rollback: false,
        now: now(),
    }
}

fn status(value: Value) -> RolloutStatus {
    serde_json::from_value(value).expect("status")
}

fn started(at: &str) -> RolloutDurationStatus {
    RolloutDurationStatus {
        rollout_started_at: Some(time(at)),
        ..RolloutDurationStatus::default()
    }
}

fn in_progress_status() -> Value {
    json!({"currentPodHash": "new", "stableRS": "old", "duration": {"rolloutStartedAt": START}})
}

#[test]
fn the_first_rollout_starts_an_attempt_unless_already_at_its_target() {
    let ro = rollout(json!({}), json!({}));
    let new_status = status(json!({"currentPodHash": "new", "stableRS": "old"}));
    let update = calculate_status_duration(&inputs(&ro, None), &new_status);
    assert_eq!(update.duration, Some(started(NOW)));
    assert_eq!(update.completed, None);

    let new_rs = rs(2);
    let at_target = status(json!({"currentPodHash": "new", "stableRS": "new"}));
    let update = calculate_status_duration(&inputs(&ro, Some(&new_rs)), &at_target);
    assert_eq!(update, DurationUpdate::default(), "nothing rolls out");
}

#[test]
fn an_attempt_completes_when_promoted_and_available() {
    let ro = rollout(json!({}), in_progress_status());
    let new_rs = rs(2);
    let mut promoted = status(json!({"currentPodHash": "new", "stableRS": "new"}));
    promoted.duration = Some(started(START));
    let update = calculate_status_duration(&inputs(&ro, Some(&new_rs)), &promoted);
    let done = RolloutDurationStatus {
        finished_at: Some(time(NOW)),
        completion_status: Some(CompletionStatus::Promoted),
        ..started(START)
    };
    assert_eq!(update.duration.as_ref(), Some(&done));
    assert_eq!(update.completed, Some(done));

    // Not yet available: still in progress.
    let short = rs(1);
    let update = calculate_status_duration(&inputs(&ro, Some(&short)), &promoted);
    assert_eq!(update.duration, Some(started(START)));
    assert_eq!(update.completed, None);

    // promote --full marked it FastPromoted (promoteStable): the mark is kept.
    let mut fast = promoted.clone();
    mark_promoted(fast.duration.as_mut(), true);
    let update = calculate_status_duration(&inputs(&ro, Some(&new_rs)), &fast);
    assert_eq!(
        update.completed.and_then(|d| d.completion_status),
        Some(CompletionStatus::FastPromoted)
    );
}

#[test]
fn a_template_change_supersedes_the_attempt_and_starts_a_new_one() {
    let ro = rollout(json!({}), in_progress_status());
    let mut new_status = status(json!({"currentPodHash": "newer", "stableRS": "old"}));
    new_status.duration = Some(started(START));
    let changed = DurationInputs {
        pod_spec_changed: true,
        ..inputs(&ro, None)
    };
    let update = calculate_status_duration(&changed, &new_status);
    assert_eq!(
        update.completed,
        Some(RolloutDurationStatus {
            finished_at: Some(time(NOW)),
            completion_status: Some(CompletionStatus::Superseded),
            ..started(START)
        })
    );
    assert_eq!(update.duration, Some(started(NOW)), "the new attempt");
}

#[test]
fn a_rollback_keeps_the_attempt_and_classifies_it() {
    let ro = rollout(json!({}), in_progress_status());
    let mut new_status = status(json!({"currentPodHash": "old", "stableRS": "old"}));
    new_status.duration = Some(started(START));
    for (fast, expected) in [
        (false, CompletionStatus::RolledBack),
        (true, CompletionStatus::FastRolledBack),
    ] {
        let rollback = DurationInputs {
            pod_spec_changed: true,
            is_rollback: true,
            is_fast_rollback: fast,
            ..inputs(&ro, None)
        };
        let update = calculate_status_duration(&rollback, &new_status);
        assert_eq!(update.completed, None);
        assert_eq!(
            update.duration,
            Some(RolloutDurationStatus {
                completion_status: Some(expected),
                ..started(START)
            })
        );
    }
}

// TestPersistRolloutStatusDurationMetricEmittedAfterPatch
#[test]
fn an_abort_completes_the_attempt() {
    let ro = rollout(
        json!({"replicas": 1}),
        json!({"currentPodHash": "abc123", "abort": true, "duration": {"rolloutStartedAt": START}}),
    );
    let new_status = crate::status(&ro).clone();
    let aborted = DurationInputs {
        is_aborted: true,
        ..inputs(&ro, None)
    };
    let update = calculate_status_duration(&aborted, &new_status);
    let d = update.duration.expect("duration");
    assert!(is_completed(Some(&d)));
    assert_eq!(d.completion_status, Some(CompletionStatus::Aborted));
    assert_eq!(update.completed, Some(d));
}

#[test]
fn a_retry_after_an_abort_starts_a_new_attempt() {
    let aborted = json!({"rolloutStartedAt": START, "finishedAt": "2024-01-01T00:58:00Z", "completionStatus": "Aborted"});
    let ro = rollout(
        json!({}),
        json!({"currentPodHash": "new", "stableRS": "old", "duration": aborted,
            "conditions": [{"type": "Progressing", "status": "False", "reason": "RolloutAborted", "message": "m"}]}),
    );
    let new_status = crate::status(&ro).clone();
    let update = calculate_status_duration(&inputs(&ro, None), &new_status);
    assert_eq!(update.duration, Some(started(NOW)));
    assert_eq!(update.completed, None);
}

#[test]
fn manual_pauses_are_timed_and_added_up() {
    // Paused at the indefinite pause step (index 1).
    let ro = rollout(json!({}), in_progress_status());
    let mut paused = status(json!({"currentPodHash": "new", "stableRS": "old",
        "pauseConditions": [{"reason": "CanaryPauseStep", "startTime": START}]}));
    paused.duration = Some(started(START));
    let mut at_step = ro.clone();
    at_step
        .status
        .get_or_insert_with(Default::default)
        .current_step_index = Some(1);
    let update = calculate_status_duration(&inputs(&at_step, None), &paused);
    assert_eq!(
        update
            .duration
            .as_ref()
            .and_then(|d| d.manual_pause_started_at.clone()),
        Some(time(NOW))
    );

    // Resumed 90 s after the pause started, with 10 s counted before.
    let was_paused = json!({"rolloutStartedAt": START, "manualPauseStartedAt": "2024-01-01T00:58:30Z",
        "totalManualPauseDurationSeconds": 10});
    let ro = rollout(
        json!({}),
        json!({"currentPodHash": "new", "stableRS": "old", "duration": was_paused.clone()}),
    );
    let mut resumed = status(json!({"currentPodHash": "new", "stableRS": "old"}));
    resumed.duration = serde_json::from_value(was_paused).expect("duration");
    let update = calculate_status_duration(&inputs(&ro, None), &resumed);
    let d = update.duration.expect("duration");
    assert_eq!(d.manual_pause_started_at, None);
    assert_eq!(d.total_manual_pause_duration_seconds, Some(100));

    // Completing while paused (spec.paused) also ends the pause.
    let paused_spec = rollout(
        json!({"paused": true}),
        json!({"currentPodHash": "new", "stableRS": "old",
            "duration": {"rolloutStartedAt": START, "manualPauseStartedAt": "2024-01-01T00:59:00Z"}}),
    );
    let mut promoted = status(json!({"currentPodHash": "new", "stableRS": "new"}));
    promoted.duration = crate::status(&paused_spec).duration.clone();
    let new_rs = rs(2);
    let update = calculate_status_duration(&inputs(&paused_spec, Some(&new_rs)), &promoted);
    let d = update.completed.expect("completed");
    assert_eq!(d.total_manual_pause_duration_seconds, Some(60));
    assert_eq!(d.manual_pause_started_at, None);
}

#[test]
fn an_invalid_spec_or_a_finished_attempt_changes_nothing() {
    let ro = rollout(json!({}), json!({}));
    let mut invalid = status(
        json!({"conditions": [{"type": "InvalidSpec", "status": "True", "reason": "InvalidSpec", "message": "m"}]}),
    );
    invalid.duration = Some(started(START));
    let update = calculate_status_duration(&inputs(&ro, None), &invalid);
    assert_eq!(update.duration, Some(started(START)));

    let done = json!({"rolloutStartedAt": START, "finishedAt": "2024-01-01T00:58:00Z", "completionStatus": "Promoted"});
    let ro = rollout(
        json!({"paused": true}),
        json!({"currentPodHash": "new", "stableRS": "new", "duration": done.clone()}),
    );
    let mut steady = crate::status(&ro).clone();
    steady.duration = serde_json::from_value(done).expect("duration");
    let new_rs = rs(2);
    let update = calculate_status_duration(&inputs(&ro, Some(&new_rs)), &steady);
    assert_eq!(update.duration, steady.duration);
    assert_eq!(update.completed, None);
}

#[test]
fn pauses_that_need_a_human() {
    let ro = rollout(json!({}), json!({"currentStepIndex": 1}));
    assert!(requires_manual_action(Some(&PauseReason::CanaryPauseStep), &ro));
    assert!(requires_manual_action(
        Some(&PauseReason::InconclusiveAnalysis),
        &ro
    ));
    assert!(requires_manual_action(
        Some(&PauseReason::InconclusiveExperiment),
        &ro
    ));
    let timed = rollout(json!({}), json!({"currentStepIndex": 2}));
    assert!(!requires_manual_action(
        Some(&PauseReason::CanaryPauseStep),
        &timed
    ));
    assert!(!requires_manual_action(Some(&PauseReason::BlueGreenPause), &ro));
    let bg = |auto: Value| {
        rollout(
            json!({"strategy": {"blueGreen": {"activeService": "a", "autoPromotionEnabled": auto}}}),
            json!({}),
        )
    };
    assert!(requires_manual_action(
        Some(&PauseReason::BlueGreenPause),
        &bg(json!(false))
    ));
    assert!(!requires_manual_action(
        Some(&PauseReason::BlueGreenPause),
        &bg(json!(true))
    ));
    assert!(!requires_manual_action(None, &ro));
}

// TestEmitRolloutDuration_Promoted: 5 minutes with 1 minute of manual pause.
#[test]
fn observations_of_a_completed_attempt() {
    let d = RolloutDurationStatus {
        finished_at: Some(time(NOW)),
        completion_status: Some(CompletionStatus::Promoted),
        total_manual_pause_duration_seconds: Some(60),
        ..started(START)
    };
    assert_eq!(
        duration_observations(&d),
        Some((CompletionStatus::Promoted, 300.0, 240.0, 60.0))
    );
    assert_eq!(duration_observations(&started(START)), None);
}
