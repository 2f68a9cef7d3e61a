//! The executor: applies a [`Plan`]'s actions in order, stopping at the first failure, then sends the
//! planned status as a two-way merge patch to the `status` subresource when it differs from the observed
//! one.
//!
//! Every action is idempotent, so any prefix of a plan is a safe state and the next reconcile repairs the
//! rest: AlreadyExists on create and NotFound on delete are success; ReplicaSet updates carry the
//! resourceVersion the plan was made from (409 when the cache was stale: the reconcile is retried);
//! Services take strategic merge patches; terminating an AnalysisRun or Experiment is the merge patch
//! `{"spec":{"terminate":true}}`; evictions go through the Eviction subresource and a 429 (a
//! PodDisruptionBudget said no) is skipped, as in Argo's pod restarter. Events are recorded as Argo does,
//! fire-and-forget: a failed Event write is logged, it never fails the plan.

use std::sync::Arc;

use futures::future::BoxFuture;
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::{Pod, Service};
use kube::api::{
    DeleteParams, EvictParams, Patch, PatchParams, PostParams, Preconditions, PropagationPolicy,
};
use kube::{Api, Client, Resource, ResourceExt};
use rollouts_api::{AnalysisRun, Experiment, Rollout, RolloutStatus};
use rollouts_core::{Action, Plan, ReplicaSetUpdate, TrafficAction, merge_patch};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use crate::error::{Error, Result, has_code, is_already_exists, is_not_found};
use crate::events::EventRecorder;

/// Applies traffic-routing actions on the routers a rollout configures (the seam the traffic crate's
/// routers plug into; Argo's `TrafficRoutingReconciler`s).
pub trait TrafficRouting: Send + Sync + 'static {
    /// Applies one action for `rollout`.
    fn apply<'a>(&'a self, rollout: &'a Rollout, action: &'a TrafficAction) -> BoxFuture<'a, Result<()>>;
}

/// Applies plans for one controller.
pub struct Executor {
    client: Client,
    events: Arc<EventRecorder>,
    traffic: Option<Arc<dyn TrafficRouting>>,
}

/// What an applied plan wrote to the Rollout itself (for the stale-cache guard).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// The resourceVersion of the Rollout after our last write to it, if we wrote it.
    pub rollout_resource_version: Option<String>,
    /// Whether the status patch was sent.
    pub status_patched: bool,
}

impl Executor {
    /// An executor writing through `client`.
    pub fn new(client: Client, events: Arc<EventRecorder>, traffic: Option<Arc<dyn TrafficRouting>>) -> Self {
        Self {
            client,
            events,
            traffic,
        }
    }

    fn api<K>(&self, rollout: &Rollout) -> Api<K>
    where
        K: Resource<Scope = k8s_openapi::NamespaceResourceScope>,
        K::DynamicType: Default,
    {
        Api::namespaced(self.client.clone(), &rollout.namespace().unwrap_or_default())
    }

    /// Applies `plan` to `rollout`: the actions in order, then the status patch.
    ///
    /// # Errors
    /// The first action that failed (the status is then not written), or the status patch's failure.
    pub async fn apply(&self, rollout: &Rollout, plan: &Plan) -> Result<Applied> {
        let mut applied = Applied::default();
        for action in &plan.actions {
            if let Some(rv) = self.apply_action(rollout, action).await? {
                applied.rollout_resource_version = Some(rv);
            }
        }
        if let Some(status) = &plan.status
            && let Some(rv) = self.patch_status(rollout, status).await?
        {
            applied.rollout_resource_version = Some(rv);
            applied.status_patched = true;
        }
        Ok(applied)
    }

    /// Sends `status_patch(observed, planned)` to the status subresource when it is not empty. Returns
    /// the Rollout's new resourceVersion when a patch was sent.
    ///
    /// # Errors
    /// When the patch fails.
    pub async fn patch_status(&self, rollout: &Rollout, planned: &RolloutStatus) -> Result<Option<String>> {
        let observed = rollout.status.clone().unwrap_or_default();
        let body = merge_patch::status_patch(&observed, planned).map_err(|source| Error::Serialize {
            what: "rollout status",
            source,
        })?;
        let Some(body) = body else {
            return Ok(None);
        };
        let name = rollout.name_any();
        tracing::debug!(rollout = %name, patch = %body, "patching status");
        let patched = self
            .api::<Rollout>(rollout)
            .patch_status(&name, &PatchParams::default(), &Patch::Merge(&body))
            .await
            .map_err(|e| {
                Error::kube(
                    format!("patching status of rollout {}", describe(rollout, &name)),
                    e,
                )
            })?;
        Ok(patched.resource_version())
    }

    /// Applies one action. Returns the Rollout's new resourceVersion when the action wrote the Rollout.
    ///
    /// # Errors
    /// When the API call fails in a way the action does not tolerate.
    pub async fn apply_action(&self, rollout: &Rollout, action: &Action) -> Result<Option<String>> {
        match action {
            Action::PatchRollout { patch } => {
                let name = rollout.name_any();
                let r = self
                    .api::<Rollout>(rollout)
                    .patch(&name, &PatchParams::default(), &Patch::Merge(patch))
                    .await
                    .map_err(|e| Error::kube(format!("patching rollout {}", describe(rollout, &name)), e))?;
                return Ok(r.resource_version());
            }
            Action::CreateReplicaSet(rs) => self.create::<ReplicaSet>(rollout, rs, "ReplicaSet").await?,
            Action::PatchReplicaSet { name, patch } => {
                // Adoption/release of a ReplicaSet's controller reference, as Kubernetes patches it.
                self.api::<ReplicaSet>(rollout)
                    .patch(name, &PatchParams::default(), &Patch::Strategic(patch))
                    .await
                    .map_err(|e| {
                        Error::kube(format!("patching ReplicaSet {}", describe(rollout, name)), e)
                    })?;
            }
            Action::UpdateReplicaSet(update) => {
                let patch = replica_set_patch(update);
                self.api::<ReplicaSet>(rollout)
                    .patch(&update.name, &PatchParams::default(), &Patch::Merge(&patch))
                    .await
                    .map_err(|e| {
                        Error::kube(
                            format!("updating ReplicaSet {}", describe(rollout, &update.name)),
                            e,
                        )
                    })?;
            }
            Action::DeleteReplicaSet { name, uid } => {
                let params = DeleteParams {
                    propagation_policy: Some(PropagationPolicy::Background),
                    preconditions: Some(Preconditions {
                        uid: Some(uid.clone()).filter(|u| !u.is_empty()),
                        resource_version: None,
                    }),
                    ..DeleteParams::default()
                };
                self.delete::<ReplicaSet>(rollout, name, &params, "ReplicaSet")
                    .await?;
            }
            Action::EvictPod { name } => {
                match self
                    .api::<Pod>(rollout)
                    .evict(name, &EvictParams::default())
                    .await
                {
                    Ok(_) => {}
                    Err(e) if has_code(&e, 429) => {
                        tracing::warn!(pod = %name, error = %e, "eviction refused (PodDisruptionBudget); retrying later");
                    }
                    Err(e) if is_not_found(&e) => {}
                    Err(e) => {
                        return Err(Error::kube(
                            format!("evicting pod {}", describe(rollout, name)),
                            e,
                        ));
                    }
                }
            }
            Action::PatchPod { name, patch } => {
                match self
                    .api::<Pod>(rollout)
                    .patch(name, &PatchParams::default(), &Patch::Merge(patch))
                    .await
                {
                    Ok(_) => {}
                    Err(e) if is_not_found(&e) => {}
                    Err(e) => {
                        return Err(Error::kube(
                            format!("patching pod {}", describe(rollout, name)),
                            e,
                        ));
                    }
                }
            }
            Action::PatchService { name, patch } => {
                self.api::<Service>(rollout)
                    .patch(name, &PatchParams::default(), &Patch::Strategic(patch))
                    .await
                    .map_err(|e| Error::kube(format!("patching Service {}", describe(rollout, name)), e))?;
            }
            Action::Traffic(traffic) => match &self.traffic {
                Some(routing) => routing.apply(rollout, traffic).await?,
                None => {
                    return Err(Error::Unsupported(
                        "traffic routing (no traffic router is configured)",
                    ));
                }
            },
            Action::CreateAnalysisRun(ar) => self.create::<AnalysisRun>(rollout, ar, "AnalysisRun").await?,
            Action::TerminateAnalysisRun { name } => {
                self.terminate::<AnalysisRun>(rollout, name, "AnalysisRun")
                    .await?
            }
            Action::DeleteAnalysisRun { name } => {
                self.delete::<AnalysisRun>(rollout, name, &DeleteParams::default(), "AnalysisRun")
                    .await?;
            }
            Action::CreateExperiment(ex) => self.create::<Experiment>(rollout, ex, "Experiment").await?,
            Action::TerminateExperiment { name } => {
                self.terminate::<Experiment>(rollout, name, "Experiment").await?
            }
            Action::DeleteExperiment { name } => {
                self.delete::<Experiment>(rollout, name, &DeleteParams::default(), "Experiment")
                    .await?;
            }
            Action::ScaleWorkload {
                api_version,
                kind,
                name,
                replicas,
            } => {
                if kind != "Deployment" || !api_version.starts_with("apps/") {
                    return Err(Error::Unsupported(
                        "scaling a workloadRef that is not an apps Deployment",
                    ));
                }
                let patch = json!({"spec": {"replicas": (*replicas).max(0)}});
                self.api::<Deployment>(rollout)
                    .patch(name, &PatchParams::default(), &Patch::Merge(&patch))
                    .await
                    .map_err(|e| Error::kube(format!("scaling Deployment {}", describe(rollout, name)), e))?;
            }
            Action::Event(event) => {
                if let Err(error) = self.events.record(rollout, event).await {
                    tracing::warn!(rollout = %rollout.name_any(), reason = %event.reason, %error, "recording event");
                }
            }
        }
        Ok(None)
    }

    async fn create<K>(&self, rollout: &Rollout, obj: &K, what: &str) -> Result<()>
    where
        K: Resource<Scope = k8s_openapi::NamespaceResourceScope>
            + Clone
            + Serialize
            + DeserializeOwned
            + std::fmt::Debug,
        K::DynamicType: Default,
    {
        match self.api::<K>(rollout).create(&PostParams::default(), obj).await {
            Ok(_) => Ok(()),
            Err(e) if is_already_exists(&e) => Ok(()),
            Err(e) => Err(Error::kube(
                format!("creating {what} {}", describe(rollout, &obj.name_any())),
                e,
            )),
        }
    }

    async fn delete<K>(&self, rollout: &Rollout, name: &str, params: &DeleteParams, what: &str) -> Result<()>
    where
        K: Resource<Scope = k8s_openapi::NamespaceResourceScope> + Clone + DeserializeOwned + std::fmt::Debug,
        K::DynamicType: Default,
    {
        match self.api::<K>(rollout).delete(name, params).await {
            Ok(_) => Ok(()),
            Err(e) if is_not_found(&e) => Ok(()),
            Err(e) => Err(Error::kube(
                format!("deleting {what} {}", describe(rollout, name)),
                e,
            )),
        }
    }

    async fn terminate<K>(&self, rollout: &Rollout, name: &str, what: &str) -> Result<()>
    where
        K: Resource<Scope = k8s_openapi::NamespaceResourceScope> + Clone + DeserializeOwned + std::fmt::Debug,
        K::DynamicType: Default,
    {
        let patch = json!({"spec": {"terminate": true}});
        match self
            .api::<K>(rollout)
            .patch(name, &PatchParams::default(), &Patch::Merge(&patch))
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if is_not_found(&e) => Ok(()),
            Err(e) => Err(Error::kube(
                format!("terminating {what} {}", describe(rollout, name)),
                e,
            )),
        }
    }
}

fn describe(rollout: &Rollout, name: &str) -> String {
    format!("{}/{name}", rollout.namespace().unwrap_or_default())
}

/// The merge patch of a ReplicaSet update, with the plan's resourceVersion as a precondition.
pub fn replica_set_patch(update: &ReplicaSetUpdate) -> Value {
    let mut metadata = Map::new();
    if let Some(rv) = &update.resource_version {
        metadata.insert("resourceVersion".into(), json!(rv));
    }
    if !update.annotations.is_empty() {
        let annotations: Map<String, Value> = update
            .annotations
            .iter()
            .map(|(k, v)| (k.clone(), v.as_ref().map_or(Value::Null, |v| json!(v))))
            .collect();
        metadata.insert("annotations".into(), Value::Object(annotations));
    }
    let mut spec = Map::new();
    if let Some(r) = update.replicas {
        spec.insert("replicas".into(), json!(r));
    }
    if let Some(m) = update.min_ready_seconds {
        spec.insert("minReadySeconds".into(), json!(m));
    }
    if let Some(t) = &update.template_patch {
        spec.insert("template".into(), t.clone());
    }
    let mut patch = Map::new();
    if !metadata.is_empty() {
        patch.insert("metadata".into(), Value::Object(metadata));
    }
    if !spec.is_empty() {
        patch.insert("spec".into(), Value::Object(spec));
    }
    Value::Object(patch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replica_set_patch_carries_the_precondition_and_only_what_changes() {
        let mut update = ReplicaSetUpdate {
            name: "web-abc".into(),
            resource_version: Some("42".into()),
            replicas: Some(3),
            ..Default::default()
        };
        update
            .annotations
            .insert("rollout.argoproj.io/desired-replicas".into(), Some("3".into()));
        update.annotations.insert("scale-down-deadline".into(), None);
        assert_eq!(
            replica_set_patch(&update),
            json!({
                "metadata": {"resourceVersion": "42", "annotations": {
                    "rollout.argoproj.io/desired-replicas": "3", "scale-down-deadline": null}},
                "spec": {"replicas": 3}
            })
        );
        let bare = ReplicaSetUpdate {
            name: "x".into(),
            min_ready_seconds: Some(5),
            ..Default::default()
        };
        assert_eq!(replica_set_patch(&bare), json!({"spec": {"minReadySeconds": 5}}));
    }
}
