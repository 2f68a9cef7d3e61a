//! The blue-green strategy (`BlueGreenStrategy`), in Go's field order.

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::common::PodTemplateMetadata;
use crate::rollout::{AntiAffinity, RolloutAnalysis};
use crate::serde_util::go_null;
use crate::serde_util::is_zero_i32;

/// Parameters of a blue-green deployment (`BlueGreenStrategy`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["activeService"]))]
pub struct BlueGreenStrategy {
    /// Service the rollout points at the active (stable) pods.
    #[serde(deserialize_with = "go_null")]
    pub active_service: String,
    /// Service the rollout points at the preview (new) pods.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub preview_service: String,
    /// Replicas of the preview ReplicaSet before promotion; it is fully scaled up when promoted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preview_replica_count: Option<i32>,
    /// Promote automatically rather than pausing. Defaults to true.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_promotion_enabled: Option<bool>,
    /// Seconds to wait, once the preview is fully available, before auto-promotion. Defaults to 0.
    #[serde(skip_serializing_if = "is_zero_i32", deserialize_with = "go_null")]
    pub auto_promotion_seconds: i32,
    /// Maximum number of pods unavailable during a restart. Defaults to 25%.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_unavailable: Option<IntOrString>,
    /// Delay before scaling down the previous ReplicaSet. Defaults to 30.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale_down_delay_seconds: Option<i32>,
    /// Maximum number of old ReplicaSets kept running while their scale-down is delayed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale_down_delay_revision_limit: Option<i32>,
    /// Analysis run before the active service is switched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pre_promotion_analysis: Option<RolloutAnalysis>,
    /// Anti-affinity injected into preview pods against active pods.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anti_affinity: Option<AntiAffinity>,
    /// Analysis run after the active service is switched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub post_promotion_analysis: Option<RolloutAnalysis>,
    /// Labels and annotations attached to preview pods while they are preview.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preview_metadata: Option<PodTemplateMetadata>,
    /// Labels and annotations attached to active pods while they are active.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_metadata: Option<PodTemplateMetadata>,
    /// Delay before scaling the preview down after an abort. Defaults to 30; 0 means never.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub abort_scale_down_delay_seconds: Option<i32>,
}

impl BlueGreenStrategy {
    /// `autoPromotionEnabled`, defaulting to true.
    pub fn auto_promotion_enabled(&self) -> bool {
        self.auto_promotion_enabled.unwrap_or(true)
    }
}
