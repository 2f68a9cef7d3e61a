//! The kubelet-like pod lifecycle, with a tiny scheduler in front of it.
//!
//! * Scheduling: a pod without `spec.nodeName` goes to the schedulable node (not cordoned with
//!   `spec.unschedulable`, matching the pod's `nodeSelector` against the node labels) running the fewest
//!   active pods (ties by name), by a merge patch of `spec.nodeName`. With no such node, or
//!   `sandbox.rollouts.dev/fail: unschedulable`, the pod stays Pending with `PodScheduled=False`
//!   (`Unschedulable`).
//! * On its node the pod gets a `podIP` from 10.244.0.0/16 (never reused), the node's `hostIP`, and
//!   follows the timeline of [`super::podstatus`], written through `/status`.
//! * A pod being deleted gracefully (see [`crate::StoreConfig::graceful_pod_deletion`]) is removed
//!   (deleted again with `gracePeriodSeconds: 0`) after the simulator's `termination_delay`.
//! * Unparsable behaviour annotations produce one Warning Event `InvalidSandboxAnnotation` per pod.

use std::collections::HashMap;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::time::Instant;

use super::behaviour::{FailMode, PodBehaviour, PodDefaults};
use super::clock::SimClock;
use super::podstatus::{Placement, build_status, lifecycle, unschedulable_status};
use super::runner::Reconciler;
use super::util::{self, ObjKey};
use crate::error::ApiError;
use crate::meta;
use crate::registry::Gvr;
use crate::store::{DeleteOptions, ListOptions, PatchBody, Store, WriteOptions};

struct PodRun {
    uid: String,
    seen: Instant,
    pod_ip: String,
    deleting_since: Option<Instant>,
    warned: bool,
}

/// The kubelet and scheduler.
pub(crate) struct Kubelet {
    store: Store,
    clock: SimClock,
    defaults: PodDefaults,
    termination_delay: Duration,
    runs: HashMap<ObjKey, PodRun>,
    next_ip: u32,
}

fn pods() -> Gvr {
    Gvr::core("pods")
}

fn nodes() -> Gvr {
    Gvr::core("nodes")
}

/// A Node object as the sandbox registers it.
pub(crate) fn node_object(name: &str, index: usize) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": {
            "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
            "node-role.kubernetes.io/worker": ""}},
        "spec": {"podCIDR": format!("10.244.{index}.0/24")},
        "status": {
            "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady",
                            "message": "kubelet is posting ready status"}],
            "addresses": [{"type": "InternalIP", "address": format!("192.168.49.{}", index + 2)},
                          {"type": "Hostname", "address": name}],
            "capacity": {"cpu": "8", "memory": "32Gi", "pods": "250"},
            "allocatable": {"cpu": "8", "memory": "32Gi", "pods": "250"},
            "nodeInfo": {"kubeletVersion": "v1.37.0-sandbox", "containerRuntimeVersion": "sandbox://1.0",
                         "operatingSystem": "linux", "architecture": "amd64", "osImage": "Sandbox Linux",
                         "kernelVersion": "6.0.0", "kubeProxyVersion": "", "machineID": "", "systemUUID": "",
                         "bootID": ""},
        },
    })
}

fn host_ip(node: &Value) -> Option<String> {
    node.pointer("/status/addresses")?
        .as_array()?
        .iter()
        .find(|a| a.get("type").and_then(Value::as_str) == Some("InternalIP"))?
        .get("address")?
        .as_str()
        .map(str::to_string)
}

fn selector_matches(pod: &Value, node: &Value) -> bool {
    let Some(sel) = pod.pointer("/spec/nodeSelector").and_then(Value::as_object) else {
        return true;
    };
    let labels = meta::labels(node);
    sel.iter().all(|(k, v)| labels.get(k) == Some(v))
}

impl Kubelet {
    pub(crate) fn new(
        store: Store,
        clock: SimClock,
        defaults: PodDefaults,
        termination_delay: Duration,
    ) -> Self {
        Kubelet {
            store,
            clock,
            defaults,
            termination_delay,
            runs: HashMap::new(),
            next_ip: 0,
        }
    }

    fn allocate_ip(&mut self) -> String {
        let n = self.next_ip;
        self.next_ip += 1;
        format!("10.244.{}.{}", (n / 250) % 256, n % 250 + 2)
    }

    fn now(&self) -> String {
        util::stamp((self.store.clock())())
    }

    fn write_status(&self, pod: &Value, status: Value) -> Result<(), ApiError> {
        if pod.get("status") == Some(&status) {
            return Ok(());
        }
        let mut updated = pod.clone();
        updated["status"] = status;
        let ns = meta::namespace(pod);
        self.store.update_status(
            &pods(),
            ns,
            meta::name(pod).unwrap_or_default(),
            updated,
            &WriteOptions::default(),
        )?;
        Ok(())
    }

    fn warn(&self, pod: &Value, problems: &[String]) -> Result<(), ApiError> {
        let now = self.now();
        let name = meta::name(pod).unwrap_or_default();
        let event = json!({
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {"generateName": format!("{name}."), "namespace": meta::namespace(pod)},
            "involvedObject": {"apiVersion": "v1", "kind": "Pod", "name": name,
                               "namespace": meta::namespace(pod), "uid": meta::uid(pod)},
            "reason": "InvalidSandboxAnnotation",
            "message": problems.join("; "),
            "type": "Warning",
            "source": {"component": "sandbox-kubelet"},
            "reportingComponent": "sandbox-kubelet",
            "firstTimestamp": now,
            "lastTimestamp": now,
            "count": 1,
        });
        self.store.create(
            &Gvr::core("events"),
            meta::namespace(pod),
            event,
            &WriteOptions::default(),
        )?;
        Ok(())
    }

    /// Picks a node for `pod`, or explains why none fits.
    fn schedule(&self, pod: &Value) -> Result<Result<String, String>, ApiError> {
        let all = self.store.list(&nodes(), &ListOptions::default())?.items;
        let candidates: Vec<&Value> = all
            .iter()
            .filter(|n| n.pointer("/spec/unschedulable").and_then(Value::as_bool) != Some(true))
            .filter(|n| selector_matches(pod, n))
            .collect();
        if candidates.is_empty() {
            let cordoned = all.len()
                - all
                    .iter()
                    .filter(|n| n.pointer("/spec/unschedulable").and_then(Value::as_bool) != Some(true))
                    .count();
            return Ok(Err(format!(
                "0/{} nodes are available: {cordoned} node(s) were unschedulable, {} node(s) didn't match Pod's node affinity/selector.",
                all.len(),
                all.len() - cordoned
            )));
        }
        let pods = self.store.list(&pods(), &ListOptions::default())?.items;
        let load = |node: &str| {
            pods.iter()
                .filter(|p| {
                    util::is_active(p) && p.pointer("/spec/nodeName").and_then(Value::as_str) == Some(node)
                })
                .count()
        };
        let best = candidates
            .iter()
            .filter_map(|n| meta::name(n))
            .min_by_key(|n| (load(n), n.to_string()))
            .map(str::to_string);
        Ok(best.ok_or_else(|| "no node has a name".to_string()))
    }

    fn finish_deletion(&mut self, key: &ObjKey, pod: &Value) -> Result<Option<Duration>, ApiError> {
        let run = self.runs.get_mut(key);
        let since = match run {
            Some(r) => *r.deleting_since.get_or_insert_with(Instant::now),
            None => Instant::now(),
        };
        let waited = self.clock.to_sim(since.elapsed());
        if waited < self.termination_delay {
            return Ok(Some(self.termination_delay - waited));
        }
        let opts = DeleteOptions {
            grace_period_seconds: Some(0),
            ..DeleteOptions::default()
        };
        match self.store.delete(
            &pods(),
            meta::namespace(pod),
            meta::name(pod).unwrap_or_default(),
            &opts,
        ) {
            Ok(_) => Ok(None),
            Err(e) if e.code == 404 => Ok(None),
            Err(e) => Err(e),
        }
    }
}

impl Reconciler for Kubelet {
    fn name(&self) -> &'static str {
        "kubelet"
    }

    fn watches(&self) -> Vec<Gvr> {
        vec![pods(), nodes()]
    }

    fn keys(&mut self, index: usize, obj: &Value) -> Vec<ObjKey> {
        if index == 0 {
            return util::key_of(obj).into_iter().collect();
        }
        // A node changed (uncordoned, added): pending pods may fit now.
        let opts = ListOptions {
            field_selector: Some("spec.nodeName=".into()),
            ..ListOptions::default()
        };
        match self.store.list(&pods(), &opts) {
            Ok(list) => list.items.iter().filter_map(util::key_of).collect(),
            Err(_) => Vec::new(),
        }
    }

    fn reconcile(&mut self, key: &ObjKey) -> Result<Option<Duration>, ApiError> {
        let pod = match self.store.get(&pods(), Some(&key.0), &key.1) {
            Ok(p) => p,
            Err(e) if e.code == 404 => {
                self.runs.remove(key);
                return Ok(None);
            }
            Err(e) => return Err(e),
        };
        let uid = meta::uid(&pod).unwrap_or_default().to_string();
        if self.runs.get(key).is_some_and(|r| r.uid != uid) {
            self.runs.remove(key);
        }
        if meta::is_deleting(&pod) {
            return self.finish_deletion(key, &pod);
        }
        if matches!(util::pod_phase(&pod), "Succeeded" | "Failed") {
            return Ok(None);
        }
        let b = PodBehaviour::of(&pod, &self.defaults);
        let node = pod
            .pointer("/spec/nodeName")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        if node.is_empty() {
            let choice = if b.fail == FailMode::Unschedulable {
                Err(
                    "0/1 nodes are available: the pod is marked unschedulable (sandbox.rollouts.dev/fail)."
                        .to_string(),
                )
            } else {
                self.schedule(&pod)?
            };
            match choice {
                Ok(n) => {
                    let patch = PatchBody::Merge(json!({"spec": {"nodeName": n}}));
                    self.store
                        .patch(&pods(), Some(&key.0), &key.1, &patch, &WriteOptions::default())?;
                }
                Err(why) => self.write_status(&pod, unschedulable_status(&pod, &why, &self.now()))?,
            }
            return Ok(None);
        }
        if !self.runs.contains_key(key) {
            let existing_ip = pod
                .pointer("/status/podIP")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty());
            let pod_ip = match existing_ip {
                Some(ip) => ip.to_string(),
                None => self.allocate_ip(),
            };
            let run = PodRun {
                uid,
                seen: Instant::now(),
                pod_ip,
                deleting_since: None,
                warned: false,
            };
            self.runs.insert(key.clone(), run);
        }
        let run = self.runs.get_mut(key).expect("inserted above");
        if !b.problems.is_empty() && !run.warned {
            run.warned = true;
            self.warn(&pod, &b.problems)?;
        }
        let run = self.runs.get(key).expect("inserted above");
        let elapsed = self.clock.to_sim(run.seen.elapsed());
        let restart_never = pod.pointer("/spec/restartPolicy").and_then(Value::as_str) == Some("Never");
        let (lc, next) = lifecycle(&b, &self.defaults, restart_never, elapsed);
        let host = self
            .store
            .get(&nodes(), None, &node)
            .ok()
            .and_then(|n| host_ip(&n));
        let host = host.unwrap_or_else(|| "192.168.49.2".to_string());
        let at = Placement {
            pod_ip: &run.pod_ip,
            host_ip: &host,
        };
        let status = build_status(&pod, &b, &lc, &at, &self.now());
        self.write_status(&pod, status)?;
        Ok(next)
    }
}
