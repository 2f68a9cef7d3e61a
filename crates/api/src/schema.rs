//! Schemas for fields whose OpenAPI shape is not what schemars derives from the Rust type.
//!
//! Used with `#[schemars(schema_with = "...")]`. They reproduce what Argo's CRD generator
//! (`hack/gen-crd-spec/main.go`) does to embedded Kubernetes types, and keep our CRDs small:
//!
//! * Embedded Kubernetes types (pod templates, label selectors, Job specs) lose the descriptions
//!   inherited from k8s-openapi: Argo's CRDs are 500-660 KB each, mostly such descriptions, which a
//!   client-side `kubectl apply` cannot store in its 256 KiB last-applied annotation.
//! * A pod template's `metadata` accepts only `labels` and `annotations` (Argo's `createMetadataValidation`).
//! * `resources.limits`/`requests` of (init/ephemeral) containers and the whole `volumes` list are
//!   `x-kubernetes-preserve-unknown-fields` (Argo's `removeK8S118Fields`).
//! * Raw JSON fields (`json.RawMessage` in Go) are objects with `x-kubernetes-preserve-unknown-fields`.

use k8s_openapi::api::batch::v1::JobSpec;
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::{Value, json};

/// An object whose content is kept as-is by the API server (`type: object` + preserve-unknown-fields).
pub fn preserve_unknown_object(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "object", "x-kubernetes-preserve-unknown-fields": true })
}

/// A `metadata` that accepts only string maps `labels` and `annotations` (Argo's metadata validation).
pub fn labels_and_annotations(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "object",
        "properties": {
            "annotations": { "type": "object", "additionalProperties": { "type": "string" } },
            "labels": { "type": "object", "additionalProperties": { "type": "string" } },
        },
    })
}

/// `metav1.LabelSelector`, without descriptions, an atomic map as in Argo's CRDs.
pub fn label_selector(generator: &mut SchemaGenerator) -> Schema {
    let mut value = undocumented::<LabelSelector>(generator);
    value["x-kubernetes-map-type"] = json!("atomic");
    to_schema(value)
}

/// Rollout `spec.selector`: [`label_selector`] plus Argo's immutability rule.
pub fn immutable_label_selector(generator: &mut SchemaGenerator) -> Schema {
    let mut value = label_selector(generator).to_value();
    value["x-kubernetes-validations"] =
        json!([{ "message": ".spec.selector is immutable", "rule": "self == oldSelf" }]);
    to_schema(value)
}

/// `corev1.PodTemplateSpec` as Argo's CRDs have it (see the module docs).
pub fn pod_template_spec(generator: &mut SchemaGenerator) -> Schema {
    to_schema(argo_pod_template(undocumented::<PodTemplateSpec>(generator)))
}

/// `batchv1.JobSpec` of the job metric provider, its pod template as in [`pod_template_spec`].
pub fn job_spec(generator: &mut SchemaGenerator) -> Schema {
    let mut value = undocumented::<JobSpec>(generator);
    if let Some(template) = value.pointer_mut("/properties/template") {
        *template = argo_pod_template(template.take());
    }
    to_schema(value)
}

/// The schema of a k8s-openapi type, inlined, with every `description` removed.
fn undocumented<T: JsonSchema>(generator: &mut SchemaGenerator) -> Value {
    let mut value = T::json_schema(generator).to_value();
    strip_descriptions(&mut value);
    value
}

/// k8s-openapi (Kubernetes 1.37) marks `name` of `LocalObjectReference`, `ConfigMapKeySelector`,
/// `SecretKeySelector`, `ConfigMapEnvSource` and `SecretEnvSource` as required; Kubernetes 1.34, which
/// Argo's CRDs are generated from, defaults it to `""` instead. Removing it from `required` where these
/// types occur in a pod spec (outside `volumes`, which is preserved as a whole) accepts what Argo accepts.
fn relax_reference_names(pod_spec: &mut Value) {
    let mut pointers = vec!["/properties/imagePullSecrets/items".to_owned()];
    for list in ["containers", "initContainers", "ephemeralContainers"] {
        let container = format!("/properties/{list}/items/properties");
        for reference in ["configMapKeyRef", "secretKeyRef"] {
            pointers.push(format!(
                "{container}/env/items/properties/valueFrom/properties/{reference}"
            ));
        }
        for reference in ["configMapRef", "secretRef"] {
            pointers.push(format!("{container}/envFrom/items/properties/{reference}"));
        }
    }
    for pointer in pointers {
        if let Some(Value::Object(schema)) = pod_spec.pointer_mut(&pointer)
            && let Some(Value::Array(required)) = schema.get_mut("required")
        {
            required.retain(|r| r != "name");
            if required.is_empty() {
                schema.remove("required");
            }
        }
    }
}

fn to_schema(value: Value) -> Schema {
    Schema::try_from(value).unwrap_or_else(|_| Schema::default())
}

/// Removes `description` keywords everywhere in a schema (not properties that happen to be named so).
pub(crate) fn strip_descriptions(value: &mut Value) {
    let Value::Object(map) = value else { return };
    if map.get("description").is_some_and(Value::is_string) {
        map.remove("description");
    }
    for (key, child) in map.iter_mut() {
        match key.as_str() {
            "properties" | "patternProperties" => {
                if let Value::Object(props) = child {
                    props.values_mut().for_each(strip_descriptions);
                }
            }
            "allOf" | "anyOf" | "oneOf" => {
                if let Value::Array(items) = child {
                    items.iter_mut().for_each(strip_descriptions);
                }
            }
            "items" | "additionalProperties" | "not" => strip_descriptions(child),
            _ => {}
        }
    }
}

/// Applies Argo's `createMetadataValidation` and `removeK8S118Fields` to a pod template schema.
fn argo_pod_template(mut template: Value) -> Value {
    if let Some(metadata) = template.pointer_mut("/properties/metadata") {
        *metadata = labels_and_annotations(&mut SchemaGenerator::default()).to_value();
    }
    let preserve = json!({ "x-kubernetes-preserve-unknown-fields": true });
    for list in ["containers", "initContainers", "ephemeralContainers"] {
        let pointer = format!("/properties/spec/properties/{list}/items/properties/resources/properties");
        if let Some(Value::Object(resources)) = template.pointer_mut(&pointer) {
            resources.insert("limits".into(), preserve.clone());
            resources.insert("requests".into(), preserve.clone());
        }
    }
    if let Some(volumes) = template.pointer_mut("/properties/spec/properties/volumes") {
        *volumes = preserve;
    }
    if let Some(spec) = template.pointer_mut("/properties/spec") {
        relax_reference_names(spec);
    }
    template
}
