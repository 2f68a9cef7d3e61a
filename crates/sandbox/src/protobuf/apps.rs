//! Conversion of apps/v1 Deployment, with the part of the pod template that `kubectl create deployment` fills in
//! (containers with image, command, args, ports, env and resources, and the plain pod fields). Anything else in
//! the template (volumes, probes, affinity, ...) is refused rather than lost.

use std::mem::take;

use k8s_pb::api::apps::v1::{Deployment, DeploymentSpec, DeploymentStrategy, RollingUpdateDeployment};
use k8s_pb::api::core::v1::{
    Container, ContainerPort, EnvVar, PodSpec, PodTemplateSpec, ResourceRequirements,
};
use serde_json::{Map, Value};

use super::core::local_object_reference;
use super::json::{Obj, Res, ensure_consumed};
use super::meta::{int_or_string, label_selector, object_meta, quantities};

pub(super) fn deployment(mut d: Deployment) -> Res<Map<String, Value>> {
    let mut o = Obj::default();
    o.msg("metadata", d.metadata.take(), "", object_meta)?;
    o.msg("spec", d.spec.take(), "", deployment_spec)?;
    // The server resets the status on create: written as `{}`, its content dropped.
    o.opt("status", d.status.take().map(|_| Value::Object(Map::new())));
    ensure_consumed(&d, "")?;
    Ok(o.0)
}

fn deployment_spec(mut s: DeploymentSpec, path: &str) -> Res<Value> {
    let mut o = Obj::default();
    o.opt("replicas", s.replicas.take());
    o.msg("selector", s.selector.take(), path, label_selector)?;
    o.msg("template", s.template.take(), path, pod_template_spec)?;
    o.msg("strategy", s.strategy.take(), path, deployment_strategy)?;
    o.nonzero("minReadySeconds", s.min_ready_seconds.take())
        .opt("revisionHistoryLimit", s.revision_history_limit.take())
        .nonzero("paused", s.paused.take())
        .opt("progressDeadlineSeconds", s.progress_deadline_seconds.take());
    ensure_consumed(&s, path)?;
    Ok(o.done())
}

fn deployment_strategy(mut s: DeploymentStrategy, path: &str) -> Res<Value> {
    let mut o = Obj::default();
    o.str("type", s.r#type.take());
    o.msg("rollingUpdate", s.rolling_update.take(), path, rolling_update)?;
    ensure_consumed(&s, path)?;
    Ok(o.done())
}

fn rolling_update(mut r: RollingUpdateDeployment, path: &str) -> Res<Value> {
    let mut o = Obj::default();
    o.msg("maxUnavailable", r.max_unavailable.take(), path, int_or_string)?;
    o.msg("maxSurge", r.max_surge.take(), path, int_or_string)?;
    ensure_consumed(&r, path)?;
    Ok(o.done())
}

fn pod_template_spec(mut t: PodTemplateSpec, path: &str) -> Res<Value> {
    let mut o = Obj::default();
    o.msg("metadata", t.metadata.take(), path, object_meta)?;
    o.msg("spec", t.spec.take(), path, pod_spec)?;
    ensure_consumed(&t, path)?;
    Ok(o.done())
}

fn pod_spec(mut s: PodSpec, path: &str) -> Res<Value> {
    let mut o = Obj::default();
    o.list("initContainers", take(&mut s.init_containers), path, container)?;
    // `containers` has no `omitempty`.
    let containers = take(&mut s.containers);
    if containers.is_empty() {
        o.always("containers", Value::Array(Vec::new()));
    } else {
        o.list("containers", containers, path, container)?;
    }
    o.str("restartPolicy", s.restart_policy.take())
        .opt(
            "terminationGracePeriodSeconds",
            s.termination_grace_period_seconds.take(),
        )
        .opt("activeDeadlineSeconds", s.active_deadline_seconds.take())
        .str("dnsPolicy", s.dns_policy.take())
        .map("nodeSelector", take(&mut s.node_selector))
        .str("serviceAccountName", s.service_account_name.take())
        .str("serviceAccount", s.service_account.take())
        .opt(
            "automountServiceAccountToken",
            s.automount_service_account_token.take(),
        )
        .str("nodeName", s.node_name.take())
        .nonzero("hostNetwork", s.host_network.take())
        .nonzero("hostPID", s.host_pid.take())
        .nonzero("hostIPC", s.host_ipc.take())
        .opt("shareProcessNamespace", s.share_process_namespace.take());
    o.list(
        "imagePullSecrets",
        take(&mut s.image_pull_secrets),
        path,
        local_object_reference,
    )?;
    o.str("hostname", s.hostname.take())
        .str("subdomain", s.subdomain.take())
        .str("schedulerName", s.scheduler_name.take())
        .str("priorityClassName", s.priority_class_name.take())
        .opt("priority", s.priority.take())
        .opt("runtimeClassName", s.runtime_class_name.take())
        .opt("enableServiceLinks", s.enable_service_links.take())
        .opt("preemptionPolicy", s.preemption_policy.take())
        .opt("setHostnameAsFQDN", s.set_hostname_as_fqdn.take())
        .opt("hostUsers", s.host_users.take());
    ensure_consumed(&s, path)?;
    Ok(o.done())
}

fn container(mut c: Container, path: &str) -> Res<Value> {
    let mut o = Obj::default();
    o.always("name", c.name.take().unwrap_or_default())
        .str("image", c.image.take())
        .strs("command", take(&mut c.command))
        .strs("args", take(&mut c.args))
        .str("workingDir", c.working_dir.take());
    o.list("ports", take(&mut c.ports), path, container_port)?;
    o.list("env", take(&mut c.env), path, env_var)?;
    o.msg("resources", c.resources.take(), path, resources)?;
    o.opt("restartPolicy", c.restart_policy.take())
        .str("terminationMessagePath", c.termination_message_path.take())
        .str("terminationMessagePolicy", c.termination_message_policy.take())
        .str("imagePullPolicy", c.image_pull_policy.take())
        .nonzero("stdin", c.stdin.take())
        .nonzero("stdinOnce", c.stdin_once.take())
        .nonzero("tty", c.tty.take());
    ensure_consumed(&c, path)?;
    Ok(o.done())
}

fn container_port(mut p: ContainerPort, path: &str) -> Res<Value> {
    let mut o = Obj::default();
    o.str("name", p.name.take())
        .nonzero("hostPort", p.host_port.take())
        .always("containerPort", p.container_port.take().unwrap_or(0))
        .str("protocol", p.protocol.take())
        .str("hostIP", p.host_ip.take());
    ensure_consumed(&p, path)?;
    Ok(o.done())
}

fn env_var(mut e: EnvVar, path: &str) -> Res<Value> {
    let mut o = Obj::default();
    o.always("name", e.name.take().unwrap_or_default())
        .str("value", e.value.take());
    ensure_consumed(&e, path)?;
    Ok(o.done())
}

fn resources(mut r: ResourceRequirements, path: &str) -> Res<Value> {
    let mut o = Obj::default();
    o.map("limits", quantities(take(&mut r.limits)))
        .map("requests", quantities(take(&mut r.requests)));
    ensure_consumed(&r, path)?;
    Ok(o.done())
}
