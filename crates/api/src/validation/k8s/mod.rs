//! The part of Kubernetes' pod-template validation that Argo runs on `spec.template`
//! (`apps/validation.ValidatePodTemplateSpecForReplicaSet` → `core/validation.ValidatePodTemplateSpec` →
//! `ValidatePodSpec`), with Kubernetes' messages and field paths (k8s v1.34).
//!
//! Argo validates the template after applying Kubernetes' `PodTemplate` defaults, so here an unset field
//! that Kubernetes defaults (restart and DNS policy, termination message policy, image pull policy, port
//! protocol, probe thresholds, HTTP probe path and scheme, the `v1` of a field reference, an `emptyDir` for
//! a volume without source, ...) is valid. Go iterates maps in random order; here maps are visited in key
//! order. What is not covered is listed in `docs/compatibility.md` ("Pod template validation").

pub mod container;
pub mod env;
pub mod names;
pub mod resources;
pub mod selector;
pub mod volumes;

use k8s_openapi::api::core::v1::{PodSpec, PodTemplateSpec, Toleration};

use self::names::{
    inclusive_range_error, is_dns1123_subdomain, is_valid_label_value, validate_annotations,
    validate_dns1123_label, validate_label_name, validate_labels, validate_qualified_name,
};
use self::selector::Selector;
use crate::validation::field::{BadValue, FieldError, FieldPath};

/// `ValidatePodTemplateSpecForReplicaSet`: the selector must match the template's labels, the template
/// must be valid, and a ReplicaSet's pods must restart `Always` and have no `activeDeadlineSeconds`.
pub fn validate_pod_template_spec_for_replica_set(
    template: &PodTemplateSpec,
    selector: &Selector,
    path: &FieldPath,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let labels = template.metadata.as_ref().and_then(|m| m.labels.as_ref());
    if !selector.is_empty() && !selector.matches(labels) {
        errs.push(FieldError::invalid(
            &path.children(&["metadata", "labels"]),
            BadValue::json(&labels),
            "`selector` does not match template `labels`",
        ));
    }
    errs.extend(validate_pod_template_spec(template, path));
    let spec = template.spec.clone().unwrap_or_default();
    let restart_policy = spec
        .restart_policy
        .as_deref()
        .filter(|p| !p.is_empty())
        .unwrap_or("Always");
    if restart_policy != "Always" {
        errs.push(FieldError::not_supported(
            &path.children(&["spec", "restartPolicy"]),
            restart_policy,
            &["Always"],
        ));
    }
    if spec.active_deadline_seconds.is_some() {
        errs.push(FieldError::forbidden(
            &path.children(&["spec", "activeDeadlineSeconds"]),
            "activeDeadlineSeconds in ReplicaSet is not Supported",
        ));
    }
    errs
}

/// `ValidatePodTemplateSpec`: labels, annotations and the pod spec.
pub fn validate_pod_template_spec(template: &PodTemplateSpec, path: &FieldPath) -> Vec<FieldError> {
    let metadata = template.metadata.clone().unwrap_or_default();
    let mut errs = validate_labels(metadata.labels.as_ref(), &path.child("labels"));
    errs.extend(validate_annotations(
        metadata.annotations.as_ref(),
        &path.child("annotations"),
    ));
    let spec = template.spec.clone().unwrap_or_default();
    errs.extend(validate_pod_spec(&spec, &path.child("spec")));
    if spec.ephemeral_containers.as_ref().is_some_and(|e| !e.is_empty()) {
        errs.push(FieldError::forbidden(
            &path.children(&["spec", "ephemeralContainers"]),
            "ephemeral containers not allowed in pod template",
        ));
    }
    errs
}

/// `ValidatePodSpec` (the covered checks, in Kubernetes' order).
pub fn validate_pod_spec(spec: &PodSpec, path: &FieldPath) -> Vec<FieldError> {
    // Kubernetes defaults terminationGracePeriodSeconds to 30.
    let grace_period = spec.termination_grace_period_seconds.unwrap_or(30);
    let (volumes, mut errs) = volumes::validate_volumes(
        spec.volumes.as_deref().unwrap_or_default(),
        &path.child("volumes"),
    );
    let containers = spec.containers.as_slice();
    let init_containers = spec.init_containers.as_deref().unwrap_or_default();
    errs.extend(container::validate_containers(
        containers,
        &volumes,
        grace_period,
        &path.child("containers"),
    ));
    errs.extend(container::validate_init_containers(
        init_containers,
        containers,
        &volumes,
        grace_period,
        &path.child("initContainers"),
    ));
    if spec.host_network == Some(true) {
        for (i, c) in containers.iter().enumerate() {
            for (j, port) in c.ports.iter().flatten().enumerate() {
                let host_port = port.host_port.unwrap_or(0);
                if host_port != 0 && host_port != port.container_port {
                    errs.push(FieldError::invalid(
                        &path
                            .child("containers")
                            .index(i)
                            .child("ports")
                            .index(j)
                            .child("hostPort"),
                        host_port,
                        "must match `containerPort` when `hostNetwork` is true",
                    ));
                }
            }
        }
    }
    let restart_policy = spec
        .restart_policy
        .as_deref()
        .filter(|p| !p.is_empty())
        .unwrap_or("Always");
    if !matches!(restart_policy, "Always" | "OnFailure" | "Never") {
        errs.push(FieldError::not_supported(
            &path.child("restartPolicy"),
            restart_policy,
            &["Always", "OnFailure", "Never"],
        ));
    }
    let dns_policy = spec
        .dns_policy
        .as_deref()
        .filter(|p| !p.is_empty())
        .unwrap_or("ClusterFirst");
    if !matches!(
        dns_policy,
        "ClusterFirstWithHostNet" | "ClusterFirst" | "Default" | "None"
    ) {
        errs.push(FieldError::not_supported(
            &path.child("dnsPolicy"),
            BadValue::json(dns_policy),
            &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"],
        ));
    }
    errs.extend(validate_labels(
        spec.node_selector.as_ref(),
        &path.child("nodeSelector"),
    ));
    if dns_policy == "None" {
        let nameservers = spec.dns_config.as_ref().and_then(|c| c.nameservers.as_ref());
        if spec.dns_config.is_none() {
            errs.push(FieldError::required(
                &path.child("dnsConfig"),
                "must provide `dnsConfig` when `dnsPolicy` is None",
            ));
        } else if nameservers.is_none_or(Vec::is_empty) {
            errs.push(FieldError::required(
                &path.children(&["dnsConfig", "nameservers"]),
                "must provide at least one DNS nameserver when `dnsPolicy` is None",
            ));
        }
    }
    for (i, gate) in spec.readiness_gates.iter().flatten().enumerate() {
        errs.extend(validate_qualified_name(
            &gate.condition_type,
            &path.child("readinessGates").index(i).child("conditionType"),
        ));
    }
    let mut seen_gates = std::collections::BTreeSet::new();
    for (i, gate) in spec.scheduling_gates.iter().flatten().enumerate() {
        let p = path.child("schedulingGates").index(i);
        errs.extend(validate_qualified_name(&gate.name, &p));
        if !seen_gates.insert(gate.name.as_str()) {
            errs.push(FieldError::duplicate(&p, &gate.name));
        }
    }
    for (field, value) in [
        ("serviceAccountName", spec.service_account_name.as_deref()),
        ("nodeName", spec.node_name.as_deref()),
    ] {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            errs.extend(
                is_dns1123_subdomain(value)
                    .into_iter()
                    .map(|m| FieldError::invalid(&path.child(field), value, m)),
            );
        }
    }
    if let Some(value) = spec.active_deadline_seconds
        && !(1..=i64::from(i32::MAX)).contains(&value)
    {
        errs.push(FieldError::invalid(
            &path.child("activeDeadlineSeconds"),
            value,
            inclusive_range_error(1, i64::from(i32::MAX)),
        ));
    }
    for (field, value) in [
        ("hostname", spec.hostname.as_deref()),
        ("subdomain", spec.subdomain.as_deref()),
    ] {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            errs.extend(validate_dns1123_label(value, &path.child(field)));
        }
    }
    errs.extend(validate_tolerations(
        spec.tolerations.as_deref().unwrap_or_default(),
        &path.child("tolerations"),
    ));
    for (field, value) in [
        (
            "priorityClassName",
            spec.priority_class_name.as_deref().filter(|v| !v.is_empty()),
        ),
        ("runtimeClassName", spec.runtime_class_name.as_deref()),
    ] {
        if let Some(value) = value {
            errs.extend(
                is_dns1123_subdomain(value)
                    .into_iter()
                    .map(|m| FieldError::invalid(&path.child(field), value, m)),
            );
        }
    }
    if let Some(policy) = spec.preemption_policy.as_deref() {
        if policy.is_empty() {
            errs.push(FieldError::required(&path.child("preemptionPolicy"), ""));
        } else if !matches!(policy, "PreemptLowerPriority" | "Never") {
            errs.push(FieldError::not_supported(
                &path.child("preemptionPolicy"),
                BadValue::json(policy),
                &["PreemptLowerPriority", "Never"],
            ));
        }
    }
    errs
}

/// `ValidateTolerations`.
pub fn validate_tolerations(tolerations: &[Toleration], path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (i, t) in tolerations.iter().enumerate() {
        let p = path.index(i);
        let key = t.key.as_deref().unwrap_or_default();
        let operator = t.operator.as_deref().unwrap_or_default();
        let effect = t.effect.as_deref().unwrap_or_default();
        let value = t.value.as_deref().unwrap_or_default();
        if !key.is_empty() {
            errs.extend(validate_label_name(key, &p.child("key")));
        }
        if key.is_empty() && operator != "Exists" {
            errs.push(FieldError::invalid(
                &p.child("operator"),
                operator,
                "operator must be Exists when `key` is empty, which means \"match all values and all keys\"",
            ));
        }
        if t.toleration_seconds.is_some() && effect != "NoExecute" {
            errs.push(FieldError::invalid(
                &p.child("effect"),
                effect,
                "effect must be 'NoExecute' when `tolerationSeconds` is set",
            ));
        }
        match operator {
            "Equal" | "" => {
                let msgs = is_valid_label_value(value);
                if !msgs.is_empty() {
                    errs.push(FieldError::invalid(&p.child("operator"), value, msgs.join(";")));
                }
            }
            "Exists" => {
                if !value.is_empty() {
                    errs.push(FieldError::invalid(
                        &p.child("operator"),
                        BadValue::json(t),
                        "value must be empty when `operator` is 'Exists'",
                    ));
                }
            }
            op => errs.push(FieldError::not_supported(
                &p.child("operator"),
                op,
                &["Equal", "Exists"],
            )),
        }
        if !effect.is_empty() && !matches!(effect, "NoSchedule" | "PreferNoSchedule" | "NoExecute") {
            errs.push(FieldError::not_supported(
                &p.child("effect"),
                effect,
                &["NoSchedule", "PreferNoSchedule", "NoExecute"],
            ));
        }
    }
    errs
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
