//! Ephemeral pod metadata (`rollout/ephemeralmetadata.go`): the canary's `canaryMetadata` (blue-green:
//! `previewMetadata`) on the new ReplicaSet during an update, `stableMetadata` (`activeMetadata`) on the
//! stable one (and on the new one once it is stable), nothing on the others; written into each
//! ReplicaSet's pod template and merge-patched onto its running pods, removing only what Argo injected
//! before.

use std::sync::Arc;

use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use rollouts_api::PodTemplateMetadata;
use serde_json::json;

use super::claim::{controller_of, selector_matches};
use super::context::RolloutContext;
use crate::ephemeral::{
    parse_existing_pod_metadata, sync_ephemeral_pod_metadata, sync_replica_set_ephemeral_pod_metadata,
};
use crate::merge_patch;
use crate::plan::Action;
use crate::replicas::pod_template_hash;

/// The labels and annotations of a pod's metadata, as the object a merge patch applies to.
fn labels_and_annotations(meta: &ObjectMeta) -> serde_json::Value {
    json!({"metadata": {"labels": meta.labels, "annotations": meta.annotations}})
}

impl RolloutContext<'_> {
    /// `reconcileEphemeralMetadata`.
    pub fn reconcile_ephemeral_metadata(&mut self) {
        let (new_metadata, stable_metadata) = match (self.rollout.canary(), self.rollout.blue_green()) {
            (Some(c), _) => (c.canary_metadata.clone(), c.stable_metadata.clone()),
            (None, Some(b)) => (b.preview_metadata.clone(), b.active_metadata.clone()),
            (None, None) => return,
        };
        if new_metadata.is_none() && stable_metadata.is_none() {
            return;
        }
        let stable_hash = &self.status().stable_rs;
        let fully_rolled_out =
            stable_hash.is_empty() || *stable_hash == pod_template_hash(self.new_rs.as_deref());
        let new_rs = self.new_rs.clone();
        if fully_rolled_out {
            self.sync_ephemeral_metadata(new_rs.as_ref(), stable_metadata.as_ref());
        } else {
            self.sync_ephemeral_metadata(new_rs.as_ref(), new_metadata.as_ref());
            let stable_rs = self.stable_rs.clone();
            self.sync_ephemeral_metadata(stable_rs.as_ref(), stable_metadata.as_ref());
        }
        for rs in self.other_rss.clone() {
            self.sync_ephemeral_metadata(Some(&rs), None);
        }
    }

    /// `syncEphemeralMetadata`: first the ReplicaSet's template (so that new pods get the metadata), then
    /// every pod it controls (even when the template was already right, to repair an interrupted sync).
    /// Go goes on with its unmodified ReplicaSet object.
    fn sync_ephemeral_metadata(
        &mut self,
        rs: Option<&Arc<ReplicaSet>>,
        metadata: Option<&PodTemplateMetadata>,
    ) {
        let Some(rs) = rs else {
            return;
        };
        let (modified_rs, modified) = sync_replica_set_ephemeral_pod_metadata(rs, metadata);
        if modified {
            self.update_replica_set(rs, &modified_rs);
        }
        if rs.spec.replicas == Some(0) {
            return;
        }
        let existing = parse_existing_pod_metadata(rs);
        let uid = rs.metadata.uid.as_deref();
        let selector = Some(&rs.spec.selector);
        let snapshot = self.snapshot;
        for pod in &snapshot.pods {
            let owned = controller_of(&pod.metadata).is_some_and(|o| Some(o.uid.as_str()) == uid);
            if !owned || !selector_matches(selector, pod.metadata.labels.as_ref()) {
                continue;
            }
            let (new_meta, modified) =
                sync_ephemeral_pod_metadata(&pod.metadata, existing.as_ref(), metadata);
            if !modified {
                continue;
            }
            let patch = merge_patch::diff(
                &labels_and_annotations(&pod.metadata),
                &labels_and_annotations(&new_meta),
            );
            if let Some(patch) = patch {
                self.plan.push(Action::PatchPod {
                    name: pod.metadata.name.clone().unwrap_or_default(),
                    patch,
                });
            }
        }
    }
}
