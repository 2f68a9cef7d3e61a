//! `kubectl-argo-rollouts lint` run as a process on every case of Argo's `lint_test.go` (golden
//! `lint-expected.json`, fixtures in `cli-testdata/lint/`), plus unreadable and malformed files and a
//! missing `-f`: exit code, stdout and stderr are compared exactly.

use std::process::{Command, Output};

use rollouts_testkit::{argo_dir, golden_cases};

fn lint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kubectl-argo-rollouts"))
        .arg("lint")
        .args(args)
        .output()
        .expect("run kubectl-argo-rollouts")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn every_golden_lint_case() {
    let cases = golden_cases("lint-expected.json");
    assert!(
        cases.len() >= 23,
        "expected every fixture of cli-testdata/lint, got {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap_or("?");
        let fixture = argo_dir().join(case["fixture_file"].as_str().expect("fixture_file"));
        let out = lint(&["-f", fixture.to_str().expect("utf-8 path")]);
        let expected = &case["expected"];
        let want_error = expected["error"].as_bool().expect("expected.error");
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        let mut problems = Vec::new();
        if out.status.success() == want_error {
            problems.push(format!(
                "exit status {:?}, expected error={want_error}",
                out.status.code()
            ));
        }
        if Some(stdout.as_str()) != expected["stdout"].as_str() {
            problems.push(format!("stdout {stdout:?}"));
        }
        let want_stderr = expected["stderr"].as_str().unwrap_or("");
        if stderr != want_stderr {
            problems.push(format!("stderr {stderr:?}, expected {want_stderr:?}"));
        }
        if !problems.is_empty() {
            failures.push(format!("{name}: {}", problems.join("; ")));
        }
    }
    println!(
        "lint golden cases: {} of {} passed",
        cases.len() - failures.len(),
        cases.len()
    );
    assert!(failures.is_empty(), "failing cases:\n{}", failures.join("\n"));
}

#[test]
fn unreadable_files_are_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("missing.yaml");
    let missing = missing.to_str().expect("utf-8 path");
    let out = lint(&["-f", missing]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "");
    assert_eq!(
        text(&out.stderr),
        format!("Error: open {missing}: no such file or directory\n")
    );

    let directory = dir.path().to_str().expect("utf-8 path");
    let out = lint(&["-f", directory]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        format!("Error: read {directory}: is a directory\n")
    );
}

#[test]
fn malformed_documents_name_file_and_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, content, line) in [
        (
            "bad.yaml",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: [a\n",
            "line 5",
        ),
        (
            "bad.json",
            "{\"apiVersion\": \"v1\",\n \"kind\": \"Service\"]\n",
            "line 2",
        ),
        (
            "bad-second.yaml",
            "kind: Service\napiVersion: v1\n---\nkind: : x\n",
            "line 4",
        ),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, content).expect("write fixture");
        let path = path.to_str().expect("utf-8 path");
        let out = lint(&["-f", path]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        assert_eq!(text(&out.stdout), "", "{name}");
        assert!(
            stderr.starts_with(&format!("Error: {path}: ")),
            "{name}: {stderr}"
        );
        assert!(stderr.contains(line), "{name}: {stderr}");
        assert!(
            stderr.ends_with('\n') && stderr.lines().count() == 1,
            "{name}: {stderr}"
        );
    }
}

#[test]
fn missing_filename_prints_usage() {
    let out = lint(&[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "");
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("Usage:\n  kubectl-argo-rollouts lint [flags]\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains("  -f, --filename string   File to lint\n"),
        "{stderr}"
    );
    assert!(!stderr.contains("Error:"), "{stderr}");
}

#[test]
fn unknown_fields_of_services_and_empty_documents() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("svc.yaml");
    std::fs::write(
        &path,
        "---\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  selectr:\n    app: x\n",
    )
    .expect("write fixture");
    let out = lint(&["-f", path.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "Error: error unmarshaling JSON: while decoding JSON: json: unknown field \"selectr\"\n"
    );
    let path = dir.path().join("nokind.yaml");
    std::fs::write(&path, "apiVersion: v1\nmetadata:\n  name: s\n").expect("write fixture");
    let out = lint(&["-f", path.to_str().expect("utf-8 path")]);
    assert_eq!(
        text(&out.stderr),
        "Error: error unmarshaling JSON: while decoding JSON: Object 'Kind' is missing in '{\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"s\"}}'\n"
    );
}

#[test]
fn unparsable_quantities_fail_decoding_like_go() {
    let fixture = argo_dir().join("e2e/expectedfailures/malformed-rollout.yaml");
    let out = lint(&["-f", fixture.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "");
    assert_eq!(
        text(&out.stderr),
        "Error: error unmarshaling JSON: while decoding JSON: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'\n"
    );
}
