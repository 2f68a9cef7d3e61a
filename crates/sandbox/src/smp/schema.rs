//! The patch metadata of the built-in Kubernetes types: for each field that matters to a strategic merge patch, its
//! patch strategies (`merge`, `retainKeys`, `replace`) and merge key, as the Go struct tags `patchStrategy` and
//! `patchMergeKey` of k8s.io/api declare them. The tables themselves are in [`builtin`].
//!
//! The tables are sparse: a type lists only the fields that carry a tag or lead to a type that does. Any other field
//! has no strategy (maps merge, lists are replaced), which is what the real server's reflection finds for it.

mod builtin;

pub(in crate::smp) use builtin::kind_schema;

/// The patch metadata of one Go struct type.
#[derive(Debug)]
pub(super) struct TypeSchema {
    pub(super) fields: &'static [Field],
}

/// One field of a [`TypeSchema`].
#[derive(Debug)]
pub(super) struct Field {
    /// The JSON name of the field.
    pub(super) name: &'static str,
    /// The `patchStrategy` tag split on commas, e.g. `["merge", "retainKeys"]`.
    pub(super) strategies: &'static [&'static str],
    /// The `patchMergeKey` tag, empty when there is none.
    pub(super) merge_key: &'static str,
    /// The schema of the field's type (the element type for a list), when that type has tagged fields.
    pub(super) schema: Option<&'static TypeSchema>,
}

/// Builds a [`Field`]; keeps the generated tables short.
pub(super) const fn field(
    name: &'static str,
    strategies: &'static [&'static str],
    merge_key: &'static str,
    schema: Option<&'static TypeSchema>,
) -> Field {
    Field {
        name,
        strategies,
        merge_key,
        schema,
    }
}

/// The schema of the value being merged: `None` for a type without tagged fields (or an unknown one).
pub(super) type Schema = Option<&'static TypeSchema>;

/// The patch metadata of `key` in `schema`: the sub-schema, the patch strategies and the merge key.
/// This is `LookupPatchMetadataForStruct` / `LookupPatchMetadataForSlice` of the Go code for a struct type.
pub(super) fn lookup(schema: Schema, key: &str) -> (Schema, &'static [&'static str], &'static str) {
    schema
        .and_then(|s| s.fields.iter().find(|f| f.name == key))
        .map_or((None, &[], ""), |f| (f.schema, f.strategies, f.merge_key))
}
