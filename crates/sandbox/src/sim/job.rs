//! The Job controller (enough for Argo's `job` metric provider and `kubectl wait --for=condition=complete`).
//!
//! * One pod at a time: while fewer than `spec.completions` (default 1) pods succeeded, at most
//!   `spec.backoffLimit` (default 6) failed and no pod is active, a pod is created from the template with
//!   `generateName: <job>-`, the labels `batch.kubernetes.io/controller-uid`,
//!   `batch.kubernetes.io/job-name`, `controller-uid`, `job-name` and a controller ownerReference.
//!   Retries start at once (no back-off delay); `parallelism` and `activeDeadlineSeconds` are ignored.
//! * The pod succeeds or fails by its behaviour (`sandbox.rollouts.dev/job-result`, after
//!   `sandbox.rollouts.dev/job-duration`; see [`super::behaviour`]).
//! * Status: `startTime` (when the first pod is created), `active`, `ready`, `succeeded`, `failed`,
//!   `completionTime` on success, and the conditions of Kubernetes 1.31+: `SuccessCriteriaMet` then
//!   `Complete` (reason `CompletionsReached`, "Reached expected number of succeeded pods"), or
//!   `FailureTarget` then `Failed` (reason `BackoffLimitExceeded`, "Job has reached the specified backoff
//!   limit"). A finished Job is left alone. `spec.suspend: true` creates no pod.

use std::time::Duration;

use serde_json::{Value, json};

use super::replicaset::{owned_pods, pod_from_template};
use super::runner::Reconciler;
use super::util::{self, ObjKey};
use crate::error::ApiError;
use crate::meta;
use crate::registry::Gvr;
use crate::store::{Store, WriteOptions};

fn jobs() -> Gvr {
    Gvr::new("batch", "v1", "jobs")
}

fn pods() -> Gvr {
    Gvr::core("pods")
}

fn finished(job: &Value) -> bool {
    ["Complete", "Failed"].iter().any(|t| {
        util::condition(job, t)
            .and_then(|c| c.get("status"))
            .and_then(Value::as_str)
            == Some("True")
    })
}

/// The Job controller.
pub(crate) struct JobController {
    store: Store,
}

impl JobController {
    pub(crate) fn new(store: Store) -> Self {
        JobController { store }
    }
}

impl Reconciler for JobController {
    fn name(&self) -> &'static str {
        "job"
    }

    fn watches(&self) -> Vec<Gvr> {
        vec![jobs(), pods()]
    }

    fn keys(&mut self, index: usize, obj: &Value) -> Vec<ObjKey> {
        match index {
            0 => util::key_of(obj).into_iter().collect(),
            _ => util::owner_key(obj, "Job").into_iter().collect(),
        }
    }

    fn reconcile(&mut self, key: &ObjKey) -> Result<Option<Duration>, ApiError> {
        let job = match self.store.get(&jobs(), Some(&key.0), &key.1) {
            Ok(j) => j,
            Err(e) if e.code == 404 => return Ok(None),
            Err(e) => return Err(e),
        };
        if meta::is_deleting(&job) || finished(&job) {
            return Ok(None);
        }
        let uid = meta::uid(&job).unwrap_or_default().to_string();
        let mut owned = owned_pods(&self.store, &key.0, &uid)?;
        let count =
            |pods: &[Value], phase: &str| pods.iter().filter(|p| util::pod_phase(p) == phase).count() as i64;
        let completions = job
            .pointer("/spec/completions")
            .and_then(Value::as_i64)
            .unwrap_or(1);
        let backoff_limit = job
            .pointer("/spec/backoffLimit")
            .and_then(Value::as_i64)
            .unwrap_or(6);
        let suspended = job.pointer("/spec/suspend").and_then(Value::as_bool) == Some(true);
        let now = util::stamp((self.store.clock())());
        let mut status = job
            .get("status")
            .cloned()
            .filter(Value::is_object)
            .unwrap_or_else(|| json!({}));
        let (succeeded, failed) = (count(&owned, "Succeeded"), count(&owned, "Failed"));
        let active_now = owned.iter().filter(|p| util::is_active(p)).count();
        let done = succeeded >= completions;
        let gave_up = failed > backoff_limit;
        if !done && !gave_up && !suspended && active_now == 0 {
            let name = meta::name(&job).unwrap_or_default().to_string();
            let labels = [
                ("batch.kubernetes.io/controller-uid", uid.as_str()),
                ("batch.kubernetes.io/job-name", name.as_str()),
                ("controller-uid", uid.as_str()),
                ("job-name", name.as_str()),
            ];
            let pod = pod_from_template(&job, "batch/v1", "Job", &labels);
            owned.push(
                self.store
                    .create(&pods(), Some(&key.0), pod, &WriteOptions::default())?,
            );
            if status.get("startTime").is_none() {
                status["startTime"] = json!(now);
            }
        }
        let active: Vec<&Value> = owned.iter().filter(|p| util::is_active(p)).collect();
        status["active"] = json!(active.len());
        status["ready"] = json!(active.iter().filter(|p| util::is_ready(p)).count());
        status["succeeded"] = json!(succeeded);
        status["failed"] = json!(failed);
        let conds: Vec<Value> = status
            .get("conditions")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if done {
            let msg = "Reached expected number of succeeded pods";
            let c = util::set_condition(
                &conds,
                "SuccessCriteriaMet",
                "True",
                "CompletionsReached",
                msg,
                &now,
            );
            status["conditions"] = json!(util::set_condition(
                &c,
                "Complete",
                "True",
                "CompletionsReached",
                msg,
                &now
            ));
            status["completionTime"] = json!(now);
        } else if gave_up {
            let msg = "Job has reached the specified backoff limit";
            let c = util::set_condition(&conds, "FailureTarget", "True", "BackoffLimitExceeded", msg, &now);
            status["conditions"] = json!(util::set_condition(
                &c,
                "Failed",
                "True",
                "BackoffLimitExceeded",
                msg,
                &now
            ));
        }
        if let Some(cs) = status.get_mut("conditions").and_then(Value::as_array_mut) {
            for c in cs.iter_mut() {
                if c.get("lastProbeTime").is_none() {
                    c["lastProbeTime"] = c.get("lastTransitionTime").cloned().unwrap_or(json!(now));
                }
            }
        }
        if job.get("status") != Some(&status) {
            let mut updated = job.clone();
            updated["status"] = status;
            self.store
                .update_status(&jobs(), Some(&key.0), &key.1, updated, &WriteOptions::default())?;
        }
        Ok(None)
    }
}
