//! `rollouts-controller`: parses Argo's flags, sets up logging, the kube client, the healthz and metrics
//! servers and the rollout controller, and shuts everything down gracefully on SIGINT/SIGTERM.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use anyhow::Context as _;
use clap::Parser;
use rollouts_controller::args::{Args, controller_namespace};
use rollouts_controller::cache::Scope;
use rollouts_controller::leader::{LeaseConfig, identity};
use rollouts_controller::metrics::Metrics;
use rollouts_controller::{RolloutController, Settings, client, server, telemetry};
use tokio_util::sync::CancellationToken;

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    telemetry::init(&args.loglevel, args.logformat)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the tokio runtime")?;
    runtime.block_on(run(args))
}

async fn run(args: Args) -> anyhow::Result<()> {
    let config = client::load_config(args.kubeconfig.as_deref()).await?;
    let default_namespace = config.default_namespace.clone();
    let metrics = Metrics::new();
    let kube = client::build_client(config, &metrics, client::RateLimiter::new(args.qps, args.burst))?;
    let scope = Scope {
        namespace: args.watch_namespace(&default_namespace),
        instance_id: args.instance_id.clone(),
    };
    let identity = identity();
    let lease = args.leader_elect.then(|| LeaseConfig {
        name: args.lease_name(),
        namespace: controller_namespace(),
        identity: identity.clone(),
        lease_duration: args.leader_election_lease_duration,
        renew_deadline: args.leader_election_renew_deadline,
        retry_period: args.leader_election_retry_period,
    });
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        namespace = scope.namespace.as_deref().unwrap_or(""),
        instance_id = %args.instance_id,
        metrics_port = args.metrics_port,
        healthz_port = args.healthz_port,
        qps = args.qps,
        burst = args.burst,
        "Argo Rollouts controller starting"
    );
    let shutdown = CancellationToken::new();
    let servers = server::start(
        SocketAddr::from((Ipv4Addr::UNSPECIFIED, args.healthz_port)),
        SocketAddr::from((Ipv4Addr::UNSPECIFIED, args.metrics_port)),
        metrics.clone(),
        shutdown.clone(),
    )
    .await?;
    let settings = Settings {
        scope,
        threads: args.rollout_threads.max(1),
        resync: Duration::from_secs(args.rollout_resync.max(1)),
        lease,
        identity,
    };
    let controller =
        RolloutController::new(kube, settings, rollouts_core::planner::plan).with_metrics(metrics);
    let signals = tokio::spawn(signal_shutdown(shutdown.clone()));
    controller.run(shutdown.clone()).await;
    shutdown.cancel();
    servers.wait().await;
    signals.abort();
    tracing::info!("controller stopped");
    Ok(())
}

/// Cancels `shutdown` on the first SIGINT or SIGTERM.
async fn signal_shutdown(shutdown: CancellationToken) {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => tracing::info!("received SIGINT; shutting down"),
        () = terminate => tracing::info!("received SIGTERM; shutting down"),
    }
    shutdown.cancel();
}
