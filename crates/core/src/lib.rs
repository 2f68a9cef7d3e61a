//! `rollouts-core`: the pure decisions of the rollout controller.
//!
//! Canary and blue-green planners, replica arithmetic, phase/message and conditions. Nothing here talks to
//! a cluster, spawns a task or reads a clock: `now` is always an argument, so every decision is a plain
//! function of its inputs and is tested with Argo's golden vectors.
