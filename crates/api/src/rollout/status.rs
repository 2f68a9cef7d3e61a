//! Rollout `.status` exactly as Argo writes it (`RolloutStatus`): `observedGeneration` is a string,
//! `HPAReplicas` is capitalised, `stableRS` is a pod-template hash, and `canary`/`blueGreen` are
//! always present (Go never omits struct fields).

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::duration::DurationString;
use crate::enums::{
    AnalysisPhase, CompletionStatus, ConditionStatus, PauseReason, PingPongType, RolloutConditionType,
    RolloutPhase, StepPluginOperation, StepPluginPhase,
};
use crate::serde_util::{empty_as_none, go_null, is_false, is_zero_i32, none_as_empty};

/// Status of a Rollout (`RolloutStatus`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct RolloutStatus {
    /// Cancel the current update (set by the CLI).
    #[serde(skip_serializing_if = "is_false", deserialize_with = "go_null")]
    pub abort: bool,
    /// Why the controller paused the rollout; cleared by the user to resume.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub pause_conditions: Vec<PauseCondition>,
    /// The controller paused the rollout. True with empty `pauseConditions` means the user resumed it.
    #[serde(skip_serializing_if = "is_false", deserialize_with = "go_null")]
    pub controller_pause: bool,
    /// When the controller reconciled the abort.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aborted_at: Option<Time>,
    /// Pod-template hash of the current template.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub current_pod_hash: String,
    /// Hash of the current canary steps, to detect step changes.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub current_step_hash: String,
    /// Non-terminated pods targeted by the rollout.
    #[serde(skip_serializing_if = "is_zero_i32", deserialize_with = "go_null")]
    pub replicas: i32,
    /// Non-terminated pods with the desired template.
    #[serde(skip_serializing_if = "is_zero_i32", deserialize_with = "go_null")]
    pub updated_replicas: i32,
    /// Ready pods.
    #[serde(skip_serializing_if = "is_zero_i32", deserialize_with = "go_null")]
    pub ready_replicas: i32,
    /// Available pods (ready for at least minReadySeconds).
    #[serde(skip_serializing_if = "is_zero_i32", deserialize_with = "go_null")]
    pub available_replicas: i32,
    /// Index of the current canary step.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_step_index: Option<i32>,
    /// Hash collisions met when naming the new ReplicaSet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collision_count: Option<i32>,
    /// `metadata.generation` observed by the controller, as a decimal string.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub observed_generation: String,
    /// Conditions of the rollout.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub conditions: Vec<RolloutCondition>,
    /// Canary state (always serialized, as Go does).
    #[serde(deserialize_with = "go_null")]
    pub canary: CanaryStatus,
    /// Blue-green state (always serialized, as Go does).
    #[serde(deserialize_with = "go_null")]
    pub blue_green: BlueGreenStatus,
    /// Non-terminated replicas receiving active traffic (the scale subresource's status replicas).
    #[serde(
        rename = "HPAReplicas",
        skip_serializing_if = "is_zero_i32",
        deserialize_with = "go_null"
    )]
    pub hpa_replicas: i32,
    /// Label selector (string form) of the pods receiving active traffic.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub selector: String,
    /// Pod-template hash of the ReplicaSet that has successfully rolled out.
    #[serde(
        rename = "stableRS",
        skip_serializing_if = "String::is_empty",
        deserialize_with = "go_null"
    )]
    pub stable_rs: String,
    /// When the rollout was last restarted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restarted_at: Option<Time>,
    /// Perform a full promotion, skipping analysis and pauses (set by the CLI).
    #[serde(skip_serializing_if = "is_false", deserialize_with = "go_null")]
    pub promote_full: bool,
    /// Phase of the rollout; meaningful only when `observedGeneration` equals `metadata.generation`.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "empty_as_none")]
    pub phase: Option<RolloutPhase>,
    /// Why the rollout is in its phase.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub message: String,
    /// Generation of the workloadRef target observed by the controller, as a decimal string.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub workload_observed_generation: String,
    /// The ALB and target groups.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alb: Option<AlbStatus>,
    /// The ALBs and target groups with several Ingresses.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub albs: Vec<AlbStatus>,
    /// Timing of the current rollout attempt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<RolloutDurationStatus>,
}

/// Why and since when the controller paused the rollout (`PauseCondition`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["reason", "startTime"]))]
pub struct PauseCondition {
    /// Why the rollout paused.
    #[serde(serialize_with = "none_as_empty", deserialize_with = "empty_as_none")]
    pub reason: Option<PauseReason>,
    /// When the pause started (`null` when unset, as Go writes it).
    pub start_time: Option<Time>,
}

/// A condition of a Rollout (`RolloutCondition`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["lastTransitionTime", "lastUpdateTime", "message", "reason", "status", "type"]))]
pub struct RolloutCondition {
    /// Type of the condition.
    #[serde(
        rename = "type",
        serialize_with = "none_as_empty",
        deserialize_with = "empty_as_none"
    )]
    pub type_: Option<RolloutConditionType>,
    /// `True`, `False` or `Unknown`.
    #[serde(serialize_with = "none_as_empty", deserialize_with = "empty_as_none")]
    pub status: Option<ConditionStatus>,
    /// Last time the condition was updated.
    pub last_update_time: Option<Time>,
    /// Last time the condition changed status.
    pub last_transition_time: Option<Time>,
    /// Machine-readable reason of the last transition.
    #[serde(deserialize_with = "go_null")]
    pub reason: String,
    /// Human-readable details of the last transition.
    #[serde(deserialize_with = "go_null")]
    pub message: String,
}

/// Timing of a rollout attempt (`RolloutDurationStatus`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct RolloutDurationStatus {
    /// When the current attempt started.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rollout_started_at: Option<Time>,
    /// When the current manual pause began.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manual_pause_started_at: Option<Time>,
    /// Seconds spent in manual pauses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_manual_pause_duration_seconds: Option<i64>,
    /// When the attempt reached its terminal state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<Time>,
    /// Outcome of the attempt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completion_status: Option<CompletionStatus>,
}

/// Blue-green state (`BlueGreenStatus`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct BlueGreenStatus {
    /// Pod-template hash the preview service selects.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub preview_selector: String,
    /// Pod-template hash the active service selects.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub active_selector: String,
    /// The preview ReplicaSet may be scaled up once the rollout is unpaused.
    #[serde(skip_serializing_if = "is_false", deserialize_with = "go_null")]
    pub scale_up_preview_check_point: bool,
    /// The current pre-promotion AnalysisRun.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pre_promotion_analysis_run_status: Option<RolloutAnalysisRunStatus>,
    /// The current post-promotion AnalysisRun.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub post_promotion_analysis_run_status: Option<RolloutAnalysisRunStatus>,
}

/// Canary state (`CanaryStatus`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct CanaryStatus {
    /// The current step AnalysisRun.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_step_analysis_run_status: Option<RolloutAnalysisRunStatus>,
    /// The current background AnalysisRun.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_background_analysis_run_status: Option<RolloutAnalysisRunStatus>,
    /// Name of the running Experiment.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub current_experiment: String,
    /// Weights last set on the traffic router.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weights: Option<TrafficWeights>,
    /// Which ping-pong service is stable: `ping` or `pong`.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "empty_as_none")]
    pub stable_ping_pong: Option<PingPongType>,
    /// Results of the step plugins executed.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub step_plugin_statuses: Vec<StepPluginStatus>,
}

/// How traffic is split (`TrafficWeights`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["canary", "stable"]))]
pub struct TrafficWeights {
    /// Weight of the canary ReplicaSet.
    #[serde(deserialize_with = "go_null")]
    pub canary: WeightDestination,
    /// Weight of the stable ReplicaSet.
    #[serde(deserialize_with = "go_null")]
    pub stable: WeightDestination,
    /// Weights of other ReplicaSets, such as experiment ReplicaSets.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub additional: Vec<WeightDestination>,
    /// Whether the weight was verified to have taken effect (ALB only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verified: Option<bool>,
}

/// The weight sent to one destination (`WeightDestination`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["weight"]))]
pub struct WeightDestination {
    /// Percentage of traffic.
    #[serde(deserialize_with = "go_null")]
    pub weight: i32,
    /// Service the traffic is sent to.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub service_name: String,
    /// Pod-template hash of the destination.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub pod_template_hash: String,
}

/// An AnalysisRun of the rollout and its phase (`RolloutAnalysisRunStatus`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["name", "status"]))]
pub struct RolloutAnalysisRunStatus {
    /// Name of the AnalysisRun.
    #[serde(deserialize_with = "go_null")]
    pub name: String,
    /// Phase of the AnalysisRun.
    #[serde(serialize_with = "none_as_empty", deserialize_with = "empty_as_none")]
    pub status: Option<AnalysisPhase>,
    /// Message of the AnalysisRun.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub message: String,
}

/// Result of a step plugin operation (`StepPluginStatus`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["index", "name", "operation"]))]
pub struct StepPluginStatus {
    /// Index of the step.
    #[serde(deserialize_with = "go_null")]
    pub index: i32,
    /// Name of the plugin.
    #[serde(deserialize_with = "go_null")]
    pub name: String,
    /// Operation that produced this status.
    #[serde(serialize_with = "none_as_empty", deserialize_with = "empty_as_none")]
    pub operation: Option<StepPluginOperation>,
    /// Phase of the operation.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "empty_as_none")]
    pub phase: Option<StepPluginPhase>,
    /// Why the operation is in its phase.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub message: String,
    /// When the plugin was first called for the operation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_at: Option<Time>,
    /// When the plugin was last called for the operation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Time>,
    /// When the operation completed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<Time>,
    /// How long to wait before calling the plugin again.
    #[serde(
        skip_serializing_if = "DurationString::is_empty",
        deserialize_with = "go_null"
    )]
    pub backoff: DurationString,
    /// Number of times the operation was executed.
    #[serde(skip_serializing_if = "is_zero_i32", deserialize_with = "go_null")]
    pub executions: i32,
    /// The plugin is globally disabled.
    #[serde(skip_serializing_if = "is_false", deserialize_with = "go_null")]
    pub disabled: bool,
    /// Internal status of the plugin, kept as raw JSON.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::preserve_unknown_object")]
    pub status: Option<serde_json::Value>,
}

/// An ALB and its target groups (`ALBStatus`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct AlbStatus {
    /// The load balancer.
    #[serde(deserialize_with = "go_null")]
    pub load_balancer: AwsResourceRef,
    /// The canary target group.
    #[serde(deserialize_with = "go_null")]
    pub canary_target_group: AwsResourceRef,
    /// The stable target group.
    #[serde(deserialize_with = "go_null")]
    pub stable_target_group: AwsResourceRef,
    /// The Ingress.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub ingress: String,
}

/// An AWS resource (`AwsResourceRef`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["arn", "name"]))]
pub struct AwsResourceRef {
    /// Name of the resource.
    #[serde(deserialize_with = "go_null")]
    pub name: String,
    /// ARN of the resource.
    #[serde(deserialize_with = "go_null")]
    pub arn: String,
    /// Full name of the resource.
    #[serde(deserialize_with = "go_null")]
    pub full_name: String,
}

impl RolloutStatus {
    /// `observedGeneration` parsed as a number (Argo writes it as a decimal string).
    pub fn observed_generation(&self) -> Option<i64> {
        self.observed_generation.parse().ok()
    }

    /// The condition of the given type, if present.
    pub fn condition(&self, type_: &RolloutConditionType) -> Option<&RolloutCondition> {
        self.conditions.iter().find(|c| c.type_.as_ref() == Some(type_))
    }
}
