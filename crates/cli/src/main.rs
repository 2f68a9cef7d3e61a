//! `kubectl-argo-rollouts`: the kubectl plugin binary (`kubectl argo rollouts ...`).
//!
//! Parsing (clap) is kept apart from doing: each subcommand is a module under `cmd/`.

mod cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Manage argo rollouts
#[derive(Debug, Parser)]
#[command(
    name = "kubectl-argo-rollouts",
    bin_name = "kubectl argo rollouts",
    about = "Manage argo rollouts",
    long_about = "This command consists of multiple subcommands which can be used to manage Argo Rollouts.",
    disable_version_flag = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print version
    #[command(long_about = "Show the version and build information of the Argo Rollouts plugin.")]
    Version {
        /// print just the version number
        #[arg(long)]
        short: bool,
    },
    Lint(cmd::lint::LintArgs),
}

fn main() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Command::Version { short } => {
            cmd::version::Version::current().print(&mut std::io::stdout().lock(), short)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Lint(args) => Ok(cmd::lint::run(&args)),
    }
}
