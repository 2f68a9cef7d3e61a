//! `rollouts-metrics`: analysis metric providers (Prometheus, Datadog, Web, Job, ...) behind one trait,
//! and the evaluation of Argo's `successCondition`/`failureCondition` expressions.
//!
//! The crate holds its place in the workspace layering (`api -> core -> metrics -> controller`); providers
//! arrive with the analysis issue.
