//! `kubectl argo rollouts version [--short]`: the plugin's version and build information, in Argo's format
//! (`pkg/kubectl-argo-rollouts/cmd/version`, `utils/version`).

use std::io::Write;

/// Build information, as Argo's `utils/version.Version`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub version: String,
    pub build_date: String,
    pub git_commit: String,
    pub git_tag: String,
    pub git_tree_state: String,
    /// Argo prints the Go toolchain under `GoVersion`; we keep the key and print the Rust compiler.
    pub compiler_version: String,
    pub platform: String,
}

impl Version {
    /// The version of this binary, from the metadata recorded by `build.rs`.
    pub fn current() -> Self {
        Self::new(
            env!("CARGO_PKG_VERSION"),
            env!("ROLLOUTS_GIT_COMMIT"),
            env!("ROLLOUTS_GIT_TAG"),
            env!("ROLLOUTS_GIT_TREE_STATE"),
            env!("ROLLOUTS_BUILD_DATE"),
            env!("ROLLOUTS_RUSTC_VERSION"),
        )
    }

    /// Argo's rule: a clean tree on a tagged commit is the tag; otherwise `v<version>+<commit7>[.dirty]`,
    /// or `v<version>+unknown` without a commit.
    pub fn new(pkg: &str, commit: &str, tag: &str, tree_state: &str, date: &str, rustc: &str) -> Self {
        let version = if !commit.is_empty() && !tag.is_empty() && tree_state == "clean" {
            tag.to_string()
        } else if commit.len() >= 7 {
            let dirty = if tree_state == "clean" { "" } else { ".dirty" };
            format!("v{pkg}+{}{dirty}", &commit[..7])
        } else {
            format!("v{pkg}+unknown")
        };
        Self {
            version,
            build_date: date.to_string(),
            git_commit: commit.to_string(),
            git_tag: tag.to_string(),
            git_tree_state: tree_state.to_string(),
            compiler_version: rustc.to_string(),
            platform: platform(std::env::consts::OS, std::env::consts::ARCH),
        }
    }

    /// Writes the version as `kubectl-argo-rollouts version` does.
    pub fn print(&self, out: &mut impl Write, short: bool) -> std::io::Result<()> {
        writeln!(out, "kubectl-argo-rollouts: {}", self.version)?;
        if !short {
            writeln!(out, "  BuildDate: {}", self.build_date)?;
            writeln!(out, "  GitCommit: {}", self.git_commit)?;
            writeln!(out, "  GitTreeState: {}", self.git_tree_state)?;
            writeln!(out, "  GoVersion: {}", self.compiler_version)?;
            writeln!(out, "  Compiler: rustc")?;
            writeln!(out, "  Platform: {}", self.platform)?;
        }
        Ok(())
    }
}

/// `GOOS/GOARCH` naming of the platform.
fn platform(os: &str, arch: &str) -> String {
    let arch = match arch {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "powerpc64" => "ppc64le",
        other => other,
    };
    format!("{os}/{arch}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tagged_clean_build_is_the_tag() {
        let v = Version::new("0.1.0", "0123456789abcdef", "v0.1.0", "clean", "d", "r");
        assert_eq!(v.version, "v0.1.0");
    }

    #[test]
    fn untagged_or_dirty_builds_carry_the_commit() {
        assert_eq!(
            Version::new("0.1.0", "0123456789", "", "clean", "d", "r").version,
            "v0.1.0+0123456"
        );
        assert_eq!(
            Version::new("0.1.0", "0123456789", "v0.1.0", "dirty", "d", "r").version,
            "v0.1.0+0123456.dirty"
        );
        assert_eq!(
            Version::new("0.1.0", "", "", "", "d", "r").version,
            "v0.1.0+unknown"
        );
    }

    #[test]
    fn prints_argo_keys_in_order() {
        let v = Version::new(
            "0.1.0",
            "0123456789",
            "",
            "clean",
            "2026-01-01T00:00:00Z",
            "rustc 1.95.0",
        );
        let mut full = Vec::new();
        v.print(&mut full, false).unwrap();
        let text = String::from_utf8(full).unwrap();
        let keys: Vec<&str> = text
            .lines()
            .map(|l| l.trim().split(':').next().unwrap())
            .collect();
        assert_eq!(
            keys,
            [
                "kubectl-argo-rollouts",
                "BuildDate",
                "GitCommit",
                "GitTreeState",
                "GoVersion",
                "Compiler",
                "Platform"
            ]
        );
        let mut short = Vec::new();
        v.print(&mut short, true).unwrap();
        assert_eq!(
            String::from_utf8(short).unwrap(),
            "kubectl-argo-rollouts: v0.1.0+0123456\n"
        );
        assert_eq!(platform("linux", "x86_64"), "linux/amd64");
    }
}
