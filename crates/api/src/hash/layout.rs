//! The vocabulary of the Go struct-layout table in [`super::k8s_layouts`]: for every field of every struct
//! reachable from `corev1.PodTemplateSpec`, its JSON name, its Go kind and its `omitempty`/`omitzero` options.

/// Index of a struct in [`super::k8s_layouts::STRUCTS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct StructId(pub(crate) u16);

impl StructId {
    /// The struct's layout.
    pub(crate) fn layout(self) -> &'static GoStruct {
        &super::k8s_layouts::STRUCTS[usize::from(self.0)]
    }
}

/// The Go kind of a field, as far as `encoding/json` cares.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Ty {
    /// `string` or a named string type (`types.UID`, enums such as `PullPolicy`).
    String,
    /// `bool`.
    Bool,
    /// `int32`.
    Int32,
    /// `int64`.
    Int64,
    /// `resource.Quantity` (custom `MarshalJSON`: its canonical string).
    Quantity,
    /// `intstr.IntOrString` (custom `MarshalJSON`: a JSON number or string).
    IntOrString,
    /// `metav1.Time` (custom `MarshalJSON`: RFC 3339 in UTC, or `null` when zero).
    Time,
    /// `metav1.FieldsV1` (custom `MarshalJSON`: its raw JSON bytes, or `null`).
    FieldsV1,
    /// `*T`.
    Ptr(&'static Ty),
    /// `[]T`.
    Slice(&'static Ty),
    /// `map[string]T` (every map key type in these structs is a string kind).
    Map(&'static Ty),
    /// A struct, encoded as an object of its fields.
    Struct(StructId),
}

/// The `omitempty` / `omitzero` options of a field's `json` tag.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Omit {
    pub(crate) empty: bool,
    pub(crate) zero: bool,
}

/// One field of a Go struct.
#[derive(Debug)]
pub(crate) struct F {
    /// The JSON name from the `json` tag.
    pub(crate) json: &'static str,
    /// The Go kind.
    pub(crate) ty: Ty,
    /// The tag's omit options.
    pub(crate) omit: Omit,
}

impl F {
    /// No omit option: always encoded.
    pub(crate) const PLAIN: Omit = Omit {
        empty: false,
        zero: false,
    };
    /// `omitempty`.
    pub(crate) const OMIT_EMPTY: Omit = Omit {
        empty: true,
        zero: false,
    };
    /// `omitempty,omitzero`.
    pub(crate) const OMIT_EMPTY_ZERO: Omit = Omit {
        empty: true,
        zero: true,
    };

    /// A field (used by the generated table).
    pub(crate) const fn new(json: &'static str, ty: Ty, omit: Omit) -> Self {
        Self { json, ty, omit }
    }
}

/// A Go struct: its fields in declaration order, embedded (`json:",inline"`) structs flattened in place.
#[derive(Debug)]
pub(crate) struct GoStruct {
    /// The Go type name, for error messages.
    pub(crate) name: &'static str,
    /// The fields, in the order Go's `encoding/json` writes them.
    pub(crate) fields: &'static [F],
}

#[cfg(test)]
#[path = "layout_tests.rs"]
mod tests;
