//! The errors of a strategic merge patch, worded exactly as k8s.io/apimachinery's strategicpatch and mergepatch
//! packages word them, with the HTTP status the API server answers for each.

use serde_json::Value;

use super::gofmt;

/// Why a strategic merge patch could not be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SmpError {
    /// The kind has no strategic merge patch (custom resources); the server answers 415.
    #[error(
        "the body of the request was in an unknown format - accepted media types include: \
         application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"
    )]
    UnsupportedKind {
        /// The API group of the kind.
        group: String,
        /// The kind.
        kind: String,
    },
    /// The patch (or the object) is not a JSON object.
    #[error("json: cannot unmarshal {found} into Go value of type map[string]interface {{}}")]
    NotAnObject {
        /// The JSON type found instead: `array`, `string`, `number` or `bool`.
        found: &'static str,
    },
    /// A `$deleteFromPrimitiveList` key without `/<list>`.
    #[error("invalid patch format of primitive list")]
    BadPatchFormatForPrimitiveList,
    /// A `$retainKeys` directive that is not a list, or a patch key missing from it.
    #[error("invalid patch format of retainKeys")]
    BadPatchFormatForRetainKeys,
    /// A `$setElementOrder` key without `/<list>`.
    #[error("invalid patch format of setElementOrder list")]
    BadPatchFormatForSetElementOrderList,
    /// A list whose elements are lists.
    #[error("lists of lists are not supported")]
    NoListOfLists,
    /// A list item without the list's merge key.
    #[error("map: {map} does not contain declared merge key: {key}")]
    NoMergeKey {
        /// The item, as Go prints a map.
        map: String,
        /// The merge key.
        key: String,
    },
    /// A value of the wrong JSON type where a map or list was expected.
    #[error("expected a {expected}, but received a {actual}")]
    BadArgType {
        /// The Go type expected.
        expected: &'static str,
        /// The Go type received.
        actual: &'static str,
    },
    /// A `$patch` directive with an unknown value (or `merge` in a map).
    #[error("unknown patch type: {directive} in map: {map}")]
    BadPatchType {
        /// The directive's value, as Go's `%s` prints it.
        directive: String,
        /// The map holding it, as Go's `%v` prints it.
        map: String,
    },
    /// A `$patch: merge` item in a list.
    #[error("merging lists cannot yet be specified in the patch")]
    MergeDirectiveInList,
    /// The items of a patch list are not in the order of its `$setElementOrder` list.
    #[error("The order in patch list:\n{patch}\n doesn't match $setElementOrder list:\n{order}\n")]
    SetElementOrderMismatch {
        /// The patch list, as Go prints it.
        patch: String,
        /// The `$setElementOrder` list, as Go prints it.
        order: String,
    },
    /// A list mixing elements of different JSON types.
    #[error("list element types are not identical: {lists}")]
    MixedElementTypes {
        /// The lists, as Go prints them.
        lists: String,
    },
    /// A `$setElementOrder` list for a list that is empty in both the object and the patch.
    #[error("no elements in any of the given slices")]
    NoElements,
    /// A list of maps with the `merge` strategy and no merge key.
    #[error("cannot merge lists without merge key for struct")]
    NoMergeKeyForList,
    /// A field with a combination of patch strategies the Go code does not know.
    #[error("unexpected patch strategy: {0}")]
    UnexpectedPatchStrategy(String),
    /// A `$setElementOrder` item that is not a map in a list of maps.
    #[error("value for key {0} is not a map")]
    NotAMap(usize),
}

impl SmpError {
    /// The HTTP status the real API server answers with: 415 for kinds without strategic merge patch, 400 for the
    /// malformed directives it classifies as bad requests, 422 for lists of lists, and 500 for the rest (the server
    /// passes those errors through unclassified).
    pub fn http_status(&self) -> u16 {
        match self {
            Self::UnsupportedKind { .. } => 415,
            Self::NotAnObject { .. }
            | Self::BadPatchFormatForPrimitiveList
            | Self::BadPatchFormatForRetainKeys
            | Self::BadPatchFormatForSetElementOrderList => 400,
            Self::NoListOfLists => 422,
            _ => 500,
        }
    }

    /// The `reason` of the `metav1.Status` the server answers with (empty for the unclassified 500s).
    pub fn status_reason(&self) -> &'static str {
        match self.http_status() {
            415 => "UnsupportedMediaType",
            400 => "BadRequest",
            422 => "Invalid",
            _ => "",
        }
    }

    pub(super) fn no_merge_key(map: &Value, key: &str) -> Self {
        Self::NoMergeKey {
            map: gofmt::v(map),
            key: key.to_owned(),
        }
    }

    pub(super) fn bad_arg_type(expected: &'static str, actual: &Value) -> Self {
        // Go formats the type with `%s`, and `reflect.TypeOf(nil)` is a nil interface.
        let actual = match actual {
            Value::Null => "%!s(<nil>)",
            other => gofmt::type_name(other),
        };
        Self::BadArgType { expected, actual }
    }

    pub(super) fn bad_patch_type(directive: &Value, map: &Value) -> Self {
        Self::BadPatchType {
            directive: gofmt::s(directive),
            map: gofmt::v(map),
        }
    }
}

/// `reflect.TypeOf` names for [`SmpError::BadArgType`].
pub(super) const MAP: &str = "map[string]interface {}";
pub(super) const SLICE: &str = "[]interface {}";
