//! The mapping from `promql-parser`'s tree to the evaluation plan.

use pretty_assertions::assert_eq;

use crate::promql::engine::{Compat, QueryError};
use crate::promql::functions::Func;
use crate::promql::plan::{AggOp, At, BinOp, Card, Grouping, Matching, Node, Selector, ValueType, parse};
use crate::promql::tsdb::MatchOp;

fn plan(query: &str) -> Node {
    parse(query, Compat::Prometheus3).unwrap_or_else(|e| panic!("{query}: {e}"))
}

fn selector(node: &Node) -> &Selector {
    match node {
        Node::Selector(s) | Node::Range { selector: s, .. } => s,
        other => panic!("not a selector: {other:?}"),
    }
}

/// (name, op, value) of each matcher.
fn matchers(s: &Selector) -> Vec<(String, &'static str, String)> {
    s.matchers
        .iter()
        .map(|m| {
            let op = match m.op {
                MatchOp::Equal => "=",
                MatchOp::NotEqual => "!=",
                MatchOp::Regex(_) => "=~",
                MatchOp::NotRegex(_) => "!~",
            };
            (m.name.clone(), op, m.value.clone())
        })
        .collect()
}

#[test]
fn maps_selectors_with_all_matchers_offset_and_at() {
    let node = plan(r#"http_requests_total{status!~"5..",app="web",pod!="",svc=~"a|b"} offset 1m"#);
    let s = selector(&node);
    assert_eq!(
        matchers(s),
        vec![
            ("__name__".to_owned(), "=", "http_requests_total".to_owned()),
            ("status".to_owned(), "!~", "5..".to_owned()),
            ("app".to_owned(), "=", "web".to_owned()),
            ("pod".to_owned(), "!=", String::new()),
            ("svc".to_owned(), "=~", "a|b".to_owned()),
        ]
    );
    assert_eq!(s.offset_ms, 60_000);
    assert_eq!(s.at, None);
    // Regexes are fully anchored.
    assert!(!s.matchers[1].matches_value("503"));
    assert!(s.matchers[1].matches_value("2503"));
    assert!(s.matchers[4].matches_value("a"));
    assert!(!s.matchers[4].matches_value("ab"));

    assert_eq!(selector(&plan("x offset -30s")).offset_ms, -30_000);
    assert_eq!(selector(&plan("x @ 100.5")).at, Some(At::Ms(100_500)));
    assert_eq!(selector(&plan("x @ start()")).at, Some(At::Start));
    assert_eq!(selector(&plan("x @ end()")).at, Some(At::End));
    assert_eq!(matchers(selector(&plan(r#"{__name__="x"}"#)))[0].2, "x");
}

#[test]
fn maps_ranges_subqueries_and_calls() {
    match plan("rate(http_requests_total[5m] offset 1m)") {
        Node::Call {
            func: Func::Rate,
            args,
        } => match &args[..] {
            [Node::Range { selector, range_ms }] => {
                assert_eq!(*range_ms, 300_000);
                assert_eq!(selector.offset_ms, 60_000);
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
    match plan("max_over_time(rate(x[1m])[10m:30s] offset 2m)") {
        Node::Call {
            func: Func::MaxOverTime,
            args,
        } => match &args[..] {
            [
                Node::Subquery {
                    expr,
                    range_ms,
                    step_ms,
                    offset_ms,
                    at,
                },
            ] => {
                assert!(matches!(**expr, Node::Call { func: Func::Rate, .. }));
                assert_eq!(
                    (*range_ms, *step_ms, *offset_ms, *at),
                    (600_000, Some(30_000), 120_000, None)
                );
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
    match plan("x[5m:]") {
        Node::Subquery { step_ms, .. } => assert_eq!(step_ms, None),
        other => panic!("{other:?}"),
    }
    match plan("histogram_quantile(0.95, sum by (le) (rate(b[1m])))") {
        Node::Call {
            func: Func::HistogramQuantile,
            args,
        } => {
            assert!(matches!(args[0], Node::Number(q) if q == 0.95));
            assert!(matches!(args[1], Node::Aggregate { op: AggOp::Sum, .. }));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(plan("-(x)"), Node::Neg(inner) if matches!(*inner, Node::Selector(_))));
    assert!(matches!(plan(r#""text""#), Node::String(s) if s == "text"));
}

#[test]
fn maps_aggregations_with_grouping() {
    let cases = [
        ("sum(x)", AggOp::Sum, Grouping::By(vec![])),
        (
            "avg by (pod, app) (x)",
            AggOp::Avg,
            Grouping::By(vec!["app".into(), "pod".into()]),
        ),
        ("max(x) by (pod)", AggOp::Max, Grouping::By(vec!["pod".into()])),
        (
            "min without (pod) (x)",
            AggOp::Min,
            Grouping::Without(vec!["pod".into()]),
        ),
        ("count(x)", AggOp::Count, Grouping::By(vec![])),
        ("group(x)", AggOp::Group, Grouping::By(vec![])),
        ("stddev(x)", AggOp::Stddev, Grouping::By(vec![])),
        ("stdvar(x)", AggOp::Stdvar, Grouping::By(vec![])),
    ];
    for (query, want_op, want_grouping) in cases {
        match plan(query) {
            Node::Aggregate {
                op, grouping, param, ..
            } => {
                assert_eq!((op, grouping), (want_op, want_grouping), "{query}");
                assert!(param.is_none());
            }
            other => panic!("{query}: {other:?}"),
        }
    }
    match plan("quantile(0.9, x)") {
        Node::Aggregate {
            op: AggOp::Quantile,
            param: Some(p),
            ..
        } => {
            assert!(matches!(*p, Node::Number(q) if q == 0.9));
        }
        other => panic!("{other:?}"),
    }
}

fn binary(query: &str) -> (BinOp, Matching, bool) {
    match plan(query) {
        Node::Binary {
            op,
            matching,
            return_bool,
            ..
        } => (op, matching, return_bool),
        other => panic!("{query}: {other:?}"),
    }
}

#[test]
fn maps_binary_operators_and_matching() {
    let plain = Matching {
        card: Card::OneToOne,
        on: false,
        labels: vec![],
        include: vec![],
    };
    for (query, op) in [
        ("a + b", BinOp::Add),
        ("a - b", BinOp::Sub),
        ("a * b", BinOp::Mul),
        ("a / b", BinOp::Div),
        ("a % b", BinOp::Mod),
        ("a ^ b", BinOp::Pow),
        ("a atan2 b", BinOp::Atan2),
        ("a == b", BinOp::Eq),
        ("a != b", BinOp::Ne),
        ("a > b", BinOp::Gt),
        ("a < b", BinOp::Lt),
        ("a >= b", BinOp::Ge),
        ("a <= b", BinOp::Le),
    ] {
        assert_eq!(binary(query), (op, plain.clone(), false), "{query}");
    }
    assert_eq!(binary("a > bool 1").2, true);
    let (_, m, _) = binary("a / on (pod, app) b");
    assert_eq!(
        m,
        Matching {
            card: Card::OneToOne,
            on: true,
            labels: vec!["app".into(), "pod".into()],
            include: vec![]
        }
    );
    let (_, m, _) = binary("a / ignoring (code) group_left (team) b");
    assert_eq!(
        m,
        Matching {
            card: Card::ManyToOne,
            on: false,
            labels: vec!["code".into()],
            include: vec!["team".into()]
        }
    );
    let (_, m, _) = binary("a * on (pod) group_right b");
    assert_eq!((m.card, m.on), (Card::OneToMany, true));
    for (query, op) in [
        ("a and b", BinOp::And),
        ("a or on (x) b", BinOp::Or),
        ("a unless b", BinOp::Unless),
    ] {
        let (got, m, _) = binary(query);
        assert_eq!((got, m.card), (op, Card::ManyToMany), "{query}");
    }
}

#[test]
fn types_nodes_like_prometheus() {
    assert_eq!(plan("1 + 2").value_type(), ValueType::Scalar);
    assert_eq!(plan("x + 2").value_type(), ValueType::Vector);
    assert_eq!(plan("x[1m]").value_type(), ValueType::Matrix);
    assert_eq!(plan("scalar(x)").value_type(), ValueType::Scalar);
    assert_eq!(plan("time()").value_type(), ValueType::Scalar);
    assert_eq!(plan("rate(x[1m])").value_type(), ValueType::Vector);
    assert_eq!(plan("x[5m:1m]").value_type(), ValueType::Matrix);
    assert_eq!(plan("-1").value_type(), ValueType::Scalar);
    assert_eq!(ValueType::Matrix.describe(), "range vector");
}

#[test]
fn refuses_unsupported_constructs_and_syntax_errors_as_bad_data() {
    for (query, needle) in [
        ("predict_linear(x[5m], 60)", "function \"predict_linear\""),
        (
            "label_replace(x, \"a\", \"$1\", \"b\", \"(.*)\")",
            "function \"label_replace\"",
        ),
        ("topk(3, x)", "aggregation \"topk\""),
        ("count_values(\"v\", x)", "aggregation \"count_values\""),
    ] {
        match parse(query, Compat::Prometheus3) {
            Err(QueryError::BadData(message)) => {
                assert!(message.contains(needle), "{query}: {message}");
                assert!(message.ends_with("is not supported by the sandbox's PromQL engine"));
            }
            other => panic!("{query}: {other:?}"),
        }
    }
    for query in ["sum(", "rate(x)", "x{", "", "1 > 2", "x[5m] + 1"] {
        match parse(query, Compat::Prometheus3) {
            Err(QueryError::BadData(message)) => {
                assert!(
                    message.starts_with("invalid parameter \"query\": "),
                    "{query}: {message}"
                )
            }
            other => panic!("{query}: {other:?}"),
        }
    }
}

#[test]
fn regex_dot_matches_newline_only_in_prometheus_3() {
    let v3 = parse(r#"x{a=~"a.b"}"#, Compat::Prometheus3).expect("valid");
    let v2 = parse(r#"x{a=~"a.b"}"#, Compat::Prometheus2).expect("valid");
    assert!(selector(&v3).matchers[1].matches_value("a\nb"));
    assert!(!selector(&v2).matchers[1].matches_value("a\nb"));
    assert!(selector(&v2).matchers[1].matches_value("a-b"));
}

#[test]
fn odd_inputs_are_errors_or_plans_never_panics() {
    let db = super::db(&[(&[("__name__", "x")], &[(0.0, 1.0)])]);
    for query in [
        "x[-1s]",
        "x[0s]",
        "x[1e400s]",
        "x offset 1e400y",
        "x @ 1e400",
        "x @ -1e300",
        "x[5m:0s]",
        "x[99999999999999999y]",
        "{}",
        "{a=~\"(\"}",
        "x{a=~\"{}\"}",
        "sum by(",
        "histogram_quantile(0.5)",
        "round(x, 0)",
        "x[1m:1ms] offset -1y",
        "\u{0}",
    ] {
        // Whatever the outcome, it must be an answer, not a panic.
        let planned = parse(query, Compat::Prometheus3);
        if planned.is_ok() {
            let _ = super::engine(Compat::Prometheus3).instant_query(&db, query, 0, None);
        }
    }
}
