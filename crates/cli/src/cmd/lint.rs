//! `kubectl argo rollouts lint -f FILE` (`pkg/kubectl-argo-rollouts/cmd/lint`): validates every Rollout of a
//! YAML (possibly multi-document) or JSON manifest against its spec rules and the Services, Ingresses and
//! VirtualServices of the same file.
//!
//! Output, as Argo's tests assert it: a valid file prints nothing and exits 0; otherwise stdout stays empty,
//! stderr is `Error: <first error>` and the exit code is 1. Without `-f` the usage is printed to stderr.

mod documents;
mod manifest;

use std::io::Write;
use std::process::ExitCode;

use rollouts_api::validation::{FieldError, validate_rollout, validate_rollout_referenced_resources};

/// Arguments of `lint`.
#[derive(Debug, clap::Args)]
#[command(
    about = "Lint and validate a Rollout",
    long_about = "This command lints and validates a new Rollout resource from a file.",
    after_help = "Examples:\n  # Lint a rollout\n  kubectl argo rollouts lint -f my-rollout.yaml"
)]
pub struct LintArgs {
    /// File to lint
    #[arg(short = 'f', long = "filename", value_name = "string")]
    pub filename: Option<String>,
}

/// Argo's usage text for `lint` (cobra's template), without kubectl's global flags.
pub const USAGE: &str = "Usage:
  kubectl-argo-rollouts lint [flags]

Examples:
\t# Lint a rollout
\tkubectl argo rollouts lint -f my-rollout.yaml

Flags:
  -f, --filename string   File to lint
  -h, --help              help for lint
";

/// Runs `lint` and returns the process exit code.
pub fn run(args: &LintArgs) -> ExitCode {
    let Some(file) = &args.filename else {
        // Like Argo's UsageErr: the usage on stderr, no `Error:` line.
        let _ = std::io::stderr().lock().write_all(USAGE.as_bytes());
        return ExitCode::FAILURE;
    };
    match lint_file(file) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            let _ = writeln!(std::io::stderr().lock(), "Error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Lints one file: `Ok` when it is valid, else the message printed after `Error: `.
pub fn lint_file(file: &str) -> Result<(), String> {
    let documents = documents::read_documents(file).map_err(|e| e.to_string())?;
    let errors = lint_documents(&documents)?;
    match errors.into_iter().next() {
        Some(first) => Err(first.to_string()),
        None => Ok(()),
    }
}

/// Every validation error of the documents' rollouts, in Argo's order (`Err` for a decoding error).
pub fn lint_documents(documents: &[serde_json::Value]) -> Result<Vec<FieldError>, String> {
    let manifest = manifest::collect(documents)?;
    let mut errors = Vec::new();
    for (rollout, references) in manifest::match_references(manifest) {
        errors.extend(validate_rollout(&rollout));
        errors.extend(validate_rollout_referenced_resources(&rollout, &references));
    }
    Ok(errors)
}
