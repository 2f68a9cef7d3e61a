//! Istio routing: a VirtualService (the first by namespace/name) whose `spec.hosts` names the host
//! (exactly, as `*.suffix`, or a short/qualified Service name resolved in the VirtualService's
//! namespace) claims the request. Its first `spec.http[]` route whose `match` list matches (an absent
//! or empty list matches everything; conditions in one entry are ANDed, entries ORed; `uri`, `method`,
//! `headers`, `withoutHeaders` with `exact`/`prefix`/`regex`, `ignoreUriCase`) sends the request to its
//! `route[].destination`s by `weight` (a lone destination without weight gets 100). A destination
//! `host` names a Service in the VirtualService's namespace (or qualified); a `subset` takes its pod
//! labels from the DestinationRule whose `spec.host` names the same Service. No matching http route is
//! a 404; an unknown subset is a 503.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{
    Backend, Request, Resolution, RouteError, Router, RoutingObjects, fqdn, host_matches, service_host,
    sorted,
};
use crate::meta;

/// Matches an Istio `StringMatch` (`exact`, `prefix`, `regex`; regex must match the whole value).
fn string_match(m: &Value, value: &str, ignore_case: bool) -> bool {
    let norm = |s: &str| {
        if ignore_case {
            s.to_ascii_lowercase()
        } else {
            s.to_string()
        }
    };
    if let Some(e) = m.get("exact").and_then(Value::as_str) {
        return norm(e) == norm(value);
    }
    if let Some(p) = m.get("prefix").and_then(Value::as_str) {
        return norm(value).starts_with(&norm(p));
    }
    if let Some(r) = m.get("regex").and_then(Value::as_str) {
        return regex::Regex::new(&format!("^(?:{r})$")).is_ok_and(|re| re.is_match(value));
    }
    true
}

fn request_matches(m: &Value, req: &Request) -> bool {
    let ignore_case = m.get("ignoreUriCase").and_then(Value::as_bool) == Some(true);
    if let Some(uri) = m.get("uri")
        && !string_match(uri, &req.path, ignore_case)
    {
        return false;
    }
    if let Some(method) = m.get("method")
        && !string_match(method, &req.method, false)
    {
        return false;
    }
    if let Some(headers) = m.get("headers").and_then(Value::as_object) {
        for (name, sm) in headers {
            match req.headers.get(&name.to_ascii_lowercase()) {
                Some(v) if string_match(sm, v, false) => {}
                _ => return false,
            }
        }
    }
    if let Some(headers) = m.get("withoutHeaders").and_then(Value::as_object) {
        for (name, sm) in headers {
            if req
                .headers
                .get(&name.to_ascii_lowercase())
                .is_some_and(|v| string_match(sm, v, false))
            {
                return false;
            }
        }
    }
    true
}

fn route_matches(route: &Value, req: &Request) -> bool {
    match route.get("match").and_then(Value::as_array) {
        None => true,
        Some(ms) if ms.is_empty() => true,
        Some(ms) => ms.iter().any(|m| request_matches(m, req)),
    }
}

/// The qualified name a VirtualService or DestinationRule host stands for in namespace `ns`.
fn qualify(host: &str, ns: &str) -> String {
    match service_host(host, ns) {
        Some((n, s)) => fqdn(&n, &s),
        None => host.to_string(),
    }
}

fn subset_labels(objs: &RoutingObjects, dest_fqdn: &str, subset: &str) -> Option<BTreeMap<String, String>> {
    sorted(&objs.destination_rules).into_iter().find_map(|dr| {
        let ns = meta::namespace(dr).unwrap_or("default");
        let host = dr.pointer("/spec/host").and_then(Value::as_str)?;
        if qualify(host, ns) != dest_fqdn {
            return None;
        }
        let subsets = dr.pointer("/spec/subsets")?.as_array()?;
        let s = subsets
            .iter()
            .find(|s| s.get("name").and_then(Value::as_str) == Some(subset))?;
        let labels = s.get("labels").and_then(Value::as_object).map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect()
        });
        Some(labels.unwrap_or_default())
    })
}

fn claims(vs: &Value, req: &Request, default_ns: &str) -> bool {
    let ns = meta::namespace(vs).unwrap_or("default");
    let wanted = service_host(&req.host, default_ns).map(|(n, s)| fqdn(&n, &s));
    let hosts = vs
        .pointer("/spec/hosts")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    hosts.iter().filter_map(Value::as_str).any(|h| {
        host_matches(h, &req.host)
            || wanted
                .as_ref()
                .is_some_and(|w| service_host(h, ns).is_some() && qualify(h, ns) == *w)
    })
}

/// Resolves `req` if a VirtualService claims its host.
pub fn resolve(
    objs: &RoutingObjects,
    req: &Request,
    default_ns: &str,
) -> Option<Result<Resolution, RouteError>> {
    let vs = sorted(&objs.virtual_services)
        .into_iter()
        .find(|vs| claims(vs, req, default_ns))?;
    let ns = meta::namespace(vs).unwrap_or("default").to_string();
    let name = meta::name(vs).unwrap_or_default().to_string();
    let http = vs
        .pointer("/spec/http")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let Some((index, route)) = http.iter().enumerate().find(|(_, r)| route_matches(r, req)) else {
        return Some(Err(RouteError::NoRoute(req.host.clone())));
    };
    let route_name = route
        .get("name")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| index.to_string());
    let dests = route
        .get("route")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let lone = dests.len() == 1;
    let mut backends = Vec::new();
    for d in &dests {
        let Some(host) = d.pointer("/destination/host").and_then(Value::as_str) else {
            continue;
        };
        let Some((dns, svc)) = service_host(host, &ns) else {
            return Some(Err(RouteError::NoBackend {
                router: "istio",
                message: format!("destination host {host} is not a Service"),
            }));
        };
        let weight = match d.get("weight").and_then(Value::as_u64) {
            Some(w) => u32::try_from(w).unwrap_or(u32::MAX),
            None if lone => 100,
            None => 0,
        };
        let mut b = Backend::service(&dns, &svc, weight);
        b.port = d.pointer("/destination/port/number").cloned();
        if let Some(subset) = d.pointer("/destination/subset").and_then(Value::as_str) {
            let Some(labels) = subset_labels(objs, &fqdn(&dns, &svc), subset) else {
                let message = format!("no DestinationRule subset {subset} for host {}", fqdn(&dns, &svc));
                return Some(Err(RouteError::NoBackend {
                    router: "istio",
                    message,
                }));
            };
            b.subset = Some(subset.to_string());
            b.subset_labels = labels;
        }
        backends.push(b);
    }
    Some(Ok(Resolution {
        router: Router::Istio {
            namespace: ns,
            virtual_service: name,
            route: route_name,
        },
        backends,
    }))
}
