//! The `Rollout` kind: its spec (this module), strategies ([`canary`], [`bluegreen`]), steps
//! ([`steps`]), traffic routing ([`traffic`]), rollout-side analysis ([`analysis`]) and status
//! ([`status`]). Mirrors `pkg/apis/rollouts/v1alpha1/types.go`.

pub mod analysis;
pub mod bluegreen;
pub mod canary;
pub mod status;
pub mod steps;
pub mod traffic;

use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, Time};
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::serde_util::{go_null, is_false, is_zero_i32};

pub use analysis::*;
pub use bluegreen::*;
pub use canary::*;
pub use status::*;
pub use steps::*;
pub use traffic::*;

/// The desired state of a Rollout (`RolloutSpec`).
// `#[derive(CustomResource)]` generates the `Rollout` kind from this spec.
// The printer columns legitimately repeat `type_ = "integer"`.
#[allow(clippy::duplicated_attributes)]
#[derive(CustomResource, Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "argoproj.io",
    version = "v1alpha1",
    kind = "Rollout",
    namespaced,
    status = "RolloutStatus",
    shortname = "ro",
    derive = "Default",
    derive = "PartialEq",
    doc = "Rollout is a specification for a Rollout resource",
    scale(
        spec_replicas_path = ".spec.replicas",
        status_replicas_path = ".status.HPAReplicas",
        label_selector_path = ".status.selector"
    ),
    printcolumn(
        name = "Desired",
        type_ = "integer",
        json_path = ".spec.replicas",
        description = "Number of desired pods"
    ),
    printcolumn(
        name = "Current",
        type_ = "integer",
        json_path = ".status.replicas",
        description = "Total number of non-terminated pods targeted by this rollout"
    ),
    printcolumn(
        name = "Up-to-date",
        type_ = "integer",
        json_path = ".status.updatedReplicas",
        description = "Total number of non-terminated pods targeted by this rollout that have the desired template spec"
    ),
    printcolumn(
        name = "Available",
        type_ = "integer",
        json_path = ".status.availableReplicas",
        description = "Total number of available pods (ready for at least minReadySeconds) targeted by this rollout"
    ),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp",
        description = "Time since resource was created"
    )
)]
#[serde(default, rename_all = "camelCase")]
pub struct RolloutSpec {
    /// Number of desired pods. Defaults to 1 (the controller writes it back when unset).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    /// Label selector for pods; must match the pod template's labels. Immutable.
    /// Serialized as `null` when unset, as Go does.
    #[schemars(schema_with = "crate::schema::immutable_label_selector")]
    pub selector: Option<LabelSelector>,
    /// The pods to create. Must be empty when `workloadRef` is set.
    #[schemars(schema_with = "crate::schema::pod_template_spec")]
    #[serde(deserialize_with = "go_null")]
    pub template: PodTemplateSpec,
    /// A workload (Deployment, ReplicaSet or PodTemplate) providing the pod template.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workload_ref: Option<ObjectRef>,
    /// Seconds a new pod must be ready without crashing to count as available. Defaults to 0.
    #[serde(skip_serializing_if = "is_zero_i32", deserialize_with = "go_null")]
    pub min_ready_seconds: i32,
    /// The window in which a rollback is fast-tracked (fully promoted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rollback_window: Option<RollbackWindowSpec>,
    /// The deployment strategy: exactly one of `blueGreen` or `canary`.
    #[serde(deserialize_with = "go_null")]
    pub strategy: RolloutStrategy,
    /// Number of old ReplicaSets to retain. Defaults to 10.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision_history_limit: Option<i32>,
    /// Pauses the rollout at its current step.
    #[serde(skip_serializing_if = "is_false", deserialize_with = "go_null")]
    pub paused: bool,
    /// Seconds the rollout may take to make progress before it is considered failed. Defaults to 600.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress_deadline_seconds: Option<i32>,
    /// Abort the update when `progressDeadlineSeconds` is exceeded.
    #[serde(skip_serializing_if = "is_false", deserialize_with = "go_null")]
    pub progress_deadline_abort: bool,
    /// When all the pods of the rollout should be restarted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restart_at: Option<Time>,
    /// How many old AnalysisRuns and Experiments to retain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub analysis: Option<AnalysisRunStrategy>,
}

/// A reference to the workload providing the pod template (`ObjectRef`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct ObjectRef {
    /// API version of the referent.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub api_version: String,
    /// Kind of the referent.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub kind: String,
    /// Name of the referent.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub name: String,
    /// Whether to scale the referenced Deployment down: `never` (default), `onsuccess` or `progressively`.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub scale_down: String,
}

/// The strategy of a rollout (`RolloutStrategy`); exactly one field must be set.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct RolloutStrategy {
    /// Blue-green strategy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blue_green: Option<BlueGreenStrategy>,
    /// Canary strategy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub canary: Option<CanaryStrategy>,
}

/// How many old AnalysisRuns and Experiments to retain (`AnalysisRunStrategy`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct AnalysisRunStrategy {
    /// Successful runs and experiments to keep. Defaults to 5.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub successful_run_history_limit: Option<i32>,
    /// Unsuccessful (Error, Failed, Inconclusive) runs and experiments to keep. Defaults to 5.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unsuccessful_run_history_limit: Option<i32>,
}

/// The rollback window (`RollbackWindowSpec`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct RollbackWindowSpec {
    /// Rolling back to one of this many previous revisions is fast-tracked.
    #[serde(skip_serializing_if = "is_zero_i32", deserialize_with = "go_null")]
    pub revisions: i32,
}

impl Rollout {
    /// Whether the rollout uses the canary strategy.
    pub fn is_canary(&self) -> bool {
        self.spec.strategy.canary.is_some()
    }

    /// Whether the rollout uses the blue-green strategy.
    pub fn is_blue_green(&self) -> bool {
        self.spec.strategy.blue_green.is_some()
    }

    /// The canary strategy, if any.
    pub fn canary(&self) -> Option<&CanaryStrategy> {
        self.spec.strategy.canary.as_ref()
    }

    /// The blue-green strategy, if any.
    pub fn blue_green(&self) -> Option<&BlueGreenStrategy> {
        self.spec.strategy.blue_green.as_ref()
    }

    /// The canary steps (empty for blue-green or a canary without steps).
    pub fn steps(&self) -> &[CanaryStep] {
        self.canary().map_or(&[], |c| c.steps.as_slice())
    }

    /// The traffic routing of a canary rollout, if any.
    pub fn traffic_routing(&self) -> Option<&RolloutTrafficRouting> {
        self.canary().and_then(|c| c.traffic_routing.as_ref())
    }

    /// `spec.replicas`, or Argo's default of 1 when unset.
    pub fn desired_replicas(&self) -> i32 {
        self.spec.replicas.unwrap_or(crate::defaults::REPLICAS)
    }

    /// The status, or an empty one when the rollout has none yet.
    pub fn status_or_default(&self) -> RolloutStatus {
        self.status.clone().unwrap_or_default()
    }
}
