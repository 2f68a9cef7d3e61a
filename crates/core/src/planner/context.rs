//! The reconcile context (Argo's `rolloutContext`, `rollout/context.go` and `newRolloutContext` in
//! `rollout/controller.go`): the rollout, its new / stable / older / other ReplicaSets, the status being
//! built, the pause context, and the plan under construction. Every strategy and feature module works on
//! this one value.
//!
//! Where Go writes an object mid-reconcile and goes on with what the API server returned, the context
//! replaces its copy with the written object (with an unknown `resourceVersion`); where Go goes on with
//! the object it had before the write, so does the context. Each such place says which it is.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use k8s_openapi::api::apps::v1::ReplicaSet;
use rollouts_api::keys::POD_TEMPLATE_HASH_LABEL;
use rollouts_api::{Rollout, RolloutStatus};

use crate::conditions::{SCALING_REPLICA_SET_MESSAGE, SCALING_REPLICA_SET_REASON, go_sprintf};
use crate::defaults;
use crate::merge_patch;
use crate::pause::PauseContext;
use crate::plan::{Action, EventType, Plan, ReplicaSetUpdate};
use crate::replicas::find_new::find_new_replica_set;
use crate::replicas::sets::{revision, time_remaining_before_scale_down_deadline};
use crate::replicas::{label, name, spec_replicas};
use crate::snapshot::Snapshot;

use super::annotations::{replicas_annotations_need_update, set_replicas_annotations};

/// Why a reconcile stopped early, as Go's `return err` does: nothing after it is planned and no status is
/// written beyond what was already decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Halt {
    /// A Service the strategy names does not exist (Go: the lister's NotFound; the rollout is not
    /// requeued, a Service event will bring it back).
    ServiceNotFound(String),
}

/// `rolloutContext`.
pub(crate) struct RolloutContext<'a> {
    /// What the controller observed.
    pub snapshot: &'a Snapshot,
    /// `c.rollout`: the rollout, updated as Go updates it mid-reconcile (revision annotation, a
    /// Progressing condition written by `UpdateStatus`).
    pub rollout: Rollout,
    /// The pod-template hash of `spec.template` with `status.collisionCount`.
    pub pod_hash: String,
    /// `c.newRS`: the ReplicaSet of the current template.
    pub new_rs: Option<Arc<ReplicaSet>>,
    /// `c.stableRS`: the ReplicaSet whose hash is `status.stableRS` (may be the new one).
    pub stable_rs: Option<Arc<ReplicaSet>>,
    /// `c.allRSs`: every claimed ReplicaSet.
    pub all_rss: Vec<Arc<ReplicaSet>>,
    /// `c.olderRSs`: all but the new one (the stable included).
    pub older_rss: Vec<Arc<ReplicaSet>>,
    /// `c.otherRSs`: neither new nor stable.
    pub other_rss: Vec<Arc<ReplicaSet>>,
    /// `c.newStatus`: the fields a reconcile carries into the status it computes.
    pub new_status: RolloutStatus,
    /// `c.pauseContext`.
    pub pause: PauseContext<'a>,
    /// `c.newRSWithinDelay`: the new ReplicaSet had a scale-down deadline in the future.
    pub new_rs_within_delay: bool,
    /// `c.newRollout != nil`: the rollout (or its status) was written; some paths end the reconcile then.
    pub rollout_modified: bool,
    /// The status to write, once a path decided it.
    pub final_status: Option<RolloutStatus>,
    /// Service name → the `rollouts-pod-template-hash` this reconcile switched it to. Go switches the
    /// selector on the lister's (cached) object, so later lookups in the same reconcile
    /// (`isReplicaSetReferenced`) see the new selector.
    pub switched_selectors: std::collections::BTreeMap<String, String>,
    /// The plan under construction.
    pub plan: Plan,
}

impl<'a> RolloutContext<'a> {
    /// `newRolloutContext` up to validation: sorts the claimed ReplicaSets into new / older / stable /
    /// other.
    pub fn new(snapshot: &'a Snapshot, all_rss: Vec<Arc<ReplicaSet>>, pod_hash: String) -> Self {
        let ro: &'a Rollout = &snapshot.rollout;
        let status = crate::status(ro);
        let mut ctx = Self {
            snapshot,
            rollout: ro.clone(),
            pod_hash,
            new_rs: None,
            stable_rs: None,
            all_rss,
            older_rss: Vec::new(),
            other_rss: Vec::new(),
            new_status: RolloutStatus {
                restarted_at: status.restarted_at.clone(),
                alb: status.alb.clone(),
                albs: status.albs.clone(),
                duration: status.duration.clone(),
                ..Default::default()
            },
            pause: PauseContext::new(ro),
            new_rs_within_delay: false,
            rollout_modified: false,
            final_status: None,
            switched_selectors: std::collections::BTreeMap::new(),
            plan: Plan::default(),
        };
        ctx.new_rs = find_new_replica_set(ro, &ctx.all_rss, &ctx.pod_hash).cloned();
        ctx.classify();
        ctx.new_rs_within_delay = ctx.new_rs.as_ref().is_some_and(|rs| {
            matches!(
                time_remaining_before_scale_down_deadline(rs, snapshot.now),
                Ok(Some(_))
            )
        });
        // Carry over the recorded traffic weights, and the blue-green promotion runs (Go re-records the
        // current runs every reconcile in `reconcileAnalysisRuns`; until that is planned, the recorded
        // ones stand, and a template change clears them in `reset_rollout_status`).
        ctx.new_status.canary.weights = status.canary.weights.clone();
        ctx.new_status.blue_green.pre_promotion_analysis_run_status =
            status.blue_green.pre_promotion_analysis_run_status.clone();
        ctx.new_status.blue_green.post_promotion_analysis_run_status =
            status.blue_green.post_promotion_analysis_run_status.clone();
        ctx
    }

    /// `FindOldReplicaSets`, `GetStableRS`, `GetOtherRSs` for the current `new_rs`.
    pub fn classify(&mut self) {
        let new_uid = self.new_rs.as_ref().map(|rs| rs.metadata.uid.clone());
        self.older_rss = self
            .all_rss
            .iter()
            .filter(|rs| new_uid.as_ref() != Some(&rs.metadata.uid))
            .cloned()
            .collect();
        let stable_hash = crate::status(&self.rollout).stable_rs.clone();
        let is_stable =
            |rs: &&Arc<ReplicaSet>| label(rs, POD_TEMPLATE_HASH_LABEL).unwrap_or("") == stable_hash;
        self.stable_rs = if stable_hash.is_empty() {
            None
        } else {
            self.new_rs
                .iter()
                .find(is_stable)
                .or_else(|| self.older_rss.iter().find(is_stable))
                .cloned()
        };
        let stable_name = self.stable_rs.as_ref().map(|rs| name(rs).to_owned());
        let new_name = self.new_rs.as_ref().map(|rs| name(rs).to_owned());
        self.other_rss = self
            .all_rss
            .iter()
            .filter(|rs| {
                stable_name.as_deref().is_none_or(|s| s != name(rs))
                    && new_name.as_deref().is_none_or(|n| n != name(rs))
            })
            .cloned()
            .collect();
    }

    /// The reconcile's instant.
    pub fn now(&self) -> Timestamp {
        self.snapshot.now
    }

    /// `GetReplicasOrDefault(rollout.Spec.Replicas)`.
    pub fn spec_replicas(&self) -> i32 {
        defaults::replicas_or_default(self.rollout.spec.replicas)
    }

    /// The rollout's name.
    pub fn name(&self) -> &str {
        self.rollout.metadata.name.as_deref().unwrap_or_default()
    }

    /// `replicasetutil.Revision(c.rollout)` with Go's ignored error: 0 when absent or unreadable.
    pub fn rollout_revision(&self) -> i64 {
        revision(Some(&self.rollout.metadata)).unwrap_or(0)
    }

    /// The rollout's status as currently known (`c.rollout.Status`).
    pub fn status(&self) -> &RolloutStatus {
        crate::status(&self.rollout)
    }

    /// The rollout's status, created if missing.
    pub fn status_mut(&mut self) -> &mut RolloutStatus {
        self.rollout.status.get_or_insert_with(RolloutStatus::default)
    }

    /// `calculateStatusDuration` on the status about to be written (Go calls it in `persistRolloutStatus`
    /// and `patchCondition`); a completed attempt is handed to the executor for the duration histograms.
    pub fn calculate_status_duration(&mut self, new_status: &mut RolloutStatus) {
        let pod_spec_changed = if self.rollout.canary().is_some() {
            self.pod_template_or_steps_changed()
        } else {
            self.check_pod_spec_change()
        };
        let inputs = crate::duration::DurationInputs {
            rollout: &self.rollout,
            new_rs: self.new_rs.as_deref(),
            pod_spec_changed,
            is_aborted: self.pause.is_aborted(),
            is_rollback: self.is_rollback(),
            is_fast_rollback: self.is_fast_rollback(),
            now: self.now(),
        };
        let update = crate::duration::calculate_status_duration(&inputs, new_status);
        new_status.duration = update.duration;
        self.plan.completed_duration = update.completed;
    }

    /// Records an Event.
    pub fn event(&mut self, kind: EventType, reason: &str, message: impl Into<String>) {
        self.plan.event(kind, reason, message);
    }

    /// Reconcile again after `after`.
    pub fn requeue(&mut self, after: Duration) {
        self.plan.requeue(after);
    }

    /// Plans the write that turns `old` into `new` (Go's `Update` of the whole ReplicaSet), if they
    /// differ.
    pub fn update_replica_set(&mut self, old: &ReplicaSet, new: &ReplicaSet) {
        if let Some(update) = replica_set_update(old, new) {
            self.plan.push(Action::UpdateReplicaSet(Box::new(update)));
        }
    }

    /// `scaleReplicaSetAndRecordEvent` / `scaleReplicaSet`: scales `rs` to `new_scale` and records the
    /// rollout's replicas in its `desired-replicas` annotation (dropping a scale-down deadline on a full
    /// scale-down unless an abort delays it), with a `ScalingReplicaSet` Event when the size changes.
    /// Returns whether the size changed, and the ReplicaSet as written (Go's `updateReplicaSet` result;
    /// the input when nothing was written).
    pub fn scale_replica_set_and_record_event(
        &mut self,
        rs: &Arc<ReplicaSet>,
        new_scale: i32,
    ) -> (bool, Arc<ReplicaSet>) {
        let rollout_replicas = self.spec_replicas();
        let current = spec_replicas(rs);
        let size_needs_update = current != new_scale;
        if !size_needs_update && !replicas_annotations_need_update(rs, rollout_replicas) {
            return (false, Arc::clone(rs));
        }
        let operation = if current < new_scale { "up" } else { "down" };
        let mut copy = ReplicaSet::clone(rs);
        copy.spec.replicas = Some(new_scale);
        set_replicas_annotations(&mut copy, rollout_replicas);
        if new_scale == 0
            && !self.should_delay_scale_down_on_abort()
            && let Some(annotations) = copy.metadata.annotations.as_mut()
        {
            annotations.remove(rollouts_api::keys::SCALE_DOWN_DEADLINE_ANNOTATION);
        }
        self.update_replica_set(rs, &copy);
        if size_needs_update {
            let rev = revision(Some(&copy.metadata)).unwrap_or(0);
            let message = go_sprintf(
                SCALING_REPLICA_SET_MESSAGE,
                &[&operation, &name(&copy), &rev, &current, &new_scale],
            );
            self.event(EventType::Normal, SCALING_REPLICA_SET_REASON, message);
        }
        copy.metadata.resource_version = None;
        (size_needs_update, Arc::new(copy))
    }

    /// Ends the reconcile: the status decided, or the rollout's status when only a mid-reconcile status
    /// write (Go's `UpdateStatus`) changed it.
    pub fn finish(mut self) -> Plan {
        self.plan.status = match self.final_status.take() {
            Some(status) => Some(status),
            None if status_changed(crate::status(&self.snapshot.rollout), self.status()) => {
                Some(self.status().clone())
            }
            None => None,
        };
        self.plan
    }
}

/// Whether two statuses serialise differently (Go diffs their JSON; times have second precision there).
pub(crate) fn status_changed(old: &RolloutStatus, new: &RolloutStatus) -> bool {
    merge_patch::status_patch(old, new).map_or(true, |patch| patch.is_some())
}

/// The change from `old` to `new` as a [`ReplicaSetUpdate`]: replicas, annotations, the pod template (as a
/// merge patch) and `minReadySeconds`; `None` when they are equal in those.
pub(crate) fn replica_set_update(old: &ReplicaSet, new: &ReplicaSet) -> Option<ReplicaSetUpdate> {
    let (old_spec, new_spec) = (&old.spec, &new.spec);
    let mut update = ReplicaSetUpdate {
        name: name(old).to_owned(),
        resource_version: old.metadata.resource_version.clone(),
        ..Default::default()
    };
    let mut changed = false;
    if old_spec.replicas != new_spec.replicas {
        update.replicas = new_spec.replicas;
        changed = true;
    }
    let empty = Default::default();
    let old_annotations = old.metadata.annotations.as_ref().unwrap_or(&empty);
    let new_annotations = new.metadata.annotations.as_ref().unwrap_or(&empty);
    for (k, v) in new_annotations {
        if old_annotations.get(k) != Some(v) {
            update.annotations.insert(k.clone(), Some(v.clone()));
        }
    }
    for k in old_annotations.keys() {
        if !new_annotations.contains_key(k) {
            update.annotations.insert(k.clone(), None);
        }
    }
    changed |= !update.annotations.is_empty();
    let old_template = serde_json::to_value(&old_spec.template).unwrap_or_default();
    let new_template = serde_json::to_value(&new_spec.template).unwrap_or_default();
    update.template_patch = merge_patch::diff(&old_template, &new_template);
    changed |= update.template_patch.is_some();
    // Go's int32 field: unset and 0 are the same value.
    if old_spec.min_ready_seconds.unwrap_or(0) != new_spec.min_ready_seconds.unwrap_or(0) {
        update.min_ready_seconds = Some(new_spec.min_ready_seconds.unwrap_or(0));
        changed = true;
    }
    changed.then_some(update)
}
