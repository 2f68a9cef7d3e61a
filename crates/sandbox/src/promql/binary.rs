//! Binary operators, ported from Prometheus 2's engine: arithmetic and comparisons between
//! scalars, between a vector and a scalar, and between vectors with one-to-one or
//! `group_left`/`group_right` matching on `on`/`ignoring` labels; and the set operators
//! `and`, `or`, `unless`. Arithmetic (and `bool` comparisons) drop the metric name.

use std::collections::{HashMap, HashSet};

use super::engine::{QueryError, drop_name};
use super::plan::{BinOp, Card, Matching};
use super::value::{Labels, METRIC_NAME, Sample, labels_to_string};

/// A scalar/scalar operation; comparisons (which need `bool` there) give 1 or 0.
pub fn scalar_binop(op: BinOp, l: f64, r: f64) -> f64 {
    let (v, keep) = element(op, l, r);
    if op.is_comparison() {
        if keep { 1.0 } else { 0.0 }
    } else {
        v
    }
}

/// One element operation: the value, and for comparisons whether the element is kept.
fn element(op: BinOp, l: f64, r: f64) -> (f64, bool) {
    match op {
        BinOp::Add => (l + r, true),
        BinOp::Sub => (l - r, true),
        BinOp::Mul => (l * r, true),
        BinOp::Div => (l / r, true),
        BinOp::Mod => (l % r, true),
        BinOp::Pow => (l.powf(r), true),
        BinOp::Atan2 => (l.atan2(r), true),
        BinOp::Eq => (l, l == r),
        BinOp::Ne => (l, l != r),
        BinOp::Gt => (l, l > r),
        BinOp::Lt => (l, l < r),
        BinOp::Ge => (l, l >= r),
        BinOp::Le => (l, l <= r),
        BinOp::And | BinOp::Or | BinOp::Unless => (l, true),
    }
}

fn drops_name(op: BinOp) -> bool {
    matches!(
        op,
        BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Mod | BinOp::Pow
    )
}

/// A vector/scalar operation; `swapped` when the scalar was the left operand.
pub fn vector_scalar_binop(
    op: BinOp,
    vector: Vec<Sample>,
    scalar: f64,
    swapped: bool,
    return_bool: bool,
    ts: i64,
) -> Vec<Sample> {
    let mut out = Vec::with_capacity(vector.len());
    for s in vector {
        let (l, r) = if swapped { (scalar, s.v) } else { (s.v, scalar) };
        let (mut value, mut keep) = element(op, l, r);
        // A comparison keeps the vector element's value even when the scalar is on the left.
        if op.is_comparison() && swapped {
            value = r;
        }
        if return_bool {
            value = if keep { 1.0 } else { 0.0 };
            keep = true;
        }
        if keep {
            let labels = if drops_name(op) || return_bool {
                drop_name(s.labels)
            } else {
                s.labels
            };
            out.push(Sample {
                labels,
                t: ts,
                v: value,
            });
        }
    }
    out
}

/// The labels two samples are matched on.
pub fn signature(labels: &Labels, matching: &Matching) -> Labels {
    labels
        .iter()
        .filter(|(name, _)| {
            let listed = matching.labels.iter().any(|l| l == *name);
            if matching.on {
                listed
            } else {
                !listed && *name != METRIC_NAME
            }
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// A vector/vector operation (arithmetic, comparison or set operator).
pub fn vector_binop(
    op: BinOp,
    lhs: Vec<Sample>,
    rhs: Vec<Sample>,
    matching: &Matching,
    return_bool: bool,
    ts: i64,
) -> Result<Vec<Sample>, QueryError> {
    match op {
        BinOp::And | BinOp::Or | BinOp::Unless => Ok(set_operation(op, lhs, rhs, matching, ts)),
        _ => arithmetic(op, lhs, rhs, matching, return_bool, ts),
    }
}

fn set_operation(op: BinOp, lhs: Vec<Sample>, rhs: Vec<Sample>, matching: &Matching, ts: i64) -> Vec<Sample> {
    let at = |s: Sample| Sample { t: ts, ..s };
    match op {
        BinOp::And => {
            if lhs.is_empty() || rhs.is_empty() {
                return Vec::new();
            }
            let right: HashSet<Labels> = rhs.iter().map(|s| signature(&s.labels, matching)).collect();
            lhs.into_iter()
                .filter(|s| right.contains(&signature(&s.labels, matching)))
                .map(at)
                .collect()
        }
        BinOp::Or => {
            let left: HashSet<Labels> = lhs.iter().map(|s| signature(&s.labels, matching)).collect();
            let mut out: Vec<Sample> = lhs.into_iter().map(at).collect();
            out.extend(
                rhs.into_iter()
                    .filter(|s| !left.contains(&signature(&s.labels, matching)))
                    .map(at),
            );
            out
        }
        _ => {
            let right: HashSet<Labels> = rhs.iter().map(|s| signature(&s.labels, matching)).collect();
            lhs.into_iter()
                .filter(|s| !right.contains(&signature(&s.labels, matching)))
                .map(at)
                .collect()
        }
    }
}

fn arithmetic(
    op: BinOp,
    mut lhs: Vec<Sample>,
    mut rhs: Vec<Sample>,
    matching: &Matching,
    return_bool: bool,
    ts: i64,
) -> Result<Vec<Sample>, QueryError> {
    if lhs.is_empty() || rhs.is_empty() {
        return Ok(Vec::new());
    }
    // One-to-many is many-to-one with the sides swapped (and swapped back for the values).
    let swapped = matching.card == Card::OneToMany;
    if swapped {
        std::mem::swap(&mut lhs, &mut rhs);
    }
    // The "one" side, by signature.
    let mut right: HashMap<Labels, Sample> = HashMap::with_capacity(rhs.len());
    for s in rhs {
        let sig = signature(&s.labels, matching);
        if let Some(duplicate) = right.get(&sig) {
            let side = if swapped { "left" } else { "right" };
            return Err(QueryError::Execution(format!(
                "found duplicate series for the match group {} on the {side} hand-side of the operation: [{}, {}];many-to-many matching not allowed: matching labels must be unique on one side",
                labels_to_string(&sig),
                labels_to_string(&s.labels),
                labels_to_string(&duplicate.labels),
            )));
        }
        right.insert(sig, s);
    }
    let mut matched: HashMap<Labels, HashSet<Labels>> = HashMap::new();
    let mut out = Vec::new();
    for l in lhs {
        let sig = signature(&l.labels, matching);
        let Some(r) = right.get(&sig) else {
            continue;
        };
        let (vl, vr) = if swapped { (r.v, l.v) } else { (l.v, r.v) };
        let (mut value, keep) = element(op, vl, vr);
        if return_bool {
            value = if keep { 1.0 } else { 0.0 };
        } else if !keep {
            continue;
        }
        let mut labels = result_labels(&l.labels, &r.labels, op, matching);
        if return_bool {
            labels = drop_name(labels);
        }
        if matching.card == Card::OneToOne {
            if matched.insert(sig, HashSet::new()).is_some() {
                return Err(QueryError::Execution(
                    "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)".to_owned(),
                ));
            }
        } else if !matched.entry(sig).or_default().insert(labels.clone()) {
            return Err(QueryError::Execution(
                "multiple matches for labels: grouping labels must ensure unique matches".to_owned(),
            ));
        }
        out.push(Sample {
            labels,
            t: ts,
            v: value,
        });
    }
    Ok(out)
}

/// Prometheus' `resultMetric`: the "many" side's labels, without the metric name for arithmetic,
/// restricted to (or without) the matching labels for one-to-one matching, plus the `group_x`
/// labels copied from the "one" side.
fn result_labels(lhs: &Labels, rhs: &Labels, op: BinOp, matching: &Matching) -> Labels {
    let mut labels = lhs.clone();
    if drops_name(op) {
        labels.remove(METRIC_NAME);
    }
    if matching.card == Card::OneToOne {
        if matching.on {
            labels.retain(|name, _| matching.labels.iter().any(|l| l == name));
        } else {
            labels.retain(|name, _| !matching.labels.iter().any(|l| l == name));
        }
    }
    for name in &matching.include {
        match rhs.get(name) {
            Some(v) if !v.is_empty() => {
                labels.insert(name.clone(), v.clone());
            }
            _ => {
                labels.remove(name);
            }
        }
    }
    labels
}
