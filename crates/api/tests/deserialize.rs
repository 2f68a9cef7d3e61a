//! Deserialization of Argo's own manifests into the typed API, field by field.

use rollouts_api::rollout::{CanaryStep, RolloutPause};
use rollouts_api::{
    AnalysisPhase, AnalysisRun, AnalysisTemplate, ClusterAnalysisTemplate, Experiment, PauseReason, Rollout,
    RolloutConditionType, RolloutPhase,
};

fn argo_file(path: &str) -> String {
    let path = rollouts_testkit::argo_dir().join(path);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// The first document of `path` whose kind is `kind`.
fn first_of_kind<T: serde::de::DeserializeOwned>(path: &str, kind: &str) -> T {
    let text = argo_file(path);
    for doc in serde_yaml_ng::Deserializer::from_str(&text) {
        let value = serde_json::Value::deserialize(doc).expect("yaml");
        if value.get("kind").and_then(|k| k.as_str()) == Some(kind) {
            return serde_json::from_value(value).expect("typed");
        }
    }
    panic!("no {kind} in {path}");
}

use serde::Deserialize;

#[test]
fn canary_rollout_with_status_deserializes() {
    let ro: Rollout = first_of_kind("cli-testdata/info/canary/canary-rollout.yaml", "Rollout");
    assert!(ro.is_canary());
    assert!(!ro.is_blue_green());
    let steps = ro.steps();
    assert!(!steps.is_empty());
    assert!(steps.iter().any(|s| s.set_weight.is_some()));
    let status = ro.status.as_ref().expect("status");
    assert!(!status.current_pod_hash.is_empty());
    assert!(
        status.observed_generation().is_some(),
        "observedGeneration is a numeric string"
    );
    let progressing = status
        .condition(&RolloutConditionType::Progressing)
        .expect("Progressing condition");
    assert_eq!(progressing.reason, "ProgressDeadlineExceeded");
    assert_eq!(progressing.status, Some(rollouts_api::ConditionStatus::False));
    assert_eq!(status.hpa_replicas, 6);
}

#[test]
fn blue_green_rollout_deserializes() {
    let ro: Rollout = first_of_kind("cli-testdata/info/blue-green/bluegreen-rollout.yaml", "Rollout");
    let bg = ro.blue_green().expect("blue-green");
    assert!(!bg.active_service.is_empty());
    let status = ro.status.expect("status");
    assert!(!status.blue_green.active_selector.is_empty());
    assert!(
        status.hpa_replicas > 0,
        "HPAReplicas is read from its capitalised key"
    );
    assert!(!status.stable_rs.is_empty(), "stableRS is read");
}

#[test]
fn paused_rollout_has_typed_pause_conditions() {
    let ro: Rollout = first_of_kind("cli-testdata/info/canary/canary-rollout.yaml", "Rollout");
    let status = ro.status.expect("status");
    if let Some(pc) = status.pause_conditions.first() {
        assert_eq!(pc.reason, Some(PauseReason::CanaryPauseStep));
        assert!(pc.start_time.is_some());
        assert_eq!(status.phase, Some(RolloutPhase::Paused));
    } else {
        assert_ne!(status.phase, Some(RolloutPhase::Paused));
    }
}

#[test]
fn analysis_kinds_deserialize() {
    let at: AnalysisTemplate = first_of_kind("examples/analysis-templates.yaml", "AnalysisTemplate");
    assert!(!at.spec.metrics.is_empty());
    assert!(at.spec.metrics.iter().all(|m| !m.name.is_empty()));
    let cat: ClusterAnalysisTemplate = first_of_kind(
        "cli-testdata/create/cluster-analysis-template.yaml",
        "ClusterAnalysisTemplate",
    );
    assert!(
        !cat.spec.metrics.is_empty(),
        "ClusterAnalysisTemplateSpec derefs to AnalysisTemplateSpec"
    );
    let ar: AnalysisRun = first_of_kind(
        "cli-testdata/info/rollout-aborted/analysisrun.yaml",
        "AnalysisRun",
    );
    let status = ar.status.expect("status");
    assert!(status.phase.as_ref().is_some_and(AnalysisPhase::is_completed));
    assert!(!status.metric_results.is_empty());
}

#[test]
fn experiment_deserializes() {
    let exp: Experiment = first_of_kind(
        "cli-testdata/info/experiment-analysis/experiment.yaml",
        "Experiment",
    );
    assert!(!exp.spec.templates.is_empty());
    assert!(exp.spec.templates.iter().all(|t| t.selector.is_some()));
    let status = exp.status.expect("status");
    assert!(!status.template_statuses.is_empty());
}

#[test]
fn step_json_matches_go_marshal() {
    // golden/pod-template-hash.json: steps [{pause:{}},{pause:{}}] marshal to this exact string.
    let case = rollouts_testkit::golden_cases("pod-template-hash.json")
        .into_iter()
        .find(|c| c["go_json_marshal_bytes"] == "[{\"pause\":{}},{\"pause\":{}}]")
        .expect("step hash case");
    let steps = vec![
        CanaryStep {
            pause: Some(RolloutPause::default()),
            ..Default::default()
        },
        CanaryStep {
            pause: Some(RolloutPause::default()),
            ..Default::default()
        },
    ];
    assert_eq!(
        serde_json::to_string(&steps).expect("json"),
        case["go_json_marshal_bytes"]
    );
}

#[test]
fn unknown_enum_values_are_kept_and_missing_fields_default() {
    let ro: Rollout = serde_json::from_value(serde_json::json!({
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Rollout",
        "metadata": {"name": "x"},
        "spec": {},
        "status": {"phase": "Completed", "observedGeneration": "7"}
    }))
    .expect("lenient");
    assert_eq!(ro.desired_replicas(), 1);
    let status = ro.status.expect("status");
    assert_eq!(status.phase, Some(RolloutPhase::Other("Completed".into())));
    assert_eq!(status.observed_generation(), Some(7));
    let back = serde_json::to_value(&status).expect("json");
    assert_eq!(back["phase"], "Completed");
    assert_eq!(
        back["canary"],
        serde_json::json!({}),
        "non-pointer structs are always written, as Go does"
    );
}

/// Replaces the golden files' relative-time placeholders (`"<now - 1m>"`, `"now+10s"`) with a fixed timestamp.
fn fill_time_placeholders(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(s) if s.starts_with("<now") || s.starts_with("now") => {
            *s = "2026-01-01T00:00:00Z".to_owned()
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(fill_time_placeholders),
        serde_json::Value::Object(map) => map.values_mut().for_each(fill_time_placeholders),
        _ => {}
    }
}

#[test]
fn golden_vector_objects_deserialize() {
    let mut counts = std::collections::BTreeMap::new();
    for (file, key) in [
        ("analysis-phase.json", "run"),
        ("bluegreen-replicas.json", "rollout"),
        ("canary-replica-counts.json", "rollout"),
        ("conditions.json", "rollout"),
        ("phase-message.json", "rollout"),
        ("replicaset-misc.json", "rollout"),
        ("surge-unavailable.json", "rollout"),
    ] {
        for case in rollouts_testkit::golden_cases(file) {
            let Some(object) = case.get(key).filter(|o| o.is_object()) else {
                continue;
            };
            let mut object = object.clone();
            fill_time_placeholders(&mut object);
            let name = &case["name"];
            if key == "run" {
                rollouts_api::decode::from_value::<AnalysisRun>(object)
                    .unwrap_or_else(|e| panic!("{file} {name}: AnalysisRun: {e}"));
            } else {
                rollouts_api::decode::from_value::<Rollout>(object)
                    .unwrap_or_else(|e| panic!("{file} {name}: Rollout: {e}"));
            }
            *counts.entry(file).or_insert(0) += 1;
        }
    }
    let total: usize = counts.values().sum();
    println!("{total} golden objects deserialized: {counts:?}");
    assert!(
        total > 150,
        "expected the golden files' 195 rollouts and runs, got {total}"
    );
}

#[test]
fn nulls_decode_to_zero_values_like_go() {
    let ro: Rollout = rollouts_api::decode::from_value(serde_json::json!({
        "kind": "Rollout",
        "metadata": null,
        "spec": {"paused": null, "strategy": {"canary": {"canaryService": null, "steps": null,
            "analysis": {"templates": null, "args": null}}}},
        "status": {"canary": null, "pauseConditions": null, "HPAReplicas": null}
    }))
    .expect("nulls are zero values");
    let canary = ro.canary().expect("canary");
    assert!(canary.steps.is_empty() && canary.canary_service.is_empty() && !ro.spec.paused);
    assert!(canary.analysis.as_ref().is_some_and(|a| a.templates.is_empty()));
    let status = ro.status.expect("status");
    assert_eq!(status.hpa_replicas, 0);
    assert_eq!(status.canary, Default::default());
}
