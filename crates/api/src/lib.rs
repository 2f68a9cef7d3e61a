//! `rollouts-api`: the `argoproj.io/v1alpha1` API of Argo Rollouts in Rust.
//!
//! Types for Rollout, AnalysisTemplate, ClusterAnalysisTemplate, AnalysisRun and Experiment that accept
//! exactly Argo's YAML and serialise its JSON names, the CRDs generated from them, Argo's defaults and
//! validation (the `InvalidSpec` messages), and the pod-template hash that names ReplicaSets.
//!
//! Struct fields are declared in the order of Argo's Go structs and Go's `omitempty` is mirrored, so
//! `serde_json::to_string` of a value is byte-identical to Go's `json.Marshal` of the same value (the
//! canary step hash depends on it). Deserialization is lenient like Go's: every field may be absent,
//! and unknown string-enum values are kept ([`enums`]).

#![warn(missing_docs)]

pub mod analysis;
pub mod common;
pub mod crd;
pub mod decode;
pub mod defaults;
pub mod duration;
pub mod enums;
pub mod experiment;
pub mod hash;
pub mod keys;
pub mod rollout;
pub mod schema;
pub mod serde_util;
pub mod validation;

pub use analysis::{
    AnalysisRun, AnalysisRunSpec, AnalysisRunStatus, AnalysisTemplate, AnalysisTemplateSpec,
    ClusterAnalysisTemplate, ClusterAnalysisTemplateSpec, Measurement, Metric, MetricProvider, MetricResult,
};
pub use common::*;
pub use crd::{CRD_FILES, crds};
pub use decode::{go_unknown_field_error, is_go_zero, unknown_fields};
pub use duration::{DurationError, DurationString, parse_go_duration_nanos};
pub use enums::*;
pub use experiment::{Experiment, ExperimentSpec, ExperimentStatus};
pub use rollout::{Rollout, RolloutSpec, RolloutStatus};
