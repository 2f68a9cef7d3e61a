//! Shared support for the golden-vector tests: loading a file's cases, running each one (collecting every
//! failure rather than stopping at the first), resolving the symbolic times (`"now-5s"`, `"<now - 1m>"`)
//! and turning the partial JSON objects into API types.

#![allow(dead_code)]

use std::panic::{AssertUnwindSafe, catch_unwind};

use jiff::{SignedDuration, Timestamp};
use k8s_openapi::api::apps::v1::ReplicaSet;
use rollouts_api::Rollout;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

/// The moment every symbolic time is relative to (whole seconds, as Kubernetes times are).
pub fn now() -> Timestamp {
    "2026-08-20T12:00:00Z".parse().expect("fixed time")
}

/// Runs `check` on every case of the golden file, reports each failing case by name, prints how many
/// cases were checked, and fails if any failed or none were checked.
pub fn run_golden(file: &str, mut check: impl FnMut(&Value)) {
    let cases = rollouts_testkit::golden_cases(file);
    let mut failures = Vec::new();
    for case in &cases {
        let mut case = case.clone();
        resolve_times(&mut case, now());
        let name = case["name"].as_str().unwrap_or("?").to_owned();
        let function = case["function"].as_str().unwrap_or("?").to_owned();
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| check(&case))) {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            failures.push(format!("[{function}] {name}: {message}"));
        }
    }
    println!("{file}: checked {} cases, {} failed", cases.len(), failures.len());
    assert!(!cases.is_empty(), "{file} has no cases");
    assert!(
        failures.is_empty(),
        "{file}: {} failing cases:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Replaces the symbolic times of the golden files with RFC 3339 times relative to `now`.
pub fn resolve_times(value: &mut Value, now: Timestamp) {
    match value {
        Value::String(s) => {
            if let Some(t) = symbolic_time(s, now) {
                *s = t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| resolve_times(v, now)),
        Value::Object(map) => map.values_mut().for_each(|v| resolve_times(v, now)),
        _ => {}
    }
}

fn symbolic_time(s: &str, now: Timestamp) -> Option<Timestamp> {
    let inner = s.strip_prefix('<').and_then(|s| s.strip_suffix('>')).unwrap_or(s);
    if inner == "earlier" {
        return Some(now - SignedDuration::from_hours(1));
    }
    let rest = inner.strip_prefix("now")?;
    // "<now, later than ...>" and "<now + 600s, UTC, RFC3339>": only the part before the first comma.
    let rest = rest.split(',').next().unwrap_or("").replace(' ', "");
    if rest.is_empty() {
        return Some(now);
    }
    let (sign, amount) = rest.split_at(1);
    let (number, unit) = amount.split_at(amount.len() - 1);
    let number: i64 = number.parse().ok()?;
    let seconds = match unit {
        "s" => number,
        "m" => number * 60,
        "h" => number * 3600,
        _ => return None,
    };
    let offset = SignedDuration::from_secs(seconds);
    match sign {
        "+" => Some(now + offset),
        "-" => Some(now - offset),
        _ => None,
    }
}

/// Removes `null` members (recursively): Go treats a JSON `null` like an absent field, while serde rejects
/// `null` for a list or map field that has a default.
pub fn strip_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), strip_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(strip_nulls).collect()),
        other => other.clone(),
    }
}

/// Deserializes a partial object into an API type (nulls removed).
pub fn typed<T: DeserializeOwned>(value: &Value) -> T {
    serde_json::from_value(strip_nulls(value)).unwrap_or_else(|e| panic!("deserializing {value}: {e}"))
}

/// `Some(typed)` unless the value is `null` (a nil pointer in Go).
pub fn typed_opt<T: DeserializeOwned>(value: &Value) -> Option<T> {
    (!value.is_null()).then(|| typed(value))
}

/// A Rollout from a partial object: `apiVersion`, `kind`, `metadata` and `spec` are filled in when absent.
pub fn rollout(value: &Value) -> Rollout {
    let mut map = value.as_object().cloned().unwrap_or_else(Map::new);
    map.insert("apiVersion".into(), json!("argoproj.io/v1alpha1"));
    map.insert("kind".into(), json!("Rollout"));
    map.entry("metadata").or_insert_with(|| json!({}));
    map.entry("spec").or_insert_with(|| json!({}));
    typed(&Value::Object(map))
}

/// An Experiment from a partial object (as [`rollout`]).
pub fn experiment(value: &Value) -> rollouts_api::Experiment {
    let mut map = value.as_object().cloned().unwrap_or_else(Map::new);
    map.insert("apiVersion".into(), json!("argoproj.io/v1alpha1"));
    map.insert("kind".into(), json!("Experiment"));
    map.entry("metadata").or_insert_with(|| json!({}));
    map.entry("spec").or_insert_with(|| json!({}));
    typed(&Value::Object(map))
}

/// A ReplicaSet, or `None` for `null`.
pub fn opt_rs(value: &Value) -> Option<ReplicaSet> {
    typed_opt(value)
}

/// A list of ReplicaSets; `null` is an empty list and `null` entries are skipped (as every Go function here
/// skips nil entries).
pub fn rs_list(value: &Value) -> Vec<ReplicaSet> {
    value
        .as_array()
        .map(|items| items.iter().filter(|v| !v.is_null()).map(typed).collect())
        .unwrap_or_default()
}

/// An integer field of a case.
pub fn int(value: &Value) -> i32 {
    value
        .as_i64()
        .and_then(|v| i32::try_from(v).ok())
        .unwrap_or_else(|| panic!("not an int32: {value}"))
}

/// `Some(int)` unless `null`.
pub fn opt_int(value: &Value) -> Option<i32> {
    (!value.is_null()).then(|| int(value))
}
