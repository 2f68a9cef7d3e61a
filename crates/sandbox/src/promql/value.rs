//! Values of the PromQL engine (label sets, samples, series, query results) and their rendering in
//! the exact JSON of Prometheus' HTTP API: timestamps as seconds with up to three decimals, sample
//! values as strings formatted like Go's `strconv.FormatFloat` (`"NaN"`, `"+Inf"`, `"-Inf"`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The label holding a series' metric name.
pub const METRIC_NAME: &str = "__name__";

/// A label set, sorted by label name (the order Prometheus renders and compares them in).
pub type Labels = BTreeMap<String, String>;

/// One timestamped float value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// Milliseconds since the Unix epoch.
    pub t: i64,
    /// The sample value.
    pub v: f64,
}

/// One element of an instant vector.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// The series' labels.
    pub labels: Labels,
    /// Milliseconds since the Unix epoch.
    pub t: i64,
    /// The sample value.
    pub v: f64,
}

/// One element of a range vector (matrix): a label set and its points in time order.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The series' labels.
    pub labels: Labels,
    /// The points, oldest first.
    pub points: Vec<Point>,
}

/// The result of a query, as Prometheus' API returns it.
#[derive(Debug, Clone, PartialEq)]
pub enum QueryValue {
    /// `resultType: "scalar"`.
    Scalar(Point),
    /// `resultType: "string"`.
    String {
        /// Evaluation time in milliseconds.
        t: i64,
        /// The string.
        value: String,
    },
    /// `resultType: "vector"`.
    Vector(Vec<Sample>),
    /// `resultType: "matrix"`.
    Matrix(Vec<Series>),
}

impl QueryValue {
    /// The `resultType` Prometheus reports for this value.
    pub fn result_type(&self) -> &'static str {
        match self {
            QueryValue::Scalar(_) => "scalar",
            QueryValue::String { .. } => "string",
            QueryValue::Vector(_) => "vector",
            QueryValue::Matrix(_) => "matrix",
        }
    }

    /// The `data` object of a successful response: `{"resultType":...,"result":...}`.
    pub fn data_json(&self) -> String {
        let mut out = String::with_capacity(256);
        out.push_str("{\"resultType\":\"");
        out.push_str(self.result_type());
        out.push_str("\",\"result\":");
        match self {
            QueryValue::Scalar(p) => write_point(&mut out, p.t, &format_float(p.v)),
            QueryValue::String { t, value } => write_point(&mut out, *t, value),
            QueryValue::Vector(samples) => {
                out.push('[');
                for (i, s) in samples.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str("{\"metric\":");
                    write_labels(&mut out, &s.labels);
                    out.push_str(",\"value\":");
                    write_point(&mut out, s.t, &format_float(s.v));
                    out.push('}');
                }
                out.push(']');
            }
            QueryValue::Matrix(series) => {
                out.push('[');
                for (i, s) in series.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str("{\"metric\":");
                    write_labels(&mut out, &s.labels);
                    out.push_str(",\"values\":[");
                    for (j, p) in s.points.iter().enumerate() {
                        if j > 0 {
                            out.push(',');
                        }
                        write_point(&mut out, p.t, &format_float(p.v));
                    }
                    out.push_str("]}");
                }
                out.push(']');
            }
        }
        out.push('}');
        out
    }

    /// The whole body of a successful API response.
    pub fn success_json(&self) -> String {
        format!("{{\"status\":\"success\",\"data\":{}}}", self.data_json())
    }
}

/// The body of an error response: `{"status":"error","errorType":"bad_data","error":"..."}`.
pub fn error_json(error_type: &str, message: &str) -> String {
    format!(
        "{{\"status\":\"error\",\"errorType\":{},\"error\":{}}}",
        json_string(error_type),
        json_string(message)
    )
}

fn write_point(out: &mut String, t: i64, value: &str) {
    out.push('[');
    out.push_str(&format_timestamp(t));
    out.push(',');
    out.push_str(&json_string(value));
    out.push(']');
}

fn write_labels(out: &mut String, labels: &Labels) {
    out.push('{');
    for (i, (name, value)) in labels.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&json_string(name));
        out.push(':');
        out.push_str(&json_string(value));
    }
    out.push('}');
}

fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

/// A timestamp in milliseconds as Prometheus writes it: seconds, and `.` plus three digits when the
/// milliseconds are not zero (`1.500`, `-0.001`, `12`).
pub fn format_timestamp(ms: i64) -> String {
    let sign = if ms < 0 { "-" } else { "" };
    let abs = ms.unsigned_abs();
    let (secs, frac) = (abs / 1000, abs % 1000);
    if frac == 0 {
        format!("{sign}{secs}")
    } else {
        format!("{sign}{secs}.{frac:03}")
    }
}

/// A sample value as Prometheus writes it: Go's `strconv.FormatFloat(v, 'f', -1, 64)`, switching to
/// the exponent form (`1e-07`, `1.5e+21`) below 1e-6 and from 1e21 on, `NaN`, `+Inf` and `-Inf`.
pub fn format_float(v: f64) -> String {
    if v.is_nan() {
        return "NaN".to_owned();
    }
    if v.is_infinite() {
        return if v > 0.0 { "+Inf" } else { "-Inf" }.to_owned();
    }
    let abs = v.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        // Rust writes `1.5e21` / `1e-7`; Go writes `1.5e+21` / `1e-07`.
        let rust = format!("{v:e}");
        let (mantissa, exponent) = rust.split_once('e').unwrap_or((rust.as_str(), "0"));
        let (sign, digits) = match exponent.strip_prefix('-') {
            Some(d) => ('-', d),
            None => ('+', exponent),
        };
        let mut out = String::with_capacity(rust.len() + 2);
        let _ = write!(out, "{mantissa}e{sign}{digits:0>2}");
        return out;
    }
    format!("{v}")
}

/// A label set the way Go's `labels.Labels.String()` writes it, for error messages:
/// `{__name__="up", job="x"}`.
pub fn labels_to_string(labels: &Labels) -> String {
    let mut out = String::from("{");
    for (i, (name, value)) in labels.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{name}={}", json_string(value));
    }
    out.push('}');
    out
}

/// Builds a label set from pairs (a convenience for callers and tests).
pub fn labels_from<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Labels {
    pairs
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}
