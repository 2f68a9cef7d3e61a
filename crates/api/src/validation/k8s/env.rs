//! Container environment: `ValidateEnv` (names and `valueFrom` sources) and `ValidateEnvFrom`
//! (Kubernetes v1.34 `core/validation`, with Argo's options: strict variable names, no `status.hostIPs`).

use k8s_openapi::api::core::v1::{EnvFromSource, EnvVar, ObjectFieldSelector, ResourceFieldSelector};

use super::names::{is_config_map_key, is_dns1123_subdomain, is_env_var_name, validate_qualified_name};
use crate::hash::canonical_quantity;
use crate::validation::field::{FieldError, FieldPath};

/// Field paths a container's `env[].valueFrom.fieldRef` may use (sorted, as Go lists them).
const ENV_FIELD_PATHS: [&str; 9] = [
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
];

/// Resources a container's `env[].valueFrom.resourceFieldRef` may name (sorted).
const RESOURCE_FIELD_PATHS: [&str; 6] = [
    "limits.cpu",
    "limits.ephemeral-storage",
    "limits.memory",
    "requests.cpu",
    "requests.ephemeral-storage",
    "requests.memory",
];

/// `ValidateEnv`.
pub fn validate_env(vars: &[EnvVar], path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (i, var) in vars.iter().enumerate() {
        let p = path.index(i);
        if var.name.is_empty() {
            errs.push(FieldError::required(&p.child("name"), ""));
        } else {
            errs.extend(
                is_env_var_name(&var.name)
                    .into_iter()
                    .map(|m| FieldError::invalid(&p.child("name"), &var.name, m)),
            );
        }
        errs.extend(validate_env_var_value_from(var, &p.child("valueFrom")));
    }
    errs
}

fn validate_env_var_value_from(var: &EnvVar, path: &FieldPath) -> Vec<FieldError> {
    let Some(from) = &var.value_from else {
        return Vec::new();
    };
    let mut errs = Vec::new();
    let mut sources = 0;
    if let Some(field_ref) = &from.field_ref {
        sources += 1;
        errs.extend(validate_object_field_selector(field_ref, &path.child("fieldRef")));
        if field_ref.field_path == "status.hostIPs" {
            errs.push(FieldError::forbidden(
                &path.child("fieldRef"),
                "may not be set when feature gate 'PodHostIPs' is not enabled",
            ));
        }
    }
    if let Some(resource_ref) = &from.resource_field_ref {
        sources += 1;
        errs.extend(validate_resource_field_selector(
            resource_ref,
            &path.child("resourceFieldRef"),
        ));
    }
    for (field, selector) in [
        (
            "configMapKeyRef",
            from.config_map_key_ref.as_ref().map(|s| (&s.name, &s.key)),
        ),
        (
            "secretKeyRef",
            from.secret_key_ref.as_ref().map(|s| (&s.name, &s.key)),
        ),
    ] {
        if let Some((name, key)) = selector {
            sources += 1;
            let p = path.child(field);
            errs.extend(
                is_dns1123_subdomain(name)
                    .into_iter()
                    .map(|m| FieldError::invalid(&p.child("name"), name, m)),
            );
            if key.is_empty() {
                errs.push(FieldError::required(&p.child("key"), ""));
            } else {
                errs.extend(
                    is_config_map_key(key)
                        .into_iter()
                        .map(|m| FieldError::invalid(&p.child("key"), key, m)),
                );
            }
        }
    }
    if sources == 0 {
        errs.push(FieldError::invalid(
            path,
            "",
            "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
        ));
    } else if var.value.as_deref().is_some_and(|v| !v.is_empty()) {
        errs.push(FieldError::invalid(
            path,
            "",
            "may not be specified when `value` is not empty",
        ));
    } else if sources > 1 {
        errs.push(FieldError::invalid(
            path,
            "",
            "may not have more than one field specified at a time",
        ));
    }
    errs
}

/// `fieldpath.SplitMaybeSubscriptedPath`: `metadata.labels['key']` is (`metadata.labels`, `key`).
pub fn split_maybe_subscripted_path(field_path: &str) -> Option<(&str, &str)> {
    let s = field_path.strip_suffix("']")?;
    let (path, subscript) = s.split_once("['")?;
    if path.is_empty() {
        None
    } else {
        Some((path, subscript))
    }
}

/// `podshelper.ConvertDownwardAPIFieldLabel` for `v1`, then the subscript and supported-path checks of
/// `validateObjectFieldSelector`.
fn validate_object_field_selector(fs: &ObjectFieldSelector, path: &FieldPath) -> Vec<FieldError> {
    // Kubernetes defaults the apiVersion to v1.
    let version = fs
        .api_version
        .as_deref()
        .filter(|v| !v.is_empty())
        .unwrap_or("v1");
    if fs.field_path.is_empty() {
        return vec![FieldError::required(&path.child("fieldPath"), "")];
    }
    let label = fs.field_path.as_str();
    let converted = if version != "v1" {
        Err(format!("unsupported pod version: {version}"))
    } else if let Some((p, _)) = split_maybe_subscripted_path(label) {
        if matches!(p, "metadata.annotations" | "metadata.labels") {
            Ok(label)
        } else {
            Err(format!("field label does not support subscript: {label}"))
        }
    } else {
        match label {
            "metadata.annotations"
            | "metadata.labels"
            | "metadata.name"
            | "metadata.namespace"
            | "metadata.uid"
            | "spec.nodeName"
            | "spec.restartPolicy"
            | "spec.serviceAccountName"
            | "spec.schedulerName"
            | "status.phase"
            | "status.hostIP"
            | "status.hostIPs"
            | "status.podIP"
            | "status.podIPs" => Ok(label),
            "spec.host" => Ok("spec.nodeName"),
            _ => Err(format!("field label not supported: {label}")),
        }
    };
    let internal = match converted {
        Ok(internal) => internal,
        Err(e) => {
            return vec![FieldError::invalid(
                &path.child("fieldPath"),
                label,
                format!("error converting fieldPath: {e}"),
            )];
        }
    };
    match split_maybe_subscripted_path(internal) {
        Some(("metadata.annotations", subscript)) => validate_qualified_name(&subscript.to_lowercase(), path),
        Some(("metadata.labels", subscript)) => validate_qualified_name(subscript, path),
        Some((p, _)) => vec![FieldError::invalid(path, p, "does not support subscript")],
        None if !ENV_FIELD_PATHS.contains(&internal) => {
            vec![FieldError::not_supported(
                &path.child("fieldPath"),
                internal,
                &ENV_FIELD_PATHS,
            )]
        }
        None => Vec::new(),
    }
}

/// `validateContainerResourceFieldSelector` (not in a volume) and `validateContainerResourceDivisor`.
fn validate_resource_field_selector(fs: &ResourceFieldSelector, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let resource = fs.resource.as_str();
    let hugepages = resource.starts_with("requests.hugepages-") || resource.starts_with("limits.hugepages-");
    if resource.is_empty() {
        errs.push(FieldError::required(&path.child("resource"), ""));
    } else if !RESOURCE_FIELD_PATHS.contains(&resource) && !hugepages {
        errs.push(FieldError::not_supported(
            &path.child("resource"),
            resource,
            &RESOURCE_FIELD_PATHS,
        ));
    }
    let Some(divisor) = fs.divisor.as_ref().and_then(|d| canonical_quantity(&d.0).ok()) else {
        return errs;
    };
    if divisor == "0" {
        return errs;
    }
    const MEMORY: [&str; 13] = [
        "1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei",
    ];
    const SUFFIX: &str = "1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the";
    let div_path = path.child("divisor");
    match resource {
        "limits.cpu" | "requests.cpu" if !["1m", "1"].contains(&divisor.as_str()) => {
            errs.push(FieldError::invalid(
                &div_path,
                resource,
                "only divisor's values 1m and 1 are supported with the cpu resource",
            ))
        }
        "limits.memory" | "requests.memory" if !MEMORY.contains(&divisor.as_str()) => {
            errs.push(FieldError::invalid(
                &div_path,
                resource,
                format!("only divisor's values {SUFFIX} memory resource"),
            ))
        }
        "limits.ephemeral-storage" | "requests.ephemeral-storage" if !MEMORY.contains(&divisor.as_str()) => {
            errs.push(FieldError::invalid(
                &div_path,
                resource,
                format!("only divisor's values {SUFFIX} local ephemeral storage resource"),
            ));
        }
        _ => {}
    }
    if hugepages && !MEMORY.contains(&divisor.as_str()) {
        errs.push(FieldError::invalid(
            &div_path,
            resource,
            format!("only divisor's values {SUFFIX} hugepages resource"),
        ));
    }
    errs
}

/// `NameIsDNSSubdomain(name, prefix=true)`: a trailing `-` is allowed (it will be followed by more).
fn validate_prefix_name(name: &str, path: &FieldPath) -> Vec<FieldError> {
    let masked = match name.strip_suffix('-') {
        Some(rest) if name.len() > 1 => format!("{rest}a"),
        _ => name.to_owned(),
    };
    is_dns1123_subdomain(&masked)
        .into_iter()
        .map(|m| FieldError::invalid(path, name, m))
        .collect()
}

/// `ValidateEnvFrom`.
pub fn validate_env_from(sources: &[EnvFromSource], path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (i, source) in sources.iter().enumerate() {
        let p = path.index(i);
        if let Some(prefix) = source.prefix.as_deref().filter(|s| !s.is_empty()) {
            errs.extend(
                is_env_var_name(prefix)
                    .into_iter()
                    .map(|m| FieldError::invalid(&p.child("prefix"), prefix, m)),
            );
        }
        let mut count = 0;
        for (field, name) in [
            ("configMapRef", source.config_map_ref.as_ref().map(|r| &r.name)),
            ("secretRef", source.secret_ref.as_ref().map(|r| &r.name)),
        ] {
            if let Some(name) = name {
                count += 1;
                let name_path = p.child(field).child("name");
                if name.is_empty() {
                    errs.push(FieldError::required(&name_path, ""));
                } else {
                    errs.extend(validate_prefix_name(name, &name_path));
                }
            }
        }
        if count == 0 {
            errs.push(FieldError::invalid(
                path,
                "",
                "must specify one of: `configMapRef` or `secretRef`",
            ));
        } else if count > 1 {
            errs.push(FieldError::invalid(
                path,
                "",
                "may not have more than one field specified at a time",
            ));
        }
    }
    errs
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::core::v1::EnvVarSource;

    use super::*;

    fn field_ref(path: &str) -> EnvVar {
        EnvVar {
            name: "X".into(),
            value_from: Some(EnvVarSource {
                field_ref: Some(ObjectFieldSelector {
                    api_version: None,
                    field_path: path.into(),
                }),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn env_field_refs() {
        let p = FieldPath::new(&["env"]);
        assert!(validate_env(&[field_ref("metadata.name")], &p).is_empty());
        assert!(validate_env(&[field_ref("metadata.labels['app']")], &p).is_empty());
        let errs = validate_env(&[field_ref("spec.restartPolicy")], &p);
        assert_eq!(
            errs[0].to_string(),
            "env[0].valueFrom.fieldRef.fieldPath: Unsupported value: \"spec.restartPolicy\": supported values: \"metadata.name\", \"metadata.namespace\", \"metadata.uid\", \"spec.nodeName\", \"spec.serviceAccountName\", \"status.hostIP\", \"status.hostIPs\", \"status.podIP\", \"status.podIPs\""
        );
        let errs = validate_env(&[field_ref("foo")], &p);
        assert_eq!(
            errs[0].to_string(),
            "env[0].valueFrom.fieldRef.fieldPath: Invalid value: \"foo\": error converting fieldPath: field label not supported: foo"
        );
        let errs = validate_env(&[field_ref("status.hostIPs")], &p);
        assert_eq!(errs.len(), 1);
        assert_eq!(
            errs[0].error_body(),
            "Forbidden: may not be set when feature gate 'PodHostIPs' is not enabled"
        );
        let empty = EnvVar {
            name: "1BAD".into(),
            value_from: Some(EnvVarSource::default()),
            ..Default::default()
        };
        let errs = validate_env(&[empty], &p);
        assert_eq!(errs.len(), 2);
        assert_eq!(
            errs[1].to_string(),
            "env[0].valueFrom: Invalid value: \"\": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"
        );
    }
}
