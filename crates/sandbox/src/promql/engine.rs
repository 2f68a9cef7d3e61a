//! The PromQL evaluator: instant queries evaluate the plan at one time; range queries evaluate it
//! at every step and gather the samples into series, which is what Prometheus' engine computes.
//! Selectors read the [`Tsdb`] with the 5-minute lookback and staleness markers; the edge
//! semantics that changed between Prometheus 2 and 3 follow [`Compat`].

use std::collections::{BTreeMap, HashSet};
use std::time::Instant;

use super::aggregate::aggregate;
use super::binary::{scalar_binop, vector_binop, vector_scalar_binop};
use super::functions::{Func, RangeWindow, absent_labels, range_function, sort_by_value};
use super::plan::{self, At, Node, Selector, ValueType};
use super::quantile::histogram_quantile;
use super::tsdb::{Tsdb, is_stale_nan, window};
use super::value::{Labels, METRIC_NAME, Point, QueryValue, Sample, Series};

/// Which Prometheus release line the engine imitates where their semantics differ.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Compat {
    /// Prometheus 2.x: ranges and the lookback window include their start (`[t-r, t]`); `rate`
    /// clamps to a counter's zero point before choosing how far to extrapolate; regex `.` does not
    /// match a newline.
    Prometheus2,
    /// Prometheus 3.x: ranges and lookback are left-open (`(t-r, t]`); `rate` chooses the
    /// extrapolation first, then clamps to the zero point; regex `.` matches a newline.
    #[default]
    Prometheus3,
}

impl Compat {
    /// The compat of a Prometheus version string such as `2.42.0+ds` or `3.5.0`.
    pub fn from_version(version: &str) -> Compat {
        if version.trim().starts_with("2.") {
            Compat::Prometheus2
        } else {
            Compat::Prometheus3
        }
    }
}

/// Settings of an [`Engine`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EngineOptions {
    /// How far back an instant selector looks for a sample (Prometheus' default: 5 minutes).
    pub lookback_delta_ms: i64,
    /// The step of a subquery written without one (Prometheus' default evaluation interval: 1m).
    pub default_subquery_step_ms: i64,
    /// The semantics to follow.
    pub compat: Compat,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            lookback_delta_ms: 300_000,
            default_subquery_step_ms: 60_000,
            compat: Compat::default(),
        }
    }
}

/// Why a query failed; each kind maps to Prometheus' `errorType`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// The query or a parameter is invalid, or uses something the sandbox does not evaluate
    /// (`bad_data`, HTTP 400).
    #[error("{0}")]
    BadData(String),
    /// Evaluation failed, e.g. duplicate series in a vector (`execution`, HTTP 422).
    #[error("{0}")]
    Execution(String),
    /// The evaluation ran past its deadline (`timeout`, HTTP 503).
    #[error("{0}")]
    Timeout(String),
}

impl QueryError {
    /// Prometheus' `errorType`.
    pub fn error_type(&self) -> &'static str {
        match self {
            QueryError::BadData(_) => "bad_data",
            QueryError::Execution(_) => "execution",
            QueryError::Timeout(_) => "timeout",
        }
    }

    /// The HTTP status Prometheus answers with.
    pub fn http_status(&self) -> u16 {
        match self {
            QueryError::BadData(_) => 400,
            QueryError::Execution(_) => 422,
            QueryError::Timeout(_) => 503,
        }
    }
}

/// An intermediate value.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// A scalar.
    Scalar(f64),
    /// A string.
    Str(String),
    /// An instant vector.
    Vector(Vec<Sample>),
    /// A range vector.
    Matrix(Vec<Series>),
}

/// The PromQL engine.
#[derive(Debug, Clone, Copy, Default)]
pub struct Engine {
    options: EngineOptions,
}

impl Engine {
    /// An engine with these settings.
    pub fn new(options: EngineOptions) -> Self {
        Engine { options }
    }

    /// The settings.
    pub fn options(&self) -> EngineOptions {
        self.options
    }

    /// Parses and plans a query.
    pub fn plan(&self, query: &str) -> Result<Node, QueryError> {
        plan::parse(query, self.options.compat)
    }

    /// Evaluates `query` at `time_ms`, as `/api/v1/query` does.
    pub fn instant_query(
        &self,
        db: &Tsdb,
        query: &str,
        time_ms: i64,
        deadline: Option<Instant>,
    ) -> Result<QueryValue, QueryError> {
        let node = self.plan(query)?;
        let ev = Evaluator::new(db, self.options, time_ms, time_ms, deadline);
        Ok(match ev.eval(&node, time_ms)? {
            Val::Scalar(v) => QueryValue::Scalar(Point { t: time_ms, v }),
            Val::Str(value) => QueryValue::String { t: time_ms, value },
            Val::Vector(samples) => {
                QueryValue::Vector(samples.into_iter().map(|s| Sample { t: time_ms, ..s }).collect())
            }
            Val::Matrix(series) => QueryValue::Matrix(series),
        })
    }

    /// Evaluates `query` at `start_ms`, `start_ms + step_ms`, ... up to `end_ms`, as
    /// `/api/v1/query_range` does; the series come sorted by labels.
    pub fn range_query(
        &self,
        db: &Tsdb,
        query: &str,
        start_ms: i64,
        end_ms: i64,
        step_ms: i64,
        deadline: Option<Instant>,
    ) -> Result<QueryValue, QueryError> {
        let node = self.plan(query)?;
        let kind = node.value_type();
        if kind != ValueType::Scalar && kind != ValueType::Vector {
            return Err(QueryError::BadData(format!(
                "invalid expression type {:?} for range query, must be Scalar or instant Vector",
                kind.describe()
            )));
        }
        if step_ms <= 0 {
            return Err(QueryError::BadData(
                "zero or negative query resolution step widths are not accepted. Try a positive integer"
                    .to_owned(),
            ));
        }
        let ev = Evaluator::new(db, self.options, start_ms, end_ms, deadline);
        let mut series: BTreeMap<Labels, Vec<Point>> = BTreeMap::new();
        let mut ts = start_ms;
        while ts <= end_ms {
            match ev.eval(&node, ts)? {
                Val::Scalar(v) => series.entry(Labels::new()).or_default().push(Point { t: ts, v }),
                Val::Vector(samples) => {
                    for s in samples {
                        series.entry(s.labels).or_default().push(Point { t: ts, v: s.v });
                    }
                }
                Val::Str(_) | Val::Matrix(_) => {
                    return Err(QueryError::Execution(
                        "range query step produced a non-vector value".to_owned(),
                    ));
                }
            }
            ts = ts.saturating_add(step_ms);
            if ts == i64::MAX {
                break;
            }
        }
        Ok(QueryValue::Matrix(
            series
                .into_iter()
                .map(|(labels, points)| Series { labels, points })
                .collect(),
        ))
    }
}

/// Evaluates plan nodes against a database.
pub struct Evaluator<'a> {
    db: &'a Tsdb,
    options: EngineOptions,
    start_ms: i64,
    end_ms: i64,
    deadline: Option<Instant>,
}

impl<'a> Evaluator<'a> {
    /// An evaluator for a query spanning `start_ms..=end_ms` (the times `@ start()` and `@ end()`
    /// refer to).
    pub fn new(
        db: &'a Tsdb,
        options: EngineOptions,
        start_ms: i64,
        end_ms: i64,
        deadline: Option<Instant>,
    ) -> Self {
        Evaluator {
            db,
            options,
            start_ms,
            end_ms,
            deadline,
        }
    }

    fn left_open(&self) -> bool {
        self.options.compat == Compat::Prometheus3
    }

    fn check_deadline(&self) -> Result<(), QueryError> {
        match self.deadline {
            Some(deadline) if Instant::now() > deadline => Err(QueryError::Timeout(
                "query timed out in expression evaluation".to_owned(),
            )),
            _ => Ok(()),
        }
    }

    fn reference_time(&self, at: Option<At>, offset_ms: i64, ts: i64) -> i64 {
        let base = match at {
            None => ts,
            Some(At::Start) => self.start_ms,
            Some(At::End) => self.end_ms,
            Some(At::Ms(ms)) => ms,
        };
        base.saturating_sub(offset_ms)
    }

    /// Evaluates a node at `ts` (milliseconds).
    pub fn eval(&self, node: &Node, ts: i64) -> Result<Val, QueryError> {
        self.check_deadline()?;
        Ok(match node {
            Node::Number(v) => Val::Scalar(*v),
            Node::String(s) => Val::Str(s.clone()),
            Node::Selector(sel) => Val::Vector(self.instant_selector(sel, ts)),
            Node::Range { selector, range_ms } => Val::Matrix(self.range_selector(selector, *range_ms, ts).0),
            Node::Subquery { .. } => Val::Matrix(self.subquery(node, ts)?.0),
            Node::Neg(inner) => match self.eval(inner, ts)? {
                Val::Scalar(v) => Val::Scalar(-v),
                Val::Vector(samples) => Val::Vector(unique(
                    samples
                        .into_iter()
                        .map(|s| Sample {
                            labels: drop_name(s.labels),
                            t: ts,
                            v: -s.v,
                        })
                        .collect(),
                )?),
                other => other,
            },
            Node::Call { func, args } => self.call(*func, args, ts)?,
            Node::Aggregate {
                op,
                grouping,
                param,
                expr,
            } => {
                let param = match param {
                    Some(p) => self.scalar(p, ts)?,
                    None => 0.0,
                };
                let input = self.vector(expr, ts)?;
                Val::Vector(aggregate(*op, grouping, param, input, ts))
            }
            Node::Binary {
                op,
                lhs,
                rhs,
                matching,
                return_bool,
            } => {
                let (l, r) = (self.eval(lhs, ts)?, self.eval(rhs, ts)?);
                match (l, r) {
                    (Val::Scalar(a), Val::Scalar(b)) => Val::Scalar(scalar_binop(*op, a, b)),
                    (Val::Vector(a), Val::Vector(b)) => {
                        Val::Vector(unique(vector_binop(*op, a, b, matching, *return_bool, ts)?)?)
                    }
                    (Val::Vector(a), Val::Scalar(b)) => {
                        Val::Vector(unique(vector_scalar_binop(*op, a, b, false, *return_bool, ts))?)
                    }
                    (Val::Scalar(a), Val::Vector(b)) => {
                        Val::Vector(unique(vector_scalar_binop(*op, b, a, true, *return_bool, ts))?)
                    }
                    _ => {
                        return Err(QueryError::BadData(
                            "binary expression must contain only scalar and instant vector types".to_owned(),
                        ));
                    }
                }
            }
        })
    }

    fn scalar(&self, node: &Node, ts: i64) -> Result<f64, QueryError> {
        match self.eval(node, ts)? {
            Val::Scalar(v) => Ok(v),
            other => Err(type_error("scalar", &other)),
        }
    }

    fn vector(&self, node: &Node, ts: i64) -> Result<Vec<Sample>, QueryError> {
        match self.eval(node, ts)? {
            Val::Vector(v) => Ok(v),
            other => Err(type_error("instant vector", &other)),
        }
    }

    /// The latest non-stale sample of each matching series within the lookback window.
    fn instant_selector(&self, sel: &Selector, ts: i64) -> Vec<Sample> {
        let reference = self.reference_time(sel.at, sel.offset_ms, ts);
        let oldest = reference.saturating_sub(self.options.lookback_delta_ms);
        let mut out = Vec::new();
        for (labels, points) in self.db.select(&sel.matchers) {
            let idx = points.partition_point(|p| p.t <= reference);
            let Some(p) = idx.checked_sub(1).map(|i| points[i]) else {
                continue;
            };
            let too_old = if self.left_open() {
                p.t <= oldest
            } else {
                p.t < oldest
            };
            if too_old || is_stale_nan(p.v) {
                continue;
            }
            out.push(Sample {
                labels: labels.clone(),
                t: p.t,
                v: p.v,
            });
        }
        out
    }

    /// The non-stale samples of each matching series in the range, and the range's window.
    fn range_selector(&self, sel: &Selector, range_ms: i64, ts: i64) -> (Vec<Series>, RangeWindow) {
        let end = self.reference_time(sel.at, sel.offset_ms, ts);
        let start = end.saturating_sub(range_ms);
        let mut out = Vec::new();
        for (labels, points) in self.db.select(&sel.matchers) {
            let points: Vec<Point> = window(points, start, end, self.left_open())
                .iter()
                .filter(|p| !is_stale_nan(p.v))
                .copied()
                .collect();
            if !points.is_empty() {
                out.push(Series {
                    labels: labels.clone(),
                    points,
                });
            }
        }
        let window = RangeWindow {
            start_ms: start,
            end_ms: end,
        };
        (out, window)
    }

    /// Evaluates a subquery node: its inner expression at every step-aligned time in the range.
    fn subquery(&self, node: &Node, ts: i64) -> Result<(Vec<Series>, RangeWindow), QueryError> {
        let Node::Subquery {
            expr,
            range_ms,
            step_ms,
            offset_ms,
            at,
        } = node
        else {
            return Err(QueryError::Execution("not a subquery".to_owned()));
        };
        let step = step_ms.unwrap_or(self.options.default_subquery_step_ms).max(1);
        let end = self.reference_time(*at, *offset_ms, ts);
        let range_start = end.saturating_sub(*range_ms);
        let mut t = step * (range_start / step); // Go's truncating division.
        if t < range_start || (self.left_open() && t == range_start) {
            t += step;
        }
        let mut series: BTreeMap<Labels, Vec<Point>> = BTreeMap::new();
        while t <= end {
            match self.eval(expr, t)? {
                Val::Scalar(v) => series.entry(Labels::new()).or_default().push(Point { t, v }),
                Val::Vector(samples) => {
                    for s in samples {
                        series.entry(s.labels).or_default().push(Point { t, v: s.v });
                    }
                }
                other => return Err(type_error("instant vector", &other)),
            }
            t += step;
        }
        let series = series
            .into_iter()
            .map(|(labels, points)| Series { labels, points })
            .collect();
        Ok((
            series,
            RangeWindow {
                start_ms: range_start,
                end_ms: end,
            },
        ))
    }

    fn call(&self, func: Func, args: &[Node], ts: i64) -> Result<Val, QueryError> {
        if let Some(index) = args.iter().position(|a| a.value_type() == ValueType::Matrix) {
            return self.call_range(func, args, index, ts);
        }
        let scalar_args = |from: usize| -> Result<Vec<f64>, QueryError> {
            args.iter().skip(from).map(|a| self.scalar(a, ts)).collect()
        };
        let first_vector = || -> Result<Vec<Sample>, QueryError> {
            let arg = args
                .first()
                .ok_or_else(|| QueryError::BadData("missing function argument".to_owned()))?;
            self.vector(arg, ts)
        };
        let out = match func {
            Func::Time => return Ok(Val::Scalar(ts as f64 / 1000.0)),
            Func::Scalar => {
                let v = first_vector()?;
                return Ok(Val::Scalar(if v.len() == 1 { v[0].v } else { f64::NAN }));
            }
            Func::Vector => {
                let v = scalar_args(0)?.first().copied().unwrap_or(f64::NAN);
                vec![sample(Labels::new(), ts, v)]
            }
            Func::HistogramQuantile => {
                let q = args
                    .first()
                    .map(|a| self.scalar(a, ts))
                    .transpose()?
                    .unwrap_or(f64::NAN);
                let input = match args.get(1) {
                    Some(a) => self.vector(a, ts)?,
                    None => Vec::new(),
                };
                histogram_quantile(q, input, ts)
            }
            Func::Timestamp => first_vector()?
                .into_iter()
                .map(|s| sample(drop_name(s.labels), ts, s.t as f64 / 1000.0))
                .collect(),
            Func::Absent => {
                if first_vector()?.is_empty() {
                    vec![sample(absent_labels(args.first()), ts, 1.0)]
                } else {
                    Vec::new()
                }
            }
            Func::Sort | Func::SortDesc => {
                let mut v = first_vector()?;
                sort_by_value(&mut v, func == Func::SortDesc);
                v.into_iter().map(|s| Sample { t: ts, ..s }).collect()
            }
            _ => {
                let input = first_vector()?;
                let params = scalar_args(1)?;
                if func == Func::Clamp && params.len() == 2 && params[1] < params[0] {
                    Vec::new()
                } else {
                    let f = func.elementwise(&params).ok_or_else(|| {
                        QueryError::BadData(format!("function {func:?} needs a range vector argument"))
                    })?;
                    input
                        .into_iter()
                        .map(|s| sample(drop_name(s.labels), ts, f(s.v)))
                        .collect()
                }
            }
        };
        Ok(Val::Vector(unique(out)?))
    }

    fn call_range(&self, func: Func, args: &[Node], matrix_index: usize, ts: i64) -> Result<Val, QueryError> {
        let mut scalar = f64::NAN;
        for (i, arg) in args.iter().enumerate() {
            if i != matrix_index {
                scalar = self.scalar(arg, ts)?;
            }
        }
        let (series, window) = match &args[matrix_index] {
            Node::Range { selector, range_ms } => self.range_selector(selector, *range_ms, ts),
            sub @ Node::Subquery { .. } => self.subquery(sub, ts)?,
            _ => {
                return Err(QueryError::BadData(
                    "expected a range vector selector or a subquery".to_owned(),
                ));
            }
        };
        if func == Func::AbsentOverTime {
            return Ok(Val::Vector(if series.is_empty() {
                vec![sample(absent_labels(args.get(matrix_index)), ts, 1.0)]
            } else {
                Vec::new()
            }));
        }
        let compat = self.options.compat;
        let mut out = Vec::with_capacity(series.len());
        for s in series {
            if let Some(v) = range_function(func, &s.points, window, scalar, compat) {
                let labels = if func.keeps_metric_name() {
                    s.labels
                } else {
                    drop_name(s.labels)
                };
                out.push(sample(labels, ts, v));
            }
        }
        Ok(Val::Vector(unique(out)?))
    }
}

fn sample(labels: Labels, t: i64, v: f64) -> Sample {
    Sample { labels, t, v }
}

fn type_error(expected: &str, got: &Val) -> QueryError {
    let got = match got {
        Val::Scalar(_) => "scalar",
        Val::Str(_) => "string",
        Val::Vector(_) => "instant vector",
        Val::Matrix(_) => "range vector",
    };
    QueryError::BadData(format!("expected {expected}, got {got}"))
}

/// Removes the metric name.
pub fn drop_name(mut labels: Labels) -> Labels {
    labels.remove(METRIC_NAME);
    labels
}

/// Fails like Prometheus when two samples of a vector share a label set.
fn unique(samples: Vec<Sample>) -> Result<Vec<Sample>, QueryError> {
    let mut seen = HashSet::with_capacity(samples.len());
    for s in &samples {
        if !seen.insert(&s.labels) {
            return Err(QueryError::Execution(
                "vector cannot contain metrics with the same labelset".to_owned(),
            ));
        }
    }
    Ok(samples)
}
