//! The canary strategy (`CanaryStrategy`) and the sub-structs it shares with blue-green
//! (anti-affinity), in Go's field order.

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::common::PodTemplateMetadata;
use crate::enums::ProgressType;
use crate::rollout::{CanaryStep, RolloutAnalysisBackground, RolloutTrafficRouting};
use crate::serde_util::{empty_as_none, go_null, is_false, none_as_empty};

/// Parameters of a replica-based canary, optionally with traffic routing (`CanaryStrategy`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct CanaryStrategy {
    /// Service selecting only canary pods.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub canary_service: String,
    /// Service selecting only stable pods.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub stable_service: String,
    /// The steps of the canary deployment, in order.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub steps: Vec<CanaryStep>,
    /// Fine-grained traffic routing through a service mesh or ingress.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub traffic_routing: Option<RolloutTrafficRouting>,
    /// Maximum number of pods unavailable during the update: a number or a percentage. Any string is a
    /// percentage (`"25"` is 25%). Defaults to 25%.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_unavailable: Option<IntOrString>,
    /// Maximum number of pods above the desired number during the update: a number or a percentage.
    /// Any string is a percentage. Defaults to 25%.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_surge: Option<IntOrString>,
    /// Background analysis run while the steps execute.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub analysis: Option<RolloutAnalysisBackground>,
    /// Anti-affinity injected into canary pods against stable pods.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anti_affinity: Option<AntiAffinity>,
    /// Labels and annotations attached to canary pods while they are canary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub canary_metadata: Option<PodTemplateMetadata>,
    /// Labels and annotations attached to stable pods while they are stable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stable_metadata: Option<PodTemplateMetadata>,
    /// Delay before scaling down the previous ReplicaSet (traffic routing only; default 30).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale_down_delay_seconds: Option<i32>,
    /// Maximum number of old ReplicaSets kept running while their scale-down is delayed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale_down_delay_revision_limit: Option<i32>,
    /// Delay before scaling the canary down after an abort (traffic routing only; default 30; 0 = never).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub abort_scale_down_delay_seconds: Option<i32>,
    /// Scale the stable ReplicaSet down as traffic moves to the canary (traffic routing only).
    #[serde(skip_serializing_if = "is_false", deserialize_with = "go_null")]
    pub dynamic_stable_scale: bool,
    /// Ping and pong services, alternating as stable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ping_pong: Option<PingPongSpec>,
    /// Minimum pods of a non-empty stable or canary ReplicaSet (traffic-routed canary only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_pods_per_replica_set: Option<i32>,
    /// Pods (or percentage) that must be available before the canary may move on. Defaults to 100%.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replica_progress_threshold: Option<ReplicaProgressThreshold>,
}

/// The ping and pong services (`PingPongSpec`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["pingService", "pongService"]))]
pub struct PingPongSpec {
    /// Name of the ping service.
    #[serde(deserialize_with = "go_null")]
    pub ping_service: String,
    /// Name of the pong service.
    #[serde(deserialize_with = "go_null")]
    pub pong_service: String,
}

/// Threshold of available pods for a step to count as reached (`ReplicaProgressThreshold`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["type", "value"]))]
pub struct ReplicaProgressThreshold {
    /// `Percent` or `Pods`.
    #[serde(
        rename = "type",
        serialize_with = "none_as_empty",
        deserialize_with = "empty_as_none"
    )]
    pub type_: Option<ProgressType>,
    /// The threshold; must be greater than 0.
    #[serde(deserialize_with = "go_null")]
    pub value: i32,
}

/// Which inter-pod anti-affinity rule to inject (`AntiAffinity`); exactly one field must be set.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct AntiAffinity {
    /// Inject a preferred anti-affinity term with this weight.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preferred_during_scheduling_ignored_during_execution:
        Option<PreferredDuringSchedulingIgnoredDuringExecution>,
    /// Inject a required anti-affinity term.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required_during_scheduling_ignored_during_execution:
        Option<RequiredDuringSchedulingIgnoredDuringExecution>,
}

/// Weight of the injected preferred anti-affinity term (`PreferredDuringSchedulingIgnoredDuringExecution`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["weight"]))]
pub struct PreferredDuringSchedulingIgnoredDuringExecution {
    /// Weight of the term, 1-100.
    #[serde(deserialize_with = "go_null")]
    pub weight: i32,
}

/// Marker for a required anti-affinity term (`RequiredDuringSchedulingIgnoredDuringExecution`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RequiredDuringSchedulingIgnoredDuringExecution {}
