//! The annotations Argo keeps on a Rollout and its ReplicaSets (`utils/annotations/annotations.go`): the
//! revision and its history, the desired replicas, and the rollout annotations copied onto the new
//! ReplicaSet.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::ReplicaSet;
use rollouts_api::Rollout;
use rollouts_api::keys::{
    DESIRED_REPLICAS_ANNOTATION, LAST_APPLIED_CONFIGURATION_ANNOTATION, NOTIFIED_ANNOTATION,
    REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION, SCALE_DOWN_DEADLINE_ANNOTATION,
};

use crate::defaults;

/// Go's `strconv.ParseInt(s, 10, bits)`: an optional sign and base-10 digits, within the range.
pub(crate) fn parse_go_int(s: &str, bits: u32) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: i64 = s.parse().ok()?;
    if bits == 32 {
        return i32::try_from(value).ok().map(i64::from);
    }
    Some(value)
}

fn annotations_mut(rs: &mut ReplicaSet) -> &mut BTreeMap<String, String> {
    rs.metadata.annotations.get_or_insert_with(BTreeMap::new)
}

/// `GetDesiredReplicasAnnotation`: the `desired-replicas` annotation as an `int32`.
pub(crate) fn desired_replicas_annotation(rs: &ReplicaSet) -> Option<i32> {
    let value = rs
        .metadata
        .annotations
        .as_ref()?
        .get(DESIRED_REPLICAS_ANNOTATION)?;
    parse_go_int(value, 32).and_then(|v| i32::try_from(v).ok())
}

/// `IsSaturated`: the ReplicaSet runs the rollout's full count: `spec.replicas`, its `desired-replicas`
/// annotation and its available pods all equal the rollout's replicas.
pub(crate) fn is_saturated(ro: &Rollout, rs: Option<&ReplicaSet>) -> bool {
    let Some(rs) = rs else {
        return false;
    };
    let Some(desired) = desired_replicas_annotation(rs) else {
        return false;
    };
    let replicas = defaults::replicas_or_default(ro.spec.replicas);
    crate::replicas::spec_replicas(rs) == replicas
        && desired == replicas
        && crate::replicas::available_replicas(rs) == replicas
}

/// `SetRolloutRevision`: sets the rollout's revision annotation; whether it changed.
pub(crate) fn set_rollout_revision(ro: &mut Rollout, revision: &str) -> bool {
    let annotations = ro.metadata.annotations.get_or_insert_with(BTreeMap::new);
    if annotations.get(REVISION_ANNOTATION).map_or("", String::as_str) == revision {
        return false;
    }
    annotations.insert(REVISION_ANNOTATION.to_owned(), revision.to_owned());
    true
}

/// `SetReplicasAnnotations`: records the rollout's replicas in the `desired-replicas` annotation.
pub(crate) fn set_replicas_annotations(rs: &mut ReplicaSet, desired: i32) -> bool {
    let desired = desired.to_string();
    let annotations = annotations_mut(rs);
    if annotations
        .get(DESIRED_REPLICAS_ANNOTATION)
        .map_or("", String::as_str)
        == desired
    {
        return false;
    }
    annotations.insert(DESIRED_REPLICAS_ANNOTATION.to_owned(), desired);
    true
}

/// `ReplicasAnnotationsNeedUpdate`: the `desired-replicas` annotation differs, or a scale-down deadline is
/// left on a ReplicaSet whose desired replicas are 0.
pub(crate) fn replicas_annotations_need_update(rs: &ReplicaSet, desired: i32) -> bool {
    let Some(annotations) = rs.metadata.annotations.as_ref() else {
        return true;
    };
    if annotations.get(DESIRED_REPLICAS_ANNOTATION).map(String::as_str) != Some(desired.to_string().as_str())
    {
        return true;
    }
    let deadline = annotations
        .get(SCALE_DOWN_DEADLINE_ANNOTATION)
        .map_or("", String::as_str);
    desired == 0 && !deadline.is_empty()
}

/// Annotations never copied from the rollout to its ReplicaSets (`annotationsToSkip`).
fn skip_copy_annotation(key: &str) -> bool {
    [
        LAST_APPLIED_CONFIGURATION_ANNOTATION,
        REVISION_ANNOTATION,
        REVISION_HISTORY_ANNOTATION,
        DESIRED_REPLICAS_ANNOTATION,
        NOTIFIED_ANNOTATION,
    ]
    .contains(&key)
}

/// `copyRolloutAnnotationsToReplicaSet`: copies the rollout's annotations (but the skipped ones) onto the
/// ReplicaSet; whether any changed.
fn copy_rollout_annotations_to_replica_set(ro: &Rollout, rs: &mut ReplicaSet) -> bool {
    let annotations = annotations_mut(rs);
    let mut changed = false;
    for (k, v) in ro.metadata.annotations.iter().flatten() {
        // Go compares with the map's zero value: an absent key equals an empty value.
        if skip_copy_annotation(k) || annotations.get(k).map_or("", String::as_str) == v {
            continue;
        }
        annotations.insert(k.clone(), v.clone());
        changed = true;
    }
    changed
}

/// `SetNewReplicaSetAnnotations(rollout, newRS, newRevision, exists)`: copies the rollout's annotations,
/// raises the revision to `new_revision` when it is higher (keeping the previous one in
/// `revision-history`), and for a ReplicaSet about to be created records the desired replicas. Returns
/// whether the annotations changed.
///
/// Go quirks kept: the history is extended whenever anything changed and a revision existed, even if only
/// a copied annotation changed; an unreadable existing revision makes the function report no change.
pub(crate) fn set_new_replica_set_annotations(
    ro: &Rollout,
    rs: &mut ReplicaSet,
    new_revision: &str,
    exists: bool,
) -> bool {
    let mut changed = copy_rollout_annotations_to_replica_set(ro, rs);
    let annotations = annotations_mut(rs);
    let old_revision = annotations.get(REVISION_ANNOTATION).cloned();
    let old_value = match old_revision.as_deref() {
        None | Some("") => 0,
        Some(text) => match parse_go_int(text, 64) {
            Some(value) => value,
            None => return false,
        },
    };
    let Some(new_value) = parse_go_int(new_revision, 64) else {
        return false;
    };
    if old_value < new_value {
        annotations.insert(REVISION_ANNOTATION.to_owned(), new_revision.to_owned());
        changed = true;
    }
    if let Some(old_revision) = old_revision
        && changed
    {
        let history = annotations
            .get(REVISION_HISTORY_ANNOTATION)
            .cloned()
            .unwrap_or_default();
        let value = if history.split(',').next().unwrap_or("").is_empty() {
            old_revision
        } else {
            format!("{history},{old_revision}")
        };
        annotations.insert(REVISION_HISTORY_ANNOTATION.to_owned(), value);
    }
    if !exists && set_replicas_annotations(rs, defaults::replicas_or_default(ro.spec.replicas)) {
        changed = true;
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rs(annotations: serde_json::Value) -> ReplicaSet {
        serde_json::from_value(json!({"metadata": {"name": "rs", "annotations": annotations}})).expect("rs")
    }

    fn ro(annotations: serde_json::Value) -> Rollout {
        serde_json::from_value(json!({
            "apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
            "metadata": {"name": "ro", "annotations": annotations}, "spec": {"replicas": 3}
        }))
        .expect("rollout")
    }

    #[test]
    fn rollback_keeps_revision_history() {
        let mut set = rs(json!({"rollout.argoproj.io/revision": "1"}));
        assert!(set_new_replica_set_annotations(
            &ro(json!({})),
            &mut set,
            "3",
            true
        ));
        let a = set.metadata.annotations.as_ref().expect("annotations");
        assert_eq!(a[REVISION_ANNOTATION], "3");
        assert_eq!(a[REVISION_HISTORY_ANNOTATION], "1");
        let mut again = set.clone();
        assert!(set_new_replica_set_annotations(
            &ro(json!({})),
            &mut again,
            "5",
            true
        ));
        assert_eq!(
            again.metadata.annotations.as_ref().expect("a")[REVISION_HISTORY_ANNOTATION],
            "1,3"
        );
    }

    #[test]
    fn new_replica_set_gets_copied_annotations_and_desired_replicas() {
        let mut set = rs(json!(null));
        let rollout = ro(
            json!({"team": "a", "rollout.argoproj.io/revision": "7", "notified.notifications.argoproj.io": "x"}),
        );
        assert!(set_new_replica_set_annotations(&rollout, &mut set, "1", false));
        let a = set.metadata.annotations.as_ref().expect("annotations");
        assert_eq!(a.len(), 3, "{a:?}");
        assert_eq!(a["team"], "a");
        assert_eq!(a[REVISION_ANNOTATION], "1");
        assert_eq!(a[DESIRED_REPLICAS_ANNOTATION], "3");
        assert!(!replicas_annotations_need_update(&set, 3));
        assert!(replicas_annotations_need_update(&set, 4));
    }

    #[test]
    fn an_unreadable_revision_reports_no_change() {
        let mut set = rs(json!({"rollout.argoproj.io/revision": "abc"}));
        assert!(!set_new_replica_set_annotations(
            &ro(json!({"team": "a"})),
            &mut set,
            "2",
            true
        ));
        assert_eq!(parse_go_int("+12", 64), Some(12));
        assert_eq!(parse_go_int("3000000000", 32), None);
    }
}
