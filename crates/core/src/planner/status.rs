//! Computing and persisting the status (`rollout/sync.go`): `calculateBaseStatus`,
//! `persistRolloutStatus` with `evaluateProgressDeadlineAbort`, `calculateRolloutConditions`, the phase,
//! the state-change Events, and `requeueStuckRollout` (a reconcile at the progress deadline).

use std::time::Duration;

use jiff::SignedDuration;
use k8s_openapi::api::apps::v1::ReplicaSet;
use rollouts_api::RolloutStatus;
use rollouts_api::enums::{ConditionStatus, RolloutConditionType};
use rollouts_api::keys::POD_TEMPLATE_HASH_LABEL;
use rollouts_api::rollout::RolloutCondition;

use super::context::{RolloutContext, status_changed};
use crate::conditions::{
    AVAILABLE_MESSAGE, AVAILABLE_REASON, NEW_RS_AVAILABLE_REASON, NOT_AVAILABLE_MESSAGE,
    REPLICA_SET_COMPLETED_MESSAGE, REPLICA_SET_NOT_AVAILABLE_REASON, REPLICA_SET_PROGRESSING_MESSAGE,
    REPLICA_SET_TIME_OUT_MESSAGE, REPLICA_SET_UPDATED_REASON, ROLLOUT_ABORTED_MESSAGE,
    ROLLOUT_ABORTED_REASON, ROLLOUT_COMPLETED_REASON, ROLLOUT_HEALTHY_MESSAGE, ROLLOUT_HEALTHY_REASON,
    ROLLOUT_NOT_COMPLETED_MESSAGE, ROLLOUT_NOT_COMPLETED_REASON, ROLLOUT_NOT_HEALTHY_MESSAGE,
    ROLLOUT_PAUSED_MESSAGE, ROLLOUT_PAUSED_REASON, ROLLOUT_PROGRESSING_MESSAGE, ROLLOUT_RESUMED_MESSAGE,
    ROLLOUT_RESUMED_REASON, ROLLOUT_TIME_OUT_MESSAGE, TIMED_OUT_REASON, get_rollout_condition, go_sprintf,
    new_rollout_condition, remove_rollout_condition, replica_set_to_rollout_condition, rollout_completed,
    rollout_healthy, rollout_progressing, rollout_timed_out, set_rollout_condition,
};
use crate::defaults;
use crate::phase::calculate_rollout_phase;
use crate::plan::EventType;
use crate::replicas::label;
use crate::replicas::sets::{
    actual_replica_count, available_replica_count, has_scale_down_deadline, ready_replica_count,
};
use crate::steps::current_canary_step;

/// `isIndefiniteStep`: the current canary step is an experiment, analysis or pause step, or the Paused
/// condition is true; such waits do not count against the progress deadline.
fn is_indefinite_step(ro: &rollouts_api::Rollout) -> bool {
    if let (Some(step), _) = current_canary_step(ro)
        && (step.experiment.is_some() || step.analysis.is_some() || step.pause.is_some())
    {
        return true;
    }
    get_rollout_condition(crate::status(ro), &RolloutConditionType::Paused)
        .is_some_and(|c| c.status == Some(ConditionStatus::True))
}

/// `getReplicaFailures`: the ReplicaFailure conditions of the new ReplicaSet, else of all of them.
fn replica_failures(
    all_rss: &[std::sync::Arc<ReplicaSet>],
    new_rs: Option<&ReplicaSet>,
) -> Vec<RolloutCondition> {
    let failures = |rs: &ReplicaSet| -> Vec<RolloutCondition> {
        rs.status
            .iter()
            .flat_map(|s| s.conditions.iter().flatten())
            .filter(|c| c.type_.as_deref() == Some("ReplicaFailure"))
            .map(replica_set_to_rollout_condition)
            .collect()
    };
    let from_new = new_rs.map(failures).unwrap_or_default();
    if !from_new.is_empty() {
        return from_new;
    }
    all_rss.iter().flat_map(|rs| failures(rs)).collect()
}

impl RolloutContext<'_> {
    /// `calculateBaseStatus`: the context's status with the pod hash, replica counts, collision count,
    /// the previous conditions (without InvalidSpec, the spec being valid here), `restartedAt` and a
    /// `promoteFull` that lasts until the current pods are stable.
    pub fn calculate_base_status(&self) -> RolloutStatus {
        let prev = self.status();
        let mut conditions = prev.conditions.clone();
        if self.snapshot.invalid_spec.is_none() {
            conditions.retain(|c| c.type_ != Some(RolloutConditionType::InvalidSpec));
        }
        let current_pod_hash = match &self.new_rs {
            Some(rs) => label(rs, POD_TEMPLATE_HASH_LABEL).unwrap_or("").to_owned(),
            None => self.pod_hash.clone(),
        };
        let mut status = self.new_status.clone();
        status.current_pod_hash = current_pod_hash;
        status.replicas = actual_replica_count(&self.all_rss);
        status.updated_replicas = self
            .new_rs
            .as_ref()
            .map_or(0, |rs| actual_replica_count(std::slice::from_ref(rs)));
        status.ready_replicas = ready_replica_count(&self.all_rss);
        status.collision_count = prev.collision_count;
        status.conditions = conditions;
        status.restarted_at = self.new_status.restarted_at.clone();
        status.promote_full = status.current_pod_hash != status.stable_rs && prev.promote_full;
        status
    }

    /// `persistRolloutStatus`: completes `new_status` (observed generation, a progress-deadline abort, the
    /// pause and abort fields, the conditions, the phase) and makes it the status to write. An unchanged
    /// status asks for a reconcile at the progress deadline instead; a changed one records the
    /// `RolloutPaused` / `RolloutResumed` Events (which Go records after its status patch).
    /// Then Argo's duration tracking (`status.duration`).
    pub fn persist_rollout_status(&mut self, mut new_status: RolloutStatus) {
        new_status.observed_generation = self.rollout.metadata.generation.unwrap_or(0).to_string();
        new_status.workload_observed_generation = String::new();
        self.evaluate_progress_deadline_abort(&new_status);
        self.pause.calculate_pause_status(&mut new_status, self.now());
        self.calculate_rollout_conditions(&mut new_status);
        let (phase, message) = calculate_rollout_phase(&self.rollout.spec, &new_status);
        new_status.phase = Some(phase);
        new_status.message = message;
        self.calculate_status_duration(&mut new_status);
        if status_changed(self.status(), &new_status) {
            self.send_state_change_events(&new_status);
        } else {
            self.requeue_stuck_rollout(&new_status);
        }
        self.final_status = Some(new_status);
    }

    /// `evaluateProgressDeadlineAbort`: with `progressDeadlineAbort`, an update that made no progress within
    /// the deadline (outside indefinite steps and scale-down waits) is aborted.
    fn evaluate_progress_deadline_abort(&mut self, new_status: &RolloutStatus) {
        if !self.rollout.spec.progress_deadline_abort || self.pause.is_aborted() {
            return;
        }
        if rollout_completed(new_status) || rollout_progressing(&self.rollout, new_status) {
            return;
        }
        if is_indefinite_step(&self.rollout) || self.is_waiting_for_replica_set_scale_down() {
            return;
        }
        if !rollout_timed_out(&self.rollout, self.status(), self.now()) {
            return;
        }
        let message = self.time_out_message();
        self.pause.add_abort(message.clone());
        self.event(EventType::Warning, ROLLOUT_ABORTED_REASON, message);
    }

    /// The timed-out message naming the new ReplicaSet (or the rollout when there is none).
    fn time_out_message(&self) -> String {
        match &self.new_rs {
            Some(rs) => go_sprintf(REPLICA_SET_TIME_OUT_MESSAGE, &[&crate::replicas::name(rs)]),
            None => go_sprintf(ROLLOUT_TIME_OUT_MESSAGE, &[&self.name()]),
        }
    }

    /// `isWaitingForReplicaSetScaleDown`: another ReplicaSet still waits for its scale-down deadline.
    fn is_waiting_for_replica_set_scale_down(&self) -> bool {
        self.other_rss.iter().any(|rs| has_scale_down_deadline(Some(rs)))
    }

    /// `calculateRolloutConditions`: Healthy, the abort, Progressing (available / updated / timed out),
    /// Available, ReplicaFailure and Completed, with the `RolloutAborted` and `RolloutNotCompleted` Events
    /// on their transitions.
    fn calculate_rollout_conditions(&mut self, new_status: &mut RolloutStatus) {
        let now = self.now();
        let is_paused = !new_status.pause_conditions.is_empty() || self.rollout.spec.paused;
        let is_aborted = self.pause.is_aborted();
        let healthy = rollout_healthy(&self.rollout, new_status);

        let mut became_unhealthy = false;
        let had_healthy = get_rollout_condition(self.status(), &RolloutConditionType::Healthy).is_some();
        if !is_paused && healthy {
            let c = new_rollout_condition(
                RolloutConditionType::Healthy,
                ConditionStatus::True,
                ROLLOUT_HEALTHY_REASON,
                ROLLOUT_HEALTHY_MESSAGE,
                now,
            );
            set_rollout_condition(new_status, c);
        } else if had_healthy {
            let c = new_rollout_condition(
                RolloutConditionType::Healthy,
                ConditionStatus::False,
                ROLLOUT_HEALTHY_REASON,
                ROLLOUT_NOT_HEALTHY_MESSAGE,
                now,
            );
            became_unhealthy = set_rollout_condition(new_status, c);
        }

        if is_aborted {
            let mut message = go_sprintf(ROLLOUT_ABORTED_MESSAGE, &[&self.rollout_revision()]);
            if !self.pause.abort_message().is_empty() {
                message = format!("{message}: {}", self.pause.abort_message());
            }
            let c = new_rollout_condition(
                RolloutConditionType::Progressing,
                ConditionStatus::False,
                ROLLOUT_ABORTED_REASON,
                &message,
                now,
            );
            if set_rollout_condition(new_status, c) {
                self.event(EventType::Warning, ROLLOUT_ABORTED_REASON, message);
            }
        }

        // Go's `isHealthyRollout` compares the Progressing condition's type with Progressing and is
        // therefore always false: progress is always estimated unless aborted.
        let current = get_rollout_condition(self.status(), &RolloutConditionType::Progressing).cloned();
        if !is_aborted {
            let rs_name = self
                .new_rs
                .as_ref()
                .map(|rs| crate::replicas::name(rs).to_owned());
            if healthy {
                let message = go_sprintf(REPLICA_SET_COMPLETED_MESSAGE, &[&rs_name.unwrap_or_default()]);
                let c = new_rollout_condition(
                    RolloutConditionType::Progressing,
                    ConditionStatus::True,
                    NEW_RS_AVAILABLE_REASON,
                    &message,
                    now,
                );
                set_rollout_condition(new_status, c);
            } else if rollout_progressing(&self.rollout, new_status) || became_unhealthy {
                let (reason, message) =
                    if new_status.stable_rs == new_status.current_pod_hash && became_unhealthy {
                        (REPLICA_SET_NOT_AVAILABLE_REASON, NOT_AVAILABLE_MESSAGE.to_owned())
                    } else {
                        let message = match &rs_name {
                            Some(rs_name) => go_sprintf(REPLICA_SET_PROGRESSING_MESSAGE, &[rs_name]),
                            None => go_sprintf(ROLLOUT_PROGRESSING_MESSAGE, &[&self.name()]),
                        };
                        (REPLICA_SET_UPDATED_REASON, message)
                    };
                let mut c = new_rollout_condition(
                    RolloutConditionType::Progressing,
                    ConditionStatus::True,
                    reason,
                    &message,
                    now,
                );
                // Progress refreshes lastUpdateTime even with an unchanged reason.
                if let Some(current) = &current {
                    if current.status == Some(ConditionStatus::True) {
                        c.last_transition_time = current.last_transition_time.clone();
                    }
                    remove_rollout_condition(new_status, &RolloutConditionType::Progressing);
                }
                set_rollout_condition(new_status, c);
            } else if !is_indefinite_step(&self.rollout)
                && !self.is_waiting_for_replica_set_scale_down()
                && rollout_timed_out(&self.rollout, new_status, now)
            {
                let message = self.time_out_message();
                let c = new_rollout_condition(
                    RolloutConditionType::Progressing,
                    ConditionStatus::False,
                    TIMED_OUT_REASON,
                    &message,
                    now,
                );
                set_rollout_condition(new_status, c);
            }
        }

        let available = if self.rollout.blue_green().is_some() {
            let active_selector = &new_status.blue_green.active_selector;
            let (active_rs, _) =
                crate::replicas::bluegreen::replica_set_by_template_hash(&self.all_rss, active_selector);
            super::annotations::is_saturated(&self.rollout, active_rs)
        } else {
            self.rollout.canary().is_some() && available_replica_count(&self.all_rss) >= self.spec_replicas()
        };
        let (available_status, available_message) = if available {
            (ConditionStatus::True, AVAILABLE_MESSAGE)
        } else {
            (ConditionStatus::False, NOT_AVAILABLE_MESSAGE)
        };
        let c = new_rollout_condition(
            RolloutConditionType::Available,
            available_status,
            AVAILABLE_REASON,
            available_message,
            now,
        );
        set_rollout_condition(new_status, c);

        match replica_failures(&self.all_rss, self.new_rs.as_deref())
            .into_iter()
            .next()
        {
            Some(failure) => {
                set_rollout_condition(new_status, failure);
            }
            None => remove_rollout_condition(new_status, &RolloutConditionType::ReplicaFailure),
        }

        let completed = rollout_completed(new_status);
        let completed_status = if completed {
            ConditionStatus::True
        } else {
            ConditionStatus::False
        };
        let c = new_rollout_condition(
            RolloutConditionType::Completed,
            completed_status,
            ROLLOUT_COMPLETED_REASON,
            ROLLOUT_COMPLETED_REASON,
            now,
        );
        if set_rollout_condition(new_status, c) && !completed {
            let message = go_sprintf(
                ROLLOUT_NOT_COMPLETED_MESSAGE,
                &[&self.rollout_revision(), &new_status.current_pod_hash],
            );
            self.event(EventType::Normal, ROLLOUT_NOT_COMPLETED_REASON, message);
        }
    }

    /// `sendStateChangeEvents`: `RolloutPaused (<reason>)` when pause conditions appear, `RolloutResumed`
    /// when they go away without an abort.
    fn send_state_change_events(&mut self, new_status: &RolloutStatus) {
        let was_paused = !self.status().pause_conditions.is_empty();
        let is_paused = !new_status.pause_conditions.is_empty();
        if was_paused == is_paused {
            return;
        }
        if let Some(first) = new_status.pause_conditions.first() {
            let reason = first.reason.as_ref().map_or("", |r| r.as_str());
            self.event(
                EventType::Normal,
                ROLLOUT_PAUSED_REASON,
                format!("{ROLLOUT_PAUSED_MESSAGE} ({reason})"),
            );
        } else if new_status.aborted_at.is_none() {
            self.event(EventType::Normal, ROLLOUT_RESUMED_REASON, ROLLOUT_RESUMED_MESSAGE);
        }
    }

    /// `requeueStuckRollout`: an update that is neither healthy, timed out, paused, aborted nor at an
    /// indefinite step is looked at again once its progress deadline has passed (one second after it;
    /// Go requeues at once when less than a second is left, here it is one second).
    fn requeue_stuck_rollout(&mut self, new_status: &RolloutStatus) {
        let status = self.status();
        let Some(current) = get_rollout_condition(status, &RolloutConditionType::Progressing) else {
            return;
        };
        let is_paused = !status.pause_conditions.is_empty() || self.rollout.spec.paused;
        if rollout_healthy(&self.rollout, new_status)
            || current.reason == TIMED_OUT_REASON
            || is_paused
            || status.abort
            || is_indefinite_step(&self.rollout)
        {
            return;
        }
        let deadline = SignedDuration::from_secs(i64::from(defaults::progress_deadline_seconds_or_default(
            &self.rollout,
        )));
        let after = current
            .last_update_time
            .as_ref()
            .and_then(|t| t.0.checked_add(deadline).ok())
            .map(|at| at.duration_since(self.now()));
        let requeue = match after {
            Some(after) if after >= SignedDuration::from_secs(1) => {
                Duration::try_from(after).unwrap_or(Duration::ZERO) + Duration::from_secs(1)
            }
            _ => Duration::from_secs(1),
        };
        self.requeue(requeue);
    }
}
