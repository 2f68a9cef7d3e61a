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
    #[command(flatten)]
    kube: cmd::kube_opts::KubeFlags,
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
    /// Run the embedded sandbox cluster in the foreground
    #[command(
        long_about = "Run the embedded sandbox cluster (a Kubernetes-compatible API server with simulated pods, \
                      traffic and Prometheus) with the Rollout CRDs installed, until interrupted."
    )]
    Sandbox(cmd::sandbox::SandboxArgs),
    /// Pause a rollout
    #[command(long_about = "Set the rollout paused state to 'true'")]
    Pause {
        /// Names of the rollouts
        #[arg(required = true, value_name = "ROLLOUT_NAME")]
        names: Vec<String>,
    },
    /// Abort a rollout
    #[command(long_about = ABORT_USAGE)]
    Abort {
        /// Names of the rollouts
        #[arg(required = true, value_name = "ROLLOUT_NAME")]
        names: Vec<String>,
    },
    /// Retry a rollout or experiment
    #[command(
        long_about = "This command consists of multiple subcommands which can be used to restart an aborted rollout or a failed experiment."
    )]
    Retry {
        #[command(subcommand)]
        what: RetryCommand,
    },
    /// Promote a rollout
    #[command(long_about = PROMOTE_USAGE)]
    Promote(cmd::actions::PromoteArgs),
    /// Restart the pods of a rollout
    Restart(cmd::actions::RestartArgs),
    /// Update various values on resources
    #[command(
        long_about = "This command consists of multiple subcommands which can be used to update rollout resources."
    )]
    Set {
        #[command(subcommand)]
        what: SetCommand,
    },
    /// Undo a rollout
    #[command(long_about = "Rollback to the previous rollout.")]
    Undo(cmd::undo::UndoArgs),
    /// Get details about rollouts and experiments
    #[command(
        long_about = "This command consists of multiple subcommands which can be used to get extended information about a rollout or experiment."
    )]
    Get {
        #[command(subcommand)]
        what: GetCommand,
    },
}

#[derive(Debug, Subcommand)]
enum GetCommand {
    /// Get details about a rollout
    #[command(
        visible_aliases = ["ro", "rollouts"],
        long_about = "Get details about and visual representation of a rollout. \
                      Shows the summary header (status, strategy, step, weights, images, replicas) and the \
                      rollout's ReplicaSets (revision, hash, replicas, stable/canary/active/preview). \
                      Argo's full tree view (pods, AnalysisRuns, Experiments) and --watch are not implemented yet."
    )]
    Rollout(cmd::get::GetRolloutArgs),
}

#[derive(Debug, Subcommand)]
enum SetCommand {
    /// Update the image of a rollout
    Image(cmd::set_image::SetImageArgs),
}

#[derive(Debug, Subcommand)]
enum RetryCommand {
    /// Retry an aborted rollout
    #[command(visible_aliases = ["ro", "rollouts"])]
    Rollout {
        /// Names of the rollouts
        #[arg(required = true, value_name = "ROLLOUT_NAME")]
        names: Vec<String>,
    },
    /// Retry an experiment
    #[command(visible_aliases = ["exp", "experiments"], long_about = "Retry a failed experiment.")]
    Experiment {
        /// Names of the experiments
        #[arg(required = true, value_name = "EXPERIMENT_NAME")]
        names: Vec<String>,
    },
}

const ABORT_USAGE: &str = "This command stops progressing the current rollout and reverts all steps. The previous ReplicaSet will be active.
Note the 'spec.template' still represents the new rollout version. If the Rollout leaves the aborted state, it will try to go to the new version. 
Updating the 'spec.template' back to the previous version will fully revert the rollout.";

const PROMOTE_USAGE: &str = "Promote a rollout

Promotes a rollout paused at a canary step, or a paused blue-green pre-promotion.
To skip analysis, pauses and steps entirely, use '--full' to fully promote the rollout";

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("Error: {}", error_message(&err));
            ExitCode::FAILURE
        }
    }
}

/// The error line as Argo prints it: for an API error the server's message (`rollouts.argoproj.io "x" not
/// found`), otherwise the error with its causes.
fn error_message(err: &anyhow::Error) -> String {
    match err.downcast_ref::<kube::Error>() {
        Some(kube::Error::Api(status)) if !status.message.is_empty() => status.message.clone(),
        _ => format!("{err:#}"),
    }
}

/// Runs a command that talks to the cluster: resolves the kubeconfig flags, then runs `f` on a runtime.
fn with_cluster<F, Fut>(kube: &cmd::kube_opts::KubeFlags, f: F) -> anyhow::Result<ExitCode>
where
    F: FnOnce(cmd::kube_opts::Invocation) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let inv = kube.resolve().await?;
        f(inv).await
    })?;
    Ok(ExitCode::SUCCESS)
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let kube = cli.kube;
    let mut out = std::io::stdout();
    match cli.command {
        Command::Version { short } => {
            cmd::version::Version::current().print(&mut std::io::stdout().lock(), short)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Lint(args) => Ok(cmd::lint::run(&args)),
        Command::Sandbox(mut args) => {
            args.kubeconfig = kube.kubeconfig.clone();
            cmd::sandbox::run(&args)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Pause { names } => with_cluster(&kube, |inv| async move {
            cmd::actions::pause(&inv, &names, &mut out).await
        }),
        Command::Abort { names } => with_cluster(&kube, |inv| async move {
            cmd::actions::abort(&inv, &names, &mut out).await
        }),
        Command::Retry {
            what: RetryCommand::Rollout { names },
        } => with_cluster(&kube, |inv| async move {
            cmd::actions::retry(&inv, &names, &mut out).await
        }),
        Command::Retry {
            what: RetryCommand::Experiment { names },
        } => with_cluster(&kube, |inv| async move {
            cmd::actions::retry_experiment(&inv, &names, &mut out).await
        }),
        Command::Promote(args) => with_cluster(&kube, |inv| async move {
            cmd::actions::promote(&inv, &args, &mut out).await
        }),
        Command::Restart(args) => with_cluster(&kube, |inv| async move {
            cmd::actions::restart(&inv, &args, &mut out).await
        }),
        Command::Set {
            what: SetCommand::Image(args),
        } => with_cluster(&kube, |inv| async move {
            cmd::set_image::run(&inv, &args, &mut out).await
        }),
        Command::Get {
            what: GetCommand::Rollout(args),
        } => with_cluster(
            &kube,
            |inv| async move { cmd::get::run(&inv, &args, &mut out).await },
        ),
        Command::Undo(args) => {
            with_cluster(
                &kube,
                |inv| async move { cmd::undo::run(&inv, &args, &mut out).await },
            )
        }
    }
}
