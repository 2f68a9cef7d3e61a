//! `ValidateVirtualService` and the route checks it uses from Argo's Istio router
//! (`rollout/trafficrouting/istio`: `ValidateHTTPRoutes`, `ValidateTlsRoutes`, `ValidateTcpRoutes`): the
//! routes the rollout names exist, and each carries the stable and canary hosts (or subsets).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::field::{FieldError, FieldPath};
use crate::rollout::{IstioDestinationRule, IstioVirtualService, ManagedRoute, Rollout, TcpRoute, TlsRoute};

/// A destination of an Istio route, with the fields Argo reads (unknown fields ignored, as Go does).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RouteDestination {
    /// The destination.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination: Option<Destination>,
    /// Its weight.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<i64>,
}

/// `VirtualServiceDestination`.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Destination {
    /// Host (a Service name, maybe qualified).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// DestinationRule subset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subset: Option<String>,
    /// Port.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<Port>,
}

/// `Port`.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Port {
    /// Port number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<u32>,
}

/// `StringMatch` of an Istio match.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct IstioStringMatch {
    /// Exact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exact: Option<String>,
    /// Prefix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// Regex.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
}

/// `RouteMatch` of an HTTP route.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct HttpMatch {
    /// Method.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<IstioStringMatch>,
    /// URI.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri: Option<IstioStringMatch>,
    /// Headers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headers: Option<std::collections::BTreeMap<String, IstioStringMatch>>,
}

/// `VirtualServiceHTTPRoute`.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct HttpRoute {
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Matches.
    #[serde(rename = "match", skip_serializing_if = "Option::is_none")]
    pub matches: Option<Vec<HttpMatch>>,
    /// Destinations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route: Option<Vec<RouteDestination>>,
    /// Mirror destination.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mirror: Option<Destination>,
    /// Mirror percentage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mirror_percentage: Option<MirrorPercentage>,
}

/// `Percent`.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct MirrorPercentage {
    /// Value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
}

/// `TLSMatchAttributes` / `L4MatchAttributes` (the fields Argo reads).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct L4Match {
    /// SNI hosts (TLS only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sni_hosts: Option<Vec<String>>,
    /// Destination subnets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_subnets: Option<Vec<String>>,
    /// Port.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<i64>,
    /// Source labels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_labels: Option<std::collections::BTreeMap<String, String>>,
    /// Gateways.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gateways: Option<Vec<String>>,
    /// Source namespace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_namespace: Option<String>,
}

/// `VirtualServiceTLSRoute` / `VirtualServiceTCPRoute`.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct L4Route {
    /// Matches.
    #[serde(rename = "match", skip_serializing_if = "Option::is_none")]
    pub matches: Option<Vec<L4Match>>,
    /// Destinations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route: Option<Vec<RouteDestination>>,
}

/// `GetVirtualServiceNamespaceName`: `name.namespace[.cluster.local]` to (namespace, name).
pub fn virtual_service_namespace_name(reference: &str) -> (String, String) {
    let reference = reference.strip_suffix(".cluster.local").unwrap_or(reference);
    let fields: Vec<&str> = reference.split('.').collect();
    if fields.len() >= 2 {
        (
            fields[fields.len() - 1].to_owned(),
            fields[..fields.len() - 1].join("."),
        )
    } else {
        (
            String::new(),
            fields.first().copied().unwrap_or_default().to_owned(),
        )
    }
}

/// `GetStableAndCanaryServices(rollout, false)`: the ping/pong pair when ping-pong is on and no
/// stable/canary service is set (ping is stable when `status.canary.stablePingPong` is `ping`).
pub fn stable_and_canary_services(rollout: &Rollout) -> (String, String) {
    let Some(canary) = rollout.canary() else {
        return (String::new(), String::new());
    };
    if let Some(pp) = &canary.ping_pong
        && canary.stable_service.is_empty()
        && canary.canary_service.is_empty()
    {
        let stable_ping = rollout
            .status
            .as_ref()
            .and_then(|s| s.canary.stable_ping_pong.as_ref())
            .is_some_and(|p| p.as_str() == "ping");
        return if stable_ping {
            (pp.ping_service.clone(), pp.pong_service.clone())
        } else {
            (pp.pong_service.clone(), pp.ping_service.clone())
        };
    }
    (canary.stable_service.clone(), canary.canary_service.clone())
}

/// `getHost`: the host up to its first dot.
fn host_of(d: &RouteDestination) -> &str {
    let host = d
        .destination
        .as_ref()
        .and_then(|d| d.host.as_deref())
        .unwrap_or_default();
    match host.find('.') {
        Some(0) => "",
        Some(i) => &host[..i],
        None => host,
    }
}

/// `validateVirtualServiceRouteDestinations` + `validateDestinationRule`.
fn validate_destinations(
    routes: &[RouteDestination],
    stable: &str,
    canary: &str,
    rule: Option<&IstioDestinationRule>,
) -> Result<(), String> {
    let (mut has_stable, mut has_canary, mut has_stable_subset, mut has_canary_subset) =
        (false, false, false, false);
    for r in routes {
        let host = host_of(r);
        has_stable |= !stable.is_empty() && host == stable;
        has_canary |= !canary.is_empty() && host == canary;
        if let Some(rule) = rule {
            let subset = r
                .destination
                .as_ref()
                .and_then(|d| d.subset.as_deref())
                .unwrap_or_default();
            has_stable_subset |= !rule.stable_subset_name.is_empty() && subset == rule.stable_subset_name;
            has_canary_subset |= !rule.canary_subset_name.is_empty() && subset == rule.canary_subset_name;
        }
    }
    match rule {
        Some(rule) if !has_canary_subset => Err(format!(
            "Canary DestinationRule subset '{}' not found in route",
            rule.canary_subset_name
        )),
        Some(rule) if !has_stable_subset => Err(format!(
            "Stable DestinationRule subset '{}' not found in route",
            rule.stable_subset_name
        )),
        Some(_) => Ok(()),
        None if !has_canary => Err(format!("Canary Service '{canary}' not found in route")),
        None if !has_stable => Err(format!("Stable Service '{stable}' not found in route")),
        None => Ok(()),
    }
}

fn destination_rule(rollout: &Rollout) -> Option<&IstioDestinationRule> {
    rollout
        .traffic_routing()
        .and_then(|t| t.istio.as_ref())
        .and_then(|i| i.destination_rule.as_ref())
}

/// `ValidateHTTPRoutes`.
pub fn validate_http_routes(
    rollout: &Rollout,
    route_names: &[String],
    routes: &[HttpRoute],
) -> Result<(), String> {
    let (stable, canary) = stable_and_canary_services(rollout);
    let indexes: Vec<usize> = if route_names.is_empty() {
        if routes.len() == 1 {
            vec![0]
        } else {
            routes
                .iter()
                .position(|r| r.name.as_deref().unwrap_or_default().is_empty())
                .into_iter()
                .collect()
        }
    } else {
        route_names
            .iter()
            .map(|name| {
                routes
                    .iter()
                    .position(|r| r.name.as_deref() == Some(name.as_str()))
                    .ok_or_else(|| {
                        format!("HTTP Route '{name}' is not found in the defined Virtual Service.")
                    })
            })
            .collect::<Result<_, _>>()?
    };
    for i in indexes {
        validate_destinations(
            routes[i].route.as_deref().unwrap_or_default(),
            &stable,
            &canary,
            destination_rule(rollout),
        )?;
    }
    let managed: &[ManagedRoute] = rollout
        .traffic_routing()
        .map_or(&[], |t| t.managed_routes.as_slice());
    let not_managed = routes
        .iter()
        .filter(|r| {
            let name = r.name.as_deref().unwrap_or_default();
            !managed.iter().any(|m| m.name == name)
        })
        .count();
    if route_names.is_empty() && not_managed > 1 {
        return Err("spec.http[] should be set in VirtualService and it must have exactly one route when omitting spec.strategy.canary.trafficRouting.istio.virtualService.routes".into());
    }
    Ok(())
}

/// The single port of a route's matches (0 without one), or `None` when they name several ports.
fn single_port(route: &L4Route) -> Option<i64> {
    let ports: std::collections::BTreeSet<i64> = route
        .matches
        .iter()
        .flatten()
        .map(|m| m.port.unwrap_or(0))
        .collect();
    match ports.len() {
        0 => Some(0),
        1 => ports.into_iter().next(),
        _ => None,
    }
}

/// `ValidateTlsRoutes`.
pub fn validate_tls_routes(rollout: &Rollout, wanted: &[TlsRoute], routes: &[L4Route]) -> Result<(), String> {
    let (stable, canary) = stable_and_canary_services(rollout);
    let mut indexes = Vec::new();
    if wanted.is_empty() {
        indexes.push(0);
    }
    for tls in wanted {
        let found: Vec<usize> = routes
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                let hosts: std::collections::BTreeSet<&str> = r
                    .matches
                    .iter()
                    .flatten()
                    .flat_map(|m| m.sni_hosts.iter().flatten())
                    .map(String::as_str)
                    .collect();
                single_port(r) == Some(tls.port)
                    && tls.sni_hosts.len() == hosts.len()
                    && hosts.iter().all(|h| tls.sni_hosts.iter().any(|s| s == h))
            })
            .map(|(i, _)| i)
            .collect();
        if found.is_empty() {
            return Err("No matching TLS routes found in the defined Virtual Service.".into());
        }
        indexes.extend(found);
    }
    for i in indexes {
        // Argo indexes the first route even when there is none (and panics); skip it here.
        if let Some(route) = routes.get(i) {
            validate_destinations(
                route.route.as_deref().unwrap_or_default(),
                &stable,
                &canary,
                destination_rule(rollout),
            )?;
        }
    }
    if wanted.is_empty() && routes.len() > 1 {
        return Err("spec.tls[] should be set in VirtualService and it must have exactly one route when omitting spec.strategy.canary.trafficRouting.istio.virtualService.tlsRoutes".into());
    }
    Ok(())
}

/// `ValidateTcpRoutes`.
pub fn validate_tcp_routes(rollout: &Rollout, wanted: &[TcpRoute], routes: &[L4Route]) -> Result<(), String> {
    let (stable, canary) = stable_and_canary_services(rollout);
    let mut indexes = Vec::new();
    if wanted.is_empty() {
        indexes.push(0);
    }
    for tcp in wanted {
        let found: Vec<usize> = routes
            .iter()
            .enumerate()
            .filter(|(_, r)| single_port(r) == Some(tcp.port))
            .map(|(i, _)| i)
            .collect();
        if found.is_empty() {
            return Err("No matching TCP routes found in the defined Virtual Service.".into());
        }
        indexes.extend(found);
    }
    for i in indexes {
        if let Some(route) = routes.get(i) {
            validate_destinations(
                route.route.as_deref().unwrap_or_default(),
                &stable,
                &canary,
                destination_rule(rollout),
            )?;
        }
    }
    if wanted.is_empty() && routes.len() > 1 {
        return Err("spec.tcp[] should be set in VirtualService and it must have exactly one route when omitting spec.strategy.canary.trafficRouting.istio.virtualService.tcpRoutes".into());
    }
    Ok(())
}

/// `spec.<key>` of the VirtualService when it is a list (`GetHttpRoutesI` and friends).
fn routes_of<'a>(obj: &'a Value, key: &str) -> Option<&'a Vec<Value>> {
    obj.get("spec").and_then(|s| s.get(key)).and_then(Value::as_array)
}

/// `ValidateVirtualService`: the VirtualService `obj` (JSON) against the rollout's Istio routing.
pub fn validate_virtual_service(rollout: &Rollout, obj: &Value) -> Vec<FieldError> {
    let Some(istio) = rollout.traffic_routing().and_then(|t| t.istio.as_ref()) else {
        return vec![FieldError::invalid(
            &FieldPath::new(&["spec", "strategy", "canary", "trafficRouting", "istio"]),
            rollout.metadata.name.as_deref().unwrap_or_default(),
            "Rollout object is not configured with Istio traffic routing",
        )];
    };
    let base = FieldPath::new(&["spec", "strategy", "canary", "trafficRouting", "istio"]);
    let (path, services): (FieldPath, Vec<&IstioVirtualService>) = if istio.virtual_services.is_empty() {
        (
            base.children(&["virtualService", "name"]),
            istio.virtual_service.iter().collect(),
        )
    } else {
        (
            base.children(&["virtualServices", "name"]),
            istio.virtual_services.iter().collect(),
        )
    };
    let record_name = obj
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mut errs = Vec::new();
    for vs in services {
        let (_, name) = virtual_service_namespace_name(&vs.name);
        if name != record_name {
            continue;
        }
        let invalid = |msg: String| FieldError::invalid(&path, name.as_str(), msg);
        let (http, tls, tcp) = (
            routes_of(obj, "http"),
            routes_of(obj, "tls"),
            routes_of(obj, "tcp"),
        );
        if http.is_none() && tls.is_none() && tcp.is_none() {
            errs.push(invalid(
                "Unable to get any of the HTTP, TCP or TLS routes for the Istio VirtualService".into(),
            ));
        }
        if let Some(http) = http {
            match serde_json::from_value::<Vec<HttpRoute>>(Value::Array(http.clone())) {
                Err(_) => errs.push(invalid(
                    "Unable to get HTTP routes for Istio VirtualService".into(),
                )),
                Ok(routes) => {
                    if let Err(e) = validate_http_routes(rollout, &vs.routes, &routes) {
                        errs.push(invalid(format!(
                            "Istio VirtualService has invalid HTTP routes. Error: {e}"
                        )));
                    }
                }
            }
        }
        if let Some(tls) = tls {
            match serde_json::from_value::<Vec<L4Route>>(Value::Array(tls.clone())) {
                Err(_) => errs.push(invalid(
                    "Unable to get TLS routes for Istio VirtualService".into(),
                )),
                Ok(routes) => {
                    if let Err(e) = validate_tls_routes(rollout, &vs.tls_routes, &routes) {
                        errs.push(invalid(format!(
                            "Istio VirtualService has invalid TLS routes. Error: {e}"
                        )));
                    }
                }
            }
        }
        if let Some(tcp) = tcp {
            match serde_json::from_value::<Vec<L4Route>>(Value::Array(tcp.clone())) {
                Err(_) => errs.push(invalid(
                    "Unable to get TCP routes for Istio VirtualService".into(),
                )),
                Ok(routes) => {
                    if let Err(e) = validate_tcp_routes(rollout, &vs.tcp_routes, &routes) {
                        errs.push(invalid(format!(
                            "Istio VirtualService has invalid TCP routes. Error: {e}"
                        )));
                    }
                }
            }
        }
        break;
    }
    errs
}
