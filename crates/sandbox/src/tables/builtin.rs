//! Columns and cells of the built-in kinds, as kubectl's server-side printers give them: Pods
//! (READY, STATUS, RESTARTS), Deployments, ReplicaSets, Services, Namespaces, ConfigMaps, Secrets,
//! Endpoints, Events, Jobs, Ingresses, Leases, ServiceAccounts and CRDs.

use serde_json::{Value, json};

use super::{age, human_duration};
use crate::meta;
use crate::registry::ResourceInfo;

type CellFn<'a> = Box<dyn Fn(&Value) -> Vec<Value> + 'a>;

pub(super) fn col(name: &str, type_: &str, priority: i64) -> Value {
    let format = if name == "Name" { "name" } else { "" };
    json!({"name": name, "type": type_, "format": format, "description": "", "priority": priority})
}

fn s(obj: &Value, pointer: &str) -> String {
    match obj.pointer(pointer) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(v) => v.to_string(),
    }
}

fn i(obj: &Value, pointer: &str) -> i64 {
    obj.pointer(pointer).and_then(Value::as_i64).unwrap_or(0)
}

fn none_if_empty(v: String) -> String {
    if v.is_empty() { "<none>".into() } else { v }
}

fn containers_images(obj: &Value, pointer: &str) -> (String, String) {
    let cs = obj
        .pointer(pointer)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let names: Vec<String> = cs.iter().map(|c| s(c, "/name")).collect();
    let images: Vec<String> = cs.iter().map(|c| s(c, "/image")).collect();
    (names.join(","), images.join(","))
}

fn pod_status(pod: &Value) -> (String, String, i64) {
    let statuses = pod
        .pointer("/status/containerStatuses")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let total = pod
        .pointer("/spec/containers")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    let ready = statuses
        .iter()
        .filter(|c| c.get("ready").and_then(Value::as_bool) == Some(true))
        .count();
    let restarts = statuses.iter().map(|c| i(c, "/restartCount")).sum();
    let mut reason = s(pod, "/status/reason");
    if reason.is_empty() {
        reason = s(pod, "/status/phase");
    }
    for c in statuses.iter().rev() {
        let waiting = s(c, "/state/waiting/reason");
        let terminated = s(c, "/state/terminated/reason");
        if !waiting.is_empty() {
            reason = waiting;
        } else if !terminated.is_empty() {
            reason = terminated;
        } else if c.pointer("/state/terminated").is_some() {
            reason = format!("ExitCode:{}", i(c, "/state/terminated/exitCode"));
        }
    }
    if meta::is_deleting(pod) {
        reason = "Terminating".into();
    }
    (format!("{ready}/{total}"), reason, restarts)
}

fn service_ports(svc: &Value) -> String {
    let ports = svc
        .pointer("/spec/ports")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let parts: Vec<String> = ports
        .iter()
        .map(|p| {
            let proto = p.get("protocol").and_then(Value::as_str).unwrap_or("TCP");
            match p.get("nodePort").and_then(Value::as_i64) {
                Some(np) => format!("{}:{np}/{proto}", i(p, "/port")),
                None => format!("{}/{proto}", i(p, "/port")),
            }
        })
        .collect();
    none_if_empty(parts.join(","))
}

fn endpoints(ep: &Value) -> String {
    let mut out = Vec::new();
    for subset in ep
        .get("subsets")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
    {
        let ports: Vec<i64> = subset
            .get("ports")
            .and_then(Value::as_array)
            .map(|p| p.iter().map(|x| i(x, "/port")).collect())
            .unwrap_or_default();
        for a in subset
            .get("addresses")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
        {
            let ip = s(&a, "/ip");
            if ports.is_empty() {
                out.push(ip);
            } else {
                out.extend(ports.iter().map(|p| format!("{ip}:{p}")));
            }
        }
    }
    none_if_empty(out.join(","))
}

fn job_status(job: &Value) -> String {
    let conds = job
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let has = |t: &str| {
        conds
            .iter()
            .any(|c| s(c, "/type") == t && s(c, "/status") == "True")
    };
    if has("Complete") {
        "Complete".into()
    } else if has("Failed") {
        "Failed".into()
    } else if has("Suspended") {
        "Suspended".into()
    } else {
        "Running".into()
    }
}

fn event_last_seen(ev: &Value, now: jiff::Timestamp) -> String {
    for p in [
        "/series/lastObservedTime",
        "/lastTimestamp",
        "/eventTime",
        "/metadata/creationTimestamp",
    ] {
        let v = s(ev, p);
        if !v.is_empty() {
            return age(Some(&v), now);
        }
    }
    "<unknown>".into()
}

/// Columns and cells of a built-in kind, or None when the kind has no dedicated printer.
pub(super) fn columns(
    info: &ResourceInfo,
    objs: &[Value],
    now: jiff::Timestamp,
) -> Option<(Vec<Value>, Vec<Vec<Value>>)> {
    let a = |o: &Value| json!(age(meta::meta_str(o, "creationTimestamp"), now));
    let n = |o: &Value| json!(meta::name(o).unwrap_or_default());
    let key = (info.group.as_str(), info.resource.as_str());
    let (cols, cells): (Vec<Value>, CellFn<'_>) = match key {
        ("", "pods") => (
            vec![
                col("Name", "string", 0),
                col("Ready", "string", 0),
                col("Status", "string", 0),
                col("Restarts", "string", 0),
                col("Age", "string", 0),
                col("IP", "string", 1),
                col("Node", "string", 1),
            ],
            Box::new(move |o| {
                let (ready, status, restarts) = pod_status(o);
                vec![
                    n(o),
                    json!(ready),
                    json!(status),
                    json!(restarts.to_string()),
                    a(o),
                    json!(none_if_empty(s(o, "/status/podIP"))),
                    json!(none_if_empty(s(o, "/spec/nodeName"))),
                ]
            }),
        ),
        ("apps", "deployments") => (
            vec![
                col("Name", "string", 0),
                col("Ready", "string", 0),
                col("Up-to-date", "integer", 0),
                col("Available", "integer", 0),
                col("Age", "string", 0),
                col("Containers", "string", 1),
                col("Images", "string", 1),
                col("Selector", "string", 1),
            ],
            Box::new(move |o| {
                let (c, im) = containers_images(o, "/spec/template/spec/containers");
                let sel = o
                    .pointer("/spec/selector")
                    .map(meta::selector_string)
                    .unwrap_or_default();
                vec![
                    n(o),
                    json!(format!(
                        "{}/{}",
                        i(o, "/status/readyReplicas"),
                        i(o, "/spec/replicas")
                    )),
                    json!(i(o, "/status/updatedReplicas")),
                    json!(i(o, "/status/availableReplicas")),
                    a(o),
                    json!(c),
                    json!(im),
                    json!(sel),
                ]
            }),
        ),
        ("apps", "replicasets") => (
            vec![
                col("Name", "string", 0),
                col("Desired", "integer", 0),
                col("Current", "integer", 0),
                col("Ready", "integer", 0),
                col("Age", "string", 0),
                col("Containers", "string", 1),
                col("Images", "string", 1),
                col("Selector", "string", 1),
            ],
            Box::new(move |o| {
                let (c, im) = containers_images(o, "/spec/template/spec/containers");
                let sel = o
                    .pointer("/spec/selector")
                    .map(meta::selector_string)
                    .unwrap_or_default();
                vec![
                    n(o),
                    json!(i(o, "/spec/replicas")),
                    json!(i(o, "/status/replicas")),
                    json!(i(o, "/status/readyReplicas")),
                    a(o),
                    json!(c),
                    json!(im),
                    json!(sel),
                ]
            }),
        ),
        ("", "services") => (
            vec![
                col("Name", "string", 0),
                col("Type", "string", 0),
                col("Cluster-IP", "string", 0),
                col("External-IP", "string", 0),
                col("Port(s)", "string", 0),
                col("Age", "string", 0),
                col("Selector", "string", 1),
            ],
            Box::new(move |o| {
                let sel = o
                    .pointer("/spec/selector")
                    .and_then(Value::as_object)
                    .map(|m| {
                        m.iter()
                            .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                            .collect::<Vec<_>>()
                            .join(",")
                    })
                    .unwrap_or_default();
                vec![
                    n(o),
                    json!(s(o, "/spec/type")),
                    json!(none_if_empty(s(o, "/spec/clusterIP"))),
                    json!("<none>"),
                    json!(service_ports(o)),
                    a(o),
                    json!(none_if_empty(sel)),
                ]
            }),
        ),
        ("", "namespaces") => (
            vec![
                col("Name", "string", 0),
                col("Status", "string", 0),
                col("Age", "string", 0),
            ],
            Box::new(move |o| vec![n(o), json!(s(o, "/status/phase")), a(o)]),
        ),
        ("", "configmaps") => (
            vec![
                col("Name", "string", 0),
                col("Data", "integer", 0),
                col("Age", "string", 0),
            ],
            Box::new(move |o| {
                let count = ["data", "binaryData"]
                    .iter()
                    .map(|f| o.get(*f).and_then(Value::as_object).map_or(0, |m| m.len()))
                    .sum::<usize>();
                vec![n(o), json!(count), a(o)]
            }),
        ),
        ("", "secrets") => (
            vec![
                col("Name", "string", 0),
                col("Type", "string", 0),
                col("Data", "integer", 0),
                col("Age", "string", 0),
            ],
            Box::new(move |o| {
                let count = ["data", "stringData"]
                    .iter()
                    .map(|f| o.get(*f).and_then(Value::as_object).map_or(0, |m| m.len()))
                    .sum::<usize>();
                vec![n(o), json!(s(o, "/type")), json!(count), a(o)]
            }),
        ),
        ("", "endpoints") => (
            vec![
                col("Name", "string", 0),
                col("Endpoints", "string", 0),
                col("Age", "string", 0),
            ],
            Box::new(move |o| vec![n(o), json!(endpoints(o)), a(o)]),
        ),
        ("", "events") | ("events.k8s.io", "events") => (
            vec![
                col("Last Seen", "string", 0),
                col("Type", "string", 0),
                col("Reason", "string", 0),
                col("Object", "string", 0),
                col("Message", "string", 0),
                col("Name", "string", 1),
            ],
            Box::new(move |o| {
                let (kind, name) = if o.get("involvedObject").is_some() {
                    (s(o, "/involvedObject/kind"), s(o, "/involvedObject/name"))
                } else {
                    (s(o, "/regarding/kind"), s(o, "/regarding/name"))
                };
                let msg = if o.get("message").is_some() {
                    s(o, "/message")
                } else {
                    s(o, "/note")
                };
                vec![
                    json!(event_last_seen(o, now)),
                    json!(s(o, "/type")),
                    json!(s(o, "/reason")),
                    json!(format!("{}/{name}", kind.to_lowercase())),
                    json!(msg.trim()),
                    n(o),
                ]
            }),
        ),
        ("batch", "jobs") => (
            vec![
                col("Name", "string", 0),
                col("Status", "string", 0),
                col("Completions", "string", 0),
                col("Duration", "string", 0),
                col("Age", "string", 0),
            ],
            Box::new(move |o| {
                let start = s(o, "/status/startTime");
                let end = s(o, "/status/completionTime");
                let duration = match (start.parse::<jiff::Timestamp>(), end.parse::<jiff::Timestamp>()) {
                    (Ok(st), Ok(en)) => human_duration(en.as_second() - st.as_second()),
                    (Ok(st), Err(_)) => human_duration(now.as_second() - st.as_second()),
                    _ => String::new(),
                };
                vec![
                    n(o),
                    json!(job_status(o)),
                    json!(format!(
                        "{}/{}",
                        i(o, "/status/succeeded"),
                        i(o, "/spec/completions")
                    )),
                    json!(duration),
                    a(o),
                ]
            }),
        ),
        ("networking.k8s.io", "ingresses") => (
            vec![
                col("Name", "string", 0),
                col("Class", "string", 0),
                col("Hosts", "string", 0),
                col("Address", "string", 0),
                col("Ports", "string", 0),
                col("Age", "string", 0),
            ],
            Box::new(move |o| {
                let hosts: Vec<String> = o
                    .pointer("/spec/rules")
                    .and_then(Value::as_array)
                    .map(|r| {
                        r.iter()
                            .map(|x| s(x, "/host"))
                            .filter(|h| !h.is_empty())
                            .collect()
                    })
                    .unwrap_or_default();
                let hosts = if hosts.is_empty() {
                    "*".to_string()
                } else {
                    hosts.join(",")
                };
                let ports = if o.pointer("/spec/tls").is_some() {
                    "80, 443"
                } else {
                    "80"
                };
                let addr: Vec<String> = o
                    .pointer("/status/loadBalancer/ingress")
                    .and_then(Value::as_array)
                    .map(|r| {
                        r.iter()
                            .map(|x| {
                                if x.get("ip").is_some() {
                                    s(x, "/ip")
                                } else {
                                    s(x, "/hostname")
                                }
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                vec![
                    n(o),
                    json!(none_if_empty(s(o, "/spec/ingressClassName"))),
                    json!(hosts),
                    json!(addr.join(",")),
                    json!(ports),
                    a(o),
                ]
            }),
        ),
        ("coordination.k8s.io", "leases") => (
            vec![
                col("Name", "string", 0),
                col("Holder", "string", 0),
                col("Age", "string", 0),
            ],
            Box::new(move |o| vec![n(o), json!(s(o, "/spec/holderIdentity")), a(o)]),
        ),
        ("", "serviceaccounts") => (
            vec![
                col("Name", "string", 0),
                col("Secrets", "integer", 0),
                col("Age", "string", 0),
            ],
            Box::new(move |o| {
                vec![
                    n(o),
                    json!(o.get("secrets").and_then(Value::as_array).map_or(0, Vec::len)),
                    a(o),
                ]
            }),
        ),
        ("apiextensions.k8s.io", "customresourcedefinitions") => (
            vec![col("Name", "string", 0), col("Created At", "date", 0)],
            Box::new(move |o| {
                vec![
                    n(o),
                    json!(meta::meta_str(o, "creationTimestamp").unwrap_or_default()),
                ]
            }),
        ),
        _ => return None,
    };
    Some((cols, objs.iter().map(cells).collect()))
}
