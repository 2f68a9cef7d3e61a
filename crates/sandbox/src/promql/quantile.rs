//! Quantiles, ported from Prometheus' `promql/quantile.go`: `histogram_quantile`'s interpolation
//! within classic `le` buckets (`bucketQuantile`, with bucket coalescing and forced monotonicity)
//! and the grouping of `le` buckets into histograms, and the φ-quantile of a set of values used by `quantile` and `quantile_over_time`.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use super::value::{Labels, METRIC_NAME, Sample};

/// One classic histogram bucket: its upper bound (`le`) and cumulative count.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bucket {
    /// The `le` bound.
    pub upper_bound: f64,
    /// The cumulative count.
    pub count: f64,
}

/// Deltas this small (relative) between adjacent buckets are treated as floating-point noise.
const SMALL_DELTA_TOLERANCE: f64 = 1e-12;

/// Prometheus' `bucketQuantile`: the φ-quantile of the observations a classic histogram counts,
/// assuming a uniform distribution inside each bucket.
pub fn bucket_quantile(q: f64, mut buckets: Vec<Bucket>) -> f64 {
    if q.is_nan() {
        return f64::NAN;
    }
    if q < 0.0 {
        return f64::NEG_INFINITY;
    }
    if q > 1.0 {
        return f64::INFINITY;
    }
    buckets.sort_by(|a, b| {
        a.upper_bound
            .partial_cmp(&b.upper_bound)
            .unwrap_or(Ordering::Equal)
    });
    match buckets.last() {
        Some(b) if b.upper_bound == f64::INFINITY => {}
        _ => return f64::NAN,
    }
    let mut buckets = coalesce(buckets);
    ensure_monotonic(&mut buckets);
    if buckets.len() < 2 {
        return f64::NAN;
    }
    let observations = buckets[buckets.len() - 1].count;
    if observations == 0.0 {
        return f64::NAN;
    }
    let mut rank = q * observations;
    // Go's sort.Search over all buckets but the last.
    let b = buckets[..buckets.len() - 1].partition_point(|bucket| bucket.count < rank);
    if b == buckets.len() - 1 {
        return buckets[buckets.len() - 2].upper_bound;
    }
    if b == 0 && buckets[0].upper_bound <= 0.0 {
        return buckets[0].upper_bound;
    }
    let bucket_end = buckets[b].upper_bound;
    let mut count = buckets[b].count;
    let mut bucket_start = 0.0;
    if b > 0 {
        bucket_start = buckets[b - 1].upper_bound;
        count -= buckets[b - 1].count;
        rank -= buckets[b - 1].count;
    }
    bucket_start + (bucket_end - bucket_start) * (rank / count)
}

/// Merges buckets with the same upper bound (summing their counts); input sorted by bound.
fn coalesce(buckets: Vec<Bucket>) -> Vec<Bucket> {
    let mut out: Vec<Bucket> = Vec::with_capacity(buckets.len());
    for b in buckets {
        match out.last_mut() {
            Some(last) if last.upper_bound == b.upper_bound => last.count += b.count,
            _ => out.push(b),
        }
    }
    out
}

/// Removes decreases of the cumulative counts (and numerically insignificant wobbles).
fn ensure_monotonic(buckets: &mut [Bucket]) {
    let Some(first) = buckets.first() else {
        return;
    };
    let mut previous = first.count;
    for bucket in buckets.iter_mut().skip(1) {
        let current = bucket.count;
        if current == previous {
            continue;
        }
        if almost_equal(previous, current, SMALL_DELTA_TOLERANCE) || current < previous {
            bucket.count = previous;
            continue;
        }
        previous = current;
    }
}

/// Prometheus' `almost.Equal`.
fn almost_equal(a: f64, b: f64, epsilon: f64) -> bool {
    const MIN_NORMAL: f64 = f64::MIN_POSITIVE; // 2.2250738585072014e-308
    if a.is_nan() && b.is_nan() {
        return true;
    }
    if a == b {
        return true;
    }
    let abs_sum = a.abs() + b.abs();
    let diff = (a - b).abs();
    if a == 0.0 || b == 0.0 || abs_sum < MIN_NORMAL {
        return diff < epsilon * MIN_NORMAL;
    }
    diff / abs_sum.min(f64::MAX) < epsilon
}

/// Prometheus' `quantile`: the φ-quantile of `values`, interpolating linearly between the two
/// nearest ranks; NaN values sort first.
pub fn quantile(q: f64, mut values: Vec<f64>) -> f64 {
    if values.is_empty() || q.is_nan() {
        return f64::NAN;
    }
    if q < 0.0 {
        return f64::NEG_INFINITY;
    }
    if q > 1.0 {
        return f64::INFINITY;
    }
    values.sort_by(|a, b| match (a.is_nan(), b.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => a.partial_cmp(b).unwrap_or(Ordering::Equal),
    });
    let n = values.len() as f64;
    let rank = q * (n - 1.0);
    let lower = rank.floor().max(0.0);
    let upper = (lower + 1.0).min(n - 1.0);
    let weight = rank - rank.floor();
    values[lower as usize] * (1.0 - weight) + values[upper as usize] * weight
}

/// `histogram_quantile` over classic buckets: groups the input by its labels without `le` (and
/// the metric name) and interpolates each group's quantile.
pub fn histogram_quantile(q: f64, input: Vec<Sample>, ts: i64) -> Vec<Sample> {
    let mut order: Vec<Labels> = Vec::new();
    let mut groups: BTreeMap<Labels, Vec<Bucket>> = BTreeMap::new();
    for s in input {
        let Some(upper_bound) = s.labels.get("le").and_then(|le| parse_go_float(le)) else {
            continue; // No or malformed `le`: skipped, as Prometheus does.
        };
        let mut key = s.labels;
        key.remove(METRIC_NAME);
        key.remove("le");
        let buckets = groups.entry(key.clone()).or_insert_with(|| {
            order.push(key);
            Vec::new()
        });
        buckets.push(Bucket {
            upper_bound,
            count: s.v,
        });
    }
    order
        .into_iter()
        .filter_map(|labels| {
            let buckets = groups.remove(&labels)?;
            Some(Sample {
                labels,
                t: ts,
                v: bucket_quantile(q, buckets),
            })
        })
        .collect()
}

/// Go's `strconv.ParseFloat` for label values like `0.5`, `+Inf`, `1e3`.
pub fn parse_go_float(s: &str) -> Option<f64> {
    s.parse::<f64>().ok()
}
