//! Container resources: `ValidateResourceRequirements` (resource names, non-negative quantities, integer
//! extended resources, requests not above limits, HugePages need cpu or memory), Kubernetes v1.34.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ResourceRequirements;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use super::names::is_qualified_name;
use crate::hash::{QuantityError, canonical_quantity, compare_quantities};
use crate::validation::field::{FieldError, FieldPath};

/// `helper.IsStandardResourceName` (without the container restriction).
const STANDARD_RESOURCES: [&str; 20] = [
    "cpu",
    "memory",
    "ephemeral-storage",
    "requests.cpu",
    "requests.memory",
    "requests.ephemeral-storage",
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
    "storage",
    "requests.storage",
    "pods",
    "services",
    "replicationcontrollers",
    "resourcequotas",
    "secrets",
    "configmaps",
    "persistentvolumeclaims",
    "services.nodeports",
    "services.loadbalancers",
];

fn is_hugepages(name: &str) -> bool {
    name.starts_with("hugepages-")
}

/// `IsNativeResource`: no domain, or a `kubernetes.io/` domain.
fn is_native(name: &str) -> bool {
    !name.contains('/') || name.contains("kubernetes.io/")
}

/// `IsExtendedResourceName`: a fully-qualified, non-native name that is also valid with `requests.`.
fn is_extended(name: &str) -> bool {
    !is_native(name)
        && !name.starts_with("requests.")
        && is_qualified_name(&format!("requests.{name}")).is_empty()
}

/// `IsOvercommitAllowed`: native resources other than HugePages.
fn overcommit_allowed(name: &str) -> bool {
    is_native(name) && !is_hugepages(name)
}

/// `validateContainerResourceName`.
fn validate_container_resource_name(name: &str, path: &FieldPath) -> Vec<FieldError> {
    let mut errs: Vec<FieldError> = is_qualified_name(name)
        .into_iter()
        .map(|m| FieldError::invalid(path, name, m))
        .collect();
    if errs.is_empty() && !name.contains('/') && !STANDARD_RESOURCES.contains(&name) && !is_hugepages(name) {
        errs.push(FieldError::invalid(
            path,
            name,
            "must be a standard resource type or fully qualified",
        ));
    }
    if !name.contains('/') {
        if !matches!(name, "cpu" | "memory" | "ephemeral-storage") && !is_hugepages(name) {
            errs.push(FieldError::invalid(
                path,
                name,
                "must be a standard resource for containers",
            ));
        }
    } else if !is_native(name) && !is_extended(name) {
        errs.push(FieldError::invalid(
            path,
            name,
            "doesn't follow extended resource name standard",
        ));
    }
    errs
}

/// `ValidateResourceQuantityValue`: not negative, and whole for integer (extended) resources.
fn validate_quantity_value(name: &str, canonical: &str, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if canonical.starts_with('-') {
        errs.push(FieldError::invalid(
            path,
            canonical,
            "must be greater than or equal to 0",
        ));
    }
    let fractional = canonical.ends_with('m')
        || canonical.ends_with('u')
        || canonical.ends_with('n')
        || canonical.contains("e-");
    if is_extended(name) && fractional {
        errs.push(FieldError::invalid(path, canonical, "must be an integer"));
    }
    errs
}

/// The first resource quantity of the template that Go's `resource.ParseQuantity` rejects, with the parse
/// error: Go fails to decode such a template, so Argo reports only this.
pub fn first_bad_quantity<'a>(
    lists: impl IntoIterator<Item = &'a BTreeMap<String, Quantity>>,
) -> Option<QuantityError> {
    lists
        .into_iter()
        .flat_map(|l| l.values())
        .find_map(|q| canonical_quantity(&q.0).err())
}

/// `ValidateResourceRequirements` (quantities are assumed to parse, see [`first_bad_quantity`]).
pub fn validate_resource_requirements(req: &ResourceRequirements, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let lim_path = path.child("limits");
    let req_path = path.child("requests");
    let empty = BTreeMap::new();
    let limits = req.limits.as_ref().unwrap_or(&empty);
    let requests = req.requests.as_ref().unwrap_or(&empty);
    let (mut lim_cpu_mem, mut req_cpu_mem, mut lim_huge, mut req_huge) = (false, false, false, false);
    for (name, q) in limits {
        let p = lim_path.key(name);
        errs.extend(validate_container_resource_name(name, &p));
        let canonical = canonical_quantity(&q.0).unwrap_or_else(|_| q.0.clone());
        errs.extend(validate_quantity_value(name, &canonical, &p));
        lim_huge |= is_hugepages(name);
        lim_cpu_mem |= matches!(name.as_str(), "cpu" | "memory");
    }
    for (name, q) in requests {
        let p = req_path.key(name);
        errs.extend(validate_container_resource_name(name, &p));
        let canonical = canonical_quantity(&q.0).unwrap_or_else(|_| q.0.clone());
        errs.extend(validate_quantity_value(name, &canonical, &p));
        if let Some(limit) = limits.get(name) {
            let limit_canonical = canonical_quantity(&limit.0).unwrap_or_else(|_| limit.0.clone());
            let ordering = compare_quantities(&q.0, &limit.0).unwrap_or(Ordering::Equal);
            if ordering != Ordering::Equal && !overcommit_allowed(name) {
                errs.push(FieldError::invalid(
                    &req_path,
                    canonical,
                    format!("must be equal to {name} limit of {limit_canonical}"),
                ));
            } else if ordering == Ordering::Greater {
                errs.push(FieldError::invalid(
                    &req_path,
                    canonical,
                    format!("must be less than or equal to {name} limit of {limit_canonical}"),
                ));
            }
        } else if !overcommit_allowed(name) {
            errs.push(FieldError::required(
                &lim_path,
                "Limit must be set for non overcommitable resources",
            ));
        }
        req_huge |= is_hugepages(name);
        req_cpu_mem |= matches!(name.as_str(), "cpu" | "memory");
    }
    if !lim_cpu_mem && !req_cpu_mem && (req_huge || lim_huge) {
        errs.push(FieldError::forbidden(path, "HugePages require cpu or memory"));
    }
    for (i, claim) in req.claims.iter().flatten().enumerate() {
        // Pod templates of a Rollout cannot declare resourceClaims that Argo validates; Kubernetes then
        // reports every claim as unknown.
        let p = path.child("claims").index(i);
        if claim.name.is_empty() {
            errs.push(FieldError::required(&p, ""));
        }
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Quantity {
        Quantity(s.to_owned())
    }

    #[test]
    fn requests_above_limits() {
        let req = ResourceRequirements {
            limits: Some([("cpu".to_owned(), q("500m"))].into()),
            requests: Some([("cpu".to_owned(), q("1")), ("memory".to_owned(), q("16Mi"))].into()),
            ..Default::default()
        };
        let errs = validate_resource_requirements(&req, &FieldPath::new(&["resources"]));
        assert_eq!(errs.len(), 1);
        assert_eq!(
            errs[0].to_string(),
            "resources.requests: Invalid value: \"1\": must be less than or equal to cpu limit of 500m"
        );
    }

    #[test]
    fn names_and_extended_resources() {
        let req = ResourceRequirements {
            requests: Some([("gpu".to_owned(), q("1")), ("nvidia.com/gpu".to_owned(), q("1"))].into()),
            ..Default::default()
        };
        let errs: Vec<String> = validate_resource_requirements(&req, &FieldPath::new(&["r"]))
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            errs,
            vec![
                "r.requests[gpu]: Invalid value: \"gpu\": must be a standard resource type or fully qualified",
                "r.requests[gpu]: Invalid value: \"gpu\": must be a standard resource for containers",
                "r.limits: Required value: Limit must be set for non overcommitable resources",
            ]
        );
        let neg = ResourceRequirements {
            limits: Some([("memory".to_owned(), q("-1"))].into()),
            ..Default::default()
        };
        let errs = validate_resource_requirements(&neg, &FieldPath::new(&["r"]));
        assert_eq!(
            errs[0].to_string(),
            "r.limits[memory]: Invalid value: \"-1\": must be greater than or equal to 0"
        );
        assert_eq!(
            first_bad_quantity([&[("cpu".to_owned(), q("x"))].into()]),
            Some(QuantityError::FormatWrong)
        );
    }
}
