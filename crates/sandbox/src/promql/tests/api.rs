//! The HTTP API: parameters, exact responses, errors and the axum router.

use std::sync::{Arc, RwLock};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use pretty_assertions::assert_eq;
use tower::ServiceExt;

use super::db;
use crate::promql::api::{PromApi, parse_duration_ms, parse_time, router};
use crate::promql::engine::Engine;

fn api() -> PromApi {
    let db = db(&[
        (&[("__name__", "up"), ("job", "x")], &[(0.0, 1.0), (30.0, 0.0)]),
        (&[("__name__", "up"), ("job", "y")], &[(0.0, 1.0)]),
    ]);
    PromApi::new(Arc::new(RwLock::new(db)), Engine::default()).with_clock(Arc::new(|| 45_000))
}

fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn instant_query_answers_prometheus_json() {
    let got = api().query(&params(&[("query", "up == 1"), ("time", "10.5")]));
    assert_eq!(got.status, 200);
    assert_eq!(
        got.body,
        r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"up","job":"x"},"value":[10.500,"1"]},{"metric":{"__name__":"up","job":"y"},"value":[10.500,"1"]}]}}"#
    );
    // Without `time`, the clock's now (45 s) is used.
    let now = api().query(&params(&[("query", "sum(up)")]));
    assert_eq!(
        now.body,
        r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[45,"1"]}]}}"#
    );
    let rfc = api().query(&params(&[
        ("query", "scalar(sum(up))"),
        ("time", "1970-01-01T00:00:40Z"),
    ]));
    assert_eq!(
        rfc.body,
        r#"{"status":"success","data":{"resultType":"scalar","result":[40,"1"]}}"#
    );
}

#[test]
fn range_query_answers_a_matrix() {
    let got = api().query_range(&params(&[
        ("query", "sum(up)"),
        ("start", "0"),
        ("end", "60"),
        ("step", "30s"),
    ]));
    assert_eq!(got.status, 200);
    assert_eq!(
        got.body,
        r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[0,"2"],[30,"1"],[60,"1"]]}]}}"#
    );
}

#[test]
fn bad_parameters_are_bad_data() {
    let cases = [
        (
            api().query(&params(&[("query", "sum(")])),
            "invalid parameter \"query\": ",
        ),
        (
            api().query(&params(&[("query", "up"), ("time", "yesterday")])),
            "invalid parameter \"time\": Invalid time value for 'time': cannot parse \"yesterday\" to a valid timestamp",
        ),
        (
            api().query(&params(&[("query", "up"), ("timeout", "soon")])),
            "invalid parameter \"timeout\": cannot parse \"soon\" to a valid duration",
        ),
        (
            api().query(&params(&[("query", "predict_linear(up[5m], 1)")])),
            "invalid parameter \"query\": function \"predict_linear\" is not supported by the sandbox's PromQL engine",
        ),
        (
            api().query_range(&params(&[
                ("query", "up"),
                ("start", "10"),
                ("end", "0"),
                ("step", "1"),
            ])),
            "invalid parameter \"end\": end timestamp must not be before start time",
        ),
        (
            api().query_range(&params(&[
                ("query", "up"),
                ("start", "0"),
                ("end", "10"),
                ("step", "0"),
            ])),
            "invalid parameter \"step\": zero or negative query resolution step widths are not accepted. Try a positive integer",
        ),
        (
            api().query_range(&params(&[
                ("query", "up"),
                ("start", "0"),
                ("end", "20000"),
                ("step", "1"),
            ])),
            "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)",
        ),
        (
            api().query_range(&params(&[
                ("query", "up"),
                ("start", "x"),
                ("end", "1"),
                ("step", "1"),
            ])),
            "invalid parameter \"start\": cannot parse \"x\" to a valid timestamp",
        ),
        (
            api().query_range(&params(&[
                ("query", "up[1m]"),
                ("start", "0"),
                ("end", "1"),
                ("step", "1"),
            ])),
            "invalid expression type \"range vector\" for range query, must be Scalar or instant Vector",
        ),
    ];
    for (got, message) in cases {
        assert_eq!(got.status, 400, "{message}");
        let body: serde_json::Value = serde_json::from_str(&got.body).expect("JSON");
        assert_eq!(body["status"], "error");
        assert_eq!(body["errorType"], "bad_data");
        let error = body["error"].as_str().unwrap_or_default();
        assert!(error.starts_with(message), "{error} vs {message}");
    }
}

#[test]
fn execution_errors_are_422() {
    let got = api().query(&params(&[("query", "up / on () up")]));
    assert_eq!(got.status, 422);
    assert!(
        got.body
            .starts_with(r#"{"status":"error","errorType":"execution","error":"found duplicate series"#)
    );
}

#[test]
fn times_and_durations_parse_like_prometheus() {
    assert_eq!(parse_time("1435781451.781"), Ok(1_435_781_451_781));
    assert_eq!(parse_time("1.0004"), Ok(1_000));
    assert_eq!(parse_time("-1.5"), Ok(-1_500));
    assert_eq!(parse_time("2015-07-01T20:10:51.781Z"), Ok(1_435_781_451_781));
    assert_eq!(parse_time("2015-07-01T22:10:51+02:00"), Ok(1_435_781_451_000));
    assert!(parse_time("NaN").is_err());
    assert!(parse_time("").is_err());
    assert_eq!(parse_duration_ms("15"), Ok(15_000));
    assert_eq!(parse_duration_ms("0.5"), Ok(500));
    assert_eq!(parse_duration_ms("1m30s"), Ok(90_000));
    assert_eq!(parse_duration_ms("250ms"), Ok(250));
    assert_eq!(parse_duration_ms("-2"), Ok(-2_000));
    assert!(parse_duration_ms("-1m").is_err());
    assert!(parse_duration_ms("1e400").is_err());
}

async fn send(request: Request<Body>) -> (StatusCode, String, String) {
    let response = router(api()).oneshot(request).await.expect("router answers");
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = response.into_body().collect().await.expect("body").to_bytes();
    (status, content_type, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn router_serves_get_and_form_post() {
    let get = Request::get("/api/v1/query?query=count(up)&time=5")
        .body(Body::empty())
        .expect("request");
    let (status, content_type, body) = send(get).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "application/json");
    assert_eq!(
        body,
        r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[5,"2"]}]}}"#
    );

    let post = Request::post("/api/v1/query_range")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("query=up%7Bjob%3D%22x%22%7D&start=0&end=30&step=30"))
        .expect("request");
    let (status, _, body) = send(post).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"up","job":"x"},"values":[[0,"1"],[30,"0"]]}]}}"#
    );

    let bad = Request::get("/api/v1/query?query=rate(up)")
        .body(Body::empty())
        .expect("request");
    let (status, content_type, body) = send(bad).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(content_type, "application/json");
    assert!(body.contains(r#""errorType":"bad_data""#), "{body}");
}
