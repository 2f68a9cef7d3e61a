//! Tests of [`super`], ported from Argo's `rollout/controller_test.go` (`TestGetReferencedAnalyses`,
//! `TestGetReferencedClusterAnalysisTemplate`, `TestGetInnerReferencedAnalysisTemplate`,
//! `TestGetReferencedIngresses*`), plus the Service lookups and the order of the checks.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::*;
use crate::validation::{IngressRef, invalid_spec_message};

/// A lookup over maps; kinds in `unwatched` answer [`Lookup::NotWatched`].
#[derive(Default)]
struct Objects {
    services: BTreeMap<String, Service>,
    templates: BTreeMap<String, AnalysisTemplate>,
    cluster_templates: BTreeMap<String, ClusterAnalysisTemplate>,
    ingresses: BTreeMap<String, IngressRef>,
    unwatched: Vec<&'static str>,
}

fn found<T: Clone>(map: &BTreeMap<String, T>, name: &str, resource: &str) -> Lookup<T> {
    map.get(name).cloned().map_or_else(
        || Lookup::NotFound(not_found_message(resource, name)),
        Lookup::Found,
    )
}

impl ReferenceLookup for Objects {
    fn service(&self, name: &str) -> Lookup<Service> {
        if self.unwatched.contains(&"service") {
            return Lookup::NotWatched;
        }
        found(&self.services, name, "service")
    }
    fn analysis_template(&self, name: &str) -> Lookup<AnalysisTemplate> {
        found(&self.templates, name, "analysistemplate.argoproj.io")
    }
    fn cluster_analysis_template(&self, name: &str) -> Lookup<ClusterAnalysisTemplate> {
        found(
            &self.cluster_templates,
            name,
            "clusteranalysistemplate.argoproj.io",
        )
    }
    fn ingress(&self, name: &str) -> Lookup<IngressRef> {
        if self.unwatched.contains(&"ingress") {
            return Lookup::NotWatched;
        }
        found(&self.ingresses, name, "ingress.extensions")
    }
}

impl Objects {
    fn service(mut self, name: &str, selector: Value) -> Self {
        let svc = serde_json::from_value(json!({"metadata": {"name": name}, "spec": {"selector": selector}}))
            .expect("service");
        self.services.insert(name.to_owned(), svc);
        self
    }
    fn template(mut self, name: &str, nested: &[(&str, bool)]) -> Self {
        let t = serde_json::from_value(template_json(name, nested)).expect("template");
        self.templates.insert(name.to_owned(), t);
        self
    }
    fn cluster_template(mut self, name: &str, nested: &[(&str, bool)]) -> Self {
        let t = serde_json::from_value(template_json(name, nested)).expect("cluster template");
        self.cluster_templates.insert(name.to_owned(), t);
        self
    }
    fn legacy_ingress(mut self, name: &str, service: &str) -> Self {
        let ing = serde_json::from_value(json!({"metadata": {"name": name}, "spec": {"rules": [
            {"host": "example.com", "http": {"paths": [{"backend": {"serviceName": service, "servicePort": 80}}]}}
        ]}}))
        .expect("ingress");
        self.ingresses
            .insert(name.to_owned(), IngressRef::Extensions(Box::new(ing)));
        self
    }
}

fn template_json(name: &str, nested: &[(&str, bool)]) -> Value {
    let refs: Vec<Value> = nested
        .iter()
        .map(|(n, cluster)| json!({"templateName": n, "clusterScope": cluster}))
        .collect();
    json!({"metadata": {"name": name},
           "spec": {"metrics": [{"name": format!("m-{name}"), "count": 1, "interval": "1m"}], "templates": refs}})
}

fn ro(spec_strategy: Value) -> Rollout {
    serde_json::from_value(json!({
        "metadata": {"name": "rollout", "namespace": "default"},
        "spec": {"selector": {"matchLabels": {"app": "x"}},
                 "template": {"metadata": {"labels": {"app": "x"}}, "spec": {"containers": [{"name": "c", "image": "i"}]}},
                 "strategy": spec_strategy}
    }))
    .expect("rollout")
}

fn blue_green() -> Value {
    json!({"blueGreen": {"activeService": "active-service", "previewService": "preview-service"}})
}

fn bg_services() -> Objects {
    Objects::default()
        .service("active-service", json!({"app": "x"}))
        .service("preview-service", json!({"app": "x"}))
}

fn err(rollout: &Rollout, objects: &Objects) -> String {
    rollout_validation_error(rollout, objects)
        .map(|e| e.to_string())
        .unwrap_or_default()
}

fn missing_template() -> Value {
    json!({"templates": [{"templateName": "does-not-exist", "clusterScope": false}]})
}

#[test]
fn missing_services_are_invalid_with_the_listers_not_found_message() {
    let canary = ro(json!({"canary": {"stableService": "stable", "canaryService": "canary"}}));
    let only_canary = Objects::default().service("canary", json!({"app": "x"}));
    assert_eq!(
        err(&canary, &only_canary),
        r#"spec.strategy.canary.stableService: Invalid value: "stable": service "stable" not found"#
    );
    let both = only_canary.service("stable", json!({"app": "x"}));
    assert_eq!(err(&canary, &both), "");
    let bg = ro(blue_green());
    assert_eq!(
        err(&bg, &Objects::default()),
        r#"spec.strategy.blueGreen.activeService: Invalid value: "active-service": service "active-service" not found"#
    );
    let msg = invalid_spec_message(
        "rollout",
        &rollout_validation_error(&bg, &Objects::default()).expect("error"),
    );
    assert_eq!(
        msg,
        r#"The Rollout "rollout" is invalid: spec.strategy.blueGreen.activeService: Invalid value: "active-service": service "active-service" not found"#
    );
    let active_only = Objects::default().service("active-service", json!({"app": "x"}));
    assert_eq!(
        err(&bg, &active_only),
        r#"spec.strategy.blueGreen.previewService: Invalid value: "preview-service": service "preview-service" not found"#
    );
    let ping_pong = ro(
        json!({"canary": {"pingPong": {"pingService": "ping", "pongService": "pong"},
        "trafficRouting": {"alb": {"ingress": "ing"}}}}),
    );
    assert_eq!(
        err(&ping_pong, &Objects::default()),
        r#"spec.strategy.canary.pingPong.pingService: Invalid value: "ping": service "ping" not found"#
    );
}

#[test]
fn found_services_are_then_validated() {
    let canary = ro(json!({"canary": {"stableService": "stable"}}));
    let objects = Objects::default().service("stable", json!({"app": "other"}));
    assert_eq!(
        err(&canary, &objects),
        r#"spec.strategy.canary.stableService: Invalid value: "stable": Service "stable" has unmatch label "app" in rollout"#
    );
}

#[test]
fn an_unwatched_kind_is_skipped() {
    let canary = ro(json!({"canary": {"stableService": "stable",
        "trafficRouting": {"nginx": {"stableIngress": "ing"}}}}));
    let objects = Objects {
        unwatched: vec!["service", "ingress"],
        ..Objects::default()
    };
    assert_eq!(err(&canary, &objects), "");
    let refs = referenced_resources(&canary, &objects).expect("no error");
    assert!(refs.service_with_type.is_empty() && refs.ingresses.is_empty());
}

// TestGetReferencedAnalyses
#[test]
fn missing_analysis_templates_of_each_analysis() {
    let cases = [
        (
            json!({"blueGreen": {"activeService": "active-service", "previewService": "preview-service",
                "prePromotionAnalysis": missing_template()}}),
            "spec.strategy.blueGreen.prePromotionAnalysis.templates",
        ),
        (
            json!({"blueGreen": {"activeService": "active-service", "previewService": "preview-service",
                "postPromotionAnalysis": missing_template()}}),
            "spec.strategy.blueGreen.postPromotionAnalysis.templates",
        ),
        (
            json!({"canary": {"analysis": missing_template()}}),
            "spec.strategy.canary.analysis.templates",
        ),
        (
            json!({"canary": {"steps": [{"analysis": missing_template()}]}}),
            "spec.strategy.canary.steps[0].analysis.templates",
        ),
    ];
    for (strategy, path) in cases {
        assert_eq!(
            err(&ro(strategy), &bg_services()),
            format!(
                r#"{path}: Invalid value: "does-not-exist": AnalysisTemplate 'does-not-exist' not found"#
            )
        );
    }
}

#[test]
fn a_missing_service_is_reported_before_a_missing_template() {
    let strategy = json!({"canary": {"stableService": "stable", "analysis": missing_template()}});
    assert_eq!(
        err(&ro(strategy), &Objects::default()),
        r#"spec.strategy.canary.stableService: Invalid value: "stable": service "stable" not found"#
    );
}

// TestGetReferencedClusterAnalysisTemplate
#[test]
fn cluster_analysis_templates() {
    let strategy = json!({"blueGreen": {"activeService": "active-service", "previewService": "preview-service",
        "prePromotionAnalysis": {"templates": [{"templateName": "cluster-analysis-template-name", "clusterScope": true}]}}});
    let rollout = ro(strategy);
    assert_eq!(
        err(&rollout, &bg_services()),
        r#"spec.strategy.blueGreen.prePromotionAnalysis.templates: Invalid value: "cluster-analysis-template-name": ClusterAnalysisTemplate 'cluster-analysis-template-name' not found"#
    );
    let objects = bg_services().cluster_template("cluster-analysis-template-name", &[]);
    assert_eq!(err(&rollout, &objects), "");
    let refs = referenced_resources(&rollout, &objects).expect("found");
    assert_eq!(refs.analysis_templates_with_type.len(), 1);
    assert_eq!(
        refs.analysis_templates_with_type[0].names(),
        ["cluster-analysis-template-name"]
    );
}

// TestGetInnerReferencedAnalysisTemplate
#[test]
fn nested_templates_are_looked_up_and_reported_at_spec_templates() {
    let strategy = json!({"blueGreen": {"activeService": "active-service", "previewService": "preview-service",
        "prePromotionAnalysis": {"templates": [{"templateName": "first", "clusterScope": true}]}}});
    let rollout = ro(strategy);
    let objects = bg_services().cluster_template("first", &[("second", true), ("third", true)]);
    assert_eq!(
        err(&rollout, &objects),
        r#"spec.templates: Invalid value: "second": ClusterAnalysisTemplate 'second' not found"#
    );
    let objects = objects
        .cluster_template("second", &[])
        .cluster_template("third", &[("fourth", true)]);
    assert_eq!(
        err(&rollout, &objects),
        r#"spec.templates: Invalid value: "fourth": ClusterAnalysisTemplate 'fourth' not found"#
    );
    let objects = objects.cluster_template("fourth", &[("second", true)]);
    assert_eq!(err(&rollout, &objects), "");
    let refs = referenced_resources(&rollout, &objects).expect("found");
    assert_eq!(
        refs.analysis_templates_with_type[0].names(),
        ["first", "second", "third", "fourth"],
        "flattened depth-first, duplicates dropped (FilterUniqueTemplates)"
    );
}

#[test]
fn namespaced_templates_may_nest_cluster_templates() {
    let strategy = json!({"canary": {"steps": [{"analysis": {"templates": [{"templateName": "outer"}]}}]}});
    let rollout = ro(strategy);
    let objects = Objects::default().template("outer", &[("inner", true)]);
    assert_eq!(
        err(&rollout, &objects),
        r#"spec.templates: Invalid value: "inner": ClusterAnalysisTemplate 'inner' not found"#
    );
    let objects = objects.cluster_template("inner", &[]);
    let refs = referenced_resources(&rollout, &objects).expect("found");
    let t = &refs.analysis_templates_with_type[0];
    assert_eq!(t.names(), ["outer", "inner"]);
    assert_eq!(t.template_type, AnalysisTemplateType::InlineAnalysis);
}

// TestGetReferencedIngressesALB / ALBMultiIngress / Nginx / NginxMultiIngress
#[test]
fn ingresses_of_alb_and_nginx() {
    let alb = ro(json!({"canary": {"trafficRouting": {"alb": {"ingress": "alb-ingress-name"}}}}));
    assert_eq!(
        err(&alb, &Objects::default()),
        r#"spec.strategy.canary.trafficRouting.alb.ingress: Invalid value: "alb-ingress-name": ingress.extensions "alb-ingress-name" not found"#
    );
    let multi = |router: &str, field: &str| {
        ro(json!({"canary": {"trafficRouting": {router: {field: ["primary", "additional"]}}}}))
    };
    for (router, field, reported) in [
        ("alb", "ingresses", "ingresses"),
        ("nginx", "stableIngresses", "StableIngresses"),
    ] {
        let rollout = multi(router, field);
        let prefix = format!(
            r#"spec.strategy.canary.trafficRouting.{router}.{reported}: Invalid value: ["primary","additional"]: "#
        );
        assert_eq!(
            err(&rollout, &Objects::default()),
            format!(r#"{prefix}ingress.extensions "primary" not found"#)
        );
        let additional = Objects::default().legacy_ingress("additional", "");
        assert_eq!(
            err(&rollout, &additional),
            format!(r#"{prefix}ingress.extensions "primary" not found"#)
        );
        let primary = Objects::default().legacy_ingress("primary", "");
        assert_eq!(
            err(&rollout, &primary),
            format!(r#"{prefix}ingress.extensions "additional" not found"#)
        );
        let both = primary.legacy_ingress("additional", "");
        assert_eq!(
            referenced_resources(&rollout, &both)
                .expect("found")
                .ingresses
                .len(),
            2
        );
    }
    let nginx = ro(json!({"canary": {"stableService": "stable",
        "trafficRouting": {"nginx": {"stableIngress": "nginx-ingress-name"}}}}));
    let objects = Objects::default()
        .service("stable", json!({"app": "x"}))
        .legacy_ingress("nginx-ingress-name", "other");
    assert_eq!(
        err(&nginx, &objects),
        "spec.strategy.canary.trafficRouting.nginx.stableIngress: Invalid value: \"nginx-ingress-name\": ingress `nginx-ingress-name` has no rules using service stable backend",
        "a found ingress is validated"
    );
    let objects = Objects::default()
        .service("stable", json!({"app": "x"}))
        .legacy_ingress("nginx-ingress-name", "stable");
    assert_eq!(err(&nginx, &objects), "");
}

#[test]
fn traffic_configuration_checks_run_between_the_lookups() {
    let both = ro(
        json!({"canary": {"trafficRouting": {"nginx": {"stableIngress": "a", "stableIngresses": ["b"]}}}}),
    );
    assert_eq!(
        err(&both, &Objects::default()),
        "spec.strategy.canary.trafficRouting.nginx: Internal error: Either StableIngress or StableIngresses must be configured. Both are configured."
    );
    let ambassador = ro(json!({"canary": {"trafficRouting": {"ambassador": {"mappings": []}}}}));
    assert_eq!(
        err(&ambassador, &Objects::default()),
        r#"spec.strategy.canary.trafficRouting.ambassador.mappings: Invalid value: "null": must provide at least one mapping"#
    );
    let appmesh = ro(json!({"canary": {"trafficRouting": {"appMesh": {}}}}));
    assert_eq!(
        err(&appmesh, &Objects::default()),
        r#"spec.strategy.canary.trafficRouting.appmesh.virtualService: Invalid value: "null": must provide virtual-service"#
    );
}
