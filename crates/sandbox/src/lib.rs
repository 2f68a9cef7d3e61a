//! `rollouts-sandbox`: an embedded, in-memory Kubernetes-compatible API server. It knows nothing of
//! rollouts: it is a small generic Kubernetes that the unmodified kube-rs client and the real kubectl
//! talk to over loopback HTTP.
//!
//! * [`Sandbox::start`] serves the API on `127.0.0.1` (port 0 by default), writes a kubeconfig
//!   (`server: http://127.0.0.1:PORT`) and hands out a [`kube::Client`]; it exposes the [`Store`], a
//!   [`RequestLog`] with per-verb/resource counters, and fault injection ([`Faults`],
//!   [`Sandbox::expire_watches`], [`Sandbox::drop_watches`]).
//! * [`Store`] is the in-memory object store, usable directly from Rust with the same semantics as the
//!   HTTP API (create/get/list/update/patch/update_status/delete/watch on `serde_json::Value`s): the
//!   simulated cluster writes through it so that its changes produce real watch events.
//! * Built-in kinds: Namespace, Pod, Service, Endpoints, Secret, ConfigMap, Event (core/v1 and
//!   events.k8s.io/v1 from one store), ServiceAccount, ReplicaSet, Deployment, Ingress, Job, Lease,
//!   CustomResourceDefinition, SelfSubjectAccessReview (always allowed). Custom resources register from
//!   CRD objects as on a real cluster; [`Sandbox::install_bundled_crds`] adds minimal Istio, SMI,
//!   Gateway API and Traefik CRDs.
//! * The simulated cluster ([`sim`], switched on by [`SandboxConfig::simulation`]): scheduler and
//!   kubelet, ReplicaSet, Deployment, Endpoints and Job controllers writing through the store, and the
//!   traffic simulator ([`traffic`]) with its loopback entrypoint and `/metrics` on the API port.
//! * HTTP: legacy and aggregated discovery, `/version`, health, a minimal OpenAPI v3 (enough for kubectl's
//!   server-side field validation), CRUD, list and watch (bookmarks, `sendInitialEvents`, in-stream 410,
//!   `timeoutSeconds`), label and field selectors, the four patch types, `meta.k8s.io/v1 Table` for
//!   `kubectl get`, `PartialObjectMetadata(List)`, `/status` and `/scale`, `dryRun`.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use k8s_openapi::api::core::v1::ConfigMap;
//! use kube::{Api, api::PostParams};
//! use rollouts_sandbox::{Sandbox, SandboxConfig};
//!
//! let sb = Sandbox::start(SandboxConfig::default()).await?;
//! let cms: Api<ConfigMap> = Api::namespaced(sb.client(), "default");
//! let cm: ConfigMap = serde_json::from_value(serde_json::json!({"metadata": {"name": "hello"}}))?;
//! cms.create(&PostParams::default(), &cm).await?;
//! assert_eq!(sb.requests().count("create", "configmaps"), 1);
//! println!("kubectl --kubeconfig {} get configmaps", sb.kubeconfig_path().display());
//! sb.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! # Running it by hand, benchmark
//! `cargo run -p rollouts-sandbox --example serve -- --port 6443 --kubeconfig /tmp/sandbox.kubeconfig
//! --bundled-crds` serves until Ctrl-C; `cargo bench -p rollouts-sandbox` prints writes per second, watch
//! fan-out latency and memory per 10,000 pods.
//!
//! # Approximations (deliberate)
//! * Server-side apply (`application/apply-patch+yaml`) is "create if missing, else JSON merge patch":
//!   `managedFields` are not modelled (dropped on input), so field ownership and apply conflicts (409 with
//!   `force=false`) are not detected.
//! * `fieldValidation=Strict` rejects unknown fields of built-in kinds (a k8s-openapi round trip, see
//!   [`validation`]); `Warn` adds no warning header; custom resources are not validated against their
//!   CRD schema and are not pruned.
//! * Defaulting covers only what clients read (replicas, Deployment strategy, Service ports, Pod restart
//!   policy, ...); see [`defaults`].
//! * `limit`/`continue` are ignored (lists are never chunked); a list with `resourceVersionMatch=Exact`
//!   of an older resourceVersion answers 410.
//! * The garbage collector runs synchronously inside the write that removes an owner (every removal
//!   still has its own resourceVersion and event), plus an optional periodic sweep for dependents created
//!   after their owner was gone.
//! * Pods are deleted at once unless [`StoreConfig::graceful_pod_deletion`] is set.
//! * Strategic merge patch ([`smp`]) is a port of apimachinery's for the built-in kinds; protobuf request
//!   bodies ([`protobuf`]) are decoded for the kinds `kubectl create <generator>` sends most (Namespace,
//!   ConfigMap, Secret, ServiceAccount, Service, Deployment); others answer 415 naming `kubectl apply -f`.
//! * `/openapi/v2` is 404 (kubectl falls back to its compiled-in types); no authentication or RBAC.

pub mod convert;
pub mod crds;
pub mod defaults;
pub mod discovery;
mod engines;
pub mod error;
pub mod faults;
mod http;
pub mod meta;
pub mod openapi;
pub mod promql;
pub mod protobuf;
pub mod registry;
mod sandbox;
pub mod selectors;
pub mod sim;
pub mod smp;
pub mod store;
pub mod tables;
pub mod traffic;
pub mod validation;

pub use error::ApiError;
pub use faults::{FaultVerbs, Faults, RequestLog, RequestRecord};
pub use http::ServerConfig;
pub use registry::{Gvr, Registry, ResourceInfo};
pub use sandbox::{Sandbox, SandboxConfig, SandboxError, client_from_kubeconfig};
pub use sim::{Controllers, SimConfig, SimError, Simulator};
pub use store::{
    DeleteOptions, DeleteOutcome, EventKind, ListOptions, ObjectList, PatchBody, Propagation, Store,
    StoreConfig, Watch, WatchEvent, WatchOptions, WriteOptions,
};
pub use traffic::{SimResponse, Traffic, TrafficConfig};
