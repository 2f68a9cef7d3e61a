//! Running an end-to-end scenario under a [`Disruption`]: undisturbed, with the controller killed and
//! restarted at random points, or with kills, injected write errors and lost watches. A [`Harness`]
//! starts the [invariant watcher](super::invariants), the controller and a "chaos monkey" task before the
//! scenario's body runs; [`Harness::finish`] stops them, fails on any invariant violation and checks
//! that the disruptions really happened (so a disturbed variant cannot pass undisturbed).
//!
//! Disruption points are counted in API writes (the sandbox's request log), not in time, so they land
//! inside the scenario however busy the machine is: each scenario says within how many writes to draw
//! them (fewer than it makes undisturbed). The random choices come from a seeded generator; the seed is
//! printed, and `ROLLOUTS_E2E_SEED=<seed>` replays the same disruption points (the interleaving of the
//! tasks still varies from run to run). `ROLLOUTS_E2E_LOG=<filter>` (e.g.
//! `rollouts_controller=debug,kube_runtime=debug`) prints the controller's logs.
//!
//! * [`Disruption::Restarts`]: two kills (the controller task is aborted wherever it is, mid-reconcile or
//!   between two writes of one plan: no graceful shutdown) at random writes, each followed by a restart
//!   after a random 0-50 ms of downtime.
//! * [`Disruption::Chaos`]: kills every so many writes, one failed write (500, 409 or 429, any resource,
//!   any client; the kube client retries a 429 by itself) about every 20 writes, i.e. about 5%, injected
//!   only once the previous one was consumed (more starves the controller), and every store watch (the controller's, the simulator's and the
//!   watcher's) alternately dropped, or expired with the history compacted (a forced re-list).

use std::time::Duration;

use rollouts_sandbox::Sandbox;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::e2e::start_controller;
use super::invariants::{Check, Invariants, Report};

/// A SplitMix64 generator: tiny, seedable, good enough to pick disruption points.
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi` (`lo` when `hi < lo`).
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        lo + self.next_u64() % (hi - lo + 1)
    }
}

/// The seed of this run: `ROLLOUTS_E2E_SEED` (decimal) when set, else from the clock.
///
/// # Panics
/// When `ROLLOUTS_E2E_SEED` is not a number.
pub fn seed() -> u64 {
    match std::env::var("ROLLOUTS_E2E_SEED") {
        Ok(s) => s
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("ROLLOUTS_E2E_SEED={s:?} is not a decimal u64")),
        Err(_) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64),
    }
}

/// How a scenario is disturbed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disruption {
    /// The controller runs from start to end.
    None,
    /// The controller is killed and restarted at two random points.
    Restarts,
    /// Kills, ~5% write errors, dropped and expired watches.
    Chaos,
}

/// What the chaos monkey did.
#[derive(Debug, Default)]
pub struct Disrupted {
    /// Controller kills.
    pub kills: usize,
    /// Write errors injected.
    pub faults: usize,
    /// Watch drops.
    pub drops: usize,
    /// Watch expiries with compaction.
    pub expiries: usize,
    /// API writes during the scenario.
    pub writes: u64,
    /// What happened at which write, in order.
    pub log: Vec<String>,
    /// Whether the controller failed to stop gracefully within 20 s at the end.
    pub stuck: bool,
}

/// The invariant watcher, the controller and the chaos monkey of one scenario.
pub struct Harness {
    mode: Disruption,
    seed: u64,
    invariants: Invariants,
    stop: CancellationToken,
    monkey: JoinHandle<Disrupted>,
}

impl Harness {
    /// Starts the watcher with the canary invariants, then the controller under `mode`, drawing the
    /// disruption points within the first `writes` API writes.
    pub fn start(sb: &Sandbox, mode: Disruption, writes: u64) -> Self {
        Self::start_with_checks(sb, mode, writes, super::invariants::checks::canary())
    }

    /// As [`Harness::start`] with other checks.
    pub fn start_with_checks(
        sb: &Sandbox,
        mode: Disruption,
        writes: u64,
        checks: Vec<Box<dyn Check>>,
    ) -> Self {
        if let Ok(filter) = std::env::var("ROLLOUTS_E2E_LOG") {
            // A debugging aid: the controller's logs, e.g. ROLLOUTS_E2E_LOG=rollouts_controller=debug,kube=debug.
            let _ = tracing_subscriber::fmt()
                .with_span_events(
                    tracing_subscriber::fmt::format::FmtSpan::NEW
                        | tracing_subscriber::fmt::format::FmtSpan::CLOSE,
                )
                .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
                .with_test_writer()
                .try_init();
        }
        let invariants = Invariants::start(sb, "default", checks);
        let seed = seed();
        eprintln!("disruption {mode:?}, seed {seed} (replay with ROLLOUTS_E2E_SEED={seed})");
        let stop = CancellationToken::new();
        let monkey = tokio::spawn(monkey(sb, mode, Rng::new(seed), writes.max(2), stop.clone()));
        Self {
            mode,
            seed,
            invariants,
            stop,
            monkey,
        }
    }

    /// Stops everything without judging, and describes what happened (the seed, the disruptions, the
    /// violations, the last transitions and the final state): for a scenario that failed.
    pub async fn diagnose(self) -> String {
        self.stop.cancel();
        let done = self.monkey.await.unwrap_or_default();
        let report = self.invariants.stop().await;
        format!(
            "seed {} (replay with ROLLOUTS_E2E_SEED={}), {:?}: {} writes; {}\nviolations: {:#?}\n\
             last transitions:\n{}\nlast state:\n{}",
            self.seed,
            self.seed,
            self.mode,
            done.writes,
            done.log.join("; "),
            report.violations,
            Vec::from(report.recent).join("\n"),
            report.last_state
        )
    }

    /// Stops the monkey and the controller (cleanly), then the watcher.
    ///
    /// # Panics
    /// On an invariant violation, when the watcher saw nothing, or when a disruption the mode promises did
    /// not happen.
    pub async fn finish(self) -> (Report, Disrupted) {
        self.stop.cancel();
        let done = rollouts_testkit::within("the chaos monkey stops", 30, self.monkey)
            .await
            .expect("chaos monkey task");
        eprintln!(
            "seed {}: {} writes; {}",
            self.seed,
            done.writes,
            done.log.join("; ")
        );
        let report = self.invariants.finish().await;
        eprintln!(
            "invariants applied: {:?}; events {:?}; relists {}",
            report.applied, report.events, report.relists
        );
        let replay = format!("(seed {}: {done:?})", self.seed);
        assert!(!done.stuck, "the controller did not stop within 20 s {replay}");
        match self.mode {
            Disruption::None => {}
            Disruption::Restarts => assert!(done.kills >= 1, "the controller was never killed {replay}"),
            Disruption::Chaos => {
                assert!(done.kills >= 1, "the controller was never killed {replay}");
                assert!(done.faults >= 1, "no write failed {replay}");
                assert!(done.drops >= 1, "no watch was dropped {replay}");
                assert!(done.expiries >= 1, "no watch expired {replay}");
            }
        }
        (report, done)
    }
}

/// Runs the controller, disturbing it as `mode` says, until `stop`.
fn monkey(
    sb: &Sandbox,
    mode: Disruption,
    mut rng: Rng,
    writes: u64,
    stop: CancellationToken,
) -> impl std::future::Future<Output = Disrupted> + Send + 'static {
    let client = sb.client();
    let faults = sb.faults().clone();
    let store = sb.store().clone();
    let log = sb.requests().clone();
    async move {
        let base = log.writes();
        let started = std::time::Instant::now();
        let at = |now: u64| format!("write {} ({} ms)", now - base, started.elapsed().as_millis());
        let mut done = Disrupted::default();
        // Kill points (absolute write counts), in order.
        let mut kills: Vec<u64> = match mode {
            Disruption::None => Vec::new(),
            Disruption::Restarts => {
                let mut k = vec![rng.range(1, writes), rng.range(1, writes)];
                k.sort_unstable();
                k
            }
            Disruption::Chaos => {
                let mut at = rng.range(1, writes / 2);
                let mut k = Vec::new();
                for _ in 0..8 {
                    k.push(at);
                    at += rng.range((writes / 3).max(1), writes);
                }
                k
            }
        };
        kills.iter_mut().for_each(|k| *k += base);
        kills.reverse(); // popped from the end
        let chaos = mode == Disruption::Chaos;
        let mut next_fault = base + rng.range(1, 10);
        let mut next_watch = base + rng.range(1, writes / 3);
        let mut running = Some(start_controller(client.clone()));
        loop {
            tokio::select! {
                () = stop.cancelled() => break,
                () = tokio::time::sleep(Duration::from_millis(2)) => {}
            }
            let now = log.writes();
            if kills.last().is_some_and(|&k| now >= k) {
                kills.pop();
                if let Some(r) = running.take() {
                    // Killed wherever it is: no graceful shutdown.
                    r.task.abort();
                    let _ = r.task.await;
                }
                done.kills += 1;
                let down = rng.range(0, 50);
                done.log.push(format!("killed at {}, {down} ms down", at(now)));
                tokio::select! {
                    () = stop.cancelled() => break,
                    () = tokio::time::sleep(Duration::from_millis(down)) => {}
                }
                running = Some(start_controller(client.clone()));
            }
            if chaos && now >= next_fault && faults.pending() == 0 {
                let code = [500, 409, 429][rng.range(0, 2) as usize];
                faults.fail_requests(None, rollouts_sandbox::FaultVerbs::Writes, code, 1);
                done.faults += 1;
                done.log.push(format!("{code} at {}", at(now)));
                next_fault = now + rng.range(10, 30);
            }
            if chaos && now >= next_watch {
                if (done.drops + done.expiries) % 2 == 0 {
                    store.end_watches(None, false);
                    done.drops += 1;
                    done.log.push(format!("watches dropped at {}", at(now)));
                } else {
                    store.end_watches(None, true);
                    store.compact();
                    done.expiries += 1;
                    done.log.push(format!("watches expired at {}", at(now)));
                }
                next_watch = now + rng.range((writes / 4).max(1), (writes / 2).max(1));
            }
        }
        faults.clear();
        if let Some(r) = running {
            // A graceful stop, which must not take long.
            r.shutdown.cancel();
            done.stuck = tokio::time::timeout(Duration::from_secs(20), r.task)
                .await
                .is_err();
        }
        done.writes = log.writes() - base;
        done
    }
}
