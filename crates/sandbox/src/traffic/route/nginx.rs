//! ingress-nginx routing with canary Ingresses, as ingress-nginx decides in its balancer:
//!
//! * The main Ingress is a non-canary Ingress (any namespace) with a rule for the host; among its paths
//!   the longest matching one wins (`Exact` before `Prefix`/`ImplementationSpecific` at equal length;
//!   prefixes match whole path segments); `spec.defaultBackend` serves when no path matches.
//! * A canary Ingress (`nginx.ingress.kubernetes.io/canary: "true"`, same namespace, same host and
//!   path; the first by name) adds an alternative backend. Per request:
//!   1. `canary-by-header: H`: if the request has header H: with `canary-by-header-value: V`, H == V
//!      goes to the canary; with `canary-by-header-pattern: P`, H matching P goes to the canary; with
//!      neither, `always` goes to the canary and `never` to the main backend. Anything else falls through;
//!   2. `canary-by-cookie: C`: cookie C `always` goes to the canary, `never` to the main backend;
//!   3. otherwise `canary-weight` (default 0) out of `canary-weight-total` (default 100) go to the
//!      canary.

use serde_json::Value;

use super::{Backend, Request, Resolution, RouteError, Router, RoutingObjects, host_matches, sorted};
use crate::meta;
use crate::sim::util;

const PREFIX: &str = "nginx.ingress.kubernetes.io/";

fn is_canary(ing: &Value) -> bool {
    util::annotation(ing, &format!("{PREFIX}canary")) == Some("true")
}

fn ann<'a>(ing: &'a Value, key: &str) -> Option<&'a str> {
    util::annotation(ing, &format!("{PREFIX}{key}")).filter(|s| !s.is_empty())
}

/// How well an Ingress path matches a request path: None, or (exact, length) to rank matches.
fn path_score(path: &Value, req_path: &str) -> Option<(bool, usize)> {
    let p = path.get("path").and_then(Value::as_str).unwrap_or("/");
    let exact = path.get("pathType").and_then(Value::as_str) == Some("Exact");
    if exact {
        return (p == req_path).then_some((true, p.len()));
    }
    let trimmed = p.trim_end_matches('/');
    let ok = trimmed.is_empty()
        || req_path == trimmed
        || req_path
            .strip_prefix(trimmed)
            .is_some_and(|rest| rest.starts_with('/'));
    ok.then_some((false, p.len()))
}

/// The backend Service of an Ingress backend object.
fn backend_of(ns: &str, b: &Value) -> Option<Backend> {
    let svc = b.get("service")?;
    let mut out = Backend::service(ns, svc.get("name")?.as_str()?, 1);
    out.port = svc
        .get("port")
        .and_then(|p| p.get("number").or_else(|| p.get("name")))
        .cloned();
    Some(out)
}

/// (rule path string, backend) of the best match of `ing` for the request, if its host matches.
fn best_path(ing: &Value, req: &Request) -> Option<(Option<String>, Backend)> {
    let ns = meta::namespace(ing).unwrap_or("default");
    let rules = ing.pointer("/spec/rules")?.as_array()?;
    let mut host_seen = false;
    let mut best: Option<((bool, usize), String, Backend)> = None;
    for rule in rules {
        let Some(h) = rule.get("host").and_then(Value::as_str) else {
            continue;
        };
        if !host_matches(h, &req.host) {
            continue;
        }
        host_seen = true;
        let paths = rule
            .pointer("/http/paths")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for p in &paths {
            let (Some(score), Some(b)) = (
                path_score(p, &req.path),
                p.get("backend").and_then(|b| backend_of(ns, b)),
            ) else {
                continue;
            };
            if best.as_ref().is_none_or(|(s, _, _)| score > *s) {
                let key = p.get("path").and_then(Value::as_str).unwrap_or("/").to_string();
                best = Some((score, key, b));
            }
        }
    }
    if !host_seen {
        return None;
    }
    match best {
        Some((_, path, b)) => Some((Some(path), b)),
        None => ing
            .pointer("/spec/defaultBackend")
            .and_then(|b| backend_of(ns, b))
            .map(|b| (None, b)),
    }
}

enum Decision {
    Canary,
    Main,
    Weighted(u32, u32),
}

fn decide(canary: &Value, req: &Request) -> Decision {
    if let Some(header) = ann(canary, "canary-by-header")
        && let Some(v) = req.headers.get(&header.to_ascii_lowercase())
    {
        if let Some(want) = ann(canary, "canary-by-header-value") {
            if v == want {
                return Decision::Canary;
            }
        } else if let Some(pattern) = ann(canary, "canary-by-header-pattern") {
            if regex::Regex::new(pattern).is_ok_and(|re| re.is_match(v)) {
                return Decision::Canary;
            }
        } else if v == "always" {
            return Decision::Canary;
        } else if v == "never" {
            return Decision::Main;
        }
    }
    if let Some(cookie) = ann(canary, "canary-by-cookie")
        && let Some(v) = req.cookies.get(cookie)
    {
        match v.as_str() {
            "always" => return Decision::Canary,
            "never" => return Decision::Main,
            _ => {}
        }
    }
    let weight: u32 = ann(canary, "canary-weight")
        .and_then(|w| w.trim().parse().ok())
        .unwrap_or(0);
    let total: u32 = ann(canary, "canary-weight-total")
        .and_then(|w| w.trim().parse().ok())
        .unwrap_or(100)
        .max(1);
    Decision::Weighted(weight.min(total), total)
}

/// Resolves `req` if an Ingress claims its host.
pub fn resolve(objs: &RoutingObjects, req: &Request) -> Option<Result<Resolution, RouteError>> {
    let ingresses = sorted(&objs.ingresses);
    let (main, path, stable) = ingresses
        .iter()
        .filter(|i| !is_canary(i))
        .find_map(|i| best_path(i, req).map(|(path, b)| (*i, path, b)))?;
    let ns = meta::namespace(main).unwrap_or("default").to_string();
    let canary = ingresses
        .iter()
        .filter(|i| is_canary(i) && meta::namespace(i) == Some(ns.as_str()))
        .find_map(|i| {
            let (p, b) = best_path(i, req)?;
            (p == path).then_some((*i, b))
        });
    let router = Router::Nginx {
        namespace: ns,
        ingress: meta::name(main).unwrap_or_default().to_string(),
        canary_ingress: canary
            .as_ref()
            .map(|(i, _)| meta::name(i).unwrap_or_default().to_string()),
    };
    let Some((canary_ing, mut canary_backend)) = canary else {
        return Some(Ok(Resolution {
            router,
            backends: vec![stable],
        }));
    };
    canary_backend.canary = true;
    let backends = match decide(canary_ing, req) {
        Decision::Canary => vec![canary_backend],
        Decision::Main => vec![stable],
        Decision::Weighted(w, total) => {
            let mut s = stable;
            s.weight = total - w;
            canary_backend.weight = w;
            vec![s, canary_backend]
        }
    };
    Some(Ok(Resolution { router, backends }))
}
