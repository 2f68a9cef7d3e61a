//! The pod-template hash against Argo's own data: the golden vectors transcribed from Argo's Go tests
//! (`golden/pod-template-hash.json`), hashes that Argo's e2e tests assert for ReplicaSets the real Go
//! controller created on a real cluster, and every Rollout template in Argo's examples and test manifests.

use rollouts_api::hash::{fnv_safe_encode, go_json_pod_template, pod_template_hash, step_hash};
use serde_json::Value;

/// The YAML documents of `path` as JSON values, up to the first that does not parse (Helm templates do
/// not; after an error the document iterator would not end).
fn yaml_docs(path: &std::path::Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_yaml_ng::Deserializer::from_str(&text)
        .map_while(|doc| serde::Deserialize::deserialize(doc).ok())
        .collect()
}

fn collision_count(case: &Value) -> Option<i32> {
    case["collision_count"]
        .as_i64()
        .map(|c| i32::try_from(c).expect("collision count fits int32"))
}

/// The hash a golden case expects: asserted by Go (`expected`) or derived by the transcriber.
fn expected_hash(case: &Value) -> &str {
    case["expected"]["hash"]
        .as_str()
        .or_else(|| case["derived_not_asserted_by_go"]["hash"].as_str())
        .expect("case has an expected or derived hash")
}

#[test]
fn golden_pod_template_hash_cases() {
    let cases = rollouts_testkit::golden_cases("pod-template-hash.json");
    assert_eq!(cases.len(), 7, "golden file has the 7 documented cases");
    let mut template_cases = 0;
    let mut step_cases = 0;
    for case in &cases {
        let name = case["name"].as_str().expect("case name");
        match case["function"].as_str() {
            Some("ComputePodTemplateHash") => {
                template_cases += 1;
                let template = &case["template"];
                let bytes = go_json_pod_template(template).unwrap_or_else(|e| panic!("{name}: {e}"));
                let want_bytes = case["go_json_marshal_bytes"].as_str().expect("go bytes");
                assert_eq!(
                    String::from_utf8_lossy(&bytes),
                    want_bytes,
                    "{name}: Go JSON bytes"
                );

                let cc = collision_count(case);
                let hash = pod_template_hash(template, cc).unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(hash, expected_hash(case), "{name}: hash");
                if let Some(sum) = case["derived_not_asserted_by_go"]["fnv32a_sum_decimal"].as_str() {
                    // The hash is the decimal FNV sum through SafeEncodeString ('0'->'4', ..., '9'->'f').
                    let encoded: String = sum
                        .bytes()
                        .map(|d| b"456789bcdf"[usize::from(d - b'0')] as char)
                        .collect();
                    assert_eq!(hash, encoded, "{name}: hash is SafeEncodeString(sum)");
                }
                if let Some(hex) = case["hashed_bytes_suffix_hex"].as_str() {
                    let mut extended = bytes.clone();
                    for i in (0..hex.len()).step_by(2) {
                        extended.push(u8::from_str_radix(&hex[i..i + 2], 16).expect("hex suffix"));
                    }
                    assert_eq!(
                        fnv_safe_encode(&extended, None),
                        hash,
                        "{name}: collision count bytes"
                    );
                }
                match case["go_test"].as_str() {
                    // Go asserts equality with an identical template, and inequality with collisionCount nil.
                    Some("TestHashUtils") if cc.is_none() => {
                        let again = pod_template_hash(&template.clone(), None).expect("hash");
                        assert_eq!(again, hash, "{name}: same template, same hash");
                    }
                    Some("TestHashUtils") => {
                        let without = pod_template_hash(template, None).expect("hash");
                        assert_ne!(without, hash, "{name}: collision count changes the hash");
                    }
                    _ => {}
                }
            }
            Some("ComputeStepHash") => {
                step_cases += 1;
                let want = case["expected"]["hash"].as_str().expect("step hash");
                match case["go_json_marshal_bytes"].as_str() {
                    Some(bytes) => assert_eq!(step_hash(bytes.as_bytes()), want, "{name}"),
                    // Blue-green: Argo returns "" without hashing; step_hash of any bytes is never empty,
                    // so callers must make that choice themselves.
                    None => {
                        assert_eq!(want, "", "{name}");
                        assert!(!step_hash(b"null").is_empty());
                    }
                }
            }
            other => panic!("{name}: unexpected function {other:?}"),
        }
    }
    assert_eq!((template_cases, step_cases), (3, 4));
}

/// Argo's e2e tests (test/e2e/canary_test.go, TestCanaryScaleDownOnAbort,
/// TestCanaryScaleDownOnAbortNoTrafficRouting and TestCanaryDynamicStableScale) assert that the canary
/// Service selects the stable ReplicaSet by these `rollouts-pod-template-hash` values: hashes the Go
/// controller (k8s.io/api v0.34.5) computed for these manifests' templates on a real cluster.
#[test]
fn hashes_asserted_by_argo_e2e_tests() {
    let cases = [
        ("functional/canary-scaledownonabort.yaml", "674d8cf959"),
        (
            "functional/canary-scaledownonabortnotrafficrouting.yaml",
            "674d8cf959",
        ),
        ("functional/canary-dynamic-stable-scale.yaml", "6b56c8cdb4"),
    ];
    for (file, want) in cases {
        let path = rollouts_testkit::argo_dir().join("e2e").join(file);
        let rollouts: Vec<Value> = yaml_docs(&path)
            .into_iter()
            .filter(|d| d["kind"] == "Rollout")
            .collect();
        assert_eq!(rollouts.len(), 1, "{file} holds one Rollout");
        let template = &rollouts[0]["spec"]["template"];
        assert_eq!(pod_template_hash(template, None).expect("hash"), want, "{file}");
    }
}

/// Every Rollout template in Argo's examples, e2e manifests and CLI fixtures decodes the way Go decodes it,
/// and Go's remarshal is idempotent: marshalling the marshalled JSON again gives the same bytes.
#[test]
fn every_reference_rollout_template_encodes_stably() {
    let argo = rollouts_testkit::argo_dir();
    let mut checked = 0;
    for dir in ["examples", "e2e", "cli-testdata"] {
        for path in rollouts_testkit::files_with_ext(&argo.join(dir), &[".yaml", ".yml"]) {
            for doc in yaml_docs(&path) {
                if doc["kind"] != "Rollout" || doc["spec"]["template"].is_null() {
                    continue;
                }
                let template = &doc["spec"]["template"];
                let file = path
                    .file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if path.parent().is_some_and(|p| p.ends_with("expectedfailures"))
                    && file.starts_with("malformed-")
                {
                    // Deliberately malformed: Go's decoder rejects `memory: invalid` too.
                    let err = go_json_pod_template(template).expect_err("malformed quantity");
                    assert!(
                        err.to_string()
                            .contains("`spec.containers[0].resources.requests[memory]`: \"invalid\"")
                    );
                    continue;
                }
                let bytes =
                    go_json_pod_template(template).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                let reparsed: Value = serde_json::from_slice(&bytes).expect("Go JSON is JSON");
                let again = go_json_pod_template(&reparsed).expect("re-encodes");
                assert_eq!(
                    String::from_utf8_lossy(&again),
                    String::from_utf8_lossy(&bytes),
                    "{}",
                    path.display()
                );
                checked += 1;
            }
        }
    }
    assert!(
        checked >= 80,
        "expected to check most reference Rollouts, checked {checked}"
    );
}

/// The CLI fixtures (cli-testdata/info, recorded in 2019) carry `rollouts-pod-template-hash` labels computed
/// by Argo v0.x with Kubernetes' spew-based `controller.ComputeHash`; Argo switched to the JSON + FNV hash in
/// 2022 (commit e79296a46, "using our own pod template hashing", #1809). Their templates therefore do NOT
/// hash to their `status.currentPodHash` with today's algorithm; Argo finds such ReplicaSets through its
/// legacy-hash and deep-equal fallbacks instead. This test pins that fact so that nobody "fixes" the hash
/// to match them.
#[test]
fn legacy_cli_fixtures_predate_the_json_hash() {
    let dir = rollouts_testkit::argo_dir().join("cli-testdata").join("info");
    let mut rollouts = 0;
    for path in rollouts_testkit::files_with_ext(&dir, &[".yaml"]) {
        for doc in yaml_docs(&path) {
            let Some(current) = doc["status"]["currentPodHash"]
                .as_str()
                .filter(|_| doc["kind"] == "Rollout")
            else {
                continue;
            };
            let cc = doc["status"]["collisionCount"]
                .as_i64()
                .and_then(|c| i32::try_from(c).ok());
            let ours = pod_template_hash(&doc["spec"]["template"], cc).expect("hash");
            assert_ne!(
                ours,
                current,
                "{}: unexpectedly matches a pre-2022 hash",
                path.display()
            );
            rollouts += 1;
        }
    }
    assert!(
        rollouts >= 9,
        "expected the CLI fixture rollouts, found {rollouts}"
    );
}
