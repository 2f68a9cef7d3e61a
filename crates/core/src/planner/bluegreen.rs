//! The blue-green strategy (`rollout/bluegreen.go` and the blue-green half of `rollout/service.go`): the
//! order of a blue-green reconcile, the preview and active Services, the blue-green pause, the preview
//! scale-up checkpoint (`previewReplicaCount`), promotion, and the blue-green status.
//!
//! Go switches a Service's selector and updates its in-memory object, so that the status computed at the
//! end of the reconcile reads the switched selectors; [`Services`] carries those copies here.
//!
//! Pre- and post-promotion analysis and AWS target-group verification plug in at the places marked in
//! [`RolloutContext::rollout_blue_green`]; until the analysis controller exists, the current runs are the
//! AnalysisRuns named in the rollout's status, and no run is created.

use k8s_openapi::api::core::v1::Service;
use rollouts_api::enums::{AnalysisPhase, PauseReason};
use rollouts_api::keys::{MANAGED_BY_ROLLOUTS_ANNOTATION, POD_TEMPLATE_HASH_LABEL};
use rollouts_api::{AnalysisRun, RolloutStatus};

use super::annotations::is_saturated;
use super::claim::format_label_selector;
use super::context::{Halt, RolloutContext};
use crate::pause::{completed_pre_promotion_analysis, halt_progress, pause_condition};
use crate::replicas::bluegreen::{ready_for_pause, replica_set_by_template_hash};
use crate::replicas::pod_template_hash;
use crate::replicas::sets::{actual_replica_count, available_replica_count};

/// The hash a Service selects (`GetRolloutSelectorLabel`): its `rollouts-pod-template-hash` selector.
pub(crate) fn selected_hash(service: Option<&Service>) -> String {
    service
        .and_then(|s| s.spec.as_ref())
        .and_then(|s| s.selector.as_ref())
        .and_then(|s| s.get(POD_TEMPLATE_HASH_LABEL))
        .cloned()
        .unwrap_or_default()
}

/// The preview and active Services as this reconcile has left them.
pub(crate) struct Services {
    /// `previewService`, when the strategy names one.
    pub preview: Option<Service>,
    /// `activeService`.
    pub active: Service,
}

/// `needsBlueGreenControllerPause`: the controller pauses before the switch when auto-promotion is
/// disabled or delayed.
fn needs_blue_green_controller_pause(ro: &rollouts_api::Rollout) -> bool {
    ro.blue_green()
        .is_some_and(|bg| bg.auto_promotion_enabled == Some(false) || bg.auto_promotion_seconds > 0)
}

impl RolloutContext<'_> {
    /// `rolloutBlueGreen`: the Services, the new ReplicaSet's revision, the preview Service (at once);
    /// a changed template only resets the status; otherwise pod restarts, the ReplicaSets, the pause, the
    /// active Service, and the status. Unlike the canary, scaling does not end the reconcile.
    pub fn rollout_blue_green(&mut self) -> Result<(), Halt> {
        let mut services = self.preview_and_active_services()?;
        self.sync_replica_set_revision();
        self.reconcile_preview_service(&mut services);
        if self.check_pod_spec_change() {
            self.sync_rollout_status_blue_green(&services);
            return Ok(());
        }
        // Go goes on whether or not pods were evicted.
        self.reconcile_restart();
        self.reconcile_blue_green_replica_sets();
        self.reconcile_blue_green_pause(&services.active);
        self.reconcile_active_service(&mut services);
        // AWS target-group verification and the pre-/post-promotion AnalysisRuns go here.
        self.reconcile_ephemeral_metadata();
        self.sync_rollout_status_blue_green(&services);
        Ok(())
    }

    /// `getPreviewAndActiveServices`: a missing Service fails the reconcile (Go's lister NotFound).
    pub(crate) fn preview_and_active_services(&self) -> Result<Services, Halt> {
        let Some(bg) = self.rollout.blue_green() else {
            return Err(Halt::ServiceNotFound(String::new()));
        };
        let get = |name: &str| {
            self.snapshot
                .services
                .get(name)
                .map(|s| Service::clone(s))
                .ok_or_else(|| Halt::ServiceNotFound(name.to_owned()))
        };
        let preview = if bg.preview_service.is_empty() {
            None
        } else {
            Some(get(&bg.preview_service)?)
        };
        let active = get(&bg.active_service)?;
        Ok(Services { preview, active })
    }

    /// `CheckPodSpecChange`: the recorded pod hash is set and differs from the new ReplicaSet's (or the
    /// template's).
    pub fn check_pod_spec_change(&self) -> bool {
        let recorded = &self.status().current_pod_hash;
        if recorded.is_empty() {
            return false;
        }
        let hash = match &self.new_rs {
            Some(rs) => pod_template_hash(Some(rs)),
            None => self.pod_hash.as_str(),
        };
        recorded != hash
    }

    /// `reconcileBlueGreenReplicaSets`: scale-down deadlines, the stable at full size, the new one at its
    /// count, the old ones down after their delay, and the history limit.
    pub fn reconcile_blue_green_replica_sets(&mut self) {
        self.remove_scale_down_deadlines();
        if let Some(stable_rs) = self.stable_rs.clone() {
            let (_, written) = self.scale_replica_set_and_record_event(&stable_rs, self.spec_replicas());
            // Go goes on with its old copy of the new ReplicaSet when it is the stable one, and its second
            // write then fails on the stale resourceVersion; the written object avoids that wasted write.
            if self
                .new_rs
                .as_ref()
                .is_some_and(|n| n.metadata.uid == written.metadata.uid)
            {
                self.new_rs = Some(written);
            }
        }
        self.reconcile_new_replica_set();
        self.reconcile_other_replica_sets();
        self.reconcile_revision_history_limit();
    }

    /// `switchServiceSelector` (blue-green): points the Service at `desired` unless it already selects it
    /// and is managed, then updates the in-memory Service as Go does (Go's is the lister's cached object,
    /// which `isReplicaSetReferenced` reads later in the reconcile: see `switched_selectors`).
    fn switch_selector(&mut self, service: &mut Service, desired: &str) {
        let managed = service
            .metadata
            .annotations
            .as_ref()
            .is_some_and(|a| a.contains_key(MANAGED_BY_ROLLOUTS_ANNOTATION));
        let selector = service
            .spec
            .get_or_insert_with(Default::default)
            .selector
            .as_ref();
        let current = selector.and_then(|s| s.get(POD_TEMPLATE_HASH_LABEL)).cloned();
        if current.as_deref() == Some(desired) && managed {
            return;
        }
        let name = service.metadata.name.clone().unwrap_or_default();
        self.switch_service_selector(&name, current.as_deref().unwrap_or(""), desired, managed);
        self.switched_selectors.insert(name, desired.to_owned());
        service
            .spec
            .get_or_insert_with(Default::default)
            .selector
            .get_or_insert_with(Default::default)
            .insert(POD_TEMPLATE_HASH_LABEL.to_owned(), desired.to_owned());
    }

    /// `reconcilePreviewService`: the preview Service follows the new ReplicaSet at once, unless progress
    /// is halted.
    fn reconcile_preview_service(&mut self, services: &mut Services) {
        let Some(preview) = services.preview.as_mut() else {
            return;
        };
        if halt_progress(&self.rollout).is_some() {
            return;
        }
        let new_hash = pod_template_hash(self.new_rs.as_deref()).to_owned();
        self.switch_selector(preview, &new_hash);
    }

    /// `reconcileActiveService`: once the new ReplicaSet is saturated, the active Service moves to it when
    /// the update is fast-tracked or the pause and pre-promotion analysis are done; after an abort it goes
    /// back to the stable.
    fn reconcile_active_service(&mut self, services: &mut Services) {
        if halt_progress(&self.rollout).is_some() {
            return;
        }
        let new_rs = self.new_rs.as_deref();
        if !ready_for_pause(&self.rollout, new_rs, &self.all_rss) || !is_saturated(&self.rollout, new_rs) {
            return;
        }
        let new_hash = pod_template_hash(new_rs).to_owned();
        let mut desired = selected_hash(Some(&services.active));
        if self.is_blue_green_fast_tracked(&services.active) {
            desired.clone_from(&new_hash);
        }
        if self.pause.completed_blue_green_pause(self.now()) && self.completed_pre_promotion_analysis() {
            desired.clone_from(&new_hash);
        }
        if self.status().abort {
            desired.clone_from(&self.status().stable_rs);
        }
        self.switch_selector(&mut services.active, &desired);
    }

    /// `isBlueGreenFastTracked`: no pause is needed: a fast rollback (which includes a fully promoted
    /// rollout), a full promotion, an active Service without a hash selector yet, or one already on the
    /// new ReplicaSet.
    fn is_blue_green_fast_tracked(&self, active: &Service) -> bool {
        if self.is_fast_rollback() || self.status().promote_full {
            return true;
        }
        let has_selector = active
            .spec
            .as_ref()
            .and_then(|s| s.selector.as_ref())
            .is_some_and(|s| s.contains_key(POD_TEMPLATE_HASH_LABEL));
        !has_selector || selected_hash(Some(active)) == pod_template_hash(self.new_rs.as_deref())
    }

    /// `reconcileBlueGreenPause`: once the new ReplicaSet is ready, pauses before the switch when
    /// auto-promotion is disabled or delayed (not when resumed, fast-tracked, already active or past the
    /// preview checkpoint), and ends the pause when `autoPromotionSeconds` elapsed.
    fn reconcile_blue_green_pause(&mut self, active: &Service) {
        if self.status().abort {
            return;
        }
        if !ready_for_pause(&self.rollout, self.new_rs.as_deref(), &self.all_rss) {
            return;
        }
        if halt_progress(&self.rollout).is_some() {
            return;
        }
        let already_active = selected_hash(Some(active)) == pod_template_hash(self.new_rs.as_deref());
        if self.is_blue_green_fast_tracked(active)
            || already_active
            || self.status().blue_green.scale_up_preview_check_point
            || !needs_blue_green_controller_pause(&self.rollout)
        {
            self.pause.remove_pause_condition(PauseReason::BlueGreenPause);
            return;
        }
        if !self.completed_pre_promotion_analysis() {
            return;
        }
        match pause_condition(&self.rollout, &PauseReason::BlueGreenPause).cloned() {
            Some(condition) => {
                if self.pause.completed_blue_green_pause(self.now()) {
                    self.pause.remove_pause_condition(PauseReason::BlueGreenPause);
                } else {
                    let seconds = self
                        .rollout
                        .blue_green()
                        .map_or(0, |bg| bg.auto_promotion_seconds);
                    if seconds > 0 {
                        self.check_enqueue_rollout_during_wait(condition.start_time.as_ref(), seconds);
                    }
                }
            }
            // Without a condition, a controller pause means the user resumed (promoted) the rollout.
            None if !self.status().controller_pause => {
                self.pause.add_pause_condition(PauseReason::BlueGreenPause);
            }
            None => {}
        }
    }

    /// The AnalysisRun named in the rollout's status as the current pre- or post-promotion run.
    fn current_promotion_run(&self, pre: bool) -> Option<&AnalysisRun> {
        let status = &self.status().blue_green;
        let current = if pre {
            status.pre_promotion_analysis_run_status.as_ref()
        } else {
            status.post_promotion_analysis_run_status.as_ref()
        }?;
        self.snapshot
            .analysis_runs
            .iter()
            .find(|run| run.metadata.name.as_deref() == Some(current.name.as_str()))
            .map(|run| &**run)
    }

    /// `completedPrePromotionAnalysis`.
    fn completed_pre_promotion_analysis(&self) -> bool {
        completed_pre_promotion_analysis(&self.rollout, self.current_promotion_run(true))
    }

    /// The current post-promotion run succeeded.
    pub(crate) fn post_promotion_analysis_successful(&self) -> bool {
        self.current_promotion_run(false)
            .and_then(|run| run.status.as_ref())
            .is_some_and(|s| s.phase == Some(AnalysisPhase::Successful))
    }

    /// `skipPostPromotionAnalysisRun`: no post-promotion analysis is due (already stable, not yet
    /// active, or, before a run started, not saturated).
    pub(crate) fn skip_post_promotion_analysis_run(&self) -> bool {
        let hash = pod_template_hash(self.new_rs.as_deref());
        let status = self.status();
        if status.stable_rs == hash || status.blue_green.active_selector != hash || hash.is_empty() {
            return true;
        }
        if self.current_promotion_run(false).is_some() {
            return false;
        }
        !is_saturated(&self.rollout, self.new_rs.as_deref())
    }

    /// `shouldFullPromote` for blue-green: why the new ReplicaSet becomes stable now, or `""`. The first
    /// deploy is promoted before the active Service selects anything (then the switch follows).
    fn should_full_promote_blue_green(&self, new_status: &RolloutStatus) -> String {
        if self.stable_rs.is_none() || new_status.blue_green.active_selector.is_empty() {
            return "Initial deploy".to_owned();
        }
        if new_status.blue_green.active_selector != new_status.current_pod_hash {
            return String::new();
        }
        // AWS target-group verification (areTargetsVerified) goes here.
        if let Some(reason) = self.requested_or_fast_rollback_promotion() {
            return reason;
        }
        if self.pause.is_aborted() {
            return String::new();
        }
        let post_promotion = self
            .rollout
            .blue_green()
            .is_some_and(|bg| bg.post_promotion_analysis.is_some());
        if post_promotion && !self.post_promotion_analysis_successful() {
            return String::new();
        }
        "Completed blue-green update".to_owned()
    }

    /// `calculateScaleUpPreviewCheckPoint`: with `previewReplicaCount`, a one-way switch that turns true
    /// once the pause and pre-promotion analysis are done and the preview pods are available, so that the
    /// new ReplicaSet is scaled to full size before the switch.
    fn calculate_scale_up_preview_check_point(&self) -> bool {
        let Some(preview_count) = self.rollout.blue_green().and_then(|bg| bg.preview_replica_count) else {
            return false;
        };
        if self.status().blue_green.scale_up_preview_check_point {
            return true;
        }
        if !self.completed_pre_promotion_analysis() || !self.pause.completed_blue_green_pause(self.now()) {
            return false;
        }
        preview_count == available_replica_count(self.new_rs.as_slice())
    }

    /// `scaleDownOldReplicaSetsForBlueGreen`: newest revision first, every old ReplicaSet that nothing
    /// references waits out its scale-down delay, then goes to 0. Nothing is scaled down while paused on
    /// an inconclusive analysis, or, with post-promotion analysis and no explicit delay, before that
    /// analysis succeeded. Returns whether one was scaled.
    pub(crate) fn scale_down_old_replica_sets_for_blue_green(
        &mut self,
        mut old: Vec<std::sync::Arc<k8s_openapi::api::apps::v1::ReplicaSet>>,
    ) -> bool {
        if pause_condition(&self.rollout, &PauseReason::InconclusiveAnalysis).is_some() {
            return false;
        }
        let waits_for_post_promotion = self
            .rollout
            .blue_green()
            .is_some_and(|bg| bg.post_promotion_analysis.is_some() && bg.scale_down_delay_seconds.is_none());
        if waits_for_post_promotion
            && !self.skip_post_promotion_analysis_run()
            && !self.post_promotion_analysis_successful()
        {
            return false;
        }
        crate::replicas::sets::sort_by_revision_reverse(&mut old);
        let mut scaled = false;
        let mut annotated = 0;
        for target in &old {
            if self.is_replica_set_referenced(target) {
                continue;
            }
            let replicas = crate::replicas::spec_replicas(target);
            if replicas == 0 {
                continue;
            }
            let desired = self.scale_down_delay_helper(target, &mut annotated);
            if replicas == desired {
                continue;
            }
            self.scale_replica_set_and_record_event(target, desired);
            scaled = true;
        }
        scaled
    }

    /// `syncRolloutStatusBlueGreen`: the selectors read back from the Services, promotion or the preview
    /// checkpoint, and the replica counts of the active ReplicaSet (of all of them before there is one).
    pub fn sync_rollout_status_blue_green(&mut self, services: &Services) {
        let mut new_status = self.calculate_base_status();
        new_status.stable_rs = self.status().stable_rs.clone();
        if self.check_pod_spec_change() {
            self.reset_rollout_status(&mut new_status);
        }
        if self.status().promote_full || self.is_rollback_within_window() {
            self.pause.clear_pause_conditions();
            self.pause.remove_abort();
        }
        new_status.blue_green.preview_selector = selected_hash(services.preview.as_ref());
        new_status.blue_green.active_selector = selected_hash(Some(&services.active));
        let reason = self.should_full_promote_blue_green(&new_status);
        if reason.is_empty() {
            new_status.blue_green.scale_up_preview_check_point =
                self.calculate_scale_up_preview_check_point();
        } else {
            self.promote_stable(&mut new_status, &reason);
        }
        self.set_active_replica_counts(&mut new_status, true);
        self.persist_rollout_status(new_status);
    }

    /// The replica counts of the active ReplicaSet (named by `status.blueGreen.activeSelector`), or of all
    /// of them before there is one. `with_selector` also sets `selector` and `readyReplicas`, as the full
    /// status sync does (the scaling-event sync does not).
    pub(crate) fn set_active_replica_counts(&self, new_status: &mut RolloutStatus, with_selector: bool) {
        let (active_rs, _) =
            replica_set_by_template_hash(&self.all_rss, &new_status.blue_green.active_selector);
        match active_rs {
            Some(rs) => {
                let status = rs.status.as_ref();
                new_status.hpa_replicas = status.map_or(0, |s| s.replicas);
                new_status.available_replicas = status.and_then(|s| s.available_replicas).unwrap_or(0);
                if with_selector {
                    new_status.selector = format_label_selector(Some(&rs.spec.selector));
                    new_status.ready_replicas = status.and_then(|s| s.ready_replicas).unwrap_or(0);
                }
            }
            None => {
                new_status.hpa_replicas = actual_replica_count(&self.all_rss);
                new_status.available_replicas = available_replica_count(&self.all_rss);
                if with_selector {
                    new_status.selector = format_label_selector(self.rollout.spec.selector.as_ref());
                }
            }
        }
    }
}
