//! The canary strategy (`rollout/canary.go`): the order of a canary reconcile, scaling the stable / new /
//! other ReplicaSets, the pause steps, whether the current step is complete, and the canary status.
//!
//! Traffic routing, analysis, experiments, ping-pong services and step plugins plug in at the places
//! marked in [`RolloutContext::rollout_canary`]; until they exist the planner handles the basic canary.

use std::time::Duration;

use jiff::SignedDuration;
use rollouts_api::enums::{AnalysisPhase, PauseReason};

use super::claim::format_label_selector;
use super::context::{Halt, RolloutContext};
use crate::conditions::{
    ROLLOUT_STEP_COMPLETED_MESSAGE, ROLLOUT_STEP_COMPLETED_REASON, compute_step_hash, go_sprintf,
};
use crate::pause::{halt_progress, pause_condition};
use crate::plan::EventType;
use crate::replicas::canary::{
    at_desired_replica_counts_for_canary, check_stable_rs_exists, replica_counts_for_basic_canary,
};
use crate::replicas::pod_template_hash;
use crate::replicas::sets::{actual_replica_count, available_replica_count, is_active};
use crate::replicas::traffic_routed::replica_counts_for_traffic_routed_canary;
use crate::steps::{canary_step_string, current_canary_step};

/// Event reason when steps are skipped on a rollback.
const SKIP_STEPS_REASON: &str = "SkipSteps";

impl RolloutContext<'_> {
    /// `rolloutCanary`: a changed template or step list only resets the status; otherwise revision, pod
    /// restarts (ending the reconcile when pods were evicted), ephemeral metadata, history cleanup,
    /// services, ReplicaSets (ending it when one was scaled), the pause step, and the status.
    pub fn rollout_canary(&mut self) -> Result<(), Halt> {
        if self.pod_template_or_steps_changed() {
            self.sync_replica_set_revision();
            self.sync_rollout_status_canary();
            return Ok(());
        }
        self.sync_replica_set_revision();
        if self.reconcile_restart() > 0 {
            // Availability counts no longer account for the evicted pods: stop before scaling anything.
            return Ok(());
        }
        self.reconcile_ephemeral_metadata();
        self.reconcile_revision_history_limit();
        // Ping-pong services (traffic routing) go here.
        self.reconcile_stable_and_canary_service()?;
        // Traffic routing, experiments and analysis runs go here.
        if self.reconcile_canary_replica_sets() {
            self.sync_rollout_status_canary();
            return Ok(());
        }
        if self.reconcile_canary_pause() {
            self.sync_rollout_status_canary();
            return Ok(());
        }
        // Step plugins go here.
        self.sync_rollout_status_canary();
        Ok(())
    }

    /// `reconcileCanaryReplicaSets`: unless progress is halted (`spec.paused`, inconclusive analysis),
    /// removes scale-down deadlines and scales the stable, then the new, then the other ReplicaSets,
    /// stopping after the first that was scaled. Returns whether one was.
    pub fn reconcile_canary_replica_sets(&mut self) -> bool {
        if halt_progress(&self.rollout).is_some() {
            return false;
        }
        self.remove_scale_down_deadlines();
        self.reconcile_canary_stable_replica_set()
            || self.reconcile_new_replica_set()
            || self.reconcile_other_replica_sets()
    }

    /// `reconcileCanaryStableReplicaSet`: scales a stable ReplicaSet distinct from the new one to its share.
    /// With traffic routing the stable follows the weights recorded in the rollout's status (one reconcile
    /// behind the router).
    fn reconcile_canary_stable_replica_set(&mut self) -> bool {
        let Some(stable_rs) = self.stable_rs.clone() else {
            return false;
        };
        if !check_stable_rs_exists(self.new_rs.as_deref(), Some(&stable_rs)) {
            return false;
        }
        let new_rs = self.new_rs.as_deref();
        let desired = if self.rollout.traffic_routing().is_none() {
            replica_counts_for_basic_canary(&self.rollout, new_rs, Some(&stable_rs), &self.other_rss).1
        } else {
            let weights = self.status().canary.weights.as_ref();
            replica_counts_for_traffic_routed_canary(&self.rollout, new_rs, Some(&stable_rs), weights).1
        };
        self.scale_replica_set_and_record_event(&stable_rs, desired).0
    }

    /// `reconcileCanaryPause`: at a pause step, adds the CanaryPauseStep condition the first time (not when
    /// the rollout was resumed) and asks for a reconcile when a timed pause expires. Returns whether the
    /// rollout is (still) at a pause step.
    fn reconcile_canary_pause(&mut self) -> bool {
        if self.rollout.spec.paused || self.status().promote_full {
            return false;
        }
        let total = self.rollout.steps().len();
        if total == 0 {
            return false;
        }
        let (step, index) = current_canary_step(&self.rollout);
        if index
            .and_then(|i| usize::try_from(i).ok())
            .is_none_or(|i| total <= i)
        {
            return false;
        }
        let Some(pause) = step.and_then(|s| s.pause.clone()) else {
            return false;
        };
        let Some(condition) = pause_condition(&self.rollout, &PauseReason::CanaryPauseStep).cloned() else {
            if !self.status().controller_pause {
                self.pause.add_pause_condition(PauseReason::CanaryPauseStep);
            }
            return true;
        };
        if pause.duration.is_none() {
            return true;
        }
        self.check_enqueue_rollout_during_wait(condition.start_time.as_ref(), pause.duration_seconds());
        true
    }

    /// `checkEnqueueRolloutDuringWait`: reconcile when a pause of `seconds` begun at `start` expires (a
    /// millisecond after, as the pause is over only strictly after its end).
    pub(crate) fn check_enqueue_rollout_during_wait(
        &mut self,
        start: Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::Time>,
        seconds: i32,
    ) {
        let start = start.map_or(jiff::Timestamp::MIN, |t| t.0);
        let seconds = SignedDuration::from_secs(i64::from(seconds));
        if let Ok(expiry) = start.checked_add(seconds)
            && expiry > self.now()
        {
            let remaining = Duration::try_from(expiry.duration_since(self.now())).unwrap_or(Duration::ZERO);
            self.requeue(remaining + Duration::from_millis(1));
        }
    }

    /// `completedCurrentCanaryStep`: the current step is done (never while `spec.paused`).
    fn completed_current_canary_step(&self) -> bool {
        if self.rollout.spec.paused {
            return false;
        }
        let Some(step) = current_canary_step(&self.rollout).0 else {
            return false;
        };
        let at_desired_counts = || {
            at_desired_replica_counts_for_canary(
                &self.rollout,
                self.new_rs.as_deref(),
                self.stable_rs.as_deref(),
                &self.other_rss,
                self.new_status.canary.weights.as_ref(),
            )
        };
        if let Some(pause) = &step.pause {
            return self.pause.completed_canary_pause_step(pause, self.now());
        }
        if step.set_canary_scale.is_some() {
            return at_desired_counts();
        }
        if step.set_weight.is_some() {
            let unverified = self
                .new_status
                .canary
                .weights
                .as_ref()
                .is_some_and(|w| w.verified == Some(false));
            return at_desired_counts() && !unverified;
        }
        let status = self.status();
        if step.experiment.is_some() {
            return self.snapshot.experiments.iter().any(|ex| {
                ex.metadata.name.as_deref() == Some(status.canary.current_experiment.as_str())
                    && ex.status.as_ref().and_then(|s| s.phase.as_ref()) == Some(&AnalysisPhase::Successful)
            });
        }
        if step.analysis.is_some() {
            let Some(current) = status.canary.current_step_analysis_run_status.as_ref() else {
                return false;
            };
            return self.snapshot.analysis_runs.iter().any(|run| {
                run.metadata.name.as_deref() == Some(current.name.as_str())
                    && run.status.as_ref().and_then(|s| s.phase.as_ref()) == Some(&AnalysisPhase::Successful)
            });
        }
        // Header and mirror routes are done once applied; plugin steps need the step-plugin runner.
        step.set_header_route.is_some() || step.set_mirror_route.is_some()
    }

    /// `syncRolloutStatusCanary`: the canary status. A changed template or step list resets it (skipping
    /// the steps when going back to the stable, or to an active ReplicaSet within the rollback window);
    /// else the rollout is promoted, kept at its abort, or moved past a completed step.
    pub fn sync_rollout_status_canary(&mut self) {
        let mut new_status = self.calculate_base_status();
        let status = self.status().clone();
        new_status.available_replicas = available_replica_count(&self.all_rss);
        new_status.hpa_replicas = actual_replica_count(&self.all_rss);
        new_status.selector = format_label_selector(self.rollout.spec.selector.as_ref());
        new_status.canary.stable_ping_pong = status.canary.stable_ping_pong.clone();
        new_status.canary.step_plugin_statuses = status.canary.step_plugin_statuses.clone();
        let (current_step, current_index) = current_canary_step(&self.rollout);
        let current_step = current_step.cloned();
        new_status.stable_rs = status.stable_rs.clone();
        new_status.current_step_hash = compute_step_hash(&self.rollout);
        let step_count = i32::try_from(self.rollout.steps().len()).unwrap_or(i32::MAX);

        if self.pod_template_or_steps_changed() {
            self.reset_rollout_status(&mut new_status);
            if let Some(new_rs) = self.new_rs.clone()
                && step_count > 0
            {
                if status.stable_rs == pod_template_hash(Some(&new_rs)) {
                    self.event(
                        EventType::Normal,
                        SKIP_STEPS_REASON,
                        "Rollback to stable ReplicaSets",
                    );
                    new_status.current_step_index = Some(step_count);
                } else if self.is_rollback_within_window() && is_active(Some(&new_rs)) {
                    self.event(
                        EventType::Normal,
                        SKIP_STEPS_REASON,
                        "Rollback to active ReplicaSets within RollbackWindow",
                    );
                    new_status.current_step_index = Some(step_count);
                }
            }
            self.persist_rollout_status(new_status);
            return;
        }

        // Go points its step-index variable at the step count here; a step completed in the same
        // reconcile then increments both (kept: the index and the Event's count go one past the end).
        let mut index = current_index;
        let mut index_is_step_count = false;
        if status.promote_full || self.is_rollback_within_window() {
            self.pause.clear_pause_conditions();
            self.pause.remove_abort();
            if step_count > 0 {
                index = Some(step_count);
                index_is_step_count = true;
            }
        }

        let reason = self.should_full_promote();
        if !reason.is_empty() {
            self.promote_stable(&mut new_status, &reason);
            self.persist_rollout_status(new_status);
            return;
        }

        if self.pause.is_aborted() {
            if step_count > 0 {
                let at_stable = new_status.stable_rs == new_status.current_pod_hash;
                new_status.current_step_index = Some(if at_stable { step_count } else { 0 });
            }
            self.persist_rollout_status(new_status);
            return;
        }

        if let Some(step) = current_step
            .as_ref()
            .filter(|_| self.completed_current_canary_step())
        {
            let step_text = canary_step_string(step);
            index = index.map(|i| i + 1);
            let count = if index_is_step_count {
                step_count + 1
            } else {
                step_count
            };
            new_status.canary.current_step_analysis_run_status = None;
            let message = go_sprintf(
                ROLLOUT_STEP_COMPLETED_MESSAGE,
                &[&index.unwrap_or(0), &count, &step_text],
            );
            self.event(EventType::Normal, ROLLOUT_STEP_COMPLETED_REASON, message);
            self.pause.remove_pause_condition(PauseReason::CanaryPauseStep);
        }
        new_status.current_step_index = index;
        self.persist_rollout_status(new_status);
    }
}
