//! Round trip of every Argo document of the five kinds in the reference data (examples, e2e manifests,
//! CLI test data): YAML -> typed object -> JSON must give back the same JSON, dropping no field, modulo
//! the normalisations listed in docs/compatibility.md ("## Round-trip normalisation").

use std::collections::BTreeMap;
use std::path::Path;

use rollouts_api::{AnalysisRun, AnalysisTemplate, ClusterAnalysisTemplate, Experiment, Rollout, is_go_zero};
use serde::Deserialize;
use serde_json::Value;

/// Files that are not valid YAML (Go/Helm templates or broken indentation), with the reason. The test
/// asserts that they fail to parse, so that the list stays true.
const NOT_YAML: &[(&str, &str)] = &[
    (
        "e2e/expectedfailures/analysis-run-failfast.yaml",
        "mis-indented second metric: invalid YAML on purpose",
    ),
    (
        "examples/helm-blue-green/templates/rollout.yaml",
        "Helm template ({{ }} placeholders)",
    ),
    (
        "examples/helm-blue-green/templates/services.yaml",
        "Helm template ({{ }} placeholders)",
    ),
    (
        "examples/traffic-management/rollout-linkerd.yaml",
        "unquoted {{args.x}} placeholder in a YAML mapping",
    ),
];

/// Documents that are malformed on purpose but still valid for our types, with the reason and what is
/// checked: they must deserialize and round-trip like any other, and still hold the malformed value.
const MALFORMED_BUT_TYPED: &[(&str, &str, &str)] = &[
    (
        "e2e/expectedfailures/malformed-rollout.yaml",
        "invalid resource quantity; rejected by validation (InvalidSpec), not by decoding, since Quantity is a string",
        "/spec/template/spec/containers/0/resources/requests/memory",
    ),
    (
        "e2e/expectedfailures/malformed-rollout-ephemeral.yaml",
        "invalid quantity and duplicated container name; rejected by validation",
        "/spec/template/spec/containers/0/resources/requests/memory",
    ),
    (
        "e2e/expectedfailures/malformed-experiment.yaml",
        "invalid resource quantity in a template; rejected by validation",
        "/spec/templates/0/template/spec/containers/0/resources/requests/memory",
    ),
    (
        "e2e/expectedfailures/malformed-analysisrun.yaml",
        "invalid resource quantity in a job metric; rejected by validation",
        "/spec/metrics/0/provider/job/spec/template/spec/containers/0/resources/requests/memory",
    ),
    (
        "e2e/expectedfailures/malformed-analysistemplate.yaml",
        "invalid resource quantity in a job metric; rejected by validation",
        "/spec/metrics/0/provider/job/spec/template/spec/containers/0/resources/requests/memory",
    ),
    (
        "e2e/expectedfailures/malformed-clusteranalysistemplate.yaml",
        "invalid resource quantity in a job metric; rejected by validation",
        "/spec/metrics/0/provider/job/spec/template/spec/containers/0/resources/requests/memory",
    ),
];

/// Documents with fields our types (and Go's) do not know: the round trip must drop exactly these.
const UNKNOWN_FIELDS: &[(&str, &[&str])] = &[(
    "cli-testdata/lint/invalid-unknown-field.yml",
    &["spec.strategy.unknown-strategy"],
)];

const KINDS: [&str; 5] = [
    "Rollout",
    "AnalysisTemplate",
    "ClusterAnalysisTemplate",
    "AnalysisRun",
    "Experiment",
];

/// Deserializes into the kind's type and serializes back.
fn round_trip(kind: &str, doc: &Value) -> Result<Value, serde_json::Error> {
    fn via<T: serde::de::DeserializeOwned + serde::Serialize>(
        doc: &Value,
    ) -> Result<Value, serde_json::Error> {
        serde_json::to_value(rollouts_api::decode::from_value::<T>(doc.clone())?)
    }
    match kind {
        "Rollout" => via::<Rollout>(doc),
        "AnalysisTemplate" => via::<AnalysisTemplate>(doc),
        "ClusterAnalysisTemplate" => via::<ClusterAnalysisTemplate>(doc),
        "AnalysisRun" => via::<AnalysisRun>(doc),
        "Experiment" => via::<Experiment>(doc),
        other => panic!("not one of the five kinds: {other}"),
    }
}

/// Normalisations seen: category -> (count, last keys of the paths where seen).
type Norms = BTreeMap<&'static str, (usize, std::collections::BTreeSet<String>)>;

fn note(norms: &mut Norms, category: &'static str, path: &str) {
    let entry = norms.entry(category).or_default();
    entry.0 += 1;
    entry.1.insert(path.rsplit('.').next().unwrap_or(path).to_owned());
}

/// Compares the original document with its round trip. Returns the hard differences; records the
/// normalisations (allowed differences) by category.
fn compare(path: &str, original: &Value, back: &Value, norms: &mut Norms, hard: &mut Vec<String>) {
    match (original, back) {
        (Value::Object(o), Value::Object(b)) => {
            for (key, value) in o {
                let child = format!("{path}.{key}");
                match b.get(key) {
                    Some(back_value) => compare(&child, value, back_value, norms, hard),
                    None if is_go_zero(value) => note(norms, "zero value dropped (omitempty)", &child),
                    None => hard.push(format!("{child}: dropped {value}")),
                }
            }
            for (key, value) in b.iter().filter(|(k, _)| !o.contains_key(*k)) {
                if is_go_zero(value) {
                    note(
                        norms,
                        "zero value written (no omitempty in Go)",
                        &format!("{path}.{key}"),
                    );
                } else {
                    hard.push(format!("{path}.{key}: added {value}"));
                }
            }
        }
        (Value::Array(o), Value::Array(b)) if o.len() == b.len() => {
            for (i, (value, back_value)) in o.iter().zip(b).enumerate() {
                compare(&format!("{path}[{i}]"), value, back_value, norms, hard);
            }
        }
        (o, b) if o == b => {}
        (Value::Number(n), Value::String(s)) if n.to_string() == *s => {
            note(norms, "number written as string (resource.Quantity)", path);
        }
        (Value::Null, b) if is_go_zero(b) => note(norms, "null written as zero value", path),
        (o, b) => hard.push(format!("{path}: {o} became {b}")),
    }
}

fn relative(path: &Path) -> String {
    path.strip_prefix(rollouts_testkit::argo_dir())
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

#[test]
fn every_argo_document_round_trips() {
    let root = rollouts_testkit::argo_dir();
    let mut files = Vec::new();
    for dir in ["examples", "e2e", "cli-testdata"] {
        files.extend(rollouts_testkit::files_with_ext(
            &root.join(dir),
            &[".yaml", ".yml", ".json"],
        ));
    }
    assert!(
        files.len() > 200,
        "expected Argo's 200+ data files, found {}",
        files.len()
    );

    let mut checked: BTreeMap<&str, usize> = KINDS.iter().map(|k| (*k, 0)).collect();
    let mut norms = Norms::new();
    let mut failures = Vec::new();
    let mut seen_not_yaml = Vec::new();
    let mut seen_malformed: Vec<String> = Vec::new();
    let mut seen_unknown = Vec::new();
    for file in &files {
        let name = relative(file);
        let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{name}: {e}"));
        let docs: Result<Vec<Value>, _> = serde_yaml_ng::Deserializer::from_str(&text)
            .map(Value::deserialize)
            .collect();
        let not_yaml = NOT_YAML.iter().find(|(f, _)| *f == name);
        let docs = match (docs, not_yaml) {
            (Err(_), Some(_)) => {
                seen_not_yaml.push(name);
                continue;
            }
            (Ok(_), Some((_, reason))) => panic!("{name} is listed as not YAML ({reason}) but parses"),
            (Err(e), None) => panic!("{name}: not YAML: {e}"),
            (Ok(docs), None) => docs,
        };
        for doc in docs {
            let kind = doc["kind"].as_str().unwrap_or_default();
            if !doc["apiVersion"]
                .as_str()
                .unwrap_or_default()
                .starts_with("argoproj.io/")
                || !KINDS.contains(&kind)
            {
                continue;
            }
            let back = match round_trip(kind, &doc) {
                Ok(back) => back,
                Err(e) => {
                    failures.push(format!("{name} ({kind}): does not deserialize: {e}"));
                    continue;
                }
            };
            *checked.get_mut(kind).expect("known kind") += 1;
            let dropped = rollouts_api::unknown_fields(&doc, &back);
            let expected: &[&str] = UNKNOWN_FIELDS
                .iter()
                .find(|(f, _)| *f == name)
                .map_or(&[], |(_, d)| d);
            if !expected.is_empty() {
                assert_eq!(dropped, expected, "{name}: unknown fields");
                assert_eq!(
                    rollouts_api::go_unknown_field_error(&dropped[0]),
                    "error unmarshaling JSON: while decoding JSON: json: unknown field \"unknown-strategy\""
                );
                seen_unknown.push(name.clone());
                continue;
            }
            if let Some((_, _, pointer)) = MALFORMED_BUT_TYPED.iter().find(|(f, _, _)| *f == name) {
                assert_eq!(
                    back.pointer(pointer),
                    Some(&Value::from("invalid")),
                    "{name}: malformed value kept"
                );
                seen_malformed.push(name.clone());
            }
            let mut hard = Vec::new();
            compare("", &doc, &back, &mut norms, &mut hard);
            failures.extend(hard.into_iter().map(|h| format!("{name} ({kind}): {h}")));
        }
    }
    for (kind, count) in &checked {
        println!("{kind}: {count} documents round-tripped");
    }
    for (norm, (count, keys)) in &norms {
        println!("normalisation: {norm}: {count} times, at keys {keys:?}");
    }
    assert!(
        failures.is_empty(),
        "round-trip differences:\n{}",
        failures.join("\n")
    );
    for (kind, count) in &checked {
        assert!(*count > 0, "no {kind} document was checked");
    }
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    let listed_not_yaml = sorted(NOT_YAML.iter().map(|(f, _)| f.to_string()).collect());
    assert_eq!(
        sorted(seen_not_yaml),
        listed_not_yaml,
        "every file listed as not YAML exists and fails to parse"
    );
    let listed_malformed = sorted(
        MALFORMED_BUT_TYPED
            .iter()
            .map(|(f, _, _)| f.to_string())
            .collect(),
    );
    assert_eq!(
        sorted(seen_malformed),
        listed_malformed,
        "every malformed document was checked"
    );
    let listed_unknown = sorted(UNKNOWN_FIELDS.iter().map(|(f, _)| f.to_string()).collect());
    assert_eq!(
        sorted(seen_unknown),
        listed_unknown,
        "every unknown-field document was checked"
    );
}
