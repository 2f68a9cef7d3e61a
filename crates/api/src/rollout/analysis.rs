//! Rollout-side analysis settings: step, background and blue-green pre/post-promotion analyses
//! (`RolloutAnalysis`, `RolloutAnalysisBackground`) and their arguments (`AnalysisRunArgument`).

use std::ops::{Deref, DerefMut};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::common::{AnalysisRunMetadata, AnalysisTemplateRef, DryRun, FieldRef, MeasurementRetention};
use crate::enums::ValueFromPodTemplateHash;
use crate::serde_util::go_null;

/// Templates and arguments of an AnalysisRun created by a rollout (`RolloutAnalysis`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct RolloutAnalysis {
    /// Templates combined into the AnalysisRun.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub templates: Vec<AnalysisTemplateRef>,
    /// Arguments of the AnalysisRun.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub args: Vec<AnalysisRunArgument>,
    /// Metrics to run in dry-run mode.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub dry_run: Vec<DryRun>,
    /// How many measurements to keep per metric.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub measurement_retention: Vec<MeasurementRetention>,
    /// Labels and annotations for the AnalysisRun.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub analysis_run_metadata: Option<AnalysisRunMetadata>,
}

/// A background analysis of a canary (`RolloutAnalysisBackground`): a [`RolloutAnalysis`] plus the
/// step at which it starts. Derefs to the inner [`RolloutAnalysis`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct RolloutAnalysisBackground {
    /// The analysis (inlined in JSON).
    #[serde(flatten)]
    pub analysis: RolloutAnalysis,
    /// Index of the step at which the analysis starts; defaults to 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub starting_step: Option<i32>,
}

impl Deref for RolloutAnalysisBackground {
    type Target = RolloutAnalysis;
    fn deref(&self) -> &RolloutAnalysis {
        &self.analysis
    }
}

impl DerefMut for RolloutAnalysisBackground {
    fn deref_mut(&mut self) -> &mut RolloutAnalysis {
        &mut self.analysis
    }
}

/// An argument passed by a rollout to its AnalysisRuns (`AnalysisRunArgument`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["name"]))]
pub struct AnalysisRunArgument {
    /// Name of the argument.
    #[serde(deserialize_with = "go_null")]
    pub name: String,
    /// A literal value; exclusive with `valueFrom`.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub value: String,
    /// Where to take the value from; exclusive with `value`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_from: Option<ArgumentValueFrom>,
}

/// Where a rollout analysis argument takes its value from (`ArgumentValueFrom`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct ArgumentValueFrom {
    /// The pod-template hash of the `Stable` or `Latest` ReplicaSet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod_template_hash_value: Option<ValueFromPodTemplateHash>,
    /// A field of the Rollout.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field_ref: Option<FieldRef>,
}
