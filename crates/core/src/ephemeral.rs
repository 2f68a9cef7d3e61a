//! Ephemeral canary/stable pod metadata (`canaryMetadata`, `stableMetadata`, `previewMetadata`,
//! `activeMetadata`): injected into a ReplicaSet's pod template and remembered in its
//! `rollout.argoproj.io/ephemeral-metadata` annotation, so that only what Argo injected is ever removed
//! (`utils/replicaset/canary.go`).

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use rollouts_api::PodTemplateMetadata;
use rollouts_api::keys::EPHEMERAL_METADATA_ANNOTATION;

use crate::replicas::annotation;

/// `ParseExistingPodMetadata`: the metadata recorded in the ephemeral-metadata annotation; `None` when the
/// annotation is missing or is not valid JSON.
pub fn parse_existing_pod_metadata(rs: &ReplicaSet) -> Option<PodTemplateMetadata> {
    let value = annotation(rs, EPHEMERAL_METADATA_ANNOTATION)?;
    // Go unmarshals into a *PodTemplateMetadata: `null` leaves it nil, an error gives nil.
    serde_json::from_str::<Option<PodTemplateMetadata>>(value)
        .ok()
        .flatten()
}

/// Go's `json.Marshal(podMetadata)`: `{"labels":{...},"annotations":{...}}`, empty maps omitted, keys
/// sorted, HTML characters escaped.
pub fn marshal_pod_metadata(metadata: &PodTemplateMetadata) -> String {
    let json = serde_json::to_vec(metadata).unwrap_or_default();
    String::from_utf8(rollouts_api::hash::go_html_escape(&json)).unwrap_or_default()
}

/// `SyncEphemeralPodMetadata(metadata, existing, desired)`: sets every desired label and annotation, then
/// removes those recorded in `existing` that are no longer desired (all of them when `desired` is `None`).
/// Keys Argo never injected are left alone. Returns the new metadata and whether anything changed.
///
/// A map left empty by removals is written as absent, which is how Go's `omitempty` serialises it.
pub fn sync_ephemeral_pod_metadata(
    metadata: &ObjectMeta,
    existing: Option<&PodTemplateMetadata>,
    desired: Option<&PodTemplateMetadata>,
) -> (ObjectMeta, bool) {
    let mut metadata = metadata.clone();
    let mut modified = false;
    if let Some(desired) = desired {
        modified |= inject(&mut metadata.annotations, &desired.annotations);
        modified |= inject(&mut metadata.labels, &desired.labels);
    }
    if let Some(existing) = existing {
        modified |= remove_undesired(
            &mut metadata.annotations,
            &existing.annotations,
            desired.map(|d| &d.annotations),
        );
        modified |= remove_undesired(&mut metadata.labels, &existing.labels, desired.map(|d| &d.labels));
    }
    (metadata, modified)
}

/// Sets each desired entry whose value differs; whether any did.
fn inject(map: &mut Option<BTreeMap<String, String>>, desired: &BTreeMap<String, String>) -> bool {
    let mut modified = false;
    for (k, v) in desired {
        let map = map.get_or_insert_with(BTreeMap::new);
        if map.get(k) != Some(v) {
            map.insert(k.clone(), v.clone());
            modified = true;
        }
    }
    modified
}

/// Removes the keys recorded as injected that are no longer desired and are actually present.
fn remove_undesired(
    map: &mut Option<BTreeMap<String, String>>,
    existing: &BTreeMap<String, String>,
    desired: Option<&BTreeMap<String, String>>,
) -> bool {
    let Some(current) = map.as_mut() else {
        return false;
    };
    let mut modified = false;
    for k in existing.keys() {
        if desired.is_none_or(|d| !d.contains_key(k)) && current.remove(k).is_some() {
            modified = true;
        }
    }
    if current.is_empty() {
        *map = None;
    }
    modified
}

/// `SyncReplicaSetEphemeralPodMetadata(rs, podMetadata)`: applies [`sync_ephemeral_pod_metadata`] to the
/// ReplicaSet's pod template with what its annotation says was injected before, and records `podMetadata`
/// in the annotation (or removes the annotation when `podMetadata` is `None`). An unmodified ReplicaSet is
/// returned unchanged.
pub fn sync_replica_set_ephemeral_pod_metadata(
    rs: &ReplicaSet,
    pod_metadata: Option<&PodTemplateMetadata>,
) -> (ReplicaSet, bool) {
    let existing = parse_existing_pod_metadata(rs);
    let empty = ObjectMeta::default();
    let template_metadata = rs
        .spec
        .template
        .as_ref()
        .and_then(|t| t.metadata.as_ref())
        .unwrap_or(&empty);
    let (new_metadata, modified) =
        sync_ephemeral_pod_metadata(template_metadata, existing.as_ref(), pod_metadata);
    let mut rs = rs.clone();
    if !modified {
        return (rs, false);
    }
    rs.spec.template.get_or_insert_with(Default::default).metadata = Some(new_metadata);
    match pod_metadata {
        Some(pod_metadata) => {
            // Remember what was injected.
            rs.metadata.annotations.get_or_insert_with(BTreeMap::new).insert(
                EPHEMERAL_METADATA_ANNOTATION.to_owned(),
                marshal_pod_metadata(pod_metadata),
            );
        }
        None => {
            if let Some(annotations) = rs.metadata.annotations.as_mut() {
                annotations.remove(EPHEMERAL_METADATA_ANNOTATION);
                if annotations.is_empty() {
                    rs.metadata.annotations = None;
                }
            }
        }
    }
    (rs, true)
}
