//! `ValidateRolloutReferencedResources` (`pkg/apis/rollouts/validation/validation_references.go`): the
//! objects a rollout refers to, passed in as plain values, checked against the rollout. Services,
//! Ingresses, Ambassador Mappings, App Mesh routers and the analysis templates are here; Istio
//! VirtualServices in [`super::istio`], analysis templates' metrics in [`super::analysis`].

use k8s_openapi::api::core::v1::Service;
use serde_json::Value;

use super::analysis::validate_analysis_templates_with_type;
use super::field::{FieldError, FieldPath};
use super::ingress::IngressRef;
use super::istio::validate_virtual_service;
use super::messages::service_referencing_managed_service;
use crate::analysis::{AnalysisTemplate, AnalysisTemplateSpec, ClusterAnalysisTemplate};
use crate::keys::{MANAGED_BY_ROLLOUTS_ANNOTATION, POD_TEMPLATE_HASH_LABEL};
use crate::rollout::{AnalysisRunArgument, CanaryStrategy, Rollout};

/// Which analysis of the rollout a group of templates is for (`AnalysisTemplateType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnalysisTemplateType {
    /// Blue-green pre-promotion analysis.
    PrePromotionAnalysis,
    /// Blue-green post-promotion analysis.
    PostPromotionAnalysis,
    /// A canary step's analysis.
    InlineAnalysis,
    /// The canary's background analysis.
    BackgroundAnalysis,
}

/// The templates of one analysis of the rollout (`AnalysisTemplatesWithType`).
#[derive(Clone, Debug, PartialEq)]
pub struct AnalysisTemplatesWithType {
    /// Namespaced templates.
    pub analysis_templates: Vec<AnalysisTemplate>,
    /// Cluster-scoped templates.
    pub cluster_analysis_templates: Vec<ClusterAnalysisTemplate>,
    /// Which analysis these are for.
    pub template_type: AnalysisTemplateType,
    /// The canary step, for [`AnalysisTemplateType::InlineAnalysis`].
    pub canary_step_index: usize,
    /// The rollout's arguments for the run.
    pub args: Vec<AnalysisRunArgument>,
}

impl AnalysisTemplatesWithType {
    /// `GetAnalysisTemplateNames`: namespaced templates first.
    pub fn names(&self) -> Vec<&str> {
        self.analysis_templates
            .iter()
            .map(|t| t.metadata.name.as_deref().unwrap_or_default())
            .chain(
                self.cluster_analysis_templates
                    .iter()
                    .map(|t| t.metadata.name.as_deref().unwrap_or_default()),
            )
            .collect()
    }

    /// The specs, in the order of [`Self::names`].
    pub fn specs(&self) -> impl Iterator<Item = &AnalysisTemplateSpec> {
        self.analysis_templates
            .iter()
            .map(|t| &t.spec)
            .chain(self.cluster_analysis_templates.iter().map(|t| &t.spec.0))
    }
}

/// The role of a Service for the rollout (`ServiceType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServiceType {
    /// `canary.stableService`.
    StableService,
    /// `canary.canaryService`.
    CanaryService,
    /// `canary.pingPong.pingService`.
    PingService,
    /// `canary.pingPong.pongService`.
    PongService,
    /// `blueGreen.activeService`.
    ActiveService,
    /// `blueGreen.previewService`.
    PreviewService,
}

/// A Service and its role (`ServiceWithType`); a Service without a role is not validated.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceWithType {
    /// The Service.
    pub service: Service,
    /// Its role, if the rollout refers to it.
    pub service_type: Option<ServiceType>,
}

/// Every object the rollout refers to (`ReferencedResources`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReferencedResources {
    /// Analysis templates, grouped by the analysis they serve.
    pub analysis_templates_with_type: Vec<AnalysisTemplatesWithType>,
    /// Ingresses (NGINX stable ingresses, ALB ingresses).
    pub ingresses: Vec<IngressRef>,
    /// Services with their roles.
    pub service_with_type: Vec<ServiceWithType>,
    /// Istio VirtualServices, as JSON.
    pub virtual_services: Vec<Value>,
    /// Ambassador Mappings, as JSON.
    pub ambassador_mappings: Vec<Value>,
    /// App Mesh resources (VirtualRouters), as JSON.
    pub app_mesh_resources: Vec<Value>,
}

/// `ValidateRolloutReferencedResources`: every error, in Argo's order.
pub fn validate_rollout_referenced_resources(
    rollout: &Rollout,
    refs: &ReferencedResources,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for service in &refs.service_with_type {
        errs.extend(validate_service(service, rollout));
    }
    for templates in &refs.analysis_templates_with_type {
        errs.extend(validate_analysis_templates_with_type(rollout, templates));
    }
    for ingress in &refs.ingresses {
        errs.extend(validate_ingress(rollout, ingress));
    }
    for vsvc in &refs.virtual_services {
        errs.extend(validate_virtual_service(rollout, vsvc));
    }
    for mapping in &refs.ambassador_mappings {
        errs.extend(validate_ambassador_mapping(mapping));
    }
    for resource in &refs.app_mesh_resources {
        errs.extend(validate_app_mesh_resource(resource));
    }
    errs
}

/// `GetServiceWithTypeFieldPath`.
pub fn service_with_type_field_path(service_type: ServiceType) -> FieldPath {
    let names: &[&str] = match service_type {
        ServiceType::ActiveService => &["blueGreen", "activeService"],
        ServiceType::PreviewService => &["blueGreen", "previewService"],
        ServiceType::CanaryService => &["canary", "canaryService"],
        ServiceType::StableService => &["canary", "stableService"],
        ServiceType::PingService => &["canary", "pingPong", "pingService"],
        ServiceType::PongService => &["canary", "pingPong", "pongService"],
    };
    FieldPath::new(&["spec", "strategy"]).children(names)
}

/// `GetAnalysisTemplateWithTypeFieldPath`.
pub fn analysis_template_with_type_field_path(
    template_type: AnalysisTemplateType,
    step: usize,
) -> Option<FieldPath> {
    let base = FieldPath::new(&["spec", "strategy"]);
    Some(match template_type {
        AnalysisTemplateType::PrePromotionAnalysis => {
            base.children(&["blueGreen", "prePromotionAnalysis", "templates"])
        }
        AnalysisTemplateType::PostPromotionAnalysis => {
            base.children(&["blueGreen", "postPromotionAnalysis", "templates"])
        }
        AnalysisTemplateType::InlineAnalysis => base
            .children(&["canary", "steps"])
            .index(step)
            .children(&["analysis", "templates"]),
        AnalysisTemplateType::BackgroundAnalysis => base.children(&["canary", "analysis", "templates"]),
    })
}

/// `ValidateService`: the Service's selector (but the pod-template hash) must match the template's labels,
/// and it must not be managed by another rollout.
pub fn validate_service(svc: &ServiceWithType, rollout: &Rollout) -> Vec<FieldError> {
    let Some(service_type) = svc.service_type else {
        return Vec::new();
    };
    let path = service_with_type_field_path(service_type);
    let name = svc.service.metadata.name.as_deref().unwrap_or_default();
    let template_labels = rollout
        .spec
        .template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.as_ref());
    let mut errs = Vec::new();
    let selector = svc.service.spec.as_ref().and_then(|s| s.selector.as_ref());
    for (key, value) in selector.into_iter().flatten() {
        if key == POD_TEMPLATE_HASH_LABEL {
            continue;
        }
        if template_labels.and_then(|l| l.get(key)) != Some(value) {
            errs.push(FieldError::invalid(
                &path,
                name,
                format!(
                    "Service {} has unmatch label {} in rollout",
                    super::field::go_quote(name),
                    super::field::go_quote(key)
                ),
            ));
        }
    }
    let managed_by = svc
        .service
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(MANAGED_BY_ROLLOUTS_ANNOTATION));
    if let Some(owner) = managed_by
        && owner != rollout.metadata.name.as_deref().unwrap_or_default()
    {
        errs.push(FieldError::invalid(
            &path,
            name,
            service_referencing_managed_service(name),
        ));
    }
    errs
}

/// `ValidateIngress`: an NGINX stable ingress or an ALB ingress of the rollout must route to the stable
/// (or ALB root) Service.
pub fn validate_ingress(rollout: &Rollout, ingress: &IngressRef) -> Vec<FieldError> {
    let Some(canary) = rollout.canary() else {
        return Vec::new();
    };
    let Some(tr) = &canary.traffic_routing else {
        return Vec::new();
    };
    let base = FieldPath::new(&["spec", "strategy", "canary", "trafficRouting"]);
    let name = ingress.name();
    if let Some(nginx) = &tr.nginx
        && (nginx.stable_ingress == name || nginx.stable_ingresses.iter().any(|i| i == name))
    {
        let (path, reported) = if nginx.stable_ingresses.iter().any(|i| i == name) {
            (base.children(&["nginx", "stableIngresses"]), name)
        } else {
            (
                base.children(&["nginx", "stableIngress"]),
                nginx.stable_ingress.as_str(),
            )
        };
        return report_ingress(ingress, &canary.stable_service, reported, &path);
    }
    if let Some(alb) = &tr.alb
        && (alb.ingress == name || alb.ingresses.iter().any(|i| i == name))
    {
        let service = if alb.root_service.is_empty() {
            &canary.stable_service
        } else {
            &alb.root_service
        };
        let (path, reported) = if alb.ingresses.iter().any(|i| i == name) {
            (base.children(&["alb", "ingresses"]), name)
        } else {
            (base.children(&["alb", "ingress"]), alb.ingress.as_str())
        };
        return report_ingress(ingress, service, reported, &path);
    }
    Vec::new()
}

fn report_ingress(ingress: &IngressRef, service: &str, reported: &str, path: &FieldPath) -> Vec<FieldError> {
    if ingress.has_rule_with_service(service) {
        Vec::new()
    } else {
        vec![FieldError::invalid(
            path,
            reported,
            format!(
                "ingress `{}` has no rules using service {service} backend",
                ingress.name()
            ),
        )]
    }
}

fn canary_traffic<'a, T>(
    rollout: &'a Rollout,
    router: impl Fn(&'a CanaryStrategy) -> Option<&'a T>,
) -> Option<&'a T> {
    rollout.canary().and_then(router)
}

/// `ValidateRolloutNginxIngressesConfig`: exactly one of `stableIngress` and `stableIngresses`.
pub fn validate_rollout_nginx_ingresses_config(rollout: &Rollout) -> Option<FieldError> {
    let nginx = canary_traffic(rollout, |c| {
        c.traffic_routing.as_ref().and_then(|t| t.nginx.as_ref())
    })?;
    let path = FieldPath::new(&["spec", "strategy", "canary", "trafficRouting", "nginx"]);
    match (
        !nginx.stable_ingresses.is_empty(),
        !nginx.stable_ingress.is_empty(),
    ) {
        (true, true) => Some(FieldError::internal(
            &path,
            "Either StableIngress or StableIngresses must be configured. Both are configured.",
        )),
        (false, false) => Some(FieldError::internal(
            &path,
            "Either StableIngress or StableIngresses must be configured. Neither are configured.",
        )),
        _ => None,
    }
}

/// `ValidateRolloutAlbIngressesConfig`: exactly one of `ingress` and `ingresses`.
pub fn validate_rollout_alb_ingresses_config(rollout: &Rollout) -> Option<FieldError> {
    let alb = canary_traffic(rollout, |c| {
        c.traffic_routing.as_ref().and_then(|t| t.alb.as_ref())
    })?;
    let path = FieldPath::new(&["spec", "strategy", "canary", "trafficRouting", "alb"]);
    match (!alb.ingresses.is_empty(), !alb.ingress.is_empty()) {
        (true, true) => Some(FieldError::internal(
            &path,
            "Either Ingress or Ingresses must be configured. Both are configured.",
        )),
        (false, false) => Some(FieldError::internal(
            &path,
            "Either Ingress or Ingresses must be configured. Neither are configured.",
        )),
        _ => None,
    }
}

/// `ValidateRolloutVirtualServicesConfig`: exactly one of `virtualService` and `virtualServices`.
pub fn validate_rollout_virtual_services_config(rollout: &Rollout) -> Option<FieldError> {
    let istio = canary_traffic(rollout, |c| {
        c.traffic_routing.as_ref().and_then(|t| t.istio.as_ref())
    })?;
    let path = FieldPath::new(&["spec", "strategy", "canary", "trafficRouting", "istio"]);
    let multiple = !istio.virtual_services.is_empty();
    if multiple == istio.virtual_service.is_some() {
        Some(FieldError::internal(
            &path,
            "either VirtualService or VirtualServices must be configured",
        ))
    } else {
        None
    }
}

fn object_name(obj: &Value) -> &str {
    obj.pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// `ValidateAmbassadorMapping`: a base Mapping must not define a weight.
pub fn validate_ambassador_mapping(obj: &Value) -> Vec<FieldError> {
    let weight = obj.pointer("/spec/weight").and_then(Value::as_i64).unwrap_or(0);
    if weight == 0 {
        return Vec::new();
    }
    let name = object_name(obj);
    vec![FieldError::invalid(
        &FieldPath::new(&["spec", "weight"]),
        name,
        format!(
            "Ambassador mapping {} can not define weight",
            super::field::go_quote(name)
        ),
    )]
}

/// `ValidateAppMeshResource`: a VirtualRouter whose every route has exactly two weighted targets.
pub fn validate_app_mesh_resource(obj: &Value) -> Vec<FieldError> {
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or_default();
    if kind != "VirtualRouter" {
        return vec![FieldError::invalid(
            &FieldPath::new(&["kind"]),
            kind,
            format!("Expected object kind to be VirtualRouter but is {kind}"),
        )];
    }
    validate_app_mesh_virtual_router(obj).into_iter().collect()
}

/// `ValidateAppMeshVirtualRouter`: the first problem, if any.
pub fn validate_app_mesh_virtual_router(obj: &Value) -> Option<FieldError> {
    const ROUTE_TYPES: [&str; 4] = ["httpRoute", "tcpRoute", "http2Route", "grpcRoute"];
    let name = object_name(obj);
    let routes_path = FieldPath::new(&["spec", "routes"]);
    let routes = obj
        .pointer("/spec/routes")
        .and_then(Value::as_array)
        .filter(|r| !r.is_empty());
    let Some(routes) = routes else {
        return Some(FieldError::invalid(
            &routes_path,
            name,
            format!("No routes defined for AppMesh virtual-router {name}"),
        ));
    };
    for (idx, route) in routes.iter().enumerate() {
        let route_path = routes_path.index(idx);
        let Some(route) = route.as_object() else {
            return Some(FieldError::invalid(
                &route_path,
                name,
                format!("Invalid route was found for AppMesh virtual-router {name} at index {idx}"),
            ));
        };
        let route_name = match route.get("name") {
            Some(Value::String(s)) => s.clone(),
            None | Some(Value::Null) => "%!s(<nil>)".to_owned(),
            Some(other) => other.to_string(),
        };
        let mut found = None;
        for route_type in ROUTE_TYPES {
            match route.get(route_type) {
                None => {}
                Some(Value::Object(rule)) => {
                    found = Some((route_type, rule));
                    break;
                }
                Some(other) => {
                    let (value, go_type) = go_value_and_type(other);
                    return Some(FieldError::invalid(
                        &route_path,
                        name,
                        format!(
                            "Error getting route details for AppMesh virtual-router {name} and route {route_name}. Error: .{route_type} accessor error: {value} is of the type {go_type}, expected map[string]interface{{}}"
                        ),
                    ));
                }
            }
        }
        let Some((route_type, rule)) = found else {
            return Some(FieldError::invalid(
                &route_path,
                name,
                format!(
                    "Error getting route details for AppMesh virtual-router {name} and route {route_name}. Error: Route has unsupported route type"
                ),
            ));
        };
        let targets_path = route_path.children(&[route_type, "action", "weightedTargets"]);
        let targets = rule
            .get("action")
            .and_then(Value::as_object)
            .and_then(|a| a.get("weightedTargets"))
            .and_then(Value::as_array);
        let Some(targets) = targets else {
            return Some(FieldError::invalid(
                &targets_path,
                name,
                format!(
                    "Invalid route action found for AppMesh virtual-router {name} and route {route_name}"
                ),
            ));
        };
        if targets.len() != 2 {
            return Some(FieldError::invalid(
                &targets_path,
                name,
                format!(
                    "Invalid number of weightedTargets ({}) for AppMesh virtual-router {name} and route {route_name}, expected 2",
                    targets.len()
                ),
            ));
        }
    }
    None
}

/// Go's `%v` and `%T` of a value decoded from JSON into `interface{}` (arrays and maps approximated).
fn go_value_and_type(value: &Value) -> (String, &'static str) {
    match value {
        Value::Null => ("<nil>".to_owned(), "<nil>"),
        Value::Bool(b) => (b.to_string(), "bool"),
        Value::Number(n) if n.is_i64() || n.is_u64() => (n.to_string(), "int64"),
        Value::Number(n) => (n.to_string(), "float64"),
        Value::String(s) => (s.clone(), "string"),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(|i| go_value_and_type(i).0).collect();
            (format!("[{}]", parts.join(" ")), "[]interface {}")
        }
        Value::Object(_) => ("map[...]".to_owned(), "map[string]interface {}"),
    }
}
