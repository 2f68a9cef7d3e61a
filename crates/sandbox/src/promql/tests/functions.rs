//! Each function: `rate`/`increase`/`delta` extrapolation, `irate`/`idelta`, the `*_over_time`
//! family, quantiles, and the instant-vector functions through the engine.

use pretty_assertions::assert_eq;

use super::{SeriesSpec, assert_close, db, instant, instant_error, instant_with, l};

type OwnedSpec = (Vec<(&'static str, &'static str)>, Vec<(f64, f64)>);
use crate::promql::engine::Compat;
use crate::promql::functions::{Func, RangeWindow, extrapolated_rate, instant_value, range_function};
use crate::promql::quantile::{Bucket, bucket_quantile, quantile};
use crate::promql::value::Point;

fn pts(pairs: &[(f64, f64)]) -> Vec<Point> {
    pairs
        .iter()
        .map(|&(t, v)| Point {
            t: (t * 1000.0) as i64,
            v,
        })
        .collect()
}

const MINUTE: RangeWindow = RangeWindow {
    start_ms: 0,
    end_ms: 60_000,
};
const BOTH: [Compat; 2] = [Compat::Prometheus2, Compat::Prometheus3];

#[test]
fn rate_and_increase_extrapolate_to_the_range_boundaries() {
    // Samples 5 s inside each end, every 10 s: extrapolated by 5 s on both sides.
    let p = pts(&[
        (5.0, 10.0),
        (15.0, 20.0),
        (25.0, 30.0),
        (35.0, 40.0),
        (45.0, 50.0),
        (55.0, 60.0),
    ]);
    for compat in BOTH {
        assert_close(
            extrapolated_rate(&p, MINUTE, true, false, compat).unwrap_or(f64::NAN),
            60.0,
            "increase",
        );
        assert_close(
            extrapolated_rate(&p, MINUTE, true, true, compat).unwrap_or(f64::NAN),
            1.0,
            "rate",
        );
    }
}

#[test]
fn rate_adds_back_the_value_before_a_counter_reset() {
    let p = pts(&[
        (5.0, 10.0),
        (15.0, 20.0),
        (25.0, 30.0),
        (35.0, 5.0),
        (45.0, 15.0),
        (55.0, 25.0),
    ]);
    // 25 - 10 + 30 (lost at the reset) = 45, extrapolated by 60/50.
    for compat in BOTH {
        assert_close(
            extrapolated_rate(&p, MINUTE, true, false, compat).unwrap_or(f64::NAN),
            54.0,
            "increase",
        );
    }
    // delta() treats it as a gauge: no reset handling.
    assert_close(
        extrapolated_rate(&p, MINUTE, false, false, Compat::Prometheus3).unwrap_or(f64::NAN),
        15.0 * 1.2,
        "delta",
    );
}

#[test]
fn rate_does_not_extrapolate_below_zero() {
    // The counter would reach zero 1 s before the first sample: extrapolate only that far.
    let p = pts(&[
        (5.0, 1.0),
        (15.0, 11.0),
        (25.0, 21.0),
        (35.0, 31.0),
        (45.0, 41.0),
        (55.0, 51.0),
    ]);
    for compat in BOTH {
        assert_close(
            extrapolated_rate(&p, MINUTE, true, false, compat).unwrap_or(f64::NAN),
            56.0,
            "increase",
        );
    }
}

#[test]
fn rate_of_a_series_starting_inside_the_range_differs_between_2_and_3() {
    // First sample 30 s after the range start: 2.x clamps to the zero point (8 s) first and then
    // extrapolates that far, 3.x extrapolates half an interval (5 s) and then clamps.
    let p = pts(&[(30.0, 8.0), (40.0, 18.0), (50.0, 28.0)]);
    let v2 = extrapolated_rate(&p, MINUTE, true, false, Compat::Prometheus2).unwrap_or(f64::NAN);
    let v3 = extrapolated_rate(&p, MINUTE, true, false, Compat::Prometheus3).unwrap_or(f64::NAN);
    assert_close(v2, 20.0 * (20.0 + 8.0 + 10.0) / 20.0, "2.x");
    assert_close(v3, 20.0 * (20.0 + 5.0 + 10.0) / 20.0, "3.x");
    // Far from the end too: half an interval on both sides.
    let p = pts(&[(20.0, 100.0), (30.0, 110.0)]);
    assert_close(
        extrapolated_rate(&p, MINUTE, true, false, Compat::Prometheus3).unwrap_or(f64::NAN),
        20.0,
        "half intervals",
    );
}

#[test]
fn rate_needs_two_samples() {
    assert_eq!(
        extrapolated_rate(&pts(&[(5.0, 1.0)]), MINUTE, true, true, Compat::Prometheus3),
        None
    );
    assert_eq!(instant_value(&pts(&[(5.0, 1.0)]), true), None);
}

#[test]
fn irate_and_idelta_use_the_last_two_samples() {
    let p = pts(&[(5.0, 1.0), (45.0, 50.0), (55.0, 60.0)]);
    assert_eq!(instant_value(&p, true), Some(1.0));
    assert_eq!(instant_value(&p, false), Some(10.0));
    let reset = pts(&[(45.0, 60.0), (55.0, 5.0)]);
    assert_eq!(
        instant_value(&reset, true),
        Some(0.5),
        "after a reset irate uses the new value"
    );
    assert_eq!(instant_value(&reset, false), Some(-55.0));
}

#[test]
fn over_time_functions() {
    let p = pts(&[(1.0, 3.0), (2.0, 1.0), (3.0, 4.0), (4.0, 1.0), (5.0, 5.0)]);
    let f = |func| range_function(func, &p, MINUTE, 0.5, Compat::Prometheus3).unwrap_or(f64::NAN);
    assert_close(f(Func::AvgOverTime), 2.8, "avg_over_time");
    assert_close(f(Func::SumOverTime), 14.0, "sum_over_time");
    assert_close(f(Func::MinOverTime), 1.0, "min_over_time");
    assert_close(f(Func::MaxOverTime), 5.0, "max_over_time");
    assert_close(f(Func::CountOverTime), 5.0, "count_over_time");
    assert_close(f(Func::LastOverTime), 5.0, "last_over_time");
    assert_close(f(Func::PresentOverTime), 1.0, "present_over_time");
    assert_close(f(Func::QuantileOverTime), 3.0, "quantile_over_time");
    assert_close(f(Func::StdvarOverTime), 2.56, "stdvar_over_time");
    assert_close(f(Func::StddevOverTime), 1.6, "stddev_over_time");
    assert_close(f(Func::Changes), 4.0, "changes");
    assert_close(f(Func::Resets), 2.0, "resets");
    let nan = pts(&[(1.0, f64::NAN), (2.0, 2.0), (3.0, f64::NAN)]);
    let g = |func| range_function(func, &nan, MINUTE, 0.5, Compat::Prometheus3).unwrap_or(-1.0);
    assert_close(g(Func::MaxOverTime), 2.0, "max_over_time skips a leading NaN");
    assert_close(g(Func::MinOverTime), 2.0, "min_over_time skips a leading NaN");
    assert_close(g(Func::Changes), 2.0, "changes");
}

fn buckets(pairs: &[(f64, f64)]) -> Vec<Bucket> {
    pairs
        .iter()
        .map(|&(upper_bound, count)| Bucket { upper_bound, count })
        .collect()
}

#[test]
fn bucket_quantile_interpolates_like_prometheus() {
    let b = buckets(&[(1.0, 90.0), (0.1, 10.0), (f64::INFINITY, 100.0), (0.5, 60.0)]);
    assert_close(bucket_quantile(0.5, b.clone()), 0.42, "median");
    assert_close(bucket_quantile(0.05, b.clone()), 0.05, "first bucket starts at 0");
    assert_close(
        bucket_quantile(0.95, b.clone()),
        1.0,
        "in +Inf: the highest finite bound",
    );
    assert_close(bucket_quantile(0.0, b.clone()), 0.0, "q=0");
    assert_eq!(bucket_quantile(-0.1, b.clone()), f64::NEG_INFINITY);
    assert_eq!(bucket_quantile(1.1, b.clone()), f64::INFINITY);
    assert!(bucket_quantile(f64::NAN, b).is_nan());
    assert!(
        bucket_quantile(0.5, buckets(&[(0.1, 1.0), (1.0, 2.0)])).is_nan(),
        "no +Inf bucket"
    );
    assert!(
        bucket_quantile(0.5, buckets(&[(f64::INFINITY, 3.0)])).is_nan(),
        "one bucket"
    );
    assert!(
        bucket_quantile(0.5, buckets(&[(1.0, 0.0), (f64::INFINITY, 0.0)])).is_nan(),
        "empty"
    );
    // Non-monotonic counts are forced monotonic; duplicate bounds are merged.
    let messy = buckets(&[
        (0.1, 10.0),
        (0.5, 8.0),
        (1.0, 20.0),
        (1.0, 0.0),
        (f64::INFINITY, 20.0),
    ]);
    assert_close(bucket_quantile(0.5, messy), 0.1, "monotonic");
    let negative = buckets(&[(-1.0, 5.0), (0.0, 10.0), (f64::INFINITY, 10.0)]);
    assert_close(
        bucket_quantile(0.2, negative),
        -1.0,
        "lowest bucket at or below zero",
    );
}

#[test]
fn quantile_interpolates_between_ranks() {
    assert_close(quantile(0.5, vec![4.0, 1.0, 3.0, 2.0]), 2.5, "median");
    assert_close(quantile(0.0, vec![4.0, 1.0]), 1.0, "min");
    assert_close(quantile(1.0, vec![4.0, 1.0]), 4.0, "max");
    assert!(quantile(0.5, vec![]).is_nan());
    assert_eq!(quantile(-1.0, vec![1.0]), f64::NEG_INFINITY);
}

fn gauges() -> crate::promql::tsdb::Tsdb {
    db(&[
        (&[("__name__", "g"), ("pod", "a")], &[(0.0, -1.5)]),
        (&[("__name__", "g"), ("pod", "b")], &[(0.0, 2.25)]),
        (&[("__name__", "h"), ("pod", "a")], &[(0.0, 7.0)]),
    ])
}

#[test]
fn element_wise_functions_drop_the_metric_name() {
    let db = gauges();
    let a = l(&[("pod", "a")]);
    let b = l(&[("pod", "b")]);
    assert_eq!(
        instant(&db, "abs(g)", 10.0),
        vec![(a.clone(), 1.5), (b.clone(), 2.25)]
    );
    assert_eq!(
        instant(&db, "ceil(g)", 10.0),
        vec![(a.clone(), -1.0), (b.clone(), 3.0)]
    );
    assert_eq!(
        instant(&db, "floor(g)", 10.0),
        vec![(a.clone(), -2.0), (b.clone(), 2.0)]
    );
    assert_eq!(
        instant(&db, "round(g)", 10.0),
        vec![(a.clone(), -1.0), (b.clone(), 2.0)]
    );
    assert_eq!(
        instant(&db, "round(g, 0.5)", 10.0),
        vec![(a.clone(), -1.5), (b.clone(), 2.5)]
    );
    assert_eq!(
        instant(&db, "sgn(g)", 10.0),
        vec![(a.clone(), -1.0), (b.clone(), 1.0)]
    );
    assert_eq!(
        instant(&db, "clamp_min(g, 0)", 10.0),
        vec![(a.clone(), 0.0), (b.clone(), 2.25)]
    );
    assert_eq!(
        instant(&db, "clamp_max(g, 1)", 10.0),
        vec![(a.clone(), -1.5), (b.clone(), 1.0)]
    );
    assert_eq!(
        instant(&db, "clamp(g, -1, 2)", 10.0),
        vec![(a.clone(), -1.0), (b.clone(), 2.0)]
    );
    assert_eq!(
        instant(&db, "clamp(g, 2, -1)", 10.0),
        vec![],
        "max below min gives nothing"
    );
    assert_close(instant(&db, "sqrt(h)", 10.0)[0].1, 7f64.sqrt(), "sqrt");
    assert_close(instant(&db, "exp(h)", 10.0)[0].1, 7f64.exp(), "exp");
    assert_close(instant(&db, "ln(h)", 10.0)[0].1, 7f64.ln(), "ln");
    assert_close(instant(&db, "log2(h)", 10.0)[0].1, 7f64.log2(), "log2");
    assert_close(instant(&db, "log10(h)", 10.0)[0].1, 7f64.log10(), "log10");
    assert!(instant(&db, "sqrt(g)", 10.0)[0].1.is_nan());
}

#[test]
fn scalar_vector_time_timestamp_absent_and_sort() {
    let db = gauges();
    assert_eq!(instant(&db, "scalar(h)", 10.0), vec![(l(&[]), 7.0)]);
    assert!(
        instant(&db, "scalar(g)", 10.0)[0].1.is_nan(),
        "two elements give NaN"
    );
    assert!(instant(&db, "scalar(nothing)", 10.0)[0].1.is_nan());
    assert_eq!(instant(&db, "vector(3)", 10.0), vec![(l(&[]), 3.0)]);
    assert_eq!(instant(&db, "vector(time())", 12.5), vec![(l(&[]), 12.5)]);
    assert_eq!(instant(&db, "time()", 12.5), vec![(l(&[]), 12.5)]);
    assert_eq!(
        instant(&db, "timestamp(h)", 12.5),
        vec![(l(&[("pod", "a")]), 0.0)],
        "sample time"
    );
    assert_eq!(
        instant(&db, "timestamp(h + 1)", 12.5)[0].1,
        12.5,
        "evaluation time"
    );
    assert_eq!(instant(&db, "absent(h)", 10.0), vec![]);
    assert_eq!(
        instant(
            &db,
            r#"absent(nothing{job="x",pod=~"a.*",env="p",env="q"})"#,
            10.0
        ),
        vec![(l(&[("job", "x")]), 1.0)]
    );
    assert_eq!(
        instant(&db, r#"absent_over_time(nothing{job="x"}[1m])"#, 10.0),
        vec![(l(&[("job", "x")]), 1.0)]
    );
    assert_eq!(instant(&db, "absent_over_time(h[1m])", 10.0), vec![]);
    let sorted: Vec<f64> = instant(&db, "sort({pod=~\".+\"})", 10.0)
        .into_iter()
        .map(|s| s.1)
        .collect();
    assert_eq!(sorted, vec![-1.5, 2.25, 7.0]);
    let sorted: Vec<f64> = instant(&db, "sort_desc({pod=~\".+\"})", 10.0)
        .into_iter()
        .map(|s| s.1)
        .collect();
    assert_eq!(sorted, vec![7.0, 2.25, -1.5]);
    assert_eq!(
        instant(&db, "sort(h)", 10.0)[0]
            .0
            .get("__name__")
            .map(String::as_str),
        Some("h")
    );
}

#[test]
fn range_functions_through_the_engine() {
    let counter = db(&[(
        &[("__name__", "c_total"), ("pod", "a")],
        &[
            (5.0, 10.0),
            (15.0, 20.0),
            (25.0, 30.0),
            (35.0, 5.0),
            (45.0, 15.0),
            (55.0, 25.0),
        ],
    )]);
    let a = l(&[("pod", "a")]);
    for compat in BOTH {
        assert_eq!(
            instant_with(compat, &counter, "increase(c_total[1m])", 60.0)[0].0,
            a
        );
        assert_close(
            instant_with(compat, &counter, "increase(c_total[1m])", 60.0)[0].1,
            54.0,
            "increase",
        );
        assert_close(
            instant_with(compat, &counter, "rate(c_total[1m])", 60.0)[0].1,
            0.9,
            "rate",
        );
        assert_close(
            instant_with(compat, &counter, "irate(c_total[1m])", 60.0)[0].1,
            1.0,
            "irate",
        );
        assert_close(
            instant_with(compat, &counter, "delta(c_total[1m])", 60.0)[0].1,
            18.0,
            "delta",
        );
        assert_close(
            instant_with(compat, &counter, "idelta(c_total[1m])", 60.0)[0].1,
            10.0,
            "idelta",
        );
        assert_close(
            instant_with(compat, &counter, "resets(c_total[1m])", 60.0)[0].1,
            1.0,
            "resets",
        );
    }
    // last_over_time keeps the name; the others drop it.
    assert_eq!(
        instant(&counter, "last_over_time(c_total[1m])", 60.0)[0]
            .0
            .get("__name__")
            .map(String::as_str),
        Some("c_total")
    );
    assert_close(
        instant(&counter, "quantile_over_time(0.5, c_total[1m])", 60.0)[0].1,
        17.5,
        "quantile",
    );
    // Windows with fewer than two samples give no rate.
    assert_eq!(instant(&counter, "rate(c_total[8s])", 60.0), vec![]);
    // Offset moves the window: [-5 s, 55 s] at t=60 with offset 5s is the same data.
    assert_close(
        instant(&counter, "increase(c_total[1m] offset 5s)", 65.0)[0].1,
        54.0,
        "offset",
    );
    // Subquery: max of the idelta over 10 s steps.
    assert_close(
        instant(&counter, "max_over_time(idelta(c_total[20s])[40s:10s])", 60.0)[0].1,
        10.0,
        "subquery",
    );
    assert_close(
        instant(&counter, "count_over_time(c_total[40s:10s])", 60.0)[0].1,
        4.0,
        "subquery steps",
    );
}

#[test]
fn histogram_quantile_groups_by_labels_without_le() {
    let mut series: Vec<OwnedSpec> = Vec::new();
    for (app, scale) in [("a", 1.0), ("b", 2.0)] {
        for (le, count) in [("0.1", 10.0), ("0.5", 60.0), ("1", 90.0), ("+Inf", 100.0)] {
            series.push((
                vec![("__name__", "d_bucket"), ("app", app), ("le", le)],
                vec![(0.0, count * scale)],
            ));
        }
    }
    series.push((
        vec![("__name__", "d_bucket"), ("app", "c"), ("le", "bogus")],
        vec![(0.0, 1.0)],
    ));
    let refs: Vec<SeriesSpec<'_>> = series.iter().map(|(l, p)| (l.as_slice(), p.as_slice())).collect();
    let db = db(&refs);
    let out = instant(&db, "histogram_quantile(0.5, d_bucket)", 10.0);
    assert_eq!(out.len(), 2, "the bucket with a malformed le is skipped");
    assert_eq!(out[0].0, l(&[("app", "a")]));
    assert_close(out[0].1, 0.42, "app a");
    assert_close(out[1].1, 0.42, "app b (scaled counts, same distribution)");
    let summed = instant(&db, "histogram_quantile(0.5, sum by (le) (d_bucket))", 10.0);
    assert_eq!(summed.len(), 1);
    assert_eq!(summed[0].0, l(&[]));
    assert_close(summed[0].1, 0.42, "sum by le");
    assert!(
        instant_error(
            &db,
            "histogram_quantile(0.5, d_bucket) + on() group_left d_bucket",
            10.0
        )
        .to_string()
        .contains("duplicate series")
    );
}
