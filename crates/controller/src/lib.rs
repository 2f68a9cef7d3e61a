//! `rollouts-controller`: the I/O shell around `rollouts-core`.
//!
//! Watches and caches, snapshot -> plan -> execute, status patches, Events, leader election, `/healthz` and
//! `/metrics`. The controller arrives with the canary-controller issue.
