//! The plugin's commands, one module each, mirroring `pkg/kubectl-argo-rollouts/cmd/*`.

pub mod lint;
pub mod version;
