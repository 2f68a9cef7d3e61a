//! Containers of a pod template: `validateContainers`, `validateInitContainers`, `validateContainerCommon`,
//! ports, probes and lifecycle handlers (Kubernetes v1.34 `core/validation`).

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{
    Container, ContainerPort, ExecAction, GRPCAction, HTTPGetAction, LifecycleHandler, Probe, SleepAction,
    TCPSocketAction,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::env::{validate_env, validate_env_from};
use super::names::{is_http_header_name, is_valid_port_name, is_valid_port_num, validate_dns1123_label};
use super::resources::validate_resource_requirements;
use super::volumes::{VolumeKind, validate_volume_devices, validate_volume_mounts};
use crate::validation::field::{BadValue, FieldError, FieldPath};

/// `validateContainers`: at least one container, each valid, names unique, probes and lifecycle valid, no
/// `restartPolicy`, no host-port conflicts.
pub fn validate_containers(
    containers: &[Container],
    volumes: &BTreeMap<String, VolumeKind>,
    grace_period: i64,
    path: &FieldPath,
) -> Vec<FieldError> {
    if containers.is_empty() {
        return vec![FieldError::required(path, "")];
    }
    let mut errs = Vec::new();
    let mut names = BTreeSet::new();
    for (i, c) in containers.iter().enumerate() {
        let p = path.index(i);
        errs.extend(validate_container_common(c, volumes, &p));
        if !names.insert(c.name.as_str()) {
            errs.push(FieldError::duplicate(&p.child("name"), &c.name));
        }
        errs.extend(validate_probes_and_lifecycle(c, grace_period, &p));
        if c.restart_policy.is_some() {
            errs.push(FieldError::forbidden(
                &p.child("restartPolicy"),
                "may not be set for non-init containers",
            ));
        }
    }
    errs.extend(check_host_port_conflicts(containers, path));
    errs
}

/// `validateInitContainers`.
pub fn validate_init_containers(
    init_containers: &[Container],
    regular: &[Container],
    volumes: &BTreeMap<String, VolumeKind>,
    grace_period: i64,
    path: &FieldPath,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut names: BTreeSet<&str> = regular.iter().map(|c| c.name.as_str()).collect();
    for (i, c) in init_containers.iter().enumerate() {
        let p = path.index(i);
        errs.extend(validate_container_common(c, volumes, &p));
        let mut restart_always = false;
        if let Some(policy) = &c.restart_policy {
            if policy != "Always" {
                errs.push(FieldError::not_supported(
                    &p.child("restartPolicy"),
                    policy,
                    &["Always"],
                ));
            }
            restart_always = policy == "Always";
        }
        if names.contains(c.name.as_str()) {
            errs.push(FieldError::duplicate(&p.child("name"), &c.name));
        } else if !c.name.is_empty() {
            names.insert(c.name.as_str());
        }
        errs.extend(check_host_port_conflicts(std::slice::from_ref(c), path));
        if restart_always {
            errs.extend(validate_probes_and_lifecycle(c, grace_period, &p));
        } else {
            for (field, set) in [
                ("lifecycle", c.lifecycle.is_some()),
                ("livenessProbe", c.liveness_probe.is_some()),
                ("readinessProbe", c.readiness_probe.is_some()),
                ("startupProbe", c.startup_probe.is_some()),
            ] {
                if set {
                    errs.push(FieldError::forbidden(
                        &p.child(field),
                        "may not be set for init containers without restartPolicy=Always",
                    ));
                }
            }
        }
        if let Some(policy) = c.resize_policy.as_ref().filter(|r| !r.is_empty()) {
            errs.push(FieldError::invalid(
                &p.child("resizePolicy"),
                BadValue::json(policy),
                "must not be set for init containers",
            ));
        }
    }
    errs
}

/// `validateContainerCommon`: name, image, termination message policy, ports, environment, mounts, pull
/// policy, resources and resize policy.
fn validate_container_common(
    c: &Container,
    volumes: &BTreeMap<String, VolumeKind>,
    path: &FieldPath,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let name_path = path.child("name");
    if c.name.is_empty() {
        errs.push(FieldError::required(&name_path, ""));
    } else {
        errs.extend(validate_dns1123_label(&c.name, &name_path));
    }
    if c.image.as_deref().is_none_or(str::is_empty) {
        errs.push(FieldError::required(&path.child("image"), ""));
    }
    let policy = c.termination_message_policy.as_deref().unwrap_or_default();
    if !matches!(policy, "" | "File" | "FallbackToLogsOnError") {
        errs.push(FieldError::not_supported(
            &path.child("terminationMessagePolicy"),
            policy,
            &["File", "FallbackToLogsOnError"],
        ));
    }
    let mounts = c.volume_mounts.as_deref().unwrap_or_default();
    let devices = c.volume_devices.as_deref().unwrap_or_default();
    errs.extend(validate_container_ports(
        c.ports.as_deref().unwrap_or_default(),
        &path.child("ports"),
    ));
    errs.extend(validate_env(
        c.env.as_deref().unwrap_or_default(),
        &path.child("env"),
    ));
    errs.extend(validate_env_from(
        c.env_from.as_deref().unwrap_or_default(),
        &path.child("envFrom"),
    ));
    errs.extend(validate_volume_mounts(
        mounts,
        devices,
        volumes,
        &path.child("volumeMounts"),
    ));
    errs.extend(validate_volume_devices(
        devices,
        mounts,
        volumes,
        &path.child("volumeDevices"),
    ));
    let pull = c.image_pull_policy.as_deref().unwrap_or_default();
    if !matches!(pull, "" | "Always" | "IfNotPresent" | "Never") {
        errs.push(FieldError::not_supported(
            &path.child("imagePullPolicy"),
            pull,
            &["Always", "IfNotPresent", "Never"],
        ));
    }
    if let Some(resources) = &c.resources {
        errs.extend(validate_resource_requirements(
            resources,
            &path.child("resources"),
        ));
    }
    let resize_path = path.child("resizePolicy");
    let mut resources = BTreeSet::new();
    for (i, r) in c.resize_policy.iter().flatten().enumerate() {
        if !resources.insert(r.resource_name.as_str()) {
            errs.push(FieldError::duplicate(&resize_path.index(i), &r.resource_name));
        }
        match r.resource_name.as_str() {
            "cpu" | "memory" => {}
            "" => errs.push(FieldError::required(&resize_path, "")),
            other => errs.push(FieldError::not_supported(&resize_path, other, &["cpu", "memory"])),
        }
        match r.restart_policy.as_str() {
            "NotRequired" | "RestartContainer" => {}
            "" => errs.push(FieldError::required(&resize_path, "")),
            other => errs.push(FieldError::not_supported(
                &resize_path,
                other,
                &["NotRequired", "RestartContainer"],
            )),
        }
    }
    errs
}

/// `validateContainerPorts`.
pub fn validate_container_ports(ports: &[ContainerPort], path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut names = BTreeSet::new();
    for (i, port) in ports.iter().enumerate() {
        let p = path.index(i);
        if let Some(name) = port.name.as_deref().filter(|n| !n.is_empty()) {
            let msgs = is_valid_port_name(name);
            if !msgs.is_empty() {
                errs.extend(
                    msgs.into_iter()
                        .map(|m| FieldError::invalid(&p.child("name"), name, m)),
                );
            } else if !names.insert(name) {
                errs.push(FieldError::duplicate(&p.child("name"), name));
            }
        }
        if port.container_port == 0 {
            errs.push(FieldError::required(&p.child("containerPort"), ""));
        } else {
            errs.extend(
                is_valid_port_num(i64::from(port.container_port))
                    .into_iter()
                    .map(|m| FieldError::invalid(&p.child("containerPort"), port.container_port, m)),
            );
        }
        let host_port = port.host_port.unwrap_or(0);
        if host_port != 0 {
            errs.extend(
                is_valid_port_num(i64::from(host_port))
                    .into_iter()
                    .map(|m| FieldError::invalid(&p.child("hostPort"), host_port, m)),
            );
        }
        let protocol = port.protocol.as_deref().unwrap_or_default();
        if !matches!(protocol, "" | "TCP" | "UDP" | "SCTP") {
            errs.push(FieldError::not_supported(
                &p.child("protocol"),
                protocol,
                &["SCTP", "TCP", "UDP"],
            ));
        }
    }
    errs
}

/// `checkHostPortConflicts`: the same `protocol/hostIP/hostPort` may not be used twice.
fn check_host_port_conflicts(containers: &[Container], path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut seen = BTreeSet::new();
    for (ci, c) in containers.iter().enumerate() {
        for (pi, port) in c.ports.iter().flatten().enumerate() {
            let host_port = port.host_port.unwrap_or(0);
            if host_port == 0 {
                continue;
            }
            let protocol = port
                .protocol
                .as_deref()
                .filter(|p| !p.is_empty())
                .unwrap_or("TCP");
            let key = format!(
                "{protocol}/{}/{host_port}",
                port.host_ip.as_deref().unwrap_or_default()
            );
            if seen.contains(&key) {
                errs.push(FieldError::duplicate(
                    &path.index(ci).child("ports").index(pi).child("hostPort"),
                    key,
                ));
            } else {
                seen.insert(key);
            }
        }
    }
    errs
}

/// Lifecycle and the three probes of a regular (or restartable init) container.
fn validate_probes_and_lifecycle(c: &Container, grace_period: i64, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if let Some(lifecycle) = &c.lifecycle {
        for (field, handler) in [
            ("postStart", &lifecycle.post_start),
            ("preStop", &lifecycle.pre_stop),
        ] {
            if let Some(h) = handler {
                errs.extend(validate_lifecycle_handler(
                    h,
                    grace_period,
                    &path.children(&["lifecycle", field]),
                ));
            }
        }
    }
    if let Some(probe) = &c.liveness_probe {
        let p = path.child("livenessProbe");
        errs.extend(validate_probe(probe, grace_period, &p));
        let success = probe.success_threshold.filter(|s| *s != 0).unwrap_or(1);
        if success != 1 {
            errs.push(FieldError::invalid(
                &p.child("successThreshold"),
                success,
                "must be 1",
            ));
        }
    }
    if let Some(probe) = &c.readiness_probe {
        let p = path.child("readinessProbe");
        errs.extend(validate_probe(probe, grace_period, &p));
        if let Some(seconds) = probe.termination_grace_period_seconds {
            errs.push(FieldError::invalid(
                &p.child("terminationGracePeriodSeconds"),
                seconds,
                "must not be set for readinessProbes",
            ));
        }
    }
    if let Some(probe) = &c.startup_probe {
        let p = path.child("startupProbe");
        errs.extend(validate_probe(probe, grace_period, &p));
        let success = probe.success_threshold.filter(|s| *s != 0).unwrap_or(1);
        if success != 1 {
            errs.push(FieldError::invalid(
                &p.child("successThreshold"),
                success,
                "must be 1",
            ));
        }
    }
    errs
}

/// The handler kinds of a probe or a lifecycle hook (`commonHandler`).
struct Handler<'a> {
    exec: Option<&'a ExecAction>,
    http_get: Option<&'a HTTPGetAction>,
    tcp_socket: Option<&'a TCPSocketAction>,
    grpc: Option<&'a GRPCAction>,
    sleep: Option<&'a SleepAction>,
}

/// `validateProbe`: a handler, and non-negative delays and thresholds (after Kubernetes' defaults).
fn validate_probe(probe: &Probe, grace_period: i64, path: &FieldPath) -> Vec<FieldError> {
    let handler = Handler {
        exec: probe.exec.as_ref(),
        http_get: probe.http_get.as_ref(),
        tcp_socket: probe.tcp_socket.as_ref(),
        grpc: probe.grpc.as_ref(),
        sleep: None,
    };
    let mut errs = validate_handler(&handler, grace_period, path);
    for (field, value, default) in [
        ("initialDelaySeconds", probe.initial_delay_seconds, 0),
        ("timeoutSeconds", probe.timeout_seconds, 1),
        ("periodSeconds", probe.period_seconds, 10),
        ("successThreshold", probe.success_threshold, 1),
        ("failureThreshold", probe.failure_threshold, 3),
    ] {
        let value = value.filter(|v| *v != 0).unwrap_or(default);
        if value < 0 {
            errs.push(FieldError::invalid(
                &path.child(field),
                i64::from(value),
                "must be greater than or equal to 0",
            ));
        }
    }
    if let Some(seconds) = probe.termination_grace_period_seconds.filter(|s| *s <= 0) {
        errs.push(FieldError::invalid(
            &path.child("terminationGracePeriodSeconds"),
            seconds,
            "must be greater than 0",
        ));
    }
    errs
}

fn validate_lifecycle_handler(h: &LifecycleHandler, grace_period: i64, path: &FieldPath) -> Vec<FieldError> {
    let handler = Handler {
        exec: h.exec.as_ref(),
        http_get: h.http_get.as_ref(),
        tcp_socket: h.tcp_socket.as_ref(),
        grpc: None,
        sleep: h.sleep.as_ref(),
    };
    validate_handler(&handler, grace_period, path)
}

/// `validateHandler`: exactly one handler kind, each valid.
fn validate_handler(h: &Handler<'_>, grace_period: i64, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut count = 0;
    let mut one = |field: &str, set: bool, errs: &mut Vec<FieldError>| -> bool {
        if !set {
            return false;
        }
        if count > 0 {
            errs.push(FieldError::forbidden(
                &path.child(field),
                "may not specify more than 1 handler type",
            ));
            return false;
        }
        count += 1;
        true
    };
    if one("exec", h.exec.is_some(), &mut errs)
        && h.exec
            .is_some_and(|e| e.command.as_ref().is_none_or(Vec::is_empty))
    {
        errs.push(FieldError::required(&path.children(&["exec", "command"]), ""));
    }
    if one("httpGet", h.http_get.is_some(), &mut errs)
        && let Some(http) = h.http_get
    {
        let p = path.child("httpGet");
        errs.extend(validate_port_num_or_name(&http.port, &p.child("port")));
        let scheme = http.scheme.as_deref().filter(|s| !s.is_empty()).unwrap_or("HTTP");
        if !matches!(scheme, "HTTP" | "HTTPS") {
            errs.push(FieldError::not_supported(
                &p.child("scheme"),
                scheme,
                &["HTTP", "HTTPS"],
            ));
        }
        for header in http.http_headers.iter().flatten() {
            errs.extend(
                is_http_header_name(&header.name)
                    .into_iter()
                    .map(|m| FieldError::invalid(&p.child("httpHeaders"), &header.name, m)),
            );
        }
    }
    if one("tcpSocket", h.tcp_socket.is_some(), &mut errs)
        && let Some(tcp) = h.tcp_socket
    {
        errs.extend(validate_port_num_or_name(
            &tcp.port,
            &path.children(&["tcpSocket", "port"]),
        ));
    }
    if one("grpc", h.grpc.is_some(), &mut errs)
        && let Some(grpc) = h.grpc
    {
        errs.extend(validate_port_num_or_name(
            &IntOrString::Int(grpc.port),
            &path.children(&["grpc", "port"]),
        ));
    }
    if one("sleep", h.sleep.is_some(), &mut errs)
        && let Some(sleep) = h.sleep
        && (sleep.seconds <= 0 || sleep.seconds > grace_period)
    {
        errs.push(FieldError::invalid(
            &path.child("sleep"),
            sleep.seconds,
            format!("must be greater than 0 and less than terminationGracePeriodSeconds ({grace_period})"),
        ));
    }
    if count == 0 {
        errs.push(FieldError::required(path, "must specify a handler type"));
    }
    errs
}

/// `ValidatePortNumOrName`.
fn validate_port_num_or_name(port: &IntOrString, path: &FieldPath) -> Vec<FieldError> {
    match port {
        IntOrString::Int(i) => is_valid_port_num(i64::from(*i))
            .into_iter()
            .map(|m| FieldError::invalid(path, BadValue::json(i), m))
            .collect(),
        IntOrString::String(s) => is_valid_port_name(s)
            .into_iter()
            .map(|m| FieldError::invalid(path, s, m))
            .collect(),
    }
}
