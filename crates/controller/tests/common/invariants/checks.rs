//! The invariants every canary end-to-end scenario checks, formulated from Argo's replica arithmetic
//! (`utils/replicaset/canary.go`, `rollout/canary.go`; argo-behaviour.md §2.4, §2.5, §2.9, §2.10). The
//! fenceposts are resolved here independently of the code under test, as Argo's `MaxSurge` /
//! `MaxUnavailable` do (`resolveFenceposts`).
//!
//! * [`AVAILABILITY_FLOOR`]: the available pods of a rollout never *fall* below
//!   `spec.replicas - maxUnavailable`. It is evaluated whenever the count of available pods (over all the
//!   rollout's ReplicaSets) decreases, with the floor of the rollout's spec at that same commit. A rise
//!   that stays below the floor is fine, which is what makes the rule hold before the first revision is
//!   available, while pods start after a `spec.replicas` increase and for pods that never become ready.
//!   Argo removes available pods only within this budget in every phase of a canary: the basic canary's
//!   scale-down of the stable (increasing weight) or of the canary (decreasing weight: an abort) is
//!   bounded by `replicas - maxUnavailable` available pods (`CalculateReplicaCountsForBasicCanary`), the
//!   older ReplicaSets by `available - minAvailable` (`scaleDownOldReplicaSetsForCanary`), a
//!   traffic-routed canary keeps the stable at 100% (or the canary until the stable is full on abort);
//!   a `spec.replicas` decrease lowers the floor first. Not Argo guarantees, so out of scope: pods that
//!   fail on their own after being available (the rule cannot tell who removed a pod), the intermediate
//!   ReplicaSet scaled to 0 at once with `dynamicStableScale`, and a rollout being deleted (skipped once
//!   it has a `deletionTimestamp` or is gone).
//! * [`STABLE_YIELDS`]: for a basic canary (no traffic routing), whenever the stable ReplicaSet
//!   (`status.stableRS`) has its `spec.replicas` lowered from s0 to s1 while a distinct canary
//!   (`status.currentPodHash`) exists, (1) no other ReplicaSet still has replicas (older revisions are
//!   drained before the stable yields: Argo returns before any scale-down while `oldRSs` have replicas)
//!   and (2) `s1 + min(available canary pods, canary spec.replicas) >= replicas - maxUnavailable`: the
//!   stable gives up no more pods than the canary has made available plus the maxUnavailable budget.
//!   (2) is exactly the bound of Argo's scale-down (`GetReplicasForScaleDown` counts the stable by its
//!   `spec.replicas` and the canary by its available replicas); it allows Argo's own first move at a
//!   20% step (stable 5 → 4 before the canary pod is up, maxUnavailable 1) and catches a controller that
//!   scales the stable down for pods the canary does not have yet. The watcher's canary availability is
//!   at least what the controller could have seen (pods of a growing canary only become available).
//! * [`SURGE_CEILING`]: for a basic canary, after any scale-up (a ReplicaSet created with replicas or its
//!   `spec.replicas` raised) the `spec.replicas` of all the rollout's ReplicaSets sum to at most
//!   `replicas + maxSurge` (Argo scales up only by `spec + maxSurge - Σ spec.replicas`). A traffic-routed
//!   canary does not bound its canary by maxSurge, so it is skipped.

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kube::ResourceExt;
use rollouts_api::Rollout;

use super::state::{hash_of, spec_of};
use super::{Change, Check, Findings, Kind, Transition, check_fn};

/// Name of the availability check.
pub const AVAILABILITY_FLOOR: &str = "availability-floor";
/// Name of the stable-yields check.
pub const STABLE_YIELDS: &str = "stable-yields-to-available-canary";
/// Name of the surge check.
pub const SURGE_CEILING: &str = "surge-ceiling";

/// The canary invariants: [`AVAILABILITY_FLOOR`], [`STABLE_YIELDS`], [`SURGE_CEILING`].
pub fn canary() -> Vec<Box<dyn Check>> {
    vec![
        check_fn(AVAILABILITY_FLOOR, availability_floor),
        check_fn(STABLE_YIELDS, stable_yields),
        check_fn(SURGE_CEILING, surge_ceiling),
    ]
}

/// `intstr.GetValueFromIntOrPercent` as Argo calls it (the deprecated variant: any string is a percentage
/// once a trailing `%` is stripped); an unparsable string counts as 0 (validation rejects it).
pub fn int_or_percent(v: &IntOrString, total: i32, round_up: bool) -> i32 {
    match v {
        IntOrString::Int(n) => *n,
        IntOrString::String(s) => {
            let percent: i64 = s.trim_end_matches('%').trim().parse().unwrap_or(0);
            let scaled = percent * i64::from(total);
            let value = if round_up {
                (scaled + 99).div_euclid(100)
            } else {
                scaled.div_euclid(100)
            };
            i32::try_from(value).unwrap_or(i32::MAX)
        }
    }
}

/// `(maxSurge, maxUnavailable)` of a rollout as Argo's `MaxSurge` / `MaxUnavailable` resolve them:
/// defaults 25%, surge rounded up and unavailability down; for a canary, both 0 makes unavailability 1;
/// blue-green has no surge; unavailability is capped at `spec.replicas` (0 replicas: 0).
pub fn fenceposts(ro: &Rollout) -> (i32, i32) {
    let replicas = ro.desired_replicas();
    let quarter = IntOrString::String("25%".into());
    let unavailable_spec = ro
        .blue_green()
        .and_then(|b| b.max_unavailable.clone())
        .or_else(|| ro.canary().and_then(|c| c.max_unavailable.clone()))
        .unwrap_or_else(|| quarter.clone());
    let (surge, mut unavailable) = match ro.canary() {
        Some(c) => {
            let surge = int_or_percent(c.max_surge.as_ref().unwrap_or(&quarter), replicas, true);
            let unavailable = int_or_percent(&unavailable_spec, replicas, false);
            if surge == 0 && unavailable == 0 {
                (0, 1)
            } else {
                (surge, unavailable)
            }
        }
        None => (0, int_or_percent(&unavailable_spec, replicas, false)),
    };
    if replicas == 0 {
        unavailable = 0;
    }
    (surge, unavailable.min(replicas))
}

/// `spec.replicas - maxUnavailable`.
pub fn min_available(ro: &Rollout) -> i32 {
    ro.desired_replicas() - fenceposts(ro).1
}

fn is_basic_canary(ro: &Rollout) -> bool {
    ro.canary().is_some() && ro.traffic_routing().is_none()
}

/// The changed ReplicaSet's owner in `after`, with `spec.replicas` before (0 when it was just created) and
/// after; None unless the commit was a live ReplicaSet's.
fn scaled<'a>(t: &'a Transition<'_>) -> Option<(&'a Rollout, i32, i32)> {
    let (before, after) = t.replica_set()?;
    let after = after?;
    let ro = t.after.owner_of(after)?;
    if ro.metadata.deletion_timestamp.is_some() {
        return None;
    }
    Some((ro, before.map_or(0, spec_of), spec_of(after)))
}

fn availability_floor(t: &Transition<'_>, f: &mut Findings) {
    if t.kind != Kind::Pod {
        return; // only pods change availability (their ReplicaSet's minReadySeconds aside)
    }
    for ro in t.after.rollouts.values() {
        if ro.metadata.deletion_timestamp.is_some() {
            continue;
        }
        let was = t.before.available_pods_of_rollout(ro);
        let now = t.after.available_pods_of_rollout(ro);
        if now >= was {
            continue;
        }
        let floor = min_available(ro);
        if now < floor {
            f.violated(format!(
                "{}: available pods fell from {was} to {now}, below spec.replicas {} - maxUnavailable {} = \
                 {floor}; {}",
                ro.name_any(),
                ro.desired_replicas(),
                fenceposts(ro).1,
                t.after.describe(ro)
            ));
        } else {
            f.held();
        }
    }
}

fn stable_yields(t: &Transition<'_>, f: &mut Findings) {
    let Some((ro, s0, s1)) = scaled(t) else {
        return;
    };
    if t.change != Change::Modified || s1 >= s0 || !is_basic_canary(ro) {
        return;
    }
    let status = ro.status.clone().unwrap_or_default();
    let hash = t
        .after
        .replica_sets
        .get(t.name)
        .map(|rs| hash_of(rs).to_string())
        .unwrap_or_default();
    if status.stable_rs.is_empty()
        || hash != status.stable_rs
        || status.current_pod_hash.is_empty()
        || status.current_pod_hash == status.stable_rs
    {
        return;
    }
    let canary = t.after.replica_set_with_hash(ro, &status.current_pod_hash);
    let older: Vec<String> = t
        .after
        .replica_sets_of(ro)
        .into_iter()
        .filter(|rs| hash_of(rs) != status.stable_rs && hash_of(rs) != status.current_pod_hash)
        .filter(|rs| spec_of(rs) > 0)
        .map(|rs| format!("{}({})", hash_of(rs), spec_of(rs)))
        .collect();
    let canary_available = canary.map_or(0, |c| t.after.available_pods(c).min(spec_of(c)));
    let floor = min_available(ro);
    let mut wrong = Vec::new();
    if !older.is_empty() {
        wrong.push(format!(
            "older ReplicaSets still have replicas: {}",
            older.join(", ")
        ));
    }
    if s1 + canary_available < floor {
        wrong.push(format!(
            "{s1} stable + {canary_available} available canary pods < spec.replicas - maxUnavailable = {floor}"
        ));
    }
    if wrong.is_empty() {
        f.held();
    } else {
        f.violated(format!(
            "{}: the stable ReplicaSet {hash} was scaled down {s0} -> {s1} while {}; {}",
            ro.name_any(),
            wrong.join(" and "),
            t.after.describe(ro)
        ));
    }
}

fn surge_ceiling(t: &Transition<'_>, f: &mut Findings) {
    let Some((ro, s0, s1)) = scaled(t) else {
        return;
    };
    if s1 <= s0 || !is_basic_canary(ro) {
        return;
    }
    let total: i32 = t.after.replica_sets_of(ro).into_iter().map(spec_of).sum();
    let ceiling = ro.desired_replicas() + fenceposts(ro).0;
    if total <= ceiling {
        f.held();
    } else {
        f.violated(format!(
            "{}: scaled up to {total} replicas in all, above spec.replicas + maxSurge = {ceiling}; {}",
            ro.name_any(),
            t.after.describe(ro)
        ));
    }
}
