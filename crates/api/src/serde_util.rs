//! Serde helpers that reproduce Go's `encoding/json` conventions on our types.
//!
//! Go's `omitempty` drops a field whose value is the zero value of its type; the `is_*` predicates
//! here are used with `#[serde(skip_serializing_if = "...")]` to do the same. Go's string-typed
//! enums (`type AnalysisPhase string`) have `""` as their zero value; we model those fields as
//! `Option<Enum>` where `None` is `""` ([`empty_as_none`], [`none_as_empty`]).

use serde::{Deserialize, Deserializer, Serializer, de::IntoDeserializer};

/// `omitempty` for `bool`: skip `false`.
pub fn is_false(value: &bool) -> bool {
    !*value
}

/// `omitempty` for `int32`: skip `0`.
pub fn is_zero_i32(value: &i32) -> bool {
    *value == 0
}

/// `omitempty` for `int64`: skip `0`.
pub fn is_zero_i64(value: &i64) -> bool {
    *value == 0
}

/// Deserializes a Go string enum field: absent, `null` and `""` all become `None`.
pub fn empty_as_none<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    match Option::<String>::deserialize(deserializer)? {
        None => Ok(None),
        Some(s) if s.is_empty() => Ok(None),
        Some(s) => T::deserialize(s.into_deserializer()).map(Some),
    }
}

/// Serializes a non-`omitempty` Go string enum field: `None` is written as `""`, as Go writes the zero value.
pub fn none_as_empty<S, T>(value: &Option<T>, serializer: S) -> Result<S::Ok, S::Error>
where
    S: Serializer,
    T: serde::Serialize,
{
    match value {
        Some(v) => v.serialize(serializer),
        None => serializer.serialize_str(""),
    }
}

/// Serializes a `metav1.LabelSelector` with Go's field order (`matchLabels` before `matchExpressions`)
/// and Go's `omitempty`, where k8s-openapi writes its fields alphabetically. Used inside canary steps,
/// whose JSON is hashed.
pub fn label_selector_go_order<S>(
    value: &Option<k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector>,
    serializer: S,
) -> Result<S::Ok, S::Error>
where
    S: Serializer,
{
    use serde::ser::SerializeMap;

    let Some(selector) = value else {
        return serializer.serialize_none();
    };
    let mut map = serializer.serialize_map(None)?;
    if let Some(labels) = selector.match_labels.as_ref().filter(|l| !l.is_empty()) {
        map.serialize_entry("matchLabels", labels)?;
    }
    if let Some(exprs) = selector.match_expressions.as_ref().filter(|e| !e.is_empty()) {
        let exprs: Vec<GoLabelSelectorRequirement<'_>> = exprs
            .iter()
            .map(|r| GoLabelSelectorRequirement {
                key: &r.key,
                operator: &r.operator,
                values: r.values.as_deref().unwrap_or_default(),
            })
            .collect();
        map.serialize_entry("matchExpressions", &exprs)?;
    }
    map.end()
}

/// `metav1.LabelSelectorRequirement` as Go serializes it.
#[derive(serde::Serialize)]
struct GoLabelSelectorRequirement<'a> {
    key: &'a str,
    operator: &'a str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    values: &'a [String],
}

/// Deserializes a field like Go's `encoding/json`: an explicit `null` leaves the zero value (serde
/// would reject `null` for a `String`, `Vec`, map or struct). Missing fields are covered by
/// `#[serde(default)]`; this covers YAML such as `args:` with nothing after it, and Go's `null` for
/// nil slices and maps.
pub fn go_null<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}
