//! Argo's rollout validation (`pkg/apis/rollouts/validation`), as pure functions returning every error:
//! [`validate_rollout`] checks the spec alone, [`validate_rollout_referenced_resources`] checks it against
//! the objects it refers to (passed in as [`ReferencedResources`]). Errors are [`FieldError`]s that render
//! exactly like Kubernetes' `field.Error`; the controller reports the first one in the `InvalidSpec`
//! condition ([`invalid_spec_message`]).
//!
//! Messages and field paths are Argo's, quirks included: inside a strategy the paths are
//! `spec.strategy.<field>` (not `spec.strategy.canary.<field>`), and a rollout with both or neither
//! strategy is reported at `spec.strategy.strategy`. The pod template goes through the covered part of
//! Kubernetes' own validation ([`k8s`]).

pub mod analysis;
pub mod canary;
pub mod field;
pub mod fieldpath;
pub mod ingress;
pub mod istio;
pub mod k8s;
pub mod lookup;
pub mod messages;
pub mod references;
pub mod rollout;

pub use canary::validate_rollout_strategy_canary;
pub use field::{BadValue, ErrorType, FieldError, FieldPath};
pub use ingress::{IngressRef, LegacyIngress};
pub use lookup::{
    Lookup, ReferenceLookup, not_found_message, referenced_resources, rollout_validation_error,
};
pub use references::{
    AnalysisTemplateType, AnalysisTemplatesWithType, ReferencedResources, ServiceType, ServiceWithType,
    validate_rollout_referenced_resources,
};
pub use rollout::{validate_rollout_spec, validate_rollout_strategy};

use crate::rollout::Rollout;

/// `ValidateRollout`: every error of the rollout's spec, as the `lint` command and a rollout whose
/// template is its own see it.
pub fn validate_rollout(rollout: &Rollout) -> Vec<FieldError> {
    validate_rollout_spec(rollout, false, &FieldPath::new(&["spec"]))
}

/// [`validate_rollout`] once the controller has copied the pod template of the rollout's `workloadRef`
/// into it (Go's `TemplateResolvedFromRef`): the template is then validated like an inline one.
pub fn validate_rollout_with_resolved_template(rollout: &Rollout) -> Vec<FieldError> {
    validate_rollout_spec(rollout, true, &FieldPath::new(&["spec"]))
}

/// The message of the `InvalidSpec` condition: `The Rollout "<name>" is invalid: <field error>`.
pub fn invalid_spec_message(rollout_name: &str, error: &FieldError) -> String {
    format!("The Rollout \"{rollout_name}\" is invalid: {error}")
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_references;
