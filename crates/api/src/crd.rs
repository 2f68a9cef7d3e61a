//! The CustomResourceDefinitions of the five kinds, generated from the types, and their YAML.
//!
//! `kube`'s derive produces each CRD; [`crds`] then makes them match Argo's where the derive cannot:
//!
//! * no `nullable` and no `default` keywords derived from Rust `Option`s and serde defaults (Argo's
//!   schemas have neither, and a `default` would make the API server write values Go never writes).
//!   Derived defaults are always Go zero values; the few non-zero defaults Argo declares (Datadog's
//!   `interval`, `apiVersion`, `requestTimeout`) are declared on our fields too and kept;
//! * `apiVersion`, `kind` and `metadata` properties at the root, as controller-gen writes them;
//! * no status subresource for AnalysisTemplate, ClusterAnalysisTemplate, AnalysisRun and Experiment
//!   (Argo writes the status of runs and experiments with plain updates; only Rollout has one);
//! * `listKind`, which the derive leaves to the API server's default.
//!
//! The checked-in files under `manifests/crds/` are this module's output; a test fails when they drift.

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::{
    CustomResourceDefinition, CustomResourceSubresources, JSONSchemaProps,
};
use kube::CustomResourceExt;
use serde_json::{Map, Value, json};

use crate::{AnalysisRun, AnalysisTemplate, ClusterAnalysisTemplate, Experiment, Rollout};

/// The five CRDs, in the order of [`CRD_FILES`].
pub fn crds() -> Vec<CustomResourceDefinition> {
    vec![
        finish(Rollout::crd(), true),
        finish(AnalysisTemplate::crd(), false),
        finish(ClusterAnalysisTemplate::crd(), false),
        finish(AnalysisRun::crd(), false),
        finish(Experiment::crd(), false),
    ]
}

/// File names under `manifests/crds/` (Argo's names), in the order of [`crds`].
pub const CRD_FILES: [&str; 5] = [
    "rollout-crd.yaml",
    "analysis-template-crd.yaml",
    "cluster-analysis-template-crd.yaml",
    "analysis-run-crd.yaml",
    "experiment-crd.yaml",
];

/// Each CRD file name with its YAML content.
pub fn crd_files() -> Result<Vec<(&'static str, String)>, serde_yaml_ng::Error> {
    CRD_FILES
        .iter()
        .zip(crds())
        .map(|(name, crd)| Ok((*name, crd_yaml(&crd)?)))
        .collect()
}

/// One CRD as YAML, with a header saying the file is generated.
pub fn crd_yaml(crd: &CustomResourceDefinition) -> Result<String, serde_yaml_ng::Error> {
    Ok(format!(
        "# Generated from the rollouts-api types; do not edit.\n\
         # Regenerate with: UPDATE_CRDS=1 cargo nextest run -p rollouts-api crd\n{}",
        serde_yaml_ng::to_string(crd)?
    ))
}

fn finish(mut crd: CustomResourceDefinition, status_subresource: bool) -> CustomResourceDefinition {
    crd.spec.names.list_kind = Some(format!("{}List", crd.spec.names.kind));
    for version in &mut crd.spec.versions {
        if !status_subresource {
            // Argo's CRDs carry an empty `subresources: {}` for the kinds without a status subresource.
            version.subresources = Some(CustomResourceSubresources::default());
        }
        if let Some(props) = version.schema.as_mut().and_then(|s| s.open_api_v3_schema.take()) {
            let mut value = serde_json::to_value(props).unwrap_or(Value::Null);
            visit_schemas(&mut value, &mut |schema| {
                schema.remove("nullable");
                if schema.get("default").is_some_and(crate::decode::is_go_zero) {
                    schema.remove("default");
                }
            });
            if let Value::Object(root) = &mut value {
                root.remove("title");
            }
            if let Some(Value::Object(properties)) = value.get_mut("properties") {
                let mut root = Map::new();
                root.insert("apiVersion".into(), json!({ "type": "string" }));
                root.insert("kind".into(), json!({ "type": "string" }));
                root.insert("metadata".into(), json!({ "type": "object" }));
                root.append(properties);
                *properties = root;
            }
            let props: Option<JSONSchemaProps> = serde_json::from_value(value).ok();
            if let Some(schema) = version.schema.as_mut() {
                schema.open_api_v3_schema = props;
            }
        }
    }
    crd
}

/// Calls `f` on every schema object nested in `value` (not on property maps themselves).
pub(crate) fn visit_schemas(value: &mut Value, f: &mut impl FnMut(&mut Map<String, Value>)) {
    let Value::Object(map) = value else { return };
    f(map);
    for (key, child) in map.iter_mut() {
        match key.as_str() {
            "properties" | "patternProperties" => {
                if let Value::Object(props) = child {
                    props.values_mut().for_each(|p| visit_schemas(p, f));
                }
            }
            "allOf" | "anyOf" | "oneOf" => {
                if let Value::Array(items) = child {
                    items.iter_mut().for_each(|p| visit_schemas(p, f));
                }
            }
            "items" | "additionalProperties" | "not" => visit_schemas(child, f),
            _ => {}
        }
    }
}
