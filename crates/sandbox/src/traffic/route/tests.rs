//! Unit tests of the routers: objects in, weighted backends out.

use serde_json::{Value, json};

use super::*;

fn svc(ns: &str, name: &str, selector: Value) -> Value {
    json!({"metadata": {"name": name, "namespace": ns}, "spec": {"selector": selector, "ports": [{"port": 80}]}})
}

fn pod(ns: &str, name: &str, labels: Value, ready: bool) -> Value {
    json!({"metadata": {"name": name, "namespace": ns, "labels": labels},
           "spec": {"nodeName": "n1", "containers": [{"name": "c", "image": "app:v1"}]},
           "status": {"phase": "Running", "podIP": "10.244.0.9",
                      "conditions": [{"type": "Ready", "status": if ready { "True" } else { "False" }}]}})
}

fn weights(r: &Resolution) -> Vec<(String, u32)> {
    r.backends
        .iter()
        .map(|b| (b.subset.clone().unwrap_or_else(|| b.service.clone()), b.weight))
        .collect()
}

fn ingress(name: &str, host: &str, service: &str, annotations: Value) -> Value {
    json!({"metadata": {"name": name, "namespace": "default", "annotations": annotations},
           "spec": {"rules": [{"host": host, "http": {"paths": [
               {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": service, "port": {"number": 80}}}}]}}]}})
}

fn nginx_objects(canary_annotations: Value) -> RoutingObjects {
    let mut ann = json!({"nginx.ingress.kubernetes.io/canary": "true"});
    for (k, v) in canary_annotations.as_object().unwrap() {
        ann[format!("nginx.ingress.kubernetes.io/{k}")] = v.clone();
    }
    RoutingObjects {
        ingresses: vec![
            ingress("web", "web.local", "stable", json!({})),
            ingress("web-canary", "web.local", "canary", ann),
        ],
        ..RoutingObjects::default()
    }
}

#[test]
fn service_hosts_parse_short_and_qualified_names() {
    assert_eq!(
        service_host("web", "default"),
        Some(("default".into(), "web".into()))
    );
    assert_eq!(
        service_host("web.prod", "default"),
        Some(("prod".into(), "web".into()))
    );
    assert_eq!(
        service_host("web.prod.svc.cluster.local", "x"),
        Some(("prod".into(), "web".into()))
    );
    assert_eq!(service_host("a.b.example.com", "x"), None);
    assert!(host_matches("*.example.com", "a.example.com"));
    assert!(!host_matches("*.example.com", "example.com"));
    let r = Request::new("Web.Local:8080", "").header("Cookie", "a=1; canary=always");
    assert_eq!((r.host.as_str(), r.path.as_str()), ("web.local", "/"));
    assert_eq!(r.cookies.get("canary").map(String::as_str), Some("always"));
}

#[test]
fn plain_services_route_to_their_ready_pods() {
    let objs = RoutingObjects {
        services: vec![svc("default", "web", json!({"app": "web"}))],
        pods: vec![
            pod("default", "b", json!({"app": "web"}), true),
            pod("default", "a", json!({"app": "web"}), true),
            pod("default", "c", json!({"app": "web"}), false),
            pod("other", "d", json!({"app": "web"}), true),
        ],
        ..RoutingObjects::default()
    };
    let r = resolve(&objs, &Request::new("web", "/"), "default").unwrap();
    assert_eq!(r.router.kind(), "service");
    let pods: Vec<&str> = ready_pods(&objs, &r.backends[0])
        .iter()
        .map(|p| meta::name(p).unwrap())
        .collect();
    assert_eq!(pods, ["a", "b"]);
    assert_eq!(
        resolve(&objs, &Request::new("nope", "/"), "default"),
        Err(RouteError::NoRoute("nope".into()))
    );
}

#[test]
fn nginx_canary_weights_split_between_stable_and_canary() {
    let objs = nginx_objects(json!({"canary-weight": "20"}));
    let r = resolve(&objs, &Request::new("web.local", "/x"), "default").unwrap();
    assert_eq!(weights(&r), [("stable".into(), 80), ("canary".into(), 20)]);
    assert!(r.backends[1].canary && !r.backends[0].canary);
    let Router::Nginx {
        ingress,
        canary_ingress,
        ..
    } = &r.router
    else {
        panic!("{r:?}")
    };
    assert_eq!(
        (ingress.as_str(), canary_ingress.as_deref()),
        ("web", Some("web-canary"))
    );

    let objs = nginx_objects(json!({"canary-weight": "3", "canary-weight-total": "10"}));
    let r = resolve(&objs, &Request::new("web.local", "/"), "default").unwrap();
    assert_eq!(weights(&r), [("stable".into(), 7), ("canary".into(), 3)]);
}

#[test]
fn nginx_canary_by_header_and_cookie() {
    let objs = nginx_objects(json!({"canary-weight": "0", "canary-by-header": "X-Canary"}));
    let req = |v: &str| Request::new("web.local", "/").header("x-canary", v);
    assert_eq!(
        weights(&resolve(&objs, &req("always"), "default").unwrap()),
        [("canary".into(), 1)]
    );
    assert_eq!(
        weights(&resolve(&objs, &req("never"), "default").unwrap()),
        [("stable".into(), 1)]
    );
    assert_eq!(
        weights(&resolve(&objs, &req("maybe"), "default").unwrap()),
        [("stable".into(), 100), ("canary".into(), 0)]
    );

    let objs = nginx_objects(
        json!({"canary-weight": "100", "canary-by-header": "X-Canary", "canary-by-header-value": "yes"}),
    );
    assert_eq!(
        weights(&resolve(&objs, &req("yes"), "default").unwrap()),
        [("canary".into(), 1)]
    );
    let r = resolve(&objs, &req("always"), "default").unwrap();
    assert_eq!(
        weights(&r),
        [("stable".into(), 0), ("canary".into(), 100)],
        "a wrong value falls through to the weight"
    );

    let objs = nginx_objects(json!({"canary-by-cookie": "beta"}));
    let with_cookie = |v: &str| Request::new("web.local", "/").header("cookie", &format!("beta={v}"));
    assert_eq!(
        weights(&resolve(&objs, &with_cookie("always"), "default").unwrap()),
        [("canary".into(), 1)]
    );
    assert_eq!(
        weights(&resolve(&objs, &with_cookie("never"), "default").unwrap()),
        [("stable".into(), 1)]
    );
}

#[test]
fn nginx_picks_the_longest_path() {
    let mut ing = ingress("web", "web.local", "root", json!({}));
    ing["spec"]["rules"][0]["http"]["paths"].as_array_mut().unwrap().push(
        json!({"path": "/api", "pathType": "Prefix", "backend": {"service": {"name": "api", "port": {"number": 80}}}}),
    );
    let objs = RoutingObjects {
        ingresses: vec![ing],
        ..RoutingObjects::default()
    };
    let svc_of = |p: &str| {
        resolve(&objs, &Request::new("web.local", p), "default")
            .unwrap()
            .backends[0]
            .service
            .clone()
    };
    assert_eq!(svc_of("/api/v1"), "api");
    assert_eq!(svc_of("/apix"), "root");
    assert_eq!(svc_of("/"), "root");
}

fn istio_objects() -> RoutingObjects {
    RoutingObjects {
        services: vec![svc("default", "web", json!({"app": "web"}))],
        virtual_services: vec![json!({
            "metadata": {"name": "web-vs", "namespace": "default"},
            "spec": {"hosts": ["web", "web.example.com"], "http": [
                {"name": "header", "match": [{"headers": {"x-canary": {"exact": "yes"}}}],
                 "route": [{"destination": {"host": "web", "subset": "canary"}}]},
                {"name": "primary", "route": [
                    {"destination": {"host": "web", "subset": "stable"}, "weight": 90},
                    {"destination": {"host": "web.default.svc.cluster.local", "subset": "canary"}, "weight": 10}]}]}
        })],
        destination_rules: vec![json!({
            "metadata": {"name": "web-dr", "namespace": "default"},
            "spec": {"host": "web", "subsets": [
                {"name": "stable", "labels": {"rollouts-pod-template-hash": "s1"}},
                {"name": "canary", "labels": {"rollouts-pod-template-hash": "c1"}}]}
        })],
        ..RoutingObjects::default()
    }
}

#[test]
fn istio_weights_and_subsets() {
    let objs = istio_objects();
    for host in ["web", "web.default", "web.example.com"] {
        let r = resolve(&objs, &Request::new(host, "/"), "default").unwrap();
        assert_eq!(
            weights(&r),
            [("stable".into(), 90), ("canary".into(), 10)],
            "host {host}"
        );
        assert_eq!(
            r.backends[1]
                .subset_labels
                .get("rollouts-pod-template-hash")
                .map(String::as_str),
            Some("c1")
        );
        assert_eq!(r.backends[0].fqdn(), "web.default.svc.cluster.local");
    }
    let r = resolve(
        &objs,
        &Request::new("web", "/").header("X-Canary", "yes"),
        "default",
    )
    .unwrap();
    assert_eq!(weights(&r), [("canary".into(), 100)]);
    let Router::Istio { route, .. } = &r.router else {
        panic!()
    };
    assert_eq!(route, "header");
}

#[test]
fn istio_unknown_subsets_are_an_error() {
    let mut objs = istio_objects();
    objs.destination_rules.clear();
    let err = resolve(&objs, &Request::new("web", "/"), "default").unwrap_err();
    assert!(
        matches!(err, RouteError::NoBackend { router: "istio", .. }),
        "{err:?}"
    );
}

#[test]
fn subsets_narrow_the_pods() {
    let mut objs = istio_objects();
    objs.pods = vec![
        pod(
            "default",
            "s",
            json!({"app": "web", "rollouts-pod-template-hash": "s1"}),
            true,
        ),
        pod(
            "default",
            "c",
            json!({"app": "web", "rollouts-pod-template-hash": "c1"}),
            true,
        ),
    ];
    let r = resolve(&objs, &Request::new("web", "/"), "default").unwrap();
    let names = |b: &Backend| {
        ready_pods(&objs, b)
            .iter()
            .map(|p| meta::name(p).unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&r.backends[0]), ["s"]);
    assert_eq!(names(&r.backends[1]), ["c"]);
}

#[test]
fn smi_traffic_split_weights_by_root_service() {
    let objs = RoutingObjects {
        services: vec![svc("default", "root", json!({"app": "web"}))],
        traffic_splits: vec![json!({
            "metadata": {"name": "split", "namespace": "default"},
            "spec": {"service": "root", "backends": [{"service": "stable", "weight": 95}, {"service": "canary", "weight": "50m"}]}
        })],
        ..RoutingObjects::default()
    };
    let r = resolve(
        &objs,
        &Request::new("root.default.svc.cluster.local", "/"),
        "default",
    )
    .unwrap();
    assert_eq!(weights(&r), [("stable".into(), 95_000), ("canary".into(), 50)]);
    assert_eq!(r.router.kind(), "smi");
    assert_eq!(smi::weight_millis(&json!("1")), Some(1000));
}

#[test]
fn gateway_http_route_weights_and_precedence() {
    let objs = RoutingObjects {
        http_routes: vec![json!({
            "metadata": {"name": "web", "namespace": "default", "creationTimestamp": "2024-01-01T00:00:00Z"},
            "spec": {"hostnames": ["web.example.com"], "rules": [
                {"backendRefs": [{"name": "stable", "port": 80, "weight": 70}, {"name": "canary", "port": 80, "weight": 30}]},
                {"matches": [{"path": {"type": "PathPrefix", "value": "/"}, "headers": [{"name": "X-Canary", "value": "yes"}]}],
                 "backendRefs": [{"name": "canary", "port": 80}]},
                {"matches": [{"path": {"type": "Exact", "value": "/health"}}], "backendRefs": [{"name": "stable", "port": 80, "weight": 0}]}]}
        })],
        ..RoutingObjects::default()
    };
    let r = resolve(&objs, &Request::new("web.example.com", "/x"), "default").unwrap();
    assert_eq!(weights(&r), [("stable".into(), 70), ("canary".into(), 30)]);
    let r = resolve(
        &objs,
        &Request::new("web.example.com", "/x").header("x-canary", "yes"),
        "default",
    )
    .unwrap();
    assert_eq!(weights(&r), [("canary".into(), 1)]);
    assert_eq!(
        r.router,
        Router::Gateway {
            namespace: "default".into(),
            http_route: "web".into(),
            rule: 1
        }
    );
    let err = resolve(&objs, &Request::new("web.example.com", "/health"), "default").unwrap_err();
    assert!(
        matches!(
            err,
            RouteError::NoBackend {
                router: "gateway",
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn routers_claim_hosts_in_order() {
    let mut objs = istio_objects();
    objs.ingresses = vec![ingress("web", "web.example.com", "from-ingress", json!({}))];
    let r = resolve(&objs, &Request::new("web.example.com", "/"), "default").unwrap();
    assert_eq!(
        r.router.kind(),
        "nginx",
        "an Ingress claims its host before a VirtualService"
    );
    let r = resolve(&objs, &Request::new("web", "/"), "default").unwrap();
    assert_eq!(
        r.router.kind(),
        "istio",
        "a VirtualService claims a Service's host before the Service"
    );
}
