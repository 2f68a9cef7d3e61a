//! A scrape loop without its own clock: the caller drives [`Scraper::tick`] from a timer with the
//! current time, and the scraper ingests its source's exposition into the shared [`Tsdb`] whenever
//! a scrape is due (every `interval`), as Prometheus scraping the sandbox's `/metrics` would.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use super::exposition::ExpositionError;
use super::tsdb::{IngestReport, Tsdb};
use super::value::Labels;

/// A database shared between the scraper (writer) and the query API (readers).
pub type SharedTsdb = Arc<RwLock<Tsdb>>;

/// Where a scrape's exposition comes from; an `Err` is a failed scrape.
pub type ScrapeSource = Box<dyn Fn() -> Result<String, String> + Send + Sync>;

/// The outcome of one scrape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScrapeOutcome {
    /// The exposition was ingested.
    Ingested(IngestReport),
    /// The source failed; every series of the target got a staleness marker.
    SourceFailed {
        /// The source's error.
        error: String,
        /// Markers written.
        stale_markers: usize,
    },
    /// The exposition did not parse; handled like a failed scrape.
    Invalid {
        /// The parse error.
        error: ExpositionError,
        /// Markers written.
        stale_markers: usize,
    },
}

/// Scrapes one source into a shared database at a fixed interval.
pub struct Scraper {
    tsdb: SharedTsdb,
    source: ScrapeSource,
    target: Labels,
    interval_ms: i64,
    next_due_ms: Option<i64>,
}

impl std::fmt::Debug for Scraper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scraper")
            .field("target", &self.target)
            .field("interval_ms", &self.interval_ms)
            .field("next_due_ms", &self.next_due_ms)
            .finish_non_exhaustive()
    }
}

impl Scraper {
    /// A scraper of `source` into `tsdb` every `interval` (at least 1 ms), with no target labels.
    pub fn new(tsdb: SharedTsdb, interval: Duration, source: ScrapeSource) -> Self {
        Scraper {
            tsdb,
            source,
            target: Labels::new(),
            interval_ms: i64::try_from(interval.as_millis()).unwrap_or(i64::MAX).max(1),
            next_due_ms: None,
        }
    }

    /// Attaches target labels (e.g. `job`) to every scraped series.
    pub fn with_target_labels(mut self, target: Labels) -> Self {
        self.target = target;
        self
    }

    /// The scrape interval.
    pub fn interval(&self) -> Duration {
        Duration::from_millis(self.interval_ms.unsigned_abs())
    }

    /// The database scraped into.
    pub fn tsdb(&self) -> &SharedTsdb {
        &self.tsdb
    }

    /// Scrapes when one is due at `now_ms` (the first call always scrapes); returns the outcome of
    /// the scrape it made, if any.
    pub fn tick(&mut self, now_ms: i64) -> Option<ScrapeOutcome> {
        if self.next_due_ms.is_some_and(|due| now_ms < due) {
            return None;
        }
        let outcome = self.scrape_now(now_ms);
        // Keep the schedule aligned to the first scrape; skip slots missed by a late timer.
        let mut due = self.next_due_ms.unwrap_or(now_ms) + self.interval_ms;
        if due <= now_ms {
            due = now_ms + self.interval_ms - (now_ms - due).rem_euclid(self.interval_ms);
        }
        self.next_due_ms = Some(due);
        Some(outcome)
    }

    /// Scrapes now, whatever the schedule.
    pub fn scrape_now(&mut self, now_ms: i64) -> ScrapeOutcome {
        let text = (self.source)();
        let mut tsdb = self
            .tsdb
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match text {
            Ok(text) => match tsdb.ingest_exposition_for_target(&text, now_ms, &self.target) {
                Ok(report) => ScrapeOutcome::Ingested(report),
                Err(error) => ScrapeOutcome::Invalid {
                    error,
                    stale_markers: tsdb.mark_target_down(&self.target, now_ms),
                },
            },
            Err(error) => ScrapeOutcome::SourceFailed {
                error,
                stale_markers: tsdb.mark_target_down(&self.target, now_ms),
            },
        }
    }
}
