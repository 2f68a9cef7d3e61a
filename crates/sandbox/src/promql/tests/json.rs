//! The exact JSON of query results, numbers and timestamps.

use pretty_assertions::assert_eq;

use super::l;
use crate::promql::value::{
    Point, QueryValue, Sample, Series, error_json, format_float, format_timestamp, labels_to_string,
};

#[test]
fn floats_are_formatted_like_go() {
    for (v, want) in [
        (1.0, "1"),
        (0.1, "0.1"),
        (-2.5, "-2.5"),
        (1e-6, "0.000001"),
        (1e-7, "1e-07"),
        (1.5e-10, "1.5e-10"),
        (123456789.125, "123456789.125"),
        (1.2345678901234568e20, "123456789012345680000"),
        (1e21, "1e+21"),
        (1.5e300, "1.5e+300"),
        (-1e21, "-1e+21"),
        (0.0, "0"),
        (-0.0, "-0"),
        (f64::NAN, "NaN"),
        (f64::INFINITY, "+Inf"),
        (f64::NEG_INFINITY, "-Inf"),
        (1.0 / 3.0, "0.3333333333333333"),
    ] {
        assert_eq!(format_float(v), want, "{v:e}");
    }
}

#[test]
fn timestamps_are_seconds_with_milliseconds() {
    assert_eq!(format_timestamp(1_435_781_451_781), "1435781451.781");
    assert_eq!(format_timestamp(1500), "1.500");
    assert_eq!(format_timestamp(1000), "1");
    assert_eq!(format_timestamp(1), "0.001");
    assert_eq!(format_timestamp(0), "0");
    assert_eq!(format_timestamp(-1500), "-1.500");
}

#[test]
fn vector_json() {
    let v = QueryValue::Vector(vec![
        Sample {
            labels: l(&[("__name__", "up"), ("job", "a\"b")]),
            t: 1_500,
            v: 1.0,
        },
        Sample {
            labels: l(&[]),
            t: 1_500,
            v: f64::NAN,
        },
    ]);
    assert_eq!(
        v.success_json(),
        r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"up","job":"a\"b"},"value":[1.500,"1"]},{"metric":{},"value":[1.500,"NaN"]}]}}"#
    );
    assert_eq!(
        QueryValue::Vector(vec![]).success_json(),
        r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#
    );
}

#[test]
fn matrix_scalar_and_string_json() {
    let m = QueryValue::Matrix(vec![Series {
        labels: l(&[("pod", "a")]),
        points: vec![
            Point { t: 0, v: 1.5 },
            Point {
                t: 15_000,
                v: f64::INFINITY,
            },
        ],
    }]);
    assert_eq!(
        m.data_json(),
        r#"{"resultType":"matrix","result":[{"metric":{"pod":"a"},"values":[[0,"1.5"],[15,"+Inf"]]}]}"#
    );
    assert_eq!(
        QueryValue::Scalar(Point {
            t: 1_000_001,
            v: -0.25
        })
        .data_json(),
        r#"{"resultType":"scalar","result":[1000.001,"-0.25"]}"#
    );
    assert_eq!(
        QueryValue::String {
            t: 2_000,
            value: "a\nb".to_owned()
        }
        .data_json(),
        r#"{"resultType":"string","result":[2,"a\nb"]}"#
    );
    let parsed: serde_json::Value = serde_json::from_str(&m.success_json()).expect("valid JSON");
    assert_eq!(parsed["data"]["result"][0]["values"][1][1], "+Inf");
}

#[test]
fn error_json_and_label_strings() {
    assert_eq!(
        error_json("bad_data", "invalid parameter \"query\": x"),
        r#"{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": x"}"#
    );
    assert_eq!(
        labels_to_string(&l(&[("a", "1"), ("b", "x\"y")])),
        r#"{a="1", b="x\"y"}"#
    );
}
