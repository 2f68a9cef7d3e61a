//! `ValidateRolloutSpec`, `ValidateRolloutStrategy`, the blue-green strategy and anti-affinity
//! (`pkg/apis/rollouts/validation/validation.go`). The canary strategy is in [`super::canary`].

use k8s_openapi::api::core::v1::PodTemplateSpec;

use super::field::{BadValue, FieldError, FieldPath, label_selector_json};
use super::k8s::resources::first_bad_quantity;
use super::k8s::selector::{label_selector_as_selector, validate_label_selector};
use super::k8s::validate_pod_template_spec_for_replica_set;
use super::messages::*;
use crate::defaults;
use crate::rollout::{AntiAffinity, Rollout};

/// `ValidateRolloutSpec` at `path` (`spec`). `template_resolved_from_ref` is Go's
/// `TemplateResolvedFromRef`: set by the controller once it has copied the template of a `workloadRef`.
pub fn validate_rollout_spec(
    rollout: &Rollout,
    template_resolved_from_ref: bool,
    path: &FieldPath,
) -> Vec<FieldError> {
    let spec = &rollout.spec;
    let mut errs = Vec::new();
    let replicas = defaults::replicas_or_default(spec.replicas);
    errs.extend(nonnegative(i64::from(replicas), &path.child("replicas")));

    if spec.workload_ref.is_none() {
        match &spec.selector {
            None => errs.push(FieldError::required(
                &path.child("selector"),
                missing_field(".spec.selector"),
            )),
            Some(selector) => {
                errs.extend(validate_label_selector(Some(selector), &path.child("selector")));
                let labels = selector.match_labels.as_ref().map_or(0, |l| l.len());
                let exprs = selector.match_expressions.as_ref().map_or(0, Vec::len);
                if labels + exprs == 0 {
                    errs.push(FieldError::invalid(
                        &path.child("selector"),
                        BadValue::Json(label_selector_json(selector)),
                        "empty selector is invalid for deployment",
                    ));
                }
            }
        }
    }

    let template_labels = spec.template.metadata.as_ref().and_then(|m| m.labels.as_ref());
    let template_annotations = spec
        .template
        .metadata
        .as_ref()
        .and_then(|m| m.annotations.as_ref());
    let empty_template =
        template_labels.is_none_or(|l| l.is_empty()) && template_annotations.is_none_or(|a| a.is_empty());
    if !template_resolved_from_ref && spec.workload_ref.is_some() && !empty_template {
        errs.push(FieldError::internal(
            &path.child("template"),
            "template must be empty for workload reference rollout",
        ));
    }

    match label_selector_as_selector(spec.selector.as_ref()) {
        Err(_) => errs.push(FieldError::invalid(
            &path.child("selector"),
            BadValue::Json(
                spec.selector
                    .as_ref()
                    .map_or(serde_json::Value::Null, label_selector_json),
            ),
            "invalid label selector",
        )),
        Ok(selector) => {
            // Go converts the template to the internal type through JSON; a quantity Go cannot parse fails
            // that conversion and ends the validation.
            if let Some(err) = first_bad_template_quantity(&spec.template) {
                errs.push(FieldError::internal(&path.child("template"), err));
                return errs;
            }
            if template_resolved_from_ref || spec.workload_ref.is_none() {
                errs.extend(validate_pod_template_spec_for_replica_set(
                    &spec.template,
                    &selector,
                    &path.child("template"),
                ));
            }
        }
    }

    errs.extend(nonnegative(
        i64::from(spec.min_ready_seconds),
        &path.child("minReadySeconds"),
    ));
    let revision_history_limit = defaults::revision_history_limit_or_default(rollout);
    errs.extend(nonnegative(
        i64::from(revision_history_limit),
        &path.child("revisionHistoryLimit"),
    ));
    let progress_deadline = defaults::progress_deadline_seconds_or_default(rollout);
    errs.extend(nonnegative(
        i64::from(progress_deadline),
        &path.child("progressDeadlineSeconds"),
    ));
    if progress_deadline <= spec.min_ready_seconds {
        errs.push(FieldError::invalid(
            &path.child("progressDeadlineSeconds"),
            progress_deadline,
            "must be greater than minReadySeconds",
        ));
    }
    errs.extend(validate_rollout_strategy(rollout, &path.child("strategy")));
    errs
}

/// The first resource quantity of the template's containers and init containers that Go cannot parse.
/// Go fails to decode such a template: `lint` reports it as a decoding error, the controller as
/// `spec.template: Internal error: <parse error>`.
pub fn first_bad_template_quantity(template: &PodTemplateSpec) -> Option<crate::hash::QuantityError> {
    first_bad_quantity(template_resource_lists(template))
}

/// The resource maps of every container of a template (for the quantity pre-check).
fn template_resource_lists(
    template: &PodTemplateSpec,
) -> Vec<&std::collections::BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>> {
    let Some(spec) = &template.spec else {
        return Vec::new();
    };
    spec.containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .filter_map(|c| c.resources.as_ref())
        .flat_map(|r| r.limits.iter().chain(r.requests.iter()))
        .collect()
}

/// `ValidateNonnegativeField`.
pub fn nonnegative(value: i64, path: &FieldPath) -> Vec<FieldError> {
    if value < 0 {
        vec![FieldError::invalid(
            path,
            value,
            "must be greater than or equal to 0",
        )]
    } else {
        Vec::new()
    }
}

/// `ValidateRolloutStrategy` at `path` (`spec.strategy`): exactly one strategy, then its checks. Note
/// Argo's paths: `spec.strategy.strategy` for these two errors, and `spec.strategy.<field>` (without
/// `canary`/`blueGreen`) inside the strategies.
pub fn validate_rollout_strategy(rollout: &Rollout, path: &FieldPath) -> Vec<FieldError> {
    let strategy = &rollout.spec.strategy;
    match (&strategy.blue_green, &strategy.canary) {
        (None, None) => vec![FieldError::required(
            &path.child("strategy"),
            missing_field(".spec.strategy.canary or .spec.strategy.blueGreen"),
        )],
        (Some(_), Some(_)) => vec![FieldError::invalid(
            &path.child("strategy"),
            "blueGreen: true canary: true",
            INVALID_STRATEGY_MESSAGE,
        )],
        (Some(_), None) => validate_rollout_strategy_blue_green(rollout, path),
        (None, Some(_)) => super::canary::validate_rollout_strategy_canary(rollout, path),
    }
}

/// `ValidateRolloutStrategyBlueGreen`.
pub fn validate_rollout_strategy_blue_green(rollout: &Rollout, path: &FieldPath) -> Vec<FieldError> {
    let Some(bg) = &rollout.spec.strategy.blue_green else {
        return Vec::new();
    };
    let mut errs = Vec::new();
    if bg.active_service == bg.preview_service {
        errs.push(FieldError::invalid(
            &path.child("activeService"),
            &bg.active_service,
            DUPLICATED_SERVICES_BLUE_GREEN_MESSAGE,
        ));
    }
    let revision_history_limit = defaults::revision_history_limit_or_default(rollout);
    if let Some(limit) = bg.scale_down_delay_revision_limit
        && revision_history_limit < limit
    {
        errs.push(FieldError::invalid(
            &path.child("scaleDownDelayRevisionLimit"),
            limit,
            SCALE_DOWN_LIMIT_LARGER_THAN_REVISION_LIMIT,
        ));
    }
    errs.extend(validate_rollout_strategy_anti_affinity(
        bg.anti_affinity.as_ref(),
        &path.child("antiAffinity"),
    ));
    errs
}

/// `ValidateRolloutStrategyAntiAffinity`.
pub fn validate_rollout_strategy_anti_affinity(
    anti_affinity: Option<&AntiAffinity>,
    path: &FieldPath,
) -> Vec<FieldError> {
    let Some(aa) = anti_affinity else {
        return Vec::new();
    };
    let mut errs = Vec::new();
    let preferred = aa.preferred_during_scheduling_ignored_during_execution.as_ref();
    let required = aa.required_during_scheduling_ignored_during_execution.as_ref();
    if preferred.is_some() == required.is_some() {
        errs.push(FieldError::invalid(
            path,
            format!(
                "antiAffinity.PreferredDuringSchedulingIgnoredDuringExecution: {} antiAffinity.RequiredDuringSchedulingIgnoredDuringExecution: {}",
                preferred.is_some(),
                required.is_some()
            ),
            INVALID_ANTI_AFFINITY_STRATEGY_MESSAGE,
        ));
    }
    if let Some(p) = preferred
        && !(1..=100).contains(&p.weight)
    {
        errs.push(FieldError::invalid(
            &path.child("weight"),
            p.weight,
            INVALID_ANTI_AFFINITY_WEIGHT_MESSAGE,
        ));
    }
    errs
}

/// `InvalidWorkloadRef`: the error the controller reports when the `workloadRef` cannot be resolved.
pub fn invalid_workload_ref(rollout: &Rollout, error: impl std::fmt::Display) -> FieldError {
    FieldError::invalid(
        &FieldPath::new(&["spec", "workloadRef"]),
        BadValue::json(&rollout.spec.workload_ref),
        error.to_string(),
    )
}
