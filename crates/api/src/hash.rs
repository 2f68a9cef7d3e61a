//! Argo Rollouts' pod-template hash (`utils/hash/hash.go` `ComputePodTemplateHash`) and step hash
//! (`utils/conditions/conditions.go` `ComputeStepHash`), byte-identical to the Go controller.
//!
//! `ComputePodTemplateHash(template, collisionCount)` is FNV-1a-32 over Go's `json.Marshal` of the
//! `corev1.PodTemplateSpec` (k8s.io/api v0.34.5), followed, when `collisionCount` is set, by 8 more bytes
//! (the count as `uint32` little-endian, then 4 zero bytes); the sum is written in decimal and every digit is
//! mapped through `rand.SafeEncodeString` (alphabet `bcdfghjklmnpqrstvwxz2456789`). The result names the
//! ReplicaSet (`<rollout>-<hash>`) and is its `rollouts-pod-template-hash` label.
//!
//! The Go bytes are reproduced in two steps, like the controller: the stored template JSON is decoded into
//! the Go structs (module `decode`, driven by the struct layouts extracted from k8s.io/api into
//! `k8s_layouts`), which drops unknown keys, turns `null`s into zero values and canonicalises quantities and
//! times; then the Go value is marshalled with Go's field order, `omitempty`/`omitzero` rules, sorted map
//! keys and HTML-safe string escaping (module `encode`). The input is the template as stored (not
//! defaulted): pass `rollout.spec.template` as the API server returns it.
//!
//! Keys that name no Go field (matched case-sensitively, like the informer's `sigs.k8s.io/json`) are
//! dropped, exactly as Go drops them; the API server prunes them anyway except under Argo's
//! preserve-unknown-fields subtrees (`volumes`, `resources.limits/requests`). `managedFields[].fieldsV1`
//! is re-marshalled as Go marshals untyped JSON (sorted keys), which is what the API server sends.

mod decode;
mod encode;
mod gotime;
mod k8s_layouts;
mod layout;
mod quantity;

use k8s_openapi::api::core::v1::PodTemplateSpec;
use serde_json::Value;

pub use encode::go_html_escape;
pub use quantity::QuantityError;

use layout::Ty;

/// Why a pod template cannot be hashed: Go's controller would fail to decode or marshal it too.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// A JSON type that Go's `json.Unmarshal` rejects for the field's Go type.
    #[error("pod template{}: expected {expected}, found {found}", at(.path))]
    Type {
        /// Dotted path of the field inside the template (empty for the template itself).
        path: String,
        /// The Go type's expectation.
        expected: &'static str,
        /// What the JSON holds.
        found: String,
    },
    /// A `resource.Quantity` that Go's `ParseQuantity` rejects.
    #[error("pod template{}: {value:?} is not a quantity: {source}", at(.path))]
    Quantity {
        /// Dotted path of the field inside the template.
        path: String,
        /// The rejected text.
        value: String,
        /// Go's parse error.
        source: QuantityError,
    },
    /// A `metav1.Time` that Go's `time.Parse(time.RFC3339, ...)` rejects.
    #[error("pod template{}: {value:?} is not an RFC 3339 time", at(.path))]
    Time {
        /// Dotted path of the field inside the template.
        path: String,
        /// The rejected text.
        value: String,
    },
    /// The typed template could not be converted to JSON.
    #[error("serialising the pod template to JSON: {0}")]
    Serialize(#[from] serde_json::Error),
}

fn at(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!(" field `{path}`")
    }
}

impl HashError {
    /// Prefixes the error's field path with `segment` (a field name or `[index]`).
    fn within(mut self, segment: &str) -> Self {
        if let Self::Type { path, .. } | Self::Quantity { path, .. } | Self::Time { path, .. } = &mut self {
            *path = if path.is_empty() {
                segment.to_owned()
            } else if path.starts_with('[') {
                format!("{segment}{path}")
            } else {
                format!("{segment}.{path}")
            };
        }
        self
    }
}

/// Go's `json.Marshal(corev1.PodTemplateSpec)` of the template as the controller decodes it from `template`
/// (the stored `spec.template` JSON). `null` is the empty template, as in Go.
///
/// # Errors
/// When Go's controller could not decode the template: a JSON type that does not fit the Go field, an
/// invalid quantity or time, or a `managedFields[].fieldsV1` that is not an object.
pub fn go_json_pod_template(template: &Value) -> Result<Vec<u8>, HashError> {
    let value = decode::decode(&Ty::Struct(k8s_layouts::POD_TEMPLATE_SPEC), template)?;
    let mut out = Vec::with_capacity(1024);
    encode::encode(&value, &mut out);
    Ok(out)
}

/// `ComputePodTemplateHash(template, collisionCount)` over the stored template JSON.
///
/// # Errors
/// As [`go_json_pod_template`].
pub fn pod_template_hash(template: &Value, collision_count: Option<i32>) -> Result<String, HashError> {
    Ok(fnv_safe_encode(&go_json_pod_template(template)?, collision_count))
}

/// [`pod_template_hash`] of a typed template (serialised with its serde implementation first).
///
/// Exact whenever the typed value carries what was stored, with one limit of `k8s-openapi`: its required
/// `spec.containers` cannot tell a missing list (Go: `null`) from an empty one (`[]`). Templates without
/// containers only occur for `workloadRef` rollouts; hash the stored JSON with [`pod_template_hash`] there.
///
/// # Errors
/// As [`go_json_pod_template`], or when the template does not serialise.
pub fn pod_template_hash_typed(
    template: &PodTemplateSpec,
    collision_count: Option<i32>,
) -> Result<String, HashError> {
    pod_template_hash(&serde_json::to_value(template)?, collision_count)
}

/// FNV-1a-32 of `bytes` (then, when `collision_count` is set, of its `uint32` little-endian bytes and 4
/// zero bytes), in decimal, through `SafeEncodeString`.
pub fn fnv_safe_encode(bytes: &[u8], collision_count: Option<i32>) -> String {
    let mut h = Fnv1a32::new();
    h.write(bytes);
    if let Some(count) = collision_count {
        h.write(&count.to_le_bytes());
        h.write(&[0; 4]);
    }
    safe_encode(&h.0.to_string())
}

/// `ComputeStepHash`: the same pipeline over `json.Marshal(rollout.spec.strategy.canary.steps)` (Go bytes,
/// e.g. `null` for no steps; see [`go_html_escape`] for turning `serde_json` output into Go's escaping).
/// Argo uses `""` instead when the strategy is blue-green or there is no canary strategy.
pub fn step_hash(steps_go_json: &[u8]) -> String {
    fnv_safe_encode(steps_go_json, None)
}

/// Go's `Quantity.String()` of a quantity string (`"0.5"` -> `"500m"`, `"129e6"` unchanged).
///
/// # Errors
/// When Go's `ParseQuantity` rejects the text.
pub fn canonical_quantity(text: &str) -> Result<String, QuantityError> {
    quantity::parse(text)?.marshal()
}

/// Go's `Quantity.Cmp` of two quantity strings (used by validation: requests must not exceed limits).
///
/// # Errors
/// When Go's `ParseQuantity` rejects either text.
pub fn compare_quantities(a: &str, b: &str) -> Result<std::cmp::Ordering, QuantityError> {
    Ok(quantity::parse(a)?.cmp_value(&quantity::parse(b)?))
}

/// `rand.SafeEncodeString`: each character `c` becomes `ALPHANUMS[c % 27]`.
fn safe_encode(s: &str) -> String {
    const ALPHANUMS: &[u8; 27] = b"bcdfghjklmnpqrstvwxz2456789";
    s.chars()
        .map(|c| char::from(ALPHANUMS[c as usize % ALPHANUMS.len()]))
        .collect()
}

/// FNV-1a, 32 bits (Go's `hash/fnv.New32a`).
struct Fnv1a32(u32);

impl Fnv1a32 {
    const OFFSET_BASIS: u32 = 2_166_136_261;
    const PRIME: u32 = 16_777_619;

    fn new() -> Self {
        Self(Self::OFFSET_BASIS)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u32::from(b)).wrapping_mul(Self::PRIME);
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn go_json(v: &Value) -> String {
        String::from_utf8(go_json_pod_template(v).expect("template decodes")).expect("utf-8")
    }

    #[test]
    fn safe_encode_maps_digits() {
        assert_eq!(safe_encode("0123456789"), "456789bcdf");
    }

    #[test]
    fn fnv_matches_reference_vectors() {
        let mut h = Fnv1a32::new();
        h.write(b"");
        assert_eq!(h.0, 0x811c_9dc5);
        h.write(b"a");
        assert_eq!(h.0, 0xe40c_292c);
        let mut h = Fnv1a32::new();
        h.write(b"foobar");
        assert_eq!(h.0, 0xbf9c_f968);
    }

    #[test]
    fn collision_count_changes_hash_and_uses_uint32() {
        let bytes = br#"{"metadata":{},"spec":{"containers":null}}"#;
        let plain = fnv_safe_encode(bytes, None);
        assert_eq!(plain, "658c46c486");
        assert_ne!(fnv_safe_encode(bytes, Some(0)), plain);
        assert_ne!(fnv_safe_encode(bytes, Some(1)), fnv_safe_encode(bytes, Some(2)));
        // uint32(-1) == 0xffffffff: the same bytes as writing the 4 bytes by hand.
        let mut manual = bytes.to_vec();
        manual.extend_from_slice(&[0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
        assert_eq!(fnv_safe_encode(bytes, Some(-1)), fnv_safe_encode(&manual, None));
    }

    #[test]
    fn omitempty_rules_per_go_kind() {
        let t = json!({
            "metadata": {"labels": {}, "annotations": null, "name": "", "generation": 0},
            "spec": {
                "containers": [],
                "initContainers": [],
                "hostNetwork": false,
                "automountServiceAccountToken": false,
                "terminationGracePeriodSeconds": 0,
                "nodeSelector": {"b": "2", "a": "1"},
                "priority": null,
                "affinity": {},
                "tolerations": [{}],
            }
        });
        assert_eq!(
            go_json(&t),
            concat!(
                r#"{"metadata":{},"spec":{"containers":[],"terminationGracePeriodSeconds":0,"#,
                r#""nodeSelector":{"a":"1","b":"2"},"automountServiceAccountToken":false,"affinity":{},"#,
                r#""tolerations":[{}]}}"#
            )
        );
    }

    #[test]
    fn non_pointer_structs_and_custom_marshallers() {
        let t = json!({
            "spec": {"containers": [{
                "name": "c",
                "ports": [{"containerPort": 80}],
                "livenessProbe": {"httpGet": {"port": "http", "path": "/a&b"}, "periodSeconds": 5},
                "readinessProbe": {"tcpSocket": {"port": null}},
                "resources": {"limits": {"cpu": 0.5, "memory": "1.5Gi"}, "requests": {"cpu": "1000m", "x": null}}
            }]}
        });
        assert_eq!(
            go_json(&t),
            concat!(
                r#"{"metadata":{},"spec":{"containers":[{"name":"c","ports":[{"containerPort":80}],"#,
                r#""resources":{"limits":{"cpu":"500m","memory":"1536Mi"},"requests":{"cpu":"1","x":"0"}},"#,
                r#""livenessProbe":{"httpGet":{"path":"/a\u0026b","port":"http"},"periodSeconds":5},"#,
                r#""readinessProbe":{"tcpSocket":{"port":0}}}]}}"#
            )
        );
    }

    #[test]
    fn metadata_times_unknown_keys_and_html() {
        let t = json!({
            "metadata": {
                "creationTimestamp": null,
                "deletionTimestamp": "2024-01-02T03:04:05.678+01:00",
                "labels": {"app": "<web>"},
                "unknownField": 1,
                "managedFields": [{"manager": "m", "fieldsV1": {"f:b": {}, "f:a": 1.0}}]
            },
            "spec": {"containers": null, "Containers": [{"name": "ignored"}]}
        });
        assert_eq!(
            go_json(&t),
            concat!(
                r#"{"metadata":{"deletionTimestamp":"2024-01-02T02:04:05Z","labels":{"app":"\u003cweb\u003e"},"#,
                r#""managedFields":[{"manager":"m","fieldsV1":{"f:a":1,"f:b":{}}}]},"spec":{"containers":null}}"#
            )
        );
        let zero = json!({"metadata": {"creationTimestamp": "0001-01-01T00:00:00Z"}});
        assert_eq!(go_json(&zero), r#"{"metadata":{},"spec":{"containers":null}}"#);
        let set = json!({"metadata": {"creationTimestamp": "2020-01-01T00:00:00Z"}});
        assert_eq!(
            go_json(&set),
            r#"{"metadata":{"creationTimestamp":"2020-01-01T00:00:00Z"},"spec":{"containers":null}}"#
        );
    }

    #[test]
    fn volumes_flatten_embedded_volume_source() {
        let t = json!({"spec": {"volumes": [{"emptyDir": {"sizeLimit": "1024Mi"}, "name": "v"}], "containers": []}});
        assert_eq!(
            go_json(&t),
            r#"{"metadata":{},"spec":{"volumes":[{"name":"v","emptyDir":{"sizeLimit":"1Gi"}}],"containers":[]}}"#
        );
    }

    #[test]
    fn bad_input_names_the_field() {
        let bad_qty =
            json!({"spec": {"containers": [{"name": "a", "resources": {"limits": {"cpu": "1x"}}}]}});
        let err = go_json_pod_template(&bad_qty).expect_err("invalid quantity");
        assert_eq!(
            err.to_string(),
            "pod template field `spec.containers[0].resources.limits[cpu]`: \"1x\" is not a quantity: quantities \
             must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
        );
        let bad_type = json!({"spec": {"containers": [{"name": 1}]}});
        assert_eq!(
            go_json_pod_template(&bad_type)
                .expect_err("wrong type")
                .to_string(),
            "pod template field `spec.containers[0].name`: expected a string, found the number 1"
        );
        assert!(go_json_pod_template(&json!([1])).is_err());
        assert!(go_json_pod_template(&json!({"spec": {"priority": 2_147_483_648_i64}})).is_err());
        assert!(go_json_pod_template(&json!({"spec": {"priority": 1.5}})).is_err());
        assert!(go_json_pod_template(&json!({"metadata": {"creationTimestamp": "yesterday"}})).is_err());
    }

    #[test]
    fn typed_template_hashes_like_its_json() {
        let v = json!({"metadata": {"labels": {"app": "x"}}, "spec": {"containers": [{"name": "x", "image": "nginx"}]}});
        let typed: PodTemplateSpec = serde_json::from_value(v.clone()).expect("typed template");
        assert_eq!(
            pod_template_hash_typed(&typed, Some(3)).ok(),
            pod_template_hash(&v, Some(3)).ok()
        );
    }
}
