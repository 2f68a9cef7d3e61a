//! Small types shared by several kinds: extra metadata, dry-run and measurement-retention settings,
//! analysis template references and field references.
//!
//! Like every type of this crate, fields are declared in the order of Argo's Go structs and Go's
//! `omitempty` is mirrored with `skip_serializing_if`, so that `serde_json` output is byte-identical
//! to Go's `json.Marshal` (the canary step hash is computed over it).

use std::collections::BTreeMap;

use crate::serde_util::go_null;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Labels and annotations added to pods, ReplicaSets or experiment templates (`PodTemplateMetadata`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct PodTemplateMetadata {
    /// Labels to add.
    #[serde(skip_serializing_if = "BTreeMap::is_empty", deserialize_with = "go_null")]
    pub labels: BTreeMap<String, String>,
    /// Annotations to add.
    #[serde(skip_serializing_if = "BTreeMap::is_empty", deserialize_with = "go_null")]
    pub annotations: BTreeMap<String, String>,
}

impl PodTemplateMetadata {
    /// Whether there are neither labels nor annotations.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty() && self.annotations.is_empty()
    }
}

/// Labels and annotations added to the AnalysisRuns a rollout or experiment creates (`AnalysisRunMetadata`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct AnalysisRunMetadata {
    /// Labels to add to the AnalysisRun.
    #[serde(skip_serializing_if = "BTreeMap::is_empty", deserialize_with = "go_null")]
    pub labels: BTreeMap<String, String>,
    /// Annotations to add to the AnalysisRun.
    #[serde(skip_serializing_if = "BTreeMap::is_empty", deserialize_with = "go_null")]
    pub annotations: BTreeMap<String, String>,
}

/// Runs a metric in dry-run mode: its result does not count towards the run's phase (`DryRun`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["metricName"]))]
pub struct DryRun {
    /// Name of the metric to evaluate in dry-run mode; an unanchored Go regular expression (`.*` for all).
    #[serde(deserialize_with = "go_null")]
    pub metric_name: String,
}

/// How many measurements to keep for a metric (`MeasurementRetention`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["limit", "metricName"]))]
pub struct MeasurementRetention {
    /// Name of the metric the policy applies to; an unanchored Go regular expression.
    #[serde(deserialize_with = "go_null")]
    pub metric_name: String,
    /// Maximum number of measurements to retain.
    #[serde(deserialize_with = "go_null")]
    pub limit: i32,
}

/// A reference to an AnalysisTemplate or ClusterAnalysisTemplate (`AnalysisTemplateRef`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct AnalysisTemplateRef {
    /// Name of the template.
    #[serde(deserialize_with = "go_null")]
    pub template_name: String,
    /// Look the template up as a ClusterAnalysisTemplate rather than in the namespace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_scope: Option<bool>,
}

impl AnalysisTemplateRef {
    /// Whether the template is a ClusterAnalysisTemplate (`clusterScope: true`).
    pub fn is_cluster_scope(&self) -> bool {
        self.cluster_scope == Some(true)
    }
}

/// A path to a field whose value becomes an argument (`FieldRef`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["fieldPath"]))]
pub struct FieldRef {
    /// Path of the field, e.g. `metadata.labels['app']` or `spec.template.spec.containers[0].image`.
    #[serde(deserialize_with = "go_null")]
    pub field_path: String,
}

/// The Service an experiment template gets (`TemplateService`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct TemplateService {
    /// Name of the Service; defaults to the ReplicaSet name.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub name: String,
}
