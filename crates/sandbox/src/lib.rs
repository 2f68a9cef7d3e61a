//! `rollouts-sandbox`: an embedded, in-memory Kubernetes-compatible API server with simulated workloads,
//! traffic and metrics. It knows nothing of rollouts: it is a small generic Kubernetes.

pub mod promql;
pub mod protobuf;
pub mod smp;
