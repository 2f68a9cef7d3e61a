//! The planner's output: the actions one reconcile takes, in order, and the status it leaves behind.
//!
//! The action set covers the whole of Argo's rollout controller, so that every strategy and feature
//! (canary, blue-green, traffic routing, analysis, experiments, restarts, ephemeral metadata, workloadRef)
//! plans into the same vocabulary and one thin executor applies it:
//!
//! * the executor applies `actions` in order and stops at the first failure (the next reconcile
//!   re-plans from what actually happened, so any prefix of a plan is a safe state);
//! * then it sends `status` as a JSON merge patch of the fields that changed ([`crate::merge_patch`]),
//!   never a whole-status replace, so fields written by the CLI (`pauseConditions`, `abort`,
//!   `promoteFull`, `currentStepIndex`) are only touched when the plan decided to touch them;
//! * `requeue_after` asks for a reconcile at a known future instant (pause expiry, scale-down deadline,
//!   progress deadline) even if nothing changes in the cluster;
//! * `completed_duration` is observed in the duration histograms once everything above succeeded.

use std::collections::BTreeMap;
use std::time::Duration;

use k8s_openapi::api::apps::v1::ReplicaSet;
use rollouts_api::rollout::{RolloutDurationStatus, SetHeaderRoute, SetMirrorRoute, WeightDestination};
use rollouts_api::{AnalysisRun, Experiment, RolloutStatus};
use serde_json::Value;

/// Everything one reconcile decided.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    /// Side effects, in the order Argo performs them.
    pub actions: Vec<Action>,
    /// The status the rollout should have after the actions (`None`: leave the status alone).
    pub status: Option<RolloutStatus>,
    /// Reconcile again after this long even without a watch event.
    pub requeue_after: Option<Duration>,
    /// A rollout attempt that completed in this reconcile (`crate::duration`): once the plan is applied,
    /// the controller observes Argo's duration histograms for it (Go's `emitPendingRolloutDuration`).
    pub completed_duration: Option<RolloutDurationStatus>,
}

impl Plan {
    /// Appends an action.
    pub fn push(&mut self, action: Action) {
        self.actions.push(action);
    }

    /// Asks for a reconcile after `after`, keeping the earliest of several requests.
    pub fn requeue(&mut self, after: Duration) {
        self.requeue_after = Some(self.requeue_after.map_or(after, |d| d.min(after)));
    }

    /// Records a Kubernetes Event about the rollout.
    pub fn event(&mut self, kind: EventType, reason: impl Into<String>, message: impl Into<String>) {
        self.actions.push(Action::Event(Event {
            kind,
            reason: reason.into(),
            message: message.into(),
        }));
    }

    /// True when the plan has no action (Events count: they are writes too). Whether the status
    /// changes is decided against the observed status by [`crate::merge_patch::status_patch`].
    pub fn has_no_actions(&self) -> bool {
        self.actions.is_empty()
    }
}

/// One side effect. Each maps to one API call (or one traffic-router call) and is idempotent.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    // === the Rollout itself ===
    /// Patch the Rollout object (not its status): Argo writes `spec.replicas: 1` when unset, and the
    /// `rollout.argoproj.io/revision` annotation. A JSON merge patch.
    PatchRollout { patch: Value },

    // === ReplicaSets ===
    /// Create a ReplicaSet (`<rollout>-<hash>`, replicas 0). On AlreadyExists the executor stops; the next
    /// plan sees the ReplicaSet of that name in the snapshot and takes it (same owner and template) or
    /// bumps `status.collisionCount`.
    CreateReplicaSet(Box<ReplicaSet>),
    /// Scale a ReplicaSet and/or rewrite its annotations (desired-replicas, revision,
    /// revision-history, scale-down-deadline, ephemeral-metadata) and template metadata. Argo sends a
    /// full Update; the executor sends the equivalent patch with a resourceVersion precondition.
    UpdateReplicaSet(Box<ReplicaSetUpdate>),
    /// Delete an old ReplicaSet beyond `revisionHistoryLimit`.
    DeleteReplicaSet { name: String, uid: String },
    /// Strategic-merge-patch a ReplicaSet's metadata: adopting an orphan (adds the Rollout as controller
    /// owner) or releasing one that no longer matches the selector, exactly as Kubernetes'
    /// `ControllerRefManager` patches them (the body carries `metadata.uid` as a precondition).
    PatchReplicaSet { name: String, patch: Value },

    // === Pods ===
    /// Evict a pod through the Eviction API (restartAt); a 429 from a PodDisruptionBudget is skipped.
    EvictPod { name: String },
    /// Merge-patch a pod's labels/annotations (ephemeral canary/stable metadata on running pods).
    PatchPod { name: String, patch: Value },

    // === Services ===
    /// Strategic-merge-patch a Service: selector switch (`rollouts-pod-template-hash`) and the
    /// `argo-rollouts.argoproj.io/managed-by-rollouts` annotation.
    PatchService { name: String, patch: Value },

    // === traffic routing ===
    /// A call on every configured traffic router (Argo's `TrafficRoutingReconciler`).
    Traffic(TrafficAction),

    // === analysis and experiments ===
    /// Create an AnalysisRun (step, background, pre- or post-promotion).
    CreateAnalysisRun(Box<AnalysisRun>),
    /// Terminate a running AnalysisRun: merge patch `{"spec":{"terminate":true}}`.
    TerminateAnalysisRun { name: String },
    /// Delete an AnalysisRun beyond the history limits.
    DeleteAnalysisRun { name: String },
    /// Create an Experiment (experiment step).
    CreateExperiment(Box<Experiment>),
    /// Terminate a running Experiment: merge patch `{"spec":{"terminate":true}}`.
    TerminateExperiment { name: String },
    /// Delete an Experiment beyond the history limits.
    DeleteExperiment { name: String },

    // === workloadRef ===
    /// Scale the referenced Deployment (`workloadRef.scaleDown`: onsuccess / progressively).
    ScaleWorkload {
        api_version: String,
        kind: String,
        name: String,
        replicas: i32,
    },

    // === Events ===
    /// A Kubernetes Event on the Rollout, with Argo's reason (notifications trigger on these).
    Event(Event),
}

/// A change to one ReplicaSet. `None` fields are left as they are.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReplicaSetUpdate {
    /// The ReplicaSet's name.
    pub name: String,
    /// The resourceVersion the plan was made from (precondition). `None` where Argo writes without one
    /// (its JSON patches) or writes an object it got back from an earlier write of the same reconcile,
    /// whose resourceVersion the planner cannot know.
    pub resource_version: Option<String>,
    /// New `spec.replicas`.
    pub replicas: Option<i32>,
    /// Annotations to set (`Some`) or remove (`None`).
    pub annotations: BTreeMap<String, Option<String>>,
    /// Pod-template labels/annotations to set or remove (ephemeral metadata), and anti-affinity: an
    /// RFC 7386 JSON merge patch of `spec.template` (a `null` removes a key; lists are replaced whole).
    pub template_patch: Option<Value>,
    /// New `spec.minReadySeconds`.
    pub min_ready_seconds: Option<i32>,
}

/// A call on the configured traffic routers (`rollout/trafficrouting/trafficroutingutil.go`).
#[derive(Clone, Debug, PartialEq)]
pub enum TrafficAction {
    /// Point the canary/stable routes at these pod-template hashes (Istio subsets, AppMesh nodes).
    UpdateHash {
        canary_hash: String,
        stable_hash: String,
        additional: Vec<WeightDestination>,
    },
    /// Send `weight` (out of maxTrafficWeight) to the canary, plus experiment destinations.
    SetWeight {
        weight: i32,
        additional: Vec<WeightDestination>,
    },
    /// Apply (or, with no matches, remove) a header-based route of the current step.
    SetHeaderRoute(SetHeaderRoute),
    /// Apply (or remove) a mirror route of the current step.
    SetMirrorRoute(SetMirrorRoute),
    /// Remove every route listed in `trafficRouting.managedRoutes`.
    RemoveManagedRoutes,
}

/// A Kubernetes Event to record on the Rollout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// Normal or Warning.
    pub kind: EventType,
    /// Argo's reason string, e.g. `RolloutPaused`, `ScalingReplicaSet`.
    pub reason: String,
    /// The human message, formatted as Argo formats it.
    pub message: String,
}

/// Kubernetes Event type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventType {
    /// `Normal`.
    Normal,
    /// `Warning`.
    Warning,
}

impl EventType {
    /// The Kubernetes string.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Normal => "Normal",
            EventType::Warning => "Warning",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requeue_keeps_the_earliest_request() {
        let mut plan = Plan::default();
        plan.requeue(Duration::from_secs(30));
        plan.requeue(Duration::from_secs(5));
        plan.requeue(Duration::from_secs(60));
        assert_eq!(plan.requeue_after, Some(Duration::from_secs(5)));
    }

    #[test]
    fn a_plan_with_actions_is_not_empty() {
        let mut plan = Plan::default();
        assert!(plan.has_no_actions());
        plan.push(Action::EvictPod { name: "p".into() });
        assert!(!plan.has_no_actions());
        let mut events_only = Plan::default();
        events_only.event(EventType::Normal, "RolloutUpdated", "x");
        assert!(!events_only.has_no_actions(), "an Event is a write too");
    }
}
