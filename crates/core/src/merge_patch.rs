//! Two-way JSON merge patches: the status write of a reconcile carries only what changed.
//!
//! Argo builds its status update with `utils/diff.CreateTwoWayMergePatch(old, new)` and sends it as a
//! JSON merge patch (RFC 7386) to the `status` subresource; an empty diff sends nothing. Doing the same
//! keeps a settled rollout at zero writes and never overwrites a field another writer (the CLI, Argo CD)
//! changed concurrently unless this reconcile decided to change it too.

use rollouts_api::RolloutStatus;
use serde_json::{Map, Value};

/// The RFC 7386 merge patch that turns `old` into `new`, or `None` when they are equal.
///
/// Objects are diffed key by key (a key missing from `new` becomes `null`); any other value, arrays
/// included, is replaced whole, as merge patches require.
pub fn diff(old: &Value, new: &Value) -> Option<Value> {
    if old == new {
        return None;
    }
    match (old, new) {
        (Value::Object(o), Value::Object(n)) => {
            let mut patch = Map::new();
            for (key, old_value) in o {
                match n.get(key) {
                    None => {
                        patch.insert(key.clone(), Value::Null);
                    }
                    Some(new_value) => {
                        if let Some(p) = diff(old_value, new_value) {
                            patch.insert(key.clone(), p);
                        }
                    }
                }
            }
            for (key, new_value) in n {
                if !o.contains_key(key) {
                    patch.insert(key.clone(), new_value.clone());
                }
            }
            (!patch.is_empty()).then_some(Value::Object(patch))
        }
        // A null inside a merge patch means "delete": a new explicit null cannot be expressed, and Go's
        // serialisation of our status never writes one.
        _ => Some(new.clone()),
    }
}

/// The body of the status-subresource patch `{"status": <diff>}` that turns `old` into `new`, or `None`
/// when nothing changed.
///
/// # Errors
/// When a status does not serialise (it always does for our types; the error is kept for honesty).
pub fn status_patch(old: &RolloutStatus, new: &RolloutStatus) -> Result<Option<Value>, serde_json::Error> {
    let old = serde_json::to_value(old)?;
    let new = serde_json::to_value(new)?;
    Ok(diff(&old, &new).map(|d| serde_json::json!({ "status": d })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn equal_values_give_no_patch() {
        assert_eq!(
            diff(
                &json!({"a": [1, 2], "b": {"c": 1}}),
                &json!({"a": [1, 2], "b": {"c": 1}})
            ),
            None
        );
    }

    #[test]
    fn changed_added_and_removed_keys() {
        let old = json!({"keep": 1, "change": 1, "drop": true, "nested": {"x": 1, "y": 2}});
        let new = json!({"keep": 1, "change": 2, "add": "v", "nested": {"x": 1, "y": 3}});
        assert_eq!(
            diff(&old, &new),
            Some(json!({"change": 2, "drop": null, "add": "v", "nested": {"y": 3}}))
        );
    }

    #[test]
    fn arrays_are_replaced_whole() {
        let old = json!({"conditions": [{"type": "A"}, {"type": "B"}]});
        let new = json!({"conditions": [{"type": "A"}]});
        assert_eq!(diff(&old, &new), Some(json!({"conditions": [{"type": "A"}]})));
    }

    #[test]
    fn the_patch_applied_to_old_gives_new() {
        let old = json!({"a": {"b": 1, "c": [1]}, "d": "x", "e": {"f": null}});
        let new = json!({"a": {"b": 2}, "g": {"h": 1}, "e": {}});
        let patch = diff(&old, &new).expect("values differ");
        let mut applied = old.clone();
        json_merge(&mut applied, &patch);
        assert_eq!(applied, new);
    }

    #[test]
    fn status_patch_touches_only_what_the_plan_changed() {
        let old = RolloutStatus {
            current_step_index: Some(1),
            observed_generation: "3".into(),
            ..Default::default()
        };
        let mut new = old.clone();
        new.current_step_index = Some(2);
        let patch = status_patch(&old, &new).unwrap().expect("changed");
        assert_eq!(patch, json!({"status": {"currentStepIndex": 2}}));
        assert_eq!(
            status_patch(&old, &old.clone()).unwrap(),
            None,
            "a settled status writes nothing"
        );
    }

    /// RFC 7386 application, for the round-trip test.
    fn json_merge(target: &mut Value, patch: &Value) {
        match (target, patch) {
            (Value::Object(t), Value::Object(p)) => {
                for (k, v) in p {
                    if v.is_null() {
                        t.remove(k);
                    } else {
                        json_merge(t.entry(k.clone()).or_insert(Value::Null), v);
                    }
                }
            }
            (t, p) => *t = p.clone(),
        }
    }
}
