//! `ephemeral-metadata.json`: SyncReplicaSetEphemeralPodMetadata, SyncEphemeralPodMetadata and
//! ParseExistingPodMetadata.

mod common;

use std::collections::BTreeMap;

use common::{run_golden, typed, typed_opt};
use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use pretty_assertions::assert_eq;
use rollouts_api::PodTemplateMetadata;
use rollouts_api::keys::EPHEMERAL_METADATA_ANNOTATION;
use rollouts_core::ephemeral::{
    parse_existing_pod_metadata, sync_ephemeral_pod_metadata, sync_replica_set_ephemeral_pod_metadata,
};
use serde_json::Value;

/// A label or annotation map; absent and empty are the same (Go omits an empty map).
fn map(value: Option<&BTreeMap<String, String>>) -> BTreeMap<String, String> {
    value.cloned().unwrap_or_default()
}

fn expected_map(value: &Value) -> BTreeMap<String, String> {
    typed_opt(value).unwrap_or_default()
}

#[test]
fn ephemeral_metadata_golden() {
    run_golden("ephemeral-metadata.json", |case| {
        let expected = &case["expected"];
        match case["function"].as_str().unwrap_or_default() {
            "SyncReplicaSetEphemeralPodMetadata" => {
                let rs: ReplicaSet = typed(&case["rs"]);
                let pod_metadata: Option<PodTemplateMetadata> = typed_opt(&case["pod_metadata"]);
                let (new_rs, modified) = sync_replica_set_ephemeral_pod_metadata(&rs, pod_metadata.as_ref());
                assert_eq!(modified, expected["modified"] == true, "modified");
                let template = new_rs.spec.template.as_ref().and_then(|t| t.metadata.as_ref());
                assert_eq!(
                    map(template.and_then(|m| m.labels.as_ref())),
                    expected_map(&expected["template_labels"])
                );
                assert_eq!(
                    map(template.and_then(|m| m.annotations.as_ref())),
                    expected_map(&expected["template_annotations"])
                );
                if let Some(annotations) = expected.get("rs_annotations") {
                    assert_eq!(
                        map(new_rs.metadata.annotations.as_ref()),
                        expected_map(annotations)
                    );
                }
                if let Some(annotation) = expected.get("ephemeral_metadata_annotation") {
                    let got = new_rs
                        .metadata
                        .annotations
                        .as_ref()
                        .and_then(|a| a.get(EPHEMERAL_METADATA_ANNOTATION))
                        .cloned();
                    assert_eq!(got, annotation.as_str().map(str::to_owned));
                }
                if !modified {
                    assert_eq!(new_rs, rs, "an unmodified ReplicaSet is returned unchanged");
                }
            }
            "SyncEphemeralPodMetadata" => {
                let metadata: ObjectMeta = typed(&case["metadata"]);
                let existing: Option<PodTemplateMetadata> = typed_opt(&case["existing_pod_metadata"]);
                let desired: Option<PodTemplateMetadata> = typed_opt(&case["desired_pod_metadata"]);
                let (new_metadata, modified) =
                    sync_ephemeral_pod_metadata(&metadata, existing.as_ref(), desired.as_ref());
                assert_eq!(modified, expected["modified"] == true, "modified");
                let want: ObjectMeta = typed(&expected["metadata"]);
                assert_eq!(map(new_metadata.labels.as_ref()), map(want.labels.as_ref()));
                assert_eq!(
                    map(new_metadata.annotations.as_ref()),
                    map(want.annotations.as_ref())
                );
            }
            "ParseExistingPodMetadata" => {
                let rs: ReplicaSet = typed(&case["rs"]);
                let want: Option<PodTemplateMetadata> = typed_opt(&expected["pod_metadata"]);
                assert_eq!(parse_existing_pod_metadata(&rs), want);
            }
            other => panic!("unhandled function {other}"),
        }
    });
}
