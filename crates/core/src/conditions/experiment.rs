//! Experiment conditions (`utils/conditions/experiments.go`): get/set/remove, progress and running checks,
//! and the spec checks that produce an `InvalidSpec` condition.

use std::collections::{BTreeMap, HashSet};

use jiff::{SignedDuration, Timestamp};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use rollouts_api::enums::{ConditionStatus, ExperimentConditionType};
use rollouts_api::experiment::{ExperimentCondition, TemplateStatus};
use rollouts_api::{Experiment, ExperimentStatus};

use super::{
    EXPERIMENT_MIN_READY_LONGER_THAN_DEADLINE_MESSAGE, EXPERIMENT_SELECT_ALL_MESSAGE,
    EXPERIMENT_TEMPLATE_NAME_EMPTY, EXPERIMENT_TEMPLATE_NAME_REPEATED_MESSAGE, INVALID_SPEC_REASON,
    MISSING_FIELD_MESSAGE, go_sprintf,
};
use crate::defaults;

/// `NewExperimentConditions`: a condition whose update and transition times are `now`.
pub fn new_experiment_condition(
    type_: ExperimentConditionType,
    status: ConditionStatus,
    reason: &str,
    message: &str,
    now: Timestamp,
) -> ExperimentCondition {
    ExperimentCondition {
        type_: Some(type_),
        status: Some(status),
        last_update_time: Some(Time(now)),
        last_transition_time: Some(Time(now)),
        reason: reason.to_owned(),
        message: message.to_owned(),
    }
}

/// `GetExperimentCondition`: the first condition of the type.
pub fn get_experiment_condition<'a>(
    status: &'a ExperimentStatus,
    type_: &ExperimentConditionType,
) -> Option<&'a ExperimentCondition> {
    status.conditions.iter().find(|c| c.type_.as_ref() == Some(type_))
}

/// `SetExperimentCondition`: adds or replaces the condition of its type, unless one with the same status and
/// reason exists; with the same status only, the old transition time is kept. Appended after the others.
pub fn set_experiment_condition(status: &mut ExperimentStatus, mut condition: ExperimentCondition) {
    if let Some(current) = status.conditions.iter().find(|c| c.type_ == condition.type_) {
        if current.status == condition.status && current.reason == condition.reason {
            return;
        }
        if current.status == condition.status {
            condition.last_transition_time = current.last_transition_time.clone();
        }
    }
    status.conditions.retain(|c| c.type_ != condition.type_);
    status.conditions.push(condition);
}

/// `RemoveExperimentCondition`: drops every condition of the type.
pub fn remove_experiment_condition(status: &mut ExperimentStatus, type_: &ExperimentConditionType) {
    status.conditions.retain(|c| c.type_.as_ref() != Some(type_));
}

/// `GetTemplateStatusMapping`: template statuses by name (a later duplicate wins).
fn template_status_mapping(status: &ExperimentStatus) -> BTreeMap<&str, &TemplateStatus> {
    status
        .template_statuses
        .iter()
        .map(|t| (t.name.as_str(), t))
        .collect()
}

/// `ExperimentProgressing(experiment, newStatus)`: there are more template statuses than before, or a
/// template's replica counts changed.
pub fn experiment_progressing(ex: &Experiment, new_status: &ExperimentStatus) -> bool {
    let empty = ExperimentStatus::default();
    let old = template_status_mapping(ex.status.as_ref().unwrap_or(&empty));
    let new = template_status_mapping(new_status);
    if old.len() < new.len() {
        return true;
    }
    old.iter().any(|(name, old)| {
        new.get(name).is_some_and(|new| {
            old.replicas != new.replicas
                || old.updated_replicas != new.updated_replicas
                || old.ready_replicas != new.ready_replicas
                || old.available_replicas != new.available_replicas
        })
    })
}

/// `experimentutil.PassedDurations`: whether `spec.duration` has elapsed since `status.availableAt`, and the
/// time left (negative once passed). `(false, 0)` without a duration, before availability, or when the
/// duration cannot be parsed.
pub fn passed_durations(ex: &Experiment, now: Timestamp) -> (bool, SignedDuration) {
    if ex.spec.duration.is_empty() {
        return (false, SignedDuration::ZERO);
    }
    let Some(available_at) = ex.status.as_ref().and_then(|s| s.available_at.as_ref()) else {
        return (false, SignedDuration::ZERO);
    };
    let Ok(nanos) = ex.spec.duration.nanos() else {
        return (false, SignedDuration::ZERO);
    };
    let Ok(expired) = available_at.0.checked_add(SignedDuration::from_nanos(nanos)) else {
        return (false, SignedDuration::ZERO);
    };
    (now > expired, expired.duration_since(now))
}

/// `ExperimentRunning`: the templates became available and the duration (if any) has not elapsed.
pub fn experiment_running(ex: &Experiment, now: Timestamp) -> bool {
    let available = ex.status.as_ref().is_some_and(|s| s.available_at.is_some());
    available && !passed_durations(ex, now).0
}

/// `newInvalidSpecExperimentCondition`: the previous condition with its update time refreshed when its
/// message is the same, else a new `InvalidSpec` condition.
fn invalid_spec_condition(
    prev: Option<&ExperimentCondition>,
    message: String,
    now: Timestamp,
) -> ExperimentCondition {
    if let Some(prev) = prev
        && prev.message == message
    {
        let mut cond = prev.clone();
        cond.last_update_time = Some(Time(now));
        return cond;
    }
    new_experiment_condition(
        ExperimentConditionType::InvalidSpec,
        ConditionStatus::True,
        INVALID_SPEC_REASON,
        &message,
        now,
    )
}

/// `VerifyExperimentSpec(experiment, prevCond)`: an `InvalidSpec` condition for the first invalid template
/// (missing selector, empty selector, `minReadySeconds` beyond the progress deadline, empty or repeated
/// name), or `None` when the spec is valid. Go refreshes `prevCond` in place when the message is unchanged;
/// here the refreshed copy is returned.
pub fn verify_experiment_spec(
    ex: &Experiment,
    prev: Option<&ExperimentCondition>,
    now: Timestamp,
) -> Option<ExperimentCondition> {
    let experiment_name = ex.metadata.name.as_deref().unwrap_or("");
    let deadline = defaults::experiment_progress_deadline_seconds_or_default(ex);
    let mut names = HashSet::new();
    for (i, template) in ex.spec.templates.iter().enumerate() {
        let message = match &template.selector {
            None => Some(go_sprintf(
                MISSING_FIELD_MESSAGE,
                &[&format!(".Spec.Templates[{i}].Selector")],
            )),
            // Go: reflect.DeepEqual(selector, &metav1.LabelSelector{}), so `matchLabels: {}` is not "empty".
            Some(selector) if selector.match_labels.is_none() && selector.match_expressions.is_none() => {
                Some(go_sprintf(EXPERIMENT_SELECT_ALL_MESSAGE, &[&i]))
            }
            Some(_) if template.min_ready_seconds > deadline => Some(go_sprintf(
                EXPERIMENT_MIN_READY_LONGER_THAN_DEADLINE_MESSAGE,
                &[&i],
            )),
            Some(_) if template.name.is_empty() => Some(go_sprintf(
                EXPERIMENT_TEMPLATE_NAME_EMPTY,
                &[&experiment_name, &i],
            )),
            Some(_) if !names.insert(template.name.as_str()) => Some(go_sprintf(
                EXPERIMENT_TEMPLATE_NAME_REPEATED_MESSAGE,
                &[&experiment_name, &template.name],
            )),
            Some(_) => None,
        };
        if let Some(message) = message {
            return Some(invalid_spec_condition(prev, message, now));
        }
    }
    None
}
