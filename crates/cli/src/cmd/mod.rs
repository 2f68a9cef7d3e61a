//! The plugin's commands, one module each, mirroring `pkg/kubectl-argo-rollouts/cmd/*`.

pub mod actions;
pub mod get;
pub mod kube_opts;
pub mod lint;
pub mod sandbox;
pub mod set_image;
pub mod undo;
pub mod version;
