//! Canary steps (`CanaryStep`) and the step kinds: pause, set-canary-scale, header and mirror routes,
//! plugin steps and experiment steps, in Go's field order (the step hash is computed over their JSON).

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::common::{AnalysisRunMetadata, DryRun, PodTemplateMetadata, TemplateService};
use crate::duration::{DurationString, parse_go_duration_nanos};
use crate::enums::ReplicaSetSpecRef;
use crate::rollout::{AnalysisRunArgument, RolloutAnalysis};
use crate::serde_util::{empty_as_none, go_null, is_false, none_as_empty};

/// One step of a canary deployment (`CanaryStep`); exactly one field should be set.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct CanaryStep {
    /// Percentage of traffic (or replicas, without traffic routing) for the canary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub set_weight: Option<i32>,
    /// Pause the rollout, for a duration or until resumed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pause: Option<RolloutPause>,
    /// Run an Experiment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub experiment: Option<RolloutExperimentStep>,
    /// Run an AnalysisRun.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub analysis: Option<RolloutAnalysis>,
    /// Scale the canary without changing the traffic weight (traffic routing only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub set_canary_scale: Option<SetCanaryScale>,
    /// Route requests with matching headers to the canary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub set_header_route: Option<SetHeaderRoute>,
    /// Mirror matching traffic to the canary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub set_mirror_route: Option<SetMirrorRoute>,
    /// Run a step plugin.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plugin: Option<PluginStep>,
}

/// A pause step (`RolloutPause`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct RolloutPause {
    /// How long to pause: seconds as an integer or a string without unit, or a Go duration string
    /// (`30s`, `1h`). Unset means until resumed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<IntOrString>,
}

impl RolloutPause {
    /// The pause in seconds as Argo computes it (`RolloutPause.DurationSeconds`): 0 when unset, an
    /// integer as is, a string that is an int32 as seconds, otherwise a Go duration truncated to whole
    /// seconds, and -1 when the string is not a valid duration.
    pub fn duration_seconds(&self) -> i32 {
        match &self.duration {
            None => 0,
            Some(IntOrString::Int(seconds)) => *seconds,
            Some(IntOrString::String(s)) => match s.parse::<i32>() {
                Ok(seconds) => seconds,
                // Go: int32(d.Seconds()); `as` saturates where Go's conversion is undefined.
                Err(_) => parse_go_duration_nanos(s).map_or(-1, |nanos| (nanos as f64 / 1e9) as i32),
            },
        }
    }
}

/// Scales the canary independently of the traffic weight (`SetCanaryScale`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct SetCanaryScale {
    /// Percentage of `spec.replicas` for the canary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<i32>,
    /// Number of canary replicas.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    /// Cancel earlier `setCanaryScale` steps: scale with the traffic weight again.
    #[serde(skip_serializing_if = "is_false", deserialize_with = "go_null")]
    pub match_traffic_weight: bool,
}

/// Sends requests with matching headers to the canary (`SetHeaderRoute`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct SetHeaderRoute {
    /// Name of the route; must be listed in `trafficRouting.managedRoutes`.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub name: String,
    /// Header matches; empty removes the route.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub r#match: Vec<HeaderRoutingMatch>,
}

/// A header match of a header route (`HeaderRoutingMatch`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["headerName", "headerValue"]))]
pub struct HeaderRoutingMatch {
    /// Name of the request header.
    #[serde(deserialize_with = "go_null")]
    pub header_name: String,
    /// How the header value must match (`null` when unset, as Go writes it).
    pub header_value: Option<StringMatch>,
}

/// Exactly one way of matching a string (`StringMatch`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct StringMatch {
    /// The string must equal this.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub exact: String,
    /// The string must start with this.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub prefix: String,
    /// The string must match this regular expression.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub regex: String,
}

/// Mirrors matching traffic to the canary (`SetMirrorRoute`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["name"]))]
pub struct SetMirrorRoute {
    /// Name of the route; must be listed in `trafficRouting.managedRoutes`.
    #[serde(deserialize_with = "go_null")]
    pub name: String,
    /// Rules selecting the traffic to mirror; empty removes the route.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub r#match: Vec<RouteMatch>,
    /// Percentage of the matching traffic to mirror.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percentage: Option<i32>,
}

/// One rule of a mirror route (`RouteMatch`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct RouteMatch {
    /// HTTP method to match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<StringMatch>,
    /// URL path to match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<StringMatch>,
    /// Headers to match.
    #[serde(skip_serializing_if = "BTreeMap::is_empty", deserialize_with = "go_null")]
    pub headers: BTreeMap<String, StringMatch>,
}

/// A step executed by a step plugin (`PluginStep`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["name"]))]
pub struct PluginStep {
    /// Name of the step plugin.
    #[serde(deserialize_with = "go_null")]
    pub name: String,
    /// Configuration for the plugin, kept as raw JSON.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::preserve_unknown_object")]
    pub config: Option<serde_json::Value>,
}

/// An Experiment run as a canary step (`RolloutExperimentStep`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["templates"]))]
pub struct RolloutExperimentStep {
    /// The ReplicaSets of the experiment.
    #[serde(deserialize_with = "go_null")]
    pub templates: Vec<RolloutExperimentTemplate>,
    /// How long the experiment runs (Go duration string); unset means until its analyses complete.
    #[serde(
        skip_serializing_if = "DurationString::is_empty",
        deserialize_with = "go_null"
    )]
    pub duration: DurationString,
    /// Analyses to run with the experiment.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub analyses: Vec<RolloutExperimentStepAnalysisTemplateRef>,
    /// Metrics to run in dry-run mode.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub dry_run: Vec<DryRun>,
    /// Labels and annotations for the experiment's AnalysisRuns (always serialized, as Go does).
    #[serde(deserialize_with = "go_null")]
    pub analysis_run_metadata: AnalysisRunMetadata,
    /// Delay before scaling down the experiment's ReplicaSets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale_down_delay_seconds: Option<i32>,
}

/// An analysis of an experiment step (`RolloutExperimentStepAnalysisTemplateRef`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["name", "templateName"]))]
pub struct RolloutExperimentStepAnalysisTemplateRef {
    /// Name of this analysis within the experiment.
    #[serde(deserialize_with = "go_null")]
    pub name: String,
    /// Name of the AnalysisTemplate (or ClusterAnalysisTemplate).
    #[serde(deserialize_with = "go_null")]
    pub template_name: String,
    /// Look the template up at cluster scope.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_scope: Option<bool>,
    /// Arguments of the AnalysisRun.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub args: Vec<AnalysisRunArgument>,
    /// The experiment does not complete before this analysis completes.
    #[serde(skip_serializing_if = "is_false", deserialize_with = "go_null")]
    pub required_for_completion: bool,
}

impl RolloutExperimentStepAnalysisTemplateRef {
    /// Whether the template is a ClusterAnalysisTemplate.
    pub fn is_cluster_scope(&self) -> bool {
        self.cluster_scope == Some(true)
    }
}

/// A ReplicaSet of an experiment step (`RolloutExperimentTemplate`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["name", "specRef"]))]
pub struct RolloutExperimentTemplate {
    /// Name of the template.
    #[serde(deserialize_with = "go_null")]
    pub name: String,
    /// Whose pod template to use: `canary` or `stable`.
    #[serde(serialize_with = "none_as_empty", deserialize_with = "empty_as_none")]
    pub spec_ref: Option<ReplicaSetSpecRef>,
    /// Number of replicas.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    /// Labels and annotations for the ReplicaSet (always serialized, as Go does).
    #[serde(deserialize_with = "go_null")]
    pub metadata: PodTemplateMetadata,
    /// Selector of the ReplicaSet; defaults to the rollout's.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::serde_util::label_selector_go_order"
    )]
    #[schemars(schema_with = "crate::schema::label_selector")]
    pub selector: Option<LabelSelector>,
    /// Percentage of traffic for the template's pods (traffic routing only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<i32>,
    /// Create a Service for the template's pods.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<TemplateService>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pause(duration: Option<IntOrString>) -> RolloutPause {
        RolloutPause { duration }
    }

    #[test]
    fn pause_duration_seconds_follows_argo() {
        assert_eq!(pause(None).duration_seconds(), 0);
        assert_eq!(pause(Some(IntOrString::Int(10))).duration_seconds(), 10);
        assert_eq!(
            pause(Some(IntOrString::String("20".into()))).duration_seconds(),
            20
        );
        assert_eq!(
            pause(Some(IntOrString::String("1m30s".into()))).duration_seconds(),
            90
        );
        assert_eq!(
            pause(Some(IntOrString::String("1500ms".into()))).duration_seconds(),
            1
        );
        assert_eq!(
            pause(Some(IntOrString::String("1d".into()))).duration_seconds(),
            -1
        );
        assert_eq!(pause(Some(IntOrString::String("".into()))).duration_seconds(), -1);
    }

    #[test]
    fn steps_serialize_like_go() {
        let steps = vec![
            CanaryStep {
                pause: Some(RolloutPause::default()),
                ..Default::default()
            },
            CanaryStep {
                pause: Some(RolloutPause::default()),
                ..Default::default()
            },
        ];
        assert_eq!(
            serde_json::to_string(&steps).expect("json"),
            r#"[{"pause":{}},{"pause":{}}]"#
        );
        let step: CanaryStep = serde_json::from_str(
            r#"{"experiment":{"templates":[{"name":"a","specRef":"canary","selector":
            {"matchExpressions":[{"key":"k","operator":"In","values":["v"]}],"matchLabels":{"app":"x"}}}]}}"#,
        )
        .expect("parse");
        assert_eq!(
            serde_json::to_string(&step).expect("json"),
            concat!(
                r#"{"experiment":{"templates":[{"name":"a","specRef":"canary","metadata":{},"selector":"#,
                r#"{"matchLabels":{"app":"x"},"matchExpressions":[{"key":"k","operator":"In","values":["v"]}]}}],"#,
                r#""analysisRunMetadata":{}}}"#
            )
        );
    }
}
