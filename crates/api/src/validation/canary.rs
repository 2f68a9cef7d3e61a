//! `ValidateRolloutStrategyCanary` and its helpers (`pkg/apis/rollouts/validation/validation.go`): services,
//! ping-pong, traffic-routing-only settings, every step, anti-affinity. Paths are Argo's:
//! `spec.strategy.<field>`, without `canary`.

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::field::{BadValue, FieldError, FieldPath};
use super::fieldpath::extract_field_path_as_string;
use super::messages::*;
use super::rollout::validate_rollout_strategy_anti_affinity;
use crate::defaults;
use crate::rollout::{CanaryStep, ManagedRoute, Rollout, StringMatch};

/// `requireCanaryStableServices`: the routers that need both `canaryService` and `stableService`.
pub fn require_canary_stable_services(rollout: &Rollout) -> bool {
    let Some(canary) = rollout.canary() else {
        return false;
    };
    let Some(tr) = &canary.traffic_routing else {
        return false;
    };
    (tr.alb.is_some() && canary.ping_pong.is_none())
        || (tr.istio.as_ref().is_some_and(|i| i.destination_rule.is_none()) && canary.ping_pong.is_none())
        || tr.smi.is_some()
        || tr.apisix.is_some()
        || tr.ambassador.is_some()
        || tr.nginx.is_some()
        || tr.app_mesh.is_some()
        || tr.traefik.is_some()
}

/// `ValidateRolloutStrategyCanary` at `path` (`spec.strategy`).
pub fn validate_rollout_strategy_canary(rollout: &Rollout, path: &FieldPath) -> Vec<FieldError> {
    let Some(canary) = rollout.canary() else {
        return Vec::new();
    };
    let mut errs = invalid_max_surge_max_unavailable(rollout, &path.child("maxSurge"));
    if !canary.canary_service.is_empty() && canary.canary_service == canary.stable_service {
        errs.push(FieldError::invalid(
            &path.child("stableService"),
            &canary.stable_service,
            DUPLICATED_SERVICES_CANARY_MESSAGE,
        ));
    }
    let tr = canary.traffic_routing.as_ref();
    if let Some(pp) = &canary.ping_pong {
        if let Some(tr) = tr
            && tr.alb.is_none()
            && tr.istio.is_none()
            && tr.plugins.is_empty()
        {
            errs.push(FieldError::invalid(
                &path.children(&["trafficRouting", "alb"]),
                BadValue::Json(serde_json::Value::Null),
                PING_PONG_WITH_ROUTER_ONLY_MESSAGE,
            ));
        }
        if pp.ping_service.is_empty() {
            errs.push(FieldError::invalid(
                &path.children(&["pingPong", "pingService"]),
                &pp.ping_service,
                INVALID_PING_PONG_PROVIDED_MESSAGE,
            ));
        }
        if pp.pong_service.is_empty() {
            errs.push(FieldError::invalid(
                &path.children(&["pingPong", "pongService"]),
                &pp.pong_service,
                INVALID_PING_PONG_PROVIDED_MESSAGE,
            ));
        }
        if pp.ping_service == pp.pong_service {
            errs.push(FieldError::invalid(
                &path.children(&["pingPong", "pingService"]),
                &pp.ping_service,
                DUPLICATED_PING_PONG_SERVICES_MESSAGE,
            ));
        }
        if let Some(alb) = tr.and_then(|t| t.alb.as_ref())
            && alb.root_service.is_empty()
        {
            errs.push(FieldError::invalid(
                &path.children(&["trafficRouting", "alb", "rootService"]),
                &alb.root_service,
                MISSED_ALB_ROOT_SERVICE_MESSAGE,
            ));
        }
    }
    if require_canary_stable_services(rollout) {
        if canary.stable_service.is_empty() {
            errs.push(FieldError::invalid(
                &path.child("stableService"),
                "",
                INVALID_TRAFFIC_ROUTING_MESSAGE,
            ));
        }
        if canary.canary_service.is_empty() {
            errs.push(FieldError::invalid(
                &path.child("canaryService"),
                "",
                INVALID_TRAFFIC_ROUTING_MESSAGE,
            ));
        }
    }
    match tr {
        None => {
            if let Some(delay) = canary.scale_down_delay_seconds {
                errs.push(FieldError::invalid(
                    &path.child("scaleDownDelaySeconds"),
                    delay,
                    INVALID_CANARY_SCALE_DOWN_DELAY,
                ));
            }
            if canary.dynamic_stable_scale {
                errs.push(FieldError::invalid(
                    &path.child("dynamicStableScale"),
                    true,
                    INVALID_CANARY_DYNAMIC_STABLE_SCALE,
                ));
            }
        }
        Some(tr) => {
            if canary.scale_down_delay_seconds.is_some() && canary.dynamic_stable_scale {
                errs.push(FieldError::invalid(
                    &path.child("dynamicStableScale"),
                    true,
                    INVALID_CANARY_DYNAMIC_STABLE_SCALE_WITH_SCALE_DOWN_DELAY,
                ));
            }
            if let Some(max) = tr.max_traffic_weight
                && tr.nginx.is_none()
                && tr.plugins.is_empty()
            {
                errs.push(FieldError::invalid(
                    &path.children(&["trafficRouting", "maxTrafficWeight"]),
                    BadValue::json(&max),
                    INVALID_CANARY_MAX_WEIGHT_ONLY_SUPPORT_IN_NGINX_AND_PLUGINS,
                ));
            }
        }
    }
    for (i, step) in canary.steps.iter().enumerate() {
        errs.extend(validate_step(rollout, step, path, &path.child("steps").index(i)));
    }
    errs.extend(validate_rollout_strategy_anti_affinity(
        canary.anti_affinity.as_ref(),
        &path.child("antiAffinity"),
    ));
    errs
}

/// The checks of one canary step at `step_path` (`spec.strategy.steps[i]`).
fn validate_step(
    rollout: &Rollout,
    step: &CanaryStep,
    path: &FieldPath,
    step_path: &FieldPath,
) -> Vec<FieldError> {
    let Some(canary) = rollout.canary() else {
        return Vec::new();
    };
    let tr = canary.traffic_routing.as_ref();
    let mut errs = has_multiple_steps_type(step, step_path);
    if step.experiment.is_none()
        && step.pause.is_none()
        && step.set_weight.is_none()
        && step.analysis.is_none()
        && step.set_canary_scale.is_none()
        && step.set_header_route.is_none()
        && step.set_mirror_route.is_none()
        && step.plugin.is_none()
    {
        errs.push(FieldError::invalid(
            step_path,
            "step.Experiment: true step.Pause: true step.SetWeight: true step.Analysis: true step.SetCanaryScale: true step.SetHeaderRoute: true step.SetMirrorRoute: true step.Plugin: true",
            INVALID_STEP_MESSAGE,
        ));
    }
    let max_weight = defaults::max_traffic_weight(rollout);
    if let Some(weight) = step.set_weight
        && !(0..=max_weight).contains(&weight)
    {
        errs.push(FieldError::invalid(
            &step_path.child("setWeight"),
            weight,
            invalid_set_weight(max_weight),
        ));
    }
    if let Some(pause) = &step.pause
        && pause.duration_seconds() < 0
    {
        errs.push(FieldError::invalid(
            &step_path.children(&["pause", "duration"]),
            pause.duration_seconds(),
            INVALID_DURATION_MESSAGE,
        ));
    }
    if step.set_canary_scale.is_some() && tr.is_none() {
        errs.push(FieldError::required(
            &path.child("trafficRouting"),
            INVALID_SET_CANARY_SCALE_TRAFFIC_POLICY,
        ));
    }
    if let Some(route) = &step.set_header_route {
        let p = step_path.child("setHeaderRoute");
        match tr {
            Some(t)
                if t.istio.is_some() || t.alb.is_some() || t.apisix.is_some() || !t.plugins.is_empty() =>
            {
                for (j, m) in route.r#match.iter().enumerate() {
                    let match_path = p.child("match").index(j);
                    if t.alb.is_some() {
                        errs.extend(has_alb_invalid_values(m.header_value.as_ref(), &match_path));
                    } else {
                        errs.extend(has_multiple_match_values(m.header_value.as_ref(), &match_path));
                    }
                }
            }
            _ => errs.push(FieldError::invalid(
                &p,
                BadValue::json(route),
                INVALID_SET_HEADER_ROUTE_TRAFFIC_POLICY,
            )),
        }
    }
    if let Some(route) = &step.set_mirror_route {
        let p = step_path.child("setMirrorRoute");
        if !tr.is_some_and(|t| t.istio.is_some() || !t.plugins.is_empty()) {
            errs.push(FieldError::invalid(
                &p,
                BadValue::json(route),
                INVALID_SET_MIRROR_ROUTE_TRAFFIC_POLICY,
            ));
        }
        for (j, m) in route.r#match.iter().enumerate() {
            let match_path = p.child("match").index(j);
            // Argo checks `method` twice (and `path` once).
            for value in [&m.method, &m.path, &m.method].into_iter().flatten() {
                errs.extend(has_multiple_match_values(Some(value), &match_path));
            }
        }
    }
    if let Some(t) = tr
        && (step.set_header_route.is_some() || step.set_mirror_route.is_some())
    {
        if t.managed_routes.is_empty() {
            errs.push(FieldError::required(
                &path.children(&["trafficRouting", "managedRoutes"]),
                missing_field("spec.strategy.canary.trafficRouting.managedRoutes"),
            ));
        } else {
            if let Some(route) = &step.set_header_route {
                errs.extend(validate_step_route_found_in_managed_route(
                    &step_path.child("setHeaderRoute"),
                    &route.name,
                    &t.managed_routes,
                ));
            }
            if let Some(route) = &step.set_mirror_route {
                errs.extend(validate_step_route_found_in_managed_route(
                    &step_path.child("setMirrorRoute"),
                    &route.name,
                    &t.managed_routes,
                ));
            }
        }
    }
    let mut args = Vec::new();
    if let Some(exp) = &step.experiment {
        for (k, template) in exp.templates.iter().enumerate() {
            let Some(weight) = template.weight else { continue };
            let p = step_path
                .children(&["experiment", "templates"])
                .index(k)
                .child("weight");
            match tr {
                None => errs.push(FieldError::invalid(
                    &p,
                    weight,
                    INVALID_CANARY_EXPERIMENT_TEMPLATE_WEIGHT_WITHOUT_TRAFFIC_ROUTING,
                )),
                Some(t)
                    if t.alb.is_none() && t.smi.is_none() && t.istio.is_none() && t.plugins.is_empty() =>
                {
                    errs.push(FieldError::invalid(
                        &p,
                        weight,
                        INVALID_EXPERIMENT_TEMPLATE_WEIGHT_ROUTER,
                    ));
                }
                Some(_) => {}
            }
        }
        args.extend(exp.analyses.iter().flat_map(|a| a.args.iter()));
    }
    if let Some(analysis) = &step.analysis {
        args.extend(analysis.args.iter());
    }
    for arg in &args {
        if let Some(field_ref) = arg.value_from.as_ref().and_then(|v| v.field_ref.as_ref())
            && field_ref.field_path.starts_with("metadata")
            && extract_field_path_as_string(&rollout.metadata, &field_ref.field_path).is_err()
        {
            errs.push(FieldError::invalid(
                &step_path.child("analyses"),
                BadValue::json(&args),
                INVALID_ANALYSIS_ARGS_MESSAGE,
            ));
        }
    }
    errs
}

/// `ValidateStepRouteFoundInManagedRoute`.
pub fn validate_step_route_found_in_managed_route(
    path: &FieldPath,
    route_name: &str,
    managed: &[ManagedRoute],
) -> Vec<FieldError> {
    if managed.iter().any(|m| m.name == route_name) {
        Vec::new()
    } else {
        vec![FieldError::invalid(
            path,
            route_name,
            INVALID_STEP_ROUTE_NAME_NOT_FOUND_IN_MANAGED_ROUTES,
        )]
    }
}

/// Go's `getIntOrPercentValue`: a valid percentage string (`"25%"`) is its number, anything else is
/// `IntOrString.IntValue()` (so `"25"` is 25 and `"abc"` is 0).
pub fn int_or_percent_value(value: &IntOrString) -> i64 {
    if let IntOrString::String(s) = value
        && let Some(number) = s.strip_suffix('%')
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
    {
        return defaults::go_atoi(number);
    }
    defaults::int_value(value)
}

/// `invalidMaxSurgeMaxUnavailable`: both resolving to 0 is an error at `path` (`spec.strategy.maxSurge`).
pub fn invalid_max_surge_max_unavailable(rollout: &Rollout, path: &FieldPath) -> Vec<FieldError> {
    let surge = defaults::max_surge_or_default(rollout);
    let unavailable = defaults::max_unavailable_or_default(rollout);
    if int_or_percent_value(&surge) == 0 && int_or_percent_value(&unavailable) == 0 {
        vec![FieldError::invalid(
            path,
            BadValue::json(&surge),
            INVALID_MAX_SURGE_MAX_UNAVAILABLE,
        )]
    } else {
        Vec::new()
    }
}

/// `hasMultipleStepsType`: more than one of setWeight, pause, experiment and analysis.
pub fn has_multiple_steps_type(step: &CanaryStep, path: &FieldPath) -> Vec<FieldError> {
    let set = [
        step.set_weight.is_some(),
        step.pause.is_some(),
        step.experiment.is_some(),
        step.analysis.is_some(),
    ];
    if set.iter().filter(|s| **s).count() > 1 {
        vec![FieldError::invalid(
            path,
            format!(
                "step.Experiment: {} step.Pause: {} step.SetWeight: {} step.Analysis: {}",
                step.experiment.is_some(),
                step.pause.is_some(),
                step.set_weight.is_some(),
                step.analysis.is_some()
            ),
            INVALID_STEP_MESSAGE,
        )]
    } else {
        Vec::new()
    }
}

/// `hasALBInvalidValues`: ALB header routes support `exact` only.
pub fn has_alb_invalid_values(m: Option<&StringMatch>, path: &FieldPath) -> Vec<FieldError> {
    match m {
        None => vec![FieldError::invalid(
            path,
            BadValue::Json(serde_json::Value::Null),
            INVALID_STRING_MATCH_MISSED_VALUE_POLICY,
        )],
        Some(m) if m.exact.is_empty() || !m.regex.is_empty() || !m.prefix.is_empty() => {
            vec![FieldError::invalid(
                path,
                BadValue::json(m),
                INVALID_SET_HEADER_ROUTE_ALB_VALUE_POLICY,
            )]
        }
        Some(_) => Vec::new(),
    }
}

/// `hasMultipleMatchValues`: exactly one of exact, regex and prefix.
pub fn has_multiple_match_values(m: Option<&StringMatch>, path: &FieldPath) -> Vec<FieldError> {
    let Some(m) = m else {
        return vec![FieldError::invalid(
            path,
            BadValue::Json(serde_json::Value::Null),
            INVALID_STRING_MATCH_MISSED_VALUE_POLICY,
        )];
    };
    let count = [&m.exact, &m.regex, &m.prefix]
        .iter()
        .filter(|s| !s.is_empty())
        .count();
    match count {
        0 => vec![FieldError::invalid(
            path,
            BadValue::json(m),
            INVALID_STRING_MATCH_MISSED_VALUE_POLICY,
        )],
        1 => Vec::new(),
        _ => vec![FieldError::invalid(
            path,
            BadValue::json(m),
            INVALID_STRING_MATCH_MULTIPLE_VALUE_POLICY,
        )],
    }
}
