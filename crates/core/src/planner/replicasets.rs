//! Scaling the rollout's ReplicaSets (`rollout/replicaset.go`, `rollout/canary.go`): the new ReplicaSet,
//! the abort scale-down delay, scale-down deadlines, old ReplicaSets (unhealthy ones first, then within
//! `maxUnavailable`), and the `revisionHistoryLimit` cleanup.

use std::sync::Arc;
use std::time::Duration;

use jiff::SignedDuration;
use k8s_openapi::api::apps::v1::ReplicaSet;
use rollouts_api::keys::{POD_TEMPLATE_HASH_LABEL, SCALE_DOWN_DEADLINE_ANNOTATION};

use super::annotations::replicas_annotations_need_update;
use super::context::RolloutContext;
use crate::defaults;
use crate::plan::{Action, ReplicaSetUpdate};
use crate::replicas::canary::replica_counts_for_basic_canary;
use crate::replicas::fenceposts::max_unavailable;
use crate::replicas::sets::{
    available_replica_count, has_scale_down_deadline, is_active, replica_count, sort_by_creation,
    sort_by_revision_reverse, time_remaining_before_scale_down_deadline,
};
use crate::replicas::traffic_routed::replica_counts_for_traffic_routed_canary;
use crate::replicas::{annotation, available_replicas, label, name, spec_replicas, status_replicas};

/// A plain annotation write on a ReplicaSet (Go's JSON patches: no resourceVersion precondition).
fn annotation_update(rs: &ReplicaSet, value: Option<String>) -> Action {
    let mut update = ReplicaSetUpdate {
        name: name(rs).to_owned(),
        ..Default::default()
    };
    update
        .annotations
        .insert(SCALE_DOWN_DEADLINE_ANNOTATION.to_owned(), value);
    Action::UpdateReplicaSet(Box::new(update))
}

impl RolloutContext<'_> {
    /// `shouldDelayScaleDownOnAbort`: aborted with a stable ReplicaSet, blue-green or a traffic-routed
    /// canary, with an abort delay (not `abortScaleDownDelaySeconds: 0`, and set explicitly when the stable
    /// scales dynamically).
    pub fn should_delay_scale_down_on_abort(&self) -> bool {
        if !self.pause.is_aborted() || self.stable_rs.is_none() {
            return false;
        }
        if self.rollout.canary().is_some() && self.rollout.traffic_routing().is_none() {
            return false;
        }
        let (delay, _) = defaults::abort_scale_down_delay_seconds_or_default(&self.rollout);
        if delay.is_none() {
            return false;
        }
        let dynamic = self.rollout.canary().is_some_and(|c| c.dynamic_stable_scale);
        !dynamic || defaults::has_explicit_abort_scale_down_delay(&self.rollout)
    }

    /// `removeScaleDownDelay` on the context's copy of the new or stable ReplicaSet: Go patches the
    /// annotation away and deletes it from its object in place (keeping the old resourceVersion).
    fn remove_scale_down_delay(&mut self, rs: &Arc<ReplicaSet>) -> Arc<ReplicaSet> {
        if !has_scale_down_deadline(Some(rs)) {
            return Arc::clone(rs);
        }
        self.plan.push(annotation_update(rs, None));
        let mut copy = ReplicaSet::clone(rs);
        if let Some(annotations) = copy.metadata.annotations.as_mut() {
            annotations.remove(SCALE_DOWN_DEADLINE_ANNOTATION);
        }
        Arc::new(copy)
    }

    /// `addScaleDownDelay`: annotates `rs` to be scaled down `seconds` from now (RFC 3339, UTC, whole
    /// seconds); a zero delay removes a deadline instead.
    fn add_scale_down_delay(&mut self, rs: &ReplicaSet, seconds: i32) {
        if seconds == 0 {
            if has_scale_down_deadline(Some(rs)) {
                self.plan.push(annotation_update(rs, None));
            }
            return;
        }
        let at = self
            .now()
            .checked_add(SignedDuration::from_secs(i64::from(seconds)))
            .unwrap_or(self.now());
        let deadline = jiff::fmt::strtime::format("%Y-%m-%dT%H:%M:%SZ", at).unwrap_or_default();
        self.plan.push(annotation_update(rs, Some(deadline)));
    }

    /// `removeScaleDownDeadlines`: the new ReplicaSet (unless an abort delays its scale-down) and the
    /// stable one lose their scale-down deadline; moving back to a ReplicaSet cancels its delay.
    pub fn remove_scale_down_deadlines(&mut self) {
        let mut removed_new = false;
        if let Some(new_rs) = self.new_rs.clone()
            && !self.should_delay_scale_down_on_abort()
        {
            self.new_rs = Some(self.remove_scale_down_delay(&new_rs));
            removed_new = true;
        }
        if let Some(stable_rs) = self.stable_rs.clone() {
            let same_as_new = self.new_rs.as_ref().is_some_and(|n| name(n) == name(&stable_rs));
            if !removed_new || !same_as_new {
                self.stable_rs = Some(self.remove_scale_down_delay(&stable_rs));
            }
        }
    }

    /// `NewRSNewReplicas`: the new ReplicaSet's count: blue-green's full or preview count, or the canary's
    /// count for the current weight.
    fn new_rs_new_replicas(&self, new_rs: &ReplicaSet) -> i32 {
        if self.rollout.blue_green().is_some() {
            return crate::replicas::bluegreen::new_rs_new_replicas(
                &self.rollout,
                &self.all_rss,
                Some(new_rs),
                None,
            )
            .unwrap_or(0);
        }
        let stable_hash = &self.status().stable_rs;
        let is_stable = |rs: &&Arc<ReplicaSet>| {
            !stable_hash.is_empty() && label(rs, POD_TEMPLATE_HASH_LABEL) == Some(stable_hash)
        };
        let stable = if !stable_hash.is_empty() && label(new_rs, POD_TEMPLATE_HASH_LABEL) == Some(stable_hash)
        {
            Some(new_rs)
        } else {
            self.all_rss.iter().find(is_stable).map(|rs| &**rs)
        };
        if self.rollout.traffic_routing().is_some() {
            let weights = self.new_status.canary.weights.as_ref();
            return replica_counts_for_traffic_routed_canary(&self.rollout, Some(new_rs), stable, weights).0;
        }
        let others: Vec<&ReplicaSet> = self
            .all_rss
            .iter()
            .map(|rs| &**rs)
            .filter(|rs| name(rs) != name(new_rs) && stable.is_none_or(|s| name(s) != name(rs)))
            .collect();
        replica_counts_for_basic_canary(&self.rollout, Some(new_rs), stable, &others).0
    }

    /// `syncNewRSReplicasAnnotation`: rewrites the new ReplicaSet's `desired-replicas` without scaling it.
    fn sync_new_rs_replicas_annotation(&mut self, new_rs: &Arc<ReplicaSet>) {
        if replicas_annotations_need_update(new_rs, self.spec_replicas()) {
            let (_, updated) = self.scale_replica_set_and_record_event(new_rs, spec_replicas(new_rs));
            self.new_rs = Some(updated);
        }
    }

    /// `reconcileNewReplicaSet`: scales the new ReplicaSet to its count, except while an abort delays its
    /// scale-down (kept up until the stable is fully available, then annotated with a deadline, then
    /// scaled to 0 once it passes). Returns whether it was scaled.
    pub fn reconcile_new_replica_set(&mut self) -> bool {
        let Some(new_rs) = self.new_rs.clone() else {
            return false;
        };
        let mut count = self.new_rs_new_replicas(&new_rs);
        if self.should_delay_scale_down_on_abort() {
            let (delay, _) = defaults::abort_scale_down_delay_seconds_or_default(&self.rollout);
            match annotation(&new_rs, SCALE_DOWN_DEADLINE_ANNOTATION) {
                Some(_) => match time_remaining_before_scale_down_deadline(&new_rs, self.now()) {
                    Ok(Some(remaining)) => {
                        self.requeue(Duration::try_from(remaining).unwrap_or(Duration::ZERO));
                        self.sync_new_rs_replicas_annotation(&new_rs);
                        return false;
                    }
                    Ok(None) => count = 0,
                    // Go logs the unreadable deadline and scales as usual.
                    Err(_) => {}
                },
                None => {
                    if let Some(delay) = delay {
                        self.sync_new_rs_replicas_annotation(&new_rs);
                        let stable_available = self.stable_rs.as_deref().map_or(0, available_replicas);
                        if stable_available >= self.rollout.spec.replicas.unwrap_or(0) {
                            self.add_scale_down_delay(&new_rs, delay);
                            self.requeue(Duration::from_secs(u64::try_from(delay).unwrap_or(0)));
                        }
                        return false;
                    }
                }
            }
        }
        self.scale_replica_set_and_record_event(&new_rs, count).0
    }

    /// `reconcileOtherReplicaSets`: scales down the scaled-up ReplicaSets that are neither new nor stable.
    pub fn reconcile_other_replica_sets(&mut self) -> bool {
        let others: Vec<Arc<ReplicaSet>> = self
            .other_rss
            .iter()
            .filter(|rs| is_active(Some(rs)))
            .cloned()
            .collect();
        if replica_count(&others) == 0 {
            return false;
        }
        if self.rollout.blue_green().is_some() {
            return self.scale_down_old_replica_sets_for_blue_green(others);
        }
        self.scale_down_old_replica_sets_for_canary(others) > 0
    }

    /// `cleanupUnhealthyReplicas`: oldest first, scales each old ReplicaSet down to its available pods.
    /// Go goes on with the scaled objects.
    fn cleanup_unhealthy_replicas(&mut self, mut old: Vec<Arc<ReplicaSet>>) -> (Vec<Arc<ReplicaSet>>, i32) {
        sort_by_creation(&mut old);
        let mut total = 0;
        for slot in &mut old {
            let target = Arc::clone(slot);
            let replicas = spec_replicas(&target);
            let available = available_replicas(&target);
            if replicas == 0 || replicas == available || available > replicas {
                continue;
            }
            let (_, updated) = self.scale_replica_set_and_record_event(&target, available);
            total += replicas - available;
            *slot = updated;
        }
        (old, total)
    }

    /// `scaleDownOldReplicaSetsForCanary` (basic canary): after the unhealthy pods, scales the old
    /// ReplicaSets down, newest revision first, by no more than the available pods above
    /// `replicas - maxUnavailable`. Returns how many replicas it removed (0 when nothing may be removed,
    /// even if unhealthy pods were, as in Go).
    fn scale_down_old_replica_sets_for_canary(&mut self, old: Vec<Arc<ReplicaSet>>) -> i32 {
        let (mut old, mut total) = self.cleanup_unhealthy_replicas(old);
        let available = available_replica_count(&self.all_rss);
        let min_available = self.spec_replicas() - max_unavailable(&self.rollout);
        let mut max_scale_down = available - min_available;
        if max_scale_down <= 0 {
            return 0;
        }
        sort_by_revision_reverse(&mut old);
        for target in &old {
            if max_scale_down <= 0 {
                break;
            }
            let replicas = spec_replicas(target);
            if replicas == 0 {
                continue;
            }
            let desired = if replicas > max_scale_down {
                replicas - max_scale_down
            } else {
                0
            };
            if replicas == desired {
                continue;
            }
            self.scale_replica_set_and_record_event(target, desired);
            max_scale_down -= replicas - desired;
            total += replicas - desired;
        }
        total
    }

    /// `scaleDownDelayHelper`: the count an old ReplicaSet keeps while it waits out its scale-down delay.
    /// A scaled-up ReplicaSet without a deadline gets one (`scaleDownDelaySeconds` from now) and keeps its
    /// size, up to `scaleDownDelayRevisionLimit` of them; one with a deadline keeps the rollout's replicas
    /// until it passes; the rest go to 0.
    pub(crate) fn scale_down_delay_helper(&mut self, rs: &ReplicaSet, annotated: &mut i32) -> i32 {
        let limit = defaults::scale_down_revision_limit(&self.rollout);
        if !has_scale_down_deadline(Some(rs)) && spec_replicas(rs) > 0 {
            if *annotated >= limit {
                return 0;
            }
            let delay = defaults::scale_down_delay_seconds_or_default(&self.rollout);
            if delay == 0 {
                // Go keeps such a ReplicaSet up for ever (argo-rollouts#1992); no delay means now.
                return 0;
            }
            *annotated += 1;
            self.add_scale_down_delay(rs, delay);
            self.requeue(Duration::from_secs(u64::try_from(delay).unwrap_or(0)));
            return spec_replicas(rs);
        }
        if !has_scale_down_deadline(Some(rs)) {
            return 0;
        }
        *annotated += 1;
        if *annotated > limit {
            return 0;
        }
        match time_remaining_before_scale_down_deadline(rs, self.now()) {
            Ok(Some(remaining)) => {
                self.requeue(Duration::try_from(remaining).unwrap_or(Duration::ZERO));
                self.spec_replicas()
            }
            // Passed, or unreadable (Go logs it): scale down.
            Ok(None) | Err(_) => 0,
        }
    }

    /// `isReplicaSetReferenced`: a hash the rollout's status names (stable, current, active, preview,
    /// traffic weights) or a Service of the strategy selects (as switched earlier in this reconcile); such a
    /// ReplicaSet is not scaled down.
    pub(crate) fn is_replica_set_referenced(&self, rs: &ReplicaSet) -> bool {
        let hash = crate::replicas::pod_template_hash(Some(rs));
        if hash.is_empty() {
            return false;
        }
        let status = self.status();
        let mut references = vec![
            status.stable_rs.as_str(),
            status.current_pod_hash.as_str(),
            status.blue_green.active_selector.as_str(),
            status.blue_green.preview_selector.as_str(),
        ];
        if let Some(weights) = &status.canary.weights {
            references.push(weights.canary.pod_template_hash.as_str());
            references.push(weights.stable.pod_template_hash.as_str());
        }
        if references.contains(&hash) {
            return true;
        }
        let services = match (self.rollout.canary(), self.rollout.blue_green()) {
            (Some(c), _) => [c.canary_service.as_str(), c.stable_service.as_str()],
            (None, Some(b)) => [b.active_service.as_str(), b.preview_service.as_str()],
            (None, None) => ["", ""],
        };
        // Istio DestinationRule subsets are checked here once traffic routing exists.
        services.iter().filter(|n| !n.is_empty()).any(|name| {
            // A selector switched earlier in this reconcile counts, as on Go's mutated lister object.
            if let Some(switched) = self.switched_selectors.get(*name) {
                return switched == hash;
            }
            let service = self.snapshot.services.get(*name);
            super::bluegreen::selected_hash(service.map(|s| &**s)) == hash
        })
    }

    /// `reconcileRevisionHistoryLimit`: deletes the oldest other ReplicaSets beyond
    /// `revisionHistoryLimit` (default 10) that are scaled to 0 with no pods and an observed generation,
    /// with the old AnalysisRuns and Experiments of their pod hash.
    pub fn reconcile_revision_history_limit(&mut self) {
        let limit = self
            .rollout
            .spec
            .revision_history_limit
            .unwrap_or(rollouts_api::defaults::REVISION_HISTORY_LIMIT);
        let mut cleanable: Vec<Arc<ReplicaSet>> = self
            .other_rss
            .iter()
            .filter(|rs| rs.metadata.deletion_timestamp.is_none())
            .cloned()
            .collect();
        let excess = i64::try_from(cleanable.len()).unwrap_or(i64::MAX) - i64::from(limit);
        if excess <= 0 {
            return;
        }
        sort_by_creation(&mut cleanable);
        let snapshot = self.snapshot;
        let status = self.status();
        let current_runs = [
            status.canary.current_step_analysis_run_status.as_ref(),
            status.canary.current_background_analysis_run_status.as_ref(),
            status.blue_green.pre_promotion_analysis_run_status.as_ref(),
            status.blue_green.post_promotion_analysis_run_status.as_ref(),
        ]
        .into_iter()
        .flatten()
        .map(|s| s.name.clone())
        .collect::<Vec<_>>();
        let current_experiment = status.canary.current_experiment.clone();
        for rs in cleanable
            .iter()
            .take(usize::try_from(excess).unwrap_or(usize::MAX))
        {
            let generation = rs.metadata.generation.unwrap_or(0);
            let observed = rs
                .status
                .as_ref()
                .and_then(|s| s.observed_generation)
                .unwrap_or(0);
            if status_replicas(rs) != 0 || spec_replicas(rs) != 0 || generation > observed {
                continue;
            }
            self.plan.push(Action::DeleteReplicaSet {
                name: name(rs).to_owned(),
                uid: rs.metadata.uid.clone().unwrap_or_default(),
            });
            let Some(hash) = label(rs, POD_TEMPLATE_HASH_LABEL) else {
                continue;
            };
            let has_hash = |labels: &Option<std::collections::BTreeMap<String, String>>| {
                labels
                    .as_ref()
                    .and_then(|l| l.get(POD_TEMPLATE_HASH_LABEL))
                    .map(String::as_str)
                    == Some(hash)
            };
            for run in &snapshot.analysis_runs {
                let run_name = run.metadata.name.clone().unwrap_or_default();
                if current_runs.contains(&run_name)
                    || !has_hash(&run.metadata.labels)
                    || run.metadata.deletion_timestamp.is_some()
                {
                    continue;
                }
                self.plan.push(Action::DeleteAnalysisRun { name: run_name });
            }
            for experiment in &snapshot.experiments {
                let experiment_name = experiment.metadata.name.clone().unwrap_or_default();
                if experiment_name == current_experiment
                    || !has_hash(&experiment.metadata.labels)
                    || experiment.metadata.deletion_timestamp.is_some()
                {
                    continue;
                }
                self.plan.push(Action::DeleteExperiment {
                    name: experiment_name,
                });
            }
        }
    }
}
