//! Text exposition parsing.

use pretty_assertions::assert_eq;

use super::l;
use crate::promql::exposition::{ExpositionSample, MetricType, parse};

#[test]
fn parses_counters_gauges_histograms_and_comments() {
    let text = r#"# HELP http_requests_total Requests.
# TYPE http_requests_total counter
http_requests_total{app="web",status="200"} 1027 1395066363000
http_requests_total{ app = "web" , status="500", } 3
# a free comment
# TYPE temperature gauge
temperature -4.5e1

# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.1"} 10
http_request_duration_seconds_bucket{le="+Inf"} 12
http_request_duration_seconds_sum 3.25
http_request_duration_seconds_count 12
untyped_metric{} NaN
"#;
    let parsed = parse(text).expect("valid exposition");
    assert_eq!(parsed.samples.len(), 8);
    assert_eq!(
        parsed.samples[0],
        ExpositionSample {
            labels: l(&[
                ("__name__", "http_requests_total"),
                ("app", "web"),
                ("status", "200")
            ]),
            value: 1027.0,
            timestamp_ms: Some(1_395_066_363_000),
        }
    );
    assert_eq!(
        parsed.samples[1].labels,
        l(&[
            ("__name__", "http_requests_total"),
            ("app", "web"),
            ("status", "500")
        ])
    );
    assert_eq!(parsed.samples[2].value, -45.0);
    assert_eq!(
        parsed.samples[4].labels.get("le").map(String::as_str),
        Some("+Inf")
    );
    assert_eq!(parsed.samples[5].value, 3.25);
    assert!(parsed.samples[7].value.is_nan());
    assert_eq!(
        parsed.types.get("http_requests_total"),
        Some(&MetricType::Counter)
    );
    assert_eq!(parsed.types.get("temperature"), Some(&MetricType::Gauge));
    assert_eq!(
        parsed.types.get("http_request_duration_seconds"),
        Some(&MetricType::Histogram)
    );
}

#[test]
fn unescapes_label_values_and_drops_empty_ones() {
    let text = "m{a=\"x\\\"y\\\\z\\nw\",b=\"\",c=\"\\t\",d=\"{},=\"} +Inf\nn -Inf\n";
    let parsed = parse(text).expect("valid exposition");
    let labels = &parsed.samples[0].labels;
    assert_eq!(labels.get("a").map(String::as_str), Some("x\"y\\z\nw"));
    assert!(!labels.contains_key("b"), "empty label values are dropped");
    assert_eq!(
        labels.get("c").map(String::as_str),
        Some("\\t"),
        "unknown escapes stay verbatim"
    );
    assert_eq!(labels.get("d").map(String::as_str), Some("{},="));
    assert_eq!(parsed.samples[0].value, f64::INFINITY);
    assert_eq!(parsed.samples[1].value, f64::NEG_INFINITY);
}

#[test]
fn accepts_crlf_line_ends() {
    let parsed = parse("a 1\r\nb{x=\"y\"} 2\r\n").expect("valid exposition");
    assert_eq!(parsed.samples.len(), 2);
    assert_eq!(parsed.samples[1].value, 2.0);
}

#[test]
fn reports_the_line_of_an_error() {
    let cases = [
        ("ok 1\n9bad 1\n", 2, "invalid metric name"),
        ("m{a=\"x} 1\n", 1, "unterminated value"),
        ("m{a=\"1\",a=\"2\"} 1\n", 1, "duplicate label"),
        ("m{a=\"1\" b=\"2\"} 1\n", 1, "expected ','"),
        ("m{1a=\"1\"} 1\n", 1, "invalid label name"),
        ("m{a\"1\"} 1\n", 1, "expected '='"),
        ("m\n", 1, "has no value"),
        ("m abc\n", 1, "invalid value"),
        ("m 1 12.5\n", 1, "invalid timestamp"),
        ("m 1 2 3\n", 1, "unexpected"),
        ("\n\n# TYPE m summary-ish\n", 3, "invalid metric type"),
        ("# TYPE m\n", 1, "without a type"),
    ];
    for (text, line, message) in cases {
        let err = parse(text).expect_err(text);
        assert_eq!(err.line, line, "{text:?}");
        assert!(err.message.contains(message), "{text:?}: {}", err.message);
        assert!(err.to_string().starts_with(&format!("exposition line {line}: ")));
    }
}
