//! The planner's input: everything one reconcile of one Rollout may look at, gathered by the controller
//! from its caches (Argo's `rolloutContext`, `rollout/context.go`, before any API call is made).
//!
//! A snapshot is a plain value: the controller fills it from reflector stores; tests build it from YAML.
//! Objects are `Arc`s so that a snapshot of a cached object costs a pointer copy.

use std::collections::BTreeMap;
use std::sync::Arc;

use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::api::core::v1::{Pod, Service};
use k8s_openapi::jiff::Timestamp;
use rollouts_api::{AnalysisRun, AnalysisTemplate, ClusterAnalysisTemplate, Experiment, Rollout};

/// What the planner knows about one Rollout at one instant.
#[derive(Clone, Debug)]
pub struct Snapshot {
    /// The Rollout as last observed (after Argo's JSON remarshal: our types already normalise).
    pub rollout: Arc<Rollout>,
    /// ReplicaSets of the Rollout's namespace: at least those owned by the Rollout (controller
    /// ownerReference to its UID) and the orphans whose labels match its selector. The planner claims them
    /// as Argo's `getReplicaSetsForRollouts` does (adopting orphans, releasing owned ones that no longer
    /// match); any other ReplicaSet given here is ignored, except that one named like the ReplicaSet the
    /// planner would create reveals a hash collision (`status.collisionCount`).
    pub replica_sets: Vec<Arc<ReplicaSet>>,
    /// Pods of those ReplicaSets (restartAt eviction and ephemeral metadata read them).
    pub pods: Vec<Arc<Pod>>,
    /// Services in the Rollout's namespace that the strategy names (active/preview, canary/stable,
    /// ping/pong), by name. A referenced Service that is missing is simply absent.
    pub services: BTreeMap<String, Arc<Service>>,
    /// AnalysisRuns owned by the Rollout.
    pub analysis_runs: Vec<Arc<AnalysisRun>>,
    /// Experiments owned by the Rollout.
    pub experiments: Vec<Arc<Experiment>>,
    /// AnalysisTemplates referenced by the Rollout, by name.
    pub analysis_templates: BTreeMap<String, Arc<AnalysisTemplate>>,
    /// ClusterAnalysisTemplates referenced by the Rollout, by name.
    pub cluster_analysis_templates: BTreeMap<String, Arc<ClusterAnalysisTemplate>>,
    /// What the traffic routers observed (weight verification), when the strategy routes traffic.
    pub traffic: TrafficObservation,
    /// The instant of this reconcile: the planner never reads a clock.
    pub now: Timestamp,
    /// Why the spec is invalid, when it is: the controller runs Argo's validation
    /// (`rollouts_api::validation::validate_rollout`, then `validate_rollout_referenced_resources` with the
    /// Services, templates, Ingresses... it looked up; a referenced object that does not exist is itself
    /// an error, as in `getRolloutReferencedResources`) and passes the first error as the whole
    /// `InvalidSpec` condition message (`rollouts_api::validation::invalid_spec_message`:
    /// `The Rollout "<name>" is invalid: <field error>`). `None` means valid. The planner then only
    /// records the condition (Argo's `createInvalidRolloutCondition`) and asks to be requeued.
    pub invalid_spec: Option<String>,
}

/// Observations of the configured traffic routers made before planning.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrafficObservation {
    /// `VerifyWeight` of routers that support it (ALB): `None` when unsupported or not yet checked.
    pub weight_verified: Option<bool>,
}

impl Snapshot {
    /// A snapshot of a lone Rollout (no owned objects yet) at `now`.
    pub fn new(rollout: impl Into<Arc<Rollout>>, now: Timestamp) -> Self {
        Self {
            rollout: rollout.into(),
            replica_sets: Vec::new(),
            pods: Vec::new(),
            services: BTreeMap::new(),
            analysis_runs: Vec::new(),
            experiments: Vec::new(),
            analysis_templates: BTreeMap::new(),
            cluster_analysis_templates: BTreeMap::new(),
            traffic: TrafficObservation::default(),
            now,
            invalid_spec: None,
        }
    }
}
