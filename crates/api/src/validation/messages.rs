//! Argo's validation messages (the constants of `pkg/apis/rollouts/validation/validation.go`), verbatim.

/// `MissingFieldMessage` with its field.
pub fn missing_field(field: &str) -> String {
    format!("Rollout has missing field '{field}'")
}

/// `InvalidSetWeightMessage` with the maximum weight.
pub fn invalid_set_weight(max: i32) -> String {
    format!("SetWeight needs to be between 0 and {max}")
}

/// `InvalidCanaryExperimentTemplateWeightWithoutTrafficRouting`.
pub const INVALID_CANARY_EXPERIMENT_TEMPLATE_WEIGHT_WITHOUT_TRAFFIC_ROUTING: &str =
    "Experiment template weight cannot be set unless TrafficRouting is enabled";
/// The message for an experiment template weight with an unsupported router.
pub const INVALID_EXPERIMENT_TEMPLATE_WEIGHT_ROUTER: &str = "Experiment template weight is only available for TrafficRouting with SMI, ALB, Istio and Plugins at this time";
/// `InvalidSetCanaryScaleTrafficPolicy`.
pub const INVALID_SET_CANARY_SCALE_TRAFFIC_POLICY: &str = "SetCanaryScale requires TrafficRouting to be set";
/// `InvalidSetHeaderRouteTrafficPolicy`.
pub const INVALID_SET_HEADER_ROUTE_TRAFFIC_POLICY: &str =
    "SetHeaderRoute requires TrafficRouting, supports Istio and ALB and Apisix";
/// `InvalidSetMirrorRouteTrafficPolicy`.
pub const INVALID_SET_MIRROR_ROUTE_TRAFFIC_POLICY: &str =
    "SetMirrorRoute requires TrafficRouting, supports Istio and Plugins";
/// `InvalidStringMatchMultipleValuePolicy`.
pub const INVALID_STRING_MATCH_MULTIPLE_VALUE_POLICY: &str =
    "StringMatch match value must have exactly one of the following: exact, regex, prefix";
/// `InvalidStringMatchMissedValuePolicy`.
pub const INVALID_STRING_MATCH_MISSED_VALUE_POLICY: &str =
    "StringMatch value missed, match value must have one of the following: exact, regex, prefix";
/// `InvalidSetHeaderRouteALBValuePolicy`.
pub const INVALID_SET_HEADER_ROUTE_ALB_VALUE_POLICY: &str =
    "SetHeaderRoute match value invalid. ALB supports 'exact' value only";
/// `InvalidDurationMessage`.
pub const INVALID_DURATION_MESSAGE: &str = "Duration needs to be greater than 0";
/// `InvalidMaxSurgeMaxUnavailable`.
pub const INVALID_MAX_SURGE_MAX_UNAVAILABLE: &str = "MaxSurge and MaxUnavailable both can not be zero";
/// `InvalidStepMessage`.
pub const INVALID_STEP_MESSAGE: &str =
    "Step must have one of the following set: experiment, setWeight, setCanaryScale, plugin or pause";
/// `InvalidStrategyMessage`.
pub const INVALID_STRATEGY_MESSAGE: &str = "Multiple Strategies can not be listed";
/// `DuplicatedServicesBlueGreenMessage`.
pub const DUPLICATED_SERVICES_BLUE_GREEN_MESSAGE: &str = "This rollout uses the same service for the active and preview services, but two different services are required.";
/// `DuplicatedServicesCanaryMessage`.
pub const DUPLICATED_SERVICES_CANARY_MESSAGE: &str = "This rollout uses the same service for the stable and canary services, but two different services are required.";
/// `InvalidAntiAffinityStrategyMessage`.
pub const INVALID_ANTI_AFFINITY_STRATEGY_MESSAGE: &str = "AntiAffinity must have exactly one strategy listed";
/// `InvalidAntiAffinityWeightMessage`.
pub const INVALID_ANTI_AFFINITY_WEIGHT_MESSAGE: &str = "AntiAffinity weight must be between 1-100";
/// `ScaleDownLimitLargerThanRevisionLimit`.
pub const SCALE_DOWN_LIMIT_LARGER_THAN_REVISION_LIMIT: &str =
    "This rollout's revision history limit can not be smaller than the rollout's scale down limit";
/// `InvalidTrafficRoutingMessage`.
pub const INVALID_TRAFFIC_ROUTING_MESSAGE: &str =
    "Canary service and Stable service must to be set to use Traffic Routing";
/// `InvalidAnalysisArgsMessage`.
pub const INVALID_ANALYSIS_ARGS_MESSAGE: &str =
    "Analyses arguments must refer to valid object metadata supported by downwardAPI";
/// `InvalidCanaryScaleDownDelay`.
pub const INVALID_CANARY_SCALE_DOWN_DELAY: &str =
    "Canary scaleDownDelaySeconds can only be used with traffic routing";
/// `InvalidCanaryDynamicStableScale`.
pub const INVALID_CANARY_DYNAMIC_STABLE_SCALE: &str =
    "Canary dynamicStableScale can only be used with traffic routing";
/// `InvalidCanaryDynamicStableScaleWithScaleDownDelay`.
pub const INVALID_CANARY_DYNAMIC_STABLE_SCALE_WITH_SCALE_DOWN_DELAY: &str =
    "Canary dynamicStableScale cannot be used with scaleDownDelaySeconds";
/// `InvalidCanaryMaxWeightOnlySupportInNginxAndPlugins`.
pub const INVALID_CANARY_MAX_WEIGHT_ONLY_SUPPORT_IN_NGINX_AND_PLUGINS: &str =
    "Canary maxTrafficWeight in traffic routing only supported in Nginx and Plugins";
/// `InvalidPingPongProvidedMessage`.
pub const INVALID_PING_PONG_PROVIDED_MESSAGE: &str =
    "Ping service and Pong service must to be set to use Ping-Pong feature";
/// `DuplicatedPingPongServicesMessage`.
pub const DUPLICATED_PING_PONG_SERVICES_MESSAGE: &str = "This rollout uses the same service for the ping and pong services, but two different services are required.";
/// `MissedAlbRootServiceMessage`.
pub const MISSED_ALB_ROOT_SERVICE_MESSAGE: &str =
    "Root service field is required for the configuration with ALB and ping-pong feature enabled";
/// `PingPongWithRouterOnlyMessage`.
pub const PING_PONG_WITH_ROUTER_ONLY_MESSAGE: &str =
    "Ping-pong feature works with the ALB, Istio, and plugin-based traffic routers only";
/// `InvalideStepRouteNameNotFoundInManagedRoutes` (sic).
pub const INVALID_STEP_ROUTE_NAME_NOT_FOUND_IN_MANAGED_ROUTES: &str =
    "Steps define a route that does not exist in spec.strategy.canary.trafficRouting.managedRoutes";
/// `conditions.ServiceReferencingManagedService` with the service name.
pub fn service_referencing_managed_service(service: &str) -> String {
    format!(
        "Service {} is managed by another Rollout",
        super::field::go_quote(service)
    )
}
