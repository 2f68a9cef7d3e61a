//! Rollout conditions (`utils/conditions/conditions.go`): get/set/remove, and the evaluations of progress,
//! health, completion and the progress deadline, plus the canary step hash.

use jiff::{SignedDuration, Timestamp};
use k8s_openapi::api::apps::v1::ReplicaSetCondition;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use rollouts_api::Rollout;
use rollouts_api::enums::{ConditionStatus, RolloutConditionType};
use rollouts_api::rollout::{RolloutCondition, RolloutStatus};

use super::{ROLLOUT_ABORTED_REASON, ROLLOUT_PAUSED_REASON, TIMED_OUT_REASON};
use crate::{defaults, status};

/// `NewRolloutCondition`: a condition whose update and transition times are `now`.
pub fn new_rollout_condition(
    type_: RolloutConditionType,
    status: ConditionStatus,
    reason: &str,
    message: &str,
    now: Timestamp,
) -> RolloutCondition {
    RolloutCondition {
        type_: Some(type_),
        status: Some(status),
        last_update_time: Some(Time(now)),
        last_transition_time: Some(Time(now)),
        reason: reason.to_owned(),
        message: message.to_owned(),
    }
}

/// `GetRolloutCondition`: the first condition of the type.
pub fn get_rollout_condition<'a>(
    status: &'a RolloutStatus,
    type_: &RolloutConditionType,
) -> Option<&'a RolloutCondition> {
    status.conditions.iter().find(|c| c.type_.as_ref() == Some(type_))
}

/// `SetRolloutCondition`: adds or replaces the condition of its type. Nothing changes (returns false) when a
/// condition of the type has the same status and reason; with the same status only, the old transition time
/// is kept. The new condition is appended after the others.
pub fn set_rollout_condition(status: &mut RolloutStatus, mut condition: RolloutCondition) -> bool {
    let current = status.conditions.iter().find(|c| c.type_ == condition.type_);
    if let Some(current) = current {
        if current.status == condition.status && current.reason == condition.reason {
            return false;
        }
        if current.status == condition.status {
            condition.last_transition_time = current.last_transition_time.clone();
        }
    }
    status.conditions.retain(|c| c.type_ != condition.type_);
    status.conditions.push(condition);
    true
}

/// `RemoveRolloutCondition`: drops every condition of the type.
pub fn remove_rollout_condition(status: &mut RolloutStatus, type_: &RolloutConditionType) {
    status.conditions.retain(|c| c.type_.as_ref() != Some(type_));
}

/// `RolloutProgressing(rollout, newStatus)`: comparing the recorded status with the new one, pods were
/// updated, old pods went away, pods became ready or available, or (blue-green) a service selector changed,
/// or (canary) the stable ReplicaSet, the step index (both set) or the step hash changed.
pub fn rollout_progressing(ro: &Rollout, new_status: &RolloutStatus) -> bool {
    let old = status(ro);
    let mut strategy_progress = false;
    if ro.blue_green().is_some() {
        strategy_progress = old.blue_green.active_selector != new_status.blue_green.active_selector
            || old.blue_green.preview_selector != new_status.blue_green.preview_selector;
    }
    if ro.canary().is_some() {
        let step_index_changed = matches!(
            (new_status.current_step_index, old.current_step_index),
            (Some(new), Some(old)) if new != old
        );
        strategy_progress = new_status.stable_rs != old.stable_rs
            || step_index_changed
            || new_status.current_step_hash != old.current_step_hash;
    }
    let old_old_replicas = old.replicas - old.updated_replicas;
    let new_old_replicas = new_status.replicas - new_status.updated_replicas;
    new_status.updated_replicas != old.updated_replicas
        || new_old_replicas < old_old_replicas
        || new_status.ready_replicas > old.ready_replicas
        || new_status.available_replicas > old.available_replicas
        || strategy_progress
}

/// `RolloutHealthy(rollout, newStatus)`: all desired pods are updated and available, the generation was
/// observed, and the strategy is complete: blue-green's services select the current pods; a canary executed
/// all its steps, made the current pods stable and has no extra pods.
pub fn rollout_healthy(ro: &Rollout, new_status: &RolloutStatus) -> bool {
    let replicas = defaults::replicas_or_default(ro.spec.replicas);
    let mut completed_strategy = true;
    if let Some(bg) = ro.blue_green() {
        let active_complete = new_status.blue_green.active_selector == new_status.current_pod_hash;
        let preview_complete = bg.preview_service.is_empty()
            || new_status.blue_green.preview_selector == new_status.current_pod_hash;
        completed_strategy = active_complete && preview_complete;
    }
    if let Some(canary) = ro.canary() {
        let step_count = canary.steps.len();
        let executed_all_steps = match new_status.current_step_index {
            Some(index) if step_count > 0 => i64::from(index) == step_count as i64,
            _ => true,
        };
        let current_is_stable =
            !new_status.stable_rs.is_empty() && new_status.stable_rs == new_status.current_pod_hash;
        let old_replicas_gone = new_status.replicas == replicas;
        completed_strategy = executed_all_steps && current_is_stable && old_replicas_gone;
    }
    // Go: rollout.Status.ObservedGeneration == strconv.Itoa(int(rollout.Generation)).
    let generation = ro.metadata.generation.unwrap_or(0);
    new_status.updated_replicas == replicas
        && new_status.available_replicas == replicas
        && status(ro).observed_generation == generation.to_string()
        && completed_strategy
}

/// `RolloutCompleted`: the stable ReplicaSet is set and is the current one.
pub fn rollout_completed(new_status: &RolloutStatus) -> bool {
    !new_status.stable_rs.is_empty() && new_status.stable_rs == new_status.current_pod_hash
}

/// `ComputeStepHash`: the safe-encoded FNV-1a hash of Go's `json.Marshal` of the canary steps; `""` for
/// blue-green or without a canary strategy.
///
/// Go marshals nil steps as `null` and an empty list as `[]`. The API type cannot tell `steps: []` from an
/// absent `steps`, so an empty list is hashed as `null` (what Go computes when `steps` is absent).
pub fn compute_step_hash(ro: &Rollout) -> String {
    if ro.blue_green().is_some() {
        return String::new();
    }
    let Some(canary) = ro.canary() else {
        return String::new();
    };
    let json = if canary.steps.is_empty() {
        b"null".to_vec()
    } else {
        // The step types serialise with Go's field order and omitempty; Go also escapes HTML characters.
        rollouts_api::hash::go_html_escape(&serde_json::to_vec(&canary.steps).unwrap_or_default())
    };
    rollouts_api::hash::step_hash(&json)
}

/// `RolloutTimedOut(rollout, newStatus, now)`: the Progressing condition has the ProgressDeadlineExceeded
/// reason, or its last update is more than `progressDeadlineSeconds` (default 600) before `now`. No
/// Progressing condition, or one paused or aborted, never times out.
pub fn rollout_timed_out(ro: &Rollout, new_status: &RolloutStatus, now: Timestamp) -> bool {
    let Some(condition) = get_rollout_condition(new_status, &RolloutConditionType::Progressing) else {
        return false;
    };
    // A retried rollout must not time out because of an abort (or a pause) long ago.
    if condition.reason == ROLLOUT_ABORTED_REASON || condition.reason == ROLLOUT_PAUSED_REASON {
        return false;
    }
    if condition.reason == TIMED_OUT_REASON {
        return true;
    }
    let deadline = SignedDuration::from_secs(i64::from(defaults::progress_deadline_seconds_or_default(ro)));
    match condition.last_update_time.as_ref() {
        Some(from) => from.0.checked_add(deadline).is_ok_and(|at| at < now),
        // Go's zero time (year 1) plus any deadline is long past.
        None => true,
    }
}

/// `ReplicaSetToRolloutCondition`: a ReplicaSet condition (e.g. `ReplicaFailure`) as a rollout condition,
/// both times being the ReplicaSet condition's transition time.
pub fn replica_set_to_rollout_condition(condition: &ReplicaSetCondition) -> RolloutCondition {
    RolloutCondition {
        type_: condition
            .type_
            .as_deref()
            .filter(|t| !t.is_empty())
            .map(RolloutConditionType::from),
        status: condition
            .status
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(ConditionStatus::from),
        last_update_time: condition.last_transition_time.clone(),
        last_transition_time: condition.last_transition_time.clone(),
        reason: condition.reason.clone().unwrap_or_default(),
        message: condition.message.clone().unwrap_or_default(),
    }
}
