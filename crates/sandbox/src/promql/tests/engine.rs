//! Selectors (lookback, staleness, offset, `@`), aggregations, range queries and engine errors.

use std::time::{Duration, Instant};

use pretty_assertions::assert_eq;

use super::{assert_close, db, engine, instant, instant_error, instant_with, l};
use crate::promql::engine::{Compat, QueryError};
use crate::promql::tsdb::{Tsdb, stale_nan};
use crate::promql::value::{Point, QueryValue, Series, labels_from};

fn requests() -> Tsdb {
    db(&[
        (
            &[("__name__", "req_total"), ("pod", "a"), ("status", "200")],
            &[(0.0, 10.0), (60.0, 70.0)],
        ),
        (
            &[("__name__", "req_total"), ("pod", "a"), ("status", "500")],
            &[(0.0, 1.0), (60.0, 4.0)],
        ),
        (
            &[("__name__", "req_total"), ("pod", "b"), ("status", "200")],
            &[(0.0, 20.0), (60.0, 50.0)],
        ),
        (
            &[("__name__", "req_total"), ("pod", "b"), ("status", "503")],
            &[(0.0, 2.0), (60.0, 2.0)],
        ),
    ])
}

#[test]
fn instant_selector_takes_the_latest_sample_within_the_lookback() {
    let db = requests();
    let got = instant(&db, r#"req_total{status!~"5.."}"#, 90.0);
    assert_eq!(
        got,
        vec![
            (
                l(&[("__name__", "req_total"), ("pod", "a"), ("status", "200")]),
                70.0
            ),
            (
                l(&[("__name__", "req_total"), ("pod", "b"), ("status", "200")]),
                50.0
            ),
        ]
    );
    assert_eq!(
        instant(&db, r#"req_total{pod="a",status="200"}"#, 59.999).len(),
        1
    );
    assert_eq!(
        instant(&db, r#"req_total{pod="a",status="200"}"#, 59.999)[0].1,
        10.0
    );
    assert_eq!(
        instant(&db, r#"req_total{pod="b",status=~"5.*"}"#, 30.0)[0].1,
        2.0
    );
    assert_eq!(
        instant(&db, r#"req_total{pod!="a",status!="200"}"#, 30.0).len(),
        1
    );
    assert_eq!(
        instant(&db, r#"req_total{missing=""}"#, 30.0).len(),
        4,
        "absent label matches \"\""
    );
    assert_eq!(
        instant(&db, "req_total", -1.0),
        vec![],
        "nothing before the first sample"
    );
    // Lookback: 5 minutes; the boundary is included in 2.x and excluded in 3.x.
    assert_eq!(
        instant_with(Compat::Prometheus2, &db, "req_total", 360.0).len(),
        4
    );
    assert_eq!(
        instant_with(Compat::Prometheus3, &db, "req_total", 360.0).len(),
        0
    );
    assert_eq!(
        instant_with(Compat::Prometheus3, &db, "req_total", 359.999).len(),
        4
    );
}

#[test]
fn staleness_markers_end_a_series_immediately() {
    let mut db = db(&[(&[("__name__", "up")], &[(0.0, 1.0)])]);
    assert!(db.append(labels_from([("__name__", "up")]), 10_000, stale_nan()));
    assert_eq!(instant(&db, "up", 5.0).len(), 1);
    assert_eq!(instant(&db, "up", 10.0), vec![], "stale at the marker");
    assert_eq!(instant(&db, "up", 100.0), vec![]);
    assert_eq!(
        instant(&db, "count_over_time(up[1m])", 20.0)[0].1,
        1.0,
        "markers are not samples"
    );
}

#[test]
fn offset_and_at_move_the_evaluation_time() {
    let db = requests();
    let sel = r#"req_total{pod="a",status="200"}"#;
    assert_eq!(instant(&db, &format!("{sel} offset 1m"), 90.0)[0].1, 10.0);
    assert_eq!(instant(&db, &format!("{sel} offset -1m"), 10.0)[0].1, 70.0);
    assert_eq!(instant(&db, &format!("{sel} @ 30"), 1000.0)[0].1, 10.0);
    assert_eq!(instant(&db, &format!("{sel} @ 100 offset 50s"), 0.0)[0].1, 10.0);
    let ranged = engine(Compat::Prometheus3)
        .range_query(&db, &format!("{sel} @ end()"), 0, 60_000, 30_000, None)
        .expect("valid");
    let QueryValue::Matrix(series) = ranged else {
        panic!("{ranged:?}")
    };
    assert_eq!(
        series[0].points.iter().map(|p| p.v).collect::<Vec<_>>(),
        vec![70.0; 3]
    );
}

#[test]
fn aggregations_group_by_and_without() {
    let db = requests();
    assert_eq!(instant(&db, "sum(req_total)", 60.0), vec![(l(&[]), 126.0)]);
    assert_eq!(
        instant(&db, "sum by (pod) (req_total)", 60.0),
        vec![(l(&[("pod", "a")]), 74.0), (l(&[("pod", "b")]), 52.0)]
    );
    assert_eq!(
        instant(&db, "sum without (status) (req_total)", 60.0),
        vec![(l(&[("pod", "a")]), 74.0), (l(&[("pod", "b")]), 52.0)],
        "without drops the metric name too"
    );
    assert_eq!(
        instant(&db, "max by (pod) (req_total)", 60.0),
        vec![(l(&[("pod", "a")]), 70.0), (l(&[("pod", "b")]), 50.0)]
    );
    assert_eq!(instant(&db, "min(req_total)", 60.0), vec![(l(&[]), 2.0)]);
    assert_eq!(instant(&db, "avg(req_total)", 60.0), vec![(l(&[]), 31.5)]);
    assert_eq!(instant(&db, "count by (status) (req_total)", 60.0).len(), 3);
    assert_eq!(instant(&db, "count(req_total)", 60.0), vec![(l(&[]), 4.0)]);
    assert_eq!(
        instant(&db, "group by (pod) (req_total)", 60.0)[1],
        (l(&[("pod", "b")]), 1.0)
    );
    assert_eq!(
        instant(&db, "sum by (__name__) (req_total)", 60.0)[0].0,
        l(&[("__name__", "req_total")])
    );
    assert_close(instant(&db, "stdvar(req_total)", 60.0)[0].1, 862.75, "stdvar");
    assert_close(
        instant(&db, "stddev(req_total)", 60.0)[0].1,
        862.75f64.sqrt(),
        "stddev",
    );
    assert_close(
        instant(&db, "quantile(0.5, req_total)", 60.0)[0].1,
        27.0,
        "quantile",
    );
    assert_eq!(instant(&db, "sum(nothing)", 60.0), vec![], "no input, no group");
    let inf = db_with(&[f64::INFINITY, 1.0, f64::NAN]);
    assert_eq!(
        instant(&inf, "max(v)", 0.0)[0].1,
        f64::INFINITY,
        "NaN loses in max"
    );
    assert_eq!(instant(&inf, "min(v)", 0.0)[0].1, 1.0, "NaN loses in min");
    assert!(instant(&inf, "avg(v)", 0.0)[0].1.is_nan());
    assert_eq!(
        instant(&db_with(&[f64::INFINITY, 1.0]), "avg(v)", 0.0)[0].1,
        f64::INFINITY
    );
}

fn db_with(values: &[f64]) -> Tsdb {
    let mut db = Tsdb::default();
    for (i, v) in values.iter().enumerate() {
        let pod = i.to_string();
        assert!(db.append(labels_from([("__name__", "v"), ("pod", pod.as_str())]), 0, *v));
    }
    db
}

#[test]
fn range_queries_evaluate_every_step_and_sort_series() {
    let db = requests();
    let e = engine(Compat::Prometheus3);
    let got = e
        .range_query(&db, "sum by (pod) (req_total)", 0, 60_000, 30_000, None)
        .expect("valid");
    assert_eq!(
        got,
        QueryValue::Matrix(vec![
            Series {
                labels: l(&[("pod", "a")]),
                points: vec![
                    Point { t: 0, v: 11.0 },
                    Point { t: 30_000, v: 11.0 },
                    Point { t: 60_000, v: 74.0 }
                ],
            },
            Series {
                labels: l(&[("pod", "b")]),
                points: vec![
                    Point { t: 0, v: 22.0 },
                    Point { t: 30_000, v: 22.0 },
                    Point { t: 60_000, v: 52.0 }
                ],
            },
        ])
    );
    let scalar = e
        .range_query(&db, "1 + 1", 0, 20_000, 10_000, None)
        .expect("valid");
    assert_eq!(
        scalar,
        QueryValue::Matrix(vec![Series {
            labels: l(&[]),
            points: vec![
                Point { t: 0, v: 2.0 },
                Point { t: 10_000, v: 2.0 },
                Point { t: 20_000, v: 2.0 }
            ],
        }])
    );
    // Series appear only at the steps where they have a value.
    let sparse = e
        .range_query(&db, "req_total > 60", 0, 60_000, 30_000, None)
        .expect("valid");
    let QueryValue::Matrix(series) = sparse else {
        panic!("{sparse:?}")
    };
    assert_eq!(series.len(), 1);
    assert_eq!(series[0].points, vec![Point { t: 60_000, v: 70.0 }]);
}

#[test]
fn range_queries_refuse_range_vectors_and_strings() {
    let e = engine(Compat::Prometheus3);
    let db = requests();
    for (query, kind) in [("req_total[1m]", "range vector"), ("\"s\"", "string")] {
        assert_eq!(
            e.range_query(&db, query, 0, 60_000, 10_000, None),
            Err(QueryError::BadData(format!(
                "invalid expression type \"{kind}\" for range query, must be Scalar or instant Vector"
            )))
        );
    }
    assert!(matches!(
        e.range_query(&db, "1", 0, 10, 0, None),
        Err(QueryError::BadData(_))
    ));
}

#[test]
fn instant_queries_return_matrices_strings_and_scalars() {
    let db = requests();
    let e = engine(Compat::Prometheus3);
    let m = e
        .instant_query(&db, r#"req_total{pod="a",status="200"}[2m]"#, 90_000, None)
        .expect("valid");
    let QueryValue::Matrix(series) = m else {
        panic!("{m:?}")
    };
    assert_eq!(
        series[0].points,
        vec![Point { t: 0, v: 10.0 }, Point { t: 60_000, v: 70.0 }],
        "raw times"
    );
    assert_eq!(
        e.instant_query(&db, "\"hello\"", 5_000, None),
        Ok(QueryValue::String {
            t: 5_000,
            value: "hello".to_owned()
        })
    );
    assert_eq!(
        e.instant_query(&db, "2 ^ 10", 5_000, None),
        Ok(QueryValue::Scalar(Point { t: 5_000, v: 1024.0 }))
    );
    assert_eq!(
        e.instant_query(&db, "-(3)", 0, None),
        Ok(QueryValue::Scalar(Point { t: 0, v: -3.0 }))
    );
}

#[test]
fn duplicate_label_sets_are_an_execution_error() {
    let db = db(&[
        (&[("__name__", "a"), ("x", "1")], &[(0.0, 1.0), (10.0, 2.0)]),
        (&[("__name__", "b"), ("x", "1")], &[(0.0, 1.0), (10.0, 2.0)]),
    ]);
    let e = instant_error(&db, r#"rate({__name__=~"a|b"}[1m])"#, 10.0);
    assert_eq!(
        e,
        QueryError::Execution("vector cannot contain metrics with the same labelset".to_owned())
    );
    assert_eq!(e.error_type(), "execution");
    assert_eq!(e.http_status(), 422);
    assert!(matches!(
        instant_error(&db, r#"-{__name__=~"a|b"}"#, 10.0),
        QueryError::Execution(_)
    ));
    assert_eq!(
        instant(&db, r#"{__name__=~"a|b"}"#, 10.0).len(),
        2,
        "selectors keep the names"
    );
}

#[test]
fn a_passed_deadline_times_out() {
    let db = requests();
    let past = Instant::now().checked_sub(Duration::from_millis(1));
    let got = engine(Compat::Prometheus3).instant_query(&db, "sum(req_total)", 0, past);
    let err = got.expect_err("deadline passed");
    assert_eq!(err.error_type(), "timeout");
    assert_eq!(err.http_status(), 503);
}

#[test]
fn compat_follows_the_prometheus_version() {
    assert_eq!(Compat::from_version("2.42.0+ds"), Compat::Prometheus2);
    assert_eq!(Compat::from_version("3.5.0"), Compat::Prometheus3);
    assert_eq!(Compat::default(), Compat::Prometheus3);
}
