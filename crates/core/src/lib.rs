//! `rollouts-core`: the pure decisions of the rollout controller.
//!
//! Canary and blue-green planners, replica arithmetic, phase/message and conditions. Nothing here talks to
//! a cluster, spawns a task or reads a clock: `now` is always an argument, so every decision is a plain
//! function of its inputs and is tested with Argo's golden vectors.
//!
//! Each public function is a port of the Argo Go function named in its documentation; where Go has a quirk
//! the port keeps it and says so in a comment.

pub mod conditions;
mod defaults;
pub mod ephemeral;
mod gosort;
pub mod pause;
pub mod phase;
pub mod replicas;
pub mod steps;

use std::sync::LazyLock;

use rollouts_api::{Rollout, RolloutStatus};

/// The status Go sees for a rollout without one: the zero value.
static EMPTY_STATUS: LazyLock<RolloutStatus> = LazyLock::new(RolloutStatus::default);

/// `rollout.Status`, or the zero status when the rollout has none yet.
pub fn status(ro: &Rollout) -> &RolloutStatus {
    ro.status.as_ref().unwrap_or(&EMPTY_STATUS)
}
