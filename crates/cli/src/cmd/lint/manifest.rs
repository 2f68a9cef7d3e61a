//! The objects of a manifest as `lint.go` sees them: Rollouts decoded strictly, Services and Ingresses
//! (decoded strictly) and Istio VirtualServices collected as references, then tied to their rollout by the
//! `managed-by-rollouts` annotation that `lint` sets itself (`setServiceTypeAndManagedAnnotation`,
//! `setIngressManagedAnnotation`, `setVirtualServiceManagedAnnotation`, `matchRolloutToReferences`).

use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::networking::v1::Ingress;
use rollouts_api::Rollout;
use rollouts_api::decode::{decode_strict, go_like_root};
use rollouts_api::keys::MANAGED_BY_ROLLOUTS_ANNOTATION;
use rollouts_api::validation::field::go_json;
use rollouts_api::validation::rollout::first_bad_template_quantity;
use rollouts_api::validation::{
    IngressRef, LegacyIngress, ReferencedResources, ServiceType, ServiceWithType,
};
use serde_json::{Map, Value};

/// Everything `lint` collected from a file.
#[derive(Debug, Default)]
pub struct Manifest {
    /// The rollouts, in file order.
    pub rollouts: Vec<Rollout>,
    /// Services, Ingresses and VirtualServices of the whole file.
    pub references: ReferencedResources,
}

/// `schema.ParseGroupVersion` of an `apiVersion`: (group, version), empty when it has more than one `/`.
fn group_version(api_version: &str) -> (&str, &str) {
    match api_version.split_once('/') {
        None => ("", api_version),
        Some((_, version)) if version.contains('/') => ("", ""),
        Some((group, version)) => (group, version),
    }
}

/// Sorted keys and Go's escaping: the JSON Go's `yaml.YAMLToJSON` hands to the decoder.
fn go_document_json(value: &Value) -> String {
    fn sorted(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                Value::Object(
                    keys.into_iter()
                        .map(|k| (k.clone(), sorted(&map[k.as_str()])))
                        .collect::<Map<_, _>>(),
                )
            }
            Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    go_json(&sorted(value))
}

/// Go's error for a document that is not an object or has no `kind` (decoding into `Unstructured`).
fn unstructured_error(document: &Value) -> Option<String> {
    let prefix = "error unmarshaling JSON: while decoding JSON:";
    let go_type = match document {
        Value::Object(map) => {
            return match map.get("kind").and_then(Value::as_str) {
                Some(kind) if !kind.is_empty() => None,
                _ => Some(format!(
                    "{prefix} Object 'Kind' is missing in '{}'",
                    go_document_json(document)
                )),
            };
        }
        Value::Array(_) => "array",
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "bool",
        Value::Null => return None,
    };
    Some(format!(
        "{prefix} json: cannot unmarshal {go_type} into Go value of type map[string]interface {{}}"
    ))
}

/// A copy of the document with `apiVersion` and `kind` set, so that k8s-openapi's typed decoding (which
/// checks them) accepts what Go's would.
fn with_type(document: &Value, api_version: &str, kind: &str) -> Value {
    let mut doc = document.clone();
    if let Value::Object(map) = &mut doc {
        map.insert("apiVersion".into(), Value::String(api_version.into()));
        map.insert("kind".into(), Value::String(kind.into()));
    }
    doc
}

/// Reads the documents as `lintResource` does; the first decoding error ends the lint.
pub fn collect(documents: &[Value]) -> Result<Manifest, String> {
    let mut manifest = Manifest::default();
    for document in documents {
        if let Some(err) = unstructured_error(document) {
            return Err(err);
        }
        let api_version = document
            .get("apiVersion")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let kind = document.get("kind").and_then(Value::as_str).unwrap_or_default();
        let (group, version) = group_version(api_version);
        if group == "argoproj.io" && kind == "Rollout" {
            manifest.rollouts.push(decode_rollout(document)?);
        }
        let refs = &mut manifest.references;
        match (group, kind) {
            ("", "Service") => refs.service_with_type.push(ServiceWithType {
                service: decode_strict::<Service>(&with_type(document, "v1", "Service"))?,
                service_type: None,
            }),
            ("networking.istio.io", "VirtualService") => refs.virtual_services.push(document.clone()),
            ("networking.k8s.io" | "extensions", "Ingress") if version == "v1" => {
                let ingress =
                    decode_strict::<Ingress>(&with_type(document, "networking.k8s.io/v1", "Ingress"))?;
                refs.ingresses.push(IngressRef::Networking(Box::new(ingress)));
            }
            ("networking.k8s.io" | "extensions", "Ingress") if version == "v1beta1" => {
                let ingress = decode_strict::<LegacyIngress>(document)?;
                refs.ingresses.push(IngressRef::Extensions(Box::new(ingress)));
            }
            _ => {}
        }
    }
    Ok(manifest)
}

/// Strict decoding of a Rollout. A resource quantity Go cannot parse aborts Go's decoding, so its error
/// wins over an unknown field.
fn decode_rollout(document: &Value) -> Result<Rollout, String> {
    let strict = decode_strict::<Rollout>(document);
    let lenient = strict
        .as_ref()
        .ok()
        .cloned()
        .or_else(|| serde_json::from_value::<Rollout>(go_like_root(document.clone())).ok());
    if let Some(err) = lenient.and_then(|r| first_bad_template_quantity(&r.spec.template)) {
        return Err(format!("error unmarshaling JSON: while decoding JSON: {err}"));
    }
    strict
}

fn rollout_name(rollout: &Rollout) -> &str {
    rollout.metadata.name.as_deref().unwrap_or_default()
}

fn service_annotation(svc: &Service) -> &str {
    svc.metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(MANAGED_BY_ROLLOUTS_ANNOTATION))
        .map_or("", String::as_str)
}

fn object_annotation(obj: &Value) -> &str {
    obj.pointer("/metadata/annotations")
        .and_then(|a| a.get(MANAGED_BY_ROLLOUTS_ANNOTATION))
        .and_then(Value::as_str)
        .unwrap_or_default()
}

fn annotate_object(obj: &mut Value, rollout: &str) {
    let Value::Object(root) = obj else { return };
    let metadata = root
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    if !metadata.is_object() {
        *metadata = Value::Object(Map::new());
    }
    if let Value::Object(meta) = metadata {
        let annotations = meta
            .entry("annotations")
            .or_insert_with(|| Value::Object(Map::new()));
        if !annotations.is_object() {
            *annotations = Value::Object(Map::new());
        }
        if let Value::Object(a) = annotations {
            a.insert(
                MANAGED_BY_ROLLOUTS_ANNOTATION.into(),
                Value::String(rollout.into()),
            );
        }
    }
}

/// `setServiceTypeAndManagedAnnotation`: each Service a rollout names gets its role and the rollout's name
/// (a later rollout wins).
fn set_service_type_and_managed_annotation(rollouts: &[Rollout], services: &mut [ServiceWithType]) {
    for rollout in rollouts {
        for svc in services.iter_mut() {
            let name = svc.service.metadata.name.clone().unwrap_or_default();
            let mut roles = Vec::new();
            if let Some(c) = rollout.canary() {
                roles.push((c.canary_service == name, ServiceType::CanaryService));
                roles.push((c.stable_service == name, ServiceType::StableService));
                if let Some(pp) = &c.ping_pong {
                    roles.push((pp.ping_service == name, ServiceType::PingService));
                    roles.push((pp.pong_service == name, ServiceType::PongService));
                }
            }
            if let Some(bg) = rollout.blue_green() {
                roles.push((bg.active_service == name, ServiceType::ActiveService));
                roles.push((bg.preview_service == name, ServiceType::PreviewService));
            }
            let annotations = svc
                .service
                .metadata
                .annotations
                .get_or_insert_with(Default::default);
            for (matches, role) in roles {
                if matches {
                    svc.service_type = Some(role);
                    annotations.insert(
                        MANAGED_BY_ROLLOUTS_ANNOTATION.into(),
                        rollout_name(rollout).into(),
                    );
                }
            }
        }
    }
}

/// `setIngressManagedAnnotation`: an Ingress routing to the rollout's stable (or ALB/SMI root) Service gets
/// the rollout's name. As in Argo, the first rollout without traffic routing stops the whole pass.
fn set_ingress_managed_annotation(rollouts: &[Rollout], ingresses: &mut [IngressRef]) {
    for rollout in rollouts {
        for ingress in ingresses.iter_mut() {
            let Some(canary) = rollout.canary() else { return };
            let Some(tr) = &canary.traffic_routing else { return };
            let service = if tr.nginx.is_some() {
                canary.stable_service.as_str()
            } else if let Some(alb) = &tr.alb {
                if alb.root_service.is_empty() {
                    canary.stable_service.as_str()
                } else {
                    alb.root_service.as_str()
                }
            } else if let Some(smi) = &tr.smi {
                smi.root_service.as_str()
            } else {
                ""
            };
            if ingress.has_rule_with_service(service) {
                ingress.set_annotation(MANAGED_BY_ROLLOUTS_ANNOTATION, rollout_name(rollout));
            }
        }
    }
}

/// `setVirtualServiceManagedAnnotation`: a VirtualService the rollout's Istio routing names gets the
/// rollout's name. As in Argo, the first rollout without Istio routing stops the whole pass.
fn set_virtual_service_managed_annotation(rollouts: &[Rollout], virtual_services: &mut [Value]) {
    for rollout in rollouts {
        for vs in virtual_services.iter_mut() {
            let Some(istio) = rollout.traffic_routing().and_then(|t| t.istio.as_ref()) else {
                return;
            };
            let name = vs
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let named = istio.virtual_service.as_ref().is_some_and(|v| v.name == name)
                || istio.virtual_services.iter().any(|v| v.name == name);
            if named {
                annotate_object(vs, rollout_name(rollout));
            }
        }
    }
}

/// Sets the annotations, then pairs every rollout with the references annotated with its name
/// (`matchRolloutToReferences`).
pub fn match_references(mut manifest: Manifest) -> Vec<(Rollout, ReferencedResources)> {
    let refs = &mut manifest.references;
    set_service_type_and_managed_annotation(&manifest.rollouts, &mut refs.service_with_type);
    set_ingress_managed_annotation(&manifest.rollouts, &mut refs.ingresses);
    set_virtual_service_managed_annotation(&manifest.rollouts, &mut refs.virtual_services);
    let refs = &manifest.references;
    manifest
        .rollouts
        .into_iter()
        .map(|rollout| {
            let name = rollout_name(&rollout).to_owned();
            let matched = ReferencedResources {
                service_with_type: refs
                    .service_with_type
                    .iter()
                    .filter(|s| service_annotation(&s.service) == name)
                    .cloned()
                    .collect(),
                ingresses: refs
                    .ingresses
                    .iter()
                    .filter(|i| {
                        i.annotations()
                            .and_then(|a| a.get(MANAGED_BY_ROLLOUTS_ANNOTATION))
                            .map_or("", String::as_str)
                            == name
                    })
                    .cloned()
                    .collect(),
                virtual_services: refs
                    .virtual_services
                    .iter()
                    .filter(|v| object_annotation(v) == name)
                    .cloned()
                    .collect(),
                ..Default::default()
            };
            (rollout, matched)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn documents_must_be_objects_with_a_kind() {
        assert_eq!(
            unstructured_error(&json!({"metadata": {"name": "x"}, "apiVersion": "v1"})).as_deref(),
            Some(
                "error unmarshaling JSON: while decoding JSON: Object 'Kind' is missing in '{\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"x\"}}'"
            )
        );
        assert_eq!(
            unstructured_error(&json!("hello")).as_deref(),
            Some(
                "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type map[string]interface {}"
            )
        );
        assert_eq!(unstructured_error(&json!({"kind": "Service"})), None);
    }

    #[test]
    fn group_versions_parse_like_go() {
        assert_eq!(group_version("argoproj.io/v1alpha1"), ("argoproj.io", "v1alpha1"));
        assert_eq!(group_version("v1"), ("", "v1"));
        assert_eq!(group_version("a/b/c"), ("", ""));
    }

    #[test]
    fn services_get_role_and_owner() {
        let docs = vec![
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "stable"}}),
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "other"}}),
            json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "metadata": {"name": "ro"},
                   "spec": {"strategy": {"canary": {"stableService": "stable"}}}}),
        ];
        let pairs = match_references(collect(&docs).expect("collects"));
        assert_eq!(pairs.len(), 1);
        let services = &pairs[0].1.service_with_type;
        assert_eq!(services.len(), 1);
        assert_eq!(services[0].service_type, Some(ServiceType::StableService));
        let unknown = vec![json!({"apiVersion": "v1", "kind": "Service", "spec": {"bogus": 1}})];
        assert_eq!(
            collect(&unknown).err().as_deref(),
            Some("error unmarshaling JSON: while decoding JSON: json: unknown field \"bogus\"")
        );
    }
}
