//! A few defaults the real API server fills in on every write of a built-in kind, so that objects look
//! as clients expect (`spec.replicas: 1`, the Deployment strategy, Service port protocol, ...). Only the
//! fields the project's clients read are defaulted; full defaulting is not modelled.

use serde_json::{Value, json};

fn default(obj: &mut Value, pointer: &str, value: Value) {
    if obj.pointer(pointer).is_some() {
        return;
    }
    let mut parts: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
    let Some(last) = parts.pop() else { return };
    let mut cur = obj;
    for p in parts {
        if !cur.is_object() {
            return;
        }
        cur = match cur
            .as_object_mut()
            .map(|m| m.entry(p.to_string()).or_insert_with(|| json!({})))
        {
            Some(next) => next,
            None => return,
        };
    }
    if let Some(map) = cur.as_object_mut() {
        map.insert(last.to_string(), value);
    }
}

fn pod_spec(spec: &mut Value) {
    if !spec.is_object() {
        return;
    }
    default(spec, "/restartPolicy", json!("Always"));
    default(spec, "/terminationGracePeriodSeconds", json!(30));
    default(spec, "/dnsPolicy", json!("ClusterFirst"));
    default(spec, "/schedulerName", json!("default-scheduler"));
}

/// Applies the defaults of `group/resource` to `obj` in place.
pub fn apply(group: &str, resource: &str, obj: &mut Value) {
    match (group, resource) {
        ("apps", "deployments") => {
            default(obj, "/spec/replicas", json!(1));
            default(obj, "/spec/revisionHistoryLimit", json!(10));
            default(obj, "/spec/progressDeadlineSeconds", json!(600));
            if obj.pointer("/spec/strategy/type").is_none() && obj.get("spec").is_some() {
                default(obj, "/spec/strategy", json!({"type": "RollingUpdate"}));
                default(obj, "/spec/strategy/type", json!("RollingUpdate"));
            }
            if obj.pointer("/spec/strategy/type").and_then(Value::as_str) == Some("RollingUpdate") {
                default(
                    obj,
                    "/spec/strategy/rollingUpdate",
                    json!({"maxSurge": "25%", "maxUnavailable": "25%"}),
                );
            }
            if let Some(spec) = obj.pointer_mut("/spec/template/spec") {
                pod_spec(spec);
            }
        }
        ("apps", "replicasets") => {
            default(obj, "/spec/replicas", json!(1));
            if let Some(spec) = obj.pointer_mut("/spec/template/spec") {
                pod_spec(spec);
            }
        }
        ("batch", "jobs") => {
            default(obj, "/spec/parallelism", json!(1));
            default(obj, "/spec/completions", json!(1));
            default(obj, "/spec/backoffLimit", json!(6));
            if let Some(spec) = obj.pointer_mut("/spec/template/spec") {
                pod_spec(spec);
            }
        }
        ("", "pods") => {
            if let Some(spec) = obj.get_mut("spec") {
                pod_spec(spec);
            }
        }
        ("", "services") => {
            if obj.get("spec").is_some() {
                default(obj, "/spec/type", json!("ClusterIP"));
                default(obj, "/spec/sessionAffinity", json!("None"));
            }
            if let Some(ports) = obj.pointer_mut("/spec/ports").and_then(Value::as_array_mut) {
                for p in ports {
                    default(p, "/protocol", json!("TCP"));
                    if p.get("targetPort").is_none()
                        && let Some(port) = p.get("port").cloned()
                    {
                        default(p, "/targetPort", port);
                    }
                }
            }
        }
        ("", "secrets") => default(obj, "/type", json!("Opaque")),
        _ => {}
    }
}
