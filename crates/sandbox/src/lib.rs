//! `rollouts-sandbox`: an embedded, in-memory Kubernetes-compatible API server with simulated workloads,
//! traffic and metrics. It knows nothing of rollouts: it is a small generic Kubernetes.

pub mod convert;
pub mod defaults;
mod engines;
pub mod error;
pub mod meta;
pub mod registry;
pub mod selectors;
pub mod store;

pub use error::ApiError;
pub use registry::{Gvr, Registry, ResourceInfo};
pub use store::{
    DeleteOptions, DeleteOutcome, EventKind, ListOptions, ObjectList, PatchBody, Propagation, Store, StoreConfig,
    Watch, WatchEvent, WatchOptions, WriteOptions,
};
