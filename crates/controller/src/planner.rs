//! The planner seam: the controller calls a [`Planner`] with each gathered [`Snapshot`] and executes the
//! [`Plan`] it returns.
//!
//! The canary and blue-green planners live in `rollouts-core`; the controller only depends on this trait,
//! so the binary plugs in the real planner and tests plug in scripted ones. Any
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

/// The planner of the binary until `rollouts-core` gains its canary/blue-green planner: it observes and
/// decides nothing (no action, status left alone), so the controller runs, caches, elects a leader and
/// serves metrics without touching any rollout. Replace it in `main.rs` with the core planner.
#[derive(Clone, Copy, Debug, Default)]
pub struct ObserveOnly;

impl Planner for ObserveOnly {
    fn plan(&self, _snapshot: &Snapshot) -> Plan {
        Plan::default()
    }
}
