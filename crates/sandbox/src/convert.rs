//! Version conversion between the stored form of an object and the version a client asked for.
//! Custom resources follow the `None` conversion strategy (only `apiVersion` changes). Events are
//! stored once, as `core/v1 Event`, and served also as `events.k8s.io/v1 Event` with the field
//! renames the real API server applies (`regarding`/`involvedObject`, `note`/`message`, ...).

use serde_json::{Map, Value, json};

use crate::registry::{ResourceInfo, api_version};

/// (events.k8s.io/v1 name, core/v1 name) of the renamed Event fields.
const EVENT_RENAMES: &[(&str, &str)] = &[
    ("regarding", "involvedObject"),
    ("note", "message"),
    ("reportingController", "reportingComponent"),
    ("deprecatedSource", "source"),
    ("deprecatedFirstTimestamp", "firstTimestamp"),
    ("deprecatedLastTimestamp", "lastTimestamp"),
    ("deprecatedCount", "count"),
];

fn is_events_k8s(info: &ResourceInfo) -> bool {
    info.group == "events.k8s.io" && info.resource == "events"
}

fn rename(obj: &mut Value, from_to: impl Iterator<Item = (&'static str, &'static str)>) {
    if let Some(map) = obj.as_object_mut() {
        let mut moved = Map::new();
        for (from, to) in from_to {
            if let Some(v) = map.remove(from) {
                moved.insert(to.to_string(), v);
            }
        }
        map.extend(moved);
    }
}

/// Converts a stored object into `version` of the type it is served as.
pub fn to_served(info: &ResourceInfo, version: &str, mut obj: Value) -> Value {
    if is_events_k8s(info) {
        rename(&mut obj, EVENT_RENAMES.iter().map(|(v1, core)| (*core, *v1)));
        // series.lastObservedTime keeps its name; core `count` maps to deprecatedCount above.
    }
    if let Some(map) = obj.as_object_mut() {
        map.insert("apiVersion".into(), json!(api_version(&info.group, version)));
        map.insert("kind".into(), json!(info.kind));
    }
    obj
}

/// Converts an object written in a served version into the stored form.
pub fn to_stored(info: &ResourceInfo, mut obj: Value) -> Value {
    if is_events_k8s(info) {
        rename(&mut obj, EVENT_RENAMES.iter().copied());
        if let Some(map) = obj.as_object_mut() {
            map.insert("apiVersion".into(), json!("v1"));
            map.insert("kind".into(), json!("Event"));
        }
        return obj;
    }
    if let Some(map) = obj.as_object_mut() {
        map.insert(
            "apiVersion".into(),
            json!(api_version(&info.group, info.storage_version())),
        );
    }
    obj
}

/// Rewrites a field selector path given in the served version into the stored form.
pub fn stored_field_path(info: &ResourceInfo, path: &str) -> String {
    if is_events_k8s(info) {
        for (v1, core) in EVENT_RENAMES {
            if path == *v1 {
                return core.to_string();
            }
            if let Some(rest) = path.strip_prefix(&format!("{v1}.")) {
                return format!("{core}.{rest}");
            }
        }
    }
    path.to_string()
}
