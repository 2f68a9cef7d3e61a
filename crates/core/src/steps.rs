//! Canary step navigation (`utils/replicaset/canary.go`, `utils/rollout/rolloututil.go`): the current step,
//! the setWeight / setCanaryScale / experiment in force at it, whether background analysis has started, and
//! the one-line rendering of a step used by the CLI and events.

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use rollouts_api::Rollout;
use rollouts_api::rollout::{CanaryStep, RolloutExperimentStep, SetCanaryScale};

use crate::{defaults, replicas::weights::max_traffic_weight, status};

/// `GetCurrentCanaryStep`: the step at `status.currentStepIndex` (nil index = 0) and the index. `(None, None)`
/// without a canary or without steps; `(None, Some(index))` once the index is past the last step.
///
/// Go indexes the steps with a negative index (and panics); here a negative index gives no step.
pub fn current_canary_step(ro: &Rollout) -> (Option<&CanaryStep>, Option<i32>) {
    let steps = ro.steps();
    if steps.is_empty() {
        return (None, None);
    }
    let index = status(ro).current_step_index.unwrap_or(0);
    let step = usize::try_from(index).ok().and_then(|i| steps.get(i));
    (step, Some(index))
}

/// The steps from the current one back to the first, for the "nearest step at or before the current one"
/// searches of Go (`for i := *currentStepIndex; i >= 0; i--`). Empty when there is no current step.
fn steps_back_from_current(ro: &Rollout) -> impl Iterator<Item = &CanaryStep> {
    let (step, index) = current_canary_step(ro);
    let upto = match (step, index) {
        (Some(_), Some(index)) => usize::try_from(index).map_or(0, |i| i + 1),
        _ => 0,
    };
    ro.steps()[..upto].iter().rev()
}

/// `GetCurrentSetWeight`: 0 when aborted; `maxTrafficWeight` when there is no current step (no steps, or past
/// the last); else the `setWeight` of the nearest setWeight step at or before the current step, 0 if none.
pub fn current_set_weight(ro: &Rollout) -> i32 {
    if status(ro).abort {
        return 0;
    }
    if current_canary_step(ro).0.is_none() {
        return max_traffic_weight(ro);
    }
    steps_back_from_current(ro)
        .find_map(|step| step.set_weight)
        .unwrap_or(0)
}

/// `UseSetCanaryScale`: the `setCanaryScale` in force at the current step, if it should be used. Only with
/// traffic routing; ignored once aborted unless `abortScaleDownDelaySeconds: 0` keeps the canary up; a later
/// `matchTrafficWeight: true` step cancels earlier ones.
pub fn use_set_canary_scale(ro: &Rollout) -> Option<&SetCanaryScale> {
    ro.traffic_routing()?;
    if status(ro).abort {
        let (abort_delay, _) = defaults::abort_scale_down_delay_seconds_or_default(ro);
        if abort_delay.is_some() {
            return None;
        }
    }
    let scale = steps_back_from_current(ro).find_map(|step| step.set_canary_scale.as_ref())?;
    if scale.match_traffic_weight {
        return None;
    }
    Some(scale)
}

/// `GetCurrentExperimentStep`: the experiment of the nearest experiment step at or before the current step.
pub fn current_experiment_step(ro: &Rollout) -> Option<&RolloutExperimentStep> {
    steps_back_from_current(ro).find_map(|step| step.experiment.as_ref())
}

/// `BeforeStartingStep`: the background analysis has a `startingStep` that the current step has not reached.
pub fn before_starting_step(ro: &Rollout) -> bool {
    let Some(starting_step) = ro
        .canary()
        .and_then(|c| c.analysis.as_ref())
        .and_then(|a| a.starting_step)
    else {
        return false;
    };
    match current_canary_step(ro) {
        (_, Some(index)) => index < starting_step,
        (_, None) => false,
    }
}

/// `ResetCurrentStepIndex`: 0 when the canary has steps, else nil.
pub fn reset_current_step_index(ro: &Rollout) -> Option<i32> {
    (!ro.steps().is_empty()).then_some(0)
}

/// `CanaryStepString`: a step as the CLI and events show it (`setWeight: 20`, `pause: 10s`,
/// `setCanaryScale{replicas: 5}`, ...); `invalid` for a step with nothing set.
pub fn canary_step_string(step: &CanaryStep) -> String {
    if let Some(weight) = step.set_weight {
        return format!("setWeight: {weight}");
    }
    if let Some(pause) = &step.pause {
        return match &pause.duration {
            None => "pause".to_owned(),
            // Go: IntOrString.String().
            Some(IntOrString::Int(seconds)) => format!("pause: {seconds}"),
            Some(IntOrString::String(duration)) => format!("pause: {duration}"),
        };
    }
    if step.experiment.is_some() {
        return "experiment".to_owned();
    }
    if step.analysis.is_some() {
        return "analysis".to_owned();
    }
    if let Some(scale) = &step.set_canary_scale {
        if let Some(weight) = scale.weight {
            return format!("setCanaryScale{{weight: {weight}}}");
        } else if scale.match_traffic_weight {
            return "setCanaryScale{matchTrafficWeight: true}".to_owned();
        } else if let Some(replicas) = scale.replicas {
            return format!("setCanaryScale{{replicas: {replicas}}}");
        }
        // Go falls through to the checks below for an empty setCanaryScale.
    }
    if let Some(plugin) = &step.plugin {
        return format!("plugin: {}", plugin.name);
    }
    if let Some(route) = &step.set_header_route {
        return format!("setHeaderRoute: {}", route.name);
    }
    if let Some(route) = &step.set_mirror_route {
        return format!("setMirrorRoute: {}", route.name);
    }
    "invalid".to_owned()
}
