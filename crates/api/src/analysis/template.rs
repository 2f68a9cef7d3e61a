//! `AnalysisTemplate` and `ClusterAnalysisTemplate` (same spec, namespaced and cluster-scoped) and the
//! arguments of templates and runs (`Argument`).

use std::ops::{Deref, DerefMut};

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::analysis::Metric;
use crate::common::{AnalysisTemplateRef, DryRun, FieldRef, MeasurementRetention};
use crate::serde_util::go_null;

/// The metrics and arguments of an analysis template (`AnalysisTemplateSpec`).
// `#[derive(CustomResource)]` generates the `AnalysisTemplate` kind from this spec.
#[derive(CustomResource, Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "argoproj.io",
    version = "v1alpha1",
    kind = "AnalysisTemplate",
    namespaced,
    shortname = "at",
    derive = "Default",
    derive = "PartialEq",
    doc = "AnalysisTemplate holds the template for performing canary analysis",
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp",
        description = "Time since resource was created"
    )
)]
#[serde(default, rename_all = "camelCase")]
pub struct AnalysisTemplateSpec {
    /// Metrics to query in an analysis run.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub metrics: Vec<Metric>,
    /// Arguments of the template.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub args: Vec<Argument>,
    /// Metrics to run in dry-run mode.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub dry_run: Vec<DryRun>,
    /// How many measurements to keep per metric.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub measurement_retention: Vec<MeasurementRetention>,
    /// Other templates whose metrics are combined with these.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub templates: Vec<AnalysisTemplateRef>,
}

/// The metrics and arguments of a cluster-scoped analysis template (an `AnalysisTemplateSpec`).
// A newtype because one `#[derive(CustomResource)]` makes one kind; it derefs to `AnalysisTemplateSpec`.
#[derive(CustomResource, Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "argoproj.io",
    version = "v1alpha1",
    kind = "ClusterAnalysisTemplate",
    shortname = "cat",
    derive = "Default",
    derive = "PartialEq",
    doc = "ClusterAnalysisTemplate holds the template for performing canary analysis",
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp",
        description = "Time since resource was created"
    )
)]
#[serde(transparent)]
#[schemars(transparent)]
pub struct ClusterAnalysisTemplateSpec(pub AnalysisTemplateSpec);

impl Deref for ClusterAnalysisTemplateSpec {
    type Target = AnalysisTemplateSpec;
    fn deref(&self) -> &AnalysisTemplateSpec {
        &self.0
    }
}

impl DerefMut for ClusterAnalysisTemplateSpec {
    fn deref_mut(&mut self) -> &mut AnalysisTemplateSpec {
        &mut self.0
    }
}

impl From<AnalysisTemplateSpec> for ClusterAnalysisTemplateSpec {
    fn from(spec: AnalysisTemplateSpec) -> Self {
        Self(spec)
    }
}

/// An argument of an AnalysisTemplate or AnalysisRun (`Argument`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["name"]))]
pub struct Argument {
    /// Name of the argument.
    #[serde(deserialize_with = "go_null")]
    pub name: String,
    /// Value of the argument; unset means it must be supplied by the caller.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Where to read the value from; exclusive with `value`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_from: Option<ValueFrom>,
}

/// Where an analysis argument is read from (`ValueFrom`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct ValueFrom {
    /// A key of a Secret in the run's namespace; the value is redacted in messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_key_ref: Option<SecretKeyRef>,
    /// A field of the object that created the run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field_ref: Option<FieldRef>,
}

/// A key of a Secret (`SecretKeyRef`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["key", "name"]))]
pub struct SecretKeyRef {
    /// Name of the Secret.
    #[serde(deserialize_with = "go_null")]
    pub name: String,
    /// Key in the Secret.
    #[serde(deserialize_with = "go_null")]
    pub key: String,
}
