//! The header- and mirror-route step tests of `validation_test.go` (a child of [`super`], whose helpers
//! they use).

use super::*;

fn services_canary(extra: Value) -> Value {
    let mut canary = json!({"canaryService": "canary", "stableService": "stable"});
    if let (Some(c), Value::Object(extra)) = (canary.as_object_mut(), extra) {
        c.extend(extra);
    }
    json!({"spec": {"strategy": {"canary": canary}}})
}

#[test]
fn go_test_validate_rollout_strategy_canary_set_header_route() {
    // "using SetHeaderRoute step without the traffic routing"
    let rollout = ro(services_canary(json!({"steps": [{"setHeaderRoute": {"match": [
        {"headerName": "agent", "headerValue": {"exact": "chrome"}}]}}]})));
    assert_eq!(
        first_detail(&canary_errors(&rollout)),
        INVALID_SET_HEADER_ROUTE_TRAFFIC_POLICY
    );
}

#[test]
fn go_test_validate_rollout_strategy_canary_set_header_route_plugins() {
    // "using SetHeaderRoute step with plugins"
    let rollout = ro(services_canary(json!({
        "steps": [{"setHeaderRoute": {"name": "test", "match": [{"headerName": "agent", "headerValue": {"exact": "chrome"}}]}}],
        "trafficRouting": {"managedRoutes": [{"name": "test"}], "plugins": {"anyplugin": {"key": "value"}}}})));
    assert_eq!(canary_errors(&rollout), vec![]);
}

#[test]
fn go_test_validate_rollout_strategy_canary_set_mirror_route() {
    // "using SetMirrorRoute step without the traffic routing"
    let rollout = ro(services_canary(
        json!({"steps": [{"setMirrorRoute": {"name": "test-mirror-1"}}]}),
    ));
    assert_eq!(
        first_detail(&canary_errors(&rollout)),
        INVALID_SET_MIRROR_ROUTE_TRAFFIC_POLICY
    );
}

#[test]
fn go_test_validate_rollout_strategy_canary_set_mirror_route_plugins() {
    // "using SetMirrorRoute step with plugins"
    let rollout = ro(services_canary(json!({
        "steps": [{"setMirrorRoute": {"name": "test-mirror-1", "percentage": 50,
                   "match": [{"method": {"exact": "GET"}, "path": {"prefix": "/api"}}]}}],
        "trafficRouting": {"managedRoutes": [{"name": "test-mirror-1"}], "plugins": {"anyplugin": {"key": "value"}}}})));
    assert_eq!(canary_errors(&rollout), vec![]);
}

fn istio_canary(steps: Value, managed: Option<Value>) -> Rollout {
    let mut tr = json!({"istio": {"virtualService": {"name": "virtual-service"}}});
    if let Some(m) = managed {
        tr["managedRoutes"] = m;
    }
    ro(services_canary(json!({"trafficRouting": tr, "steps": steps})))
}

#[test]
fn go_test_validate_rollout_strategy_canary_set_header_route_istio() {
    // "using SetHeaderRoute step with multiple values"
    let steps = json!([{"setHeaderRoute": {"match": [{"headerName": "agent", "headerValue": {"exact": "chrome", "regex": "chrome(.*)"}}]}}]);
    assert_eq!(
        first_detail(&canary_errors(&istio_canary(steps, None))),
        INVALID_STRING_MATCH_MULTIPLE_VALUE_POLICY
    );
    // "using SetHeaderRoute step with missed values"
    let steps = json!([{"setHeaderRoute": {"match": [{"headerName": "agent"}]}}]);
    let errs = canary_errors(&istio_canary(steps, None));
    assert_eq!(first_detail(&errs), INVALID_STRING_MATCH_MISSED_VALUE_POLICY);
    assert_eq!(
        errs[0].to_string(),
        format!(
            "[].steps[0].setHeaderRoute.match[0]: Invalid value: null: {INVALID_STRING_MATCH_MISSED_VALUE_POLICY}"
        )
    );
    // "using SetHeaderRoute step without managedRoutes defined but missing route"
    let steps =
        json!([{"setHeaderRoute": {"match": [{"headerName": "agent", "headerValue": {"exact": "exact"}}]}}]);
    let errs = canary_errors(&istio_canary(steps, Some(json!([{"name": "not-in-steps"}]))));
    assert_eq!(
        first_detail(&errs),
        INVALID_STEP_ROUTE_NAME_NOT_FOUND_IN_MANAGED_ROUTES
    );
}

#[test]
fn go_test_validate_rollout_strategy_canary_set_header_routing_alb() {
    let alb = |steps: Value| {
        ro(services_canary(
            json!({"trafficRouting": {"alb": {"rootService": "action_name"}}, "steps": steps}),
        ))
    };
    // "using SetHeaderRouting step with multiple values"
    let steps = json!([{"setHeaderRoute": {"match": [{"headerName": "agent", "headerValue": {"exact": "chrome", "regex": "chrome(.*)"}}]}}]);
    let errs = canary_errors(&alb(steps));
    assert_eq!(first_detail(&errs), INVALID_SET_HEADER_ROUTE_ALB_VALUE_POLICY);
    assert_eq!(
        errs[0].error_body(),
        format!(
            "Invalid value: {{\"exact\":\"chrome\",\"regex\":\"chrome(.*)\"}}: {INVALID_SET_HEADER_ROUTE_ALB_VALUE_POLICY}"
        )
    );
    // "using SetHeaderRouting step with missed values"
    let steps = json!([{"setHeaderRoute": {"match": [{"headerName": "agent"}]}}]);
    assert_eq!(
        first_detail(&canary_errors(&alb(steps))),
        INVALID_STRING_MATCH_MISSED_VALUE_POLICY
    );
    // "using SetHeaderRouting step with invalid ALB match value"
    let steps = json!([{"setHeaderRoute": {"match": [{"headerName": "agent", "headerValue": {"prefix": "chrome"}}]}}]);
    assert_eq!(
        first_detail(&canary_errors(&alb(steps))),
        INVALID_SET_HEADER_ROUTE_ALB_VALUE_POLICY
    );
}

#[test]
fn go_test_validate_rollout_strategy_canary_set_mirror_route_istio() {
    // "using SetMirrorRoute step without the traffic routing"
    let rollout = ro(services_canary(
        json!({"steps": [{"setMirrorRoute": {"name": "test-mirror-1"}}]}),
    ));
    assert_eq!(
        first_detail(&canary_errors(&rollout)),
        INVALID_SET_MIRROR_ROUTE_TRAFFIC_POLICY
    );
    // "using SetMirrorRoute step with multiple values"
    let steps = json!([{"setMirrorRoute": {"name": "test-mirror-1", "match": [{"method": {"exact": "test", "prefix": "test"}}]}}]);
    let errs = canary_errors(&istio_canary(steps, None));
    assert_eq!(first_detail(&errs), INVALID_STRING_MATCH_MULTIPLE_VALUE_POLICY);
    // Argo checks the method twice.
    assert_eq!(
        errs.iter()
            .filter(|e| e.detail == INVALID_STRING_MATCH_MULTIPLE_VALUE_POLICY)
            .count(),
        2
    );
    // "using SetMirrorRoute step with missed match and no kind"
    let steps = json!([{"setMirrorRoute": {"name": "test-mirror-1", "match": [{"method": {}}]}}]);
    assert_eq!(
        first_detail(&canary_errors(&istio_canary(steps, None))),
        INVALID_STRING_MATCH_MISSED_VALUE_POLICY
    );
    // "using SetMirrorRoute step without managedRoutes not defined"
    let steps =
        json!([{"setMirrorRoute": {"name": "test-mirror-1", "match": [{"method": {"exact": "exact"}}]}}]);
    let errs = canary_errors(&istio_canary(steps, None));
    assert_eq!(
        first_detail(&errs),
        missing_field("spec.strategy.canary.trafficRouting.managedRoutes")
    );
    assert_eq!(errs[0].field, "[].trafficRouting.managedRoutes");
    let get_root = json!([{"setMirrorRoute": {"name": "test-mirror-1",
        "match": [{"method": {"exact": "GET"}, "path": {"prefix": "/"}}]}}]);
    // "using SetMirrorRoute step without managedRoutes defined but missing route"
    let errs = canary_errors(&istio_canary(
        get_root.clone(),
        Some(json!([{"name": "not-in-steps"}])),
    ));
    assert_eq!(
        first_detail(&errs),
        INVALID_STEP_ROUTE_NAME_NOT_FOUND_IN_MANAGED_ROUTES
    );
    // "using SetMirrorRoute step with managedRoutes defined"
    let errs = canary_errors(&istio_canary(get_root, Some(json!([{"name": "test-mirror-1"}]))));
    assert_eq!(errs, vec![]);
}
