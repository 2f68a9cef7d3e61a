//! Tests ported from Argo's `pkg/apis/rollouts/validation/validation_test.go`: every table case and
//! subtest of the Go file, each test naming its Go test (and the subtest in a comment). Rollouts are
//! written as JSON and decoded, which keeps them close to the Go literals.

use serde_json::{Value, json};

use super::canary::{has_multiple_steps_type, invalid_max_surge_max_unavailable};
use super::messages::*;
use super::rollout::{validate_rollout_strategy_anti_affinity, validate_rollout_strategy_blue_green};
use super::*;
use crate::rollout::{AntiAffinity, CanaryStep};

#[path = "tests_routes.rs"]
mod routes;

fn ro(value: Value) -> Rollout {
    serde_json::from_value(crate::decode::go_like_root(value)).expect("test rollout")
}

fn root() -> FieldPath {
    FieldPath::new(&[""])
}

fn canary_errors(rollout: &Rollout) -> Vec<FieldError> {
    validate_rollout_strategy_canary(rollout, &root())
}

fn first_detail(errs: &[FieldError]) -> &str {
    errs.first().map_or("<no error>", |e| e.detail.as_str())
}

/// The rollout of `TestValidateRollout`: a canary with a valid selector and template.
fn valid_rollout() -> Value {
    json!({"spec": {
        "selector": {"matchLabels": {"key": "value"}},
        "strategy": {"canary": {}},
        "template": {"metadata": {"labels": {"key": "value"}},
                     "spec": {"containers": [{"image": "foo", "name": "image-name", "resources": {}}]}}
    }})
}

fn with(mut base: Value, pointer: &str, value: Value) -> Value {
    let (parent, key) = pointer.rsplit_once('/').expect("pointer");
    let target = base.pointer_mut(parent).expect("parent exists");
    if value.is_null() {
        target.as_object_mut().expect("object").remove(key);
    } else {
        target[key] = value;
    }
    base
}

#[test]
fn go_test_validate_rollout() {
    // "missing selector"
    let errs = validate_rollout(&ro(with(valid_rollout(), "/spec/selector", Value::Null)));
    assert_eq!(first_detail(&errs), missing_field(".spec.selector"));
    // "empty selector"
    let errs = validate_rollout(&ro(with(valid_rollout(), "/spec/selector", json!({}))));
    assert_eq!(first_detail(&errs), "empty selector is invalid for deployment");
    assert_eq!(
        errs[0].to_string(),
        "spec.selector: Invalid value: {}: empty selector is invalid for deployment"
    );
    // "invalid progressDeadlineSeconds"
    let errs = validate_rollout(&ro(with(valid_rollout(), "/spec/minReadySeconds", json!(601))));
    assert_eq!(errs[0].field, "spec.progressDeadlineSeconds");
    assert_eq!(first_detail(&errs), "must be greater than minReadySeconds");
    // "successful run"
    let bg = with(
        valid_rollout(),
        "/spec/strategy",
        json!({"blueGreen": {"activeService": "active", "previewService": "preview"}}),
    );
    assert_eq!(validate_rollout(&ro(bg)), vec![]);
    // "privileged container"
    let privileged = with(
        valid_rollout(),
        "/spec/template/spec/containers/0/securityContext",
        json!({"privileged": true}),
    );
    assert_eq!(validate_rollout(&ro(privileged)), vec![]);
}

#[test]
fn go_test_validate_rollout_strategy() {
    let mut rollout = Rollout::default();
    let errs = validate_rollout_strategy(&rollout, &root());
    assert_eq!(
        first_detail(&errs),
        missing_field(".spec.strategy.canary or .spec.strategy.blueGreen")
    );
    rollout.spec.strategy.blue_green = Some(Default::default());
    rollout.spec.strategy.canary = Some(Default::default());
    let errs = validate_rollout_strategy(&rollout, &root());
    assert_eq!(first_detail(&errs), INVALID_STRATEGY_MESSAGE);
    // Argo reports both at spec.strategy.strategy.
    let errs = validate_rollout_strategy(&rollout, &FieldPath::new(&["spec", "strategy"]));
    assert_eq!(
        errs[0].to_string(),
        "spec.strategy.strategy: Invalid value: \"blueGreen: true canary: true\": Multiple Strategies can not be listed"
    );
}

#[test]
fn go_test_validate_rollout_strategy_blue_green() {
    let rollout = ro(json!({"spec": {"strategy": {"blueGreen": {
        "previewService": "service-name", "activeService": "service-name",
        "scaleDownDelayRevisionLimit": 11, "autoPromotionSeconds": 30}}}}));
    let errs =
        validate_rollout_strategy_blue_green(&rollout, &FieldPath::new(&["spec", "strategy", "blueGreen"]));
    assert_eq!(errs.len(), 2);
    assert_eq!(errs[0].detail, DUPLICATED_SERVICES_BLUE_GREEN_MESSAGE);
    assert_eq!(errs[1].detail, SCALE_DOWN_LIMIT_LARGER_THAN_REVISION_LIMIT);
}

#[test]
fn go_test_validate_rollout_strategy_canary_missing_service_names() {
    let dr = json!({"destinationRule": {"name": "destination-rule"}});
    let plugin = json!({"some-plugin": {"key": "value"}});
    let cases = [
        ("ALB", json!({"alb": {"rootService": "root-service"}})),
        ("Istio", json!({"istio": {}})),
        ("SMI", json!({"smi": {}})),
        ("Apisix", json!({"apisix": {}})),
        ("Ambassador", json!({"ambassador": {}})),
        ("Nginx", json!({"nginx": {}})),
        ("AppMesh", json!({"appMesh": {}})),
        ("Traefik", json!({"traefik": {}})),
        (
            "Traefik and Istio Subset Routing",
            json!({"traefik": {}, "istio": dr}),
        ),
        (
            "AppMesh and external plugin(doesnt require service names)",
            json!({"appMesh": {}, "plugins": plugin}),
        ),
        (
            "Apisix, Istio Subset Routing and external plugin(doesnt require service names)",
            json!({"apisix": {}, "istio": dr, "plugins": plugin}),
        ),
    ];
    for (name, tr) in cases {
        let rollout = ro(
            json!({"spec": {"strategy": {"canary": {"steps": [{"setWeight": 10}], "trafficRouting": tr}}}}),
        );
        assert_eq!(
            first_detail(&canary_errors(&rollout)),
            INVALID_TRAFFIC_ROUTING_MESSAGE,
            "{name}"
        );
    }
}

/// The canary of `TestValidateRolloutStrategyCanary` (one empty step, ALB routing).
fn canary_base() -> Value {
    json!({"spec": {"strategy": {"canary": {
        "canaryService": "canary", "stableService": "stable",
        "trafficRouting": {"alb": {"rootService": "root-service"}},
        "steps": [{}]}}}})
}

const C: &str = "/spec/strategy/canary";

fn canary_with(changes: &[(&str, Value)]) -> Rollout {
    let mut value = canary_base();
    for (pointer, v) in changes {
        value = with(value, &format!("{C}{pointer}"), v.clone());
    }
    ro(value)
}

#[test]
fn go_test_validate_rollout_strategy_canary() {
    let w10 = ("/steps/0/setWeight", json!(10));
    let no_services = [("/canaryService", Value::Null), ("/stableService", Value::Null)];
    let dr = json!({"destinationRule": {"name": "destination-rule"}});
    let ping_pong = json!({"pingService": "ping", "pongService": "pong"});
    // "valid rollout"
    assert_eq!(canary_errors(&canary_with(std::slice::from_ref(&w10))), vec![]);
    // "valid plugin missing canary and stable service"
    let mut c = vec![w10.clone(), no_services[0].clone(), no_services[1].clone()];
    c.push((
        "/trafficRouting",
        json!({"plugins": {"some-plugin": {"key": "value"}}}),
    ));
    assert_eq!(canary_errors(&canary_with(&c)), vec![]);
    // "valid Istio missing canary and stable service"
    let mut c = vec![w10.clone(), no_services[0].clone(), no_services[1].clone()];
    c.push(("/trafficRouting", json!({"istio": dr})));
    assert_eq!(canary_errors(&canary_with(&c)), vec![]);
    // "valid Istio with ping pong"
    c.push(("/pingPong", ping_pong.clone()));
    assert_eq!(canary_errors(&canary_with(&c)), vec![]);
    // "valid PingPong missing canary and stable service"
    let c = [
        w10.clone(),
        no_services[0].clone(),
        no_services[1].clone(),
        ("/pingPong", ping_pong.clone()),
    ];
    assert_eq!(canary_errors(&canary_with(&c)), vec![]);
    // "valid two plugins missing canary and stable service" (ALB and Istio with a DestinationRule)
    let mut c = c.to_vec();
    c.push(("/trafficRouting/istio", dr.clone()));
    assert_eq!(canary_errors(&canary_with(&c)), vec![]);
    // "invalid two plugins missing canary and stable service"
    let c = [
        w10.clone(),
        no_services[0].clone(),
        no_services[1].clone(),
        (
            "/trafficRouting",
            json!({"istio": {}, "plugins": {"some-plugin": {"key": "value"}}}),
        ),
    ];
    assert_eq!(
        first_detail(&canary_errors(&canary_with(&c))),
        INVALID_TRAFFIC_ROUTING_MESSAGE
    );
    // "duplicate services"
    let errs = canary_errors(&canary_with(&[("/canaryService", json!("stable"))]));
    assert_eq!(first_detail(&errs), DUPLICATED_SERVICES_CANARY_MESSAGE);
    // "duplicate ping pong services"
    let errs = canary_errors(&canary_with(&[(
        "/pingPong",
        json!({"pingService": "ping", "pongService": "ping"}),
    )]));
    assert_eq!(first_detail(&errs), DUPLICATED_PING_PONG_SERVICES_MESSAGE);
    // "ping services using only"
    let errs = canary_errors(&canary_with(&[(
        "/pingPong",
        json!({"pingService": "ping", "pongService": ""}),
    )]));
    assert_eq!(first_detail(&errs), INVALID_PING_PONG_PROVIDED_MESSAGE);
    // "pong service using only"
    let errs = canary_errors(&canary_with(&[(
        "/pingPong",
        json!({"pingService": "", "pongService": "pong"}),
    )]));
    assert_eq!(first_detail(&errs), INVALID_PING_PONG_PROVIDED_MESSAGE);
    // "missed ALB root service for the ping-pong feature"
    let errs = canary_errors(&canary_with(&[
        ("/pingPong", ping_pong.clone()),
        ("/trafficRouting", json!({"alb": {"rootService": ""}})),
    ]));
    assert_eq!(first_detail(&errs), MISSED_ALB_ROOT_SERVICE_MESSAGE);
    // "ping-pong feature without the ALB traffic routing"
    let errs = canary_errors(&canary_with(&[
        ("/pingPong", ping_pong.clone()),
        (
            "/trafficRouting",
            json!({"nginx": {"stableIngress": "stable-ingress"}}),
        ),
    ]));
    assert_eq!(first_detail(&errs), PING_PONG_WITH_ROUTER_ONLY_MESSAGE);
    assert_eq!(
        errs[0].to_string(),
        format!("[].trafficRouting.alb: Invalid value: null: {PING_PONG_WITH_ROUTER_ONLY_MESSAGE}")
    );
    // "ping-pong feature with plugin-based traffic routing is valid"
    let errs = canary_errors(&canary_with(&[
        w10.clone(),
        ("/pingPong", ping_pong.clone()),
        ("/trafficRouting", json!({"plugins": {"my-org/my-plugin": {}}})),
    ]));
    assert_eq!(errs, vec![]);
    // "invalid traffic routing"
    let errs = canary_errors(&canary_with(&[("/canaryService", Value::Null)]));
    assert_eq!(first_detail(&errs), INVALID_TRAFFIC_ROUTING_MESSAGE);
    // "invalid setCanaryScale without trafficRouting"
    let errs = canary_errors(&canary_with(&[
        ("/steps/0/setCanaryScale", json!({})),
        ("/trafficRouting", Value::Null),
    ]));
    assert_eq!(first_detail(&errs), INVALID_SET_CANARY_SCALE_TRAFFIC_POLICY);
    // "invalid canary step"
    assert_eq!(
        first_detail(&canary_errors(&canary_with(&[]))),
        INVALID_STEP_MESSAGE
    );
    // "invalid set weight value"
    let errs = canary_errors(&canary_with(&[("/steps/0/setWeight", json!(101))]));
    assert_eq!(first_detail(&errs), invalid_set_weight(100));
    // "only nginx/plugins support max weight value" (3 cases)
    let max_weight_cases = [
        (
            json!({"alb": {"rootService": "root-service"}, "maxTrafficWeight": 1}),
            Some(INVALID_CANARY_MAX_WEIGHT_ONLY_SUPPORT_IN_NGINX_AND_PLUGINS),
        ),
        (
            json!({"nginx": {"stableIngress": "stable-ingress"}, "maxTrafficWeight": 1}),
            None,
        ),
        (
            json!({"plugins": {"anyplugin": {"key": "value"}}, "maxTrafficWeight": 1}),
            None,
        ),
    ];
    for (tr, expected) in max_weight_cases {
        let errs = canary_errors(&canary_with(&[
            ("/steps/0/setWeight", json!(1)),
            ("/trafficRouting", tr),
        ]));
        match expected {
            Some(detail) => assert_eq!(first_detail(&errs), detail),
            None => assert_eq!(errs, vec![]),
        }
    }
    // "invalid duration set in paused step"
    let errs = canary_errors(&canary_with(&[("/steps/0/pause", json!({"duration": -1}))]));
    assert_eq!(first_detail(&errs), INVALID_DURATION_MESSAGE);
    let invalid_args = json!([
        {"name": "metadata.labels['app']", "valueFrom": {"fieldRef": {"fieldPath": "metadata.label['app']"}}},
        {"name": "value-key", "value": "hardcoded-value"}
    ]);
    // "invalid metadata references in analysis step"
    let errs = canary_errors(&canary_with(&[(
        "/steps/0/analysis",
        json!({"args": invalid_args}),
    )]));
    assert_eq!(first_detail(&errs), INVALID_ANALYSIS_ARGS_MESSAGE);
    // "invalid metadata references in experiment step"
    let errs = canary_errors(&canary_with(&[(
        "/steps/0/experiment",
        json!({"analyses": [{"args": invalid_args}]}),
    )]));
    assert_eq!(first_detail(&errs), INVALID_ANALYSIS_ARGS_MESSAGE);
}

#[test]
fn go_test_validate_rollout_strategy_anti_affinity() {
    let path = FieldPath::new(&["antiAffinity"]);
    let errs = validate_rollout_strategy_anti_affinity(Some(&AntiAffinity::default()), &path);
    assert_eq!(first_detail(&errs), INVALID_ANTI_AFFINITY_STRATEGY_MESSAGE);
    let aa: AntiAffinity =
        serde_json::from_value(json!({"preferredDuringSchedulingIgnoredDuringExecution": {"weight": 101}}))
            .expect("aa");
    let errs = validate_rollout_strategy_anti_affinity(Some(&aa), &path);
    assert_eq!(first_detail(&errs), INVALID_ANTI_AFFINITY_WEIGHT_MESSAGE);
    assert_eq!(
        errs[0].to_string(),
        format!("antiAffinity.weight: Invalid value: 101: {INVALID_ANTI_AFFINITY_WEIGHT_MESSAGE}")
    );
}

#[test]
fn go_test_invalid_max_surge_max_unavailable() {
    let cases = [
        (json!(0), json!(0)),
        (json!("0"), json!(0)),
        (json!("0%"), json!(0)),
        (json!(0), json!("0")),
        (json!(0), json!("0%")),
        (json!("0"), json!("0")),
        (json!("0%"), json!("0%")),
    ];
    for (surge, unavailable) in cases {
        let rollout =
            ro(json!({"spec": {"strategy": {"canary": {"maxSurge": surge, "maxUnavailable": unavailable}}}}));
        let errs = invalid_max_surge_max_unavailable(&rollout, &FieldPath::new(&[]));
        assert_eq!(
            first_detail(&errs),
            INVALID_MAX_SURGE_MAX_UNAVAILABLE,
            "{surge} {unavailable}"
        );
    }
    let rollout = ro(json!({"spec": {"strategy": {"canary": {"maxSurge": "0%", "maxUnavailable": "25"}}}}));
    assert_eq!(
        invalid_max_surge_max_unavailable(&rollout, &FieldPath::new(&[])),
        vec![]
    );
}

#[test]
fn go_test_has_multiple_steps_type() {
    let mut step: CanaryStep = serde_json::from_value(json!({"setWeight": 1})).expect("step");
    assert_eq!(has_multiple_steps_type(&step, &root()), vec![]);
    step.pause = serde_json::from_value(json!({"duration": 1})).expect("pause");
    let errs = has_multiple_steps_type(&step, &root());
    assert_eq!(first_detail(&errs), INVALID_STEP_MESSAGE);
    assert_eq!(
        errs[0].bad_value,
        BadValue::Str(
            "step.Experiment: false step.Pause: true step.SetWeight: true step.Analysis: false".into()
        )
    );
}

fn services_rollout(canary_extra: Value) -> Value {
    let mut base = valid_rollout();
    let mut canary = json!({"stableService": "stable", "canaryService": "canary"});
    if let (Some(c), Value::Object(extra)) = (canary.as_object_mut(), canary_extra) {
        c.extend(extra);
    }
    base["spec"]["strategy"] = json!({"canary": canary});
    base
}

#[test]
fn go_test_canary_scale_down_delay_seconds() {
    // "scaleDownDelaySeconds with basic canary"
    let errs = validate_rollout(&ro(services_rollout(json!({"scaleDownDelaySeconds": 60}))));
    assert_eq!(
        errs[0].to_string(),
        format!("spec.strategy.scaleDownDelaySeconds: Invalid value: 60: {INVALID_CANARY_SCALE_DOWN_DELAY}")
    );
    // "scaleDownDelaySeconds with traffic weight canary"
    let errs = validate_rollout(&ro(services_rollout(
        json!({"scaleDownDelaySeconds": 60, "trafficRouting": {"smi": {}}}),
    )));
    assert_eq!(errs, vec![]);
}

#[test]
fn go_test_canary_dynamic_stable_scale() {
    // "dynamicStableScale with basic canary"
    let errs = validate_rollout(&ro(services_rollout(json!({"dynamicStableScale": true}))));
    assert_eq!(
        errs[0].to_string(),
        format!(
            "spec.strategy.dynamicStableScale: Invalid value: true: {INVALID_CANARY_DYNAMIC_STABLE_SCALE}"
        )
    );
    // "dynamicStableScale with scaleDownDelaySeconds"
    let errs = validate_rollout(&ro(services_rollout(
        json!({"dynamicStableScale": true, "scaleDownDelaySeconds": 60, "trafficRouting": {"smi": {}}}),
    )));
    assert_eq!(
        errs[0].to_string(),
        format!(
            "spec.strategy.dynamicStableScale: Invalid value: true: {INVALID_CANARY_DYNAMIC_STABLE_SCALE_WITH_SCALE_DOWN_DELAY}"
        )
    );
}

#[test]
fn go_test_workload_ref_with_template() {
    let base = json!({"spec": {
        "workloadRef": {"name": "my-deployment", "kind": "Deployment", "apiVersion": "apps/v1"},
        "selector": {"matchLabels": {"key": "value"}},
        "strategy": {"canary": {"stableService": "stable", "canaryService": "canary"}},
        "template": {"metadata": {"labels": {"key": "value"}}}}});
    // "workload reference with template"
    let errs = validate_rollout(&ro(base.clone()));
    assert_eq!(errs.len(), 1);
    assert_eq!(
        errs[0].to_string(),
        "spec.template: Internal error: template must be empty for workload reference rollout"
    );
    // "valid workload reference with selector"
    let no_template = with(base, "/spec/template", Value::Null);
    assert_eq!(validate_rollout(&ro(no_template.clone())), vec![]);
    // "valid workload reference without selector"
    assert_eq!(
        validate_rollout(&ro(with(no_template, "/spec/selector", Value::Null))),
        vec![]
    );
}

#[test]
fn go_test_canary_experiment_step_with_weight() {
    let rollout = |tr: Option<Value>| {
        let mut canary = json!({"canaryService": "canary", "stableService": "stable",
            "steps": [{"experiment": {"templates": [{"name": "template", "weight": 20}]}}]});
        if let Some(tr) = tr {
            canary["trafficRouting"] = tr;
        }
        ro(json!({"spec": {"strategy": {"canary": canary}}}))
    };
    // "invalid - no TrafficRouting set"
    let errs = canary_errors(&rollout(None));
    assert_eq!(errs.len(), 1);
    assert_eq!(
        errs[0].detail,
        INVALID_CANARY_EXPERIMENT_TEMPLATE_WEIGHT_WITHOUT_TRAFFIC_ROUTING
    );
    let unsupported = [
        ("invalid - empty TrafficRouting", json!({})),
        (
            "unsupported - Nginx TrafficRouting",
            json!({"nginx": {"stableIngress": "nginx-ingress"}}),
        ),
        (
            "unsupported - Ambassador TrafficRouting",
            json!({"ambassador": {"mappings": ["stable-mapping"]}}),
        ),
        ("unsupported - AppMesh TrafficRouting", json!({"appMesh": {}})),
    ];
    for (name, tr) in unsupported {
        let errs = canary_errors(&rollout(Some(tr)));
        assert_eq!(errs.len(), 1, "{name}");
        assert_eq!(
            errs[0].detail, INVALID_EXPERIMENT_TEMPLATE_WEIGHT_ROUTER,
            "{name}"
        );
    }
    let supported = [
        (
            "unsupported - Istio TrafficRouting",
            json!({"istio": {"virtualService": {"name": "virtualSvc"}}}),
        ),
        ("success - SMI TrafficRouting", json!({"smi": {}})),
        ("success - ALB TrafficRouting", json!({"alb": {}})),
        ("success - Plugins", json!({"plugins": {"any/plugin": {}}})),
    ];
    for (name, tr) in supported {
        assert_eq!(canary_errors(&rollout(Some(tr))), vec![], "{name}");
    }
}

#[test]
fn invalid_spec_condition_message() {
    let errs = validate_rollout(&Rollout::default());
    assert_eq!(
        invalid_spec_message("guestbook", &errs[0]),
        "The Rollout \"guestbook\" is invalid: spec.selector: Required value: Rollout has missing field '.spec.selector'"
    );
}

#[test]
fn every_error_is_reported() {
    let rollout = ro(json!({"spec": {"replicas": -1, "minReadySeconds": -1,
        "strategy": {"canary": {"maxSurge": 0, "maxUnavailable": 0, "steps": [{"setWeight": 200}]}}}}));
    let rendered: Vec<String> = validate_rollout(&rollout)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        rendered,
        vec![
            "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
            "spec.selector: Required value: Rollout has missing field '.spec.selector'",
            "spec.template.metadata.labels: Invalid value: null: `selector` does not match template `labels`",
            "spec.template.spec.containers: Required value",
            "spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0",
            "spec.strategy.maxSurge: Invalid value: 0: MaxSurge and MaxUnavailable both can not be zero",
            "spec.strategy.steps[0].setWeight: Invalid value: 200: SetWeight needs to be between 0 and 100",
        ]
    );
}
