//! Looking up the objects a rollout refers to (Argo's `getRolloutReferencedResources` and its
//! `getReferenced*` helpers in `rollout/controller.go`), as a pure function over a [`ReferenceLookup`]
//! (the controller's caches, or a test's map), and the whole of `getRolloutValidationErrors`:
//! [`rollout_validation_error`].
//!
//! A referenced object that does not exist is itself the validation error, as in Go: the lister's
//! NotFound becomes `field.Invalid(<path>, <name>, <NotFound message>)` (for a Service:
//! `spec.strategy.canary.stableService: Invalid value: "svc": service "svc" not found`). Lookups stop at
//! the first error, in Go's order: Services, analysis templates (nested ones too), the NGINX and ALB
//! ingress configuration, ingresses, the Istio configuration, then Ambassador and App Mesh; only when every
//! lookup succeeded are the found objects checked (`ValidateRolloutReferencedResources`).
//!
//! A lookup may answer [`Lookup::NotWatched`] for a kind its caller does not cache: the reference is then
//! skipped (neither an error nor validated). Istio VirtualServices, Ambassador Mappings and App Mesh
//! routers are not looked up here at all (only their spec-level checks run); see `docs/compatibility.md`.

use k8s_openapi::api::core::v1::Service;

use super::field::{BadValue, FieldError, FieldPath};
use super::ingress::IngressRef;
use super::references::{
    AnalysisTemplateType, AnalysisTemplatesWithType, ReferencedResources, ServiceType, ServiceWithType,
    analysis_template_with_type_field_path, service_with_type_field_path,
    validate_rollout_alb_ingresses_config, validate_rollout_nginx_ingresses_config,
    validate_rollout_referenced_resources, validate_rollout_virtual_services_config,
};
use crate::analysis::{AnalysisTemplate, ClusterAnalysisTemplate};
use crate::common::AnalysisTemplateRef;
use crate::rollout::{CanaryStrategy, Rollout, RolloutAnalysis, RolloutAnalysisBackground};

/// What looking up one referenced object found.
#[derive(Clone, Debug, PartialEq)]
pub enum Lookup<T> {
    /// The object.
    Found(T),
    /// It does not exist; the message is Kubernetes' NotFound error (`service "x" not found`, see
    /// [`not_found_message`]).
    NotFound(String),
    /// The caller does not watch this kind: the reference is skipped.
    NotWatched,
}

/// Kubernetes' NotFound message for `resource` (a Go `GroupResource` string such as `service` or
/// `ingress.networking.k8s.io`) named `name`: `<resource> "<name>" not found`.
pub fn not_found_message(resource: &str, name: &str) -> String {
    format!("{resource} {} not found", super::field::go_quote(name))
}

/// Where the referenced objects come from (Go's listers), all in the rollout's namespace but for
/// cluster-scoped templates.
pub trait ReferenceLookup {
    /// A Service (a missing one: `service "<name>" not found`).
    fn service(&self, name: &str) -> Lookup<Service>;
    /// An AnalysisTemplate (any NotFound message; Go replaces it with its own).
    fn analysis_template(&self, name: &str) -> Lookup<AnalysisTemplate>;
    /// A ClusterAnalysisTemplate (as for [`Self::analysis_template`]).
    fn cluster_analysis_template(&self, name: &str) -> Lookup<ClusterAnalysisTemplate>;
    /// An Ingress (a missing one: `ingress.networking.k8s.io "<name>" not found`, or
    /// `ingress.extensions "<name>" not found` for the legacy API).
    fn ingress(&self, name: &str) -> Lookup<IngressRef>;
}

/// `getRolloutValidationErrors` after the spec-only checks passed: the first error of looking up the
/// rollout's references or of validating what was found.
pub fn rollout_validation_error(rollout: &Rollout, lookup: &dyn ReferenceLookup) -> Option<FieldError> {
    match referenced_resources(rollout, lookup) {
        Err(e) => Some(*e),
        Ok(refs) => validate_rollout_referenced_resources(rollout, &refs)
            .into_iter()
            .next(),
    }
}

/// `getRolloutReferencedResources`: every referenced object that could be looked up, or the first error.
///
/// # Errors
/// The first missing object, or the first reference configuration error, as Go's `field.Error`.
pub fn referenced_resources(
    rollout: &Rollout,
    lookup: &dyn ReferenceLookup,
) -> Result<ReferencedResources, Box<FieldError>> {
    let mut refs = ReferencedResources {
        service_with_type: referenced_services(rollout, lookup)?,
        analysis_templates_with_type: referenced_rollout_analyses(rollout, lookup)?,
        ..ReferencedResources::default()
    };
    if let Some(e) = validate_rollout_nginx_ingresses_config(rollout) {
        return Err(Box::new(e));
    }
    if let Some(e) = validate_rollout_alb_ingresses_config(rollout) {
        return Err(Box::new(e));
    }
    refs.ingresses = referenced_ingresses(rollout, lookup)?;
    if let Some(e) = validate_rollout_virtual_services_config(rollout) {
        return Err(Box::new(e));
    }
    // VirtualServices, Ambassador Mappings and App Mesh routers are not watched: only the checks Go makes
    // before fetching them run.
    if let Some(tr) = rollout.canary().and_then(|c| c.traffic_routing.as_ref()) {
        let base = FieldPath::new(&["spec", "strategy", "canary", "trafficRouting"]);
        if tr.ambassador.as_ref().is_some_and(|a| a.mappings.is_empty()) {
            return Err(Box::new(FieldError::invalid(
                &base.children(&["ambassador", "mappings"]),
                BadValue::Str("null".into()),
                "must provide at least one mapping",
            )));
        }
        if tr.app_mesh.as_ref().is_some_and(|a| a.virtual_service.is_none()) {
            return Err(Box::new(FieldError::invalid(
                &base.children(&["appmesh", "virtualService"]),
                BadValue::Str("null".into()),
                "must provide virtual-service",
            )));
        }
    }
    Ok(refs)
}

/// `getReferencedServices`: blue-green active and preview, else canary stable, canary, ping and pong.
fn referenced_services(
    rollout: &Rollout,
    lookup: &dyn ReferenceLookup,
) -> Result<Vec<ServiceWithType>, Box<FieldError>> {
    let strategy = &rollout.spec.strategy;
    let mut named: Vec<(&str, ServiceType)> = Vec::new();
    if let Some(bg) = &strategy.blue_green {
        named.push((&bg.active_service, ServiceType::ActiveService));
        named.push((&bg.preview_service, ServiceType::PreviewService));
    } else if let Some(canary) = &strategy.canary {
        named.push((&canary.stable_service, ServiceType::StableService));
        named.push((&canary.canary_service, ServiceType::CanaryService));
        if let Some(pp) = &canary.ping_pong {
            named.push((&pp.ping_service, ServiceType::PingService));
            named.push((&pp.pong_service, ServiceType::PongService));
        }
    }
    let mut services = Vec::new();
    for (name, service_type) in named.into_iter().filter(|(n, _)| !n.is_empty()) {
        match lookup.service(name) {
            Lookup::Found(service) => services.push(ServiceWithType {
                service,
                service_type: Some(service_type),
            }),
            Lookup::NotFound(message) => {
                return Err(Box::new(FieldError::invalid(
                    &service_with_type_field_path(service_type),
                    name,
                    message,
                )));
            }
            Lookup::NotWatched => {}
        }
    }
    Ok(services)
}

/// `getReferencedRolloutAnalyses`: blue-green pre- then post-promotion, else the canary steps' analyses
/// then the background analysis.
fn referenced_rollout_analyses(
    rollout: &Rollout,
    lookup: &dyn ReferenceLookup,
) -> Result<Vec<AnalysisTemplatesWithType>, Box<FieldError>> {
    let mut out = Vec::new();
    if let Some(bg) = &rollout.spec.strategy.blue_green {
        for (analysis, template_type) in [
            (
                &bg.pre_promotion_analysis,
                AnalysisTemplateType::PrePromotionAnalysis,
            ),
            (
                &bg.post_promotion_analysis,
                AnalysisTemplateType::PostPromotionAnalysis,
            ),
        ] {
            if let Some(analysis) = analysis {
                out.push(referenced_analysis_templates(analysis, template_type, 0, lookup)?);
            }
        }
    } else if let Some(canary) = rollout.canary() {
        for (i, step) in canary.steps.iter().enumerate() {
            if let Some(analysis) = &step.analysis {
                out.push(referenced_analysis_templates(
                    analysis,
                    AnalysisTemplateType::InlineAnalysis,
                    i,
                    lookup,
                )?);
            }
        }
        if let Some(RolloutAnalysisBackground { analysis, .. }) = &canary.analysis {
            out.push(referenced_analysis_templates(
                analysis,
                AnalysisTemplateType::BackgroundAnalysis,
                0,
                lookup,
            )?);
        }
    }
    Ok(out)
}

/// `getReferencedAnalysisTemplates`, with the analysis's arguments.
fn referenced_analysis_templates(
    analysis: &RolloutAnalysis,
    template_type: AnalysisTemplateType,
    step: usize,
    lookup: &dyn ReferenceLookup,
) -> Result<AnalysisTemplatesWithType, Box<FieldError>> {
    let path = analysis_template_with_type_field_path(template_type, step)
        .unwrap_or_else(|| FieldPath::new(&["spec", "strategy"]));
    let (mut templates, mut cluster_templates) = (Vec::new(), Vec::new());
    templates_from_refs(
        &analysis.templates,
        &path,
        lookup,
        &mut templates,
        &mut cluster_templates,
    )?;
    Ok(AnalysisTemplatesWithType {
        analysis_templates: unique_by_name(templates, |t| t.metadata.name.as_deref()),
        cluster_analysis_templates: unique_by_name(cluster_templates, |t| t.metadata.name.as_deref()),
        template_type,
        canary_step_index: step,
        args: analysis.args.clone(),
    })
}

/// `getReferencedAnalysisTemplatesFromRef` before its de-duplication: each template, then the templates
/// it nests (whose errors are reported at `spec.templates`).
fn templates_from_refs(
    refs: &[AnalysisTemplateRef],
    path: &FieldPath,
    lookup: &dyn ReferenceLookup,
    templates: &mut Vec<AnalysisTemplate>,
    cluster_templates: &mut Vec<ClusterAnalysisTemplate>,
) -> Result<(), Box<FieldError>> {
    let nested_path = FieldPath::new(&["spec", "templates"]);
    for template_ref in refs {
        let name = template_ref.template_name.as_str();
        let nested = if template_ref.is_cluster_scope() {
            match lookup.cluster_analysis_template(name) {
                Lookup::Found(t) => {
                    let nested = t.spec.templates.clone();
                    cluster_templates.push(t);
                    nested
                }
                Lookup::NotFound(_) => {
                    return Err(Box::new(FieldError::invalid(
                        path,
                        name,
                        format!("ClusterAnalysisTemplate '{name}' not found"),
                    )));
                }
                Lookup::NotWatched => Vec::new(),
            }
        } else {
            match lookup.analysis_template(name) {
                Lookup::Found(t) => {
                    let nested = t.spec.templates.clone();
                    templates.push(t);
                    nested
                }
                Lookup::NotFound(_) => {
                    return Err(Box::new(FieldError::invalid(
                        path,
                        name,
                        format!("AnalysisTemplate '{name}' not found"),
                    )));
                }
                Lookup::NotWatched => Vec::new(),
            }
        };
        if !nested.is_empty() {
            templates_from_refs(&nested, &nested_path, lookup, templates, cluster_templates)?;
        }
    }
    Ok(())
}

/// `FilterUniqueTemplates`: the first template of each name, in order.
fn unique_by_name<T>(items: Vec<T>, name: impl Fn(&T) -> Option<&str>) -> Vec<T> {
    let mut seen = std::collections::BTreeSet::new();
    items
        .into_iter()
        .filter(|t| seen.insert(name(t).unwrap_or_default().to_owned()))
        .collect()
}

/// `getReferencedIngresses`: the ALB ingresses, else the NGINX stable ingresses.
fn referenced_ingresses(
    rollout: &Rollout,
    lookup: &dyn ReferenceLookup,
) -> Result<Vec<IngressRef>, Box<FieldError>> {
    let Some(tr) = rollout
        .canary()
        .and_then(|c: &CanaryStrategy| c.traffic_routing.as_ref())
    else {
        return Ok(Vec::new());
    };
    let (router, names, field, value): (&str, Vec<&str>, &str, BadValue) = if let Some(alb) = &tr.alb {
        if alb.ingresses.is_empty() {
            ("alb", vec![&alb.ingress], "ingress", (&alb.ingress).into())
        } else {
            let names = alb.ingresses.iter().map(String::as_str).collect();
            ("alb", names, "ingresses", BadValue::json(&alb.ingresses))
        }
    } else if let Some(nginx) = &tr.nginx {
        if nginx.stable_ingresses.is_empty() {
            (
                "nginx",
                vec![&nginx.stable_ingress],
                "stableIngress",
                (&nginx.stable_ingress).into(),
            )
        } else {
            // Go's field name is capitalised here (`handleCacheError("nginx", []string{"StableIngresses"}...`).
            let names = nginx.stable_ingresses.iter().map(String::as_str).collect();
            (
                "nginx",
                names,
                "StableIngresses",
                BadValue::json(&nginx.stable_ingresses),
            )
        }
    } else {
        return Ok(Vec::new());
    };
    let mut ingresses = Vec::new();
    for name in names {
        match lookup.ingress(name) {
            Lookup::Found(ingress) => ingresses.push(ingress),
            Lookup::NotFound(message) => {
                let path = FieldPath::new(&["spec", "strategy", "canary", "trafficRouting", router, field]);
                return Err(Box::new(FieldError::invalid(&path, value, message)));
            }
            Lookup::NotWatched => {}
        }
    }
    Ok(ingresses)
}

#[cfg(test)]
#[path = "tests_lookup.rs"]
mod tests;
