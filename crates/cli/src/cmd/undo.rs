//! `undo ROLLOUT [--to-revision N]`: Argo's rollback (`cmd/undo/undo.go`). Finds the ReplicaSet of the
//! revision (default: the previous one) among those the rollout controls, and replaces `/spec/template`
//! of the Rollout (or of its `workloadRef`) with that ReplicaSet's template, without the pod-template-hash
//! label, by a JSON patch. Skips when the current template already matches (Go's semantic
//! `DeepDerivative`, ignoring the hash label).

use std::io::Write;

use anyhow::{Context, anyhow, bail};
use clap::Args;
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::PodTemplate;
use kube::Api;
use kube::api::{ListParams, Patch, PatchParams};
use rollouts_api::Rollout;
use rollouts_api::keys::{POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION};
use serde_json::{Value, json};

use super::kube_opts::Invocation;

/// Flags of `undo`.
#[derive(Debug, Clone, Args)]
pub struct UndoArgs {
    /// Name of the rollout
    #[arg(value_name = "ROLLOUT_NAME")]
    pub name: String,
    /// The revision to rollback to. Default to 0 (last revision).
    #[arg(long, default_value_t = 0)]
    pub to_revision: i64,
}

/// Go's `apiequality.Semantic.DeepDerivative` on JSON: unset (empty) fields of `a` match anything.
pub fn deep_derivative(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, _) => true,
        (Value::Object(a), _) if a.is_empty() => true,
        (Value::Object(a), Value::Object(b)) => {
            a.len() <= b.len()
                && a.iter()
                    .all(|(k, v)| b.get(k).is_some_and(|w| deep_derivative(v, w)))
        }
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(v, w)| deep_derivative(v, w))
        }
        (Value::String(a), _) if a.is_empty() => true,
        (a, b) => a == b,
    }
}

fn drop_hash_label(template: &mut Value) {
    if let Some(labels) = template
        .pointer_mut("/metadata/labels")
        .and_then(Value::as_object_mut)
    {
        labels.remove(POD_TEMPLATE_HASH_LABEL);
    }
}

/// The revision of a ReplicaSet: its annotation, 0 without one, None when unparsable.
fn revision(rs: &ReplicaSet) -> Option<i64> {
    match rs
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(REVISION_ANNOTATION))
    {
        None => Some(0),
        Some(v) => v.parse().ok(),
    }
}

/// `rolloutRevision`: the ReplicaSet of `to_revision`, or the second newest one for 0.
pub fn pick_revision<'a>(
    name: &str,
    rss: &'a [ReplicaSet],
    to_revision: i64,
) -> anyhow::Result<&'a ReplicaSet> {
    let (mut latest, mut latest_rev) = (None, -1);
    let (mut previous, mut previous_rev) = (None, -1);
    for rs in rss {
        let Some(v) = revision(rs) else { continue };
        if to_revision == 0 {
            if latest_rev < v {
                (previous, previous_rev) = (latest, latest_rev);
                (latest, latest_rev) = (Some(rs), v);
            } else if previous_rev < v {
                (previous, previous_rev) = (Some(rs), v);
            }
        } else if to_revision == v {
            return Ok(rs);
        }
    }
    if to_revision > 0 {
        bail!("unable to find specified revision {to_revision} in history");
    }
    let _ = latest;
    previous.ok_or_else(|| anyhow!("no revision found for rollout {name:?}"))
}

/// A label selector as a list selector string (`k=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`).
fn selector_string(ro: &Rollout) -> String {
    let mut parts = Vec::new();
    let Some(sel) = &ro.spec.selector else {
        return String::new();
    };
    for (k, v) in sel.match_labels.iter().flatten() {
        parts.push(format!("{k}={v}"));
    }
    for e in sel.match_expressions.iter().flatten() {
        let values = e.values.clone().unwrap_or_default().join(",");
        parts.push(match e.operator.as_str() {
            "In" => format!("{} in ({values})", e.key),
            "NotIn" => format!("{} notin ({values})", e.key),
            "DoesNotExist" => format!("!{}", e.key),
            _ => e.key.clone(),
        });
    }
    parts.join(",")
}

/// Runs `undo`; the output is Argo's (the skip message has no trailing newline, as in Argo).
pub async fn run(inv: &Invocation, args: &UndoArgs, out: &mut impl Write) -> anyhow::Result<()> {
    let ro_api: Api<Rollout> = Api::namespaced(inv.client.clone(), &inv.namespace);
    let raw: Api<kube::api::DynamicObject> = Api::namespaced_with(
        inv.client.clone(),
        &inv.namespace,
        &kube::api::ApiResource::erase::<Rollout>(&()),
    );
    let ro_raw = raw.get(&args.name).await?;
    let ro = ro_api.get(&args.name).await?;
    let rs_api: Api<ReplicaSet> = Api::namespaced(inv.client.clone(), &inv.namespace);
    let all = rs_api
        .list(&ListParams::default().labels(&selector_string(&ro)))
        .await
        .map_err(|e| anyhow!("failed to retrieve replica sets from rollout {}: {e}", args.name))?;
    let uid = ro.metadata.uid.clone().unwrap_or_default();
    let owned: Vec<ReplicaSet> = all
        .items
        .into_iter()
        .filter(|rs| {
            rs.metadata
                .owner_references
                .iter()
                .flatten()
                .any(|o| o.controller == Some(true) && o.uid == uid)
        })
        .collect();
    let rs = pick_revision(&args.name, &owned, args.to_revision)?;
    let mut rs_template =
        serde_json::to_value(&rs.spec.template).context("serialising the ReplicaSet template")?;
    let mut ro_template = ro_raw
        .data
        .pointer("/spec/template")
        .cloned()
        .unwrap_or(Value::Null);
    drop_hash_label(&mut rs_template);
    drop_hash_label(&mut ro_template);
    if !ro_template.is_null() && deep_derivative(&ro_template, &rs_template) {
        write!(
            out,
            "skipped rollback (current template already matches revision {})",
            args.to_revision
        )?;
        return Ok(());
    }
    let patch: json_patch::Patch = serde_json::from_value(json!([
        {"op": "replace", "path": "/spec/template", "value": rs_template}
    ]))
    .context("building the patch")?;
    let patch = Patch::Json::<()>(patch);
    let pp = PatchParams::default();
    let ns = &inv.namespace;
    let restored = match &ro.spec.workload_ref {
        Some(w) => match w.kind.as_str() {
            "Deployment" => Api::<Deployment>::namespaced(inv.client.clone(), ns)
                .patch(&w.name, &pp, &patch)
                .await
                .map(drop),
            "ReplicaSet" => rs_api.patch(&w.name, &pp, &patch).await.map(drop),
            "PodTemplate" => Api::<PodTemplate>::namespaced(inv.client.clone(), ns)
                .patch(&w.name, &pp, &patch)
                .await
                .map(drop),
            other => bail!("workload of type {other} is not supported"),
        },
        None => ro_api.patch(&args.name, &pp, &patch).await.map(drop),
    };
    restored.map_err(|e| anyhow!("failed restoring revision {}: {e}", args.to_revision))?;
    writeln!(out, "rollout '{}' undo", args.name)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_derivative_ignores_unset_fields_of_the_first() {
        let rs = json!({"metadata": {"labels": {"a": "1"}}, "spec": {"containers": [{"name": "c", "image": "x", "resources": {}}]}});
        assert!(deep_derivative(
            &json!({"spec": {"containers": [{"name": "c", "image": "x"}]}}),
            &rs
        ));
        assert!(!deep_derivative(
            &json!({"spec": {"containers": [{"name": "c", "image": "y"}]}}),
            &rs
        ));
        assert!(!deep_derivative(
            &json!({"metadata": {"labels": {"b": "1"}}}),
            &rs
        ));
    }

    fn rs(rev: Option<&str>, name: &str) -> ReplicaSet {
        let mut rs = ReplicaSet::default();
        rs.metadata.name = Some(name.into());
        if let Some(rev) = rev {
            rs.metadata.annotations = Some([(REVISION_ANNOTATION.to_string(), rev.to_string())].into());
        }
        rs
    }

    #[test]
    fn picks_the_previous_or_the_named_revision() {
        let rss = [
            rs(Some("1"), "a"),
            rs(Some("3"), "c"),
            rs(Some("2"), "b"),
            rs(Some("x"), "bad"),
        ];
        assert_eq!(
            pick_revision("ro", &rss, 0).unwrap().metadata.name.as_deref(),
            Some("b")
        );
        assert_eq!(
            pick_revision("ro", &rss, 1).unwrap().metadata.name.as_deref(),
            Some("a")
        );
        assert_eq!(
            pick_revision("ro", &rss, 7).unwrap_err().to_string(),
            "unable to find specified revision 7 in history"
        );
        assert_eq!(
            pick_revision("ro", &rss[..1], 0).unwrap_err().to_string(),
            "no revision found for rollout \"ro\""
        );
    }
}
