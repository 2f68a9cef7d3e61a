//! Kubernetes' defaulting of a pod template (`SetObjectDefaults_PodTemplate`, `pkg/apis/core/v1`
//! `defaults.go` and `zz_generated.defaults.go`, v1.34), on the template's JSON: what the API server fills
//! into a ReplicaSet's template that a Rollout's template (a custom resource, not defaulted) lacks.
//!
//! Ported: the pod spec (`dnsPolicy`, `restartPolicy`, `securityContext`, `terminationGracePeriodSeconds`,
//! `schedulerName`); containers, init and ephemeral containers (`imagePullPolicy` from the image tag,
//! `terminationMessagePath`, `terminationMessagePolicy`, port `protocol`, env `fieldRef.apiVersion`,
//! probe timings and `httpGet` path and scheme, lifecycle `httpGet`); volumes (a volume without a source
//! becomes an `emptyDir`, `defaultMode` of secret, configMap, downwardAPI and projected volumes, `hostPath`
//! type, downward API `fieldRef.apiVersion`, projected service-account token expiry, iSCSI, RBD, Azure
//! Disk and ScaleIO fields, ephemeral claim `volumeMode`). Not ported: the rounding of resource quantities
//! up to milli-units, and the defaults behind feature gates (image volumes' pull policy).

use serde_json::{Map, Value, json};

/// Sets `key` to `value` in `obj` when it is missing, `null` or `""` (Go's zero value of a string or a
/// nil pointer).
fn default(obj: &mut Map<String, Value>, key: &str, value: Value) {
    let unset = match obj.get(key) {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        Some(_) => false,
    };
    if unset {
        obj.insert(key.to_owned(), value);
    }
}

/// Sets a number to `value` when it is missing, `null` or 0 (Go's zero value of an `int32`).
fn default_nonzero(obj: &mut Map<String, Value>, key: &str, value: i64) {
    if obj.get(key).and_then(Value::as_i64).unwrap_or(0) == 0 {
        obj.insert(key.to_owned(), json!(value));
    }
}

fn object_mut(value: Option<&mut Value>) -> Option<&mut Map<String, Value>> {
    value.and_then(Value::as_object_mut)
}

fn each_object(value: Option<&mut Value>) -> impl Iterator<Item = &mut Map<String, Value>> {
    value
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object_mut)
}

/// `SetObjectDefaults_PodTemplate` on a `PodTemplateSpec` as JSON.
pub fn set_pod_template_defaults(template: &mut Value) {
    let Some(template) = template.as_object_mut() else {
        return;
    };
    let spec = template.entry("spec").or_insert_with(|| json!({}));
    let Some(spec) = spec.as_object_mut() else {
        return;
    };
    // SetDefaults_PodSpec.
    default(spec, "dnsPolicy", json!("ClusterFirst"));
    default(spec, "restartPolicy", json!("Always"));
    default(spec, "securityContext", json!({}));
    default(spec, "terminationGracePeriodSeconds", json!(30));
    default(spec, "schedulerName", json!("default-scheduler"));
    for volume in each_object(spec.get_mut("volumes")) {
        volume_defaults(volume);
    }
    for key in ["initContainers", "containers", "ephemeralContainers"] {
        for container in each_object(spec.get_mut(key)) {
            container_defaults(container);
        }
    }
}

/// `SetDefaults_Container` and the generated defaults of a container's ports, env, probes and lifecycle.
fn container_defaults(c: &mut Map<String, Value>) {
    let image = c.get("image").and_then(Value::as_str).unwrap_or_default();
    let pull = if image_tag(image) == "latest" {
        "Always"
    } else {
        "IfNotPresent"
    };
    default(c, "imagePullPolicy", json!(pull));
    default(c, "terminationMessagePath", json!("/dev/termination-log"));
    default(c, "terminationMessagePolicy", json!("File"));
    for port in each_object(c.get_mut("ports")) {
        default(port, "protocol", json!("TCP"));
    }
    for env in each_object(c.get_mut("env")) {
        let value_from = object_mut(env.get_mut("valueFrom"));
        if let Some(field_ref) = object_mut(value_from.and_then(|v| v.get_mut("fieldRef"))) {
            default(field_ref, "apiVersion", json!("v1"));
        }
    }
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if let Some(probe) = object_mut(c.get_mut(probe)) {
            default_nonzero(probe, "timeoutSeconds", 1);
            default_nonzero(probe, "periodSeconds", 10);
            default_nonzero(probe, "successThreshold", 1);
            default_nonzero(probe, "failureThreshold", 3);
            http_get_defaults(probe);
        }
    }
    if let Some(lifecycle) = object_mut(c.get_mut("lifecycle")) {
        for hook in ["postStart", "preStop"] {
            if let Some(hook) = object_mut(lifecycle.get_mut(hook)) {
                http_get_defaults(hook);
            }
        }
    }
}

/// `SetDefaults_HTTPGetAction` of a handler's `httpGet`.
fn http_get_defaults(handler: &mut Map<String, Value>) {
    if let Some(http_get) = object_mut(handler.get_mut("httpGet")) {
        default(http_get, "path", json!("/"));
        default(http_get, "scheme", json!("HTTP"));
    }
}

/// The volume sources of `VolumeSource`: a volume with none of them is an `emptyDir` (`SetDefaults_Volume`).
const VOLUME_SOURCES: [&str; 30] = [
    "hostPath",
    "emptyDir",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "secret",
    "nfs",
    "iscsi",
    "glusterfs",
    "persistentVolumeClaim",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "downwardAPI",
    "fc",
    "azureFile",
    "configMap",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "projected",
    "portworxVolume",
    "scaleIO",
    "storageos",
    "csi",
    "ephemeral",
    "image",
];

/// `0644`, the default mode of secret, configMap, downwardAPI and projected volumes.
const DEFAULT_MODE: i64 = 0o644;

/// `SetDefaults_Volume` and the generated defaults of its source.
fn volume_defaults(v: &mut Map<String, Value>) {
    let has_source = VOLUME_SOURCES
        .iter()
        .any(|s| v.get(*s).is_some_and(|x| !x.is_null()));
    if !has_source {
        v.insert("emptyDir".to_owned(), json!({}));
    }
    if let Some(host_path) = object_mut(v.get_mut("hostPath")) {
        default(host_path, "type", json!(""));
    }
    for source in ["secret", "configMap", "downwardAPI", "projected"] {
        if let Some(s) = object_mut(v.get_mut(source)) {
            default(s, "defaultMode", json!(DEFAULT_MODE));
        }
    }
    if let Some(downward) = object_mut(v.get_mut("downwardAPI")) {
        field_ref_defaults(downward);
    }
    if let Some(projected) = object_mut(v.get_mut("projected")) {
        for source in each_object(projected.get_mut("sources")) {
            if let Some(downward) = object_mut(source.get_mut("downwardAPI")) {
                field_ref_defaults(downward);
            }
            if let Some(token) = object_mut(source.get_mut("serviceAccountToken")) {
                default(token, "expirationSeconds", json!(3600));
            }
        }
    }
    if let Some(iscsi) = object_mut(v.get_mut("iscsi")) {
        default(iscsi, "iscsiInterface", json!("default"));
    }
    if let Some(rbd) = object_mut(v.get_mut("rbd")) {
        default(rbd, "pool", json!("rbd"));
        default(rbd, "user", json!("admin"));
        default(rbd, "keyring", json!("/etc/ceph/keyring"));
    }
    if let Some(disk) = object_mut(v.get_mut("azureDisk")) {
        default(disk, "cachingMode", json!("ReadWrite"));
        default(disk, "fsType", json!("ext4"));
        default(disk, "readOnly", json!(false));
        default(disk, "kind", json!("Shared"));
    }
    if let Some(scale_io) = object_mut(v.get_mut("scaleIO")) {
        default(scale_io, "storageMode", json!("ThinProvisioned"));
        default(scale_io, "fsType", json!("xfs"));
    }
    let claim = object_mut(v.get_mut("ephemeral"))
        .and_then(|e| object_mut(e.get_mut("volumeClaimTemplate")))
        .and_then(|t| object_mut(t.get_mut("spec")));
    if let Some(claim_spec) = claim {
        default(claim_spec, "volumeMode", json!("Filesystem"));
    }
}

/// `SetDefaults_ObjectFieldSelector` of a downward API projection's items.
fn field_ref_defaults(downward: &mut Map<String, Value>) {
    for item in each_object(downward.get_mut("items")) {
        if let Some(field_ref) = object_mut(item.get_mut("fieldRef")) {
            default(field_ref, "apiVersion", json!("v1"));
        }
    }
}

/// The tag of an image reference as `parsers.ParseImageName` returns it: the explicit tag, else `latest`
/// when there is no digest, else `""`; `""` for a reference Docker's parser rejects (empty, upper-case
/// repository, ...).
pub fn image_tag(image: &str) -> &str {
    let (name, digest) = match image.split_once('@') {
        Some((name, digest)) => (name, Some(digest)),
        None => (image, None),
    };
    let last = name.rsplit('/').next().unwrap_or(name);
    let (repository_end, tag) = match last.split_once(':') {
        Some((_, tag)) => (name.len() - tag.len() - 1, Some(tag)),
        None => (name.len(), None),
    };
    let repository = &name[..repository_end];
    // The first path component may be a registry host (with upper case or a port); the rest must not
    // have upper case.
    let path = match repository.split_once('/') {
        Some((host, rest)) if host.contains(['.', ':']) || host == "localhost" => rest,
        _ => repository,
    };
    let valid = !path.is_empty()
        && !path.chars().any(|c| c.is_ascii_uppercase())
        && tag.is_none_or(|t| !t.is_empty())
        && digest.is_none_or(|d| !d.is_empty());
    match (valid, tag, digest) {
        (false, _, _) => "",
        (true, Some(tag), _) => tag,
        (true, None, None) => "latest",
        (true, None, Some(_)) => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_tags_as_kubernetes_parses_them() {
        for (image, tag) in [
            ("nginx", "latest"),
            ("nginx:1.19-alpine", "1.19-alpine"),
            ("nginx:latest", "latest"),
            ("docker.io/library/nginx", "latest"),
            ("localhost:5000/app", "latest"),
            ("localhost:5000/app:v2", "v2"),
            (
                "registry.example.com/team/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                "",
            ),
            (
                "app:v1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                "v1",
            ),
            ("Nginx", ""),
            ("", ""),
        ] {
            assert_eq!(image_tag(image), tag, "{image}");
        }
    }

    #[test]
    fn a_bare_template_gets_the_api_servers_defaults() {
        let mut template = json!({"metadata": {"labels": {"app": "a"}}, "spec": {
            "containers": [{"name": "app", "image": "nginx:1.19-alpine",
                "ports": [{"containerPort": 80}],
                "env": [{"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}],
                "readinessProbe": {"httpGet": {"port": 80}, "periodSeconds": 5},
                "lifecycle": {"preStop": {"httpGet": {"port": 80, "path": "/stop"}}}}],
            "initContainers": [{"name": "init", "image": "busybox"}],
            "volumes": [{"name": "scratch"}, {"name": "s", "secret": {"secretName": "x"}},
                {"name": "p", "projected": {"sources": [{"serviceAccountToken": {"path": "t"}},
                    {"downwardAPI": {"items": [{"path": "l", "fieldRef": {"fieldPath": "metadata.labels"}}]}}]}},
                {"name": "h", "hostPath": {"path": "/tmp"}}]
        }});
        set_pod_template_defaults(&mut template);
        assert_eq!(
            template,
            json!({"metadata": {"labels": {"app": "a"}}, "spec": {
                "containers": [{"name": "app", "image": "nginx:1.19-alpine",
                    "imagePullPolicy": "IfNotPresent", "terminationMessagePath": "/dev/termination-log",
                    "terminationMessagePolicy": "File",
                    "ports": [{"containerPort": 80, "protocol": "TCP"}],
                    "env": [{"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName", "apiVersion": "v1"}}}],
                    "readinessProbe": {"httpGet": {"port": 80, "path": "/", "scheme": "HTTP"}, "periodSeconds": 5,
                        "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3},
                    "lifecycle": {"preStop": {"httpGet": {"port": 80, "path": "/stop", "scheme": "HTTP"}}}}],
                "initContainers": [{"name": "init", "image": "busybox", "imagePullPolicy": "Always",
                    "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"}],
                "volumes": [{"name": "scratch", "emptyDir": {}},
                    {"name": "s", "secret": {"secretName": "x", "defaultMode": 420}},
                    {"name": "p", "projected": {"defaultMode": 420, "sources": [
                        {"serviceAccountToken": {"path": "t", "expirationSeconds": 3600}},
                        {"downwardAPI": {"items": [{"path": "l", "fieldRef": {"fieldPath": "metadata.labels", "apiVersion": "v1"}}]}}]}},
                    {"name": "h", "hostPath": {"path": "/tmp", "type": ""}}],
                "dnsPolicy": "ClusterFirst", "restartPolicy": "Always", "securityContext": {},
                "terminationGracePeriodSeconds": 30, "schedulerName": "default-scheduler"
            }})
        );
    }

    #[test]
    fn set_values_are_kept() {
        let mut template = json!({"spec": {"restartPolicy": "Never", "terminationGracePeriodSeconds": 0,
            "containers": [{"name": "c", "image": "nginx", "imagePullPolicy": "Never",
                "livenessProbe": {"exec": {"command": ["true"]}, "timeoutSeconds": 7}}]}});
        set_pod_template_defaults(&mut template);
        let spec = &template["spec"];
        assert_eq!(spec["restartPolicy"], "Never");
        assert_eq!(
            spec["terminationGracePeriodSeconds"], 0,
            "a pointer set to 0 is kept"
        );
        assert_eq!(spec["containers"][0]["imagePullPolicy"], "Never");
        assert_eq!(spec["containers"][0]["livenessProbe"]["timeoutSeconds"], 7);
        assert_eq!(spec["containers"][0]["livenessProbe"]["periodSeconds"], 10);
    }
}
