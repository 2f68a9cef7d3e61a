//! The [`Sandbox`] handle: starts the API server on loopback, writes a kubeconfig for it, builds a kube
//! `Client` from that kubeconfig, exposes the store, the request log and fault injection, and shuts
//! everything down.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::crds;
use crate::error::ApiError;
use crate::faults::{Faults, RequestLog};
use crate::http::{self, App, ServerConfig};
use crate::promql::{Engine, PromApi, Scraper, SharedTsdb, Tsdb};
use crate::registry::Gvr;
use crate::sim::{SimConfig, SimError, Simulator};
use crate::store::{Store, StoreConfig, WriteOptions};

/// Settings of a sandbox.
#[derive(Clone, Default)]
pub struct SandboxConfig {
    /// TCP port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Store settings.
    pub store: StoreConfig,
    /// HTTP settings (bookmark interval, default watch timeout).
    pub server: ServerConfig,
    /// How often the garbage collector sweeps for dependents whose owners are gone (None: never).
    pub gc_interval: Option<Duration>,
    /// Where to write the kubeconfig; a private temporary directory when None.
    pub kubeconfig_path: Option<PathBuf>,
    /// The simulated cluster (kubelet, controllers, traffic; see [`crate::sim`]). None: a bare API
    /// server. A `time_scale` other than 1 also replaces the store's clock with the scaled one.
    pub simulation: Option<SimConfig>,
    /// How often the built-in Prometheus scrapes the sandbox's own `/metrics` (None: 5 s). Its query API
    /// (`/api/v1/query`, `/api/v1/query_range`) is always served on the API port.
    pub prometheus_scrape_interval: Option<Duration>,
}

/// Why a sandbox could not start.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// Binding or writing failed.
    #[error("sandbox I/O: {0}")]
    Io(#[from] std::io::Error),
    /// The kube client could not be built from the kubeconfig.
    #[error("building the kube client: {0}")]
    Client(String),
    /// A manifest could not be installed.
    #[error("installing {what}: {source}")]
    Install {
        /// What was installed.
        what: String,
        /// The API error.
        source: Box<ApiError>,
    },
    /// The simulated cluster could not start.
    #[error("starting the simulated cluster: {0}")]
    Simulation(#[from] SimError),
    /// A manifest was not valid YAML.
    #[error("parsing {what}: {message}")]
    Parse {
        /// What was parsed.
        what: String,
        /// The parser's message.
        message: String,
    },
}

/// A running sandbox API server.
pub struct Sandbox {
    addr: SocketAddr,
    store: Store,
    faults: Faults,
    log: RequestLog,
    shutdown: CancellationToken,
    server: Option<JoinHandle<()>>,
    kubeconfig: PathBuf,
    _tempdir: Option<tempfile::TempDir>,
    client: kube::Client,
    sim: Option<Simulator>,
    tsdb: SharedTsdb,
}

fn kubeconfig_yaml(base_url: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: sandbox\n  cluster:\n    server: {base_url}\n\
         contexts:\n- name: sandbox\n  context:\n    cluster: sandbox\n    user: sandbox\n    namespace: default\n\
         current-context: sandbox\nusers:\n- name: sandbox\n  user:\n    token: sandbox-token\n"
    )
}

impl Sandbox {
    /// Starts a sandbox: binds 127.0.0.1, serves the API, writes the kubeconfig and builds the client.
    pub async fn start(config: SandboxConfig) -> Result<Sandbox, SandboxError> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port)).await?;
        let addr = listener.local_addr()?;
        let mut store_config = config.store.clone();
        if let Some(sim) = &config.simulation
            && sim.time_scale != 1.0
        {
            store_config.clock = crate::sim::clock::SimClock::new(sim.time_scale).timestamp_clock();
        }
        let store = Store::new(store_config);
        let faults = Faults::default();
        let log = RequestLog::default();
        let shutdown = CancellationToken::new();
        let app = Arc::new(App {
            store: store.clone(),
            faults: faults.clone(),
            log: log.clone(),
            config: config.server.clone(),
            shutdown: shutdown.clone(),
            server_address: addr.to_string(),
        });
        let sim = match &config.simulation {
            Some(c) => Some(Simulator::start(&store, c, shutdown.child_token()).await?),
            None => None,
        };
        let tsdb: SharedTsdb = Arc::new(std::sync::RwLock::new(Tsdb::default()));
        spawn_scraper(
            &tsdb,
            sim.as_ref(),
            config
                .prometheus_scrape_interval
                .unwrap_or(DEFAULT_SCRAPE_INTERVAL),
            shutdown.clone(),
        );
        let router = http::router(app)
            .merge(metrics_router(sim.as_ref()))
            .merge(crate::promql::router(PromApi::new(
                Arc::clone(&tsdb),
                Engine::default(),
            )));
        let stop = shutdown.clone();
        let server = tokio::spawn(async move {
            let serve =
                axum::serve(listener, router).with_graceful_shutdown(async move { stop.cancelled().await });
            if let Err(e) = serve.await {
                tracing::error!(error = %e, "sandbox server failed");
            }
        });
        if let Some(every) = config.gc_interval {
            let gc_store = store.clone();
            let stop = shutdown.clone();
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(every);
                loop {
                    tokio::select! {
                        _ = stop.cancelled() => break,
                        _ = tick.tick() => { gc_store.collect_garbage(); }
                    }
                }
            });
        }
        let base_url = format!("http://{addr}");
        let (kubeconfig, tempdir) = match config.kubeconfig_path {
            Some(p) => (p, None),
            None => {
                let dir = tempfile::tempdir()?;
                (dir.path().join("kubeconfig"), Some(dir))
            }
        };
        std::fs::write(&kubeconfig, kubeconfig_yaml(&base_url))?;
        let client = client_from_kubeconfig(&kubeconfig).await?;
        Ok(Sandbox {
            addr,
            store,
            faults,
            log,
            shutdown,
            server: Some(server),
            kubeconfig,
            _tempdir: tempdir,
            client,
            sim,
            tsdb,
        })
    }

    /// The built-in Prometheus' database (the sandbox's `/metrics`, scraped on an interval).
    pub fn prometheus_tsdb(&self) -> &SharedTsdb {
        &self.tsdb
    }

    /// A kube client for this sandbox (over loopback TCP, built from the kubeconfig).
    pub fn client(&self) -> kube::Client {
        self.client.clone()
    }

    /// The kubeconfig file (`server: http://127.0.0.1:PORT`, context namespace `default`).
    pub fn kubeconfig_path(&self) -> &Path {
        &self.kubeconfig
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The object store (for the simulated cluster and for assertions).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The simulated cluster, when [`SandboxConfig::simulation`] is set.
    pub fn simulator(&self) -> Option<&Simulator> {
        self.sim.as_ref()
    }

    /// The traffic simulator, when enabled.
    pub fn traffic(&self) -> Option<&crate::traffic::Traffic> {
        self.sim.as_ref().and_then(Simulator::traffic)
    }

    /// Request faults (409/429/500 on the next N requests, latency).
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// The request log and counters.
    pub fn requests(&self) -> &RequestLog {
        &self.log
    }

    /// Ends the open watches on `gvr` (all when None) with an in-stream 410 ERROR event and compacts the
    /// history, as after an etcd compaction: clients must re-list. Returns how many watches ended.
    pub fn expire_watches(&self, gvr: Option<&Gvr>) -> usize {
        let n = self.store.end_watches(gvr, true);
        self.store.compact();
        n
    }

    /// Closes the open watch streams on `gvr` (all when None) without an error; clients re-watch from
    /// their last resourceVersion. Returns how many were closed.
    pub fn drop_watches(&self, gvr: Option<&Gvr>) -> usize {
        self.store.end_watches(gvr, false)
    }

    /// Installs every document of a multi-document YAML manifest through the store (any kind the
    /// sandbox serves, CRDs included). Returns the created objects.
    pub fn apply_yaml(&self, what: &str, yaml: &str) -> Result<Vec<Value>, SandboxError> {
        let mut out = Vec::new();
        for doc in serde_yaml_ng::Deserializer::from_str(yaml) {
            let value: Value = serde::Deserialize::deserialize(doc).map_err(|e| SandboxError::Parse {
                what: what.to_string(),
                message: e.to_string(),
            })?;
            if value.is_null() {
                continue;
            }
            let created =
                crds::create_manifest(&self.store, &value, &WriteOptions::default()).map_err(|source| {
                    SandboxError::Install {
                        what: what.to_string(),
                        source: Box::new(source),
                    }
                })?;
            out.push(created);
        }
        Ok(out)
    }

    /// Installs the bundled traffic-provider CRDs (Istio, SMI, Gateway API, Traefik).
    pub fn install_bundled_crds(&self) -> Result<Vec<Value>, SandboxError> {
        let mut out = Vec::new();
        for (name, yaml) in crds::BUNDLED {
            out.extend(self.apply_yaml(name, yaml)?);
        }
        Ok(out)
    }

    /// Stops the server and every watch; waits (briefly) for the server task to end.
    pub async fn shutdown(mut self) {
        self.shutdown.cancel();
        if let Some(server) = self.server.take() {
            let abort = server.abort_handle();
            if tokio::time::timeout(Duration::from_secs(5), server)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// Scrape interval of the built-in Prometheus when none is configured.
const DEFAULT_SCRAPE_INTERVAL: Duration = Duration::from_secs(5);

/// Scrapes the simulated traffic's metrics into `tsdb` every `interval` (wall-clock time, as the
/// query API and Argo's analysis use), until `stop`. Without a traffic simulator there is nothing to
/// scrape and the database stays empty.
fn spawn_scraper(tsdb: &SharedTsdb, sim: Option<&Simulator>, interval: Duration, stop: CancellationToken) {
    let Some(traffic) = sim.and_then(Simulator::traffic).cloned() else {
        return;
    };
    let mut scraper = Scraper::new(
        Arc::clone(tsdb),
        interval,
        Box::new(move || Ok(traffic.render_metrics())),
    );
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            tokio::select! {
                _ = stop.cancelled() => break,
                _ = tick.tick() => {
                    scraper.tick(crate::promql::api::system_now_ms());
                }
            }
        }
    });
}

/// `GET /metrics` on the API port: the simulated traffic's metrics (OpenMetrics text).
fn metrics_router(sim: Option<&Simulator>) -> axum::Router {
    let traffic = sim.and_then(Simulator::traffic).cloned();
    axum::Router::new().route(
        "/metrics",
        axum::routing::get(move || {
            let text = traffic
                .as_ref()
                .map(crate::traffic::Traffic::render_metrics)
                .unwrap_or_else(|| "# EOF\n".into());
            async move {
                (
                    [(
                        axum::http::header::CONTENT_TYPE,
                        crate::traffic::metrics::CONTENT_TYPE,
                    )],
                    text,
                )
            }
        }),
    )
}

/// Builds a kube client from a kubeconfig file.
pub async fn client_from_kubeconfig(path: &Path) -> Result<kube::Client, SandboxError> {
    let kc = kube::config::Kubeconfig::read_from(path).map_err(|e| SandboxError::Client(e.to_string()))?;
    let config = kube::Config::from_custom_kubeconfig(kc, &kube::config::KubeConfigOptions::default())
        .await
        .map_err(|e| SandboxError::Client(e.to_string()))?;
    kube::Client::try_from(config).map_err(|e| SandboxError::Client(e.to_string()))
}
