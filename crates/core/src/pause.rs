//! The pure parts of `rollout/pause.go` and `rollout/context.go`: the pause context a reconcile fills in
//! (pause reasons to add or remove, abort) and the status it produces, when a canary pause step or the
//! blue-green pause is over, which pauses need a person, and why progress is halted.

use std::collections::HashSet;

use jiff::{SignedDuration, Timestamp};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use rollouts_api::enums::{AnalysisPhase, PauseReason};
use rollouts_api::rollout::{PauseCondition, RolloutPause, RolloutStatus};
use rollouts_api::{AnalysisRun, Rollout};

use crate::status;
use crate::steps::current_canary_step;

/// `pauseContext`: what one reconcile decided about pausing and aborting, applied to the new status by
/// [`PauseContext::calculate_pause_status`].
#[derive(Debug, Clone)]
pub struct PauseContext<'a> {
    rollout: &'a Rollout,
    add_pause_reasons: Vec<PauseReason>,
    remove_pause_reasons: Vec<PauseReason>,
    clear_pause_conditions: bool,
    add_abort: bool,
    remove_abort: bool,
    abort_message: String,
}

impl<'a> PauseContext<'a> {
    /// A context with nothing decided yet.
    pub fn new(rollout: &'a Rollout) -> Self {
        Self {
            rollout,
            add_pause_reasons: Vec::new(),
            remove_pause_reasons: Vec::new(),
            clear_pause_conditions: false,
            add_abort: false,
            remove_abort: false,
            abort_message: String::new(),
        }
    }

    /// `HasAddPause`: a pause condition is being added in this reconcile.
    pub fn has_add_pause(&self) -> bool {
        !self.add_pause_reasons.is_empty()
    }

    /// `IsAborted`: the abort is being added, or the rollout is aborted and the abort is not being removed.
    pub fn is_aborted(&self) -> bool {
        !self.remove_abort && (self.add_abort || status(self.rollout).abort)
    }

    /// `AddAbort`: abort, with a message for the Progressing condition.
    pub fn add_abort(&mut self, message: impl Into<String>) {
        self.add_abort = true;
        self.abort_message = message.into();
    }

    /// `RemoveAbort`: clear the abort (retry).
    pub fn remove_abort(&mut self) {
        self.remove_abort = true;
    }

    /// The message given to [`add_abort`](Self::add_abort).
    pub fn abort_message(&self) -> &str {
        &self.abort_message
    }

    /// `AddPauseCondition`.
    pub fn add_pause_condition(&mut self, reason: PauseReason) {
        self.add_pause_reasons.push(reason);
    }

    /// `RemovePauseCondition`.
    pub fn remove_pause_condition(&mut self, reason: PauseReason) {
        self.remove_pause_reasons.push(reason);
    }

    /// `ClearPauseConditions`: the new status gets no pause conditions and no controller pause.
    pub fn clear_pause_conditions(&mut self) {
        self.clear_pause_conditions = true;
    }

    /// `CalculatePauseStatus`: writes the abort, then (unless aborted or cleared) the pause conditions, into
    /// `new_status`.
    pub fn calculate_pause_status(&self, new_status: &mut RolloutStatus, now: Timestamp) {
        if self.calculate_abort_status(new_status, now) {
            return;
        }
        if self.clear_pause_conditions {
            return;
        }
        self.calculate_pause_conditions(new_status, now);
    }

    /// `CalculateAbortStatus`: sets `abort` and `abortedAt` (keeping an earlier `abortedAt`, or the status
    /// would change on every reconcile) and returns true when aborted; else clears both.
    pub fn calculate_abort_status(&self, new_status: &mut RolloutStatus, now: Timestamp) -> bool {
        if self.add_abort || (!self.remove_abort && status(self.rollout).abort) {
            new_status.abort = true;
            new_status.aborted_at = Some(status(self.rollout).aborted_at.clone().unwrap_or(Time(now)));
            return true;
        }
        new_status.abort = false;
        new_status.aborted_at = None;
        false
    }

    /// `CalculatePauseConditions`: the current pause conditions minus those removed, plus those added (with
    /// start time `now`, which also sets `controllerPause`). Leaves `new_status` untouched when the result is
    /// empty.
    pub fn calculate_pause_conditions(&self, new_status: &mut RolloutStatus, now: Timestamp) {
        let current = status(self.rollout);
        let mut controller_pause = current.controller_pause;
        let to_remove: HashSet<&PauseReason> = self.remove_pause_reasons.iter().collect();
        let mut already_exists: HashSet<Option<&PauseReason>> = HashSet::new();
        let mut conditions = Vec::new();
        for cond in &current.pause_conditions {
            if !cond.reason.as_ref().is_some_and(|r| to_remove.contains(r)) {
                conditions.push(cond.clone());
            }
            already_exists.insert(cond.reason.as_ref());
        }
        for reason in &self.add_pause_reasons {
            if !already_exists.contains(&Some(reason)) {
                conditions.push(PauseCondition {
                    reason: Some(reason.clone()),
                    start_time: Some(Time(now)),
                });
                controller_pause = true;
            }
        }
        if conditions.is_empty() {
            return;
        }
        new_status.controller_pause = controller_pause;
        new_status.pause_conditions = conditions;
    }

    /// `CompletedBlueGreenPause`: the blue-green pause is over, because it was resumed (the preview
    /// scale-up checkpoint was passed, or the controller pause lost its condition with auto-promotion
    /// disabled) or `autoPromotionSeconds` elapsed since the pause began. False in the reconcile that adds a
    /// pause.
    pub fn completed_blue_green_pause(&self, now: Timestamp) -> bool {
        let ro = self.rollout;
        let st = status(ro);
        let pause = pause_condition(ro, &PauseReason::BlueGreenPause);
        if self.has_add_pause() {
            return false;
        }
        if st.blue_green.scale_up_preview_check_point {
            return true;
        }
        let bg = ro.blue_green();
        if bg.is_none_or(|bg| bg.auto_promotion_enabled()) {
            let auto_promotion_seconds = bg.map_or(0, |bg| bg.auto_promotion_seconds);
            if auto_promotion_seconds == 0 {
                return true;
            }
            return match pause {
                Some(pause) => after_start(pause, auto_promotion_seconds, now),
                // Never paused.
                None => false,
            };
        }
        // Auto-promotion disabled: a pause condition still present means nobody resumed it.
        st.controller_pause && pause.is_none()
    }

    /// `CompletedCanaryPauseStep`: the pause step is over because the rollout was resumed (controller pause
    /// without its condition) or its duration elapsed since the pause began.
    pub fn completed_canary_pause_step(&self, pause: &RolloutPause, now: Timestamp) -> bool {
        let st = status(self.rollout);
        let cond = pause_condition(self.rollout, &PauseReason::CanaryPauseStep);
        if st.controller_pause && cond.is_none() {
            return true;
        }
        match cond {
            Some(cond) if pause.duration.is_some() => after_start(cond, pause.duration_seconds(), now),
            _ => false,
        }
    }
}

/// `now` is after the pause's start time plus `seconds` (Go's zero start time when unset).
fn after_start(pause: &PauseCondition, seconds: i32, now: Timestamp) -> bool {
    let start = pause.start_time.as_ref().map_or(Timestamp::MIN, |t| t.0);
    let deadline = start
        .checked_add(SignedDuration::from_secs(i64::from(seconds)))
        .unwrap_or(start);
    now > deadline
}

/// `getPauseCondition`: the pause condition with the reason.
pub fn pause_condition<'a>(ro: &'a Rollout, reason: &PauseReason) -> Option<&'a PauseCondition> {
    status(ro)
        .pause_conditions
        .iter()
        .find(|c| c.reason.as_ref() == Some(reason))
}

/// `requiresManualAction`: the pause needs a person to resume it: inconclusive analysis or experiment, an
/// indefinite canary pause step (the current step pauses without duration), or the blue-green pause with
/// auto-promotion explicitly disabled.
pub fn requires_manual_action(reason: &PauseReason, ro: &Rollout) -> bool {
    match reason {
        PauseReason::InconclusiveAnalysis | PauseReason::InconclusiveExperiment => true,
        PauseReason::CanaryPauseStep => {
            ro.canary().is_some()
                && current_canary_step(ro)
                    .0
                    .and_then(|step| step.pause.as_ref())
                    .is_some_and(|pause| pause.duration.is_none())
        }
        PauseReason::BlueGreenPause => ro
            .blue_green()
            .is_some_and(|bg| bg.auto_promotion_enabled == Some(false)),
        PauseReason::Other(_) => false,
    }
}

/// `haltProgress`: why no progress (ReplicaSet scaling for steps or promotion) may be made: `user paused`
/// (`spec.paused`) or `inconclusive analysis`; `None` otherwise.
pub fn halt_progress(ro: &Rollout) -> Option<&'static str> {
    if ro.spec.paused {
        return Some("user paused");
    }
    if pause_condition(ro, &PauseReason::InconclusiveAnalysis).is_some() {
        return Some("inconclusive analysis");
    }
    None
}

/// `completedPrePromotionAnalysis`: there is no blue-green pre-promotion analysis, or its current run
/// succeeded.
pub fn completed_pre_promotion_analysis(ro: &Rollout, current_run: Option<&AnalysisRun>) -> bool {
    let no_analysis = ro
        .blue_green()
        .is_none_or(|bg| bg.pre_promotion_analysis.is_none());
    no_analysis
        || current_run
            .and_then(|run| run.status.as_ref())
            .is_some_and(|s| s.phase == Some(AnalysisPhase::Successful))
}
