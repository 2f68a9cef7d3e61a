//! `Experiment`: ReplicaSets run side by side for a while, optionally with analyses. Mirrors
//! `pkg/apis/rollouts/v1alpha1/experiment_types.go`. Its status is a plain field, as in Argo.

use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, Time};
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::analysis::Argument;
use crate::common::{AnalysisRunMetadata, DryRun, MeasurementRetention, TemplateService};
use crate::duration::DurationString;
use crate::enums::{AnalysisPhase, ConditionStatus, ExperimentConditionType, TemplateStatusCode};
use crate::serde_util::{empty_as_none, go_null, is_false, is_zero_i32, none_as_empty};

/// The desired state of an Experiment (`ExperimentSpec`).
// `#[derive(CustomResource)]` generates the `Experiment` kind from this spec.
#[derive(CustomResource, Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "argoproj.io",
    version = "v1alpha1",
    kind = "Experiment",
    namespaced,
    status = "ExperimentStatus",
    shortname = "exp",
    derive = "Default",
    derive = "PartialEq",
    doc = "Experiment is a specification for an Experiment resource",
    printcolumn(
        name = "Status",
        type_ = "string",
        json_path = ".status.phase",
        description = "Experiment status"
    ),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp",
        description = "Time since resource was created"
    )
)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["templates"]))]
pub struct ExperimentSpec {
    /// The ReplicaSets to run.
    #[serde(deserialize_with = "go_null")]
    pub templates: Vec<TemplateSpec>,
    /// How long to run (Go duration string); unset means until terminated or an analysis ends it.
    #[serde(
        skip_serializing_if = "DurationString::is_empty",
        deserialize_with = "go_null"
    )]
    pub duration: DurationString,
    /// Seconds the templates may take to become available. Defaults to 600.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress_deadline_seconds: Option<i32>,
    /// Stop the experiment early.
    #[serde(skip_serializing_if = "is_false", deserialize_with = "go_null")]
    pub terminate: bool,
    /// Analyses to run during the experiment.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub analyses: Vec<ExperimentAnalysisTemplateRef>,
    /// Delay before scaling the experiment's ReplicaSets down. Defaults to 30.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale_down_delay_seconds: Option<i32>,
    /// Metrics to run in dry-run mode.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub dry_run: Vec<DryRun>,
    /// How many measurements to keep per metric.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub measurement_retention: Vec<MeasurementRetention>,
    /// Labels and annotations for the AnalysisRuns (always serialized, as Go does).
    #[serde(deserialize_with = "go_null")]
    pub analysis_run_metadata: AnalysisRunMetadata,
}

/// One ReplicaSet of an experiment (`TemplateSpec`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["name", "selector", "template"]))]
pub struct TemplateSpec {
    /// Name of the template.
    #[serde(deserialize_with = "go_null")]
    pub name: String,
    /// Number of replicas. Defaults to 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    /// Seconds a new pod must be ready without crashing to count as available.
    #[serde(skip_serializing_if = "is_zero_i32", deserialize_with = "go_null")]
    pub min_ready_seconds: i32,
    /// Selector of the pods; unique among the templates (`null` when unset, as Go writes it).
    #[schemars(schema_with = "crate::schema::label_selector")]
    pub selector: Option<LabelSelector>,
    /// The pods to create.
    #[schemars(schema_with = "crate::schema::pod_template_spec")]
    #[serde(deserialize_with = "go_null")]
    pub template: PodTemplateSpec,
    /// Create a Service for the pods.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<TemplateService>,
}

/// An analysis of an experiment (`ExperimentAnalysisTemplateRef`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["name", "templateName"]))]
pub struct ExperimentAnalysisTemplateRef {
    /// Name of this analysis within the experiment.
    #[serde(deserialize_with = "go_null")]
    pub name: String,
    /// Name of the AnalysisTemplate (or ClusterAnalysisTemplate).
    #[serde(deserialize_with = "go_null")]
    pub template_name: String,
    /// Look the template up at cluster scope.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_scope: Option<bool>,
    /// Arguments of the AnalysisRun.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub args: Vec<Argument>,
    /// The experiment does not complete before this analysis completes.
    #[serde(skip_serializing_if = "is_false", deserialize_with = "go_null")]
    pub required_for_completion: bool,
}

impl ExperimentAnalysisTemplateRef {
    /// Whether the template is a ClusterAnalysisTemplate.
    pub fn is_cluster_scope(&self) -> bool {
        self.cluster_scope == Some(true)
    }
}

/// Status of an Experiment (`ExperimentStatus`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct ExperimentStatus {
    /// Phase of the experiment.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "empty_as_none")]
    pub phase: Option<AnalysisPhase>,
    /// Why the experiment is in its phase.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub message: String,
    /// State of each template's ReplicaSet.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub template_statuses: Vec<TemplateStatus>,
    /// When all templates first became available; the duration counts from here.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub available_at: Option<Time>,
    /// Conditions of the experiment.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub conditions: Vec<ExperimentCondition>,
    /// The AnalysisRuns of the experiment.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub analysis_runs: Vec<ExperimentAnalysisRunStatus>,
}

/// State of one template's ReplicaSet (`TemplateStatus`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["availableReplicas", "name", "readyReplicas", "replicas", "updatedReplicas"]))]
pub struct TemplateStatus {
    /// Name of the template.
    #[serde(deserialize_with = "go_null")]
    pub name: String,
    /// Non-terminated pods.
    #[serde(deserialize_with = "go_null")]
    pub replicas: i32,
    /// Non-terminated pods with the desired template.
    #[serde(deserialize_with = "go_null")]
    pub updated_replicas: i32,
    /// Ready pods.
    #[serde(deserialize_with = "go_null")]
    pub ready_replicas: i32,
    /// Available pods.
    #[serde(deserialize_with = "go_null")]
    pub available_replicas: i32,
    /// Hash collisions met when naming the ReplicaSet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collision_count: Option<i32>,
    /// Status of the template.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "empty_as_none")]
    pub status: Option<TemplateStatusCode>,
    /// Why the template is in its status.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub message: String,
    /// When the status last changed; resets the progress deadline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<Time>,
    /// Name of the template's Service.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub service_name: String,
    /// Pod-template hash of the ReplicaSet.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub pod_template_hash: String,
}

/// A condition of an Experiment (`ExperimentCondition`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["lastTransitionTime", "lastUpdateTime", "message", "reason", "status", "type"]))]
pub struct ExperimentCondition {
    /// Type of the condition.
    #[serde(
        rename = "type",
        serialize_with = "none_as_empty",
        deserialize_with = "empty_as_none"
    )]
    pub type_: Option<ExperimentConditionType>,
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

/// An AnalysisRun of an experiment and its phase (`ExperimentAnalysisRunStatus`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["analysisRun", "name", "phase"]))]
pub struct ExperimentAnalysisRunStatus {
    /// Name of the analysis in the experiment spec.
    #[serde(deserialize_with = "go_null")]
    pub name: String,
    /// Name of the AnalysisRun.
    #[serde(deserialize_with = "go_null")]
    pub analysis_run: String,
    /// Phase of the AnalysisRun.
    #[serde(serialize_with = "none_as_empty", deserialize_with = "empty_as_none")]
    pub phase: Option<AnalysisPhase>,
    /// Message of the AnalysisRun.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub message: String,
}
