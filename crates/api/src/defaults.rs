//! Argo's default values and the getters that apply them (`utils/defaults/defaults.go`, `utils/weightutil`,
//! argo-behaviour.md §1.9), as pure functions over our types.
//!
//! Go keeps some of these settings in process-wide variables changed by controller flags (API versions of
//! the traffic routers, the metric clean-up delay, ...); here they are constants plus [`ApiVersions`], a
//! plain value the controller builds from its flags. Durations that Go returns as `time.Duration` are
//! returned as whole seconds (`i32`), because a user may write a negative number and Rust's `Duration`
//! cannot hold it.

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::analysis::Metric;
use crate::experiment::Experiment;
use crate::rollout::Rollout;

/// `spec.replicas` when unset.
pub const REPLICAS: i32 = 1;
/// `spec.revisionHistoryLimit` when unset.
pub const REVISION_HISTORY_LIMIT: i32 = 10;
/// `spec.analysis.successfulRunHistoryLimit` when unset.
pub const SUCCESSFUL_RUN_HISTORY_LIMIT: i32 = 5;
/// `spec.analysis.unsuccessfulRunHistoryLimit` when unset.
pub const UNSUCCESSFUL_RUN_HISTORY_LIMIT: i32 = 5;
/// `maxSurge` when unset: the string `"25"`, which Argo reads as 25%.
pub const MAX_SURGE: &str = "25";
/// `maxUnavailable` when unset: the string `"25"`, which Argo reads as 25%.
pub const MAX_UNAVAILABLE: &str = "25";
/// `spec.progressDeadlineSeconds` when unset.
pub const PROGRESS_DEADLINE_SECONDS: i32 = 600;
/// `scaleDownDelaySeconds` when unset (blue-green always; canary only with traffic routing).
pub const SCALE_DOWN_DELAY_SECONDS: i32 = 30;
/// `abortScaleDownDelaySeconds` when unset (blue-green; canary with traffic routing).
pub const ABORT_SCALE_DOWN_DELAY_SECONDS: i32 = 30;
/// `blueGreen.autoPromotionEnabled` when unset.
pub const AUTO_PROMOTION_ENABLED: bool = true;
/// `metric.consecutiveErrorLimit` when unset.
pub const CONSECUTIVE_ERROR_LIMIT: i32 = 4;
/// Experiment `progressDeadlineSeconds` when unset (Go reuses `DefaultProgressDeadlineSeconds`).
pub const EXPERIMENT_PROGRESS_DEADLINE_SECONDS: i32 = 600;
/// Experiment `scaleDownDelaySeconds` when unset (Go reuses `DefaultScaleDownDelaySeconds`).
pub const EXPERIMENT_SCALE_DOWN_DELAY_SECONDS: i32 = 30;
/// Canary `trafficRouting.maxTrafficWeight` when unset (`weightutil.MaxTrafficWeight`).
pub const MAX_TRAFFIC_WEIGHT: i32 = 100;
/// NGINX annotation prefix when unset.
pub const NGINX_ANNOTATION_PREFIX: &str = "nginx.ingress.kubernetes.io";
/// ALB annotation prefix when unset.
pub const ALB_ANNOTATION_PREFIX: &str = "alb.ingress.kubernetes.io";

/// Client-side throttling of the Kubernetes client: queries per second (`DefaultQPS`).
pub const QPS: f32 = 40.0;
/// Client-side throttling of the Kubernetes client: burst (`DefaultBurst`).
pub const BURST: i32 = 80;
/// Page size when looking AWS load balancers up by DNS name (`DefaultAwsLoadBalancerPageSize`).
pub const AWS_LOAD_BALANCER_PAGE_SIZE: i32 = 300;
/// Seconds before the metrics of a deleted object are removed (`DefaultMetricCleanupDelay`).
pub const METRIC_CLEANUP_DELAY_SECONDS: i32 = 65;
/// Name of the controller's ConfigMap (`DefaultRolloutsConfigMapName`).
pub const ROLLOUTS_CONFIG_MAP_NAME: &str = "argo-rollouts-config";
/// Folder plugins are downloaded to (`DefaultRolloutPluginFolder`).
pub const ROLLOUT_PLUGIN_FOLDER: &str = "plugin-bin";
/// Resources (ARNs) per AWS DescribeTags call (`DefaultDescribeTagsLimit`).
pub const DESCRIBE_TAGS_LIMIT: i32 = 20;
/// Longest DNS label Kubernetes accepts, used for analysis Job names (`Kubernetes_DNS_Limit`).
pub const KUBERNETES_DNS_LIMIT: usize = 63;
/// Namespace of the controller when neither `POD_NAMESPACE` nor the service-account namespace is known.
pub const CONTROLLER_NAMESPACE: &str = "argo-rollouts";
/// Environment variable overriding the rollout weight-verification retry interval.
pub const ENV_ROLLOUT_VERIFY_RETRY_INTERVAL: &str = "ROLLOUT_VERIFY_RETRY_INTERVAL";
/// Seconds between weight-verification retries (`rolloutVerifyRetryInterval`).
pub const ROLLOUT_VERIFY_RETRY_INTERVAL_SECONDS: i64 = 10;

/// API group of Ambassador.
pub const AMBASSADOR_API_GROUP: &str = "getambassador.io";
/// `apiVersion` of Ambassador Mappings.
pub const AMBASSADOR_VERSION: &str = "getambassador.io/v2";
/// Version of Istio's `networking.istio.io` group.
pub const ISTIO_VERSION: &str = "v1alpha3";
/// Version of SMI's TrafficSplit.
pub const SMI_TRAFFIC_SPLIT_VERSION: &str = "v1alpha1";
/// `apiVersion` of AWS TargetGroupBindings.
pub const TARGET_GROUP_BINDING_API_VERSION: &str = "elbv2.k8s.aws/v1beta1";
/// Tag key of the AWS load-balancer resource id.
pub const ALB_TAG_KEY_RESOURCE_ID: &str = "ingress.k8s.aws/resource";
/// Version of the App Mesh CRDs.
pub const APP_MESH_CRD_VERSION: &str = "v1beta2";
/// API group of Traefik.
pub const TRAEFIK_API_GROUP: &str = "traefik.io";
/// `apiVersion` of Traefik services.
pub const TRAEFIK_VERSION: &str = "traefik.io/v1alpha1";
/// API group of APISIX.
pub const APISIX_API_GROUP: &str = "apisix.apache.org";
/// `apiVersion` of APISIX routes.
pub const APISIX_VERSION: &str = "apisix.apache.org/v2";

/// The traffic-router API versions and related settings the controller's flags may change (the
/// `Set*`/`Get*` globals of `utils/defaults`). [`Default`] gives Argo's defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiVersions {
    /// Version of `networking.istio.io` (`--istio-api-version`).
    pub istio: String,
    /// `apiVersion` of Ambassador Mappings (`--ambassador-api-version`).
    pub ambassador: String,
    /// Version of SMI TrafficSplits.
    pub smi: String,
    /// Version of the App Mesh CRDs.
    pub app_mesh: String,
    /// API group of Traefik.
    pub traefik_api_group: String,
    /// `apiVersion` of Traefik services.
    pub traefik: String,
    /// `apiVersion` of TargetGroupBindings.
    pub target_group_binding: String,
    /// Tag key of the AWS load-balancer resource id.
    pub alb_tag_key_resource_id: String,
    /// Whether ALB target groups are verified after a weight change (`--alb-verify-weight`).
    pub verify_target_group: bool,
}

impl Default for ApiVersions {
    fn default() -> Self {
        Self {
            istio: ISTIO_VERSION.to_owned(),
            ambassador: AMBASSADOR_VERSION.to_owned(),
            smi: SMI_TRAFFIC_SPLIT_VERSION.to_owned(),
            app_mesh: APP_MESH_CRD_VERSION.to_owned(),
            traefik_api_group: TRAEFIK_API_GROUP.to_owned(),
            traefik: TRAEFIK_VERSION.to_owned(),
            target_group_binding: TARGET_GROUP_BINDING_API_VERSION.to_owned(),
            alb_tag_key_resource_id: ALB_TAG_KEY_RESOURCE_ID.to_owned(),
            verify_target_group: false,
        }
    }
}

/// `GetStringOrDefault`: `value`, or `default` when `value` is empty.
pub fn string_or_default<'a>(value: &'a str, default: &'a str) -> &'a str {
    if value.is_empty() { default } else { value }
}

/// `GetReplicasOrDefault`.
pub fn replicas_or_default(replicas: Option<i32>) -> i32 {
    replicas.unwrap_or(REPLICAS)
}

/// `GetRevisionHistoryLimitOrDefault`.
pub fn revision_history_limit_or_default(rollout: &Rollout) -> i32 {
    rollout
        .spec
        .revision_history_limit
        .unwrap_or(REVISION_HISTORY_LIMIT)
}

/// `GetAnalysisRunSuccessfulHistoryLimitOrDefault`.
pub fn analysis_run_successful_history_limit_or_default(rollout: &Rollout) -> i32 {
    rollout
        .spec
        .analysis
        .as_ref()
        .and_then(|a| a.successful_run_history_limit)
        .unwrap_or(SUCCESSFUL_RUN_HISTORY_LIMIT)
}

/// `GetAnalysisRunUnsuccessfulHistoryLimitOrDefault`.
pub fn analysis_run_unsuccessful_history_limit_or_default(rollout: &Rollout) -> i32 {
    rollout
        .spec
        .analysis
        .as_ref()
        .and_then(|a| a.unsuccessful_run_history_limit)
        .unwrap_or(UNSUCCESSFUL_RUN_HISTORY_LIMIT)
}

/// `GetMaxSurgeOrDefault`: the canary's `maxSurge`, else the string `"25"` (a blue-green `maxSurge` does
/// not exist).
pub fn max_surge_or_default(rollout: &Rollout) -> IntOrString {
    rollout
        .spec
        .strategy
        .canary
        .as_ref()
        .and_then(|c| c.max_surge.clone())
        .unwrap_or_else(|| IntOrString::String(MAX_SURGE.to_owned()))
}

/// `GetMaxUnavailableOrDefault`: the blue-green `maxUnavailable`, else the canary's, else `"25"`.
pub fn max_unavailable_or_default(rollout: &Rollout) -> IntOrString {
    let strategy = &rollout.spec.strategy;
    strategy
        .blue_green
        .as_ref()
        .and_then(|b| b.max_unavailable.clone())
        .or_else(|| strategy.canary.as_ref().and_then(|c| c.max_unavailable.clone()))
        .unwrap_or_else(|| IntOrString::String(MAX_UNAVAILABLE.to_owned()))
}

/// `GetCanaryIngressAnnotationPrefixOrDefault`: the NGINX `annotationPrefix`, else
/// `nginx.ingress.kubernetes.io`.
pub fn canary_ingress_annotation_prefix_or_default(rollout: &Rollout) -> &str {
    rollout
        .traffic_routing()
        .and_then(|t| t.nginx.as_ref())
        .map(|n| n.annotation_prefix.as_str())
        .filter(|p| !p.is_empty())
        .unwrap_or(NGINX_ANNOTATION_PREFIX)
}

/// The ALB `annotationPrefix`, else `alb.ingress.kubernetes.io` (Go inlines this in the ALB router).
pub fn alb_annotation_prefix_or_default(rollout: &Rollout) -> &str {
    rollout
        .traffic_routing()
        .and_then(|t| t.alb.as_ref())
        .map(|a| a.annotation_prefix.as_str())
        .filter(|p| !p.is_empty())
        .unwrap_or(ALB_ANNOTATION_PREFIX)
}

/// `GetProgressDeadlineSecondsOrDefault`.
pub fn progress_deadline_seconds_or_default(rollout: &Rollout) -> i32 {
    rollout
        .spec
        .progress_deadline_seconds
        .unwrap_or(PROGRESS_DEADLINE_SECONDS)
}

/// `GetExperimentProgressDeadlineSecondsOrDefault`.
pub fn experiment_progress_deadline_seconds_or_default(experiment: &Experiment) -> i32 {
    experiment
        .spec
        .progress_deadline_seconds
        .unwrap_or(EXPERIMENT_PROGRESS_DEADLINE_SECONDS)
}

/// `GetExperimentScaleDownDelaySecondsOrDefault`.
pub fn experiment_scale_down_delay_seconds_or_default(experiment: &Experiment) -> i32 {
    experiment
        .spec
        .scale_down_delay_seconds
        .unwrap_or(EXPERIMENT_SCALE_DOWN_DELAY_SECONDS)
}

/// `GetScaleDownDelaySecondsOrDefault`, in seconds: blue-green's `scaleDownDelaySeconds` (default 30); a
/// canary's only with traffic routing (default 30), otherwise 0; 0 without a strategy.
pub fn scale_down_delay_seconds_or_default(rollout: &Rollout) -> i32 {
    let strategy = &rollout.spec.strategy;
    let mut delay = 0;
    if let Some(bg) = &strategy.blue_green {
        delay = bg.scale_down_delay_seconds.unwrap_or(SCALE_DOWN_DELAY_SECONDS);
    }
    if let Some(canary) = &strategy.canary
        && canary.traffic_routing.is_some()
    {
        delay = canary
            .scale_down_delay_seconds
            .unwrap_or(SCALE_DOWN_DELAY_SECONDS);
    }
    delay
}

/// What `GetAbortScaleDownDelaySecondsOrDefault` returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AbortScaleDownDelay {
    /// Seconds to wait before scaling the canary/preview down after an abort; `None` means never scale it
    /// down (`abortScaleDownDelaySeconds: 0`), `Some(0)` means immediately.
    pub delay_seconds: Option<i32>,
    /// Whether `abortScaleDownDelaySeconds` was written in the spec.
    pub was_set: bool,
}

/// `GetAbortScaleDownDelaySecondsOrDefault`: blue-green's `abortScaleDownDelaySeconds` (default 30); a
/// canary's only with traffic routing (default 30), otherwise 0 (scale down at once); an explicit 0 means
/// never.
pub fn abort_scale_down_delay_seconds_or_default(rollout: &Rollout) -> AbortScaleDownDelay {
    let strategy = &rollout.spec.strategy;
    let configured = if let Some(bg) = &strategy.blue_green {
        Some(bg.abort_scale_down_delay_seconds)
    } else if let Some(canary) = &strategy.canary
        && canary.traffic_routing.is_some()
    {
        Some(canary.abort_scale_down_delay_seconds)
    } else {
        None
    };
    match configured {
        None => AbortScaleDownDelay {
            delay_seconds: Some(0),
            was_set: false,
        },
        Some(None) => AbortScaleDownDelay {
            delay_seconds: Some(ABORT_SCALE_DOWN_DELAY_SECONDS),
            was_set: false,
        },
        Some(Some(0)) => AbortScaleDownDelay {
            delay_seconds: None,
            was_set: true,
        },
        Some(Some(seconds)) => AbortScaleDownDelay {
            delay_seconds: Some(seconds),
            was_set: true,
        },
    }
}

/// `HasExplicitAbortScaleDownDelay`: an `abortScaleDownDelaySeconds` was written and is not 0.
pub fn has_explicit_abort_scale_down_delay(rollout: &Rollout) -> bool {
    let delay = abort_scale_down_delay_seconds_or_default(rollout);
    delay.was_set && delay.delay_seconds.is_some()
}

/// `GetAutoPromotionEnabledOrDefault`: blue-green's `autoPromotionEnabled`, default true.
pub fn auto_promotion_enabled_or_default(rollout: &Rollout) -> bool {
    rollout
        .spec
        .strategy
        .blue_green
        .as_ref()
        .and_then(|b| b.auto_promotion_enabled)
        .unwrap_or(AUTO_PROMOTION_ENABLED)
}

/// `GetConsecutiveErrorLimitOrDefault`: the metric's `consecutiveErrorLimit` read with Go's
/// `IntOrString.IntValue` (a string that is not an integer is 0), default 4.
pub fn consecutive_error_limit_or_default(metric: &Metric) -> i32 {
    metric
        .consecutive_error_limit
        .as_ref()
        .map_or(CONSECUTIVE_ERROR_LIMIT, |v| {
            i32::try_from(int_value(v)).unwrap_or(CONSECUTIVE_ERROR_LIMIT)
        })
}

/// `weightutil.MaxTrafficWeight`: `trafficRouting.maxTrafficWeight`, default 100.
pub fn max_traffic_weight(rollout: &Rollout) -> i32 {
    rollout
        .traffic_routing()
        .and_then(|t| t.max_traffic_weight)
        .unwrap_or(MAX_TRAFFIC_WEIGHT)
}

/// Go's `IntOrString.IntValue()`: an int as is; a string through `strconv.Atoi`, 0 when it is not an
/// integer (and clamped to the `int64` range on overflow, as `Atoi` returns).
pub fn int_value(value: &IntOrString) -> i64 {
    match value {
        IntOrString::Int(i) => i64::from(*i),
        IntOrString::String(s) => go_atoi(s),
    }
}

/// `strconv.Atoi(s)` keeping only the value: 0 on a syntax error, the clamped value on overflow.
pub fn go_atoi(s: &str) -> i64 {
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return 0;
    }
    let mut value: i64 = 0;
    for b in digits.bytes() {
        let d = i64::from(b - b'0');
        value = match value.checked_mul(10).and_then(|v| {
            if negative {
                v.checked_sub(d)
            } else {
                v.checked_add(d)
            }
        }) {
            Some(v) => v,
            None => return if negative { i64::MIN } else { i64::MAX },
        };
    }
    value
}

/// `defaults.Namespace()`: `POD_NAMESPACE` when set (even empty), else the service-account namespace file's
/// trimmed content when non-empty, else `argo-rollouts`. The caller reads the environment and the file.
pub fn controller_namespace(
    pod_namespace_env: Option<&str>,
    service_account_namespace: Option<&str>,
) -> String {
    if let Some(ns) = pod_namespace_env {
        return ns.to_owned();
    }
    service_account_namespace
        .map(str::trim)
        .filter(|ns| !ns.is_empty())
        .unwrap_or(CONTROLLER_NAMESPACE)
        .to_owned()
}

/// The weight-verification retry interval in seconds as Argo's `init()` computes it from
/// `ROLLOUT_VERIFY_RETRY_INTERVAL`. Argo's condition is inverted (`err != nil`): a valid 32-bit integer is
/// ignored (10 s stays), a non-integer gives 0 s, and an out-of-range integer gives the clamped `int32`.
pub fn rollout_verify_retry_interval_seconds(env_value: Option<&str>) -> i64 {
    let Some(value) = env_value else {
        return ROLLOUT_VERIFY_RETRY_INTERVAL_SECONDS;
    };
    let digits = value.strip_prefix(['+', '-']).unwrap_or(value);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return 0;
    }
    let parsed = go_atoi(value);
    if i32::try_from(parsed).is_ok() {
        ROLLOUT_VERIFY_RETRY_INTERVAL_SECONDS
    } else if parsed < 0 {
        i64::from(i32::MIN)
    } else {
        i64::from(i32::MAX)
    }
}

#[cfg(test)]
#[path = "defaults_tests.rs"]
mod tests;
