//! The simulated cluster: controllers and a kubelet running as tokio tasks inside the sandbox, writing
//! through the same [`Store`] as the API (so every change is a real watch event that kube-rs and
//! kubectl see), driven by store watches plus timers on the sandbox clock ([`clock::SimClock`]).
//!
//! | part | module | what it does |
//! |---|---|---|
//! | scheduler + kubelet | [`kubelet`], [`podstatus`] | nodes, podIPs, Pending -> Running -> Ready, failure modes, graceful deletion |
//! | ReplicaSet controller | [`replicaset`] | pods from the template, Kubernetes' scale-down order, replica counts with `minReadySeconds` |
//! | Deployment controller | [`deployment`] | hashed ReplicaSets, RollingUpdate/Recreate, status and conditions |
//! | Endpoints controller | [`endpoints`] | Endpoints from ready/not-ready pods |
//! | Job controller | [`job`] | one pod at a time, `Complete`/`Failed` |
//! | traffic | [`crate::traffic`] | routed synthetic requests, the entrypoint, metrics |
//!
//! Pod behaviour comes from `sandbox.rollouts.dev/*` annotations and the `rollouts-demo` image tag
//! ([`behaviour`]). ClusterIPs are allocated by the store on Service creation; garbage collection
//! (ownerReferences) and pod eviction (`pods/eviction`) are served by the API server itself.
//!
//! Enable it with [`crate::SandboxConfig::simulation`]; [`Simulator::pause`] stops every controller and
//! the load (events and timers queue up) until [`Simulator::resume`].

pub mod behaviour;
pub mod clock;
pub mod deployment;
pub mod endpoints;
mod job;
pub mod kubelet;
pub mod podstatus;
pub mod replicaset;
mod runner;
pub mod util;

use std::time::Duration;

use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use crate::error::ApiError;
use crate::registry::Gvr;
use crate::store::{Store, WriteOptions};
use crate::traffic::{Traffic, TrafficConfig};
use behaviour::PodDefaults;
use clock::SimClock;
use runner::Shared;

/// Which simulated controllers run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Controllers {
    /// Scheduler and kubelet.
    pub kubelet: bool,
    /// ReplicaSet controller.
    pub replicasets: bool,
    /// Deployment controller.
    pub deployments: bool,
    /// Endpoints controller.
    pub endpoints: bool,
    /// Job controller.
    pub jobs: bool,
}

impl Default for Controllers {
    fn default() -> Self {
        Controllers {
            kubelet: true,
            replicasets: true,
            deployments: true,
            endpoints: true,
            jobs: true,
        }
    }
}

/// Settings of the simulated cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct SimConfig {
    /// How much faster than real time the sandbox clock runs (store timestamps and every simulated
    /// delay); 1 is real time.
    pub time_scale: f64,
    /// Pod lifecycle and response defaults.
    pub pods: PodDefaults,
    /// How long a gracefully deleted pod stays terminating before the kubelet removes it (sandbox time;
    /// only with [`crate::StoreConfig::graceful_pod_deletion`]).
    pub termination_delay: Duration,
    /// Nodes registered at start (Node objects named so, Ready).
    pub nodes: Vec<String>,
    /// Which controllers run.
    pub controllers: Controllers,
    /// The traffic simulator (None: off).
    pub traffic: Option<TrafficConfig>,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            time_scale: 1.0,
            pods: PodDefaults::default(),
            termination_delay: Duration::ZERO,
            nodes: vec!["sandbox-node-1".into(), "sandbox-node-2".into()],
            controllers: Controllers::default(),
            traffic: Some(TrafficConfig::default()),
        }
    }
}

/// Why the simulated cluster could not start.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// A Node could not be registered.
    #[error("registering node {node}: {source}")]
    Node {
        /// The node.
        node: String,
        /// The API error.
        source: ApiError,
    },
    /// The traffic entrypoint could not bind.
    #[error("starting the traffic entrypoint: {0}")]
    Traffic(#[from] std::io::Error),
}

/// A running simulated cluster.
pub struct Simulator {
    clock: SimClock,
    pause: watch::Sender<bool>,
    traffic: Option<Traffic>,
    cancel: CancellationToken,
}

impl Simulator {
    /// Registers the nodes and starts the enabled controllers and the traffic simulator. Everything
    /// stops when `cancel` is cancelled (or the simulator is dropped).
    pub async fn start(
        store: &Store,
        config: &SimConfig,
        cancel: CancellationToken,
    ) -> Result<Simulator, SimError> {
        let clock = SimClock::new(config.time_scale);
        let (pause, paused) = watch::channel(false);
        let c = config.controllers;
        if c.kubelet {
            for (i, node) in config.nodes.iter().enumerate() {
                let obj = kubelet::node_object(node, i);
                match store.create(&Gvr::core("nodes"), None, obj, &WriteOptions::default()) {
                    Ok(_) => {}
                    Err(e) if e.code == 409 => {}
                    Err(source) => {
                        return Err(SimError::Node {
                            node: node.clone(),
                            source,
                        });
                    }
                }
            }
        }
        let shared = Shared {
            store: store.clone(),
            clock,
            cancel: cancel.clone(),
            paused: paused.clone(),
        };
        if c.kubelet {
            let k = kubelet::Kubelet::new(
                store.clone(),
                clock,
                config.pods.clone(),
                config.termination_delay,
            );
            runner::spawn(k, shared.clone());
        }
        if c.replicasets {
            runner::spawn(
                replicaset::ReplicaSetController::new(store.clone()),
                shared.clone(),
            );
        }
        if c.deployments {
            runner::spawn(
                deployment::DeploymentController::new(store.clone()),
                shared.clone(),
            );
        }
        if c.endpoints {
            runner::spawn(endpoints::EndpointsController::new(store.clone()), shared.clone());
        }
        if c.jobs {
            runner::spawn(job::JobController::new(store.clone()), shared.clone());
        }
        let traffic = match &config.traffic {
            Some(t) => Some(
                Traffic::start(
                    store.clone(),
                    t.clone(),
                    config.pods.clone(),
                    clock,
                    cancel.clone(),
                    paused,
                )
                .await?,
            ),
            None => None,
        };
        Ok(Simulator {
            clock,
            pause,
            traffic,
            cancel,
        })
    }

    /// Stops reconciling and sending load; events and timers queue up.
    pub fn pause(&self) {
        self.pause.send_replace(true);
    }

    /// Resumes after [`Simulator::pause`].
    pub fn resume(&self) {
        self.pause.send_replace(false);
    }

    /// Whether the simulator is paused.
    pub fn is_paused(&self) -> bool {
        *self.pause.borrow()
    }

    /// The sandbox clock.
    pub fn clock(&self) -> SimClock {
        self.clock
    }

    /// The traffic simulator, when enabled.
    pub fn traffic(&self) -> Option<&Traffic> {
        self.traffic.as_ref()
    }

    /// The `/metrics` exposition (an empty OpenMetrics document when traffic is off).
    pub fn render_metrics(&self) -> String {
        self.traffic
            .as_ref()
            .map(Traffic::render_metrics)
            .unwrap_or_else(|| "# EOF\n".to_string())
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}
