//! Records build metadata for `kubectl argo rollouts version` (Argo prints the same keys).

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn main() {
    let commit = git(&["rev-parse", "HEAD"]).unwrap_or_default();
    let tag = git(&["describe", "--exact-match", "--tags", "HEAD"]).unwrap_or_default();
    let state = match git(&["status", "--porcelain", "--untracked-files=no"]) {
        Some(s) if s.is_empty() => "clean",
        Some(_) => "dirty",
        None => "",
    };
    let date = Command::new("date")
        .args(["-u", "+%Y-%m-%dT%H:%M:%SZ"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string());
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let rustc_version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    println!("cargo:rustc-env=ROLLOUTS_GIT_COMMIT={commit}");
    println!("cargo:rustc-env=ROLLOUTS_GIT_TAG={tag}");
    println!("cargo:rustc-env=ROLLOUTS_GIT_TREE_STATE={state}");
    println!("cargo:rustc-env=ROLLOUTS_BUILD_DATE={date}");
    println!("cargo:rustc-env=ROLLOUTS_RUSTC_VERSION={rustc_version}");
    // Rebuild the metadata when HEAD moves; not on every source edit (that would relink on each test run).
    for path in ["../../.git/HEAD", "../../.git/index"] {
        println!("cargo:rerun-if-changed={path}");
    }
}
