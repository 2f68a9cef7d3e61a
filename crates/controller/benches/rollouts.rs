//! Controller benchmark (`cargo bench -p rollouts-controller [-- SIZES.. --qps Q --burst B --settle-secs S]`):
//! N canary Rollouts (2 replicas; setWeight 50, pause 1s, setWeight 100) are created in a simulated
//! sandbox and, once all are Healthy, all get a new image and go through their canary steps. The
//! controller runs as a separate process (the `rollouts-controller` binary cargo builds for this bench, in
//! release) so its CPU time and peak RSS are its own. Printed per phase: the controller's API writes by
//! kind (from the sandbox's request log), exact reconcile latency percentiles (from Argo's
//! `Reconciliation completed` log lines) next to the `rollout_reconcile` histogram's bucket bounds, wall
//! time to settle, CPU seconds and RSS; and the writes of a settled fleet over a quiet window (should be 0).
//!
//! A report, not a timed test: nothing is asserted about speed; a phase that does not settle within
//! 120 s + 1 s per rollout is reported as such. Sizes default to 100 then 1,000 (also
//! `ROLLOUTS_BENCH_SIZES=100,1000`); `--qps`/`--burst` are passed to the controller (default: Argo's 40/80).

#[path = "rollouts/cluster.rs"]
mod cluster;
#[path = "rollouts/controller.rs"]
mod controller;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use cluster::{STEP_COUNT, STEPS, Writes};
use controller::{Controller, Histogram, LogTap};
use rollouts_sandbox::{Gvr, Sandbox};

/// How long the controller must have made no write before a phase that waited on the rollouts ends (its
/// writes include that tail; its wall time stops when the last rollout reads Healthy).
const DRAIN: Duration = Duration::from_secs(2);

/// Command-line options.
struct Options {
    sizes: Vec<usize>,
    qps: String,
    burst: String,
    settle: Duration,
    /// The controller's `--loglevel` (info: the level its latency lines are logged at).
    loglevel: String,
    /// Where to copy the controller's log (`--log`).
    log: Option<std::path::PathBuf>,
}

fn options() -> anyhow::Result<Options> {
    let mut o = Options {
        sizes: Vec::new(),
        qps: "40".into(),
        burst: "80".into(),
        settle: Duration::from_secs(5),
        loglevel: "info".into(),
        log: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            // `cargo bench` passes `--bench` to every bench executable.
            "--bench" => {}
            "--qps" => o.qps = args.next().context("--qps needs a value")?,
            "--burst" => o.burst = args.next().context("--burst needs a value")?,
            "--loglevel" => o.loglevel = args.next().context("--loglevel needs a value")?,
            "--log" => o.log = Some(args.next().context("--log needs a file")?.into()),
            "--settle-secs" => {
                let s = args.next().context("--settle-secs needs a value")?;
                o.settle = Duration::from_secs(s.parse().with_context(|| format!("--settle-secs {s}"))?);
            }
            n => o
                .sizes
                .push(n.parse().with_context(|| format!("{n:?} is not a rollout count (usage: [SIZES..] [--qps Q] [--burst B] [--settle-secs S] [--loglevel L] [--log FILE])"))?),
        }
    }
    if o.sizes.is_empty()
        && let Ok(env) = std::env::var("ROLLOUTS_BENCH_SIZES")
    {
        for s in env.split(',').filter(|s| !s.trim().is_empty()) {
            o.sizes.push(
                s.trim()
                    .parse()
                    .with_context(|| format!("ROLLOUTS_BENCH_SIZES: {s:?}"))?,
            );
        }
    }
    if o.sizes.is_empty() {
        o.sizes = vec![100, 1_000];
    }
    Ok(o)
}

/// One measured phase.
struct Phase {
    name: &'static str,
    wall: Duration,
    /// (settled, expected) for phases that wait on the rollouts.
    settled: Option<(usize, usize)>,
    writes: Writes,
    cpu: f64,
    cpu_total: f64,
    rss_peak: f64,
    rss_now: f64,
    reconciles: LogTap,
    histogram: Histogram,
    sandbox_cpu: f64,
}

/// Takes the measurements that close a phase started at `start` (CPU `cpu_before`, histogram `hist_before`).
struct Meter<'a> {
    sb: &'a Sandbox,
    ctl: &'a Controller,
    ticks: f64,
    cpu: f64,
    sandbox_cpu: f64,
    histogram: Histogram,
}

impl Meter<'_> {
    async fn close(
        &mut self,
        name: &'static str,
        wall: Duration,
        settled: Option<(usize, usize)>,
    ) -> anyhow::Result<Phase> {
        let writes = Writes::take(self.sb);
        let cpu_total = controller::cpu_seconds(&self.ctl.pid, self.ticks)?;
        let sandbox_total = controller::cpu_seconds("self", self.ticks)?;
        let (rss_peak, rss_now) = controller::rss_mib(&self.ctl.pid)?;
        let histogram = self.ctl.reconcile_histogram().await?;
        let phase = Phase {
            name,
            wall,
            settled,
            writes,
            cpu: cpu_total - self.cpu,
            cpu_total,
            rss_peak,
            rss_now,
            reconciles: LogTap::take(&self.ctl.tap),
            histogram: histogram.since(&self.histogram),
            sandbox_cpu: sandbox_total - self.sandbox_cpu,
        };
        self.cpu = cpu_total;
        self.sandbox_cpu = sandbox_total;
        self.histogram = histogram;
        Ok(phase)
    }
}

/// Waits until the controller holds the lease (it reconciles only while leading).
async fn wait_leading(sb: &Sandbox) -> anyhow::Result<()> {
    let leases = Gvr::new("coordination.k8s.io", "v1", "leases");
    let start = Instant::now();
    loop {
        let holder = sb
            .store()
            .get(&leases, Some("default"), "argo-rollouts-controller-lock")
            .ok()
            .and_then(|l| l["spec"]["holderIdentity"].as_str().map(str::to_string));
        if holder.is_some_and(|h| !h.is_empty()) {
            return Ok(());
        }
        if start.elapsed() > Duration::from_secs(60) {
            bail!("the controller did not take the lease within 60 s");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn run(n: usize, o: &Options) -> anyhow::Result<Vec<Phase>> {
    let sb = cluster::sandbox().await?;
    let extra = [
        "--qps".to_string(),
        o.qps.clone(),
        "--burst".into(),
        o.burst.clone(),
        "--loglevel".into(),
        o.loglevel.clone(),
    ];
    let log = o.log.as_ref().map(|l| l.with_extension(format!("{n}.log")));
    let ctl = Controller::start(sb.kubeconfig_path(), &extra, log.as_deref()).await?;
    let start = Instant::now();
    wait_leading(&sb).await?;
    let ticks = controller::clock_ticks();
    let mut meter = Meter {
        sb: &sb,
        ctl: &ctl,
        ticks,
        cpu: 0.0,
        sandbox_cpu: controller::cpu_seconds("self", ticks)?,
        histogram: Histogram::default(),
    };
    let mut phases = vec![meter.close("start (leading)", start.elapsed(), None).await?];
    let timeout = Duration::from_secs(120 + n as u64);

    eprintln!("{n} rollouts: creating");
    let start = Instant::now();
    for i in 0..n {
        cluster::create(&sb, i)?;
    }
    let (done, _) = cluster::wait_settled(&sb, n, &BTreeMap::new(), timeout).await?;
    let wall = start.elapsed();
    cluster::drain(&sb, DRAIN, timeout).await;
    phases.push(meter.close("create -> Healthy", wall, Some((done, n))).await?);

    // A measurement window (nothing waits on it): a settled fleet should make no writes at all.
    tokio::time::sleep(o.settle).await;
    phases.push(meter.close("settled (quiet window)", o.settle, None).await?);

    eprintln!("{n} rollouts: updating the image");
    let stable = cluster::stable_hashes(&sb)?;
    let start = Instant::now();
    for i in 0..n {
        cluster::set_image(&sb, i, "green")?;
    }
    let (done, _) = cluster::wait_settled(&sb, n, &stable, timeout).await?;
    let wall = start.elapsed();
    cluster::drain(&sb, DRAIN, timeout).await;
    phases.push(meter.close("update -> Healthy", wall, Some((done, n))).await?);

    tokio::time::sleep(o.settle).await;
    phases.push(meter.close("settled after update", o.settle, None).await?);
    ctl.stop().await?;
    sb.shutdown().await;
    Ok(phases)
}

/// The `p` quantile of sorted values (nearest rank).
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn report(n: usize, o: &Options, phases: &mut [Phase]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n== {n} rollouts ({} replicas; steps: {STEPS}); controller --qps {} --burst {}, leader election on",
        cluster::REPLICAS,
        o.qps,
        o.burst
    );
    let _ = writeln!(
        out,
        "{:<24} {:>9} {:>11} {:>7} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>7} {:>8} {:>8} {:>8}",
        "phase",
        "wall s",
        "settled",
        "writes",
        "RS+",
        "RS~",
        "status",
        "events",
        "svc",
        "lease",
        "failed",
        "recs",
        "ctl CPU",
        "RSS peak",
        "sandbox"
    );
    for p in phases.iter() {
        let settled = p.settled.map_or("-".to_string(), |(d, n)| format!("{d}/{n}"));
        let _ = writeln!(
            out,
            "{:<24} {:>9.1} {:>11} {:>7} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>7} {:>7.2}s {:>5.1}MiB {:>7.2}s",
            p.name,
            p.wall.as_secs_f64(),
            settled,
            p.writes.total(),
            p.writes.rs_create,
            p.writes.rs_update + p.writes.rs_delete,
            p.writes.status + p.writes.rollout,
            p.writes.events,
            p.writes.services,
            p.writes.leases,
            p.writes.failed,
            p.reconciles.reconciles_ms.len(),
            p.cpu,
            p.rss_peak,
            p.sandbox_cpu,
        );
    }
    let _ = writeln!(
        out,
        "  (writes: all but lease renewals; RS+ ReplicaSet creates, RS~ ReplicaSet updates/deletes, status Rollout \
         status patches (+ spec writes), svc Service selector patches; recs: reconciles; ctl CPU: controller \
         user+system seconds in the phase; sandbox: CPU of this process, which hosts the API server and simulated kubelet)"
    );
    if let Some(update) = phases.iter_mut().find(|p| p.name.starts_with("update")) {
        let steps = (n as u64 * STEP_COUNT) as f64;
        let w = &update.writes;
        let _ = writeln!(
            out,
            "writes per canary step (update): {:.2} = {:.2} RS creates + {:.2} RS updates + {:.2} status patches + \
             {:.2} events + {:.2} Service patches (+ {:.2} other); {} failed writes",
            w.total() as f64 / steps,
            w.rs_create as f64 / steps,
            (w.rs_update + w.rs_delete) as f64 / steps,
            (w.status + w.rollout) as f64 / steps,
            w.events as f64 / steps,
            w.services as f64 / steps,
            w.other as f64 / steps,
            w.failed,
        );
    }
    for p in phases.iter_mut().filter(|p| p.settled.is_some()) {
        let lat = &mut p.reconciles.reconciles_ms;
        lat.sort_by(f64::total_cmp);
        let h = &p.histogram;
        let bound = |q: f64| {
            let b = h.quantile_bound(q);
            if b.is_infinite() {
                ">1000".to_string()
            } else {
                format!("<={:.0}", b * 1e3)
            }
        };
        let _ = writeln!(
            out,
            "reconcile latency, {} ({} reconciles): p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms (exact, from \
             the log); histogram: mean {:.2} ms (sum/count), p50 {} ms, p99 {} ms (bucket bounds only)",
            p.name,
            lat.len(),
            percentile(lat, 0.5),
            percentile(lat, 0.9),
            percentile(lat, 0.99),
            lat.last().copied().unwrap_or(f64::NAN),
            if h.count > 0.0 {
                h.sum / h.count * 1e3
            } else {
                f64::NAN
            },
            bound(0.5),
            bound(0.99),
        );
    }
    let last = phases.last();
    let _ = writeln!(
        out,
        "controller totals: {:.2} CPU s, peak RSS {:.1} MiB (now {:.1} MiB)",
        last.map_or(0.0, |p| p.cpu_total),
        last.map_or(0.0, |p| p.rss_peak),
        last.map_or(0.0, |p| p.rss_now)
    );
    for p in phases.iter().filter(|p| p.reconciles.warnings > 0) {
        let _ = writeln!(
            out,
            "{} warning/error log lines in {}; last: {:?}",
            p.reconciles.warnings, p.name, p.reconciles.last_warnings
        );
    }
    out
}

fn main() -> anyhow::Result<()> {
    let o = options()?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    println!(
        "== rollouts-controller benchmark: {} (controller binary {})",
        o.sizes
            .iter()
            .map(|n| format!("{n} rollouts"))
            .collect::<Vec<_>>()
            .join(", then "),
        controller::binary().display()
    );
    for &n in &o.sizes {
        let mut phases = rt.block_on(run(n, &o))?;
        print!("{}", report(n, &o, &mut phases));
    }
    Ok(())
}
