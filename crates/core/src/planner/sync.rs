//! The strategy-independent part of a reconcile (`rollout/sync.go`, `rollout/context.go`,
//! `rollout/controller.go`): creating the new ReplicaSet and keeping its revision, scaling events, the
//! paused/resumed/retry conditions, the InvalidSpec condition, rollbacks and the rollback window, and
//! promoting the new ReplicaSet to stable.

use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::apps::v1::{ReplicaSet, ReplicaSetSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use rollouts_api::enums::{ConditionStatus, RolloutConditionType};
use rollouts_api::keys::{EXPERIMENT_NAME_ANNOTATION, POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION};
use rollouts_api::rollout::{RolloutCondition, RolloutStatus};
use serde_json::json;

use super::affinity::{generate_replica_set_affinity, injected_anti_affinity_needs_update};
use super::annotations::{
    desired_replicas_annotation, set_new_replica_set_annotations, set_rollout_revision,
};
use super::claim::{controller_of, controller_ref};
use super::context::{RolloutContext, status_changed};
use crate::conditions::{
    FOUND_NEW_RS_MESSAGE, FOUND_NEW_RS_REASON, INVALID_SPEC_REASON, NEW_REPLICA_SET_DETAILED_MESSAGE,
    NEW_REPLICA_SET_MESSAGE, NEW_REPLICA_SET_REASON, ROLLOUT_ABORTED_REASON, ROLLOUT_COMPLETED_MESSAGE,
    ROLLOUT_COMPLETED_REASON, ROLLOUT_PAUSED_MESSAGE, ROLLOUT_PAUSED_REASON, ROLLOUT_RESUMED_MESSAGE,
    ROLLOUT_RESUMED_REASON, ROLLOUT_RETRY_MESSAGE, ROLLOUT_RETRY_REASON, ROLLOUT_UPDATED_MESSAGE,
    ROLLOUT_UPDATED_REASON, get_rollout_condition, go_sprintf, new_rollout_condition,
    remove_rollout_condition, rollout_completed, set_rollout_condition,
};
use crate::ephemeral::sync_replica_set_ephemeral_pod_metadata;
use crate::phase::calculate_rollout_phase;
use crate::plan::{Action, EventType};
use crate::replicas::canary::replica_progress_threshold_met;
use crate::replicas::sets::{available_replica_count, is_active, max_revision, revision};
use crate::replicas::{available_replicas, name, pod_template_hash};
use crate::steps::{current_canary_step, reset_current_step_index};

/// How long to wait before retrying a rollout whose spec is invalid (`syncHandler`).
const INVALID_SPEC_REQUEUE: Duration = Duration::from_secs(20);

/// `createDesiredReplicaSet` outcome.
pub(crate) enum Created {
    /// The ReplicaSet was created (or its revision written): the reconcile ends here (Go's `newRollout`).
    EndReconcile,
    /// An owned ReplicaSet of that name and template already existed and was taken as the new one.
    Continue,
}

/// `metav1.Time.Before` on creation timestamps (unset is Go's zero time).
fn created_before(a: &ReplicaSet, b: &ReplicaSet) -> bool {
    let t = |rs: &ReplicaSet| rs.metadata.creation_timestamp.as_ref().map(|t| t.0);
    match (t(a), t(b)) {
        (Some(a), Some(b)) => a < b,
        (None, Some(_)) => true,
        _ => false,
    }
}

/// `labelsutil.CloneSelectorAndAddLabel`.
fn clone_selector_and_add_label(selector: Option<&LabelSelector>, key: &str, value: &str) -> LabelSelector {
    let mut selector = selector.cloned().unwrap_or_default();
    selector
        .match_labels
        .get_or_insert_with(Default::default)
        .insert(key.to_owned(), value.to_owned());
    selector
}

/// `PodTemplateEqualIgnoreHash` without Kubernetes' defaulting of the desired template: equal JSON once
/// the hash label and the deprecated `serviceAccount` are removed from both.
fn template_equal_ignore_hash(
    live: &ReplicaSet,
    desired: &k8s_openapi::api::core::v1::PodTemplateSpec,
) -> bool {
    let normalise = |mut t: k8s_openapi::api::core::v1::PodTemplateSpec| {
        if let Some(labels) = t.metadata.as_mut().and_then(|m| m.labels.as_mut()) {
            labels.remove(POD_TEMPLATE_HASH_LABEL);
        }
        if let Some(spec) = t.spec.as_mut() {
            spec.service_account = None;
        }
        serde_json::to_value(t).unwrap_or_default()
    };
    let live = live.spec.template.clone().unwrap_or_default();
    normalise(live) == normalise(desired.clone())
}

impl RolloutContext<'_> {
    /// `setRolloutRevision`: writes the rollout's revision annotation when it differs (an `Update` of the
    /// rollout; Go goes on with the updated rollout) and records `RolloutUpdated`.
    pub fn set_rollout_revision(&mut self, rev: &str) {
        if set_rollout_revision(&mut self.rollout, rev) {
            self.plan.push(Action::PatchRollout {
                patch: json!({"metadata": {"annotations": {REVISION_ANNOTATION: rev}}}),
            });
            self.rollout_modified = true;
            self.event(
                EventType::Normal,
                ROLLOUT_UPDATED_REASON,
                go_sprintf(ROLLOUT_UPDATED_MESSAGE, &[&rev]),
            );
        }
    }

    /// `createDesiredReplicaSet`: the ReplicaSet of the current template (`<rollout>-<hash>`, 0 replicas,
    /// the rollout's annotations, revision = max + 1, anti-affinity, canary or stable ephemeral metadata).
    /// Go creates it, writes the rollout revision, records `NewReplicaSetCreated` and writes the
    /// Progressing condition, then ends the reconcile: the next one finds the ReplicaSet (with 0 replicas)
    /// and scales it, so a crash after the create is repaired by the next plan.
    ///
    /// A ReplicaSet of that name already in the snapshot is an `AlreadyExists`: taken as the new one when
    /// the rollout controls it and its template matches, else a hash collision that bumps
    /// `status.collisionCount` (the next plan names the ReplicaSet differently).
    pub fn create_desired_replica_set(&mut self) -> Created {
        let new_revision = (max_revision(&self.older_rss) + 1).to_string();
        let ro = &self.rollout;
        let hash = self.pod_hash.clone();
        let mut template = ro.spec.template.clone();
        match generate_replica_set_affinity(ro, &hash) {
            Some(affinity) => template.spec.get_or_insert_with(Default::default).affinity = Some(affinity),
            None => {
                if let Some(spec) = template.spec.as_mut() {
                    spec.affinity = None;
                }
            }
        }
        let mut labels = ro
            .spec
            .template
            .metadata
            .as_ref()
            .and_then(|m| m.labels.clone())
            .unwrap_or_default();
        labels.insert(POD_TEMPLATE_HASH_LABEL.to_owned(), hash.clone());
        template.metadata.get_or_insert_with(ObjectMeta::default).labels = Some(labels.clone());
        let rs_name = format!("{}-{hash}", self.name());
        let mut rs = ReplicaSet {
            metadata: ObjectMeta {
                name: Some(rs_name.clone()),
                namespace: ro.metadata.namespace.clone(),
                owner_references: Some(vec![controller_ref(ro)]),
                labels: Some(labels),
                ..Default::default()
            },
            spec: ReplicaSetSpec {
                replicas: Some(0),
                min_ready_seconds: (ro.spec.min_ready_seconds != 0).then_some(ro.spec.min_ready_seconds),
                selector: clone_selector_and_add_label(
                    ro.spec.selector.as_ref(),
                    POD_TEMPLATE_HASH_LABEL,
                    &hash,
                ),
                template: Some(template),
            },
            status: None,
        };
        set_new_replica_set_annotations(ro, &mut rs, &new_revision, false);
        let (canary, blue_green) = (ro.canary(), ro.blue_green());
        let metadata = if self.stable_rs.is_some() {
            canary
                .and_then(|c| c.canary_metadata.as_ref())
                .or_else(|| blue_green.and_then(|b| b.preview_metadata.as_ref()))
        } else {
            canary
                .and_then(|c| c.stable_metadata.as_ref())
                .or_else(|| blue_green.and_then(|b| b.active_metadata.as_ref()))
        };
        let (rs, _) = sync_replica_set_ephemeral_pod_metadata(&rs, metadata);

        if let Some(existing) = self.snapshot.replica_sets.iter().find(|r| name(r) == rs_name) {
            let uid = ro.metadata.uid.as_deref().unwrap_or_default();
            let owned = controller_of(&existing.metadata).is_some_and(|o| o.uid == uid);
            if !(owned && template_equal_ignore_hash(existing, &ro.spec.template)) {
                // A hash collision: Go bumps the count with UpdateStatus and fails the reconcile.
                let status = self.status_mut();
                status.collision_count = Some(status.collision_count.unwrap_or(0) + 1);
                self.rollout_modified = true;
                self.requeue(Duration::from_secs(1));
                return Created::EndReconcile;
            }
            self.set_rollout_revision(&new_revision);
            let existing = Arc::clone(existing);
            if !self
                .all_rss
                .iter()
                .any(|r| r.metadata.uid == existing.metadata.uid)
            {
                self.all_rss.push(Arc::clone(&existing));
            }
            self.new_rs = Some(existing);
            self.classify();
            return if self.rollout_modified {
                Created::EndReconcile
            } else {
                Created::Continue
            };
        }

        self.plan.push(Action::CreateReplicaSet(Box::new(rs.clone())));
        self.set_rollout_revision(&new_revision);
        let rev = revision(Some(&rs.metadata)).unwrap_or(0);
        self.event(
            EventType::Normal,
            NEW_REPLICA_SET_REASON,
            go_sprintf(NEW_REPLICA_SET_DETAILED_MESSAGE, &[&rs_name, &rev]),
        );
        let message = go_sprintf(NEW_REPLICA_SET_MESSAGE, &[&rs_name]);
        let condition = new_rollout_condition(
            RolloutConditionType::Progressing,
            ConditionStatus::True,
            NEW_REPLICA_SET_REASON,
            &message,
            self.now(),
        );
        set_rollout_condition(self.status_mut(), condition);
        self.rollout_modified = true;
        Created::EndReconcile
    }

    /// `syncReplicaSetRevision`: raises the new ReplicaSet's revision to max + 1 (copying the rollout's
    /// annotations, resyncing `minReadySeconds` and the injected anti-affinity) with an `Update`, and
    /// otherwise brings the rollout's revision annotation in line, writing a `FoundNewReplicaSet`
    /// Progressing condition if the rollout has none. Go goes on with the updated ReplicaSet (and
    /// rollout).
    pub fn sync_replica_set_revision(&mut self) {
        let Some(new_rs) = self.new_rs.clone() else {
            return;
        };
        let new_revision = (max_revision(&self.older_rss) + 1).to_string();
        let mut copy = ReplicaSet::clone(&new_rs);
        let annotations_updated =
            set_new_replica_set_annotations(&self.rollout, &mut copy, &new_revision, true);
        let spec = &mut copy.spec;
        let min_ready_needs_update =
            spec.min_ready_seconds.unwrap_or(0) != self.rollout.spec.min_ready_seconds;
        let affinity = spec
            .template
            .as_ref()
            .and_then(|t| t.spec.as_ref())
            .and_then(|s| s.affinity.as_ref());
        let affinity_needs_update =
            injected_anti_affinity_needs_update(affinity, &self.rollout, &self.pod_hash);
        if annotations_updated || min_ready_needs_update || affinity_needs_update {
            let min_ready = self.rollout.spec.min_ready_seconds;
            spec.min_ready_seconds = (min_ready != 0).then_some(min_ready);
            let affinity = generate_replica_set_affinity(&self.rollout, &self.pod_hash);
            let template = spec.template.get_or_insert_with(Default::default);
            if affinity.is_some() || template.spec.is_some() {
                template.spec.get_or_insert_with(Default::default).affinity = affinity;
            }
            self.update_replica_set(&new_rs, &copy);
            copy.metadata.resource_version = None;
            self.new_rs = Some(Arc::new(copy));
            return;
        }
        let rev = copy
            .metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(REVISION_ANNOTATION))
            .cloned()
            .unwrap_or_default();
        self.set_rollout_revision(&rev);
        if get_rollout_condition(self.status(), &RolloutConditionType::Progressing).is_none() {
            let message = go_sprintf(FOUND_NEW_RS_MESSAGE, &[&name(&copy)]);
            let condition = new_rollout_condition(
                RolloutConditionType::Progressing,
                ConditionStatus::True,
                FOUND_NEW_RS_REASON,
                &message,
                self.now(),
            );
            set_rollout_condition(self.status_mut(), condition);
            self.rollout_modified = true;
        }
        self.new_rs = Some(Arc::new(copy));
    }

    /// `isScalingEvent`: after syncing the revision, whether the new or stable ReplicaSet (if scaled up)
    /// recorded other desired replicas than `spec.replicas` (an HPA or a user scaled the rollout).
    pub fn is_scaling_event(&mut self) -> bool {
        self.sync_replica_set_revision();
        let replicas = self.spec_replicas();
        [self.new_rs.as_ref(), self.stable_rs.as_ref()]
            .into_iter()
            .flatten()
            .filter(|rs| is_active(Some(rs)))
            .any(|rs| desired_replicas_annotation(rs).is_some_and(|d| d != replicas))
    }

    /// `syncReplicasOnly`: rescale the ReplicaSets without moving through the steps, and persist the
    /// rollout's status with the new counts.
    pub fn sync_replicas_only(&mut self) {
        self.sync_replica_set_revision();
        let mut new_status = self.status().clone();
        if self.rollout.blue_green().is_some() {
            // Go ends the reconcile without a status when a Service is missing.
            if self.preview_and_active_services().is_err() {
                return;
            }
            self.reconcile_blue_green_replica_sets();
            self.set_active_replica_counts(&mut new_status, false);
            self.persist_rollout_status(new_status);
            return;
        }
        self.reconcile_canary_replica_sets();
        new_status.available_replicas = available_replica_count(&self.all_rss);
        new_status.hpa_replicas = crate::replicas::sets::actual_replica_count(&self.all_rss);
        self.persist_rollout_status(new_status);
    }

    /// `checkPausedConditions`: once the spec is observed, keeps the Progressing (RolloutPaused /
    /// RolloutResumed / RolloutRetry) and Paused conditions in line with `spec.paused`,
    /// `status.pauseConditions` and `status.abort`. Returns true when it wrote the status: Go then ends the
    /// reconcile.
    pub fn check_paused_conditions(&mut self) -> bool {
        let generation = self.rollout.metadata.generation.unwrap_or(0).to_string();
        if generation != self.status().observed_generation {
            return false;
        }
        let status = self.status();
        let now = self.now();
        let progressing = get_rollout_condition(status, &RolloutConditionType::Progressing);
        let progressing_paused = progressing.is_some_and(|c| c.reason == ROLLOUT_PAUSED_REASON);
        let is_paused = !status.pause_conditions.is_empty() || self.rollout.spec.paused;
        let abort_condition_exists = progressing.is_some_and(|c| c.reason == ROLLOUT_ABORTED_REASON);
        let mut updated = Vec::new();
        if is_paused != progressing_paused && !abort_condition_exists && !rollout_completed(status) {
            let (reason, message) = if is_paused {
                (ROLLOUT_PAUSED_REASON, ROLLOUT_PAUSED_MESSAGE)
            } else {
                (ROLLOUT_RESUMED_REASON, ROLLOUT_RESUMED_MESSAGE)
            };
            updated.push(new_rollout_condition(
                RolloutConditionType::Progressing,
                ConditionStatus::Unknown,
                reason,
                message,
                now,
            ));
        }
        if !status.abort && abort_condition_exists {
            updated.push(new_rollout_condition(
                RolloutConditionType::Progressing,
                ConditionStatus::Unknown,
                ROLLOUT_RETRY_REASON,
                ROLLOUT_RETRY_MESSAGE,
                now,
            ));
        }
        let paused_true = get_rollout_condition(status, &RolloutConditionType::Paused)
            .is_some_and(|c| c.status == Some(ConditionStatus::True));
        if is_paused != paused_true && !abort_condition_exists {
            let condition_status = if is_paused {
                ConditionStatus::True
            } else {
                ConditionStatus::False
            };
            updated.push(new_rollout_condition(
                RolloutConditionType::Paused,
                condition_status,
                ROLLOUT_PAUSED_REASON,
                ROLLOUT_PAUSED_MESSAGE,
                now,
            ));
        }
        if updated.is_empty() {
            return false;
        }
        let new_status = self.status().clone();
        self.patch_condition(new_status, updated)
    }

    /// `patchCondition`: sets the conditions on `new_status` with the observed generation and the phase,
    /// and writes it when it changed (then Go's `newRollout` is set). Returns whether it wrote.
    pub fn patch_condition(
        &mut self,
        mut new_status: RolloutStatus,
        conditions: Vec<RolloutCondition>,
    ) -> bool {
        for condition in conditions {
            set_rollout_condition(&mut new_status, condition);
        }
        new_status.observed_generation = self.rollout.metadata.generation.unwrap_or(0).to_string();
        let (phase, message) = calculate_rollout_phase(&self.rollout.spec, &new_status);
        new_status.phase = Some(phase);
        new_status.message = message;
        self.calculate_status_duration(&mut new_status);
        if !status_changed(self.status(), &new_status) {
            return false;
        }
        self.final_status = Some(new_status);
        self.rollout_modified = true;
        true
    }

    /// `createInvalidRolloutCondition`: records (or replaces, when the reason changed) the InvalidSpec
    /// condition, and asks for a retry in 20 s (the spec may become valid, e.g. once a Service exists).
    pub fn invalid_spec(&mut self, message: &str) {
        let prev = get_rollout_condition(self.status(), &RolloutConditionType::InvalidSpec).cloned();
        let condition = match &prev {
            Some(prev) if prev.message == message => prev.clone(),
            _ => new_rollout_condition(
                RolloutConditionType::InvalidSpec,
                ConditionStatus::True,
                INVALID_SPEC_REASON,
                message,
                self.now(),
            ),
        };
        let generation = self.rollout.metadata.generation.unwrap_or(0).to_string();
        if self.status().observed_generation != generation || prev.as_ref() != Some(&condition) {
            let mut new_status = self.status().clone();
            if prev.is_some_and(|p| p.message != condition.message) {
                remove_rollout_condition(&mut new_status, &RolloutConditionType::InvalidSpec);
            }
            self.patch_condition(new_status, vec![condition]);
        }
        self.requeue(INVALID_SPEC_REQUEUE);
    }

    /// `resetRolloutStatus`: a new update begins. Go's `SetRestartedAt` here changes the context's status
    /// (`c.newStatus`), not `new_status`; that quirk is kept.
    pub fn reset_rollout_status(&mut self, new_status: &mut RolloutStatus) {
        self.pause.clear_pause_conditions();
        self.pause.remove_abort();
        self.new_status.restarted_at = self.rollout.spec.restart_at.clone();
        new_status.promote_full = false;
        new_status.blue_green.pre_promotion_analysis_run_status = None;
        new_status.blue_green.post_promotion_analysis_run_status = None;
        new_status.blue_green.scale_up_preview_check_point = false;
        new_status.canary.current_step_analysis_run_status = None;
        new_status.canary.current_background_analysis_run_status = None;
        new_status.canary.step_plugin_statuses = Vec::new();
        new_status.current_step_index = reset_current_step_index(&self.rollout);
    }

    /// `isRollback`: the new ReplicaSet is the stable one, or older than it.
    pub fn is_rollback(&self) -> bool {
        let (Some(new_rs), Some(stable_rs)) = (&self.new_rs, &self.stable_rs) else {
            return false;
        };
        self.status().stable_rs == pod_template_hash(Some(new_rs)) || created_before(new_rs, stable_rs)
    }

    /// `isFastRollback`: a rollback within the rollback window, to the stable, or (blue-green) to a
    /// ReplicaSet still inside its scale-down delay.
    pub fn is_fast_rollback(&self) -> bool {
        if !self.is_rollback() {
            return false;
        }
        let to_stable = self.status().stable_rs == pod_template_hash(self.new_rs.as_deref());
        let within_delay = self.new_rs_within_delay && self.rollout.blue_green().is_some();
        self.is_rollback_within_window() || within_delay || to_stable
    }

    /// `isRollbackWithinWindow`: the new ReplicaSet is older than the stable, and fewer than
    /// `rollbackWindow.revisions` non-experiment ReplicaSets were created between them.
    pub fn is_rollback_within_window(&self) -> bool {
        let (Some(new_rs), Some(stable_rs)) = (&self.new_rs, &self.stable_rs) else {
            return false;
        };
        if !created_before(new_rs, stable_rs) {
            return false;
        }
        let Some(window) = self
            .rollout
            .spec
            .rollback_window
            .as_ref()
            .filter(|w| w.revisions > 0)
        else {
            return false;
        };
        let between = self
            .all_rss
            .iter()
            .filter(|rs| {
                let experiment = rs
                    .metadata
                    .annotations
                    .as_ref()
                    .and_then(|a| a.get(EXPERIMENT_NAME_ANNOTATION))
                    .is_some_and(|v| !v.is_empty());
                !experiment && created_before(rs, stable_rs) && created_before(new_rs, rs)
            })
            .count();
        i64::try_from(between).unwrap_or(i64::MAX) < i64::from(window.revisions)
    }

    /// `shouldFullPromote` for a canary: why the new ReplicaSet becomes stable now, or `""`.
    pub fn should_full_promote(&self) -> String {
        if self.stable_rs.is_none() {
            return "Initial deploy".to_owned();
        }
        if self.pause.is_aborted() {
            return String::new();
        }
        let replicas = self.spec_replicas();
        let threshold = self
            .rollout
            .canary()
            .and_then(|c| c.replica_progress_threshold.as_ref());
        let Some(new_rs) = self.new_rs.as_deref() else {
            return String::new();
        };
        if available_replicas(new_rs) < replicas
            && !replica_progress_threshold_met(threshold, Some(new_rs), replicas)
        {
            return String::new();
        }
        if let Some(reason) = self.requested_or_fast_rollback_promotion() {
            return reason;
        }
        let step_count = self.rollout.steps().len();
        let (_, index) = current_canary_step(&self.rollout);
        let completed_all =
            step_count == 0 || index.is_some_and(|i| usize::try_from(i).ok() == Some(step_count));
        if completed_all {
            return format!("Completed all {step_count} canary steps");
        }
        String::new()
    }

    /// The promotions `shouldFullPromote` grants whatever the steps or pause: `promote --full`, or a
    /// fast rollback (within the rollback window, to the stable, or to a delayed blue-green ReplicaSet).
    pub(crate) fn requested_or_fast_rollback_promotion(&self) -> Option<String> {
        if self.status().promote_full {
            return Some("Full promotion requested".to_owned());
        }
        if self.is_fast_rollback() {
            return Some(if self.is_rollback_within_window() {
                "Rollback within window".to_owned()
            } else {
                "Fast rollback".to_owned()
            });
        }
        None
    }

    /// `promoteStable` for a canary: clears pauses, abort and `promoteFull`, moves past the last step, and
    /// makes the current pod hash stable (`RolloutCompleted` Event when it changes).
    pub fn promote_stable(&mut self, new_status: &mut RolloutStatus, reason: &str) {
        self.pause.clear_pause_conditions();
        self.pause.remove_abort();
        new_status.promote_full = false;
        new_status.blue_green.scale_up_preview_check_point = false;
        if self.rollout.canary().is_some() {
            let step_count = self.rollout.steps().len();
            new_status.current_step_index =
                (step_count > 0).then(|| i32::try_from(step_count).unwrap_or(i32::MAX));
        }
        if new_status.stable_rs != new_status.current_pod_hash {
            crate::duration::mark_promoted(new_status.duration.as_mut(), self.status().promote_full);
            new_status.stable_rs = new_status.current_pod_hash.clone();
            let message = go_sprintf(
                ROLLOUT_COMPLETED_MESSAGE,
                &[&self.rollout_revision(), &new_status.current_pod_hash, &reason],
            );
            self.event(EventType::Normal, ROLLOUT_COMPLETED_REASON, message);
        }
    }

    /// `PodTemplateOrStepsChanged`: the recorded step hash is missing or differs, or the recorded pod hash
    /// is set and differs from the new ReplicaSet's.
    pub fn pod_template_or_steps_changed(&self) -> bool {
        let status = self.status();
        if status.current_step_hash.is_empty()
            || status.current_step_hash != crate::conditions::compute_step_hash(&self.rollout)
        {
            return true;
        }
        self.check_pod_spec_change()
    }
}
