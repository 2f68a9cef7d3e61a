//! `AnalysisRun`: an instantiation of analysis templates, its spec and its status (metric results and
//! measurements). Its status is a plain field, not a status subresource, as in Argo.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::analysis::{Argument, Metric};
use crate::common::{DryRun, MeasurementRetention};
use crate::enums::AnalysisPhase;
use crate::serde_util::{empty_as_none, go_null, is_false, is_zero_i32, none_as_empty};

/// The metrics and arguments of an AnalysisRun (`AnalysisRunSpec`).
// `#[derive(CustomResource)]` generates the `AnalysisRun` kind from this spec.
#[derive(CustomResource, Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "argoproj.io",
    version = "v1alpha1",
    kind = "AnalysisRun",
    namespaced,
    status = "AnalysisRunStatus",
    shortname = "ar",
    derive = "Default",
    derive = "PartialEq",
    doc = "AnalysisRun is an instantiation of an AnalysisTemplate",
    printcolumn(
        name = "Status",
        type_ = "string",
        json_path = ".status.phase",
        description = "AnalysisRun status"
    ),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp",
        description = "Time since resource was created"
    )
)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["metrics"]))]
pub struct AnalysisRunSpec {
    /// Metrics to measure.
    #[serde(deserialize_with = "go_null")]
    pub metrics: Vec<Metric>,
    /// Arguments of the run.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub args: Vec<Argument>,
    /// Stop the run early (e.g. the rollout no longer needs it).
    #[serde(skip_serializing_if = "is_false", deserialize_with = "go_null")]
    pub terminate: bool,
    /// Metrics to run in dry-run mode.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub dry_run: Vec<DryRun>,
    /// How many measurements to keep per metric.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub measurement_retention: Vec<MeasurementRetention>,
    /// When to delete the run after it completes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ttl_strategy: Option<TtlStrategy>,
}

/// Time to live of a completed run (`TTLStrategy`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct TtlStrategy {
    /// Seconds to live after completion.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seconds_after_completion: Option<i32>,
    /// Seconds to live after failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seconds_after_failure: Option<i32>,
    /// Seconds to live after success.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seconds_after_success: Option<i32>,
}

/// Status of an AnalysisRun (`AnalysisRunStatus`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["phase"]))]
pub struct AnalysisRunStatus {
    /// Phase of the run (`""` until the controller first reconciles it).
    #[serde(serialize_with = "none_as_empty", deserialize_with = "empty_as_none")]
    pub phase: Option<AnalysisPhase>,
    /// Why the run is in its phase.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub message: String,
    /// Results per metric.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub metric_results: Vec<MetricResult>,
    /// When the run started.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_at: Option<Time>,
    /// Totals over all metrics (always serialized, as Go does).
    #[serde(deserialize_with = "go_null")]
    pub run_summary: RunSummary,
    /// Totals over the dry-run metrics.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dry_run_summary: Option<RunSummary>,
    /// When the run completed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<Time>,
}

/// Totals of metric phases (`RunSummary`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct RunSummary {
    /// Number of metrics.
    #[serde(skip_serializing_if = "is_zero_i32", deserialize_with = "go_null")]
    pub count: i32,
    /// Successful metrics.
    #[serde(skip_serializing_if = "is_zero_i32", deserialize_with = "go_null")]
    pub successful: i32,
    /// Failed metrics.
    #[serde(skip_serializing_if = "is_zero_i32", deserialize_with = "go_null")]
    pub failed: i32,
    /// Inconclusive metrics.
    #[serde(skip_serializing_if = "is_zero_i32", deserialize_with = "go_null")]
    pub inconclusive: i32,
    /// Errored metrics.
    #[serde(skip_serializing_if = "is_zero_i32", deserialize_with = "go_null")]
    pub error: i32,
}

/// The recent measurements and counters of one metric (`MetricResult`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["name", "phase"]))]
pub struct MetricResult {
    /// Name of the metric.
    #[serde(deserialize_with = "go_null")]
    pub name: String,
    /// Aggregate phase of the metric.
    #[serde(serialize_with = "none_as_empty", deserialize_with = "empty_as_none")]
    pub phase: Option<AnalysisPhase>,
    /// The most recent measurements.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub measurements: Vec<Measurement>,
    /// Message about the metric (e.g. an error).
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub message: String,
    /// Measurements taken without error (successful + failed + inconclusive).
    #[serde(skip_serializing_if = "is_zero_i32", deserialize_with = "go_null")]
    pub count: i32,
    /// Successful measurements.
    #[serde(skip_serializing_if = "is_zero_i32", deserialize_with = "go_null")]
    pub successful: i32,
    /// Failed measurements.
    #[serde(skip_serializing_if = "is_zero_i32", deserialize_with = "go_null")]
    pub failed: i32,
    /// Inconclusive measurements.
    #[serde(skip_serializing_if = "is_zero_i32", deserialize_with = "go_null")]
    pub inconclusive: i32,
    /// Errored measurements.
    #[serde(skip_serializing_if = "is_zero_i32", deserialize_with = "go_null")]
    pub error: i32,
    /// Consecutive errored measurements; reset by a non-error.
    #[serde(skip_serializing_if = "is_zero_i32", deserialize_with = "go_null")]
    pub consecutive_error: i32,
    /// The metric runs in dry-run mode.
    #[serde(skip_serializing_if = "is_false", deserialize_with = "go_null")]
    pub dry_run: bool,
    /// Provider state, e.g. the resolved query.
    #[serde(skip_serializing_if = "BTreeMap::is_empty", deserialize_with = "go_null")]
    pub metadata: BTreeMap<String, String>,
    /// Consecutive successful measurements; reset by any other result.
    #[serde(skip_serializing_if = "is_zero_i32", deserialize_with = "go_null")]
    pub consecutive_success: i32,
}

/// One measurement of a metric (`Measurement`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["phase"]))]
pub struct Measurement {
    /// Phase of the measurement.
    #[serde(serialize_with = "none_as_empty", deserialize_with = "empty_as_none")]
    pub phase: Option<AnalysisPhase>,
    /// Message about the measurement (e.g. an error).
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub message: String,
    /// When the measurement started.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_at: Option<Time>,
    /// When the measurement finished.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<Time>,
    /// The measured value.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub value: String,
    /// Provider state of the measurement (e.g. the Job name).
    #[serde(skip_serializing_if = "BTreeMap::is_empty", deserialize_with = "go_null")]
    pub metadata: BTreeMap<String, String>,
    /// When to resume an asynchronous measurement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resume_at: Option<Time>,
}
