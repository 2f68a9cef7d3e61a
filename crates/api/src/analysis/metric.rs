//! A metric of an analysis (`Metric`) and the choice of its provider (`MetricProvider`).

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::analysis::providers::*;
use crate::duration::DurationString;
use crate::serde_util::go_null;

/// A metric measured during an analysis (`Metric`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["name", "provider"]))]
pub struct Metric {
    /// Name of the metric.
    #[serde(deserialize_with = "go_null")]
    pub name: String,
    /// Time between measurements (Go duration string); unset means a single measurement.
    #[serde(
        skip_serializing_if = "DurationString::is_empty",
        deserialize_with = "go_null"
    )]
    pub interval: DurationString,
    /// Time to wait before the first measurement (Go duration string).
    #[serde(
        skip_serializing_if = "DurationString::is_empty",
        deserialize_with = "go_null"
    )]
    pub initial_delay: DurationString,
    /// Number of measurements. Unset with `interval` set means indefinitely; 0 is treated as unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<IntOrString>,
    /// Expression deciding that a measurement is successful (`result` is the measured value).
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub success_condition: String,
    /// Expression deciding that a measurement failed.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub failure_condition: String,
    /// Failed measurements allowed before the metric fails (default 0; -1 disables).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_limit: Option<IntOrString>,
    /// Inconclusive measurements allowed before the metric is inconclusive (default 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inconclusive_limit: Option<IntOrString>,
    /// Consecutive errors allowed before the metric errors (default 4).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consecutive_error_limit: Option<IntOrString>,
    /// Where the measurements come from.
    #[serde(deserialize_with = "go_null")]
    pub provider: MetricProvider,
    /// Consecutive successful measurements needed for the metric to succeed (default 0: disabled).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consecutive_success_limit: Option<IntOrString>,
}

/// The system a metric is measured with (`MetricProvider`); exactly one field should be set.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct MetricProvider {
    /// A Prometheus query.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prometheus: Option<PrometheusMetric>,
    /// A Kayenta canary analysis.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kayenta: Option<KayentaMetric>,
    /// A generic HTTP request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub web: Option<WebMetric>,
    /// A Datadog query.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub datadog: Option<DatadogMetric>,
    /// A Wavefront query.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wavefront: Option<WavefrontMetric>,
    /// A New Relic NRQL query.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_relic: Option<NewRelicMetric>,
    /// A Kubernetes Job whose success or failure is the measurement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job: Option<JobMetric>,
    /// A CloudWatch query.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloud_watch: Option<CloudWatchMetric>,
    /// A Graphite query.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub graphite: Option<GraphiteMetric>,
    /// An InfluxDB Flux query.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub influxdb: Option<InfluxdbMetric>,
    /// A SkyWalking query.
    #[serde(rename = "skywalking", skip_serializing_if = "Option::is_none")]
    pub sky_walking: Option<SkyWalkingMetric>,
    /// Metric plugins: plugin name to its configuration, kept as raw JSON.
    #[serde(skip_serializing_if = "BTreeMap::is_empty", deserialize_with = "go_null")]
    #[schemars(schema_with = "crate::schema::preserve_unknown_object")]
    pub plugin: BTreeMap<String, serde_json::Value>,
}
