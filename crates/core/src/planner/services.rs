//! Pointing the canary strategy's Services at ReplicaSets (`rollout/service.go`): the stable Service at
//! the stable ReplicaSet, the canary Service at the new one (at the stable one after a basic-canary
//! abort). A Service is switched with a strategic merge patch of its `rollouts-pod-template-hash`
//! selector, adding the `managed-by-rollouts` annotation when it is adopted; an adopted Service only
//! switches to a fully available ReplicaSet, a managed one to a ReplicaSet with at least one available pod.

use std::sync::Arc;

use k8s_openapi::api::apps::v1::ReplicaSet;
use rollouts_api::keys::{MANAGED_BY_ROLLOUTS_ANNOTATION, POD_TEMPLATE_HASH_LABEL};
use serde_json::json;

use super::context::{Halt, RolloutContext};
use crate::phase::is_dynamically_rolling_back_to_stable;
use crate::plan::{Action, EventType};
use crate::replicas::label;
use crate::replicas::sets::{is_replica_set_available, is_replica_set_partially_available};

/// Event reason of a selector switch.
const SWITCH_SERVICE_REASON: &str = "SwitchService";

impl RolloutContext<'_> {
    /// `reconcileStableAndCanaryService`.
    pub fn reconcile_stable_and_canary_service(&mut self) -> Result<(), Halt> {
        let Some(canary) = self.rollout.canary().cloned() else {
            return Ok(());
        };
        let stable_rs = self.stable_rs.clone();
        self.ensure_svc_targets(&canary.stable_service, stable_rs.as_ref(), true)?;
        if self.pause.is_aborted() && canary.traffic_routing.is_none() {
            return self.ensure_svc_targets(&canary.canary_service, stable_rs.as_ref(), true);
        }
        if is_dynamically_rolling_back_to_stable(&self.rollout, self.new_rs.as_deref()).is_some() {
            // The stable may be undersized: switching now could overwhelm it.
            return Ok(());
        }
        let new_rs = self.new_rs.clone();
        self.ensure_svc_targets(&canary.canary_service, new_rs.as_ref(), true)
    }

    /// `ensureSVCTargets`: points the Service at `rs` when it does not already select it and `rs` has the
    /// required availability. A missing Service fails the reconcile (Go's lister NotFound).
    fn ensure_svc_targets(
        &mut self,
        service_name: &str,
        rs: Option<&Arc<ReplicaSet>>,
        check_availability: bool,
    ) -> Result<(), Halt> {
        let Some(rs) = rs else {
            return Ok(());
        };
        if service_name.is_empty() {
            return Ok(());
        }
        let Some(service) = self.snapshot.services.get(service_name).cloned() else {
            return Err(Halt::ServiceNotFound(service_name.to_owned()));
        };
        let current = service
            .spec
            .as_ref()
            .and_then(|s| s.selector.as_ref())
            .and_then(|s| s.get(POD_TEMPLATE_HASH_LABEL))
            .cloned()
            .unwrap_or_default();
        let desired = label(rs, POD_TEMPLATE_HASH_LABEL).unwrap_or("").to_owned();
        if current == desired {
            return Ok(());
        }
        let managed = service
            .metadata
            .annotations
            .as_ref()
            .is_some_and(|a| a.contains_key(MANAGED_BY_ROLLOUTS_ANNOTATION));
        if !managed && check_availability && !is_replica_set_available(Some(rs)) {
            // Adopting a Service: only once the ReplicaSet can take all of its traffic.
            return Ok(());
        }
        if check_availability && !is_replica_set_partially_available(rs) {
            return Ok(());
        }
        self.switch_service_selector(service_name, &current, &desired, managed);
        Ok(())
    }

    /// `switchServiceSelector`: the patch and the `SwitchService` Event.
    pub(super) fn switch_service_selector(
        &mut self,
        service_name: &str,
        current: &str,
        desired: &str,
        managed: bool,
    ) {
        let patch = if managed {
            json!({"spec": {"selector": {POD_TEMPLATE_HASH_LABEL: desired}}})
        } else {
            json!({
                "metadata": {"annotations": {MANAGED_BY_ROLLOUTS_ANNOTATION: self.name()}},
                "spec": {"selector": {POD_TEMPLATE_HASH_LABEL: desired}}
            })
        };
        self.plan.push(Action::PatchService {
            name: service_name.to_owned(),
            patch,
        });
        self.event(
            EventType::Normal,
            SWITCH_SERVICE_REASON,
            format!("Switched selector for service '{service_name}' from '{current}' to '{desired}'"),
        );
    }
}
