//! A parser of Prometheus' text exposition format (version 0.0.4), the body of a `/metrics` page:
//! `# HELP` / `# TYPE` lines, comments, and sample lines `name{label="value",...} value [timestamp]`
//! for counters, gauges, histograms (`_bucket`/`_sum`/`_count`), summaries and untyped metrics.
//! Label values may escape `\\`, `\"` and `\n` (other escapes are kept verbatim, as Prometheus
//! does); labels with an empty value are dropped, as Prometheus' scraper drops them.

use std::collections::BTreeMap;

use super::value::{Labels, METRIC_NAME};

/// The type a `# TYPE` line declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricType {
    /// `counter`.
    Counter,
    /// `gauge`.
    Gauge,
    /// `histogram`.
    Histogram,
    /// `summary`.
    Summary,
    /// `untyped`, or no `# TYPE` line.
    Untyped,
}

/// One sample line.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpositionSample {
    /// The labels, `__name__` included.
    pub labels: Labels,
    /// The value.
    pub value: f64,
    /// The explicit timestamp in milliseconds, when the line has one.
    pub timestamp_ms: Option<i64>,
}

/// A parsed exposition.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Exposition {
    /// The samples, in the order of the text.
    pub samples: Vec<ExpositionSample>,
    /// The declared type of each metric family that has a `# TYPE` line.
    pub types: BTreeMap<String, MetricType>,
}

/// Why a text is not a valid exposition.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("exposition line {line}: {message}")]
pub struct ExpositionError {
    /// The 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Parses a text exposition.
pub fn parse(text: &str) -> Result<Exposition, ExpositionError> {
    let mut out = Exposition::default();
    for (index, raw) in text.split('\n').enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let fail = |message: String| ExpositionError {
            line: index + 1,
            message,
        };
        let trimmed = line.trim_matches(|c| c == ' ' || c == '\t');
        if trimmed.is_empty() {
            continue;
        }
        if let Some(comment) = trimmed.strip_prefix('#') {
            parse_comment(comment, &mut out.types).map_err(fail)?;
            continue;
        }
        out.samples.push(parse_sample(trimmed).map_err(fail)?);
    }
    Ok(out)
}

fn parse_comment(comment: &str, types: &mut BTreeMap<String, MetricType>) -> Result<(), String> {
    let mut words = comment.split([' ', '\t']).filter(|w| !w.is_empty());
    if words.next() != Some("TYPE") {
        return Ok(()); // `# HELP ...` and free comments carry nothing the TSDB needs.
    }
    let name = words
        .next()
        .ok_or_else(|| "TYPE line without a metric name".to_owned())?;
    if !is_metric_name(name) {
        return Err(format!("invalid metric name {name:?} in TYPE line"));
    }
    let kind = match words.next() {
        Some("counter") => MetricType::Counter,
        Some("gauge") => MetricType::Gauge,
        Some("histogram") => MetricType::Histogram,
        Some("summary") => MetricType::Summary,
        Some("untyped") => MetricType::Untyped,
        Some(other) => return Err(format!("invalid metric type {other:?}")),
        None => return Err(format!("TYPE line for {name:?} without a type")),
    };
    types.insert(name.to_owned(), kind);
    Ok(())
}

fn parse_sample(line: &str) -> Result<ExpositionSample, String> {
    let name_end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(line.len());
    let name = &line[..name_end];
    if !is_metric_name(name) {
        return Err(format!("invalid metric name at {line:?}"));
    }
    let mut labels = Labels::new();
    labels.insert(METRIC_NAME.to_owned(), name.to_owned());
    let mut rest = skip_blanks(&line[name_end..]);
    if let Some(after_brace) = rest.strip_prefix('{') {
        rest = parse_labels(after_brace, &mut labels)?;
    }
    let mut fields = rest.split([' ', '\t']).filter(|w| !w.is_empty());
    let value_text = fields
        .next()
        .ok_or_else(|| format!("sample {name:?} has no value"))?;
    let value =
        parse_value(value_text).ok_or_else(|| format!("invalid value {value_text:?} for {name:?}"))?;
    let timestamp_ms = match fields.next() {
        None => None,
        Some(ts) => Some(
            ts.parse::<i64>()
                .map_err(|_| format!("invalid timestamp {ts:?} for {name:?}"))?,
        ),
    };
    if let Some(extra) = fields.next() {
        return Err(format!("unexpected {extra:?} after the sample of {name:?}"));
    }
    Ok(ExpositionSample {
        labels,
        value,
        timestamp_ms,
    })
}

/// Parses `name="value", ...}` and returns what follows the closing brace.
fn parse_labels<'a>(mut rest: &'a str, labels: &mut Labels) -> Result<&'a str, String> {
    loop {
        rest = skip_blanks(rest);
        if let Some(after) = rest.strip_prefix('}') {
            return Ok(after);
        }
        let name_end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let name = &rest[..name_end];
        if !is_label_name(name) {
            return Err(format!("invalid label name at {rest:?}"));
        }
        rest = skip_blanks(&rest[name_end..]);
        rest = rest
            .strip_prefix('=')
            .ok_or_else(|| format!("expected '=' after label {name:?}"))?;
        rest = skip_blanks(rest);
        rest = rest
            .strip_prefix('"')
            .ok_or_else(|| format!("expected '\"' to open the value of label {name:?}"))?;
        let (value, after) =
            parse_label_value(rest).ok_or_else(|| format!("unterminated value of label {name:?}"))?;
        if labels.contains_key(name) {
            return Err(format!("duplicate label {name:?}"));
        }
        if !value.is_empty() {
            labels.insert(name.to_owned(), value);
        }
        rest = skip_blanks(after);
        if let Some(after_comma) = rest.strip_prefix(',') {
            rest = after_comma;
        } else if !rest.starts_with('}') {
            return Err(format!("expected ',' or '}}' after label {name:?}"));
        }
    }
}

/// Reads a quoted label value up to its closing quote; returns the unescaped value and the rest.
fn parse_label_value(text: &str) -> Option<(String, &str)> {
    let mut value = String::new();
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((value, &text[i + 1..])),
            '\\' => match chars.next()?.1 {
                '\\' => value.push('\\'),
                '"' => value.push('"'),
                'n' => value.push('\n'),
                other => {
                    value.push('\\');
                    value.push(other);
                }
            },
            c => value.push(c),
        }
    }
    None
}

/// Go's `strconv.ParseFloat` as the text format uses it: decimal numbers, `NaN`, `+Inf`, `-Inf`.
fn parse_value(text: &str) -> Option<f64> {
    text.parse::<f64>().ok()
}

fn skip_blanks(s: &str) -> &str {
    s.trim_start_matches([' ', '\t'])
}

/// `[a-zA-Z_:][a-zA-Z0-9_:]*`.
pub fn is_metric_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// `[a-zA-Z_][a-zA-Z0-9_]*`.
pub fn is_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
