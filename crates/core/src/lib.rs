//! `rollouts-core`: the pure decisions of the rollout controller.
//!
//! Canary and blue-green planners, replica arithmetic, phase/message and conditions. Nothing here talks to
//! a cluster, spawns a task or reads a clock: `now` is always an argument, so every decision is a plain
//! function of its inputs and is tested with Argo's golden vectors.
//!
//! The shape of a reconcile: the controller gathers a [`Snapshot`], the planner turns it into a [`Plan`]
//! (ordered [`Action`]s, the new status, a requeue delay), and the executor applies the actions and sends
//! the status as a [`merge_patch::status_patch`].

pub mod merge_patch;
pub mod plan;
pub mod snapshot;

pub use plan::{Action, Event, EventType, Plan, ReplicaSetUpdate, TrafficAction};
pub use snapshot::{Snapshot, TrafficObservation};
