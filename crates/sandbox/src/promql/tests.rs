//! Unit tests of the PromQL module: exposition parsing, the TSDB and scraper, the mapping from the
//! parser's tree to the plan, each function and operator, and the exact JSON of the API.

mod api;
mod engine;
mod exposition;
mod functions;
mod json;
mod operators;
mod plan;
mod tsdb;

use super::engine::{Compat, Engine, EngineOptions, QueryError};
use super::tsdb::Tsdb;
use super::value::{Labels, QueryValue, labels_from};

/// A series for [`db`]: its labels (the metric name under `__name__`) and (seconds, value) points.
pub(super) type SeriesSpec<'a> = (&'a [(&'a str, &'a str)], &'a [(f64, f64)]);

/// A database holding `series`, each a label list (the metric name under `__name__`) with points
/// given as (seconds, value).
pub(super) fn db(series: &[SeriesSpec<'_>]) -> Tsdb {
    let mut db = Tsdb::default();
    for (labels, points) in series {
        for (t, v) in *points {
            assert!(db.append(labels_from(labels.iter().copied()), (t * 1000.0) as i64, *v));
        }
    }
    db
}

pub(super) fn engine(compat: Compat) -> Engine {
    Engine::new(EngineOptions {
        compat,
        ..EngineOptions::default()
    })
}

/// Evaluates an instant query at `t` seconds and returns (labels, value) pairs of the vector, or
/// the scalar under empty labels.
pub(super) fn instant(db: &Tsdb, query: &str, t: f64) -> Vec<(Labels, f64)> {
    instant_with(Compat::Prometheus3, db, query, t)
}

pub(super) fn instant_with(compat: Compat, db: &Tsdb, query: &str, t: f64) -> Vec<(Labels, f64)> {
    let t_ms = (t * 1000.0) as i64;
    match engine(compat).instant_query(db, query, t_ms, None) {
        Ok(QueryValue::Vector(samples)) => {
            for s in &samples {
                assert_eq!(s.t, t_ms, "instant vector samples carry the evaluation time");
            }
            samples.into_iter().map(|s| (s.labels, s.v)).collect()
        }
        Ok(QueryValue::Scalar(p)) => vec![(Labels::new(), p.v)],
        other => panic!("{query}: unexpected result {other:?}"),
    }
}

/// The error of a query that must fail.
pub(super) fn instant_error(db: &Tsdb, query: &str, t: f64) -> QueryError {
    match engine(Compat::Prometheus3).instant_query(db, query, (t * 1000.0) as i64, None) {
        Err(e) => e,
        Ok(v) => panic!("{query}: expected an error, got {v:?}"),
    }
}

/// Shorthand for a label set.
pub(super) fn l(pairs: &[(&str, &str)]) -> Labels {
    labels_from(pairs.iter().copied())
}

/// Asserts two floats are equal, NaN equal to NaN, within a relative 1e-9.
pub(super) fn assert_close(actual: f64, expected: f64, what: &str) {
    let ok = (actual.is_nan() && expected.is_nan())
        || actual == expected
        || (actual - expected).abs() <= 1e-9 * expected.abs().max(1e-12);
    assert!(ok, "{what}: got {actual}, expected {expected}");
}
