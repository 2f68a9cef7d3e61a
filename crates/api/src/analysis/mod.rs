//! The analysis kinds: `AnalysisTemplate` and `ClusterAnalysisTemplate` ([`template`]), their
//! metrics ([`metric`]) and metric providers ([`providers`]), and `AnalysisRun` ([`run`]). Mirrors
//! `pkg/apis/rollouts/v1alpha1/analysis_types.go`.

pub mod metric;
pub mod providers;
pub mod run;
pub mod template;

pub use metric::*;
pub use providers::*;
pub use run::*;
pub use template::*;
