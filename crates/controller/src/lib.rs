//! `rollouts-controller`: the I/O shell around `rollouts-core`.
//!
//! Watches and caches ([`cache`]), snapshot gathering ([`snapshot`]), a pluggable [`planner::Planner`],
//! the [`executor`] that applies a plan and patches the status, Events ([`events`]), leader election
//! ([`leader`]), `/healthz` and `/metrics` ([`server`], [`metrics`]), all wired by [`run`]; the binary
//! `rollouts-controller` parses Argo's flags ([`args`]).
//!
//! The shape of a reconcile: watch events → trimmed caches → [`snapshot::gather`] → `planner.plan()` →
//! [`executor::Executor::apply`] (actions in order, then a two-way merge patch of the status) → requeue
//! after `plan.requeue_after` (or the resync period).

pub mod args;
pub mod cache;
pub mod client;
pub mod error;
pub mod events;
pub mod executor;
pub mod index;
pub mod leader;
pub mod metrics;
pub mod planner;
pub mod reconcile;
pub mod run;
pub mod server;
pub mod snapshot;
pub mod telemetry;

pub use error::{Error, Result};
pub use planner::Planner;
pub use run::{RolloutController, Settings};
