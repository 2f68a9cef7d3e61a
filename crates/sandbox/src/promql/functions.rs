//! PromQL functions, ported from Prometheus' `promql/functions.go`: `rate`, `increase` and `delta`
//! through `extrapolatedRate` (counter resets, extrapolation to the range boundaries, zero-point
//! clamping), `irate`/`idelta`, the `*_over_time` family, `changes`, `resets`, `histogram_quantile`
//! (in [`super::quantile`]), and the element-wise vector functions.

use std::collections::HashSet;

use super::engine::Compat;
use super::plan::{Node, ValueType};
use super::quantile::quantile;
use super::tsdb::MatchOp;
use super::value::{Labels, METRIC_NAME, Point, Sample};

/// A function the sandbox evaluates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Func {
    // Range-vector functions.
    Rate,
    Irate,
    Increase,
    Delta,
    Idelta,
    Changes,
    Resets,
    AvgOverTime,
    SumOverTime,
    MinOverTime,
    MaxOverTime,
    CountOverTime,
    LastOverTime,
    PresentOverTime,
    AbsentOverTime,
    QuantileOverTime,
    StddevOverTime,
    StdvarOverTime,
    // Instant-vector and scalar functions.
    HistogramQuantile,
    Scalar,
    Vector,
    Time,
    Timestamp,
    Absent,
    Sort,
    SortDesc,
    Abs,
    Ceil,
    Floor,
    Exp,
    Ln,
    Log2,
    Log10,
    Sqrt,
    Sgn,
    Round,
    Clamp,
    ClampMin,
    ClampMax,
}

impl Func {
    /// The function of a PromQL name, if the sandbox evaluates it.
    pub fn from_name(name: &str) -> Option<Func> {
        Some(match name {
            "rate" => Func::Rate,
            "irate" => Func::Irate,
            "increase" => Func::Increase,
            "delta" => Func::Delta,
            "idelta" => Func::Idelta,
            "changes" => Func::Changes,
            "resets" => Func::Resets,
            "avg_over_time" => Func::AvgOverTime,
            "sum_over_time" => Func::SumOverTime,
            "min_over_time" => Func::MinOverTime,
            "max_over_time" => Func::MaxOverTime,
            "count_over_time" => Func::CountOverTime,
            "last_over_time" => Func::LastOverTime,
            "present_over_time" => Func::PresentOverTime,
            "absent_over_time" => Func::AbsentOverTime,
            "quantile_over_time" => Func::QuantileOverTime,
            "stddev_over_time" => Func::StddevOverTime,
            "stdvar_over_time" => Func::StdvarOverTime,
            "histogram_quantile" => Func::HistogramQuantile,
            "scalar" => Func::Scalar,
            "vector" => Func::Vector,
            "time" => Func::Time,
            "timestamp" => Func::Timestamp,
            "absent" => Func::Absent,
            "sort" => Func::Sort,
            "sort_desc" => Func::SortDesc,
            "abs" => Func::Abs,
            "ceil" => Func::Ceil,
            "floor" => Func::Floor,
            "exp" => Func::Exp,
            "ln" => Func::Ln,
            "log2" => Func::Log2,
            "log10" => Func::Log10,
            "sqrt" => Func::Sqrt,
            "sgn" => Func::Sgn,
            "round" => Func::Round,
            "clamp" => Func::Clamp,
            "clamp_min" => Func::ClampMin,
            "clamp_max" => Func::ClampMax,
            _ => return None,
        })
    }

    /// The type of the function's value.
    pub fn return_type(self) -> ValueType {
        match self {
            Func::Scalar | Func::Time => ValueType::Scalar,
            _ => ValueType::Vector,
        }
    }

    /// Whether the function keeps the metric name of its input (only `last_over_time` and the
    /// functions that do not touch their input's labels).
    pub fn keeps_metric_name(self) -> bool {
        matches!(self, Func::LastOverTime | Func::Sort | Func::SortDesc)
    }

    /// The element-wise function of an instant-vector function, with its scalar arguments.
    pub fn elementwise(self, args: &[f64]) -> Option<Box<dyn Fn(f64) -> f64>> {
        let arg = |i: usize, default: f64| args.get(i).copied().unwrap_or(default);
        Some(match self {
            Func::Abs => Box::new(f64::abs),
            Func::Ceil => Box::new(f64::ceil),
            Func::Floor => Box::new(f64::floor),
            Func::Exp => Box::new(f64::exp),
            Func::Ln => Box::new(f64::ln),
            Func::Log2 => Box::new(f64::log2),
            Func::Log10 => Box::new(f64::log10),
            Func::Sqrt => Box::new(f64::sqrt),
            Func::Sgn => Box::new(|v: f64| {
                if v < 0.0 {
                    -1.0
                } else if v > 0.0 {
                    1.0
                } else {
                    v // 0, -0 and NaN stay as they are.
                }
            }),
            Func::Round => {
                // Ties round up; the inverse causes fewer floating-point surprises (Prometheus).
                let inverse = 1.0 / arg(0, 1.0);
                Box::new(move |v: f64| (v * inverse + 0.5).floor() / inverse)
            }
            Func::ClampMin => {
                let min = arg(0, f64::NAN);
                Box::new(move |v: f64| go_max(min, v))
            }
            Func::ClampMax => {
                let max = arg(0, f64::NAN);
                Box::new(move |v: f64| go_min(max, v))
            }
            Func::Clamp => {
                let (min, max) = (arg(0, f64::NAN), arg(1, f64::NAN));
                Box::new(move |v: f64| go_max(min, go_min(max, v)))
            }
            _ => return None,
        })
    }
}

/// Go's `math.Max`: NaN wins.
pub fn go_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.max(b)
    }
}

/// Go's `math.Min`: NaN wins.
pub fn go_min(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.min(b)
    }
}

/// The window a range-vector function looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RangeWindow {
    /// Start of the range (evaluation time − offset − range), in milliseconds.
    pub start_ms: i64,
    /// End of the range (evaluation time − offset), in milliseconds.
    pub end_ms: i64,
}

/// Applies a range-vector function to one series' points in the window (never empty); `None`
/// drops the series from the result. `scalar` is the scalar argument (`quantile_over_time`'s φ).
pub fn range_function(
    func: Func,
    points: &[Point],
    window: RangeWindow,
    scalar: f64,
    compat: Compat,
) -> Option<f64> {
    let values = || points.iter().map(|p| p.v);
    let first = points.first()?;
    let last = points.last()?;
    Some(match func {
        Func::Rate => extrapolated_rate(points, window, true, true, compat)?,
        Func::Increase => extrapolated_rate(points, window, true, false, compat)?,
        Func::Delta => extrapolated_rate(points, window, false, false, compat)?,
        Func::Irate => instant_value(points, true)?,
        Func::Idelta => instant_value(points, false)?,
        Func::Changes => count_pairs(points, |prev, cur| {
            cur != prev && !(cur.is_nan() && prev.is_nan())
        }),
        Func::Resets => count_pairs(points, |prev, cur| cur < prev),
        Func::AvgOverTime => avg_over_time(points),
        Func::SumOverTime => {
            let (sum, c) = values().fold((0.0, 0.0), |(s, c), v| kahan_sum_inc(v, s, c));
            if sum.is_infinite() { sum } else { sum + c }
        }
        Func::MinOverTime => values().fold(first.v, |m, v| if v < m || m.is_nan() { v } else { m }),
        Func::MaxOverTime => values().fold(first.v, |m, v| if v > m || m.is_nan() { v } else { m }),
        Func::CountOverTime => points.len() as f64,
        Func::LastOverTime => last.v,
        Func::PresentOverTime | Func::AbsentOverTime => 1.0,
        Func::QuantileOverTime => quantile(scalar, values().collect()),
        Func::StddevOverTime => variance(points).sqrt(),
        Func::StdvarOverTime => variance(points),
        _ => return None,
    })
}

fn count_pairs(points: &[Point], counts: impl Fn(f64, f64) -> bool) -> f64 {
    points
        .windows(2)
        .filter(|pair| counts(pair[0].v, pair[1].v))
        .count() as f64
}

/// Neumaier-compensated summation step: returns the new sum and compensation.
pub fn kahan_sum_inc(inc: f64, sum: f64, c: f64) -> (f64, f64) {
    let t = sum + inc;
    let c = if sum.abs() >= inc.abs() {
        c + ((sum - t) + inc)
    } else {
        c + ((inc - t) + sum)
    };
    (t, c)
}

fn avg_over_time(points: &[Point]) -> f64 {
    let (mut mean, mut c, mut count) = (0.0_f64, 0.0_f64, 0.0_f64);
    for p in points {
        count += 1.0;
        if mean.is_infinite() {
            if p.v.is_infinite() && (mean > 0.0) == (p.v > 0.0) {
                continue;
            }
            if !p.v.is_infinite() && !p.v.is_nan() {
                continue;
            }
        }
        (mean, c) = kahan_sum_inc(p.v / count - mean / count, mean, c);
    }
    if mean.is_infinite() { mean } else { mean + c }
}

fn variance(points: &[Point]) -> f64 {
    let (mut count, mut mean, mut c_mean, mut aux, mut c_aux) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for p in points {
        count += 1.0;
        let delta = p.v - (mean + c_mean);
        (mean, c_mean) = kahan_sum_inc(delta / count, mean, c_mean);
        (aux, c_aux) = kahan_sum_inc(delta * (p.v - (mean + c_mean)), aux, c_aux);
    }
    (aux + c_aux) / count
}

/// Prometheus' `extrapolatedRate` for float samples: the increase between the first and last
/// sample (adding back the value before every counter reset), extrapolated towards the range
/// boundaries when the samples come close enough to them, never below a counter's zero point.
pub fn extrapolated_rate(
    points: &[Point],
    window: RangeWindow,
    is_counter: bool,
    is_rate: bool,
    compat: Compat,
) -> Option<f64> {
    if points.len() < 2 {
        return None;
    }
    let (first, last) = (points[0], points[points.len() - 1]);
    let mut result = last.v - first.v;
    if is_counter {
        for pair in points.windows(2) {
            if pair[1].v < pair[0].v {
                result += pair[0].v;
            }
        }
    }
    let mut to_start = (first.t - window.start_ms) as f64 / 1000.0;
    let mut to_end = (window.end_ms - last.t) as f64 / 1000.0;
    let sampled = (last.t - first.t) as f64 / 1000.0;
    let average = sampled / (points.len() - 1) as f64;
    let threshold = average * 1.1;
    let factor = match compat {
        Compat::Prometheus2 => {
            if is_counter && result > 0.0 && first.v >= 0.0 {
                let to_zero = sampled * (first.v / result);
                if to_zero < to_start {
                    to_start = to_zero;
                }
            }
            let mut extrapolate_to = sampled;
            extrapolate_to += if to_start < threshold {
                to_start
            } else {
                average / 2.0
            };
            extrapolate_to += if to_end < threshold { to_end } else { average / 2.0 };
            extrapolate_to / sampled
        }
        Compat::Prometheus3 => {
            if to_start >= threshold {
                to_start = average / 2.0;
            }
            if is_counter && result > 0.0 && first.v >= 0.0 {
                let to_zero = sampled * (first.v / result);
                if to_zero < to_start {
                    to_start = to_zero;
                }
            }
            if to_end >= threshold {
                to_end = average / 2.0;
            }
            if sampled == 0.0 {
                1.0
            } else {
                (sampled + to_start + to_end) / sampled
            }
        }
    };
    let range_secs = (window.end_ms - window.start_ms) as f64 / 1000.0;
    Some(if is_rate {
        result * (factor / range_secs)
    } else {
        result * factor
    })
}

/// Prometheus' `instantValue` (`irate`, `idelta`): the last two samples only.
pub fn instant_value(points: &[Point], is_rate: bool) -> Option<f64> {
    let [.., previous, last] = points else {
        return None;
    };
    let mut result = if is_rate && last.v < previous.v {
        last.v // Counter reset.
    } else {
        last.v - previous.v
    };
    let interval_ms = last.t - previous.t;
    if interval_ms == 0 {
        return None;
    }
    if is_rate {
        result /= interval_ms as f64 / 1000.0;
    }
    Some(result)
}

/// `sort` (ascending) or `sort_desc`; NaN sorts last in both.
pub fn sort_by_value(v: &mut [Sample], descending: bool) {
    v.sort_by(|a, b| match (a.v.is_nan(), b.v.is_nan()) {
        (true, true) => std::cmp::Ordering::Equal,
        (true, false) => std::cmp::Ordering::Greater,
        (false, true) => std::cmp::Ordering::Less,
        (false, false) => {
            let ord = a.v.partial_cmp(&b.v).unwrap_or(std::cmp::Ordering::Equal);
            if descending { ord.reverse() } else { ord }
        }
    });
}

/// The labels `absent` reports: the selector's equality matchers, except the metric name and
/// labels matched more than once or by another operator.
pub fn absent_labels(arg: Option<&Node>) -> Labels {
    let selector = match arg {
        Some(Node::Selector(sel)) | Some(Node::Range { selector: sel, .. }) => sel,
        _ => return Labels::new(),
    };
    let mut out = Labels::new();
    let mut seen = HashSet::new();
    for m in &selector.matchers {
        if m.name == METRIC_NAME {
            continue;
        }
        if matches!(m.op, MatchOp::Equal) && seen.insert(m.name.clone()) {
            out.insert(m.name.clone(), m.value.clone());
        } else {
            out.remove(&m.name);
        }
    }
    out.retain(|_, v| !v.is_empty());
    out
}
