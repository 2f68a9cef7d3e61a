//! The TSDB (appends, staleness markers, retention, target labels) and the scraper.

use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use pretty_assertions::assert_eq;

use super::l;
use crate::promql::scraper::{ScrapeOutcome, Scraper};
use crate::promql::tsdb::{IngestReport, Matcher, Tsdb, TsdbOptions, is_stale_nan, stale_nan, window};
use crate::promql::value::Point;

fn points(db: &Tsdb, name: &str) -> Vec<(i64, f64)> {
    let matchers = [Matcher::equal("__name__", name)];
    db.select(&matchers)
        .flat_map(|(_, p)| p.iter().map(|p| (p.t, p.v)))
        .collect()
}

#[test]
fn ingests_scrapes_and_marks_vanished_series_stale() {
    let mut db = Tsdb::default();
    let report = db.ingest_exposition("a 1\nb 2\n", 1000).expect("valid");
    assert_eq!(
        report,
        IngestReport {
            appended: 2,
            ..IngestReport::default()
        }
    );
    let report = db.ingest_exposition("a 3\n", 2000).expect("valid");
    assert_eq!(report.appended, 1);
    assert_eq!(report.stale_markers, 1);
    let b = points(&db, "b");
    assert_eq!(b.len(), 2);
    assert_eq!(b[0], (1000, 2.0));
    assert_eq!(b[1].0, 2000);
    assert!(is_stale_nan(b[1].1));
    assert!(
        !is_stale_nan(f64::NAN),
        "an ordinary NaN is not a staleness marker"
    );
    assert!(stale_nan().is_nan());
    // A series that comes back is appended normally.
    db.ingest_exposition("a 4\nb 5\n", 3000).expect("valid");
    assert_eq!(points(&db, "b").last(), Some(&(3000, 5.0)));
    assert_eq!(db.series_count(), 2);
    assert_eq!(db.sample_count(), 6);
    assert_eq!(db.newest_timestamp_ms(), Some(3000));
}

#[test]
fn rejects_out_of_order_and_duplicate_samples() {
    let mut db = Tsdb::default();
    db.ingest_exposition("a 1\n", 2000).expect("valid");
    let report = db.ingest_exposition("a 2\na 3\n", 1000).expect("valid");
    assert_eq!(report.out_of_order, 1);
    assert_eq!(report.duplicates, 1);
    assert_eq!(points(&db, "a"), vec![(2000, 1.0)]);
    // Explicit timestamps win over the scrape time.
    db.ingest_exposition("c 7 5000\n", 3000).expect("valid");
    assert_eq!(points(&db, "c"), vec![(5000, 7.0)]);
}

#[test]
fn drops_samples_past_retention() {
    let mut db = Tsdb::new(TsdbOptions { retention_ms: 10_000 });
    for i in 0..30 {
        let text = if i < 5 { "a 1\nold 1\n" } else { "a 1\n" };
        db.ingest_exposition(text, i * 1000).expect("valid");
    }
    let a = points(&db, "a");
    assert_eq!(
        a.first().map(|p| p.0),
        Some(19_000),
        "only the last 10 s are kept"
    );
    assert_eq!(a.len(), 11);
    assert!(
        points(&db, "old").is_empty(),
        "series with no samples left are removed"
    );
    assert_eq!(db.series_count(), 1);
}

#[test]
fn attaches_target_labels_and_renames_collisions() {
    let mut db = Tsdb::default();
    let target = l(&[("job", "sandbox")]);
    db.ingest_exposition_for_target("a{job=\"inner\",x=\"1\"} 1\n", 1000, &target)
        .expect("valid");
    let all = [Matcher::equal("__name__", "a")];
    let labels: Vec<_> = db.select(&all).map(|(l, _)| l.clone()).collect();
    assert_eq!(
        labels,
        vec![l(&[
            ("__name__", "a"),
            ("exported_job", "inner"),
            ("job", "sandbox"),
            ("x", "1")
        ])]
    );
    assert_eq!(db.mark_target_down(&target, 2000), 1);
    assert!(points(&db, "a").last().is_some_and(|p| is_stale_nan(p.1)));
    assert_eq!(
        db.mark_target_down(&target, 3000),
        0,
        "a target already down has nothing left"
    );
}

#[test]
fn windows_are_closed_or_left_open() {
    let pts: Vec<Point> = [0, 10, 20, 30].iter().map(|&t| Point { t, v: 1.0 }).collect();
    assert_eq!(window(&pts, 10, 30, false).len(), 3);
    assert_eq!(window(&pts, 10, 30, true).len(), 2);
    assert_eq!(window(&pts, 31, 40, false).len(), 0);
    assert_eq!(window(&pts, 40, 10, false).len(), 0);
}

#[test]
fn scraper_scrapes_when_due_and_marks_failures_stale() {
    let tsdb = Arc::new(RwLock::new(Tsdb::default()));
    let replies = Arc::new(Mutex::new(vec![
        Err("connection refused".to_owned()),
        Ok("a 2\n".to_owned()),
        Ok("a 1\n".to_owned()),
    ]));
    let source = {
        let replies = Arc::clone(&replies);
        Box::new(move || {
            replies
                .lock()
                .expect("test mutex")
                .pop()
                .unwrap_or_else(|| Ok("not valid {\n".to_owned()))
        })
    };
    let mut scraper = Scraper::new(Arc::clone(&tsdb), Duration::from_secs(10), source)
        .with_target_labels(l(&[("job", "sandbox")]));
    assert_eq!(scraper.interval(), Duration::from_secs(10));
    assert!(matches!(scraper.tick(100_000), Some(ScrapeOutcome::Ingested(r)) if r.appended == 1));
    assert_eq!(scraper.tick(105_000), None, "not due yet");
    assert!(matches!(scraper.tick(110_000), Some(ScrapeOutcome::Ingested(_))));
    // A late timer scrapes once and realigns to the schedule.
    match scraper.tick(135_000) {
        Some(ScrapeOutcome::SourceFailed { error, stale_markers }) => {
            assert_eq!(error, "connection refused");
            assert_eq!(stale_markers, 1);
        }
        other => panic!("expected a failed scrape, got {other:?}"),
    }
    assert_eq!(scraper.tick(139_999), None);
    assert!(matches!(
        scraper.tick(140_000),
        Some(ScrapeOutcome::Invalid { stale_markers: 0, .. })
    ));
    let db = scraper.tsdb().read().expect("lock");
    let a = points(&db, "a");
    assert_eq!(a[..2], [(100_000, 1.0), (110_000, 2.0)]);
    assert!(is_stale_nan(a[2].1));
}
