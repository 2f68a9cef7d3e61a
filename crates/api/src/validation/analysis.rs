//! Analysis templates referenced by a rollout (`ValidateAnalysisTemplatesWithType` and
//! `ValidateAnalysisTemplateWithType`), with the pieces of `utils/analysis` they rely on: flattening several
//! templates into one run (`NewAnalysisRunFromTemplates`), argument building and merging, and metric
//! argument substitution (`ResolveMetricArgs`, fasttemplate `{{args.x}}`).

use std::collections::BTreeSet;

use super::field::{FieldError, FieldPath, go_quote};
use super::fieldpath::extract_field_path_as_string;
use super::references::{
    AnalysisTemplateType, AnalysisTemplatesWithType, analysis_template_with_type_field_path,
};
use crate::analysis::{AnalysisTemplateSpec, Argument, Metric};
use crate::common::{DryRun, MeasurementRetention};
use crate::defaults::int_value;
use crate::rollout::{AnalysisRunArgument, Rollout};

/// `FlattenTemplates` + `MergeArgs` + the dry-run and measurement-retention merges of
/// `NewAnalysisRunFromTemplates`: the error Argo would report, if any.
pub fn new_analysis_run_from_templates(
    templates: &[&AnalysisTemplateSpec],
    args: &[Argument],
    dry_run: &[DryRun],
    measurement_retention: &[MeasurementRetention],
) -> Result<(), String> {
    let mut names = BTreeSet::new();
    for metric in templates.iter().flat_map(|t| t.metrics.iter()) {
        if !names.insert(metric.name.as_str()) {
            return Err(format!("two metrics have the same name '{}'", metric.name));
        }
    }
    let template_dry_run: Vec<&DryRun> = templates.iter().flat_map(|t| t.dry_run.iter()).collect();
    unique(template_dry_run.iter().map(|d| d.metric_name.as_str()), "Dry-Run")?;
    let template_retention: Vec<&MeasurementRetention> = templates
        .iter()
        .flat_map(|t| t.measurement_retention.iter())
        .collect();
    unique(
        template_retention.iter().map(|m| m.metric_name.as_str()),
        "Measurement Retention",
    )?;
    let template_args = flatten_args(templates)?;
    merge_args(args, &template_args)?;
    unique(
        dry_run
            .iter()
            .map(|d| d.metric_name.as_str())
            .chain(template_dry_run.iter().map(|d| d.metric_name.as_str())),
        "Dry-Run",
    )?;
    unique(
        measurement_retention
            .iter()
            .map(|m| m.metric_name.as_str())
            .chain(template_retention.iter().map(|m| m.metric_name.as_str())),
        "Measurement Retention",
    )?;
    Ok(())
}

fn unique<'a>(names: impl Iterator<Item = &'a str>, what: &str) -> Result<(), String> {
    let mut seen = BTreeSet::new();
    for name in names {
        if !seen.insert(name) {
            return Err(format!("two {what} metric rules have the same name '{name}'"));
        }
    }
    Ok(())
}

/// `flattenArgs`: the templates' arguments by name; the same name must not carry two different values.
fn flatten_args(templates: &[&AnalysisTemplateSpec]) -> Result<Vec<Argument>, String> {
    let mut combined: Vec<Argument> = Vec::new();
    for arg in templates.iter().flat_map(|t| t.args.iter()) {
        if let Some(prev) = combined.iter_mut().find(|a| a.name == arg.name) {
            if let (Some(p), Some(n)) = (&prev.value, &arg.value)
                && p != n
            {
                return Err(format!(
                    "Argument `{}` specified multiple times with different values: '{p}', '{n}'",
                    prev.name
                ));
            }
            if prev.value.is_none() {
                *prev = arg.clone();
            }
        } else {
            combined.push(arg.clone());
        }
    }
    Ok(combined)
}

/// `MergeArgs`: incoming values override the templates' arguments of the same name; every argument must
/// then have a value or a `valueFrom`.
pub fn merge_args(incoming: &[Argument], template_args: &[Argument]) -> Result<Vec<Argument>, String> {
    let mut merged = template_args.to_vec();
    for arg in incoming {
        if let Some(target) = merged.iter_mut().find(|a| a.name == arg.name) {
            if arg.value.is_some() {
                target.value = arg.value.clone();
            } else if arg.value_from.is_some() {
                target.value_from = arg.value_from.clone();
            }
        }
    }
    if let Some(unresolved) = merged
        .iter()
        .find(|a| a.value.is_none() && a.value_from.is_none())
    {
        return Err(format!("args.{} was not resolved", unresolved.name));
    }
    Ok(merged)
}

/// `buildAnalysisArgs`: the rollout's arguments as the run would get them, with dummy pod-template hashes.
/// As in Argo, a `metadata...` field reference that cannot be resolved yields no arguments at all.
pub fn build_analysis_args(args: &[AnalysisRunArgument], rollout: &Rollout) -> Vec<Argument> {
    let mut out = Vec::new();
    for arg in args {
        let mut value = arg.value.clone();
        if let Some(from) = &arg.value_from {
            if let Some(hash) = &from.pod_template_hash_value {
                value = if hash.as_str() == "Latest" {
                    "dummy-new-hash".to_owned()
                } else if hash.as_str() == "Stable" {
                    "dummy-stable-hash".to_owned()
                } else {
                    value
                };
            } else if let Some(field_ref) = &from.field_ref {
                if field_ref.field_path.starts_with("metadata") {
                    match extract_field_path_as_string(&rollout.metadata, &field_ref.field_path) {
                        Ok(v) => value = v,
                        Err(_) => return Vec::new(),
                    }
                } else {
                    value = extract_value_from_rollout(rollout, &field_ref.field_path).unwrap_or_default();
                }
            }
        }
        out.push(Argument {
            name: arg.name.clone(),
            value: Some(value),
            value_from: None,
        });
    }
    out
}

/// `extractValueFromRollout`: a path like `spec.template.spec.containers[0].image` walked on the rollout's
/// JSON; it must end at a primitive value.
pub fn extract_value_from_rollout(rollout: &Rollout, path: &str) -> Result<String, String> {
    let mut value = serde_json::to_value(rollout).map_err(|e| e.to_string())?;
    for section in path.split(['.', '[', ']']).filter(|s| !s.is_empty()) {
        value = match value {
            serde_json::Value::Array(items) => {
                let i: usize = section
                    .parse()
                    .map_err(|_| format!("invalid index '{section}'"))?;
                items
                    .into_iter()
                    .nth(i)
                    .ok_or_else(|| format!("index {i} out of range"))?
            }
            serde_json::Value::Object(mut map) => map.remove(section).unwrap_or(serde_json::Value::Null),
            _ => return Err(format!("invalid path {path} in rollout")),
        };
    }
    match value {
        serde_json::Value::Null => Err(format!("invalid path {path} in rollout")),
        serde_json::Value::Array(_) | serde_json::Value::Object(_) => Err(format!(
            "path {path} in rollout must terminate in a primitive value"
        )),
        serde_json::Value::String(s) => Ok(s),
        other => Ok(other.to_string()),
    }
}

/// `ValidateAnalysisTemplatesWithType`.
pub fn validate_analysis_templates_with_type(
    rollout: &Rollout,
    templates: &AnalysisTemplatesWithType,
) -> Vec<FieldError> {
    let Some(path) =
        analysis_template_with_type_field_path(templates.template_type, templates.canary_step_index)
    else {
        return Vec::new();
    };
    let names: Vec<&str> = templates.names();
    let value = format!("templateNames: [{}]", names.join(" "));
    let specs: Vec<&AnalysisTemplateSpec> = templates.specs().collect();
    let args = build_analysis_args(&templates.args, rollout);
    if let Err(e) = new_analysis_run_from_templates(&specs, &args, &[], &[]) {
        return vec![FieldError::invalid(&path, value, e)];
    }
    for step in rollout.steps() {
        if let Some(analysis) = &step.analysis
            && let Err(e) = new_analysis_run_from_templates(
                &specs,
                &args,
                &analysis.dry_run,
                &analysis.measurement_retention,
            )
        {
            return vec![FieldError::invalid(&path, value, e)];
        }
    }
    let mut errs = Vec::new();
    for (name, spec) in names.iter().zip(specs) {
        errs.extend(validate_analysis_template_with_type(
            rollout,
            name,
            spec,
            templates.template_type,
            &path,
        ));
    }
    errs
}

/// `ValidateAnalysisTemplateWithType`: step and blue-green analyses must not run forever; a background
/// analysis's arguments without a value must be passed by the rollout. (Argo also writes the placeholder
/// values into the template it validates; that side effect is not reproduced.)
pub fn validate_analysis_template_with_type(
    rollout: &Rollout,
    template_name: &str,
    spec: &AnalysisTemplateSpec,
    template_type: AnalysisTemplateType,
    path: &FieldPath,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if template_type != AnalysisTemplateType::BackgroundAnalysis {
        let mut args = spec.args.clone();
        for arg in &mut args {
            if arg.value_from.is_none() && arg.value.is_none() {
                arg.value = Some("dummy-value".to_owned());
            }
        }
        match validate_analysis_metrics(&spec.metrics, &mut args) {
            Err(e) => errs.push(FieldError::invalid(
                path,
                template_name,
                format!("AnalysisTemplate {template_name}: {e}"),
            )),
            Ok(metrics) => {
                for metric in metrics {
                    if effective_count_is_nil(&metric) {
                        let count = metric.count.as_ref().map_or_else(
                            || "<nil>".to_owned(),
                            |c| match c {
                                k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(i) => {
                                    i.to_string()
                                }
                                k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String(s) => {
                                    s.clone()
                                }
                            },
                        );
                        errs.push(FieldError::invalid(
                            path,
                            template_name,
                            format!(
                                "AnalysisTemplate {template_name} has metric {} which runs indefinitely. Invalid value for count: {count}",
                                metric.name
                            ),
                        ));
                    }
                }
            }
        }
    } else {
        for arg in &spec.args {
            if arg.value.is_some() || arg.value_from.is_some() {
                continue;
            }
            let rollout_args = rollout
                .canary()
                .and_then(|c| c.analysis.as_ref())
                .map(|a| &a.args);
            match rollout_args.filter(|a| !a.is_empty()) {
                None => errs.push(FieldError::invalid(
                    path,
                    template_name,
                    "missing analysis arguments in rollout spec",
                )),
                Some(args) if !args.iter().any(|a| a.name == arg.name) => {
                    errs.push(FieldError::invalid(path, template_name, arg.name.clone()));
                }
                Some(_) => {}
            }
        }
    }
    errs
}

/// `Metric.EffectiveCount() == nil`: no (or a zero) count with an interval, i.e. the metric runs forever.
pub fn effective_count_is_nil(metric: &Metric) -> bool {
    metric.count.as_ref().is_none_or(|c| int_value(c) == 0) && !metric.interval.is_empty()
}

/// `validateAnalysisMetrics`: arguments with a `valueFrom` get a placeholder (both set is an error), then
/// every metric's `{{args.x}}` are substituted.
pub fn validate_analysis_metrics(metrics: &[Metric], args: &mut [Argument]) -> Result<Vec<Metric>, String> {
    for arg in args.iter_mut() {
        if arg.value_from.is_some() {
            if arg.value.is_some() {
                return Err(format!("arg '{}' has both Value and ValueFrom fields", arg.name));
            }
            arg.value = Some("dummy-value".to_owned());
        }
    }
    metrics.iter().map(|m| resolve_metric_args(m, args)).collect()
}

/// `ResolveMetricArgs`: substitutes `{{args.<name>}}` in the metric's JSON (values escaped as Go's
/// `strconv.Quote` does) and decodes the result.
pub fn resolve_metric_args(metric: &Metric, args: &[Argument]) -> Result<Metric, String> {
    let json = serde_json::to_vec(metric).map_err(|e| e.to_string())?;
    let json = String::from_utf8(crate::hash::go_html_escape(&json)).map_err(|e| e.to_string())?;
    let mut values = Vec::new();
    for arg in args {
        let Some(v) = &arg.value else {
            return Err(format!("argument \"{}\" was not supplied", arg.name));
        };
        let quoted = go_quote(v);
        values.push((
            format!("args.{}", arg.name),
            quoted[1..quoted.len() - 1].to_owned(),
        ));
    }
    let resolved = resolve_template(&json, &values)?;
    serde_json::from_str(&resolved).map_err(|e| e.to_string())
}

/// fasttemplate with `{{`/`}}`: tags are trimmed and looked up; an unresolved tag is replaced by nothing
/// and reported (the last one wins, as in Argo); an unterminated tag is a template error.
pub fn resolve_template(template: &str, values: &[(String, String)]) -> Result<String, String> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    let mut unresolved = None;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            return Err(format!(
                "cannot find end tag={} in the template={} starting from {}",
                go_quote("}}"),
                go_quote(template),
                go_quote(after)
            ));
        };
        let tag = &after[..end];
        match values.iter().find(|(k, _)| k == tag.trim()) {
            Some((_, v)) => out.push_str(v),
            None => unresolved = Some(format!("failed to resolve {{{{{tag}}}}}")),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    match unresolved {
        Some(e) => Err(e),
        None => Ok(out),
    }
}
