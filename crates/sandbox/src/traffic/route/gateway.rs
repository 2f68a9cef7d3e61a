//! Gateway API routing: HTTPRoutes listing the host in `spec.hostnames` (exact or `*.suffix`) compete
//! with every rule match (`matches[]`; a rule without matches matches `PathPrefix /`). The winner follows
//! the Gateway API precedence: an `Exact` path, then the longest `PathPrefix`, then
//! `RegularExpression`; then a `method` match; then the most header matches; then the most query
//! parameter matches; then the oldest route (`creationTimestamp`), then namespace/name, then rule order.
//! The rule's `backendRefs[]` (kind Service; `weight` default 1; `namespace` default the route's) get
//! the request by weight. A rule without backendRefs, or whose weights are all 0, answers 500 (as the
//! specification requires).

use serde_json::Value;

use super::{Backend, Request, Resolution, RouteError, Router, RoutingObjects, host_matches};
use crate::meta;
use crate::sim::util;

fn value_matches(kind: &str, pattern: &str, value: &str) -> bool {
    match kind {
        "RegularExpression" => {
            regex::Regex::new(&format!("^(?:{pattern})$")).is_ok_and(|re| re.is_match(value))
        }
        _ => pattern == value,
    }
}

/// The precedence of a matching rule match (larger wins), or None if it does not match.
fn score(m: &Value, req: &Request) -> Option<(u8, usize, bool, usize, usize)> {
    let path = m.get("path");
    let kind = path
        .and_then(|p| p.get("type"))
        .and_then(Value::as_str)
        .unwrap_or("PathPrefix");
    let value = path
        .and_then(|p| p.get("value"))
        .and_then(Value::as_str)
        .unwrap_or("/");
    let (rank, ok) = match kind {
        "Exact" => (3, req.path == value),
        "RegularExpression" => (1, value_matches(kind, value, &req.path)),
        _ => {
            let trimmed = value.trim_end_matches('/');
            let ok = trimmed.is_empty()
                || req.path == trimmed
                || req
                    .path
                    .strip_prefix(trimmed)
                    .is_some_and(|rest| rest.starts_with('/'));
            (2, ok)
        }
    };
    if !ok {
        return None;
    }
    let method = m.get("method").and_then(Value::as_str);
    if method.is_some_and(|x| !x.eq_ignore_ascii_case(&req.method)) {
        return None;
    }
    let headers = m
        .get("headers")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for h in &headers {
        let name = h
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_ascii_lowercase();
        let kind = h.get("type").and_then(Value::as_str).unwrap_or("Exact");
        let want = h.get("value").and_then(Value::as_str).unwrap_or_default();
        if !req
            .headers
            .get(&name)
            .is_some_and(|v| value_matches(kind, want, v))
        {
            return None;
        }
    }
    let queries = m
        .get("queryParams")
        .and_then(Value::as_array)
        .map(Vec::len)
        .unwrap_or(0);
    if queries > 0 {
        // Query parameters are not part of the simulated requests: such a match never matches.
        return None;
    }
    Some((rank, value.len(), method.is_some(), headers.len(), queries))
}

/// Resolves `req` if an HTTPRoute claims its host.
pub fn resolve(objs: &RoutingObjects, req: &Request) -> Option<Result<Resolution, RouteError>> {
    type Key<'a> = (
        (u8, usize, bool, usize, usize),
        Option<jiff::Timestamp>,
        String,
        String,
        usize,
        &'a Value,
    );
    let mut best: Option<Key<'_>> = None;
    let mut claimed = false;
    for route in &objs.http_routes {
        let hostnames = route
            .pointer("/spec/hostnames")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if !hostnames
            .iter()
            .filter_map(Value::as_str)
            .any(|h| host_matches(h, &req.host))
        {
            continue;
        }
        claimed = true;
        let rules = route
            .pointer("/spec/rules")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for (i, rule) in rules.iter().enumerate() {
            let matches = rule
                .get("matches")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let default = [serde_json::json!({})];
            let ms: &[Value] = if matches.is_empty() { &default } else { &matches };
            for m in ms {
                let Some(s) = score(m, req) else { continue };
                let ns = meta::namespace(route).unwrap_or_default().to_string();
                let name = meta::name(route).unwrap_or_default().to_string();
                let candidate: Key<'_> = (s, util::created(route), ns, name, i, rule);
                let better = match &best {
                    None => true,
                    Some(b) => {
                        s > b.0
                            || (s == b.0
                                && (&candidate.1, &candidate.2, &candidate.3, candidate.4)
                                    < (&b.1, &b.2, &b.3, b.4))
                    }
                };
                if better {
                    best = Some(candidate);
                }
            }
        }
    }
    if !claimed {
        return None;
    }
    let Some((_, _, ns, name, index, rule)) = best else {
        return Some(Err(RouteError::NoRoute(req.host.clone())));
    };
    let mut backends = Vec::new();
    for r in rule
        .get("backendRefs")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
    {
        let kind = r.get("kind").and_then(Value::as_str).unwrap_or("Service");
        let Some(svc) = r
            .get("name")
            .and_then(Value::as_str)
            .filter(|_| kind == "Service")
        else {
            continue;
        };
        let bns = r.get("namespace").and_then(Value::as_str).unwrap_or(&ns);
        let weight = r
            .get("weight")
            .and_then(Value::as_u64)
            .map_or(1, |w| u32::try_from(w).unwrap_or(u32::MAX));
        let mut b = Backend::service(bns, svc, weight);
        b.port = r.get("port").cloned();
        backends.push(b);
    }
    if backends.iter().all(|b| b.weight == 0) {
        let message = format!("HTTPRoute {ns}/{name} rule {index} has no backend with a weight");
        return Some(Err(RouteError::NoBackend {
            router: "gateway",
            message,
        }));
    }
    Some(Ok(Resolution {
        router: Router::Gateway {
            namespace: ns,
            http_route: name,
            rule: index,
        },
        backends,
    }))
}
