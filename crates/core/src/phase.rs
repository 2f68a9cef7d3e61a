//! A rollout's phase and message (`utils/rollout/rolloututil.go`): `CalculateRolloutPhase`, written to
//! `status.phase`/`status.message` by the controller, and `GetRolloutPhase`, what clients show, which also
//! accounts for a spec or workload not yet observed and for a pending unpause; with the small predicates
//! they use.

use std::borrow::Borrow;

use k8s_openapi::api::apps::v1::ReplicaSet;
use rollouts_api::enums::{RolloutConditionType, RolloutPhase};
use rollouts_api::keys::WORKLOAD_GENERATION_ANNOTATION;
use rollouts_api::{Rollout, RolloutSpec, RolloutStatus};

use crate::conditions::{ROLLOUT_ABORTED_REASON, TIMED_OUT_REASON};
use crate::replicas::weights::max_traffic_weight;
use crate::replicas::{available_replicas, pod_template_hash};
use crate::steps::current_canary_step;
use crate::{defaults, status};

/// `IsFullyPromoted`: `status.stableRS == status.currentPodHash`.
pub fn is_fully_promoted(ro: &Rollout) -> bool {
    let st = status(ro);
    st.stable_rs == st.current_pod_hash
}

/// `IsDynamicallyRollingBackToStable`: a fully promoted traffic-routed canary with `dynamicStableScale` whose
/// router still sends canary traffic to another ReplicaSet than `desired_rs`, which is not yet fully
/// available (an update interrupted by a rollback to the stable). Returns the canary's pod-template hash
/// when true.
pub fn is_dynamically_rolling_back_to_stable<'a>(
    ro: &'a Rollout,
    desired_rs: Option<&ReplicaSet>,
) -> Option<&'a str> {
    if !is_fully_promoted(ro)
        || ro.traffic_routing().is_none()
        || !ro.canary().is_some_and(|c| c.dynamic_stable_scale)
    {
        return None;
    }
    let weights = status(ro).canary.weights.as_ref()?;
    let current = weights.canary.pod_template_hash.as_str();
    if current == pod_template_hash(desired_rs) {
        return None;
    }
    // Go dereferences desiredRS and spec.replicas here.
    let desired_available = desired_rs.map_or(0, available_replicas);
    if desired_available >= defaults::replicas_or_default(ro.spec.replicas) {
        return None;
    }
    Some(current)
}

/// `AbortOrDynamicRollbackToStable`: aborted, or dynamically rolling back to the ReplicaSet whose hash is
/// `stable_hash` (only the stable's availability matters before updating traffic).
pub fn abort_or_dynamic_rollback_to_stable<R: Borrow<ReplicaSet>>(
    ro: &Rollout,
    all_rss: &[R],
    stable_hash: &str,
) -> bool {
    if status(ro).abort {
        return true;
    }
    all_rss
        .iter()
        .map(Borrow::borrow)
        .find(|rs| pod_template_hash(Some(rs)) == stable_hash)
        .is_some_and(|stable| is_dynamically_rolling_back_to_stable(ro, Some(stable)).is_some())
}

/// `isGenerationObserved`: `status.observedGeneration` (a decimal string) is at least `metadata.generation`.
/// A non-numeric value (v0.9 wrote a hash there) counts as observed, and so does a larger one.
pub fn is_generation_observed(ro: &Rollout) -> bool {
    let Some(observed) = parse_go_int(&status(ro).observed_generation, 64) else {
        return true;
    };
    observed >= ro.metadata.generation.unwrap_or(0)
}

/// `IsUnpausing`: the user cleared the pause conditions but the controller has not reacted yet.
pub fn is_unpausing(ro: &Rollout) -> bool {
    let st = status(ro);
    st.controller_pause && st.pause_conditions.is_empty()
}

/// `isWorkloadGenerationObserved`: the `rollout.argoproj.io/workload-generation` annotation (an int32) equals
/// `status.workloadObservedGeneration`. Without a readable annotation, or when the status value is not an
/// int32, it counts as observed.
pub fn is_workload_generation_observed(ro: &Rollout) -> bool {
    let Some(generation) = ro
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(WORKLOAD_GENERATION_ANNOTATION))
        .and_then(|v| parse_go_int(v, 32))
    else {
        return true;
    };
    match parse_go_int(&status(ro).workload_observed_generation, 32) {
        Some(observed) => observed == generation,
        None => true,
    }
}

/// Go's `strconv.ParseInt(s, 10, bits)` (`Atoi` for 64): optional sign, base-10 digits, within range.
fn parse_go_int(s: &str, bits: u32) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: i64 = s.parse().ok()?;
    match bits {
        32 => i32::try_from(value).ok().map(i64::from),
        _ => Some(value),
    }
}

/// `GetRolloutPhase` as the CLI and dashboard call it, on a rollout read from the API (Go's in-memory
/// `spec.templateResolvedFromRef` is then false).
pub fn get_rollout_phase(ro: &Rollout) -> (RolloutPhase, String) {
    get_rollout_phase_resolved(ro, false)
}

/// `GetRolloutPhase(rollout)`, with Go's non-serialised `spec.templateResolvedFromRef` flag (the template was
/// filled from `spec.workloadRef`) as an argument: Progressing while the spec, an unpause, or the referenced
/// workload's generation is not yet observed; else the controller's `status.phase`/`message` when set, else
/// [`calculate_rollout_phase`].
pub fn get_rollout_phase_resolved(ro: &Rollout, template_resolved_from_ref: bool) -> (RolloutPhase, String) {
    if !is_generation_observed(ro) {
        return progressing("waiting for rollout spec update to be observed");
    }
    if is_unpausing(ro) {
        return progressing("waiting for rollout to unpause");
    }
    if template_resolved_from_ref && !is_workload_generation_observed(ro) {
        return progressing("waiting for rollout spec update to be observed for the reference workload");
    }
    let st = status(ro);
    if let Some(phase) = &st.phase {
        // Since 1.0 the controller computes the phase and message.
        return (phase.clone(), st.message.clone());
    }
    calculate_rollout_phase(&ro.spec, st)
}

fn progressing(message: &str) -> (RolloutPhase, String) {
    (RolloutPhase::Progressing, message.to_owned())
}

/// `CalculateRolloutPhase(spec, status)`: Degraded for an invalid spec, an abort or a progress deadline
/// exceeded; Paused when paused by the user or the controller; Progressing while restarting, updating,
/// becoming available, switching services, waiting for analysis or steps, or terminating old basic-canary
/// pods; else Healthy with an empty message.
pub fn calculate_rollout_phase(spec: &RolloutSpec, status: &RolloutStatus) -> (RolloutPhase, String) {
    for cond in &status.conditions {
        if cond.type_ == Some(RolloutConditionType::InvalidSpec) {
            return (RolloutPhase::Degraded, format!("InvalidSpec: {}", cond.message));
        }
        if cond.reason == ROLLOUT_ABORTED_REASON || cond.reason == TIMED_OUT_REASON {
            return (
                RolloutPhase::Degraded,
                format!("{}: {}", cond.reason, cond.message),
            );
        }
    }
    if spec.paused {
        return (RolloutPhase::Paused, "manually paused".to_owned());
    }
    if let Some(pause) = status.pause_conditions.first() {
        return (
            RolloutPhase::Paused,
            pause.reason.as_ref().map_or("", |r| r.as_str()).to_owned(),
        );
    }
    if let Some(restart_at) = &spec.restart_at
        && status.restarted_at.as_ref().is_none_or(|t| t.0 != restart_at.0)
    {
        return progressing("rollout is restarting");
    }
    if status.updated_replicas < defaults::replicas_or_default(spec.replicas) {
        return progressing("more replicas need to be updated");
    }
    if status.available_replicas < status.updated_replicas {
        return progressing("updated replicas are still becoming available");
    }
    let fully_promoted = !status.stable_rs.is_empty() && status.stable_rs == status.current_pod_hash;
    if let Some(bg) = &spec.strategy.blue_green {
        let active = &status.blue_green.active_selector;
        if active.is_empty() || *active != status.current_pod_hash {
            return progressing("active service cutover pending");
        }
        if !fully_promoted {
            // Switched the active service but not yet marked stable: post-promotion analysis or
            // verification (e.g. target groups) is pending.
            let waiting_for_analysis = bg.post_promotion_analysis.is_some()
                && status
                    .blue_green
                    .post_promotion_analysis_run_status
                    .as_ref()
                    .is_none_or(|run| !run.status.as_ref().is_some_and(|p| p.is_completed()));
            if waiting_for_analysis {
                return progressing("waiting for analysis to complete");
            }
            return progressing("waiting for post-promotion verification to complete");
        }
    } else if let Some(canary) = &spec.strategy.canary {
        // Only a basic canary: blue-green and traffic routing keep old pods during scaleDownDelay.
        if canary.traffic_routing.is_none() && status.replicas > status.updated_replicas {
            return progressing("old replicas are pending termination");
        }
        if !fully_promoted {
            return progressing("waiting for all steps to complete");
        }
    }
    (RolloutPhase::Healthy, String::new())
}

/// `ShouldVerifyWeight`: mid-update (a stable exists and is not the current pods) at a setWeight step, or
/// past the last step with the maximum weight desired. Verification calls the cloud provider, so it is not
/// done on every reconcile.
pub fn should_verify_weight(ro: &Rollout, desired_weight: i32) -> bool {
    let st = status(ro);
    if st.stable_rs.is_empty() || is_fully_promoted(ro) {
        return false;
    }
    match current_canary_step(ro).0 {
        Some(step) => step.set_weight.is_some(),
        None => desired_weight == max_traffic_weight(ro),
    }
}
