//! `rollouts-core`: the pure decisions of the rollout controller.
//!
//! Canary and blue-green planners, replica arithmetic, phase/message and conditions. Nothing here talks to
//! a cluster, spawns a task or reads a clock: `now` is always an argument, so every decision is a plain
//! function of its inputs and is tested with Argo's golden vectors.
//!
//! The shape of a reconcile: the controller gathers a [`Snapshot`], the planner turns it into a [`Plan`]
//! (ordered [`Action`]s, the new status, a requeue delay), and the executor applies the actions and sends
//! the status as a [`merge_patch::status_patch`].
//!
//! Each public function is a port of the Argo Go function named in its documentation; where Go has a quirk
//! the port keeps it and says so in a comment.

pub mod conditions;
mod defaults;
pub mod duration;
pub mod ephemeral;
mod gosort;
pub mod merge_patch;
pub mod pause;
pub mod phase;
pub mod plan;
pub mod planner;
pub mod replicas;
pub mod snapshot;
pub mod steps;

use std::sync::LazyLock;

use rollouts_api::{Rollout, RolloutStatus};

pub use plan::{Action, Event, EventType, Plan, ReplicaSetUpdate, TrafficAction};
pub use planner::plan;
pub use snapshot::{Snapshot, TrafficObservation};

/// The status Go sees for a rollout without one: the zero value.
static EMPTY_STATUS: LazyLock<RolloutStatus> = LazyLock::new(RolloutStatus::default);

/// `rollout.Status`, or the zero status when the rollout has none yet.
pub fn status(ro: &Rollout) -> &RolloutStatus {
    ro.status.as_ref().unwrap_or(&EMPTY_STATUS)
}
