//! `rollouts-testkit`: support shared by the tests of every crate (a dev-dependency only).
//!
//! Tests read Argo's reference data (CRDs, examples, golden vectors) from `../shared` beside the checkout at
//! run time; nothing of it is copied into the repository. `ROLLOUTS_SHARED_DIR` overrides the location.

use std::path::{Path, PathBuf};

/// The workspace root (the directory holding the top-level `Cargo.toml`), from the manifest directory of
/// the crate under test (two levels below the root, `crates/<name>`).
pub fn workspace_root() -> PathBuf {
    // Prefer the run-time value (cargo and nextest set it for the package under test): a compiled
    // artifact may be shared between checkouts of the same workspace.
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest_dir
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

/// Polls `f` until it returns `Some`, failing the test after `secs` seconds: how tests wait on a
/// condition instead of sleeping.
///
/// # Panics
/// When the condition is not met in time.
pub async fn wait_for<T, F, Fut>(what: &str, secs: u64, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(secs);
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// Awaits `fut` with a timeout, failing the test if it does not finish.
///
/// # Panics
/// When `fut` takes longer than `secs` seconds.
pub async fn within<T>(what: &str, secs: u64, fut: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(std::time::Duration::from_secs(secs), fut)
        .await
        .unwrap_or_else(|_| panic!("timed out: {what}"))
}
