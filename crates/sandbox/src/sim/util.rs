//! Helpers the simulated controllers share: object keys, controller ownerReferences, pod phase and
//! readiness, availability after `minReadySeconds`, conditions that keep their transition times,
//! `IntOrString` percentages, durations such as `200ms` or `2s`, and RFC 3339 timestamps.

use std::time::Duration;

use serde_json::{Map, Value, json};

use crate::meta;

/// (namespace, name) of an object a controller reconciles.
pub type ObjKey = (String, String);

/// The key of `obj`.
pub fn key_of(obj: &Value) -> Option<ObjKey> {
    Some((
        meta::namespace(obj).unwrap_or_default().to_string(),
        meta::name(obj)?.to_string(),
    ))
}

/// The controller ownerReference (`controller: true`) of `obj`: (kind, name, uid).
pub fn controller_ref(obj: &Value) -> Option<(String, String, String)> {
    let refs = obj.pointer("/metadata/ownerReferences")?.as_array()?;
    let r = refs
        .iter()
        .find(|r| r.get("controller").and_then(Value::as_bool) == Some(true))?;
    Some((
        r.get("kind")?.as_str()?.to_string(),
        r.get("name")?.as_str()?.to_string(),
        r.get("uid")?.as_str()?.to_string(),
    ))
}

/// The key of the owner of `obj` when its controller is of `kind`.
pub fn owner_key(obj: &Value, kind: &str) -> Option<ObjKey> {
    let (k, name, _) = controller_ref(obj)?;
    (k == kind).then(|| (meta::namespace(obj).unwrap_or_default().to_string(), name))
}

/// Whether `obj` is controlled by the object with this uid.
pub fn controlled_by(obj: &Value, uid: &str) -> bool {
    controller_ref(obj).is_some_and(|(_, _, u)| u == uid)
}

/// A controller ownerReference to `owner`.
pub fn owner_reference(owner: &Value, api_version: &str, kind: &str) -> Value {
    json!({
        "apiVersion": api_version,
        "kind": kind,
        "name": meta::name(owner).unwrap_or_default(),
        "uid": meta::uid(owner).unwrap_or_default(),
        "controller": true,
        "blockOwnerDeletion": true,
    })
}

/// `status.phase` of a pod.
pub fn pod_phase(pod: &Value) -> &str {
    pod.pointer("/status/phase").and_then(Value::as_str).unwrap_or("")
}

/// A pod that counts toward its controller: not being deleted and not Succeeded/Failed.
pub fn is_active(pod: &Value) -> bool {
    !meta::is_deleting(pod) && !matches!(pod_phase(pod), "Succeeded" | "Failed")
}

/// The condition of `type_` in `status.conditions`.
pub fn condition<'a>(obj: &'a Value, type_: &str) -> Option<&'a Value> {
    obj.pointer("/status/conditions")?
        .as_array()?
        .iter()
        .find(|c| c.get("type").and_then(Value::as_str) == Some(type_))
}

/// Whether the pod's `Ready` condition is `True`.
pub fn is_ready(pod: &Value) -> bool {
    condition(pod, "Ready")
        .and_then(|c| c.get("status"))
        .and_then(Value::as_str)
        == Some("True")
}

/// When the pod became ready (the `Ready` condition's `lastTransitionTime`), if it is ready.
pub fn ready_since(pod: &Value) -> Option<jiff::Timestamp> {
    if !is_ready(pod) {
        return None;
    }
    condition(pod, "Ready")?
        .get("lastTransitionTime")?
        .as_str()?
        .parse()
        .ok()
}

/// Whether a ready pod is available (ready for more than `min_ready_seconds`, as Kubernetes'
/// `IsPodAvailable`), and otherwise how long until it may be (None when it is not ready at all).
pub fn availability(pod: &Value, min_ready_seconds: i64, now: jiff::Timestamp) -> (bool, Option<Duration>) {
    if !is_ready(pod) {
        return (false, None);
    }
    if min_ready_seconds <= 0 {
        return (true, None);
    }
    let Some(since) = ready_since(pod) else {
        return (false, None);
    };
    let at = since.as_millisecond() + min_ready_seconds * 1000;
    let now_ms = now.as_millisecond();
    if at < now_ms {
        (true, None)
    } else {
        // Kubernetes compares strictly (`Before(now)`): wake a little after the boundary.
        let wait = u64::try_from(at - now_ms).unwrap_or(0) + 10;
        (false, Some(Duration::from_millis(wait)))
    }
}

/// The largest container restart count of a pod.
pub fn max_restarts(pod: &Value) -> i64 {
    pod.pointer("/status/containerStatuses")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|c| c.get("restartCount").and_then(Value::as_i64))
                .max()
                .unwrap_or(0)
        })
        .unwrap_or(0)
}

/// `metadata.creationTimestamp` parsed.
pub fn created(obj: &Value) -> Option<jiff::Timestamp> {
    meta::meta_str(obj, "creationTimestamp")?.parse().ok()
}

/// An annotation of `obj`.
pub fn annotation<'a>(obj: &'a Value, key: &str) -> Option<&'a str> {
    obj.pointer("/metadata/annotations")?.get(key)?.as_str()
}

/// Sets (or, with `None`, removes) the condition `type_` in `conditions`, keeping its
/// `lastTransitionTime` when the status does not change, as Kubernetes controllers do. Returns the
/// new list. `extra` adds fields such as `lastUpdateTime` or `lastProbeTime`.
pub fn set_condition(
    conditions: &[Value],
    type_: &str,
    status: &str,
    reason: &str,
    message: &str,
    now: &str,
) -> Vec<Value> {
    let mut out: Vec<Value> = conditions.to_vec();
    let old = out
        .iter()
        .position(|c| c.get("type").and_then(Value::as_str) == Some(type_));
    let transition = match old.map(|i| &out[i]) {
        Some(c) if c.get("status").and_then(Value::as_str) == Some(status) => {
            c.get("lastTransitionTime").cloned().unwrap_or_else(|| json!(now))
        }
        _ => json!(now),
    };
    let mut cond = Map::new();
    cond.insert("type".into(), json!(type_));
    cond.insert("status".into(), json!(status));
    if !reason.is_empty() {
        cond.insert("reason".into(), json!(reason));
    }
    if !message.is_empty() {
        cond.insert("message".into(), json!(message));
    }
    cond.insert("lastTransitionTime".into(), transition);
    match old {
        Some(i) => out[i] = Value::Object(cond),
        None => out.push(Value::Object(cond)),
    }
    out
}

/// Resolves an `IntOrString` (`3` or `"25%"`) against `total`: percentages round up or down. A string
/// that is not a percentage is an error naming the value.
pub fn int_or_percent(v: Option<&Value>, total: i64, round_up: bool, default: &str) -> Result<i64, String> {
    let fallback = json!(default);
    let v = v.unwrap_or(&fallback);
    if let Some(n) = v.as_i64() {
        return Ok(n.max(0));
    }
    let s = v
        .as_str()
        .ok_or_else(|| format!("invalid value {v}: must be an integer or a percentage"))?;
    if let Ok(n) = s.parse::<i64>() {
        return Ok(n.max(0));
    }
    let pct: i64 = s
        .strip_suffix('%')
        .and_then(|p| p.parse().ok())
        .ok_or_else(|| format!("invalid value {s:?}: must be an integer or a percentage"))?;
    let scaled = pct * total;
    Ok(if round_up {
        (scaled + 99).div_euclid(100)
    } else {
        scaled.div_euclid(100)
    }
    .max(0))
}

/// Parses a duration such as `200ms`, `2s`, `1.5s`, `3m` or `1h`; a bare number is seconds.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: f64 = num.parse().ok()?;
    let secs = match unit.trim() {
        "" | "s" => n,
        "ms" => n / 1000.0,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => return None,
    };
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs))
}

/// "now" as Kubernetes writes it.
pub fn stamp(t: jiff::Timestamp) -> String {
    meta::rfc3339(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(parse_duration("200ms"), Some(Duration::from_millis(200)));
        assert_eq!(parse_duration("2s"), Some(Duration::from_secs(2)));
        assert_eq!(parse_duration("1.5"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_duration("3m"), Some(Duration::from_secs(180)));
        assert_eq!(parse_duration("1h"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_duration("soon"), None);
        assert_eq!(parse_duration("5d"), None);
    }

    #[test]
    fn int_or_percent_rounds_like_kubernetes() {
        assert_eq!(int_or_percent(Some(&json!("25%")), 10, true, "25%"), Ok(3));
        assert_eq!(int_or_percent(Some(&json!("25%")), 10, false, "25%"), Ok(2));
        assert_eq!(int_or_percent(Some(&json!(2)), 10, false, "25%"), Ok(2));
        assert_eq!(int_or_percent(None, 4, true, "25%"), Ok(1));
        assert!(
            int_or_percent(Some(&json!("lots")), 4, true, "25%")
                .unwrap_err()
                .contains("lots")
        );
    }

    #[test]
    fn conditions_keep_transition_time_when_status_is_unchanged() {
        let first = set_condition(&[], "Ready", "True", "", "", "2024-01-01T00:00:00Z");
        let again = set_condition(&first, "Ready", "True", "", "", "2024-01-01T00:00:09Z");
        assert_eq!(again[0]["lastTransitionTime"], "2024-01-01T00:00:00Z");
        let flipped = set_condition(&again, "Ready", "False", "NotReady", "", "2024-01-01T00:00:09Z");
        assert_eq!(flipped[0]["lastTransitionTime"], "2024-01-01T00:00:09Z");
        assert_eq!(flipped.len(), 1);
    }

    #[test]
    fn availability_honours_min_ready_seconds() {
        let pod = json!({"status": {"conditions": [
            {"type": "Ready", "status": "True", "lastTransitionTime": "2024-01-01T00:00:00Z"}]}});
        let at = |s: &str| s.parse::<jiff::Timestamp>().unwrap();
        assert_eq!(availability(&pod, 0, at("2024-01-01T00:00:00Z")), (true, None));
        let (ok, wait) = availability(&pod, 5, at("2024-01-01T00:00:03Z"));
        assert!(!ok);
        assert_eq!(wait, Some(Duration::from_millis(2010)));
        assert_eq!(availability(&pod, 5, at("2024-01-01T00:00:06Z")), (true, None));
        assert_eq!(
            availability(&json!({}), 0, at("2024-01-01T00:00:06Z")),
            (false, None)
        );
    }
}
