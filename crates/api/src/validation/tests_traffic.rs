//! The VirtualService, Ambassador and App Mesh tests of `validation_references_test.go` (a child of
//! [`super`], whose helpers they use).

use super::*;

fn vsvc(routes_key: &str, routes: &str) -> Value {
    yaml(&format!(
        "apiVersion: networking.istio.io/v1alpha3\nkind: VirtualService\nmetadata:\n  name: istio-vsvc\n  namespace: default\nspec:\n  gateways:\n  - istio-rollout-gateway\n  hosts:\n  - istio-rollout.dev.argoproj.io\n  {routes_key}{routes}"
    ))
}

fn http_routes(stable: &str) -> Value {
    let route = format!(
        "    route:\n    - destination:\n        host: '{stable}'\n      weight: 100\n    - destination:\n        host: canary\n      weight: 0\n"
    );
    vsvc(
        "http:\n",
        &format!("  - name: primary\n{route}  - name: secondary\n{route}"),
    )
}

fn tls_routes(stable: &str) -> Value {
    vsvc(
        "tls:\n",
        &format!(
            "  - match:\n    - port: 443\n      sniHosts:\n      - 'istio-rollout.dev.argoproj.io'\n    route:\n    - destination:\n        host: {stable}\n      weight: 100\n    - destination:\n        host: canary\n      weight: 0\n"
        ),
    )
}

fn tcp_routes(stable: &str) -> Value {
    vsvc(
        "tcp:\n",
        &format!(
            "  - match:\n    - port: 443\n    route:\n    - destination:\n        host: {stable}\n      weight: 100\n    - destination:\n        host: canary\n      weight: 0\n"
        ),
    )
}

#[test]
fn go_test_validate_virtual_service() {
    let rollout = ro(
        json!({"spec": {"strategy": {"canary": {"stableService": "stable", "canaryService": "canary",
        "trafficRouting": {"istio": {"virtualService": {"name": "istio-vsvc", "routes": ["primary", "secondary"]}}}}}}}),
    );
    let without_istio = ro(
        json!({"spec": {"strategy": {"canary": {"stableService": "stable", "canaryService": "canary",
        "trafficRouting": {}}}}}),
    );
    let at = "spec.strategy.canary.trafficRouting.istio.virtualService.name: Invalid value: \"istio-vsvc\": ";
    let one = |obj: &Value| -> Vec<String> {
        validate_virtual_service(&rollout, obj)
            .iter()
            .map(ToString::to_string)
            .collect()
    };
    let stable_missing = "Error: Stable Service 'stable' not found in route";
    // HTTP / TLS / TCP routes: success and failure
    assert_eq!(one(&http_routes("stable")), Vec::<String>::new());
    assert_eq!(
        one(&http_routes("not-stable")),
        vec![format!(
            "{at}Istio VirtualService has invalid HTTP routes. {stable_missing}"
        )]
    );
    assert_eq!(one(&tls_routes("stable")), Vec::<String>::new());
    assert_eq!(
        one(&tls_routes("not-stable")),
        vec![format!(
            "{at}Istio VirtualService has invalid TLS routes. {stable_missing}"
        )]
    );
    assert_eq!(one(&tcp_routes("stable")), Vec::<String>::new());
    assert_eq!(
        one(&tcp_routes("not-stable")),
        vec![format!(
            "{at}Istio VirtualService has invalid TCP routes. {stable_missing}"
        )]
    );
    // "validate virtualService no routes - failure"
    assert_eq!(
        one(&vsvc("", "")),
        vec![format!(
            "{at}Unable to get any of the HTTP, TCP or TLS routes for the Istio VirtualService"
        )]
    );
    // "validate virtualService invalid http/tls/tcp routes - failure"
    for (key, kind) in [("http", "HTTP"), ("tls", "TLS"), ("tcp", "TCP")] {
        let obj = vsvc(&format!("{key}:\n"), "    - invalid-structure\n");
        assert_eq!(
            one(&obj),
            vec![format!(
                "{at}Unable to get {kind} routes for Istio VirtualService"
            )]
        );
    }
    // "validate virtualService invalid tcp routes - failure" (a rollout without Istio routing)
    let errs = validate_virtual_service(&without_istio, &tcp_routes("stable"));
    assert_eq!(
        errs[0].to_string(),
        "spec.strategy.canary.trafficRouting.istio: Invalid value: \"\": Rollout object is not configured with Istio traffic routing"
    );
}

#[test]
fn go_test_validate_virtual_services() {
    let rollout = ro(
        json!({"spec": {"strategy": {"canary": {"stableService": "stable", "canaryService": "canary",
        "trafficRouting": {"istio": {"virtualServices": [{"name": "istio-vsvc", "routes": ["primary", "secondary"]}]}}}}}}),
    );
    assert_eq!(validate_virtual_service(&rollout, &http_routes("stable")), vec![]);
    let errs = validate_virtual_service(&rollout, &http_routes("not-stable"));
    assert_eq!(errs.len(), 1);
    assert_eq!(
        errs[0].to_string(),
        "spec.strategy.canary.trafficRouting.istio.virtualServices.name: Invalid value: \"istio-vsvc\": Istio VirtualService has invalid HTTP routes. Error: Stable Service 'stable' not found in route"
    );
}

#[test]
fn go_test_validate_rollout_virtual_services_config() {
    let expected = Some("spec.strategy.canary.trafficRouting.istio: Internal error: either VirtualService or VirtualServices must be configured".to_owned());
    let check = |istio: Value| {
        validate_rollout_virtual_services_config(&ro(
            json!({"spec": {"strategy": {"canary": {"trafficRouting": {"istio": istio}}}}}),
        ))
        .map(|e| e.to_string())
    };
    // "validate No virtualService configured - fail"
    assert_eq!(check(json!({})), expected);
    // "validate both virtualService configured - fail"
    assert_eq!(
        check(
            json!({"virtualService": {"name": "istio-vsvc1-name"}, "virtualServices": [{"name": "istio-vsvc1-name"}]})
        ),
        expected
    );
    // "validate either virtualService or virtualServices configured - pass"
    assert_eq!(
        check(json!({"virtualService": {"name": "istio-vsvc1-name"}})),
        None
    );
}

#[test]
fn go_test_get_analysis_template_with_type_field_path() {
    let path = |t| analysis_template_with_type_field_path(t, 0).map(|p| p.to_string());
    assert_eq!(
        path(AnalysisTemplateType::PrePromotionAnalysis).as_deref(),
        Some("spec.strategy.blueGreen.prePromotionAnalysis.templates")
    );
    assert_eq!(
        path(AnalysisTemplateType::PostPromotionAnalysis).as_deref(),
        Some("spec.strategy.blueGreen.postPromotionAnalysis.templates")
    );
    assert_eq!(
        path(AnalysisTemplateType::InlineAnalysis).as_deref(),
        Some("spec.strategy.canary.steps[0].analysis.templates")
    );
}

#[test]
fn go_test_get_service_with_type_field_path() {
    let cases = [
        (
            ServiceType::ActiveService,
            "spec.strategy.blueGreen.activeService",
        ),
        (
            ServiceType::PreviewService,
            "spec.strategy.blueGreen.previewService",
        ),
        (ServiceType::CanaryService, "spec.strategy.canary.canaryService"),
        (ServiceType::StableService, "spec.strategy.canary.stableService"),
        (
            ServiceType::PingService,
            "spec.strategy.canary.pingPong.pingService",
        ),
        (
            ServiceType::PongService,
            "spec.strategy.canary.pingPong.pongService",
        ),
    ];
    for (t, expected) in cases {
        assert_eq!(service_with_type_field_path(t).to_string(), expected);
    }
}

#[test]
fn go_test_validate_ambassador_mapping() {
    let base = "apiVersion: getambassador.io/v2\nkind:  Mapping\nmetadata:\n  name: myapp-mapping\n  namespace: default\nspec:\n  prefix: /myapp/\n  rewrite: /myapp/\n  service: myapp:8080\n";
    // "will return no error if mapping is valid"
    assert_eq!(validate_ambassador_mapping(&yaml(base)), vec![]);
    // "will return error if base mapping defines weight"
    let errs = validate_ambassador_mapping(&yaml(&format!("{base}  weight: 20\n")));
    assert_eq!(errs.len(), 1);
    assert_eq!(
        errs[0].to_string(),
        "spec.weight: Invalid value: \"myapp-mapping\": Ambassador mapping \"myapp-mapping\" can not define weight"
    );
}

fn router(routes: &str) -> Value {
    yaml(&format!(
        "apiVersion: appmesh.k8s.aws/v1beta2\nkind: VirtualRouter\nmetadata:\n  namespace: myns\n  name: mysvc-vrouter\nspec:\n  routes:\n{routes}"
    ))
}

#[test]
fn go_test_validate_app_mesh_resource() {
    // "will return error with appmesh virtual-service"
    let vs = yaml(
        "apiVersion: appmesh.k8s.aws/v1beta2\nkind: VirtualService\nmetadata:\n  namespace: myns\n  name: mysvc\nspec:\n  awsName: mysvc.myns.svc.cluster.local\n",
    );
    let refs = ReferencedResources {
        app_mesh_resources: vec![vs],
        ..Default::default()
    };
    let errs = validate_rollout_referenced_resources(&alb_rollout("alb-ingress"), &refs);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        errs[0].detail,
        "Expected object kind to be VirtualRouter but is VirtualService"
    );
    // "will return error when appmesh virtual-router has no routes"
    let errs = validate_app_mesh_resource(&router(""));
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].field, "spec.routes");
    // "will succeed with valid appmesh virtual-router with <routeType>"
    for route_type in ["httpRoute", "tcpRoute", "grpcRoute", "http2Route"] {
        let routes = format!(
            "    - name: primary\n      {route_type}:\n        action:\n          weightedTargets:\n            - virtualNodeRef:\n                name: mysvc-canary-vn\n              weight: 0\n            - virtualNodeRef:\n                name: mysvc-stable-vn\n              weight: 100\n"
        );
        assert_eq!(
            validate_app_mesh_resource(&router(&routes)),
            vec![],
            "{route_type}"
        );
    }
    // "will return error with appmesh virtual-router with unsupported route type"
    let errs = validate_app_mesh_resource(&router("    - name: primary\n      badRouteType:\n"));
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].field, "spec.routes[0]");
    // "will return error when appmesh virtual-router has route that is not a struct"
    let errs = validate_app_mesh_resource(&router("    - invalid-spec\n"));
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].field, "spec.routes[0]");
    let targets = "spec.routes[0].httpRoute.action.weightedTargets";
    // "will return error when appmesh virtual-router has routes with no targets"
    let errs = validate_app_mesh_resource(&router(
        "    - name: primary\n      httpRoute:\n        match:\n          prefix: /\n        action:\n",
    ));
    assert_eq!((errs.len(), errs[0].field.as_str()), (1, targets));
    // "... with 1 target" and "... with 3 targets"
    for n in [1, 3] {
        let list: String = (0..n)
            .map(|i| format!("            - virtualNodeRef:\n                name: target-{i}\n              weight: 10\n"))
            .collect();
        let routes = format!(
            "    - name: primary\n      httpRoute:\n        match:\n          prefix: /\n        action:\n          weightedTargets:\n{list}"
        );
        let errs = validate_app_mesh_resource(&router(&routes));
        assert_eq!((errs.len(), errs[0].field.as_str()), (1, targets));
        assert_eq!(
            errs[0].detail,
            format!(
                "Invalid number of weightedTargets ({n}) for AppMesh virtual-router mysvc-vrouter and route primary, expected 2"
            )
        );
    }
}
