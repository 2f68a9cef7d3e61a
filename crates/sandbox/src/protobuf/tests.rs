//! Tests of the protobuf decoding: bodies captured from kubectl 1.37.1 (their JSON must equal what
//! `kubectl create ... --dry-run=client -o json` prints for the same command), bodies built with prost the way
//! kubectl builds them, and the refusals.

mod vectors;

use std::collections::BTreeMap;

use k8s_pb::api::apps::v1::{Deployment, DeploymentSpec, DeploymentStrategy, RollingUpdateDeployment};
use k8s_pb::api::core::v1::{
    ConfigMap, Container, EnvVar, Namespace, NamespaceSpec, NamespaceStatus, PodSpec, PodTemplateSpec,
    Secret, Volume,
};
use k8s_pb::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference, Time};
use k8s_pb::apimachinery::pkg::runtime::{TypeMeta, Unknown};
use k8s_pb::apimachinery::pkg::util::intstr::IntOrString;
use pretty_assertions::assert_eq;
use prost::Message;
use serde_json::{Value, json};

use super::{ProtobufError, decode_k8s_protobuf};

fn unhex(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
        .collect()
}

fn decode_hex(hex: &str) -> Value {
    decode_k8s_protobuf(&unhex(hex)).expect("decodes")
}

/// A body as kubectl builds it: the magic, then `runtime.Unknown` wrapping the encoded object.
fn body(api_version: &str, kind: &str, object: &impl Message) -> Vec<u8> {
    let envelope = Unknown {
        type_meta: Some(TypeMeta {
            api_version: Some(api_version.to_owned()),
            kind: Some(kind.to_owned()),
        }),
        raw: Some(object.encode_to_vec()),
        content_encoding: Some(String::new()),
        content_type: Some(String::new()),
    };
    let mut out = b"k8s\0".to_vec();
    out.extend(envelope.encode_to_vec());
    out
}

fn meta(name: &str) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_owned()),
        // Go's encoder writes the empty value fields too.
        generate_name: Some(String::new()),
        namespace: Some(String::new()),
        self_link: Some(String::new()),
        uid: Some(String::new()),
        resource_version: Some(String::new()),
        generation: Some(0),
        creation_timestamp: Some(Time::default()),
        ..ObjectMeta::default()
    }
}

#[test]
fn protobuf_kubectl_create_namespace() {
    assert_eq!(
        decode_hex(vectors::NAMESPACE_X),
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "x"}, "spec": {}, "status": {}})
    );
}

#[test]
fn protobuf_kubectl_create_configmap() {
    assert_eq!(
        decode_hex(vectors::CONFIGMAP_LITERALS),
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm1"}, "data": {"a": "1", "b": "two"}})
    );
    // Non-UTF-8 file content goes to binaryData, base64-encoded.
    assert_eq!(
        decode_hex(vectors::CONFIGMAP_FROM_FILE),
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm2"}, "data": {"k": "v"},
               "binaryData": {"blob": "YmluAP8="}})
    );
    assert_eq!(
        decode_hex(vectors::CONFIGMAP_OTHER_NAMESPACE)["metadata"],
        json!({"name": "cm3", "namespace": "other"})
    );
}

#[test]
fn protobuf_kubectl_create_secret() {
    assert_eq!(
        decode_hex(vectors::SECRET_GENERIC),
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s1"},
               "data": {"pw": "cEBzcw==", "user": "YWRtaW4="}})
    );
    // `kubectl create secret generic s2 ... --dry-run=client -o json`
    let from_kubectl_json = json!({"kind": "Secret", "apiVersion": "v1", "metadata": {"name": "s2"},
        "data": {"password": "cA==", "username": "dQ=="}, "type": "kubernetes.io/basic-auth"});
    assert_eq!(decode_hex(vectors::SECRET_BASIC_AUTH), from_kubectl_json);
}

#[test]
fn protobuf_kubectl_create_deployment_equals_its_json() {
    // `kubectl create deployment web --image=nginx:1.27 --replicas=2 --port=80 --dry-run=client -o json`
    let from_kubectl_json = json!({"kind": "Deployment", "apiVersion": "apps/v1",
        "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27",
                                                       "ports": [{"containerPort": 80}], "resources": {}}]}},
                 "strategy": {}},
        "status": {}});
    assert_eq!(decode_hex(vectors::DEPLOYMENT), from_kubectl_json);
}

#[test]
fn protobuf_kubectl_create_service_and_serviceaccount() {
    // As `--dry-run=client -o json` prints it, but for the status, which the server resets on create anyway.
    assert_eq!(
        decode_hex(vectors::SERVICE_CLUSTERIP),
        json!({"kind": "Service", "apiVersion": "v1", "metadata": {"name": "svc1", "labels": {"app": "svc1"}},
               "spec": {"ports": [{"name": "80-8080", "protocol": "TCP", "port": 80, "targetPort": 8080}],
                        "selector": {"app": "svc1"}, "type": "ClusterIP"},
               "status": {}})
    );
    assert_eq!(
        decode_hex(vectors::SERVICEACCOUNT),
        json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "sa1"}})
    );
}

#[test]
fn protobuf_kubectl_create_job_is_refused_with_a_way_out() {
    let err = decode_k8s_protobuf(&unhex(vectors::JOB)).expect_err("Job is not decoded");
    assert!(
        matches!(&err, ProtobufError::UnsupportedKind { kind, api_version } if kind == "Job" && api_version == "batch/v1")
    );
    let message = err.to_string();
    assert!(
        message.contains("Job (batch/v1) is not supported in protobuf"),
        "{message}"
    );
    assert!(message.contains("kubectl apply -f"), "{message}");
    assert_eq!(err.http_status(), 415);
}

#[test]
fn protobuf_configmap_built_with_prost() {
    let mut m = meta("settings");
    m.namespace = Some("team".to_owned());
    m.labels = BTreeMap::from([("app".to_owned(), "web".to_owned())]);
    m.annotations = BTreeMap::from([("note".to_owned(), "hi".to_owned())]);
    m.finalizers = vec!["example.com/keep".to_owned()];
    m.owner_references = vec![OwnerReference {
        api_version: Some("apps/v1".to_owned()),
        kind: Some("Deployment".to_owned()),
        name: Some("web".to_owned()),
        uid: Some("u-1".to_owned()),
        controller: Some(true),
        block_owner_deletion: None,
    }];
    let cm = ConfigMap {
        metadata: Some(m),
        immutable: Some(false),
        data: BTreeMap::from([("k".to_owned(), "v".to_owned())]),
        binary_data: BTreeMap::from([("b".to_owned(), vec![0, 1, 2])]),
    };
    assert_eq!(
        decode_k8s_protobuf(&body("v1", "ConfigMap", &cm)).expect("decodes"),
        json!({"apiVersion": "v1", "kind": "ConfigMap",
               "metadata": {"name": "settings", "namespace": "team", "labels": {"app": "web"},
                            "annotations": {"note": "hi"}, "finalizers": ["example.com/keep"],
                            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web",
                                                 "uid": "u-1", "controller": true}]},
               "immutable": false, "data": {"k": "v"}, "binaryData": {"b": "AAEC"}})
    );
}

#[test]
fn protobuf_secret_and_namespace_built_with_prost() {
    let mut m = meta("");
    m.generate_name = Some("token-".to_owned());
    let secret = Secret {
        metadata: Some(m),
        immutable: Some(true),
        data: BTreeMap::new(),
        string_data: BTreeMap::from([("token".to_owned(), "abc".to_owned())]),
        r#type: Some("Opaque".to_owned()),
    };
    assert_eq!(
        decode_k8s_protobuf(&body("v1", "Secret", &secret)).expect("decodes"),
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"generateName": "token-"},
               "immutable": true, "stringData": {"token": "abc"}, "type": "Opaque"})
    );
    let ns = Namespace {
        metadata: Some(meta("prod")),
        spec: Some(NamespaceSpec {
            finalizers: vec!["kubernetes".to_owned()],
        }),
        status: Some(NamespaceStatus {
            phase: Some("Terminating".to_owned()),
            conditions: vec![],
        }),
    };
    // The server resets the status on create: only `{}` is kept.
    assert_eq!(
        decode_k8s_protobuf(&body("v1", "Namespace", &ns)).expect("decodes"),
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "prod"},
               "spec": {"finalizers": ["kubernetes"]}, "status": {}})
    );
}

fn deployment(pod: PodSpec) -> Deployment {
    Deployment {
        metadata: Some(meta("web")),
        spec: Some(DeploymentSpec {
            replicas: Some(0),
            template: Some(PodTemplateSpec {
                metadata: Some(meta("")),
                spec: Some(pod),
            }),
            strategy: Some(DeploymentStrategy {
                r#type: Some("RollingUpdate".to_owned()),
                rolling_update: Some(RollingUpdateDeployment {
                    max_unavailable: Some(IntOrString {
                        r#type: Some(0),
                        int_val: Some(0),
                        str_val: None,
                    }),
                    max_surge: Some(IntOrString {
                        r#type: Some(1),
                        int_val: None,
                        str_val: Some("25%".to_owned()),
                    }),
                }),
            }),
            min_ready_seconds: Some(0),
            paused: Some(false),
            ..DeploymentSpec::default()
        }),
        status: None,
    }
}

#[test]
fn protobuf_deployment_built_with_prost() {
    let pod = PodSpec {
        containers: vec![Container {
            name: Some("app".to_owned()),
            image: Some("busybox".to_owned()),
            command: vec!["sleep".to_owned(), "3600".to_owned()],
            env: vec![EnvVar {
                name: Some("A".to_owned()),
                value: Some("1".to_owned()),
                value_from: None,
            }],
            ..Container::default()
        }],
        restart_policy: Some("Always".to_owned()),
        termination_grace_period_seconds: Some(30),
        ..PodSpec::default()
    };
    assert_eq!(
        decode_k8s_protobuf(&body("apps/v1", "Deployment", &deployment(pod))).expect("decodes"),
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
               "spec": {"replicas": 0,
                        "template": {"metadata": {},
                                     "spec": {"containers": [{"name": "app", "image": "busybox",
                                                              "command": ["sleep", "3600"],
                                                              "env": [{"name": "A", "value": "1"}]}],
                                              "restartPolicy": "Always", "terminationGracePeriodSeconds": 30}},
                        "strategy": {"type": "RollingUpdate",
                                     "rollingUpdate": {"maxUnavailable": 0, "maxSurge": "25%"}}}})
    );
}

#[test]
fn protobuf_fields_not_decoded_are_refused_not_lost() {
    let pod = PodSpec {
        containers: vec![Container {
            name: Some("app".to_owned()),
            ..Container::default()
        }],
        volumes: vec![Volume {
            name: Some("data".to_owned()),
            volume_source: None,
        }],
        ..PodSpec::default()
    };
    let err = decode_k8s_protobuf(&body("apps/v1", "Deployment", &deployment(pod))).expect_err("volumes");
    assert!(
        matches!(&err, ProtobufError::UnsupportedFields { kind, path } if kind == "Deployment" && path == "spec.template.spec"),
        "{err:?}"
    );
    assert!(err.to_string().contains("kubectl apply -f"));
    assert_eq!(err.http_status(), 415);
    let mut m = meta("x");
    m.managed_fields = vec![Default::default()];
    let cm = ConfigMap {
        metadata: Some(m),
        ..ConfigMap::default()
    };
    let err = decode_k8s_protobuf(&body("v1", "ConfigMap", &cm)).expect_err("managedFields");
    assert!(
        matches!(&err, ProtobufError::UnsupportedFields { path, .. } if path == "metadata"),
        "{err:?}"
    );
}

#[test]
fn protobuf_malformed_bodies_are_bad_requests() {
    let err = decode_k8s_protobuf(b"{\"kind\":\"Namespace\"}").expect_err("JSON is not protobuf");
    assert!(matches!(err, ProtobufError::MissingMagic));
    assert_eq!(err.http_status(), 400);
    let err = decode_k8s_protobuf(b"k8s\0\xff\xff\xff").expect_err("garbage envelope");
    assert!(matches!(err, ProtobufError::Envelope(_)));
    assert_eq!(err.http_status(), 400);
    let err = decode_k8s_protobuf(b"k8s\0").expect_err("no type meta");
    assert!(matches!(err, ProtobufError::MissingTypeMeta));
    let envelope = Unknown {
        type_meta: Some(TypeMeta {
            api_version: Some("v1".to_owned()),
            kind: Some("ConfigMap".to_owned()),
        }),
        raw: Some(vec![0x0a, 0x05, 0x01]),
        content_encoding: None,
        content_type: None,
    };
    let mut bad_object = b"k8s\0".to_vec();
    bad_object.extend(envelope.encode_to_vec());
    let err = decode_k8s_protobuf(&bad_object).expect_err("truncated object");
    assert!(
        matches!(&err, ProtobufError::Object { kind, .. } if kind == "ConfigMap"),
        "{err:?}"
    );
    assert_eq!(err.http_status(), 400);
}

#[test]
fn protobuf_encoded_raw_is_refused() {
    let envelope = Unknown {
        type_meta: Some(TypeMeta {
            api_version: Some("v1".to_owned()),
            kind: Some("ConfigMap".to_owned()),
        }),
        raw: Some(Vec::new()),
        content_encoding: Some("gzip".to_owned()),
        content_type: None,
    };
    let mut b = b"k8s\0".to_vec();
    b.extend(envelope.encode_to_vec());
    let err = decode_k8s_protobuf(&b).expect_err("gzip");
    assert!(err.to_string().contains("contentEncoding \"gzip\""), "{err}");
    assert_eq!(err.http_status(), 415);
}
