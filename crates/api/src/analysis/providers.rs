//! Configuration of each metric provider (Prometheus, Kayenta, Web, Datadog, Wavefront, New Relic,
//! Job, CloudWatch, Graphite, InfluxDB, SkyWalking), in Go's field order.

use std::collections::BTreeMap;

use k8s_openapi::api::batch::v1::JobSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::duration::DurationString;
use crate::enums::WebMetricMethod;
use crate::serde_util::{empty_as_none, go_null, is_false, is_zero_i64};

/// A Prometheus query (`PrometheusMetric`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct PrometheusMetric {
    /// Address (URL) of the Prometheus server.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub address: String,
    /// The PromQL query.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub query: String,
    /// Authentication (always serialized, as Go does).
    #[serde(deserialize_with = "go_null")]
    pub authentication: Authentication,
    /// Query timeout in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<i64>,
    /// Skip TLS verification.
    #[serde(skip_serializing_if = "is_false", deserialize_with = "go_null")]
    pub insecure: bool,
    /// HTTP headers of the request.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub headers: Vec<WebMetricHeader>,
    /// Run a range query instead of an instant query.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range_query: Option<PrometheusRangeQueryArgs>,
}

/// Arguments of a Prometheus range query (`PrometheusRangeQueryArgs`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct PrometheusRangeQueryArgs {
    /// Start time as an expression, e.g. `now() - duration("1h")`.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub start: String,
    /// End time as an expression, e.g. `now()`.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub end: String,
    /// Resolution step (Go duration string).
    #[serde(
        skip_serializing_if = "DurationString::is_empty",
        deserialize_with = "go_null"
    )]
    pub step: DurationString,
}

/// Authentication of a provider request (`Authentication`); sub-structs are always serialized.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct Authentication {
    /// AWS SigV4 signing (Amazon Managed Prometheus).
    #[serde(deserialize_with = "go_null")]
    pub sigv4: Sigv4Config,
    /// OAuth2 client credentials.
    #[serde(deserialize_with = "go_null")]
    pub oauth2: OAuth2Config,
    /// HTTP basic authentication.
    #[serde(deserialize_with = "go_null")]
    pub basic_auth: BasicAuthConfig,
}

/// OAuth2 client credentials (`OAuth2Config`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct OAuth2Config {
    /// Token URL of the provider.
    #[serde(
        rename = "tokenUrl",
        skip_serializing_if = "String::is_empty",
        deserialize_with = "go_null"
    )]
    pub token_url: String,
    /// Client ID.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub client_id: String,
    /// Client secret.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub client_secret: String,
    /// Scopes to request.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub scopes: Vec<String>,
}

/// AWS SigV4 signing (`Sigv4Config`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct Sigv4Config {
    /// AWS region.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub region: String,
    /// Credential profile.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub profile: String,
    /// IAM role to assume.
    #[serde(
        rename = "roleArn",
        skip_serializing_if = "String::is_empty",
        deserialize_with = "go_null"
    )]
    pub role_arn: String,
}

/// HTTP basic authentication (`BasicAuthConfig`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct BasicAuthConfig {
    /// User name.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub username: String,
    /// Password or access token.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub password: String,
}

/// A Kayenta canary analysis (`KayentaMetric`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = [
    "address", "application", "canaryConfigName", "configurationAccountName", "metricsAccountName",
    "scopes", "storageAccountName", "threshold"
]))]
pub struct KayentaMetric {
    /// Address of Kayenta.
    #[serde(deserialize_with = "go_null")]
    pub address: String,
    /// Application name.
    #[serde(deserialize_with = "go_null")]
    pub application: String,
    /// Canary configuration name.
    #[serde(deserialize_with = "go_null")]
    pub canary_config_name: String,
    /// Metrics account name.
    #[serde(deserialize_with = "go_null")]
    pub metrics_account_name: String,
    /// Configuration account name.
    #[serde(deserialize_with = "go_null")]
    pub configuration_account_name: String,
    /// Storage account name.
    #[serde(deserialize_with = "go_null")]
    pub storage_account_name: String,
    /// Score thresholds.
    #[serde(deserialize_with = "go_null")]
    pub threshold: KayentaThreshold,
    /// Scopes to compare.
    #[serde(deserialize_with = "go_null")]
    pub scopes: Vec<KayentaScope>,
    /// Use a lookback window.
    #[serde(skip_serializing_if = "is_false", deserialize_with = "go_null")]
    pub lookback: bool,
}

/// Kayenta score thresholds (`KayentaThreshold`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["marginal", "pass"]))]
pub struct KayentaThreshold {
    /// Score at or above which the canary passes.
    #[serde(deserialize_with = "go_null")]
    pub pass: i64,
    /// Score below which the canary fails.
    #[serde(deserialize_with = "go_null")]
    pub marginal: i64,
}

/// A Kayenta scope (`KayentaScope`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["controlScope", "experimentScope", "name"]))]
pub struct KayentaScope {
    /// Name of the scope.
    #[serde(deserialize_with = "go_null")]
    pub name: String,
    /// The control (baseline) scope.
    #[serde(deserialize_with = "go_null")]
    pub control_scope: ScopeDetail,
    /// The experiment (canary) scope.
    #[serde(deserialize_with = "go_null")]
    pub experiment_scope: ScopeDetail,
}

/// Details of a Kayenta scope (`ScopeDetail`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["region", "scope", "step"]))]
pub struct ScopeDetail {
    /// The scope.
    #[serde(deserialize_with = "go_null")]
    pub scope: String,
    /// The region.
    #[serde(deserialize_with = "go_null")]
    pub region: String,
    /// The step in seconds.
    #[serde(deserialize_with = "go_null")]
    pub step: i64,
    /// Start time.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub start: String,
    /// End time.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub end: String,
}

/// A generic HTTP request (`WebMetric`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["url"]))]
pub struct WebMetric {
    /// HTTP method: GET (default), POST or PUT.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "empty_as_none")]
    pub method: Option<WebMetricMethod>,
    /// URL of the request.
    #[serde(deserialize_with = "go_null")]
    pub url: String,
    /// HTTP headers of the request.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub headers: Vec<WebMetricHeader>,
    /// Body of the request (POST/PUT).
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub body: String,
    /// Request timeout in seconds (default 10).
    #[serde(skip_serializing_if = "is_zero_i64", deserialize_with = "go_null")]
    pub timeout_seconds: i64,
    /// JSONPath of the result in the response (default `{$}`).
    #[serde(
        rename = "jsonPath",
        skip_serializing_if = "String::is_empty",
        deserialize_with = "go_null"
    )]
    pub json_path: String,
    /// Skip TLS verification.
    #[serde(skip_serializing_if = "is_false", deserialize_with = "go_null")]
    pub insecure: bool,
    /// Body of the request as JSON (POST/PUT), kept as raw JSON.
    #[serde(rename = "jsonBody", skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::preserve_unknown_object")]
    pub json_body: Option<serde_json::Value>,
    /// Authentication (always serialized, as Go does).
    #[serde(deserialize_with = "go_null")]
    pub authentication: Authentication,
}

/// An HTTP header (`WebMetricHeader`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["key", "value"]))]
pub struct WebMetricHeader {
    /// Header name.
    #[serde(deserialize_with = "go_null")]
    pub key: String,
    /// Header value.
    #[serde(deserialize_with = "go_null")]
    pub value: String,
}

/// A Datadog query (`DatadogMetric`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct DatadogMetric {
    /// Time window of the query (default `5m`); not the polling interval.
    #[serde(
        skip_serializing_if = "DurationString::is_empty",
        deserialize_with = "go_null"
    )]
    #[schemars(extend("default" = "5m"))]
    pub interval: DurationString,
    /// A v1 query.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub query: String,
    /// Named v2 queries, combined by `formula`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty", deserialize_with = "go_null")]
    pub queries: BTreeMap<String, String>,
    /// Formula over the named queries (v2).
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub formula: String,
    /// Datadog API version: `v1` (default) or `v2`.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    #[schemars(extend("enum" = ["v1", "v2"], "default" = "v1"))]
    pub api_version: String,
    /// Aggregator of metric queries (v2).
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    #[schemars(extend("enum" = ["avg", "min", "max", "sum", "last", "percentile", "mean", "l2norm", "area"]))]
    pub aggregator: String,
    /// Secret holding the Datadog credentials (always serialized, as Go does).
    #[serde(deserialize_with = "go_null")]
    pub secret_ref: SecretRef,
    /// HTTP timeout of requests to Datadog (default `10s`).
    #[serde(
        skip_serializing_if = "DurationString::is_empty",
        deserialize_with = "go_null"
    )]
    #[schemars(extend("default" = "10s"))]
    pub request_timeout: DurationString,
}

/// The Secret with Datadog credentials (`SecretRef`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct SecretRef {
    /// Name of the Secret.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub name: String,
    /// The Secret is in the metric's namespace rather than the controller's.
    #[serde(skip_serializing_if = "is_false", deserialize_with = "go_null")]
    pub namespaced: bool,
}

/// A Wavefront query (`WavefrontMetric`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct WavefrontMetric {
    /// Address of the Wavefront server.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub address: String,
    /// The query.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub query: String,
}

/// A New Relic NRQL query (`NewRelicMetric`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["query"]))]
pub struct NewRelicMetric {
    /// Secret holding the New Relic account configuration.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub profile: String,
    /// The NRQL query.
    #[serde(deserialize_with = "go_null")]
    pub query: String,
    /// Query timeout in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<i64>,
}

/// A Job run as a measurement (`JobMetric`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["spec"]))]
pub struct JobMetric {
    /// Labels and annotations of the Job (always serialized, as Go does).
    #[schemars(schema_with = "crate::schema::labels_and_annotations")]
    #[serde(deserialize_with = "go_null")]
    pub metadata: ObjectMeta,
    /// Spec of the Job.
    #[schemars(schema_with = "crate::schema::job_spec")]
    #[serde(deserialize_with = "go_null")]
    pub spec: JobSpec,
}

/// A Graphite query (`GraphiteMetric`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct GraphiteMetric {
    /// Address of the Graphite server.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub address: String,
    /// The query.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub query: String,
}

/// An InfluxDB Flux query (`InfluxdbMetric`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct InfluxdbMetric {
    /// Secret holding the InfluxDB account configuration.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub profile: String,
    /// The Flux query.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub query: String,
}

/// A CloudWatch query (`CloudWatchMetric`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["metricDataQueries"]))]
pub struct CloudWatchMetric {
    /// Time window of the query (Go duration string).
    #[serde(
        skip_serializing_if = "DurationString::is_empty",
        deserialize_with = "go_null"
    )]
    pub interval: DurationString,
    /// The metric data queries.
    #[serde(deserialize_with = "go_null")]
    pub metric_data_queries: Vec<CloudWatchMetricDataQuery>,
}

/// A CloudWatch metric data query (`CloudWatchMetricDataQuery`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct CloudWatchMetricDataQuery {
    /// Identifier of the query.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub id: String,
    /// Math expression over other queries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expression: Option<String>,
    /// Label of the query.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The metric to return.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metric_stat: Option<CloudWatchMetricStat>,
    /// Granularity in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<IntOrString>,
    /// Whether to return this query's result.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_data: Option<bool>,
}

/// A CloudWatch metric and statistic (`CloudWatchMetricStat`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct CloudWatchMetricStat {
    /// The metric (always serialized, as Go does).
    #[serde(deserialize_with = "go_null")]
    pub metric: CloudWatchMetricStatMetric,
    /// Granularity in seconds (always serialized, as Go does).
    #[serde(deserialize_with = "go_null")]
    pub period: IntOrString,
    /// The statistic.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub stat: String,
    /// The unit.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub unit: String,
}

/// A CloudWatch metric (`CloudWatchMetricStatMetric`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct CloudWatchMetricStatMetric {
    /// Dimensions of the metric.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub dimensions: Vec<CloudWatchMetricStatMetricDimension>,
    /// Name of the metric.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub metric_name: String,
    /// Namespace of the metric.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

/// A CloudWatch dimension (`CloudWatchMetricStatMetricDimension`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct CloudWatchMetricStatMetricDimension {
    /// Name of the dimension.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub name: String,
    /// Value of the dimension.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub value: String,
}

/// A SkyWalking query (`SkyWalkingMetric`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct SkyWalkingMetric {
    /// Address of the SkyWalking server.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub address: String,
    /// The GraphQL query.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub query: String,
    /// Time window of the query (Go duration string).
    #[serde(
        skip_serializing_if = "DurationString::is_empty",
        deserialize_with = "go_null"
    )]
    pub interval: DurationString,
}
