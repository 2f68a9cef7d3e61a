//! Label selectors: `metav1/validation.ValidateLabelSelector` (errors with Kubernetes' messages) and
//! `metav1.LabelSelectorAsSelector` + `labels.Selector.Matches` (conversion and matching).

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use super::names::{is_qualified_name, is_valid_label_value, validate_label_name, validate_labels};
use crate::validation::field::{FieldError, FieldPath};

/// `ValidateLabelSelector` with Argo's options (invalid label values in expressions are errors).
pub fn validate_label_selector(selector: Option<&LabelSelector>, path: &FieldPath) -> Vec<FieldError> {
    let Some(selector) = selector else {
        return Vec::new();
    };
    let mut errs = validate_labels(selector.match_labels.as_ref(), &path.child("matchLabels"));
    for (i, expr) in selector.match_expressions.iter().flatten().enumerate() {
        let p = path.child("matchExpressions").index(i);
        let values = expr.values.as_deref().unwrap_or_default();
        match expr.operator.as_str() {
            "In" | "NotIn" => {
                if values.is_empty() {
                    errs.push(FieldError::required(
                        &p.child("values"),
                        "must be specified when `operator` is 'In' or 'NotIn'",
                    ));
                }
            }
            "Exists" | "DoesNotExist" => {
                if !values.is_empty() {
                    errs.push(FieldError::forbidden(
                        &p.child("values"),
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    ));
                }
            }
            op => errs.push(FieldError::invalid(
                &p.child("operator"),
                op,
                "not a valid selector operator",
            )),
        }
        errs.extend(validate_label_name(&expr.key, &p.child("key")));
        for (j, value) in values.iter().enumerate() {
            errs.extend(
                is_valid_label_value(value)
                    .into_iter()
                    .map(|m| FieldError::invalid(&p.child("values").index(j), value, m)),
            );
        }
    }
    errs
}

/// One requirement of a converted selector (`labels.Requirement`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Requirement {
    /// The label has this value (from `matchLabels`).
    Equals(String, String),
    /// The label has one of the values.
    In(String, Vec<String>),
    /// The label is absent or has none of the values.
    NotIn(String, Vec<String>),
    /// The label is present.
    Exists(String),
    /// The label is absent.
    DoesNotExist(String),
}

/// A converted label selector (`labels.Selector`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selector {
    /// `labels.Nothing()`: from a nil selector; matches nothing and is not empty.
    Nothing,
    /// `labels.Everything()`: from a selector without requirements; matches everything and is empty.
    Everything,
    /// The requirements, all of which must hold.
    Requirements(Vec<Requirement>),
}

impl Selector {
    /// `Selector.Empty()`.
    pub fn is_empty(&self) -> bool {
        matches!(self, Self::Everything)
    }

    /// `Selector.Matches(labels.Set(labels))`.
    pub fn matches(&self, labels: Option<&BTreeMap<String, String>>) -> bool {
        let empty = BTreeMap::new();
        let labels = labels.unwrap_or(&empty);
        match self {
            Self::Nothing => false,
            Self::Everything => true,
            Self::Requirements(reqs) => reqs.iter().all(|r| match r {
                Requirement::Equals(k, v) => labels.get(k) == Some(v),
                Requirement::In(k, vs) => labels.get(k).is_some_and(|v| vs.contains(v)),
                Requirement::NotIn(k, vs) => labels.get(k).is_none_or(|v| !vs.contains(v)),
                Requirement::Exists(k) => labels.contains_key(k),
                Requirement::DoesNotExist(k) => !labels.contains_key(k),
            }),
        }
    }
}

/// `labels.NewRequirement`'s checks: the key is a qualified name and the values fit the operator.
fn check_requirement(key: &str, values: &[String], needs_values: Option<bool>) -> Result<(), String> {
    if let Some(msg) = is_qualified_name(key).into_iter().next() {
        return Err(format!(
            "key: Invalid value: {}: {msg}",
            crate::validation::field::go_quote(key)
        ));
    }
    match needs_values {
        Some(true) if values.is_empty() => {
            return Err(
                "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty".into(),
            );
        }
        Some(false) if !values.is_empty() => {
            return Err(
                "values: Invalid value: values set must be empty for exists and does not exist".into(),
            );
        }
        _ => {}
    }
    for v in values {
        if let Some(msg) = is_valid_label_value(v).into_iter().next() {
            return Err(format!(
                "values[0]: Invalid value: {}: {msg}",
                crate::validation::field::go_quote(v)
            ));
        }
    }
    Ok(())
}

/// `metav1.LabelSelectorAsSelector`: `None` is [`Selector::Nothing`], a selector without requirements is
/// [`Selector::Everything`]; an unknown operator, an invalid key or value, or values that do not fit the
/// operator are errors.
pub fn label_selector_as_selector(selector: Option<&LabelSelector>) -> Result<Selector, String> {
    let Some(selector) = selector else {
        return Ok(Selector::Nothing);
    };
    let labels = selector.match_labels.as_ref();
    let exprs = selector.match_expressions.as_deref().unwrap_or_default();
    if labels.is_none_or(BTreeMap::is_empty) && exprs.is_empty() {
        return Ok(Selector::Everything);
    }
    let mut reqs = Vec::new();
    for (k, v) in labels.into_iter().flatten() {
        check_requirement(k, std::slice::from_ref(v), None)?;
        reqs.push(Requirement::Equals(k.clone(), v.clone()));
    }
    for expr in exprs {
        let values = expr.values.clone().unwrap_or_default();
        let key = expr.key.clone();
        let req = match expr.operator.as_str() {
            "In" => {
                check_requirement(&key, &values, Some(true))?;
                Requirement::In(key, values)
            }
            "NotIn" => {
                check_requirement(&key, &values, Some(true))?;
                Requirement::NotIn(key, values)
            }
            "Exists" => {
                check_requirement(&key, &values, Some(false))?;
                Requirement::Exists(key)
            }
            "DoesNotExist" => {
                check_requirement(&key, &values, Some(false))?;
                Requirement::DoesNotExist(key)
            }
            op => {
                return Err(format!(
                    "{} is not a valid label selector operator",
                    crate::validation::field::go_quote(op)
                ));
            }
        };
        reqs.push(req);
    }
    Ok(Selector::Requirements(reqs))
}

#[cfg(test)]
mod tests {
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelectorRequirement;

    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect()
    }

    #[test]
    fn conversion_and_matching() {
        assert_eq!(label_selector_as_selector(None), Ok(Selector::Nothing));
        assert!(!Selector::Nothing.matches(None));
        assert_eq!(
            label_selector_as_selector(Some(&LabelSelector::default())),
            Ok(Selector::Everything)
        );
        let sel = LabelSelector {
            match_labels: Some(labels(&[("app", "a")])),
            match_expressions: Some(vec![LabelSelectorRequirement {
                key: "tier".into(),
                operator: "NotIn".into(),
                values: Some(vec!["db".into()]),
            }]),
        };
        let s = label_selector_as_selector(Some(&sel)).expect("valid");
        assert!(s.matches(Some(&labels(&[("app", "a")]))));
        assert!(!s.matches(Some(&labels(&[("app", "a"), ("tier", "db")]))));
        assert!(!s.matches(Some(&labels(&[("app", "b")]))));
        let bad = LabelSelector {
            match_expressions: Some(vec![LabelSelectorRequirement {
                key: "k".into(),
                operator: "Gt".into(),
                values: None,
            }]),
            ..Default::default()
        };
        assert_eq!(
            label_selector_as_selector(Some(&bad)),
            Err("\"Gt\" is not a valid label selector operator".to_owned())
        );
        let errs = validate_label_selector(Some(&bad), &FieldPath::new(&["spec", "selector"]));
        assert_eq!(
            errs[0].to_string(),
            "spec.selector.matchExpressions[0].operator: Invalid value: \"Gt\": not a valid selector operator"
        );
    }
}
