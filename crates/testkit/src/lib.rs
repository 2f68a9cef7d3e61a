//! `rollouts-testkit`: support shared by the tests of every crate (a dev-dependency only).
//!
//! Tests read Argo's reference data (CRDs, examples, golden vectors) from `../shared` beside the checkout at
//! run time; nothing of it is copied into the repository. `ROLLOUTS_SHARED_DIR` overrides the location.

use std::path::{Path, PathBuf};

/// The workspace root (the directory holding the top-level `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The `shared/` directory: `$ROLLOUTS_SHARED_DIR`, else `../shared` beside the workspace root.
///
/// # Panics
/// When the directory does not exist: a test that needs reference data must fail loudly, never skip.
pub fn shared_dir() -> PathBuf {
    let dir = std::env::var_os("ROLLOUTS_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("..").join("shared"));
    assert!(
        dir.join("reference").is_dir(),
        "reference data not found at {} (set ROLLOUTS_SHARED_DIR)",
        dir.display()
    );
    dir
}

/// `shared/reference/argo-rollouts/`, Argo's data files.
pub fn argo_dir() -> PathBuf {
    shared_dir().join("reference").join("argo-rollouts")
}

/// Reads and parses one golden vector file, `shared/reference/argo-rollouts/golden/<name>`.
///
/// # Panics
/// When the file is missing or is not JSON.
pub fn golden(name: &str) -> serde_json::Value {
    let path = argo_dir().join("golden").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()))
}

/// The cases of a golden file (its `cases` array).
pub fn golden_cases(name: &str) -> Vec<serde_json::Value> {
    match golden(name).get("cases") {
        Some(serde_json::Value::Array(cases)) => cases.clone(),
        _ => panic!("golden file {name} has no cases array"),
    }
}

/// Every file under `dir` (recursively) whose name ends with one of `exts`, sorted.
pub fn files_with_ext(dir: &Path, exts: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if exts.iter().any(|e| path.to_string_lossy().ends_with(e)) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}
