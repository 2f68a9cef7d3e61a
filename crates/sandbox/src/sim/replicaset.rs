//! The ReplicaSet controller.
//!
//! * Owned pods are those whose controller ownerReference has the ReplicaSet's uid (orphans are not
//!   adopted). Active pods are the owned ones not being deleted and not Succeeded/Failed.
//! * Too few active pods: the missing ones are created at once from `spec.template`, with
//!   `generateName: <rs-name>-` (prefix cut to 58 characters), the template's labels and annotations (a
//!   `pod-template-hash` or `rollouts-pod-template-hash` label of the ReplicaSet is copied when the
//!   template lacks it) and a controller ownerReference (`blockOwnerDeletion: true`).
//! * Too many: the first ones in Kubernetes' deletion order ([`deletion_order`]) are deleted.
//! * Status: `replicas` (active pods), `fullyLabeledReplicas` (active pods carrying every template
//!   label), `readyReplicas` (`Ready=True`), `availableReplicas` (ready for more than
//!   `spec.minReadySeconds`, from the `Ready` condition's `lastTransitionTime`, as Kubernetes'
//!   `IsPodAvailable`), `observedGeneration`; a pod that will become available is looked at again then.

use std::cmp::Ordering;
use std::time::Duration;

use serde_json::{Value, json};

use super::runner::Reconciler;
use super::util::{self, ObjKey};
use crate::error::ApiError;
use crate::meta;
use crate::registry::Gvr;
use crate::store::{DeleteOptions, ListOptions, Store, WriteOptions};

const HASH_LABELS: &[&str] = &["pod-template-hash", "rollouts-pod-template-hash"];

/// The ReplicaSet controller.
pub(crate) struct ReplicaSetController {
    store: Store,
}

fn rs_gvr() -> Gvr {
    Gvr::new("apps", "v1", "replicasets")
}

fn pods() -> Gvr {
    Gvr::core("pods")
}

fn phase_rank(pod: &Value) -> u8 {
    match util::pod_phase(pod) {
        "Pending" => 0,
        "Unknown" => 1,
        "Running" => 2,
        _ => 3,
    }
}

fn deletion_cost(pod: &Value) -> i64 {
    util::annotation(pod, "controller.kubernetes.io/pod-deletion-cost")
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn newer_first(a: Option<jiff::Timestamp>, b: Option<jiff::Timestamp>) -> Ordering {
    // Empty times first, then newer before older.
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(a), Some(b)) => b.cmp(&a),
    }
}

/// Kubernetes' order of pods to delete first when scaling down (`controller.ActivePods`, without the
/// node co-location rank and the logarithmic time buckets): unassigned before assigned; Pending before
/// Unknown before Running; not ready before ready; lower `controller.kubernetes.io/pod-deletion-cost`
/// first; ready for less time before longer; more restarts before fewer; newer before older; then by
/// name, so the order is total.
pub fn deletion_order(a: &Value, b: &Value) -> Ordering {
    let assigned = |p: &Value| {
        p.pointer("/spec/nodeName")
            .and_then(Value::as_str)
            .is_some_and(|n| !n.is_empty())
    };
    assigned(a)
        .cmp(&assigned(b))
        .then_with(|| phase_rank(a).cmp(&phase_rank(b)))
        .then_with(|| util::is_ready(a).cmp(&util::is_ready(b)))
        .then_with(|| deletion_cost(a).cmp(&deletion_cost(b)))
        .then_with(|| {
            if util::is_ready(a) && util::is_ready(b) {
                newer_first(util::ready_since(a), util::ready_since(b))
            } else {
                Ordering::Equal
            }
        })
        .then_with(|| util::max_restarts(b).cmp(&util::max_restarts(a)))
        .then_with(|| newer_first(util::created(a), util::created(b)))
        .then_with(|| meta::name(b).cmp(&meta::name(a)))
}

/// The pod `rs` creates.
pub(crate) fn pod_from_template(
    rs: &Value,
    owner_api: &str,
    owner_kind: &str,
    extra_labels: &[(&str, &str)],
) -> Value {
    let template = rs.pointer("/spec/template").cloned().unwrap_or_else(|| json!({}));
    let mut labels = template
        .pointer("/metadata/labels")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let rs_labels = meta::labels(rs);
    for l in HASH_LABELS {
        if let (None, Some(v)) = (labels.get(*l), rs_labels.get(*l)) {
            labels.insert(l.to_string(), v.clone());
        }
    }
    for (k, v) in extra_labels {
        labels.insert(k.to_string(), json!(v));
    }
    let mut prefix: String = meta::name(rs).unwrap_or("pod").chars().take(57).collect();
    prefix.push('-');
    let mut metadata = json!({
        "generateName": prefix,
        "namespace": meta::namespace(rs),
        "labels": labels,
        "ownerReferences": [util::owner_reference(rs, owner_api, owner_kind)],
    });
    if let Some(a) = template.pointer("/metadata/annotations") {
        metadata["annotations"] = a.clone();
    }
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": metadata,
        "spec": template.get("spec").cloned().unwrap_or_else(|| json!({})),
    })
}

/// Owned pods of the object with `uid` in `namespace`.
pub(crate) fn owned_pods(store: &Store, namespace: &str, uid: &str) -> Result<Vec<Value>, ApiError> {
    let opts = ListOptions {
        namespace: Some(namespace.to_string()),
        ..ListOptions::default()
    };
    Ok(store
        .list(&pods(), &opts)?
        .items
        .into_iter()
        .filter(|p| util::controlled_by(p, uid))
        .collect())
}

impl ReplicaSetController {
    pub(crate) fn new(store: Store) -> Self {
        ReplicaSetController { store }
    }

    fn status(&self, rs: &Value, active: &[Value]) -> (Value, Option<Duration>) {
        let now = (self.store.clock())();
        let min_ready = rs
            .pointer("/spec/minReadySeconds")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        let template_labels = rs
            .pointer("/spec/template/metadata/labels")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let mut ready = 0;
        let mut available = 0;
        let mut fully_labeled = 0;
        let mut wake: Option<Duration> = None;
        for p in active {
            let labels = meta::labels(p);
            if template_labels.iter().all(|(k, v)| labels.get(k) == Some(v)) {
                fully_labeled += 1;
            }
            if util::is_ready(p) {
                ready += 1;
            }
            match util::availability(p, min_ready, now) {
                (true, _) => available += 1,
                (false, Some(w)) => wake = Some(wake.map_or(w, |x| x.min(w))),
                (false, None) => {}
            }
        }
        let mut status = rs
            .get("status")
            .cloned()
            .filter(Value::is_object)
            .unwrap_or_else(|| json!({}));
        status["replicas"] = json!(active.len());
        status["fullyLabeledReplicas"] = json!(fully_labeled);
        status["readyReplicas"] = json!(ready);
        status["availableReplicas"] = json!(available);
        status["observedGeneration"] = rs.pointer("/metadata/generation").cloned().unwrap_or(json!(1));
        (status, wake)
    }
}

impl Reconciler for ReplicaSetController {
    fn name(&self) -> &'static str {
        "replicaset"
    }

    fn watches(&self) -> Vec<Gvr> {
        vec![rs_gvr(), pods()]
    }

    fn keys(&mut self, index: usize, obj: &Value) -> Vec<ObjKey> {
        match index {
            0 => util::key_of(obj).into_iter().collect(),
            _ => util::owner_key(obj, "ReplicaSet").into_iter().collect(),
        }
    }

    fn reconcile(&mut self, key: &ObjKey) -> Result<Option<Duration>, ApiError> {
        let rs = match self.store.get(&rs_gvr(), Some(&key.0), &key.1) {
            Ok(rs) => rs,
            Err(e) if e.code == 404 => return Ok(None),
            Err(e) => return Err(e),
        };
        if meta::is_deleting(&rs) {
            return Ok(None);
        }
        let uid = meta::uid(&rs).unwrap_or_default().to_string();
        let mut active: Vec<Value> = owned_pods(&self.store, &key.0, &uid)?
            .into_iter()
            .filter(util::is_active)
            .collect();
        let want = usize::try_from(
            rs.pointer("/spec/replicas")
                .and_then(Value::as_i64)
                .unwrap_or(1)
                .max(0),
        )
        .unwrap_or(0);
        if active.len() < want {
            for _ in active.len()..want {
                let pod = pod_from_template(&rs, "apps/v1", "ReplicaSet", &[]);
                let created = self
                    .store
                    .create(&pods(), Some(&key.0), pod, &WriteOptions::default())?;
                active.push(created);
            }
        } else if active.len() > want {
            active.sort_by(deletion_order);
            let doomed: Vec<Value> = active.drain(..active.len() - want).collect();
            for pod in doomed {
                match self.store.delete(
                    &pods(),
                    Some(&key.0),
                    meta::name(&pod).unwrap_or_default(),
                    &DeleteOptions::default(),
                ) {
                    Ok(_) => {}
                    Err(e) if e.code == 404 => {}
                    Err(e) => return Err(e),
                }
            }
        }
        let (status, wake) = self.status(&rs, &active);
        if rs.get("status") != Some(&status) {
            let mut updated = rs.clone();
            updated["status"] = status;
            self.store
                .update_status(&rs_gvr(), Some(&key.0), &key.1, updated, &WriteOptions::default())?;
        }
        Ok(wake)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(name: &str, node: &str, phase: &str, ready_since: Option<&str>, created: &str) -> Value {
        let conds = match ready_since {
            Some(t) => json!([{"type": "Ready", "status": "True", "lastTransitionTime": t}]),
            None => json!([{"type": "Ready", "status": "False"}]),
        };
        json!({"metadata": {"name": name, "creationTimestamp": created},
               "spec": {"nodeName": node}, "status": {"phase": phase, "conditions": conds}})
    }

    #[test]
    fn deletion_order_follows_kubernetes() {
        let t = |s: u32| format!("2024-01-01T00:00:{s:02}Z");
        let mut pods = [
            pod("ready-old", "n1", "Running", Some(&t(10)), &t(1)),
            pod("ready-new", "n1", "Running", Some(&t(20)), &t(2)),
            pod("running-not-ready", "n1", "Running", None, &t(0)),
            pod("pending", "n1", "Pending", None, &t(0)),
            pod("unassigned", "", "Pending", None, &t(0)),
        ];
        pods.sort_by(deletion_order);
        let names: Vec<&str> = pods.iter().map(|p| meta::name(p).unwrap()).collect();
        assert_eq!(
            names,
            [
                "unassigned",
                "pending",
                "running-not-ready",
                "ready-new",
                "ready-old"
            ]
        );
    }

    #[test]
    fn newer_pods_go_first_among_equals() {
        let mut a = pod(
            "a",
            "n1",
            "Running",
            Some("2024-01-01T00:00:10Z"),
            "2024-01-01T00:00:01Z",
        );
        let b = pod(
            "b",
            "n1",
            "Running",
            Some("2024-01-01T00:00:10Z"),
            "2024-01-01T00:00:05Z",
        );
        assert_eq!(
            deletion_order(&a, &b),
            Ordering::Greater,
            "b is newer, so b goes first"
        );
        a["status"]["containerStatuses"] = json!([{"restartCount": 3}]);
        assert_eq!(deletion_order(&a, &b), Ordering::Less, "restarts beat age");
        a["metadata"]["annotations"] = json!({"controller.kubernetes.io/pod-deletion-cost": "10"});
        assert_eq!(
            deletion_order(&a, &b),
            Ordering::Greater,
            "a higher deletion cost keeps a"
        );
    }

    #[test]
    fn pods_copy_the_template_and_hash_label() {
        let rs = json!({
            "metadata": {"name": "web-abc", "namespace": "ns", "uid": "u1", "labels": {"rollouts-pod-template-hash": "abc"}},
            "spec": {"template": {"metadata": {"labels": {"app": "web"}, "annotations": {"a": "b"}},
                                   "spec": {"containers": [{"name": "c", "image": "i"}]}}}
        });
        let p = pod_from_template(&rs, "apps/v1", "ReplicaSet", &[]);
        assert_eq!(p["metadata"]["generateName"], "web-abc-");
        assert_eq!(
            p["metadata"]["labels"],
            json!({"app": "web", "rollouts-pod-template-hash": "abc"})
        );
        assert_eq!(p["metadata"]["annotations"], json!({"a": "b"}));
        assert_eq!(p["metadata"]["ownerReferences"][0]["controller"], true);
        assert_eq!(p["metadata"]["ownerReferences"][0]["uid"], "u1");
        assert_eq!(p["spec"]["containers"][0]["image"], "i");
    }
}
