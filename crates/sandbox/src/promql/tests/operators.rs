//! Binary operators: scalar/scalar, vector/scalar, vector/vector matching and set operators.

use pretty_assertions::assert_eq;

use super::{db, instant, instant_error, l};
use crate::promql::engine::QueryError;
use crate::promql::tsdb::Tsdb;

fn data() -> Tsdb {
    db(&[
        (
            &[("__name__", "errors"), ("pod", "a"), ("code", "500")],
            &[(0.0, 3.0)],
        ),
        (
            &[("__name__", "errors"), ("pod", "b"), ("code", "500")],
            &[(0.0, 1.0)],
        ),
        (
            &[("__name__", "errors"), ("pod", "b"), ("code", "503")],
            &[(0.0, 2.0)],
        ),
        (&[("__name__", "total"), ("pod", "a")], &[(0.0, 10.0)]),
        (&[("__name__", "total"), ("pod", "b")], &[(0.0, 20.0)]),
        (&[("__name__", "total"), ("pod", "c")], &[(0.0, 30.0)]),
        (
            &[("__name__", "info"), ("pod", "a"), ("team", "x")],
            &[(0.0, 1.0)],
        ),
        (
            &[("__name__", "info"), ("pod", "b"), ("team", "y")],
            &[(0.0, 1.0)],
        ),
        (
            &[("__name__", "owner"), ("pod", "b"), ("code", "x")],
            &[(0.0, 1.0)],
        ),
    ])
}

#[test]
fn scalar_arithmetic_and_comparisons() {
    let db = data();
    for (query, want) in [
        ("1 + 2 * 3", 7.0),
        ("7 % 4", 3.0),
        ("-7 % 4", -3.0),
        ("2 ^ 3 ^ 2", 512.0),
        ("1 / 0", f64::INFINITY),
        ("1 == bool 1", 1.0),
        ("2 < bool 1", 0.0),
        ("3 >= bool 3", 1.0),
        ("3 != bool 3", 0.0),
        ("1 atan2 1", std::f64::consts::FRAC_PI_4),
    ] {
        assert_eq!(instant(&db, query, 0.0), vec![(l(&[]), want)], "{query}");
    }
    assert!(instant(&db, "0 / 0", 0.0)[0].1.is_nan());
}

#[test]
fn vector_scalar_arithmetic_drops_the_name_and_comparisons_filter() {
    let db = data();
    assert_eq!(
        instant(&db, "total * 2", 0.0),
        vec![
            (l(&[("pod", "a")]), 20.0),
            (l(&[("pod", "b")]), 40.0),
            (l(&[("pod", "c")]), 60.0)
        ]
    );
    assert_eq!(instant(&db, "100 - total", 0.0)[0], (l(&[("pod", "a")]), 90.0));
    assert_eq!(
        instant(&db, "total > 15", 0.0),
        vec![
            (l(&[("__name__", "total"), ("pod", "b")]), 20.0),
            (l(&[("__name__", "total"), ("pod", "c")]), 30.0)
        ],
        "a filtering comparison keeps the name and value"
    );
    assert_eq!(
        instant(&db, "15 < total", 0.0)
            .iter()
            .map(|s| s.1)
            .collect::<Vec<_>>(),
        vec![20.0, 30.0],
        "with the scalar on the left the vector's value is kept"
    );
    assert_eq!(
        instant(&db, "total > bool 15", 0.0),
        vec![
            (l(&[("pod", "a")]), 0.0),
            (l(&[("pod", "b")]), 1.0),
            (l(&[("pod", "c")]), 1.0)
        ]
    );
    assert_eq!(instant(&db, "total == 20", 0.0).len(), 1);
    assert_eq!(instant(&db, "total != 20", 0.0).len(), 2);
    assert_eq!(instant(&db, "total <= 20", 0.0).len(), 2);
    assert_eq!(instant(&db, "total >= 20", 0.0).len(), 2);
    assert_eq!(instant(&db, "total < 20", 0.0).len(), 1);
}

#[test]
fn one_to_one_matching_on_and_ignoring() {
    let db = data();
    assert_eq!(
        instant(&db, "sum by (pod) (errors) / total", 0.0),
        vec![(l(&[("pod", "a")]), 0.3), (l(&[("pod", "b")]), 0.15)]
    );
    assert_eq!(
        instant(&db, r#"errors{code="500"} / ignoring (code) total"#, 0.0),
        vec![(l(&[("pod", "a")]), 0.3), (l(&[("pod", "b")]), 0.05)]
    );
    assert_eq!(
        instant(&db, r#"errors{code="500"} + on (pod) total"#, 0.0),
        vec![(l(&[("pod", "a")]), 13.0), (l(&[("pod", "b")]), 21.0)],
        "on keeps only the matching labels"
    );
    assert_eq!(
        instant(&db, r#"errors{code="500"} > on (pod) (total * 0.1)"#, 0.0),
        vec![(l(&[("pod", "a")]), 3.0)],
        "comparisons keep the left value"
    );
    assert_eq!(
        instant(&db, r#"errors{code="500"} > bool on (pod) (total * 0.1)"#, 0.0),
        vec![(l(&[("pod", "a")]), 1.0), (l(&[("pod", "b")]), 0.0)]
    );
    assert_eq!(instant(&db, "errors / nothing", 0.0), vec![]);
}

#[test]
fn many_to_one_matching_with_group_left_and_group_right() {
    let db = data();
    assert_eq!(
        instant(&db, "errors / on (pod) group_left total", 0.0),
        vec![
            (l(&[("code", "500"), ("pod", "a")]), 0.3),
            (l(&[("code", "500"), ("pod", "b")]), 0.05),
            (l(&[("code", "503"), ("pod", "b")]), 0.1),
        ]
    );
    assert_eq!(
        instant(&db, "errors * on (pod) group_left (team) info", 0.0),
        vec![
            (l(&[("code", "500"), ("pod", "a"), ("team", "x")]), 3.0),
            (l(&[("code", "500"), ("pod", "b"), ("team", "y")]), 1.0),
            (l(&[("code", "503"), ("pod", "b"), ("team", "y")]), 2.0),
        ]
    );
    assert_eq!(
        instant(&db, "total / on (pod) group_right errors", 0.0),
        vec![
            (l(&[("code", "500"), ("pod", "a")]), 10.0 / 3.0),
            (l(&[("code", "500"), ("pod", "b")]), 20.0),
            (l(&[("code", "503"), ("pod", "b")]), 10.0),
        ],
        "group_right keeps the operand order for the value"
    );
}

#[test]
fn matching_errors_like_prometheus() {
    let db = data();
    match instant_error(&db, "total / on (pod) errors", 0.0) {
        QueryError::Execution(m) => assert!(
            m.starts_with(r#"found duplicate series for the match group {pod="b"} on the right hand-side of the operation: ["#)
                && m.ends_with(";many-to-many matching not allowed: matching labels must be unique on one side"),
            "{m}"
        ),
        other => panic!("{other:?}"),
    }
    match instant_error(&db, "errors / on (pod) total", 0.0) {
        QueryError::Execution(m) => assert_eq!(
            m,
            "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)"
        ),
        other => panic!("{other:?}"),
    }
    match instant_error(&db, "errors * on (pod) group_left (code) owner", 0.0) {
        QueryError::Execution(m) => assert!(m.contains("grouping labels must ensure unique matches"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn set_operators() {
    let db = data();
    let pods = |query: &str| -> Vec<String> {
        instant(&db, query, 0.0)
            .into_iter()
            .map(|(labels, _)| labels.get("pod").cloned().unwrap_or_default())
            .collect()
    };
    assert_eq!(pods("total and on (pod) errors"), vec!["a", "b"]);
    assert_eq!(pods("total unless on (pod) errors"), vec!["c"]);
    assert_eq!(
        pods("total and errors"),
        Vec::<String>::new(),
        "no shared label sets"
    );
    assert_eq!(pods(r#"total{pod="a"} or total"#), vec!["a", "b", "c"]);
    assert_eq!(pods(r#"total{pod="a"} or on (pod) errors"#), vec!["a", "b", "b"]);
    assert_eq!(pods("nothing or total"), vec!["a", "b", "c"]);
    assert_eq!(pods("total unless nothing"), vec!["a", "b", "c"]);
    assert_eq!(
        instant(&db, r#"total{pod="a"} or total"#, 0.0)[0].0,
        l(&[("__name__", "total"), ("pod", "a")]),
        "set operators keep the names"
    );
}
