//! Tests ported from Argo's `pkg/apis/rollouts/validation/validation_references_test.go`, each test naming
//! its Go test (subtests in comments). Two Go subtests pass an unknown `AnalysisTemplateType`/`ServiceType`
//! string; Rust's enums cannot hold one, so those are not ported.

use serde_json::{Value, json};

use super::analysis::{
    validate_analysis_metrics, validate_analysis_template_with_type, validate_analysis_templates_with_type,
};
use super::ingress::LegacyIngress;
use super::istio::validate_virtual_service;
use super::references::*;
use super::*;
use crate::analysis::{AnalysisTemplate, Argument, ClusterAnalysisTemplate, Metric};

#[path = "tests_traffic.rs"]
mod traffic;

fn ro(value: Value) -> Rollout {
    serde_json::from_value(crate::decode::go_like_root(value)).expect("test rollout")
}

fn yaml(text: &str) -> Value {
    serde_yaml_ng::from_str(text).expect("test yaml")
}

fn analysis_templates_with_type() -> AnalysisTemplatesWithType {
    let metric = |name: &str| json!({"name": name, "interval": "1m", "count": 1});
    AnalysisTemplatesWithType {
        analysis_templates: vec![
            serde_json::from_value(json!({"metadata": {"name": "analysis-template-name"},
                "spec": {"metrics": [metric("metric1-name")]}}))
            .expect("template"),
        ],
        cluster_analysis_templates: vec![
            serde_json::from_value(json!({"metadata": {"name": "cluster-analysis-template-name"},
                "spec": {"metrics": [metric("metric2-name")]}}))
            .expect("cluster template"),
        ],
        template_type: AnalysisTemplateType::InlineAnalysis,
        canary_step_index: 0,
        args: Vec::new(),
    }
}

fn alb_rollout(ingress: &str) -> Rollout {
    ro(
        json!({"spec": {"strategy": {"canary": {"stableService": "stable-service-name",
        "trafficRouting": {"alb": {"ingress": ingress}}}}}}),
    )
}

fn alb_rollout_multi(ingresses: &[&str]) -> Rollout {
    ro(
        json!({"spec": {"strategy": {"canary": {"stableService": "stable-service-name",
        "trafficRouting": {"alb": {"ingresses": ingresses}}}}}}),
    )
}

fn nginx_rollout(ingress: &str) -> Rollout {
    ro(
        json!({"spec": {"strategy": {"canary": {"stableService": "stable-service", "canaryService": "canary-service-name",
        "trafficRouting": {"nginx": {"stableIngress": ingress}}}}}}),
    )
}

fn nginx_rollout_multi(ingresses: &[&str]) -> Rollout {
    ro(
        json!({"spec": {"strategy": {"canary": {"stableService": "stable-service", "canaryService": "canary-service-name",
        "trafficRouting": {"nginx": {"stableIngresses": ingresses}}}}}}),
    )
}

fn legacy_ingress(name: &str, service: &str) -> IngressRef {
    let ingress: LegacyIngress =
        serde_json::from_value(json!({"metadata": {"name": name, "namespace": "default"},
        "spec": {"rules": [{"host": "fakehost.example.com", "http": {"paths": [
            {"path": "/foo", "backend": {"serviceName": service, "servicePort": 80}}]}}]}}))
        .expect("ingress");
    IngressRef::Extensions(Box::new(ingress))
}

/// `getIngress()`: the ALB ingress `alb-ingress` routing to `stable-service-name`.
fn get_ingress() -> IngressRef {
    legacy_ingress("alb-ingress", "stable-service-name")
}

fn service_with_type() -> ServiceWithType {
    ServiceWithType {
        service: serde_json::from_value(json!({"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "stable-service-name"}}))
        .expect("service"),
        service_type: Some(ServiceType::StableService),
    }
}

#[test]
fn go_test_validate_rollout_referenced_resources() {
    let refs = ReferencedResources {
        analysis_templates_with_type: vec![analysis_templates_with_type()],
        ingresses: vec![get_ingress()],
        service_with_type: vec![service_with_type()],
        ..Default::default()
    };
    assert_eq!(
        validate_rollout_referenced_resources(&alb_rollout("alb-ingress"), &refs),
        vec![]
    );
}

const STABLE: &str = "stable-ingress";
const ADD1: &str = "additional-stable-ingress-1";
const ADD2: &str = "additional-stable-ingress-2";

/// One case: (name, multiple ingresses, the ingresses' services, expected (field, bad value) pairs).
type IngressCase = (
    &'static str,
    bool,
    Vec<&'static str>,
    Vec<(&'static str, &'static str)>,
);

/// The table of `TestValidateRolloutReferencedResourcesNginxIngress` and `...AlbIngress`: (name, multiple,
/// ingress services, expected (field, bad value) pairs).
fn ingress_cases(ok: &'static str, key: &'static str, keys: &'static str) -> Vec<IngressCase> {
    let bad = "wrong-stable-service";
    vec![
        ("single -- success", false, vec![ok], vec![]),
        ("single -- failure", false, vec![bad], vec![(key, STABLE)]),
        ("multiple successfully", true, vec![ok, ok, ok], vec![]),
        (
            "multiple -- primary fails",
            true,
            vec![bad, ok, ok],
            vec![(keys, STABLE)],
        ),
        (
            "multiple -- additional ingress fails",
            true,
            vec![ok, bad, ok],
            vec![(keys, ADD1)],
        ),
        (
            "multiple -- all ingresses fail",
            true,
            vec![bad, bad, bad],
            vec![(keys, STABLE), (keys, ADD1), (keys, ADD2)],
        ),
    ]
}

fn run_ingress_cases(nginx: bool) {
    let (ok, key, keys) = if nginx {
        (
            "stable-service",
            "spec.strategy.canary.trafficRouting.nginx.stableIngress",
            "spec.strategy.canary.trafficRouting.nginx.stableIngresses",
        )
    } else {
        (
            "stable-service-name",
            "spec.strategy.canary.trafficRouting.alb.ingress",
            "spec.strategy.canary.trafficRouting.alb.ingresses",
        )
    };
    for (name, multiple, services, expected) in ingress_cases(ok, key, keys) {
        let ingresses = [STABLE, ADD1, ADD2]
            .iter()
            .zip(&services)
            .map(|(ingress, service)| legacy_ingress(ingress, service))
            .collect();
        let refs = ReferencedResources {
            analysis_templates_with_type: vec![analysis_templates_with_type()],
            ingresses,
            service_with_type: vec![service_with_type()],
            ..Default::default()
        };
        let rollout = match (nginx, multiple) {
            (true, true) => nginx_rollout_multi(&[STABLE, ADD1, ADD2]),
            (true, false) => nginx_rollout(STABLE),
            (false, true) => alb_rollout_multi(&[STABLE, ADD1, ADD2]),
            (false, false) => alb_rollout(STABLE),
        };
        let errs = validate_rollout_referenced_resources(&rollout, &refs);
        let got: Vec<(String, BadValue)> = errs
            .iter()
            .map(|e| (e.field.clone(), e.bad_value.clone()))
            .collect();
        let want: Vec<(String, BadValue)> = expected
            .iter()
            .map(|(f, v)| ((*f).to_owned(), BadValue::from(*v)))
            .collect();
        assert_eq!(got, want, "{name}");
        assert!(errs.iter().all(|e| e.error_type == ErrorType::Invalid), "{name}");
    }
}

#[test]
fn go_test_validate_rollout_referenced_resources_nginx_ingress() {
    run_ingress_cases(true);
}

#[test]
fn go_test_validate_rollout_referenced_resources_alb_ingress() {
    run_ingress_cases(false);
}

fn arg(name: &str, value: Option<&str>) -> Argument {
    Argument {
        name: name.into(),
        value: value.map(str::to_owned),
        value_from: None,
    }
}

#[test]
fn go_test_validate_analysis_templates_with_type() {
    let rollout = alb_rollout("alb-ingress");
    // "failure - invalid argument"
    let mut templates = analysis_templates_with_type();
    templates.analysis_templates[0]
        .spec
        .args
        .push(arg("invalid", None));
    let errs = validate_analysis_templates_with_type(&rollout, &templates);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        errs[0].to_string(),
        "spec.strategy.canary.steps[0].analysis.templates: Invalid value: \"templateNames: [analysis-template-name cluster-analysis-template-name]\": args.invalid was not resolved"
    );
    // "success"
    let mut templates = analysis_templates_with_type();
    templates.analysis_templates[0].spec.args.push(arg("valid", None));
    templates.args = vec![serde_json::from_value(json!({"name": "valid", "value": "true"})).expect("arg")];
    assert_eq!(
        validate_analysis_templates_with_type(&rollout, &templates),
        vec![]
    );
    // "failure - duplicate metrics" (Go expects no error: the argument is named like a metric)
    let mut templates = analysis_templates_with_type();
    templates.analysis_templates[0].spec.args =
        vec![arg("valid", Some("true")), arg("metric1-name", Some("true"))];
    assert_eq!(
        validate_analysis_templates_with_type(&rollout, &templates),
        vec![]
    );
    // "failure - duplicate MeasurementRetention"
    let rollout = ro(
        json!({"spec": {"strategy": {"canary": {"stableService": "stable-service-name",
        "trafficRouting": {"alb": {"ingress": "alb-ingress"}},
        "steps": [{"analysis": {"templates": [{"templateName": "analysis-template-name"}],
                                "measurementRetention": [{"metricName": "example", "limit": 2}]}}]}}}}),
    );
    let mut templates = analysis_templates_with_type();
    templates.analysis_templates[0].spec.args.push(arg("valid", None));
    templates.analysis_templates[0].spec.measurement_retention =
        vec![serde_json::from_value(json!({"metricName": "example", "limit": 5})).expect("retention")];
    templates.args = vec![serde_json::from_value(json!({"name": "valid", "value": "true"})).expect("arg")];
    let errs = validate_analysis_templates_with_type(&rollout, &templates);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        errs[0].to_string(),
        "spec.strategy.canary.steps[0].analysis.templates: Invalid value: \"templateNames: [analysis-template-name cluster-analysis-template-name]\": two Measurement Retention metric rules have the same name 'example'"
    );
}

fn template_errors(
    rollout: &Rollout,
    template: &AnalysisTemplate,
    kind: AnalysisTemplateType,
) -> Vec<FieldError> {
    let path = analysis_template_with_type_field_path(kind, 0).expect("path");
    let name = template.metadata.name.as_deref().unwrap_or_default();
    validate_analysis_template_with_type(rollout, name, &template.spec, kind, &path)
}

#[test]
fn go_test_validate_analysis_template_with_type() {
    let inline = AnalysisTemplateType::InlineAnalysis;
    let background = AnalysisTemplateType::BackgroundAnalysis;
    let rollout = alb_rollout("alb-ingress");
    // "validate analysisTemplate - success"
    let templates = analysis_templates_with_type();
    assert_eq!(
        template_errors(&rollout, &templates.analysis_templates[0], inline),
        vec![]
    );
    // "validate inline clusterAnalysisTemplate - failure"
    let mut cluster: ClusterAnalysisTemplate = templates.cluster_analysis_templates[0].clone();
    cluster.spec.0.metrics[0].count = Some(k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(0));
    let path = analysis_template_with_type_field_path(inline, 0).expect("path");
    let errs = validate_analysis_template_with_type(
        &rollout,
        "cluster-analysis-template-name",
        &cluster.spec,
        inline,
        &path,
    );
    assert_eq!(errs.len(), 1);
    assert_eq!(
        errs[0].to_string(),
        "spec.strategy.canary.steps[0].analysis.templates: Invalid value: \"cluster-analysis-template-name\": AnalysisTemplate cluster-analysis-template-name has metric metric2-name which runs indefinitely. Invalid value for count: 0"
    );
    // "validate inline analysisTemplate argument - success"
    let mut template = templates.analysis_templates[0].clone();
    template.spec.args = vec![arg("service-name", Some("service-name"))];
    assert_eq!(template_errors(&rollout, &template, inline), vec![]);
    // "validate background analysisTemplate - failure"
    let mut template = templates.analysis_templates[0].clone();
    template.spec.args = vec![arg("service-name", None)];
    let errs = template_errors(&rollout, &template, background);
    assert_eq!(errs[0].detail, "missing analysis arguments in rollout spec");
    let mut with_args = rollout.clone();
    if let Some(c) = with_args.spec.strategy.canary.as_mut() {
        c.analysis = serde_json::from_value(json!({"args": [{"name": "a-different-service-name"}]}))
            .expect("analysis");
    }
    let errs = template_errors(&with_args, &template, background);
    assert_eq!(errs[0].detail, "service-name");
    template.spec.args.push(arg("second-service-name", None));
    assert_eq!(template_errors(&with_args, &template, background).len(), 2);
    // "validate background analysisTemplate - success"
    let mut template = templates.analysis_templates[0].clone();
    assert_eq!(template_errors(&rollout, &template, background), vec![]);
    template.spec.args = vec![arg("service-name", Some("value-name"))];
    assert_eq!(template_errors(&rollout, &template, background), vec![]);
    let mut with_args = rollout.clone();
    if let Some(c) = with_args.spec.strategy.canary.as_mut() {
        c.analysis = serde_json::from_value(json!({"args": [{"name": "service-name"}]})).expect("analysis");
    }
    template.spec.args = vec![arg("service-name", None)];
    assert_eq!(template_errors(&with_args, &template, background), vec![]);
    // "validate background analysisTemplate - success" (a metric running indefinitely is fine)
    let mut template = templates.analysis_templates[0].clone();
    template.spec.metrics[0].count = Some(k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(0));
    assert_eq!(template_errors(&rollout, &template, background), vec![]);
}

#[test]
fn go_test_validate_alb_ingress() {
    // "validate alb ingress - success"
    assert_eq!(
        references::validate_ingress(&alb_rollout("alb-ingress"), &get_ingress()),
        vec![]
    );
    // "validate alb ingress - failure"
    let errs = references::validate_ingress(
        &alb_rollout("alb-ingress"),
        &legacy_ingress("alb-ingress", "not-stable-service"),
    );
    assert_eq!(
        errs[0].to_string(),
        "spec.strategy.canary.trafficRouting.alb.ingress: Invalid value: \"alb-ingress\": ingress `alb-ingress` has no rules using service stable-service-name backend"
    );
}

#[test]
fn go_test_validate_ingress_simultaneous_alb_nginx() {
    let mut rollout = alb_rollout("alb-ingress");
    if let Some(tr) = rollout
        .spec
        .strategy
        .canary
        .as_mut()
        .and_then(|c| c.traffic_routing.as_mut())
    {
        tr.nginx = serde_json::from_value(json!({"stableIngresses": ["nginx-ingress-1"]})).expect("nginx");
    }
    assert_eq!(
        references::validate_ingress(&rollout, &legacy_ingress("alb-ingress", "stable-service-name")),
        vec![]
    );
    assert_eq!(
        references::validate_ingress(
            &rollout,
            &legacy_ingress("nginx-ingress-1", "stable-service-name")
        ),
        vec![]
    );
}

fn config_cases(
    router: &str,
    single: &str,
    multiple: &str,
    check: fn(&Rollout) -> Option<FieldError>,
    what: (&str, &str),
) {
    let path = format!("spec.strategy.canary.trafficRouting.{router}");
    let neither = format!(
        "{path}: Internal error: Either {} or {} must be configured. Neither are configured.",
        what.0, what.1
    );
    let both = format!(
        "{path}: Internal error: Either {} or {} must be configured. Both are configured.",
        what.0, what.1
    );
    let cases = [
        ("No ingress configured", json!({}), Some(neither)),
        (
            "Both ingresses configured",
            json!({single: "stable-ingress", multiple: ["stable-ingress", "additional-stable-ingress"]}),
            Some(both),
        ),
        ("Just single configured", json!({single: "stable-ingress"}), None),
        (
            "Just multiple configured",
            json!({multiple: ["stable-ingress", "additional-stable-ingress"]}),
            None,
        ),
    ];
    for (name, config, expected) in cases {
        let rollout = ro(json!({"spec": {"strategy": {"canary": {"trafficRouting": {router: config}}}}}));
        assert_eq!(check(&rollout).map(|e| e.to_string()), expected, "{name}");
    }
}

#[test]
fn go_test_validate_rollout_nginx_ingresses_config() {
    config_cases(
        "nginx",
        "stableIngress",
        "stableIngresses",
        validate_rollout_nginx_ingresses_config,
        ("StableIngress", "StableIngresses"),
    );
}

#[test]
fn go_test_validate_rollout_alb_ingresses_config() {
    config_cases(
        "alb",
        "ingress",
        "ingresses",
        validate_rollout_alb_ingresses_config,
        ("Ingress", "Ingresses"),
    );
}

#[test]
fn go_test_validate_service() {
    let rollout = alb_rollout("alb-ingress");
    // "validate service - success"
    assert_eq!(validate_service(&service_with_type(), &rollout), vec![]);
    // "validate service - failure"
    let mut svc = service_with_type();
    svc.service.metadata.annotations = Some(
        [(
            "argo-rollouts.argoproj.io/managed-by-rollouts".to_owned(),
            "not-rollout-name".to_owned(),
        )]
        .into(),
    );
    let errs = validate_service(&svc, &rollout);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        errs[0].to_string(),
        "spec.strategy.canary.stableService: Invalid value: \"stable-service-name\": Service \"stable-service-name\" is managed by another Rollout"
    );
    // "validate service with unmatch label - failure"
    let mut svc = service_with_type();
    svc.service.spec =
        serde_json::from_value(json!({"selector": {"app": "unmatch-rollout-label"}})).expect("spec");
    let errs = validate_service(&svc, &rollout);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        errs[0].to_string(),
        "spec.strategy.canary.stableService: Invalid value: \"stable-service-name\": Service \"stable-service-name\" has unmatch label \"app\" in rollout"
    );
    // "validate service with Rollout label - success"
    let mut svc = service_with_type();
    svc.service.spec =
        serde_json::from_value(json!({"selector": {"rollouts-pod-template-hash": "123-456"}})).expect("spec");
    assert_eq!(validate_service(&svc, &rollout), vec![]);
}

#[test]
fn go_test_validate_analysis_metrics() {
    let mut args = vec![
        arg("count", Some("5")),
        arg("failure-limit", Some("1")),
        serde_json::from_value(json!({"name": "secret", "valueFrom": {"secretKeyRef": {"name": "web-metric-secret", "key": "apikey"}}}))
            .expect("arg"),
    ];
    let metrics: Vec<Metric> = vec![
        serde_json::from_value(json!({"name": "metric-name", "count": "{{args.count}}", "failureLimit": "{{args.failure-limit}}"}))
            .expect("metric"),
    ];
    // "Success"
    let resolved = validate_analysis_metrics(&metrics, &mut args.clone()).expect("resolves");
    assert_eq!(
        resolved[0].count,
        Some(k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String(
            "5".into()
        ))
    );
    assert_eq!(
        resolved[0].failure_limit,
        Some(k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String(
            "1".into()
        ))
    );
    // "Error: arg has both Value and ValueFrom"
    args[2].value = Some("secret-value".into());
    assert_eq!(
        validate_analysis_metrics(&metrics, &mut args).err().as_deref(),
        Some("arg 'secret' has both Value and ValueFrom fields")
    );
}

#[test]
fn metric_templates_resolve_like_fasttemplate() {
    use super::analysis::resolve_template;
    let values = vec![("args.a".to_owned(), "1".to_owned())];
    assert_eq!(resolve_template("x{{ args.a }}y", &values).as_deref(), Ok("x1y"));
    assert_eq!(
        resolve_template("{{args.b}}", &values).err().as_deref(),
        Some("failed to resolve {{args.b}}")
    );
    assert!(
        resolve_template("{{args.a", &values)
            .err()
            .is_some_and(|e| e.starts_with("cannot find end tag=\"}}\""))
    );
}
