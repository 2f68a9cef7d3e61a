//! Argo's defaulting getters (`utils/defaults/defaults.go`) that the decisions here need.
//!
//! `rollouts_api::defaults` holds only the default numbers; these private getters apply them to a rollout
//! or experiment exactly as the Go getters do (which field wins, when a strategy has no such setting).

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use rollouts_api::defaults as d;
use rollouts_api::{Experiment, Rollout};

/// `GetReplicasOrDefault`: the value, or 1 when unset.
pub(crate) fn replicas_or_default(replicas: Option<i32>) -> i32 {
    replicas.unwrap_or(d::REPLICAS)
}

/// `GetMaxSurgeOrDefault`: `canary.maxSurge`, else the string `"25"` (read as 25%).
pub(crate) fn max_surge_or_default(ro: &Rollout) -> IntOrString {
    ro.canary()
        .and_then(|c| c.max_surge.clone())
        .unwrap_or_else(|| IntOrString::String(d::MAX_SURGE.to_owned()))
}

/// `GetMaxUnavailableOrDefault`: `blueGreen.maxUnavailable`, else `canary.maxUnavailable`, else `"25"`.
pub(crate) fn max_unavailable_or_default(ro: &Rollout) -> IntOrString {
    ro.blue_green()
        .and_then(|b| b.max_unavailable.clone())
        .or_else(|| ro.canary().and_then(|c| c.max_unavailable.clone()))
        .unwrap_or_else(|| IntOrString::String(d::MAX_UNAVAILABLE.to_owned()))
}

/// `GetProgressDeadlineSecondsOrDefault`: `spec.progressDeadlineSeconds` (an explicit 0 included), else 600.
pub(crate) fn progress_deadline_seconds_or_default(ro: &Rollout) -> i32 {
    ro.spec
        .progress_deadline_seconds
        .unwrap_or(d::PROGRESS_DEADLINE_SECONDS)
}

/// `GetExperimentProgressDeadlineSecondsOrDefault`: `spec.progressDeadlineSeconds`, else 600.
pub(crate) fn experiment_progress_deadline_seconds_or_default(ex: &Experiment) -> i32 {
    ex.spec
        .progress_deadline_seconds
        .unwrap_or(d::EXPERIMENT_PROGRESS_DEADLINE_SECONDS)
}

/// `GetAbortScaleDownDelaySecondsOrDefault`: the delay in seconds before the canary/preview is scaled down
/// after an abort, and whether it was set explicitly. `None` means "never scale down"
/// (`abortScaleDownDelaySeconds: 0`). Blue-green defaults to 30; canary defaults to 30 with traffic routing
/// and to 0 (scale down at once) without.
pub(crate) fn abort_scale_down_delay_seconds_or_default(ro: &Rollout) -> (Option<i32>, bool) {
    let explicit = if let Some(bg) = ro.blue_green() {
        match bg.abort_scale_down_delay_seconds {
            None => return (Some(d::ABORT_SCALE_DOWN_DELAY_SECONDS), false),
            Some(seconds) => seconds,
        }
    } else if let Some(canary) = ro.canary() {
        if canary.traffic_routing.is_none() {
            return (Some(0), false);
        }
        match canary.abort_scale_down_delay_seconds {
            None => return (Some(d::ABORT_SCALE_DOWN_DELAY_SECONDS), false),
            Some(seconds) => seconds,
        }
    } else {
        return (Some(0), false);
    };
    if explicit == 0 {
        (None, true)
    } else {
        (Some(explicit), true)
    }
}

/// `GetScaleDownDelaySecondsOrDefault`: how long an old ReplicaSet stays up after it stopped receiving
/// traffic: `blueGreen.scaleDownDelaySeconds` (default 30), or `canary.scaleDownDelaySeconds` with traffic
/// routing (default 30); 0 for a basic canary.
pub(crate) fn scale_down_delay_seconds_or_default(ro: &Rollout) -> i32 {
    let mut seconds = 0;
    if let Some(bg) = ro.blue_green() {
        seconds = bg.scale_down_delay_seconds.unwrap_or(d::SCALE_DOWN_DELAY_SECONDS);
    }
    if let Some(canary) = ro.canary()
        && canary.traffic_routing.is_some()
    {
        seconds = canary
            .scale_down_delay_seconds
            .unwrap_or(d::SCALE_DOWN_DELAY_SECONDS);
    }
    seconds
}

/// `GetScaleDownRevisionLimit`: how many old ReplicaSets may wait out their scale-down delay at once
/// (`scaleDownDelayRevisionLimit` of the strategy; unlimited when unset).
pub(crate) fn scale_down_revision_limit(ro: &Rollout) -> i32 {
    ro.blue_green()
        .and_then(|b| b.scale_down_delay_revision_limit)
        .or_else(|| ro.canary().and_then(|c| c.scale_down_delay_revision_limit))
        .unwrap_or(i32::MAX)
}

/// `HasExplicitAbortScaleDownDelay`: set explicitly to a non-zero delay.
pub(crate) fn has_explicit_abort_scale_down_delay(ro: &Rollout) -> bool {
    matches!(abort_scale_down_delay_seconds_or_default(ro), (Some(_), true))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rollout(strategy: serde_json::Value) -> Rollout {
        serde_json::from_value(serde_json::json!({
            "apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "metadata": {},
            "spec": {"strategy": strategy}
        }))
        .expect("rollout")
    }

    #[test]
    fn abort_scale_down_delay_follows_go() {
        assert_eq!(
            abort_scale_down_delay_seconds_or_default(&rollout(serde_json::json!({"blueGreen": {}}))),
            (Some(30), false)
        );
        assert_eq!(
            abort_scale_down_delay_seconds_or_default(&rollout(
                serde_json::json!({"blueGreen": {"abortScaleDownDelaySeconds": 0}})
            )),
            (None, true)
        );
        assert_eq!(
            abort_scale_down_delay_seconds_or_default(&rollout(serde_json::json!({"canary": {}}))),
            (Some(0), false)
        );
        let tr =
            rollout(serde_json::json!({"canary": {"trafficRouting": {}, "abortScaleDownDelaySeconds": 5}}));
        assert_eq!(abort_scale_down_delay_seconds_or_default(&tr), (Some(5), true));
        assert!(has_explicit_abort_scale_down_delay(&tr));
        let zero =
            rollout(serde_json::json!({"canary": {"trafficRouting": {}, "abortScaleDownDelaySeconds": 0}}));
        assert!(!has_explicit_abort_scale_down_delay(&zero));
    }

    #[test]
    fn max_unavailable_prefers_blue_green() {
        let ro = rollout(serde_json::json!({"blueGreen": {"maxUnavailable": 3}}));
        assert_eq!(max_unavailable_or_default(&ro), IntOrString::Int(3));
        assert_eq!(max_surge_or_default(&ro), IntOrString::String("25".into()));
    }
}
