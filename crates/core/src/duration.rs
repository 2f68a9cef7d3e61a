//! Duration tracking of rollout attempts (`status.duration`, Argo's `calculateStatusDuration` in
//! `rollout/sync.go` and the `RolloutDurationStatus` methods in `types.go`): when an attempt started, how
//! long it was held in manual pauses, when and how it ended (promoted, fast-promoted, aborted, superseded,
//! rolled back).
//!
//! [`calculate_status_duration`] is a pure function of what Go's `rolloutContext` knows
//! ([`DurationInputs`]) and the status being computed. Besides the new `status.duration` it returns the
//! attempt that completed in this reconcile, if any: Go stashes it and emits the
//! `rollout_duration_seconds` / `rollout_progression_duration_seconds` /
//! `rollout_manual_pause_duration_seconds` histograms only once the status recording it is persisted.

use jiff::Timestamp;
use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use rollouts_api::Rollout;
use rollouts_api::enums::{CompletionStatus, PauseReason, RolloutConditionType};
use rollouts_api::rollout::{RolloutDurationStatus, RolloutStatus};

use crate::conditions::{ROLLOUT_ABORTED_REASON, get_rollout_condition};
use crate::replicas::available_replicas;
use crate::steps::current_canary_step;

/// What `calculateStatusDuration` reads from the reconcile context besides the new status.
#[derive(Clone, Copy, Debug)]
pub struct DurationInputs<'a> {
    /// `c.rollout`: its spec and the status currently persisted (the "before" state).
    pub rollout: &'a Rollout,
    /// `c.newRS`, once found or created.
    pub new_rs: Option<&'a ReplicaSet>,
    /// `PodTemplateOrStepsChanged(rollout, newRS)` for a canary, `CheckPodSpecChange(rollout, newRS)` for a
    /// blue-green rollout (Go adds "no `currentPodHash` yet" itself; so does this module).
    pub pod_spec_changed: bool,
    /// `c.pauseContext.IsAborted()`.
    pub is_aborted: bool,
    /// `c.isRollback()`.
    pub is_rollback: bool,
    /// `c.isFastRollback()`.
    pub is_fast_rollback: bool,
    /// `timeutil.MetaNow()`.
    pub now: Timestamp,
}

/// The result of [`calculate_status_duration`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DurationUpdate {
    /// The new `status.duration`.
    pub duration: Option<RolloutDurationStatus>,
    /// The attempt that completed in this reconcile (Go's `pendingDurationMetric`): its histograms are
    /// observed once the status is written.
    pub completed: Option<RolloutDurationStatus>,
}

/// `RolloutDurationStatus.IsCompleted`: started and finished.
pub fn is_completed(d: Option<&RolloutDurationStatus>) -> bool {
    d.is_some_and(|d| d.rollout_started_at.is_some() && d.finished_at.is_some())
}

/// Whole seconds from `from` to `to`, truncated toward zero as Go's `int64(d.Seconds())`.
fn seconds_between(from: Timestamp, to: Timestamp) -> i64 {
    to.duration_since(from).as_secs()
}

/// `RolloutDurationStatus.CompleteRollout`: ends an open manual pause (adding it to the total) and sets
/// `finishedAt` and `completionStatus`.
pub fn complete_rollout(d: &mut RolloutDurationStatus, now: Timestamp, status: CompletionStatus) {
    if let Some(Time(paused_at)) = d.manual_pause_started_at.take() {
        let seconds = seconds_between(paused_at, now);
        d.total_manual_pause_duration_seconds =
            Some(d.total_manual_pause_duration_seconds.unwrap_or(0) + seconds);
    }
    d.finished_at = Some(Time(now));
    d.completion_status = Some(status);
}

/// The part of `promoteStable` that tracks durations: when the stable switches to the current pod hash,
/// an attempt without an outcome yet is marked `FastPromoted` (after `promote --full`) or `Promoted`; it
/// finishes once the new ReplicaSet is available.
pub fn mark_promoted(duration: Option<&mut RolloutDurationStatus>, promote_full: bool) {
    if let Some(d) = duration
        && d.completion_status.is_none()
    {
        d.completion_status = Some(if promote_full {
            CompletionStatus::FastPromoted
        } else {
            CompletionStatus::Promoted
        });
    }
}

/// `requiresManualAction` (`rollout/pause.go`): an inconclusive analysis or experiment, an indefinite
/// canary pause step, or a blue-green pause without auto-promotion.
pub fn requires_manual_action(reason: Option<&PauseReason>, ro: &Rollout) -> bool {
    match reason {
        Some(PauseReason::InconclusiveAnalysis | PauseReason::InconclusiveExperiment) => true,
        Some(PauseReason::CanaryPauseStep) => {
            ro.canary().is_some()
                && current_canary_step(ro)
                    .0
                    .and_then(|step| step.pause.as_ref())
                    .is_some_and(|pause| pause.duration.is_none())
        }
        Some(PauseReason::BlueGreenPause) => ro
            .blue_green()
            .is_some_and(|bg| bg.auto_promotion_enabled == Some(false)),
        _ => false,
    }
}

/// `calculateStatusDuration(newStatus)`.
pub fn calculate_status_duration(inputs: &DurationInputs<'_>, new_status: &RolloutStatus) -> DurationUpdate {
    let mut update = DurationUpdate {
        duration: new_status.duration.clone(),
        completed: None,
    };
    if get_rollout_condition(new_status, &RolloutConditionType::InvalidSpec).is_some() {
        // An invalid spec does not move the tracking.
        return update;
    }
    let ro = inputs.rollout;
    let prev = crate::status(ro);
    let now = inputs.now;
    let pod_spec_changed = prev.current_pod_hash.is_empty() || inputs.pod_spec_changed;
    let is_promoted = new_status.stable_rs == new_status.current_pod_hash;
    let desired = crate::defaults::replicas_or_default(ro.spec.replicas);
    let reached_desired = inputs.new_rs.is_some_and(|rs| available_replicas(rs) >= desired);
    let is_completed_now = is_promoted && reached_desired;
    let progressing = get_rollout_condition(prev, &RolloutConditionType::Progressing);
    let was_aborted = progressing.is_some_and(|c| c.reason == ROLLOUT_ABORTED_REASON);
    let is_retry = !inputs.is_aborted && was_aborted;
    let prev_duration = prev.duration.as_ref();
    let mut duration_paused = prev_duration.is_some_and(|d| d.manual_pause_started_at.is_some());
    let in_progress =
        prev_duration.is_some_and(|d| d.rollout_started_at.is_some()) && !is_completed(prev_duration);

    if in_progress && let Some(d) = update.duration.as_mut() {
        if pod_spec_changed {
            if inputs.is_rollback {
                // Reverted to a previous template: the attempt goes on, classified as a rollback.
                d.completion_status = Some(if inputs.is_fast_rollback {
                    CompletionStatus::FastRolledBack
                } else {
                    CompletionStatus::RolledBack
                });
            } else {
                complete_rollout(d, now, CompletionStatus::Superseded);
                update.completed = Some(d.clone());
            }
        }
        if is_completed_now && !is_completed(Some(d)) {
            let status = d.completion_status.clone().unwrap_or(CompletionStatus::Promoted);
            complete_rollout(d, now, status);
            update.completed = Some(d.clone());
            // Not starting a new attempt when one just reached its desired replicas.
            return update;
        } else if inputs.is_aborted && !is_completed(Some(d)) {
            let status = d.completion_status.clone().unwrap_or(CompletionStatus::Aborted);
            complete_rollout(d, now, status);
            update.completed = Some(d.clone());
        }
    }

    let finished = is_completed(update.duration.as_ref());
    if update.duration.is_none() || (finished && !is_completed_now) {
        // The first attempt, or a new one after a finished attempt.
        duration_paused = false;
        let already_at_stable_target = is_promoted && reached_desired;
        if (pod_spec_changed && !already_at_stable_target) || is_retry {
            update.duration = Some(RolloutDurationStatus {
                rollout_started_at: Some(Time(now)),
                ..RolloutDurationStatus::default()
            });
        }
    }

    let Some(d) = update.duration.as_mut() else {
        return update;
    };
    if is_completed(Some(d)) {
        return update;
    }
    let is_manual_pause = ro.spec.paused
        || new_status
            .pause_conditions
            .iter()
            .any(|c| requires_manual_action(c.reason.as_ref(), ro));
    if duration_paused && !is_manual_pause {
        if let Some(Time(paused_at)) = d.manual_pause_started_at.take() {
            d.total_manual_pause_duration_seconds =
                Some(d.total_manual_pause_duration_seconds.unwrap_or(0) + seconds_between(paused_at, now));
        }
    } else if !duration_paused && is_manual_pause && d.manual_pause_started_at.is_none() {
        d.manual_pause_started_at = Some(Time(now));
    }
    update
}

/// The three observations `EmitRolloutDuration` makes for a completed attempt, in seconds: (total,
/// progression = total − manual pauses, manual pauses), with the completion status as the label. `None`
/// for an attempt without a start, a finish or a status.
pub fn duration_observations(d: &RolloutDurationStatus) -> Option<(CompletionStatus, f64, f64, f64)> {
    let (Some(Time(started)), Some(Time(finished)), Some(status)) =
        (&d.rollout_started_at, &d.finished_at, &d.completion_status)
    else {
        return None;
    };
    let total = finished.duration_since(*started).as_secs_f64();
    let manual = d.total_manual_pause_duration_seconds.unwrap_or(0) as f64;
    Some((status.clone(), total, total - manual, manual))
}

#[cfg(test)]
#[path = "duration_tests.rs"]
mod tests;
