//! `rollouts-view`: the RolloutInfo view model (revisions, ReplicaSets, pods, analysis runs) rendered by
//! the kubectl plugin and the dashboard.
//!
//! The crate holds its place in the workspace layering (`api -> view -> cli`); the model arrives with the
//! plugin-output issue.
