//! Tests of the pod-template validation: messages and paths as the Kubernetes API server reports them.

use serde_json::{Value, json};

use super::selector::label_selector_as_selector;
use super::*;

fn template(value: Value) -> PodTemplateSpec {
    serde_json::from_value(value).expect("test template")
}

fn errors(value: Value) -> Vec<String> {
    let selector: k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector =
        serde_json::from_value(json!({"matchLabels": {"app": "a"}})).expect("selector");
    let selector = label_selector_as_selector(Some(&selector)).expect("valid selector");
    validate_pod_template_spec_for_replica_set(
        &template(value),
        &selector,
        &FieldPath::new(&["spec", "template"]),
    )
    .iter()
    .map(ToString::to_string)
    .collect()
}

fn pod(containers: Value) -> Value {
    json!({"metadata": {"labels": {"app": "a"}}, "spec": {"containers": containers}})
}

#[test]
fn empty_template_needs_a_container() {
    let errs = validate_pod_template_spec(
        &PodTemplateSpec::default(),
        &FieldPath::new(&["spec", "template"]),
    );
    assert_eq!(
        errs[0].to_string(),
        "spec.template.spec.containers: Required value"
    );
}

#[test]
fn valid_template_passes() {
    let t = pod(json!([{"name": "app", "image": "nginx:1",
        "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
        "env": [{"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}],
        "readinessProbe": {"httpGet": {"path": "/ping", "port": 8080}, "periodSeconds": 5},
        "resources": {"requests": {"cpu": "5m", "memory": "16Mi"}, "limits": {"cpu": "1"}},
        "volumeMounts": [{"name": "data", "mountPath": "/data"}]}]));
    let mut t = t;
    t["spec"]["volumes"] = json!([{"name": "data", "emptyDir": {}}, {"name": "defaulted"}]);
    assert_eq!(errors(t), Vec::<String>::new());
}

#[test]
fn selector_must_match_template_labels() {
    let t =
        json!({"metadata": {"labels": {"app": "b"}}, "spec": {"containers": [{"name": "c", "image": "i"}]}});
    assert_eq!(
        errors(t),
        vec![
            "spec.template.metadata.labels: Invalid value: {\"app\":\"b\"}: `selector` does not match template `labels`"
        ]
    );
}

#[test]
fn container_names_images_and_duplicates() {
    let errs = errors(pod(
        json!([{"name": "Bad_Name", "image": "i"}, {"name": "", "image": ""}, {"name": "x", "image": "i"}, {"name": "x", "image": "i"}]),
    ));
    assert_eq!(
        errs,
        vec![
            "spec.template.spec.containers[0].name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
            "spec.template.spec.containers[1].name: Required value",
            "spec.template.spec.containers[1].image: Required value",
            "spec.template.spec.containers[3].name: Duplicate value: \"x\"",
        ]
    );
}

#[test]
fn ports_protocols_and_host_ports() {
    let errs = errors(pod(json!([{"name": "c", "image": "i", "ports": [
        {"name": "HTTP", "containerPort": 70000},
        {"containerPort": 0, "protocol": "HTTP"},
        {"containerPort": 80, "hostPort": 80},
        {"containerPort": 81, "hostPort": 80}]}])));
    assert_eq!(
        errs,
        vec![
            "spec.template.spec.containers[0].ports[0].name: Invalid value: \"HTTP\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
            "spec.template.spec.containers[0].ports[0].name: Invalid value: \"HTTP\": must contain at least one letter (a-z)",
            "spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
            "spec.template.spec.containers[0].ports[1].containerPort: Required value",
            "spec.template.spec.containers[0].ports[1].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
            "spec.template.spec.containers[0].ports[3].hostPort: Duplicate value: \"TCP//80\"",
        ]
    );
}

#[test]
fn restart_policy_and_deadline_of_a_replica_set() {
    let mut t = pod(json!([{"name": "c", "image": "i"}]));
    t["spec"]["restartPolicy"] = json!("Never");
    t["spec"]["activeDeadlineSeconds"] = json!(10);
    assert_eq!(
        errors(t),
        vec![
            "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"",
            "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported",
        ]
    );
}

#[test]
fn volumes_and_mounts() {
    let mut t = pod(json!([{"name": "c", "image": "i", "volumeMounts": [
        {"name": "missing", "mountPath": "/a"},
        {"name": "v", "mountPath": "/a", "subPath": "../x"},
        {"name": "v", "mountPath": "/b", "mountPropagation": "Bidirectional"}]}]));
    t["spec"]["volumes"] = json!([{"name": "v", "emptyDir": {}}, {"name": "v", "configMap": {"name": "cm"}},
                                  {"name": "two", "emptyDir": {}, "secret": {"secretName": "s"}}]);
    assert_eq!(
        errors(t),
        vec![
            "spec.template.spec.volumes[1].name: Duplicate value: \"v\"",
            "spec.template.spec.volumes[2].secret: Forbidden: may not specify more than 1 volume type",
            "spec.template.spec.containers[0].volumeMounts[0].name: Not found: \"missing\"",
            "spec.template.spec.containers[0].volumeMounts[1].mountPath: Invalid value: \"/a\": must be unique",
            "spec.template.spec.containers[0].volumeMounts.subPath: Invalid value: \"../x\": must not contain '..'",
            "spec.template.spec.containers[0].volumeMounts.mountPropagation: Forbidden: Bidirectional mount propagation is available only to privileged containers",
        ]
    );
}

#[test]
fn probes_and_pull_policy() {
    let errs = errors(pod(
        json!([{"name": "c", "image": "i", "imagePullPolicy": "Sometimes",
        "livenessProbe": {"successThreshold": 2, "tcpSocket": {"port": 0}},
        "readinessProbe": {},
        "startupProbe": {"exec": {}, "initialDelaySeconds": -1}}]),
    ));
    assert_eq!(
        errs,
        vec![
            "spec.template.spec.containers[0].imagePullPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"IfNotPresent\", \"Never\"",
            "spec.template.spec.containers[0].livenessProbe.tcpSocket.port: Invalid value: 0: must be between 1 and 65535, inclusive",
            "spec.template.spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1",
            "spec.template.spec.containers[0].readinessProbe: Required value: must specify a handler type",
            "spec.template.spec.containers[0].startupProbe.exec.command: Required value",
            "spec.template.spec.containers[0].startupProbe.initialDelaySeconds: Invalid value: -1: must be greater than or equal to 0",
        ]
    );
}

#[test]
fn labels_annotations_and_pod_fields() {
    let t = json!({"metadata": {"labels": {"app": "a", "bad key": "x"}, "annotations": {"UPPER/ok": "1"}},
        "spec": {"containers": [{"name": "c", "image": "i"}], "dnsPolicy": "Sometimes", "hostname": "Host",
                 "tolerations": [{"operator": "Equal", "value": "v"}]}});
    assert_eq!(
        errors(t),
        vec![
            "spec.template.labels: Invalid value: \"bad key\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
            "spec.template.spec.dnsPolicy: Unsupported value: \"Sometimes\": supported values: \"ClusterFirstWithHostNet\", \"ClusterFirst\", \"Default\", \"None\"",
            "spec.template.spec.hostname: Invalid value: \"Host\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
            "spec.template.spec.tolerations[0].operator: Invalid value: \"Equal\": operator must be Exists when `key` is empty, which means \"match all values and all keys\"",
        ]
    );
}

#[test]
fn init_containers_share_names_with_containers() {
    let mut t = pod(json!([{"name": "c", "image": "i"}]));
    t["spec"]["initContainers"] =
        json!([{"name": "c", "image": "i", "readinessProbe": {"exec": {"command": ["true"]}}}]);
    assert_eq!(
        errors(t),
        vec![
            "spec.template.spec.initContainers[0].name: Duplicate value: \"c\"",
            "spec.template.spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always",
        ]
    );
}

#[test]
fn volume_sources_checked_in_kubernetes_order() {
    let mut t = pod(json!([{"name": "c", "image": "i"}]));
    t["spec"]["volumes"] = json!([
        {"name": "h", "hostPath": {"path": "/x", "type": "Pipe"}},
        {"name": "s", "secret": {}},
        {"name": "g", "gitRepo": {"repository": "r"}, "secret": {}}
    ]);
    assert_eq!(
        errors(t),
        vec![
            "spec.template.spec.volumes[0].hostPath.type: Unsupported value: \"Pipe\": supported values: \"\", \"BlockDevice\", \"CharDevice\", \"Directory\", \"DirectoryOrCreate\", \"File\", \"FileOrCreate\", \"Socket\"",
            "spec.template.spec.volumes[1].secret.secretName: Required value",
            "spec.template.spec.volumes[2].secret: Forbidden: may not specify more than 1 volume type",
        ]
    );
}
