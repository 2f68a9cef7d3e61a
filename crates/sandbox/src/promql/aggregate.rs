//! Aggregation operators (`sum`, `avg`, `min`, `max`, `count`, `group`, `stddev`, `stdvar`,
//! `quantile`) with `by`/`without`, ported from Prometheus 2's `aggregation`: groups keep the
//! order in which their first sample appears, and each group's labels are its grouping labels.

use std::collections::HashMap;

use super::plan::{AggOp, Grouping};
use super::quantile::quantile;
use super::value::{Labels, METRIC_NAME, Sample};

struct Group {
    labels: Labels,
    value: f64,
    mean: f64,
    count: usize,
    values: Vec<f64>,
}

/// The labels of the group a series belongs to.
pub fn group_labels(labels: &Labels, grouping: &Grouping) -> Labels {
    match grouping {
        Grouping::By(names) => labels
            .iter()
            .filter(|(name, _)| names.iter().any(|n| n == *name))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        Grouping::Without(names) => labels
            .iter()
            .filter(|(name, _)| *name != METRIC_NAME && !names.iter().any(|n| n == *name))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    }
}

/// Aggregates `input` into one sample per group, timestamped `ts`; `param` is `quantile`'s φ.
pub fn aggregate(op: AggOp, grouping: &Grouping, param: f64, input: Vec<Sample>, ts: i64) -> Vec<Sample> {
    let mut index: HashMap<Labels, usize> = HashMap::new();
    let mut groups: Vec<Group> = Vec::new();
    for s in input {
        let key = group_labels(&s.labels, grouping);
        let Some(&i) = index.get(&key) else {
            index.insert(key.clone(), groups.len());
            groups.push(Group {
                labels: key,
                value: match op {
                    AggOp::Stddev | AggOp::Stdvar => 0.0,
                    AggOp::Group => 1.0,
                    _ => s.v,
                },
                mean: s.v,
                count: 1,
                values: if op == AggOp::Quantile {
                    vec![s.v]
                } else {
                    Vec::new()
                },
            });
            continue;
        };
        let group = &mut groups[i];
        match op {
            AggOp::Sum => group.value += s.v,
            AggOp::Avg => {
                group.count += 1;
                let n = group.count as f64;
                if group.mean.is_infinite() {
                    if s.v.is_infinite() && (group.mean > 0.0) == (s.v > 0.0) {
                        continue;
                    }
                    if !s.v.is_infinite() && !s.v.is_nan() {
                        continue;
                    }
                }
                // Divide each side by the count to avoid overflows, as Prometheus does.
                group.mean += s.v / n - group.mean / n;
            }
            AggOp::Max => {
                if group.value < s.v || group.value.is_nan() {
                    group.value = s.v;
                }
            }
            AggOp::Min => {
                if group.value > s.v || group.value.is_nan() {
                    group.value = s.v;
                }
            }
            AggOp::Count => group.count += 1,
            AggOp::Group => {}
            AggOp::Stddev | AggOp::Stdvar => {
                group.count += 1;
                let delta = s.v - group.mean;
                group.mean += delta / group.count as f64;
                group.value += delta * (s.v - group.mean);
            }
            AggOp::Quantile => group.values.push(s.v),
        }
    }
    groups
        .into_iter()
        .map(|g| {
            let v = match op {
                AggOp::Avg => g.mean,
                AggOp::Count => g.count as f64,
                AggOp::Stdvar => g.value / g.count as f64,
                AggOp::Stddev => (g.value / g.count as f64).sqrt(),
                AggOp::Quantile => quantile(param, g.values),
                _ => g.value,
            };
            Sample {
                labels: g.labels,
                t: ts,
                v,
            }
        })
        .collect()
}
