//! `kubectl argo rollouts sandbox`: runs the embedded sandbox cluster in the foreground.
//!
//! The sandbox is a small Kubernetes-compatible API server with simulated pods, Services, traffic and a
//! built-in Prometheus (`rollouts-sandbox`). This command starts it with the project's CRDs installed (as
//! `kubectl apply -f manifests/crds/` would on a real cluster) and the bundled traffic-provider CRDs, runs
//! the rollout controller inside (unless `--no-controller`), prints where to reach it, and shuts down
//! cleanly on SIGINT or SIGTERM.

use std::io::Write;
use std::path::PathBuf;

use std::time::Duration;

use anyhow::Context;
use clap::Args;
use rollouts_controller::cache::Scope;
use rollouts_controller::{RolloutController, Settings};
use rollouts_sandbox::{Sandbox, SandboxConfig, SimConfig, TrafficConfig};
use tokio_util::sync::CancellationToken;

/// Flags of `sandbox`.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Where to write the kubeconfig of the sandbox (the global `--kubeconfig` flag; default: a temporary
    /// file, removed on exit)
    #[arg(skip)]
    pub kubeconfig: Option<PathBuf>,
    /// Port of the API server on 127.0.0.1 (0 picks a free port)
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Port of the traffic entrypoint on 127.0.0.1 (0 picks a free port)
    #[arg(long, default_value_t = 0)]
    pub traffic_port: u16,
    /// Do not run the rollout controller inside the sandbox (run your own against its kubeconfig)
    #[arg(long)]
    pub no_controller: bool,
}

/// Starts the sandbox, prints its addresses, and runs until SIGINT/SIGTERM.
pub fn run(args: &SandboxArgs) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(serve(args))
}

async fn serve(args: &SandboxArgs) -> anyhow::Result<()> {
    let config = SandboxConfig {
        port: args.port,
        simulation: Some(SimConfig {
            traffic: Some(TrafficConfig {
                port: args.traffic_port,
                ..TrafficConfig::default()
            }),
            ..SimConfig::default()
        }),
        ..SandboxConfig::default()
    };
    let sb = Sandbox::start(config).await.context("starting the sandbox")?;
    install_crds(&sb)?;
    // The kubeconfig appears only once the CRDs are served, so that a script waiting for the file can
    // apply Rollouts at once.
    let kubeconfig = match &args.kubeconfig {
        Some(path) => {
            publish_kubeconfig(sb.kubeconfig_path(), path)?;
            path.clone()
        }
        None => sb.kubeconfig_path().to_path_buf(),
    };
    let stop = CancellationToken::new();
    let controller = (!args.no_controller).then(|| {
        let settings = Settings {
            scope: Scope::default(),
            threads: 4,
            resync: Duration::from_secs(900),
            lease: None,
            identity: "sandbox".into(),
        };
        let controller = RolloutController::new(sb.client(), settings, rollouts_core::planner::plan);
        tokio::spawn(controller.run(stop.clone()))
    });
    let mut out = std::io::stdout().lock();
    print_ready(&sb, &kubeconfig, controller.is_some(), &mut out)?;
    drop(out);
    wait_for_signal().await?;
    eprintln!("shutting down the sandbox");
    stop.cancel();
    if let Some(task) = controller
        && tokio::time::timeout(Duration::from_secs(10), task).await.is_err()
    {
        eprintln!("the controller did not stop within 10s");
    }
    sb.shutdown().await;
    Ok(())
}

/// Installs the project's CRDs (generated from the API types) and the bundled traffic-provider CRDs.
fn install_crds(sb: &Sandbox) -> anyhow::Result<()> {
    for (name, yaml) in rollouts_api::crd::crd_files().context("rendering the CRDs")? {
        sb.apply_yaml(name, &yaml)
            .with_context(|| format!("installing {name}"))?;
    }
    sb.install_bundled_crds().context("installing the bundled CRDs")?;
    Ok(())
}

/// Copies the sandbox's kubeconfig to `to` atomically (a temporary file beside it, then a rename).
fn publish_kubeconfig(from: &std::path::Path, to: &std::path::Path) -> anyhow::Result<()> {
    let tmp = to.with_extension("tmp-sandbox");
    std::fs::copy(from, &tmp).with_context(|| format!("writing the kubeconfig {}", tmp.display()))?;
    std::fs::rename(&tmp, to).with_context(|| format!("writing the kubeconfig {}", to.display()))?;
    Ok(())
}

fn print_ready(
    sb: &Sandbox,
    kubeconfig: &std::path::Path,
    controller: bool,
    out: &mut impl Write,
) -> std::io::Result<()> {
    let kubeconfig = kubeconfig.display();
    writeln!(out, "Sandbox cluster is ready.")?;
    writeln!(out, "  API server:          {}", sb.base_url())?;
    if controller {
        writeln!(
            out,
            "  Rollout controller:  running inside (--no-controller to leave it out)"
        )?;
    } else {
        writeln!(out, "  Rollout controller:  not running (--no-controller)")?;
    }
    writeln!(out, "  Kubeconfig:          {kubeconfig}")?;
    if let Some(traffic) = sb.traffic() {
        writeln!(
            out,
            "  Traffic entrypoint:  {}  (curl -H 'Host: <service or ingress host>' ...)",
            traffic.base_url()
        )?;
    }
    writeln!(out, "  Prometheus API:      {}/api/v1/query", sb.base_url())?;
    writeln!(out, "  Metrics:             {}/metrics", sb.base_url())?;
    writeln!(out)?;
    writeln!(out, "Try:  export KUBECONFIG={kubeconfig}")?;
    writeln!(
        out,
        "      kubectl apply -f examples/canary.yaml && kubectl get rollouts"
    )?;
    writeln!(out, "Stop with Ctrl-C.")?;
    out.flush()
}

/// Waits for SIGINT (Ctrl-C) or, on Unix, SIGTERM.
async fn wait_for_signal() -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).context("listening for SIGTERM")?;
        tokio::select! {
            r = tokio::signal::ctrl_c() => r.context("listening for SIGINT")?,
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c().await.context("listening for Ctrl-C")?;
    Ok(())
}
