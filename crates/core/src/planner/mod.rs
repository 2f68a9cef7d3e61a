//! The rollout planner: one reconcile of one Rollout as a pure function, [`plan`], from a [`Snapshot`] to
//! the ordered [`Action`]s and the new status. A port of Argo's `syncHandler` / `newRolloutContext` /
//! `rolloutContext.reconcile` (`rollout/controller.go`, `rollout/context.go`) for the canary strategy
//! without traffic routing and for blue-green.
//!
//! Module map, each a port of the Go file it names: `context` (the `rolloutContext`), `claim`
//! (ReplicaSet adoption, label selectors), `sync` (`sync.go`: new ReplicaSet, revisions, scaling events,
//! paused conditions, rollbacks, promotion), `status` (`persistRolloutStatus`, conditions),
//! `replicasets` (`replicaset.go`), `canary` (`canary.go`), `bluegreen` (`bluegreen.go` and the
//! blue-green Services), `services` (`service.go`), `restart` (`restart.go`), `ephemeral`
//! (`ephemeralmetadata.go`), plus `annotations` and `affinity` from `utils/`. Traffic routing, analysis,
//! experiments and step plugins plug into the same context at the places `canary.rs` and `bluegreen.rs`
//! mark.
//!
//! Where Go writes mid-reconcile and goes on, the plan carries the write as an action and the context
//! goes on with the object as Go does (see `context`). Where Go ends a reconcile after a write
//! (creating the new ReplicaSet, writing paused conditions, defaulting `spec.replicas`), so does the plan:
//! the next snapshot shows the result, and a crash between two actions is repaired by the next plan.
//!
//! Not reproduced (yet), by design of this first port:
//! * traffic routing, ping-pong services, analysis runs (blue-green pre-/post-promotion runs are read
//!   from the status but not created), experiments and step plugins are not planned; their status fields
//!   are left out of the computed status;
//! * `workloadRef` (the template is taken from `spec.template` as given);
//! * finding the new ReplicaSet by Kubernetes' legacy hash (`FindNewReplicaSet` step 2, see
//!   `replicas::find_new`);
//! * an eviction refused by a PodDisruptionBudget is planned as if it succeeded (requeue covers it).

mod affinity;
mod annotations;
mod bluegreen;
mod canary;
mod claim;
mod context;
mod ephemeral;
mod replicasets;
mod restart;
mod services;
mod status;
mod sync;

use rollouts_api::hash::pod_template_hash_typed;
use serde_json::json;

pub use claim::{format_label_selector, selector_matches};

use crate::phase::is_fully_promoted;
use crate::plan::{Action, Plan};
use crate::snapshot::Snapshot;
use context::RolloutContext;
use sync::Created;

/// Plans one reconcile of `snapshot.rollout`.
///
/// The steps of Argo's `syncHandler`: nothing for a rollout being deleted; claim its ReplicaSets; an
/// invalid spec (`snapshot.invalid_spec`) only records the InvalidSpec condition; a missing new
/// ReplicaSet is created (ending the reconcile); an unset `spec.replicas` is defaulted to 1 (ending it);
/// then the paused conditions, a scaling event, or the strategy (canary steps or blue-green).
pub fn plan(snapshot: &Snapshot) -> Plan {
    let ro = &*snapshot.rollout;
    if ro.metadata.deletion_timestamp.is_some() {
        return Plan::default();
    }
    let (claimed, claim_actions) = claim::claim_replica_sets(ro, &snapshot.replica_sets);
    let (pod_hash, hash_error) =
        match pod_template_hash_typed(&ro.spec.template, crate::status(ro).collision_count) {
            Ok(hash) => (hash, None),
            Err(err) => (String::new(), Some(err.to_string())),
        };
    let mut ctx = RolloutContext::new(snapshot, claimed, pod_hash);
    ctx.plan.actions = claim_actions;

    let hash_invalid = hash_error.map(|err| format!("The Rollout \"{}\" is invalid: {err}", ctx.name()));
    if let Some(message) = snapshot.invalid_spec.clone().or(hash_invalid) {
        ctx.invalid_spec(&message);
        return ctx.finish();
    }
    if ro.canary().is_none() && ro.blue_green().is_none() {
        // Validation reports a rollout without a strategy; nothing else can be planned.
        return ctx.finish();
    }
    if ctx.new_rs.is_none() && matches!(ctx.create_desired_replica_set(), Created::EndReconcile) {
        return ctx.finish();
    }
    if is_fully_promoted(ro) && ctx.pause.is_aborted() {
        ctx.pause.remove_abort();
    }
    if ro.spec.replicas.is_none() {
        // The scale subresource (HPA) needs it set.
        ctx.plan.push(Action::PatchRollout {
            patch: json!({"spec": {"replicas": rollouts_api::defaults::REPLICAS}}),
        });
        return ctx.finish();
    }
    reconcile(&mut ctx);
    ctx.finish()
}

/// `rolloutContext.reconcile`.
fn reconcile(ctx: &mut RolloutContext<'_>) {
    if ctx.check_paused_conditions() {
        return;
    }
    if ctx.is_scaling_event() {
        ctx.sync_replicas_only();
        return;
    }
    // A halted reconcile plans nothing more; Go does not requeue a NotFound either.
    let _halted = if ctx.rollout.blue_green().is_some() {
        ctx.rollout_blue_green().err()
    } else {
        ctx.rollout_canary().err()
    };
}
