//! Helpers over ReplicaSets and their lists (`utils/replicaset/replicaset.go`, `canary.go`): replica sums,
//! availability, activity, revisions and the revision sort, picking the stable / other / active ReplicaSets,
//! the scale-down deadline annotation and restarts.

use std::borrow::Borrow;
use std::cmp::Ordering;

use jiff::{SignedDuration, Timestamp};
use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use rollouts_api::Rollout;
use rollouts_api::keys::{POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION, SCALE_DOWN_DEADLINE_ANNOTATION};

use crate::gosort;
use crate::replicas::{
    annotation, available_replicas, label, name, ready_replicas, spec_replicas, spec_replicas_opt,
    status_replicas,
};
use crate::status;

/// `GetReplicaCountForReplicaSets`: the sum of `spec.replicas`.
pub fn replica_count<R: Borrow<ReplicaSet>>(rss: &[R]) -> i32 {
    rss.iter().map(|rs| spec_replicas(rs.borrow())).sum()
}

/// `GetActualReplicaCountForReplicaSets`: the sum of `status.replicas`.
pub fn actual_replica_count<R: Borrow<ReplicaSet>>(rss: &[R]) -> i32 {
    rss.iter().map(|rs| status_replicas(rs.borrow())).sum()
}

/// `GetReadyReplicaCountForReplicaSets`: the sum of `status.readyReplicas`.
pub fn ready_replica_count<R: Borrow<ReplicaSet>>(rss: &[R]) -> i32 {
    rss.iter().map(|rs| ready_replicas(rs.borrow())).sum()
}

/// `GetAvailableReplicaCountForReplicaSets`: the sum of `status.availableReplicas`.
pub fn available_replica_count<R: Borrow<ReplicaSet>>(rss: &[R]) -> i32 {
    rss.iter().map(|rs| available_replicas(rs.borrow())).sum()
}

/// `IsReplicaSetAvailable`: `spec.replicas` is set and non-zero and at most the available pods, and some pods
/// are available (a ReplicaSet scaled to zero is not available).
pub fn is_replica_set_available(rs: Option<&ReplicaSet>) -> bool {
    let Some(rs) = rs else {
        return false;
    };
    let available = available_replicas(rs);
    spec_replicas_opt(rs).is_some_and(|replicas| replicas != 0 && available != 0 && replicas <= available)
}

/// `IsReplicaSetPartiallyAvailable`: at least one pod is available.
pub fn is_replica_set_partially_available(rs: &ReplicaSet) -> bool {
    available_replicas(rs) > 0
}

/// `IsActive` (`controller.FilterActiveReplicaSets`): `rs` exists and has `spec.replicas > 0`.
pub fn is_active(rs: Option<&ReplicaSet>) -> bool {
    rs.is_some_and(|rs| spec_replicas(rs) > 0)
}

/// Why `Revision` failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RevisionError {
    /// Go: `meta.Accessor` of a nil object.
    #[error("object does not implement the Object interfaces")]
    NilObject,
    /// The revision annotation is not a base-10 `int64`.
    #[error("revision annotation {0:?} is not an integer")]
    Invalid(String),
}

/// `Revision(obj)`: the `rollout.argoproj.io/revision` annotation as a number, 0 when absent.
///
/// # Errors
/// When the object is nil or the annotation is not an integer.
pub fn revision(meta: Option<&ObjectMeta>) -> Result<i64, RevisionError> {
    let meta = meta.ok_or(RevisionError::NilObject)?;
    match meta.annotations.as_ref().and_then(|a| a.get(REVISION_ANNOTATION)) {
        None => Ok(0),
        Some(value) => parse_go_int(value).ok_or_else(|| RevisionError::Invalid(value.clone())),
    }
}

/// Go's `strconv.Atoi` / `ParseInt(s, 10, 64)`: optional sign and base-10 digits, nothing else.
fn parse_go_int(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `GetReplicaSetRevision`: the revision annotation as a number, -1 when absent or not an integer.
pub fn replica_set_revision(rs: &ReplicaSet) -> i64 {
    annotation(rs, REVISION_ANNOTATION)
        .and_then(parse_go_int)
        .unwrap_or(-1)
}

/// `MaxRevision`: the highest revision, skipping ReplicaSets whose revision cannot be read (0 if none).
pub fn max_revision<R: Borrow<ReplicaSet>>(rss: &[R]) -> i64 {
    rss.iter()
        .filter_map(|rs| revision(Some(&rs.borrow().metadata)).ok())
        .fold(0, i64::max)
}

/// `metav1.Time` of a creation timestamp; unset is Go's zero time, before every other time.
fn created(rs: &ReplicaSet) -> Option<Timestamp> {
    rs.metadata.creation_timestamp.as_ref().map(|t| t.0)
}

/// `ReplicaSetsByRevisionNumber.Less(i, j)`. Go's comparison depends on the positions when only one side
/// has a valid revision (`i > j` / `i < j`), so the result of a sort depends on the algorithm: it is only
/// meaningful through [`sort_by_revision`], which runs Go's exact `sort.Sort`.
fn revision_less<R: Borrow<ReplicaSet>>(data: &[R], i: usize, j: usize) -> bool {
    let (a, b) = (data[i].borrow(), data[j].borrow());
    let rev_a = annotation(a, REVISION_ANNOTATION).and_then(parse_go_int);
    let rev_b = annotation(b, REVISION_ANNOTATION).and_then(parse_go_int);
    match (rev_a, rev_b) {
        (None, None) => created(a) < created(b),
        // Quirk kept from Go: an invalid revision compares by index.
        (None, Some(_)) => i > j,
        (Some(_), None) => i < j,
        (Some(x), Some(y)) if x == y => created(a) < created(b),
        (Some(x), Some(y)) => x < y,
    }
}

/// `sort.Sort(ReplicaSetsByRevisionNumber(rss))`: oldest revision first, creation time breaking ties, with
/// Go's treatment of missing or invalid revisions.
pub fn sort_by_revision<R: Borrow<ReplicaSet>>(rss: &mut [R]) {
    gosort::sort(rss, revision_less);
}

/// `sort.Sort(sort.Reverse(ReplicaSetsByRevisionNumber(rss)))`: newest revision first, as the controller
/// orders old ReplicaSets before scaling them down.
pub fn sort_by_revision_reverse<R: Borrow<ReplicaSet>>(rss: &mut [R]) {
    gosort::sort(rss, |data, i, j| revision_less(data, j, i));
}

/// `controller.ReplicaSetsByCreationTimestamp.Less`: older first, then by name.
fn creation_less<R: Borrow<ReplicaSet>>(data: &[R], i: usize, j: usize) -> bool {
    let (a, b) = (data[i].borrow(), data[j].borrow());
    match created(a).cmp(&created(b)) {
        Ordering::Equal => name(a) < name(b),
        order => order == Ordering::Less,
    }
}

/// `sort.Sort(controller.ReplicaSetsByCreationTimestamp(rss))`: oldest first, the name breaking ties.
pub fn sort_by_creation<R: Borrow<ReplicaSet>>(rss: &mut [R]) {
    gosort::sort(rss, creation_less);
}

/// `FindActiveOrLatest(newRS, oldRSs)`: the only active ReplicaSet (spec.replicas > 0); when none is active,
/// `new_rs` or else the newest old ReplicaSet; `None` when several are active (they are scaled
/// proportionally) or there are none at all.
pub fn find_active_or_latest<'a, R: Borrow<ReplicaSet>>(
    new_rs: Option<&'a ReplicaSet>,
    old_rss: &'a [R],
) -> Option<&'a ReplicaSet> {
    let mut old: Vec<&ReplicaSet> = old_rss.iter().map(Borrow::borrow).collect();
    if new_rs.is_none() && old.is_empty() {
        return None;
    }
    // Go: sort.Sort(sort.Reverse(controller.ReplicaSetsByCreationTimestamp(oldRSs))), newest first.
    gosort::sort(&mut old, |data, i, j| creation_less(data, j, i));
    let active: Vec<&ReplicaSet> = old
        .iter()
        .copied()
        .chain(new_rs)
        .filter(|rs| is_active(Some(rs)))
        .collect();
    match active.as_slice() {
        [] => new_rs.or_else(|| old.first().copied()),
        [only] => Some(only),
        _ => None,
    }
}

/// `FindOldReplicaSets`: every ReplicaSet but the new one (compared by UID).
pub fn find_old_replica_sets<'a, R: Borrow<ReplicaSet>>(
    rss: &'a [R],
    new_rs: Option<&ReplicaSet>,
) -> Vec<&'a ReplicaSet> {
    let new_uid = new_rs.map(|rs| rs.metadata.uid.as_deref());
    rss.iter()
        .map(Borrow::borrow)
        .filter(|rs| new_uid != Some(rs.metadata.uid.as_deref()))
        .collect()
}

/// `GetStableRS`: the ReplicaSet whose pod-template hash is `status.stableRS`, the new one first.
pub fn stable_rs<'a, R: Borrow<ReplicaSet>>(
    ro: &Rollout,
    new_rs: Option<&'a ReplicaSet>,
    rss: &'a [R],
) -> Option<&'a ReplicaSet> {
    let stable = status(ro).stable_rs.as_str();
    if stable.is_empty() {
        return None;
    }
    let matches = |rs: &&ReplicaSet| label(rs, POD_TEMPLATE_HASH_LABEL).unwrap_or("") == stable;
    new_rs
        .filter(matches)
        .or_else(|| rss.iter().map(Borrow::borrow).find(matches))
}

/// `GetOtherRSs`: the ReplicaSets that are neither the new nor the stable one (compared by name).
pub fn other_rss<'a, R: Borrow<ReplicaSet>>(
    new_rs: Option<&ReplicaSet>,
    stable_rs: Option<&ReplicaSet>,
    rss: &'a [R],
) -> Vec<&'a ReplicaSet> {
    rss.iter()
        .map(Borrow::borrow)
        .filter(|rs| {
            stable_rs.is_none_or(|stable| name(rs) != name(stable))
                && new_rs.is_none_or(|new| name(rs) != name(new))
        })
        .collect()
}

/// `HasScaleDownDeadline`: the `scale-down-deadline` annotation is present and not empty (its value is not
/// parsed).
pub fn has_scale_down_deadline(rs: Option<&ReplicaSet>) -> bool {
    rs.and_then(|rs| annotation(rs, SCALE_DOWN_DEADLINE_ANNOTATION))
        .is_some_and(|v| !v.is_empty())
}

/// The `scale-down-deadline` annotation could not be read as an RFC 3339 time.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unable to read scaleDownAt label on rs '{name}'")]
pub struct ScaleDownDeadlineError {
    /// Name of the ReplicaSet.
    pub name: String,
}

/// `GetTimeRemainingBeforeScaleDownDeadline`: the time left before the scale-down deadline when it is in the
/// future; `None` when there is no deadline or it has passed.
///
/// # Errors
/// When the annotation is not an RFC 3339 time.
pub fn time_remaining_before_scale_down_deadline(
    rs: &ReplicaSet,
    now: Timestamp,
) -> Result<Option<SignedDuration>, ScaleDownDeadlineError> {
    if !has_scale_down_deadline(Some(rs)) {
        return Ok(None);
    }
    let value = annotation(rs, SCALE_DOWN_DEADLINE_ANNOTATION).unwrap_or("");
    let deadline: Timestamp = value.parse().map_err(|_| ScaleDownDeadlineError {
        name: name(rs).to_owned(),
    })?;
    Ok((deadline > now).then(|| deadline.duration_since(now)))
}

/// `NeedsRestart`: `spec.restartAt` is set, differs from `status.restartedAt`, and `now` is after it.
pub fn needs_restart(ro: &Rollout, now: Timestamp) -> bool {
    let Some(restart_at) = ro.spec.restart_at.as_ref() else {
        return false;
    };
    if status(ro)
        .restarted_at
        .as_ref()
        .is_some_and(|t| t.0 == restart_at.0)
    {
        return false;
    }
    now > restart_at.0
}
