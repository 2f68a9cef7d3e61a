//! `get rollout NAME`: the summary header of Argo's `get rollout` (`cmd/get/get_rollout.go`,
//! `info/rollout_info.go`) in its `%-17s%v` layout — Name, Namespace, Status (phase from
//! `rollouts_core::phase`, with Argo's icon and colour), Message, Strategy, Step, SetWeight, ActualWeight
//! (canary), Images with their stable/canary/active/preview tags, Replicas — followed by a plain list of the
//! rollout's ReplicaSets. Argo's tree view (pods, analysis runs, experiments) and `--watch` are not here yet.

use std::fmt::Display;
use std::io::Write;

use clap::Args;
use k8s_openapi::api::apps::v1::ReplicaSet;
use kube::Api;
use kube::api::ListParams;
use rollouts_api::Rollout;
use rollouts_api::keys::{POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION};

use super::kube_opts::Invocation;

/// Flags of `get rollout`.
#[derive(Debug, Clone, Args)]
pub struct GetRolloutArgs {
    /// Name of the rollout
    #[arg(value_name = "ROLLOUT_NAME")]
    pub name: String,
    /// Do not colorize output
    #[arg(long)]
    pub no_color: bool,
}

/// What `get` shows of one ReplicaSet.
#[derive(Debug, Clone, PartialEq)]
pub struct RsInfo {
    pub name: String,
    pub revision: i64,
    pub hash: String,
    pub replicas: i32,
    pub available: i32,
    pub images: Vec<String>,
    pub tags: Vec<&'static str>,
}

/// Argo's `rolloutIcon`.
pub fn rollout_icon(status: &str) -> &'static str {
    match status {
        "Progressing" => "◌",
        "Error" | "InvalidSpec" => "⚠",
        "Paused" => "॥",
        "Healthy" => "✔",
        "Degraded" => "✖",
        "Unknown" => "?",
        "ScaledDown" => "•",
        _ => " ",
    }
}

/// Argo's `colorize` of an icon (no escape for icons without a colour, `--no-color` or `TERM=dumb`).
fn colorize(icon: &str, no_color: bool) -> String {
    let code = match icon {
        "◷" | "?" => 33,
        "◌" => 94,
        "⚠" | "✖" => 31,
        "✔" => 32,
        _ => 0,
    };
    let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
    if no_color || dumb || code == 0 {
        icon.to_string()
    } else {
        format!("\x1b[{code}m{icon}\x1b[0m")
    }
}

/// The ReplicaSets controlled by the rollout, with Argo's tags, newest revision first.
pub fn replica_set_infos(ro: &Rollout, rss: &[ReplicaSet]) -> Vec<RsInfo> {
    let uid = ro.metadata.uid.clone().unwrap_or_default();
    let status = rollouts_core::status(ro);
    let mut out: Vec<RsInfo> = rss
        .iter()
        .filter(|rs| {
            rs.metadata
                .owner_references
                .iter()
                .flatten()
                .any(|o| o.uid == uid)
        })
        .map(|rs| {
            let hash = rs
                .metadata
                .labels
                .as_ref()
                .and_then(|l| l.get(POD_TEMPLATE_HASH_LABEL))
                .cloned()
                .unwrap_or_default();
            let mut tags = Vec::new();
            if ro.spec.strategy.canary.is_some() {
                if status.stable_rs == hash {
                    tags.push("stable");
                } else if status.current_pod_hash == hash {
                    tags.push("canary");
                }
            }
            if ro.spec.strategy.blue_green.is_some() {
                if status.stable_rs == hash {
                    tags.push("stable");
                }
                if status.blue_green.active_selector == hash {
                    tags.push("active");
                } else if status.blue_green.preview_selector == hash {
                    tags.push("preview");
                }
            }
            let rs_status = rs.status.clone().unwrap_or_default();
            RsInfo {
                name: rs.metadata.name.clone().unwrap_or_default(),
                revision: rs
                    .metadata
                    .annotations
                    .as_ref()
                    .and_then(|a| a.get(REVISION_ANNOTATION))
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0),
                hash,
                replicas: rs_status.replicas,
                available: rs_status.available_replicas.unwrap_or(0),
                images: rs
                    .spec
                    .template
                    .as_ref()
                    .and_then(|t| t.spec.as_ref())
                    .map(|p| {
                        p.containers
                            .iter()
                            .map(|c| c.image.clone().unwrap_or_default())
                            .collect()
                    })
                    .unwrap_or_default(),
                tags,
            }
        })
        .collect();
    out.sort_by(|a, b| b.revision.cmp(&a.revision).then(a.name.cmp(&b.name)));
    out
}

/// Argo's `Images`: images of ReplicaSets with replicas, tags merged per image, in first-seen order.
fn images(rss: &[RsInfo]) -> Vec<(String, Vec<&'static str>)> {
    let mut out: Vec<(String, Vec<&'static str>)> = Vec::new();
    for rs in rss.iter().filter(|rs| rs.replicas > 0) {
        for image in &rs.images {
            match out.iter_mut().find(|(i, _)| i == image) {
                Some((_, tags)) => {
                    tags.extend(rs.tags.iter().filter(|t| !tags.contains(t)).collect::<Vec<_>>())
                }
                None => out.push((image.clone(), rs.tags.clone())),
            }
        }
    }
    out
}

fn row(out: &mut impl Write, key: &str, value: impl Display) -> std::io::Result<()> {
    writeln!(out, "{key:<17}{value}")
}

/// Writes the summary of `ro` and its ReplicaSets.
pub fn print(ro: &Rollout, rss: &[RsInfo], no_color: bool, out: &mut impl Write) -> std::io::Result<()> {
    let status = rollouts_core::status(ro);
    let (phase, message) = rollouts_core::phase::get_rollout_phase(ro);
    let phase = phase.to_string();
    row(out, "Name:", ro.metadata.name.as_deref().unwrap_or_default())?;
    row(
        out,
        "Namespace:",
        ro.metadata.namespace.as_deref().unwrap_or_default(),
    )?;
    row(
        out,
        "Status:",
        format!("{} {phase}", colorize(rollout_icon(&phase), no_color)),
    )?;
    if !message.is_empty() {
        row(out, "Message:", &message)?;
    }
    if ro.spec.strategy.canary.is_some() {
        row(out, "Strategy:", "Canary")?;
        let steps = ro.steps().len();
        let step = match status.current_step_index {
            Some(i) if steps > 0 => format!("{i}/{steps}"),
            _ => String::new(),
        };
        row(out, "  Step:", step)?;
        row(out, "  SetWeight:", rollouts_core::steps::current_set_weight(ro))?;
        row(out, "  ActualWeight:", actual_weight(ro, rss))?;
    } else {
        let strategy = if ro.spec.strategy.blue_green.is_some() {
            "BlueGreen"
        } else {
            ""
        };
        row(out, "Strategy:", strategy)?;
    }
    for (i, (image, tags)) in images(rss).iter().enumerate() {
        let label = if i == 0 { "Images:" } else { "" };
        if tags.is_empty() {
            row(out, label, image)?;
        } else {
            row(out, label, format!("{image} ({})", tags.join(", ")))?;
        }
    }
    writeln!(out, "Replicas:")?;
    row(out, "  Desired:", ro.spec.replicas.unwrap_or(1))?;
    row(out, "  Current:", status.replicas)?;
    row(out, "  Updated:", status.updated_replicas)?;
    row(out, "  Ready:", status.ready_replicas)?;
    row(out, "  Available:", status.available_replicas)?;
    writeln!(out)?;
    writeln!(
        out,
        "{:<10}{:<40}{:<14}{:<10}INFO",
        "REVISION", "REPLICASET", "HASH", "REPLICAS"
    )?;
    for rs in rss {
        writeln!(
            out,
            "{:<10}{:<40}{:<14}{:<10}{}",
            rs.revision,
            rs.name,
            rs.hash,
            format!("{}/{}", rs.available, rs.replicas),
            rs.tags.join(",")
        )?;
    }
    Ok(())
}

/// Argo's `ActualWeight`: the max weight past the last step; otherwise the canary's share of available
/// pods (basic canary) or the traffic router's canary weight (the set weight until one is recorded).
fn actual_weight(ro: &Rollout, rss: &[RsInfo]) -> i32 {
    let status = rollouts_core::status(ro);
    let (step, _) = rollouts_core::steps::current_canary_step(ro);
    let max = rollouts_core::replicas::weights::max_traffic_weight(ro);
    if step.is_none() {
        return max;
    }
    if status.available_replicas <= 0 {
        return 0;
    }
    let routed = ro
        .spec
        .strategy
        .canary
        .as_ref()
        .is_some_and(|c| c.traffic_routing.is_some());
    if !routed {
        rss.iter()
            .filter(|rs| rs.tags.contains(&"canary"))
            .map(|rs| rs.available * max / status.available_replicas)
            .next_back()
            .unwrap_or(0)
    } else {
        match &status.canary.weights {
            Some(w) => w.canary.weight,
            None => rollouts_core::steps::current_set_weight(ro),
        }
    }
}

/// Runs `get rollout`.
pub async fn run(inv: &Invocation, args: &GetRolloutArgs, out: &mut impl Write) -> anyhow::Result<()> {
    let ro = Api::<Rollout>::namespaced(inv.client.clone(), &inv.namespace)
        .get(&args.name)
        .await?;
    let rss = Api::<ReplicaSet>::namespaced(inv.client.clone(), &inv.namespace)
        .list(&ListParams::default())
        .await?;
    let infos = replica_set_infos(&ro, &rss.items);
    print(&ro, &infos, args.no_color, out)?;
    Ok(())
}
