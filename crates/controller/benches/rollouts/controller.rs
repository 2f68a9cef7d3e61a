//! The controller under measurement: the `rollouts-controller` binary as a separate process, its CPU time
//! and memory read from `/proc/<pid>`, its `Reconciliation completed` log lines collected for exact
//! reconcile latencies, and its `/metrics` `rollout_reconcile` histogram scraped for a cross-check.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context as _, bail};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};

/// The controller binary: `$ROLLOUTS_CONTROLLER_BIN`, else the one cargo built for this bench (in the
/// bench profile, i.e. release: `target/release/rollouts-controller`).
pub fn binary() -> PathBuf {
    std::env::var_os("ROLLOUTS_CONTROLLER_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_rollouts-controller")))
}

/// `getconf CLK_TCK` (the unit of `/proc/<pid>/stat` times); 100, Linux's usual value, if it fails.
pub fn clock_ticks() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse::<f64>().ok())
        .filter(|t| *t > 0.0)
        .unwrap_or(100.0)
}

/// CPU seconds (user + system) a process has used: fields 14 and 15 of `/proc/<pid>/stat`.
pub fn cpu_seconds(pid: &str, ticks: f64) -> anyhow::Result<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).context("reading /proc/<pid>/stat")?;
    // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or_default();
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // `rest` starts at field 3 (state), so utime (14) and stime (15) are at 11 and 12.
    let field = |i: usize| -> anyhow::Result<f64> {
        let v = fields.get(i).context("/proc/<pid>/stat is too short")?;
        v.parse::<f64>().with_context(|| format!("stat field {v:?}"))
    };
    Ok((field(11)? + field(12)?) / ticks)
}

/// (peak, current) resident memory in MiB: `VmHWM` and `VmRSS` of `/proc/<pid>/status`.
pub fn rss_mib(pid: &str) -> anyhow::Result<(f64, f64)> {
    let status =
        std::fs::read_to_string(format!("/proc/{pid}/status")).context("reading /proc/<pid>/status")?;
    let kib = |key: &str| -> anyhow::Result<f64> {
        let line = status
            .lines()
            .find(|l| l.starts_with(key))
            .with_context(|| format!("no {key} in /proc/<pid>/status"))?;
        let v = line.split_whitespace().nth(1).unwrap_or_default();
        v.parse::<f64>().with_context(|| format!("{key} {v:?}"))
    };
    Ok((kib("VmHWM:")? / 1024.0, kib("VmRSS:")? / 1024.0))
}

/// What the log reader collected.
#[derive(Debug, Default)]
pub struct LogTap {
    /// `time_ms` of every `Reconciliation completed` line since the last [`LogTap::take`].
    pub reconciles_ms: Vec<f64>,
    /// Warning and error lines since the last take.
    pub warnings: u64,
    /// The last few warning/error messages.
    pub last_warnings: Vec<String>,
}

impl LogTap {
    /// Takes what was collected so far, leaving an empty tap.
    pub fn take(tap: &Mutex<LogTap>) -> LogTap {
        std::mem::take(&mut *tap.lock().unwrap_or_else(|e| e.into_inner()))
    }

    fn line(&mut self, line: &str) {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            return;
        };
        if v["message"] == "Reconciliation completed" {
            if let Some(ms) = v["time_ms"].as_f64() {
                self.reconciles_ms.push(ms);
            }
        } else if matches!(v["level"].as_str(), Some("WARN" | "ERROR")) {
            self.warnings += 1;
            if self.last_warnings.len() >= 5 {
                self.last_warnings.remove(0);
            }
            let mut what = format!(
                "{} {}",
                v["message"].as_str().unwrap_or_default(),
                v["error"].as_str().unwrap_or_default()
            );
            if let Some((cut, _)) = what.char_indices().nth(160) {
                what.truncate(cut);
            }
            self.last_warnings.push(what);
        }
    }
}

/// The running controller process.
pub struct Controller {
    child: Child,
    /// Its process id.
    pub pid: String,
    /// Where it serves `/metrics`.
    pub metrics: SocketAddr,
    /// Its log lines, digested.
    pub tap: Arc<Mutex<LogTap>>,
}

/// Two distinct free ports (both listeners are held until both are chosen).
fn free_ports() -> anyhow::Result<(u16, u16)> {
    let a = std::net::TcpListener::bind("127.0.0.1:0")?;
    let b = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok((a.local_addr()?.port(), b.local_addr()?.port()))
}

impl Controller {
    /// Starts the binary against `kubeconfig` with Argo's default flags plus `extra` (`--qps`, `--loglevel`,
    /// ...), JSON logs, leader election on (lease in `default`); returns once `/healthz` answers.
    /// `log`, when given, receives a copy of every log line.
    pub async fn start(
        kubeconfig: &Path,
        extra: &[String],
        log: Option<&Path>,
    ) -> anyhow::Result<Controller> {
        let (healthz, metrics) = free_ports()?;
        let mut child = Command::new(binary())
            .arg("--kubeconfig")
            .arg(kubeconfig)
            .args(["--healthzPort", &healthz.to_string()])
            .args(["--metricsPort", &metrics.to_string()])
            .args(["--logformat", "json"])
            .args(extra)
            .env("POD_NAMESPACE", "default")
            .env_remove("RUST_LOG")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", binary().display()))?;
        let pid = child.id().context("the controller exited at once")?.to_string();
        let tap = Arc::new(Mutex::new(LogTap::default()));
        let stderr = child.stderr.take().context("controller stderr")?;
        let reader_tap = tap.clone();
        let mut copy = match log {
            Some(path) => Some(std::io::BufWriter::new(
                std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
            )),
            None => None,
        };
        tokio::spawn(async move {
            let mut lines = BufReader::new(stderr).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(file) = copy.as_mut()
                    && writeln!(file, "{line}").is_err()
                {
                    copy = None;
                }
                reader_tap.lock().unwrap_or_else(|e| e.into_inner()).line(&line);
            }
            if let Some(mut file) = copy
                && let Err(e) = file.flush()
            {
                eprintln!("copying the controller log: {e}");
            }
        });
        let healthz_addr = SocketAddr::from(([127, 0, 0, 1], healthz));
        let mut tries = 0;
        while tokio::net::TcpStream::connect(healthz_addr).await.is_err() {
            tries += 1;
            if tries > 300 {
                bail!("the controller's /healthz did not listen within 30 s");
            }
            if let Some(status) = child.try_wait()? {
                bail!("the controller exited: {status}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(Controller {
            child,
            pid,
            metrics: SocketAddr::from(([127, 0, 0, 1], metrics)),
            tap,
        })
    }

    /// Stops it with SIGTERM (a clean shutdown releasing the lease) and waits.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        let status = std::process::Command::new("kill")
            .args(["-TERM", &self.pid])
            .status()?;
        if !status.success() {
            bail!("kill -TERM {} failed", self.pid);
        }
        match tokio::time::timeout(Duration::from_secs(30), self.child.wait()).await {
            Ok(status) => {
                let status = status?;
                if !status.success() {
                    bail!("the controller exited with {status}");
                }
                Ok(())
            }
            Err(_) => {
                self.child.kill().await?;
                bail!("the controller did not stop within 30 s of SIGTERM");
            }
        }
    }

    /// Scrapes `/metrics` and sums the `rollout_reconcile` histogram over every rollout.
    pub async fn reconcile_histogram(&self) -> anyhow::Result<Histogram> {
        let body = http_get(self.metrics, "/metrics").await?;
        Ok(Histogram::parse(&body))
    }
}

/// A plain HTTP/1.1 GET's body.
async fn http_get(addr: SocketAddr, path: &str) -> anyhow::Result<String> {
    let mut conn = tokio::net::TcpStream::connect(addr).await?;
    let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    conn.write_all(req.as_bytes()).await?;
    let mut buf = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), conn.read_to_end(&mut buf))
        .await
        .context("/metrics did not answer within 30 s")??;
    let text = String::from_utf8_lossy(&buf).to_string();
    match text.split_once("\r\n\r\n") {
        Some((head, body)) if head.starts_with("HTTP/1.1 200") => Ok(body.to_string()),
        _ => bail!("GET {path}: {}", text.lines().next().unwrap_or_default()),
    }
}

/// `rollout_reconcile` summed over every rollout: cumulative bucket counts by upper bound, sum, count.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Histogram {
    /// Cumulative count per `le` (seconds; `+Inf` as infinity), in bound order.
    pub buckets: Vec<(f64, f64)>,
    /// Sum of observed seconds.
    pub sum: f64,
    /// Number of observations.
    pub count: f64,
}

impl Histogram {
    /// Parses the OpenMetrics text, summing `rollout_reconcile_{bucket,sum,count}` over label sets.
    pub fn parse(text: &str) -> Histogram {
        let mut buckets: BTreeMap<u64, (f64, f64)> = BTreeMap::new();
        let mut h = Histogram::default();
        for line in text.lines() {
            let Some((series, value)) = line.rsplit_once(' ') else {
                continue;
            };
            let Ok(value) = value.parse::<f64>() else {
                continue;
            };
            if series.starts_with("rollout_reconcile_bucket{") {
                let le = series
                    .split("le=\"")
                    .nth(1)
                    .and_then(|r| r.split('"').next())
                    .unwrap_or_default();
                let bound = if le == "+Inf" {
                    f64::INFINITY
                } else {
                    le.parse().unwrap_or(f64::NAN)
                };
                if bound.is_nan() {
                    continue;
                }
                buckets.entry(bound.to_bits()).or_insert((bound, 0.0)).1 += value;
            } else if series.starts_with("rollout_reconcile_sum{") {
                h.sum += value;
            } else if series.starts_with("rollout_reconcile_count{") {
                h.count += value;
            }
        }
        // Positive floats order as their bit patterns.
        h.buckets = buckets.into_values().collect();
        h
    }

    /// `self - before` (observations made in between).
    pub fn since(&self, before: &Histogram) -> Histogram {
        let old = |bound: f64| {
            before
                .buckets
                .iter()
                .find(|(b, _)| *b == bound)
                .map_or(0.0, |(_, c)| *c)
        };
        Histogram {
            buckets: self.buckets.iter().map(|(b, c)| (*b, c - old(*b))).collect(),
            sum: self.sum - before.sum,
            count: self.count - before.count,
        }
    }

    /// The upper bound of the bucket holding the `p` quantile (an approximation: only the bound is known).
    pub fn quantile_bound(&self, p: f64) -> f64 {
        let target = p * self.count;
        self.buckets
            .iter()
            .find(|(_, c)| *c >= target)
            .map_or(f64::INFINITY, |(b, _)| *b)
    }
}
