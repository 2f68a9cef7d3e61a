//! The Endpoints controller: for every Service with a non-empty `spec.selector` (not `ExternalName`),
//! an Endpoints object of the same name listing the selected pods of its namespace that have a `podIP`,
//! are not being deleted and are not Succeeded/Failed. Ready pods go to `addresses`, the others to
//! `notReadyAddresses` (all to `addresses` with `publishNotReadyAddresses`). Each address carries `ip`,
//! `nodeName` and a `targetRef` to the pod. Ports come from the Service ports: a numeric `targetPort`
//! as is, a named one resolved against the pod's container ports (a pod without that port is left out
//! of that port); pods resolving to the same ports share a subset. Services without a selector are left
//! alone (their Endpoints are the user's); an Endpoints object this controller wrote (it carries the
//! `endpoints.kubernetes.io/last-change-trigger-time` annotation) is deleted with its Service.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{Value, json};

use super::runner::Reconciler;
use super::util::{self, ObjKey};
use crate::error::ApiError;
use crate::meta;
use crate::registry::Gvr;
use crate::store::{DeleteOptions, ListOptions, Store, WriteOptions};

const TRIGGER: &str = "endpoints.kubernetes.io/last-change-trigger-time";

fn services() -> Gvr {
    Gvr::core("services")
}

fn endpoints() -> Gvr {
    Gvr::core("endpoints")
}

fn pods() -> Gvr {
    Gvr::core("pods")
}

/// Whether `service` selects pods (a non-empty selector, not `ExternalName`).
pub fn has_selector(service: &Value) -> bool {
    service.pointer("/spec/type").and_then(Value::as_str) != Some("ExternalName")
        && service
            .pointer("/spec/selector")
            .and_then(Value::as_object)
            .is_some_and(|m| !m.is_empty())
}

/// Whether `service`'s selector matches `pod` (same namespace assumed).
pub fn selects(service: &Value, pod: &Value) -> bool {
    let Some(sel) = service.pointer("/spec/selector").and_then(Value::as_object) else {
        return false;
    };
    let labels = meta::labels(pod);
    !sel.is_empty() && sel.iter().all(|(k, v)| labels.get(k) == Some(v))
}

fn resolve_port(port: &Value, pod: &Value) -> Option<i64> {
    let target = port.get("targetPort").or_else(|| port.get("port"))?;
    if let Some(n) = target.as_i64() {
        return Some(n);
    }
    let name = target.as_str()?;
    if let Ok(n) = name.parse() {
        return Some(n);
    }
    pod.pointer("/spec/containers")?.as_array()?.iter().find_map(|c| {
        c.get("ports")?.as_array()?.iter().find_map(|p| {
            (p.get("name").and_then(Value::as_str) == Some(name))
                .then(|| p.get("containerPort").and_then(Value::as_i64))?
        })
    })
}

/// One subset under construction: ready and not-ready addresses sharing the same ports.
#[derive(Default)]
struct Subset {
    ready: Vec<Value>,
    not_ready: Vec<Value>,
    ports: Vec<Value>,
}

/// The `subsets` of the Endpoints of `service` given the pods of its namespace.
pub fn subsets(service: &Value, pods: &[Value]) -> Vec<Value> {
    let publish = service
        .pointer("/spec/publishNotReadyAddresses")
        .and_then(Value::as_bool)
        == Some(true);
    let ports: Vec<Value> = service
        .pointer("/spec/ports")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut groups: BTreeMap<String, Subset> = BTreeMap::new();
    let mut eligible: Vec<&Value> = pods
        .iter()
        .filter(|p| selects(service, p) && util::is_active(p))
        .filter(|p| {
            p.pointer("/status/podIP")
                .and_then(Value::as_str)
                .is_some_and(|ip| !ip.is_empty())
        })
        .collect();
    eligible.sort_by_key(|p| {
        (
            p.pointer("/status/podIP")
                .and_then(Value::as_str)
                .map(str::to_string),
            meta::name(p).map(str::to_string),
        )
    });
    for pod in eligible {
        let mut resolved = Vec::new();
        for p in &ports {
            let Some(n) = resolve_port(p, pod) else { continue };
            let mut ep = json!({"port": n, "protocol": p.get("protocol").cloned().unwrap_or(json!("TCP"))});
            if let Some(name) = p.get("name").and_then(Value::as_str).filter(|s| !s.is_empty()) {
                ep["name"] = json!(name);
            }
            if let Some(ap) = p.get("appProtocol") {
                ep["appProtocol"] = ap.clone();
            }
            resolved.push(ep);
        }
        if resolved.is_empty() && !ports.is_empty() {
            continue;
        }
        let address = json!({
            "ip": pod.pointer("/status/podIP"),
            "nodeName": pod.pointer("/spec/nodeName"),
            "targetRef": {"kind": "Pod", "namespace": meta::namespace(pod), "name": meta::name(pod), "uid": meta::uid(pod)},
        });
        let entry = groups
            .entry(Value::Array(resolved.clone()).to_string())
            .or_insert_with(|| Subset {
                ports: resolved,
                ..Subset::default()
            });
        if publish || util::is_ready(pod) {
            entry.ready.push(address);
        } else {
            entry.not_ready.push(address);
        }
    }
    groups
        .into_values()
        .map(
            |Subset {
                 ready,
                 not_ready,
                 ports,
             }| {
                let mut s = json!({});
                if !ready.is_empty() {
                    s["addresses"] = json!(ready);
                }
                if !not_ready.is_empty() {
                    s["notReadyAddresses"] = json!(not_ready);
                }
                if !ports.is_empty() {
                    s["ports"] = json!(ports);
                }
                s
            },
        )
        .collect()
}

/// The Endpoints controller.
pub(crate) struct EndpointsController {
    store: Store,
}

impl EndpointsController {
    pub(crate) fn new(store: Store) -> Self {
        EndpointsController { store }
    }

    fn remove_managed(&self, key: &ObjKey) -> Result<(), ApiError> {
        if let Ok(ep) = self.store.get(&endpoints(), Some(&key.0), &key.1)
            && util::annotation(&ep, TRIGGER).is_some()
        {
            match self
                .store
                .delete(&endpoints(), Some(&key.0), &key.1, &DeleteOptions::default())
            {
                Ok(_) => {}
                Err(e) if e.code == 404 => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}

impl Reconciler for EndpointsController {
    fn name(&self) -> &'static str {
        "endpoints"
    }

    fn watches(&self) -> Vec<Gvr> {
        vec![services(), pods(), endpoints()]
    }

    fn keys(&mut self, index: usize, obj: &Value) -> Vec<ObjKey> {
        if index != 1 {
            return util::key_of(obj).into_iter().collect();
        }
        // A pod changed: every Service of its namespace may need to look (its labels may have changed).
        let ns = meta::namespace(obj).unwrap_or_default().to_string();
        let opts = ListOptions {
            namespace: Some(ns),
            ..ListOptions::default()
        };
        match self.store.list(&services(), &opts) {
            Ok(list) => list
                .items
                .iter()
                .filter(|s| has_selector(s))
                .filter_map(util::key_of)
                .collect(),
            Err(_) => Vec::new(),
        }
    }

    fn reconcile(&mut self, key: &ObjKey) -> Result<Option<Duration>, ApiError> {
        let svc = match self.store.get(&services(), Some(&key.0), &key.1) {
            Ok(s) => s,
            Err(e) if e.code == 404 => {
                self.remove_managed(key)?;
                return Ok(None);
            }
            Err(e) => return Err(e),
        };
        if !has_selector(&svc) || meta::is_deleting(&svc) {
            return Ok(None);
        }
        let opts = ListOptions {
            namespace: Some(key.0.clone()),
            ..ListOptions::default()
        };
        let pods = self.store.list(&pods(), &opts)?.items;
        let subsets = subsets(&svc, &pods);
        let labels = svc
            .pointer("/metadata/labels")
            .cloned()
            .unwrap_or_else(|| json!({}));
        let now = util::stamp((self.store.clock())());
        match self.store.get(&endpoints(), Some(&key.0), &key.1) {
            Ok(existing) => {
                let old_subsets = existing
                    .get("subsets")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                let old_labels = existing
                    .pointer("/metadata/labels")
                    .cloned()
                    .unwrap_or_else(|| json!({}));
                if old_subsets == subsets && old_labels == labels {
                    return Ok(None);
                }
                let mut updated = existing.clone();
                updated["subsets"] = json!(subsets);
                if subsets.is_empty()
                    && let Some(m) = updated.as_object_mut()
                {
                    m.remove("subsets");
                }
                let metadata = meta::metadata_mut(&mut updated);
                metadata.insert("labels".into(), labels);
                // Not `meta::path_set`: the annotation key itself contains dots.
                let annotations = metadata.entry("annotations").or_insert_with(|| json!({}));
                if !annotations.is_object() {
                    *annotations = json!({});
                }
                annotations[TRIGGER] = json!(now);
                self.store.update(
                    &endpoints(),
                    Some(&key.0),
                    &key.1,
                    updated,
                    &WriteOptions::default(),
                )?;
            }
            Err(e) if e.code == 404 => {
                let mut ep = json!({
                    "apiVersion": "v1",
                    "kind": "Endpoints",
                    "metadata": {"name": key.1, "namespace": key.0, "labels": labels,
                                 "annotations": {TRIGGER: now}},
                });
                if !subsets.is_empty() {
                    ep["subsets"] = json!(subsets);
                }
                self.store
                    .create(&endpoints(), Some(&key.0), ep, &WriteOptions::default())?;
            }
            Err(e) => return Err(e),
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(name: &str, ip: &str, ready: bool, labels: Value) -> Value {
        json!({"metadata": {"name": name, "namespace": "ns", "uid": name, "labels": labels},
               "spec": {"nodeName": "n1", "containers": [{"name": "c", "ports": [{"name": "http", "containerPort": 8080}]}]},
               "status": {"phase": "Running", "podIP": ip,
                          "conditions": [{"type": "Ready", "status": if ready { "True" } else { "False" }}]}})
    }

    #[test]
    fn subsets_split_ready_and_not_ready_pods_and_resolve_named_ports() {
        let svc = json!({"metadata": {"name": "web", "namespace": "ns"},
                         "spec": {"selector": {"app": "web"}, "ports": [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}]}});
        let pods = vec![
            pod("b", "10.244.0.3", true, json!({"app": "web"})),
            pod("a", "10.244.0.2", false, json!({"app": "web"})),
            pod("c", "10.244.0.4", true, json!({"app": "other"})),
            pod("d", "", true, json!({"app": "web"})),
        ];
        let s = subsets(&svc, &pods);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0]["addresses"][0]["ip"], "10.244.0.3");
        assert_eq!(s[0]["addresses"][0]["targetRef"]["name"], "b");
        assert_eq!(s[0]["notReadyAddresses"][0]["ip"], "10.244.0.2");
        assert_eq!(
            s[0]["ports"],
            json!([{"port": 8080, "protocol": "TCP", "name": "http"}])
        );
        assert!(s[0]["addresses"].as_array().unwrap().len() == 1);
    }

    #[test]
    fn publish_not_ready_addresses_lists_every_pod_as_ready() {
        let svc = json!({"spec": {"selector": {"app": "web"}, "publishNotReadyAddresses": true, "ports": [{"port": 80}]}});
        let s = subsets(&svc, &[pod("a", "10.244.0.2", false, json!({"app": "web"}))]);
        assert_eq!(s[0]["addresses"][0]["ip"], "10.244.0.2");
        assert_eq!(s[0]["ports"][0]["port"], 80);
        assert!(s[0].get("notReadyAddresses").is_none());
    }

    #[test]
    fn services_without_selectors_are_not_managed() {
        assert!(!has_selector(&json!({"spec": {"ports": [{"port": 80}]}})));
        assert!(!has_selector(
            &json!({"spec": {"type": "ExternalName", "selector": {"a": "b"}}})
        ));
        assert!(has_selector(&json!({"spec": {"selector": {"a": "b"}}})));
    }
}
