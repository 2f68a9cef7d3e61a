//! The planner seam: the controller calls a [`Planner`] with each gathered [`Snapshot`] and executes the
//! [`Plan`] it returns.
//!
//! The planner lives in `rollouts-core` (`rollouts_core::planner::plan`, which the binary uses); the
//! controller only depends on this trait, so tests plug in scripted planners. Any
//! `Fn(&Snapshot) -> Plan + Send + Sync` is a planner.

use rollouts_core::{Plan, Snapshot};

/// Decides what one reconcile of one Rollout does. Must be pure: no I/O, no clock (`snapshot.now`).
pub trait Planner: Send + Sync + 'static {
    /// The plan for this snapshot.
    fn plan(&self, snapshot: &Snapshot) -> Plan;
}

impl<F> Planner for F
where
    F: Fn(&Snapshot) -> Plan + Send + Sync + 'static,
{
    fn plan(&self, snapshot: &Snapshot) -> Plan {
        self(snapshot)
    }
}
