//! Tests of [`super`]: Argo's `TestFindNewReplicaSet` (by hash), `TestPodTemplateEqualIgnoreHashWithServiceAccount`
//! and `TestRemoveInjectedAntiAffinityRule` (`utils/replicaset/replicaset_test.go`), and the template-equality
//! fallback with what the API server and Argo add to a ReplicaSet's template.

use std::sync::Arc;

use k8s_openapi::api::core::v1::Affinity;
use rollouts_api::hash::pod_template_hash_typed;
use serde_json::{Value, json};

use super::*;

fn rollout(strategy: Value) -> Rollout {
    serde_json::from_value(json!({
        "metadata": {"name": "red", "namespace": "default"},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"name": "red"}},
            "template": {"metadata": {"labels": {"name": "red"}},
                "spec": {"containers": [{"name": "red", "image": "red", "imagePullPolicy": "Always",
                    "terminationMessagePath": "/dev/termination-log",
                    "resources": {"limits": {"cpu": "0.5", "memory": "1Gi"}}}]}},
            "strategy": strategy},
        "status": {"stableRS": "stable"}
    }))
    .expect("rollout")
}

/// A ReplicaSet named `red-<hash>`, labelled `hash`, created at second `created`, running `template`.
fn rs(hash: &str, created: u32, template: Value) -> ReplicaSet {
    serde_json::from_value(json!({
        "metadata": {"name": format!("red-{hash}"), "labels": {POD_TEMPLATE_HASH_LABEL: hash},
            "creationTimestamp": format!("2024-01-01T00:00:{created:02}Z")},
        "spec": {"replicas": 1, "selector": {"matchLabels": {POD_TEMPLATE_HASH_LABEL: hash}}, "template": template}
    }))
    .expect("replica set")
}

/// The rollout's template as the API server stores it in a ReplicaSet labelled `hash`.
fn stored_template(hash: &str) -> Value {
    json!({"metadata": {"creationTimestamp": null, "labels": {"name": "red", POD_TEMPLATE_HASH_LABEL: hash}},
        "spec": {"containers": [{"name": "red", "image": "red", "imagePullPolicy": "Always",
            "resources": {"limits": {"cpu": "500m", "memory": "1073741824"}},
            "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"}],
            "dnsPolicy": "ClusterFirst", "restartPolicy": "Always", "schedulerName": "default-scheduler",
            "securityContext": {}, "terminationGracePeriodSeconds": 30}})
}

fn hash_of(ro: &Rollout) -> String {
    pod_template_hash_typed(&ro.spec.template, None).expect("hash")
}

fn found(ro: &Rollout, rss: &[Arc<ReplicaSet>]) -> Option<String> {
    let hash = hash_of(ro);
    find_new_replica_set(ro, rss, &hash).map(|rs| rs.metadata.name.clone().unwrap_or_default())
}

// TestFindNewReplicaSet: "FindNewReplicaSet by hash" (the deprecated-hash subtest is not ported).
#[test]
fn the_replica_set_labelled_with_the_current_hash() {
    let ro = rollout(json!({"canary": {}}));
    let hash = hash_of(&ro);
    let other = Arc::new(rs("older", 0, stored_template("older")));
    let current = Arc::new(rs(&hash, 5, json!({"metadata": {"labels": {"name": "blue"}}})));
    assert_eq!(
        found(&ro, &[other, current]),
        Some(format!("red-{hash}")),
        "the hash label wins over an older ReplicaSet with an equal template"
    );
}

#[test]
fn a_replica_set_with_an_equal_template_after_defaulting_is_found() {
    let ro = rollout(json!({"canary": {}}));
    let differs = rs("aaaa", 0, {
        let mut t = stored_template("aaaa");
        t["spec"]["containers"][0]["image"] = json!("blue");
        t
    });
    let equal_newer = rs("cccc", 9, stored_template("cccc"));
    let equal_older = rs("bbbb", 3, stored_template("bbbb"));
    let rss: Vec<Arc<ReplicaSet>> = [differs.clone(), equal_newer, equal_older]
        .into_iter()
        .map(Arc::new)
        .collect();
    assert_eq!(
        found(&ro, &rss),
        Some("red-bbbb".into()),
        "the oldest equal template"
    );
    assert_eq!(found(&ro, &[Arc::new(differs)]), None);
    assert_eq!(found(&ro, &[] as &[Arc<ReplicaSet>]), None);
}

#[test]
fn quantities_compare_by_value() {
    let ro = rollout(json!({"canary": {}}));
    let mut bigger = stored_template("dddd");
    bigger["spec"]["containers"][0]["resources"]["limits"]["cpu"] = json!("501m");
    assert_eq!(found(&ro, &[Arc::new(rs("dddd", 0, bigger))]), None);
    let mut same = stored_template("eeee");
    same["spec"]["containers"][0]["resources"]["limits"]["memory"] = json!("1Gi");
    assert_eq!(
        found(&ro, &[Arc::new(rs("eeee", 0, same))]),
        Some("red-eeee".into())
    );
}

#[test]
fn injected_ephemeral_metadata_and_anti_affinity_are_ignored() {
    let ro = rollout(
        json!({"canary": {"antiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": {"weight": 5}}}}),
    );
    let mut template = stored_template("ffff");
    template["metadata"]["labels"]["role"] = json!("canary");
    template["spec"]["affinity"] = json!({"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": 5, "podAffinityTerm": {"topologyKey": "kubernetes.io/hostname", "namespaces": ["default"],
            "labelSelector": {"matchExpressions": [{"key": POD_TEMPLATE_HASH_LABEL, "operator": "In", "values": ["stable"]}]}}}]}});
    let mut with_metadata = rs("ffff", 0, template.clone());
    with_metadata.metadata.annotations = Some(
        [(
            rollouts_api::keys::EPHEMERAL_METADATA_ANNOTATION.to_owned(),
            r#"{"labels":{"role":"canary"}}"#.to_owned(),
        )]
        .into(),
    );
    assert_eq!(found(&ro, &[Arc::new(with_metadata)]), Some("red-ffff".into()));
    // A label the ReplicaSet does not record as injected is part of its template.
    assert_eq!(found(&ro, &[Arc::new(rs("ffff", 0, template))]), None);
}

// TestPodTemplateEqualIgnoreHashWithServiceAccount
#[test]
fn the_deprecated_service_account_is_ignored() {
    let desired: PodTemplateSpec = serde_json::from_value(json!({
        "metadata": {"labels": {"app": "serviceaccount-ro"}},
        "spec": {"containers": [{"image": "nginx:1.19-alpine", "name": "app"}], "serviceAccountName": "default"}
    }))
    .expect("desired");
    let live: PodTemplateSpec = serde_json::from_value(json!({
        "metadata": {"creationTimestamp": null, "labels": {"app": "serviceaccount-ro", POD_TEMPLATE_HASH_LABEL: "8684587d99"}},
        "spec": {"containers": [{"image": "nginx:1.19-alpine", "imagePullPolicy": "IfNotPresent", "name": "app",
            "resources": {}, "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"}],
            "dnsPolicy": "ClusterFirst", "restartPolicy": "Always", "schedulerName": "default-scheduler",
            "securityContext": {}, "serviceAccount": "default", "serviceAccountName": "default",
            "terminationGracePeriodSeconds": 30}
    }))
    .expect("live");
    assert!(pod_template_equal_ignore_hash(&live, &desired));
    let mut other = live.clone();
    if let Some(spec) = other.spec.as_mut() {
        spec.service_account_name = Some("builder".into());
    }
    assert!(!pod_template_equal_ignore_hash(&other, &desired));
}

fn affinity(value: Value) -> Affinity {
    serde_json::from_value(value).expect("affinity")
}

fn injected_required() -> Value {
    json!({"labelSelector": {"matchExpressions": [{"key": POD_TEMPLATE_HASH_LABEL, "operator": "In", "values": ["test"]}]},
        "topologyKey": "kubernetes.io/hostname"})
}

// TestRemoveInjectedAntiAffinityRule
#[test]
fn the_injected_anti_affinity_rule_is_removed_and_the_rest_kept() {
    let ro = rollout(
        json!({"blueGreen": {"activeService": "a", "antiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {}}}}),
    );
    let only_injected = affinity(
        json!({"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [injected_required()]}}),
    );
    assert_eq!(
        remove_injected_anti_affinity_rule(Some(&only_injected), &ro),
        None
    );

    let user_term = json!({"labelSelector": {"matchExpressions": [{"key": "xxxx", "operator": "Exists"}]}, "topologyKey": "k"});
    let with_pod_affinity = affinity(json!({
        "podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [user_term]},
        "podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [injected_required()]}}));
    let left = remove_injected_anti_affinity_rule(Some(&with_pod_affinity), &ro).expect("kept");
    assert!(left.pod_anti_affinity.is_none() && left.pod_affinity.is_some());

    let with_preferred = affinity(json!({"podAntiAffinity": {
        "preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 1, "podAffinityTerm": user_term}],
        "requiredDuringSchedulingIgnoredDuringExecution": [injected_required()]}}));
    let left = remove_injected_anti_affinity_rule(Some(&with_preferred), &ro).expect("kept");
    let anti = left.pod_anti_affinity.expect("anti-affinity kept");
    assert!(anti.required_during_scheduling_ignored_during_execution.is_none());
    assert!(
        anti.preferred_during_scheduling_ignored_during_execution
            .is_some()
    );

    let without_strategy = rollout(json!({"canary": {}}));
    assert_eq!(
        remove_injected_anti_affinity_rule(Some(&only_injected), &without_strategy),
        Some(only_injected),
        "without an anti-affinity strategy nothing was injected"
    );
}
