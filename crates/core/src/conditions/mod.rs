//! Rollout and Experiment conditions (`utils/conditions`): Argo's reason and message constants, and the
//! functions that read, set and evaluate conditions ([`rollout`], [`experiment`]).
//!
//! Messages containing `%s`, `%d`, `%q` or `%v` are Go format strings, kept verbatim; [`go_sprintf`] fills
//! them, e.g. `go_sprintf(ROLLOUT_PROGRESSING_MESSAGE, &[&name])`.

pub mod experiment;
pub mod rollout;

pub use experiment::*;
pub use rollout::*;

/// The spec is invalid.
pub const INVALID_SPEC_REASON: &str = "InvalidSpec";
/// A required field is missing (`%s`: the field path).
pub const MISSING_FIELD_MESSAGE: &str = "Rollout has missing field '%s'";
/// The rollout has an empty selector.
pub const ROLLOUT_SELECT_ALL_MESSAGE: &str =
    "This rollout is selecting all pods. A non-empty selector is required.";
/// The rollout is serving traffic from the active service.
pub const AVAILABLE_REASON: &str = "AvailableReason";
/// The rollout does not have minimum availability.
pub const NOT_AVAILABLE_MESSAGE: &str = "Rollout does not have minimum availability";
/// The rollout has minimum availability.
pub const AVAILABLE_MESSAGE: &str = "Rollout has minimum availability";

/// One of the rollout's ReplicaSets was updated as part of the rollout.
pub const REPLICA_SET_UPDATED_REASON: &str = "ReplicaSetUpdated";
/// The rollout is progressing (`%q`: rollout name).
pub const ROLLOUT_PROGRESSING_MESSAGE: &str = "Rollout %q is progressing.";
/// A ReplicaSet is progressing (`%q`: ReplicaSet name).
pub const REPLICA_SET_PROGRESSING_MESSAGE: &str = "ReplicaSet %q is progressing.";
/// The new ReplicaSet could not be created.
pub const FAILED_RS_CREATE_REASON: &str = "ReplicaSetCreateError";
/// The new ReplicaSet could not be created (`%q`: name, `%v`: error).
pub const FAILED_RS_CREATE_MESSAGE: &str = "Failed to create new replica set %q: %v";

/// The rollout created a new ReplicaSet.
pub const NEW_REPLICA_SET_REASON: &str = "NewReplicaSetCreated";
/// The rollout created a new ReplicaSet (`%q`: name).
pub const NEW_REPLICA_SET_MESSAGE: &str = "Created new replica set %q";
/// The rollout created a new ReplicaSet (`%s`: name, `%d`: revision).
pub const NEW_REPLICA_SET_DETAILED_MESSAGE: &str = "Created ReplicaSet %s (revision %d)";

/// The rollout adopted an existing ReplicaSet.
pub const FOUND_NEW_RS_REASON: &str = "FoundNewReplicaSet";
/// The rollout adopted an existing ReplicaSet (`%q`: name).
pub const FOUND_NEW_RS_MESSAGE: &str = "Found new replica set %q";

/// The rollout spec was updated.
pub const ROLLOUT_UPDATED_REASON: &str = "RolloutUpdated";
/// The rollout spec was updated (`%s`: revision).
pub const ROLLOUT_UPDATED_MESSAGE: &str = "Rollout updated to revision %s";

/// The rollout completed.
pub const ROLLOUT_COMPLETED_REASON: &str = "RolloutCompleted";
/// The rollout completed (`%d`: revision, `%s`: pod-template hash, `%s`: reason).
pub const ROLLOUT_COMPLETED_MESSAGE: &str = "Rollout completed update to revision %d (%s): %s";
/// The rollout has not completed.
pub const ROLLOUT_NOT_COMPLETED_REASON: &str = "RolloutNotCompleted";
/// The rollout has not completed (`%d`: revision, `%s`: pod-template hash).
pub const ROLLOUT_NOT_COMPLETED_MESSAGE: &str = "Rollout not completed, started update to revision %d (%s)";

/// The rollout is healthy.
pub const ROLLOUT_HEALTHY_REASON: &str = "RolloutHealthy";
/// The rollout is healthy.
pub const ROLLOUT_HEALTHY_MESSAGE: &str = "Rollout is healthy";
/// The rollout is not healthy.
pub const ROLLOUT_NOT_HEALTHY_MESSAGE: &str = "Rollout is not healthy";

/// The rollout was aborted.
pub const ROLLOUT_ABORTED_REASON: &str = "RolloutAborted";
/// The rollout was aborted (`%d`: revision).
pub const ROLLOUT_ABORTED_MESSAGE: &str = "Rollout aborted update to revision %d";

/// The rollout is retried after an abort.
pub const ROLLOUT_RETRY_REASON: &str = "RolloutRetry";
/// The rollout is retried after an abort.
pub const ROLLOUT_RETRY_MESSAGE: &str = "Retrying Rollout after abort";

/// The rollout is paused (no progress is expected).
pub const ROLLOUT_PAUSED_REASON: &str = "RolloutPaused";
/// The rollout is paused.
pub const ROLLOUT_PAUSED_MESSAGE: &str = "Rollout is paused";

/// A ReplicaSet of the rollout is not available (e.g. pods restarted after full promotion).
pub const REPLICA_SET_NOT_AVAILABLE_REASON: &str = "ReplicaSetNotAvailable";

/// The rollout was resumed.
pub const ROLLOUT_RESUMED_REASON: &str = "RolloutResumed";
/// The rollout was resumed.
pub const ROLLOUT_RESUMED_MESSAGE: &str = "Rollout is resumed";

/// A canary step completed.
pub const ROLLOUT_STEP_COMPLETED_REASON: &str = "RolloutStepCompleted";
/// A canary step completed (`%d`: step number, `%d`: step count, `%s`: the step as text).
pub const ROLLOUT_STEP_COMPLETED_MESSAGE: &str = "Rollout step %d/%d completed (%s)";

/// The traffic weight changed.
pub const TRAFFIC_WEIGHT_UPDATED_REASON: &str = "TrafficWeightUpdated";
/// The traffic weight changed (`%s`: the weights).
pub const TRAFFIC_WEIGHT_UPDATED_MESSAGE: &str = "Traffic weight updated %s";

/// The newest ReplicaSet is available.
pub const NEW_RS_AVAILABLE_REASON: &str = "NewReplicaSetAvailable";

/// An AnalysisRun of the rollout failed or errored.
pub const ROLLOUT_ANALYSIS_RUN_FAILED_REASON: &str = "AnalysisRunFailed";
/// An AnalysisRun of the rollout failed (`%s`: run name, `%q`: rollout name).
pub const ROLLOUT_ANALYSIS_RUN_FAILED_MESSAGE: &str = "AnalysisRun '%s' owned by the Rollout '%q' failed.";

/// An Experiment of the rollout failed.
pub const ROLLOUT_EXPERIMENT_FAILED_REASON: &str = "ExperimentFailed";
/// An Experiment of the rollout timed out (`%s`: experiment name, `%q`: rollout name).
pub const ROLLOUT_EXPERIMENT_FAILED_MESSAGE: &str =
    "Experiment '%s' owned by the Rollout '%q' has timed out.";

/// Reconciliation returned an error.
pub const ROLLOUT_RECONCILIATION_ERROR_REASON: &str = "ReconciliationError";
/// Reconciliation returned an error (`%v`: the error).
pub const ROLLOUT_RECONCILIATION_ERROR_MESSAGE: &str = "Reconciliation failed with error: %v";

/// The rollout made no progress within `progressDeadlineSeconds`.
pub const TIMED_OUT_REASON: &str = "ProgressDeadlineExceeded";
/// The rollout timed out (`%q`: rollout name).
pub const ROLLOUT_TIME_OUT_MESSAGE: &str = "Rollout %q has timed out progressing.";

/// The rollout was deleted.
pub const ROLLOUT_DELETED_REASON: &str = "RolloutDeleted";
/// The rollout was deleted (`%s/%s`: namespace and name).
pub const ROLLOUT_DELETED_MESSAGE: &str = "Rollout %s/%s is deleted.";

/// A ReplicaSet was scaled.
pub const SCALING_REPLICA_SET_REASON: &str = "ScalingReplicaSet";
/// A ReplicaSet was scaled (`%s`: new/old/canary/stable..., `%s`: name, `%d`: revision, `%d` from, `%d` to).
pub const SCALING_REPLICA_SET_MESSAGE: &str = "Scaled %s ReplicaSet %s (revision %d) from %d to %d";

/// The newest ReplicaSet timed out (`%q`: name).
pub const REPLICA_SET_TIME_OUT_MESSAGE: &str = "ReplicaSet %q has timed out progressing.";
/// The newest ReplicaSet progressed (`%q`: name).
pub const REPLICA_SET_COMPLETED_MESSAGE: &str = "ReplicaSet %q has successfully progressed.";

/// A Service reference of the rollout is wrong.
pub const SERVICE_REFERENCE_REASON: &str = "ServiceReferenceError";
/// A Service is managed by another rollout (`%q`: service name).
pub const SERVICE_REFERENCING_MANAGED_SERVICE: &str = "Service %q is managed by another Rollout";

/// A step plugin moved to an unsuccessful phase.
pub const STEP_PLUGIN_TRANSITION_REASON: &str = "StepPluginTransition";
/// A step plugin's run transitioned (`%s`: plugin, `%d`: step, `%s`: phase).
pub const STEP_PLUGIN_TRANSITION_RUN_MESSAGE: &str = "Step plugin %s (step %d) transitioned to %s";
/// A step plugin was aborted (`%s`: plugin, `%d`: step, `%s`: phase).
pub const STEP_PLUGIN_TRANSITION_ABORT_MESSAGE: &str = "Step plugin %s (step %d) aborted (%s)";
/// A step plugin was terminated (`%s`: plugin, `%d`: step, `%s`: phase).
pub const STEP_PLUGIN_TRANSITION_TERMINATE_MESSAGE: &str = "Step plugin %s (step %d) terminated (%s)";

/// A target group was verified.
pub const TARGET_GROUP_VERIFIED_REASON: &str = "TargetGroupVerified";
/// Target group endpoints verified (`%s`: service, `%s`: target group, `%d`: endpoints).
pub const TARGET_GROUP_VERIFIED_REGISTRATION_MESSAGE: &str =
    "Service %s (TargetGroup %s) verified: %d endpoints registered";
/// Target group weights verified (`%s`: service, `%s`: target group, `%d`: weight).
pub const TARGET_GROUP_VERIFIED_WEIGHTS_MESSAGE: &str =
    "Service %s (TargetGroup %s) verified: canary weight %d set";
/// A target group is not verified yet.
pub const TARGET_GROUP_UNVERIFIED_REASON: &str = "TargetGroupUnverified";
/// Target group endpoints not verified (`%s`, `%s`, `%d/%d`).
pub const TARGET_GROUP_UNVERIFIED_REGISTRATION_MESSAGE: &str =
    "Service %s (TargetGroup %s) not verified: %d/%d endpoints registered";
/// Target group weights not verified (`%s`, `%s`, `%d` desired, `%d` current).
pub const TARGET_GROUP_UNVERIFIED_WEIGHTS_MESSAGE: &str =
    "Service %s (TargetGroup %s) not verified: canary weight %d not yet set (current: %d)";
/// A target group could not be verified.
pub const TARGET_GROUP_VERIFY_ERROR_REASON: &str = "TargetGroupVerifyError";
/// A target group could not be verified (`%s`, `%s`, `%s`: error).
pub const TARGET_GROUP_VERIFY_ERROR_MESSAGE: &str = "Failed to verify Service %s (TargetGroup %s): %s";
/// The set weight could not be verified.
pub const WEIGHT_VERIFY_ERROR_REASON: &str = "WeightVerifyError";
/// The set weight could not be verified (`%s`: error).
pub const WEIGHT_VERIFY_ERROR_MESSAGE: &str = "Failed to verify weight: %s";
/// The load balancer could not be found.
pub const LOAD_BALANCER_NOT_FOUND_REASON: &str = "LoadBalancerNotFound";
/// The load balancer could not be found (`%s`: error).
pub const LOAD_BALANCER_NOT_FOUND_MESSAGE: &str = "Failed to find load balancer: %s";

/// The rollout was added to the informer.
pub const ROLLOUT_ADDED_TO_INFORMER_REASON: &str = "RolloutAddedToInformer";

/// An Experiment is progressing (`%q`: experiment name).
pub const EXPERIMENT_PROGRESSING_MESSAGE: &str = "Experiment %q is progressing.";
/// An Experiment has all its templates running (`%q`: experiment name).
pub const EXPERIMENT_RUNNING_MESSAGE: &str = "Experiment %q is running.";
/// An Experiment completed (`%q`: experiment name).
pub const EXPERIMENT_COMPLETED_MESSAGE: &str = "Experiment %q has successfully ran and completed.";
/// An Experiment completed.
pub const EXPERIMENT_COMPLETE_REASON: &str = "ExperimentCompleted";
/// A template name is repeated (`%s`: experiment, `%s`: template name).
pub const EXPERIMENT_TEMPLATE_NAME_REPEATED_MESSAGE: &str =
    "Experiment %s has repeated template name '%s' in templates";
/// A template name is empty (`%s`: experiment, `%d`: index).
pub const EXPERIMENT_TEMPLATE_NAME_EMPTY: &str = "Experiment %s has empty template name at index %d";
/// The duration is longer than the progress deadline.
pub const DURATION_LONGER_THAN_DEADLINE_MESSAGE: &str =
    "Duration cannot be longer than ProgressDeadlineSeconds";
/// A template selects all pods (`%d`: index).
pub const EXPERIMENT_SELECT_ALL_MESSAGE: &str =
    "This experiment is selecting all pods at index %d. A non-empty selector is required.";
/// A template's minReadySeconds exceeds the progress deadline (`%d`: index).
pub const EXPERIMENT_MIN_READY_LONGER_THAN_DEADLINE_MESSAGE: &str =
    "MinReadySeconds cannot be longer than ProgressDeadlineSeconds. Check template index %d";

/// Fills a Go format string's verbs (`%s`, `%d`, `%v`, `%q`) in order with `args`, quoting the `%q` ones
/// as Go does for ordinary strings; `%%` is a literal percent sign. Extra verbs are left as they are.
pub fn go_sprintf(format: &str, args: &[&dyn std::fmt::Display]) -> String {
    let mut out = String::with_capacity(format.len() + 16);
    let mut args = args.iter();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some('%') => {
                chars.next();
                out.push('%');
            }
            Some(verb @ ('s' | 'd' | 'v' | 'q')) => {
                chars.next();
                match args.next() {
                    Some(arg) if verb == 'q' => out.push_str(&format!("{:?}", arg.to_string())),
                    Some(arg) => out.push_str(&arg.to_string()),
                    None => {
                        out.push('%');
                        out.push(verb);
                    }
                }
            }
            _ => out.push('%'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sprintf_fills_verbs_in_order() {
        assert_eq!(
            go_sprintf(ROLLOUT_PROGRESSING_MESSAGE, &[&"guestbook"]),
            "Rollout \"guestbook\" is progressing."
        );
        assert_eq!(
            go_sprintf(
                SCALING_REPLICA_SET_MESSAGE,
                &[&"up canary", &"ro-abc", &3, &0, &1]
            ),
            "Scaled up canary ReplicaSet ro-abc (revision 3) from 0 to 1"
        );
        assert_eq!(go_sprintf("100%% %s", &[]), "100% %s");
    }
}
