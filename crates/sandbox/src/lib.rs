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
//! * HTTP: legacy and aggregated discovery, `/version`, health, a minimal OpenAPI v3 (enough for kubectl's
//!   server-side field validation), CRUD, list and watch (bookmarks, `sendInitialEvents`, in-stream 410,
//!   `timeoutSeconds`), label and field selectors, the four patch types, `meta.k8s.io/v1 Table` for
//!   `kubectl get`, `PartialObjectMetadata(List)`, `/status` and `/scale`, `dryRun`.
//!
//! # Approximations (deliberate)
//! * Server-side apply (`application/apply-patch+yaml`) is "create if missing, else JSON merge patch":
//!   `managedFields` are not modelled (dropped on input), so field ownership and apply conflicts (409 with
//!   `force=false`) are not detected.
//! * `fieldValidation=Strict` is accepted but unknown fields are not rejected; custom resources are not
//!   validated against their CRD schema and are not pruned.
//! * Defaulting covers only what clients read (replicas, Deployment strategy, Service ports, Pod restart
//!   policy, ...); see [`defaults`].
//! * `limit`/`continue` are ignored (lists are never chunked); a list with `resourceVersionMatch=Exact`
//!   of an older resourceVersion answers 410.
//! * The garbage collector runs synchronously inside the write that removes an owner (every removal
//!   still has its own resourceVersion and event), plus an optional periodic sweep for dependents created
//!   after their owner was gone.
//! * Pods are deleted at once unless [`StoreConfig::graceful_pod_deletion`] is set.
//! * Strategic merge patch and protobuf request bodies are handled by the `smp`/`protobuf` engines (see
//!   `engines.rs`): without them, strategic patches of built-ins and protobuf bodies answer 415.
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
pub mod registry;
mod sandbox;
pub mod selectors;
pub mod store;
pub mod tables;

pub use error::ApiError;
pub use faults::{FaultVerbs, Faults, RequestLog, RequestRecord};
pub use http::ServerConfig;
pub use registry::{Gvr, Registry, ResourceInfo};
pub use sandbox::{Sandbox, SandboxConfig, SandboxError, client_from_kubeconfig};
pub use store::{
    DeleteOptions, DeleteOutcome, EventKind, ListOptions, ObjectList, PatchBody, Propagation, Store,
    StoreConfig, Watch, WatchEvent, WatchOptions, WriteOptions,
};
