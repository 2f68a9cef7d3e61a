//! The HTTP endpoints: `GET /healthz` → 200 `ok` on the healthz port (`controller/healthz.go`) and
//! `GET /metrics` (OpenMetrics text) on the metrics port. Both stop on the shutdown token.

use std::net::SocketAddr;

use axum::Router;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::routing::get;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::error::{Error, Result};
use crate::metrics::Metrics;

/// Content type of the OpenMetrics text format.
pub const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// The running servers.
pub struct Servers {
    /// Where `/healthz` is served.
    pub healthz: SocketAddr,
    /// Where `/metrics` is served.
    pub metrics: SocketAddr,
    tasks: Vec<JoinHandle<()>>,
}

impl Servers {
    /// Waits for both servers to stop (after the shutdown token fired).
    pub async fn wait(self) {
        for task in self.tasks {
            if let Err(error) = task.await {
                tracing::warn!(%error, "server task");
            }
        }
    }
}

async fn healthz() -> &'static str {
    "ok"
}

async fn metrics_handler(State(metrics): State<Metrics>) -> impl IntoResponse {
    ([(CONTENT_TYPE, OPENMETRICS)], metrics.encode())
}

/// The healthz router.
pub fn healthz_router() -> Router {
    Router::new().route("/healthz", get(healthz))
}

/// The metrics router.
pub fn metrics_router(metrics: Metrics) -> Router {
    Router::new()
        .route("/metrics", get(metrics_handler))
        .with_state(metrics)
}

async fn serve(
    what: &'static str,
    addr: SocketAddr,
    router: Router,
    shutdown: CancellationToken,
) -> Result<(SocketAddr, JoinHandle<()>)> {
    let listener = TcpListener::bind(addr).await.map_err(|source| Error::Io {
        what: format!("binding the {what} server on {addr}"),
        source,
    })?;
    let bound = listener.local_addr().map_err(|source| Error::Io {
        what: format!("{what} server address"),
        source,
    })?;
    tracing::info!(%bound, "Starting {what} server");
    let task = tokio::spawn(async move {
        let serve =
            axum::serve(listener, router).with_graceful_shutdown(async move { shutdown.cancelled().await });
        if let Err(error) = serve.await {
            tracing::error!(%error, "{what} server failed");
        }
    });
    Ok((bound, task))
}

/// Binds and starts both servers (port 0 picks a free port; see the returned addresses).
///
/// # Errors
/// When a port cannot be bound.
pub async fn start(
    healthz: SocketAddr,
    metrics_addr: SocketAddr,
    metrics: Metrics,
    shutdown: CancellationToken,
) -> Result<Servers> {
    let (healthz, h) = serve("healthz", healthz, healthz_router(), shutdown.clone()).await?;
    let (metrics_bound, m) = serve("metrics", metrics_addr, metrics_router(metrics), shutdown).await?;
    Ok(Servers {
        healthz,
        metrics: metrics_bound,
        tasks: vec![h, m],
    })
}
