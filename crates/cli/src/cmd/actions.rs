//! The commands that drive a rollout by one merge patch (or a short sequence of them), exactly as Argo's
//! `pause`, `abort`, `retry rollout`, `promote` and `restart` do (`pkg/kubectl-argo-rollouts/cmd/*`): the same
//! patch bodies, the same status-subresource-first order with the fallback to the main resource on
//! NotFound, and the same output lines.

use std::io::Write;

use anyhow::bail;
use clap::Args;
use kube::Api;
use kube::api::{Patch, PatchParams};
use rollouts_api::enums::AnalysisPhase;
use rollouts_api::{DurationString, Rollout};
use serde_json::{Value, json};

use super::kube_opts::Invocation;

/// Flags of `promote`.
#[derive(Debug, Clone, Args)]
pub struct PromoteArgs {
    /// Name of the rollout
    pub name: String,
    /// Skip currently running canary step (deprecated: use without the flag instead ex: promote ROLLOUT_NAME)
    #[arg(short = 'c', long, hide = true)]
    pub skip_current_step: bool,
    /// Skip remaining steps (deprecated: use --full instead)
    #[arg(short = 'a', long, hide = true)]
    pub skip_all_steps: bool,
    /// Perform a full promotion, skipping analysis, pauses, and steps
    #[arg(long)]
    pub full: bool,
}

/// Flags of `restart`.
#[derive(Debug, Clone, Args)]
pub struct RestartArgs {
    /// Name of the rollout
    pub name: String,
    /// Amount of time before a restart. (e.g. 30s, 5m, 1h)
    #[arg(short = 'i', long = "in")]
    pub in_: Option<String>,
}

const USE_BOTH_SKIP_FLAGS_ERROR: &str =
    "Cannot use skip-current-step and skip-all-steps flags at the same time";
const SKIP_FLAGS_WITH_BLUE_GREEN_ERROR: &str =
    "Cannot skip steps of a bluegreen rollout. Run without a flags";
const SKIP_FLAG_WITH_NO_STEP_CANARY_ERROR: &str = "Cannot skip steps of a rollout without steps";

fn rollouts(inv: &Invocation) -> Api<Rollout> {
    Api::namespaced(inv.client.clone(), &inv.namespace)
}

fn is_not_found(err: &kube::Error) -> bool {
    matches!(err, kube::Error::Api(status) if status.is_not_found())
}

/// Merge-patches the main resource.
async fn patch_spec(api: &Api<Rollout>, name: &str, body: &Value) -> kube::Result<Rollout> {
    api.patch(name, &PatchParams::default(), &Patch::Merge(body))
        .await
}

/// Merge-patches the status subresource, falling back to the main resource on NotFound (Argo's support for
/// CRDs without the status subresource).
async fn patch_status_or_main(api: &Api<Rollout>, name: &str, body: &Value) -> kube::Result<Rollout> {
    match api
        .patch_status(name, &PatchParams::default(), &Patch::Merge(body))
        .await
    {
        Err(e) if is_not_found(&e) => patch_spec(api, name, body).await,
        other => other,
    }
}

/// `pause NAME...`: `{"spec":{"paused":true}}` on each.
pub async fn pause(inv: &Invocation, names: &[String], out: &mut impl Write) -> anyhow::Result<()> {
    let api = rollouts(inv);
    for name in names {
        let ro = patch_spec(&api, name, &json!({"spec": {"paused": true}})).await?;
        writeln!(out, "rollout '{}' paused", ro.metadata.name.unwrap_or_default())?;
    }
    Ok(())
}

/// `abort NAME...`: `{"status":{"abort":true}}` on the status subresource.
pub async fn abort(inv: &Invocation, names: &[String], out: &mut impl Write) -> anyhow::Result<()> {
    let api = rollouts(inv);
    for name in names {
        let ro = patch_status_or_main(&api, name, &json!({"status": {"abort": true}})).await?;
        writeln!(out, "rollout '{}' aborted", ro.metadata.name.unwrap_or_default())?;
    }
    Ok(())
}

/// `retry rollout NAME...`: `{"status":{"abort":false}}` on the status subresource.
pub async fn retry(inv: &Invocation, names: &[String], out: &mut impl Write) -> anyhow::Result<()> {
    let api = rollouts(inv);
    for name in names {
        let ro = patch_status_or_main(&api, name, &json!({"status": {"abort": false}})).await?;
        writeln!(out, "rollout '{}' retried", ro.metadata.name.unwrap_or_default())?;
    }
    Ok(())
}

/// `retry experiment NAME...`: `{"status":null}` on the main resource.
pub async fn retry_experiment(
    inv: &Invocation,
    names: &[String],
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let api: Api<rollouts_api::Experiment> = Api::namespaced(inv.client.clone(), &inv.namespace);
    for name in names {
        let ex = api
            .patch(
                name,
                &PatchParams::default(),
                &Patch::Merge(json!({"status": null})),
            )
            .await?;
        writeln!(
            out,
            "experiment '{}' retried",
            ex.metadata.name.unwrap_or_default()
        )?;
    }
    Ok(())
}

/// The patches `promote` sends (`getPatches`): the spec patch, the status patch, and the unified patch used
/// instead of the spec patch when the status subresource does not exist.
#[derive(Debug, Default, PartialEq)]
pub struct PromotePatches {
    pub spec: Option<Value>,
    pub status: Option<Value>,
    pub unified: Option<Value>,
}

/// `currentStepIndex + 1`, capped at the number of steps (`GetCurrentCanaryStep` then `*index++`).
fn next_step_index(ro: &Rollout) -> Option<i32> {
    let (_, index) = rollouts_core::steps::current_canary_step(ro);
    let steps = i32::try_from(ro.steps().len()).unwrap_or(i32::MAX);
    index.map(|i| if i < steps { i + 1 } else { i })
}

fn is_inconclusive(ro: &Rollout) -> bool {
    ro.spec.strategy.canary.is_some()
        && ro.status.as_ref().is_some_and(|s| {
            s.canary
                .current_step_analysis_run_status
                .as_ref()
                .is_some_and(|a| a.status == Some(AnalysisPhase::Inconclusive))
        })
}

/// Argo's `getPatches`, branch for branch.
pub fn promote_patches(ro: &Rollout, skip_current: bool, skip_all: bool, full: bool) -> PromotePatches {
    let mut p = PromotePatches::default();
    let status = rollouts_core::status(ro);
    if skip_current {
        if let Some(index) = next_step_index(ro) {
            let patch = json!({"status": {"currentStepIndex": index}});
            p.status = Some(patch.clone());
            p.unified = Some(patch);
        }
    } else if skip_all {
        let patch = json!({"status": {"currentStepIndex": ro.steps().len()}});
        p.status = Some(patch.clone());
        p.unified = Some(patch);
    } else if full {
        if ro.spec.paused {
            p.spec = Some(json!({"spec": {"paused": false}}));
        }
        if status.current_pod_hash != status.stable_rs {
            p.status = Some(json!({"status": {"promoteFull": true}}));
        }
        p.unified = Some(json!({"spec": {"paused": false}, "status": {"promoteFull": true}}));
    } else {
        p.unified = Some(json!({"spec": {"paused": false}, "status": {"pauseConditions": null}}));
        if ro.spec.paused {
            p.spec = Some(json!({"spec": {"paused": false}}));
        }
        if is_inconclusive(ro) && !status.pause_conditions.is_empty() && status.controller_pause {
            if let Some(index) = next_step_index(ro) {
                p.status = Some(json!({"status": {
                    "pauseConditions": null, "controllerPause": false, "currentStepIndex": index}}));
            }
        } else if !status.pause_conditions.is_empty() {
            p.status = Some(json!({"status": {"pauseConditions": null}}));
        } else if ro.spec.strategy.canary.is_some()
            && let Some(index) = next_step_index(ro)
        {
            p.status = Some(json!({"status": {"pauseConditions": null, "currentStepIndex": index}}));
            p.unified = Some(json!({"spec": {"paused": false},
                "status": {"pauseConditions": null, "currentStepIndex": index}}));
        }
    }
    p
}

/// `promote NAME [--full]`: reads the rollout, then sends the status patch (falling back to the unified
/// patch on NotFound) and the spec patch, in Argo's order.
pub async fn promote(inv: &Invocation, args: &PromoteArgs, out: &mut impl Write) -> anyhow::Result<()> {
    if args.skip_current_step && args.skip_all_steps {
        bail!(USE_BOTH_SKIP_FLAGS_ERROR);
    }
    if args.skip_current_step {
        eprintln!(
            "Flag --skip-current-step has been deprecated, use without the flag instead ex: promote ROLLOUT_NAME"
        );
    }
    if args.skip_all_steps {
        eprintln!("Flag --skip-all-steps has been deprecated, use --full instead");
    }
    let api = rollouts(inv);
    let mut ro = api.get(&args.name).await?;
    if args.skip_current_step || args.skip_all_steps {
        if ro.spec.strategy.blue_green.is_some() {
            bail!(SKIP_FLAGS_WITH_BLUE_GREEN_ERROR);
        }
        if ro.spec.strategy.canary.is_some() && ro.steps().is_empty() {
            bail!(SKIP_FLAG_WITH_NO_STEP_CANARY_ERROR);
        }
    }
    let PromotePatches {
        mut spec,
        status,
        unified,
    } = promote_patches(&ro, args.skip_current_step, args.skip_all_steps, args.full);
    if let Some(status) = status {
        match api
            .patch_status(&args.name, &PatchParams::default(), &Patch::Merge(&status))
            .await
        {
            Ok(r) => ro = r,
            Err(e) if is_not_found(&e) => spec = unified,
            Err(e) => return Err(e.into()),
        }
    }
    if let Some(spec) = spec {
        ro = patch_spec(&api, &args.name, &spec).await?;
    }
    let name = ro.metadata.name.unwrap_or_default();
    if args.full {
        writeln!(out, "rollout '{name}' fully promoted")?;
    } else {
        writeln!(out, "rollout '{name}' promoted")?;
    }
    Ok(())
}

/// The `restartAt` value: now (UTC) plus the `--in` duration, in RFC 3339 to the second.
pub fn restart_at(now: jiff::Timestamp, in_: Option<&str>) -> anyhow::Result<String> {
    let mut at = now;
    if let Some(d) = in_ {
        let nanos = DurationString(d.to_string())
            .nanos()
            .map_err(|e| anyhow::anyhow!("invalid --in {d:?}: {e}"))?;
        at = at
            .checked_add(jiff::SignedDuration::from_nanos(nanos))
            .map_err(|e| anyhow::anyhow!("invalid --in {d:?}: {e}"))?;
    }
    Ok(at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// `restart NAME [--in D]`: `{"spec":{"restartAt":"<RFC3339>"}}`.
pub async fn restart(inv: &Invocation, args: &RestartArgs, out: &mut impl Write) -> anyhow::Result<()> {
    let at = restart_at(jiff::Timestamp::now(), args.in_.as_deref())?;
    let ro = patch_spec(&rollouts(inv), &args.name, &json!({"spec": {"restartAt": at}})).await?;
    let in_ = args.in_.as_deref().unwrap_or("0s");
    writeln!(
        out,
        "rollout '{}' restarts in {in_}",
        ro.metadata.name.unwrap_or_default()
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rollout(yaml: &str) -> Rollout {
        serde_yaml_ng::from_str(yaml).unwrap()
    }

    const CANARY: &str = "
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: ro}
spec:
  paused: true
  strategy:
    canary:
      steps: [{setWeight: 10}, {pause: {}}, {setWeight: 50}]
status:
  currentStepIndex: 1
";

    #[test]
    fn promote_default_unpauses_and_advances_the_step() {
        let ro = rollout(CANARY);
        let p = promote_patches(&ro, false, false, false);
        assert_eq!(p.spec, Some(json!({"spec": {"paused": false}})));
        assert_eq!(
            p.status,
            Some(json!({"status": {"pauseConditions": null, "currentStepIndex": 2}}))
        );
        assert_eq!(
            p.unified,
            Some(
                json!({"spec": {"paused": false}, "status": {"pauseConditions": null, "currentStepIndex": 2}})
            )
        );
    }

    #[test]
    fn promote_with_pause_conditions_only_clears_them() {
        let mut ro = rollout(CANARY);
        ro.spec.paused = false;
        let st = ro.status.as_mut().unwrap();
        st.pause_conditions = vec![
            serde_json::from_value(json!({"reason": "CanaryPauseStep", "startTime": "2026-01-01T00:00:00Z"}))
                .unwrap(),
        ];
        let p = promote_patches(&ro, false, false, false);
        assert_eq!(p.spec, None);
        assert_eq!(p.status, Some(json!({"status": {"pauseConditions": null}})));
    }

    #[test]
    fn promote_inconclusive_clears_controller_pause() {
        let mut ro = rollout(CANARY);
        let st = ro.status.as_mut().unwrap();
        st.controller_pause = true;
        st.pause_conditions = vec![
            serde_json::from_value(
                json!({"reason": "InconclusiveAnalysisRun", "startTime": "2026-01-01T00:00:00Z"}),
            )
            .unwrap(),
        ];
        st.canary.current_step_analysis_run_status =
            Some(serde_json::from_value(json!({"name": "a", "status": "Inconclusive"})).unwrap());
        let p = promote_patches(&ro, false, false, false);
        assert_eq!(
            p.status,
            Some(
                json!({"status": {"pauseConditions": null, "controllerPause": false, "currentStepIndex": 2}})
            )
        );
    }

    #[test]
    fn step_index_is_capped_at_the_step_count() {
        let mut ro = rollout(CANARY);
        ro.status.as_mut().unwrap().current_step_index = Some(3);
        let p = promote_patches(&ro, true, false, false);
        assert_eq!(p.status, Some(json!({"status": {"currentStepIndex": 3}})));
        let p = promote_patches(&ro, false, true, false);
        assert_eq!(p.status, Some(json!({"status": {"currentStepIndex": 3}})));
    }

    #[test]
    fn promote_full_sets_promote_full_only_when_not_stable() {
        let mut ro = rollout(CANARY);
        let st = ro.status.as_mut().unwrap();
        st.current_pod_hash = "abc".into();
        st.stable_rs = "def".into();
        let p = promote_patches(&ro, false, false, true);
        assert_eq!(p.spec, Some(json!({"spec": {"paused": false}})));
        assert_eq!(p.status, Some(json!({"status": {"promoteFull": true}})));
        ro.status.as_mut().unwrap().stable_rs = "abc".into();
        assert_eq!(promote_patches(&ro, false, false, true).status, None);
    }

    #[test]
    fn restart_at_adds_the_duration() {
        let now: jiff::Timestamp = "2026-01-01T00:00:00.5Z".parse().unwrap();
        assert_eq!(restart_at(now, None).unwrap(), "2026-01-01T00:00:00Z");
        assert_eq!(restart_at(now, Some("90s")).unwrap(), "2026-01-01T00:01:30Z");
        assert!(restart_at(now, Some("later")).is_err());
    }
}
