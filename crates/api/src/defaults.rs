//! Argo's default values (`utils/defaults/defaults.go`, argo-behaviour.md §1.9) as constants. Applying
//! them is the planner's business; these are only the numbers.

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
/// Experiment `progressDeadlineSeconds` when unset.
pub const EXPERIMENT_PROGRESS_DEADLINE_SECONDS: i32 = 600;
/// Experiment `scaleDownDelaySeconds` when unset.
pub const EXPERIMENT_SCALE_DOWN_DELAY_SECONDS: i32 = 30;
/// Canary `trafficRouting.maxTrafficWeight` when unset.
pub const MAX_TRAFFIC_WEIGHT: i32 = 100;
/// NGINX annotation prefix when unset.
pub const NGINX_ANNOTATION_PREFIX: &str = "nginx.ingress.kubernetes.io";
/// ALB annotation prefix when unset.
pub const ALB_ANNOTATION_PREFIX: &str = "alb.ingress.kubernetes.io";
