//! The in-memory time-series database: series keyed by label set, float samples in time order,
//! bounded retention, and Prometheus' staleness markers (a special NaN written when a series that
//! a target exposed at its previous scrape is gone from the next one, or the scrape failed).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use regex::Regex;

use super::exposition::{self, ExpositionError};
use super::value::{Labels, Point};

/// The bit pattern of Prometheus' staleness marker (`value.StaleNaN`).
pub const STALE_NAN_BITS: u64 = 0x7ff0_0000_0000_0002;

/// The staleness marker as a float.
pub fn stale_nan() -> f64 {
    f64::from_bits(STALE_NAN_BITS)
}

/// Whether `v` is the staleness marker (and not any other NaN).
pub fn is_stale_nan(v: f64) -> bool {
    v.to_bits() == STALE_NAN_BITS
}

/// How a [`Matcher`] compares a label value.
#[derive(Debug, Clone)]
pub enum MatchOp {
    /// `=`.
    Equal,
    /// `!=`.
    NotEqual,
    /// `=~` with a fully anchored regex.
    Regex(Regex),
    /// `!~` with a fully anchored regex.
    NotRegex(Regex),
}

/// A label matcher; a missing label matches as the empty string, as in Prometheus.
#[derive(Debug, Clone)]
pub struct Matcher {
    /// The label name.
    pub name: String,
    /// The comparison.
    pub op: MatchOp,
    /// The value (for regex ops, the pattern as written).
    pub value: String,
}

impl Matcher {
    /// An equality matcher.
    pub fn equal(name: &str, value: &str) -> Self {
        Matcher {
            name: name.to_owned(),
            op: MatchOp::Equal,
            value: value.to_owned(),
        }
    }

    /// Whether the value matches.
    pub fn matches_value(&self, value: &str) -> bool {
        match &self.op {
            MatchOp::Equal => self.value == value,
            MatchOp::NotEqual => self.value != value,
            MatchOp::Regex(re) => re.is_match(value),
            MatchOp::NotRegex(re) => !re.is_match(value),
        }
    }

    /// Whether a label set matches.
    pub fn matches(&self, labels: &Labels) -> bool {
        self.matches_value(labels.get(&self.name).map_or("", String::as_str))
    }
}

/// Settings of a [`Tsdb`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TsdbOptions {
    /// Samples older than the newest sample minus this many milliseconds are dropped.
    pub retention_ms: i64,
}

impl Default for TsdbOptions {
    /// One hour, as the sandbox keeps.
    fn default() -> Self {
        TsdbOptions {
            retention_ms: 3_600_000,
        }
    }
}

/// What one ingestion did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IngestReport {
    /// Samples appended.
    pub appended: usize,
    /// Samples rejected because the series already had a sample at or after their timestamp.
    pub out_of_order: usize,
    /// Sample lines whose series already appeared earlier in the same exposition.
    pub duplicates: usize,
    /// Staleness markers written for series that disappeared.
    pub stale_markers: usize,
}

/// The database.
#[derive(Debug, Default)]
pub struct Tsdb {
    options: TsdbOptions,
    series: BTreeMap<Labels, Vec<Point>>,
    /// For each scrape target (its target labels), the series its last scrape exposed.
    targets: HashMap<Labels, BTreeSet<Labels>>,
    newest_ms: Option<i64>,
}

impl Tsdb {
    /// An empty database.
    pub fn new(options: TsdbOptions) -> Self {
        Tsdb {
            options,
            ..Tsdb::default()
        }
    }

    /// The settings.
    pub fn options(&self) -> TsdbOptions {
        self.options
    }

    /// Parses a text exposition and appends its samples at `timestamp_ms` (or at a sample's own
    /// timestamp when its line has one), as one scrape of the default target (no target labels).
    pub fn ingest_exposition(
        &mut self,
        text: &str,
        timestamp_ms: i64,
    ) -> Result<IngestReport, ExpositionError> {
        self.ingest_exposition_for_target(text, timestamp_ms, &Labels::new())
    }

    /// Like [`Tsdb::ingest_exposition`], for a target whose labels (e.g. `job`, `instance`) are
    /// attached to every series; an exposed label that collides with one is renamed `exported_<name>`,
    /// as Prometheus does without `honor_labels`. Series the target's previous scrape exposed and this
    /// one does not get a staleness marker.
    pub fn ingest_exposition_for_target(
        &mut self,
        text: &str,
        timestamp_ms: i64,
        target: &Labels,
    ) -> Result<IngestReport, ExpositionError> {
        let parsed = exposition::parse(text)?;
        let mut report = IngestReport::default();
        let mut seen = BTreeSet::new();
        for sample in parsed.samples {
            let labels = with_target_labels(sample.labels, target);
            if seen.contains(&labels) {
                report.duplicates += 1;
                continue;
            }
            let t = sample.timestamp_ms.unwrap_or(timestamp_ms);
            if self.append(labels.clone(), t, sample.value) {
                report.appended += 1;
            } else {
                report.out_of_order += 1;
            }
            // Series with explicit timestamps get no staleness handling, as in Prometheus.
            if sample.timestamp_ms.is_none() {
                seen.insert(labels);
            }
        }
        let previous = self.targets.insert(target.clone(), seen);
        if let Some(previous) = previous {
            let current = &self.targets[target];
            let gone: Vec<Labels> = previous.difference(current).cloned().collect();
            for labels in gone {
                if self.append(labels, timestamp_ms, stale_nan()) {
                    report.stale_markers += 1;
                }
            }
        }
        self.enforce_retention();
        Ok(report)
    }

    /// Records a failed scrape of `target`: every series its last scrape exposed gets a staleness
    /// marker, as Prometheus writes when a target goes down. Returns the number of markers.
    pub fn mark_target_down(&mut self, target: &Labels, timestamp_ms: i64) -> usize {
        let gone = self.targets.remove(target).unwrap_or_default();
        gone.into_iter()
            .filter(|labels| self.append(labels.clone(), timestamp_ms, stale_nan()))
            .count()
    }

    /// Appends one sample; returns false (and stores nothing) when the series already has a sample
    /// at or after `t`.
    pub fn append(&mut self, labels: Labels, t: i64, v: f64) -> bool {
        let points = self.series.entry(labels).or_default();
        if points.last().is_some_and(|last| last.t >= t) {
            return false;
        }
        points.push(Point { t, v });
        self.newest_ms = Some(self.newest_ms.map_or(t, |n| n.max(t)));
        true
    }

    fn enforce_retention(&mut self) {
        let Some(newest) = self.newest_ms else {
            return;
        };
        let cutoff = newest.saturating_sub(self.options.retention_ms);
        self.series.retain(|_, points| {
            let keep_from = points.partition_point(|p| p.t < cutoff);
            points.drain(..keep_from);
            !points.is_empty()
        });
    }

    /// The series every matcher matches, in label order, with all their points (staleness markers
    /// included).
    pub fn select<'a>(
        &'a self,
        matchers: &'a [Matcher],
    ) -> impl Iterator<Item = (&'a Labels, &'a [Point])> + 'a {
        self.series
            .iter()
            .filter(|(labels, _)| matchers.iter().all(|m| m.matches(labels)))
            .map(|(labels, points)| (labels, points.as_slice()))
    }

    /// The number of series stored.
    pub fn series_count(&self) -> usize {
        self.series.len()
    }

    /// The number of samples stored (staleness markers included).
    pub fn sample_count(&self) -> usize {
        self.series.values().map(Vec::len).sum()
    }

    /// The timestamp of the newest sample, if any.
    pub fn newest_timestamp_ms(&self) -> Option<i64> {
        self.newest_ms
    }
}

fn with_target_labels(mut labels: Labels, target: &Labels) -> Labels {
    for (name, value) in target {
        if let Some(exposed) = labels.remove(name) {
            labels.insert(format!("exported_{name}"), exposed);
        }
        if !value.is_empty() {
            labels.insert(name.clone(), value.clone());
        }
    }
    labels
}

/// The points of a series in the window `[mint, maxt]` (or `(mint, maxt]` when `left_open`).
pub fn window(points: &[Point], mint: i64, maxt: i64, left_open: bool) -> &[Point] {
    let start = if left_open {
        points.partition_point(|p| p.t <= mint)
    } else {
        points.partition_point(|p| p.t < mint)
    };
    let end = points.partition_point(|p| p.t <= maxt);
    if start >= end { &[] } else { &points[start..end] }
}
