//! Differential test of the sandbox's PromQL engine against the real Prometheus.
//!
//! A tiny HTTP server serves a deterministic, changing `/metrics` page (the sandbox's label sets:
//! request counters with resets and a pod that goes away, latency histograms, Istio and NGINX
//! counters, NaN/Inf gauges, escaped label values) and remembers every body it served. The real
//! `prometheus` (from `$PROMETHEUS` or `PATH`; the test FAILS without it) scrapes it every second.
//! Once it has enough samples, the test reads back the timestamp of every scrape from Prometheus
//! itself (the `scrape_seq` counter says which body each scrape got), replays exactly those bodies
//! at exactly those timestamps into the sandbox's TSDB, serves the sandbox's query API, and runs
//! queries typical of Argo analysis templates against both at the same evaluation times,
//! requiring the same series and values within 1%.

mod prom_support;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use prom_support::{Http, PrometheusProcess, Response, compare, exposition, serve};
use rollouts_sandbox::promql::{Compat, Engine, EngineOptions, PromApi, Tsdb, router};

/// Scrapes to collect before querying (one per second).
const SCRAPES: u64 = 22;

/// Instant queries, each evaluated at several times.
const INSTANT_QUERIES: &[&str] = &[
    r#"sum(rate(http_requests_total{status!~"5.."}[1m])) / sum(rate(http_requests_total[1m]))"#,
    r#"sum(rate(http_requests_total{status!~"5.."}[10s])) / sum(rate(http_requests_total[10s]))"#,
    "histogram_quantile(0.95, sum(rate(http_request_duration_seconds_bucket[1m])) by (le))",
    "histogram_quantile(0.5, sum by (le, pod) (rate(http_request_duration_seconds_bucket[30s])))",
    "histogram_quantile(0.99, rate(http_request_duration_seconds_bucket[15s]))",
    r#"sum(irate(istio_requests_total{reporter="source",destination_service=~"web.*",response_code!~"5.*"}[1m]))"#,
    r#"sum(rate(istio_requests_total{reporter="destination",response_code=~"5.*"}[20s])) / sum(rate(istio_requests_total{reporter="destination"}[20s]))"#,
    r#"increase(http_requests_total{pod="web-stable-aaa"}[1m])"#,
    "increase(http_requests_total[10s])",
    "rate(http_requests_total[1m])",
    "max by (pod) (rate(http_requests_total[20s]))",
    "min without (status) (irate(http_requests_total[5s]))",
    "avg by (rollouts_pod_template_hash) (rate(http_requests_total[30s]))",
    "count by (rollouts_pod_template_hash) (http_requests_total)",
    r#"http_requests_total{pod="web-stable-bbb"}"#,
    r#"sum by (pod) (rate(http_requests_total{status=~"5.."}[30s])) / sum by (pod) (rate(http_requests_total[30s])) > 0.05"#,
    r#"sum by (pod) (rate(http_requests_total{status=~"5.."}[30s])) / sum by (pod) (rate(http_requests_total[30s])) > bool 0.05"#,
    "sum(rate(http_requests_total[1m])) >= 15",
    "2 * sum by (pod) (increase(http_requests_total[15s])) - 1",
    "scalar(sum(rate(http_requests_total[1m])))",
    "scalar(sum(rate(http_requests_total[1m]))) < bool 10",
    "vector(1) * 3",
    "rate(http_request_duration_seconds_sum[30s]) / rate(http_request_duration_seconds_count[30s])",
    r#"sum by (pod, status) (rate(http_requests_total[1m])) / on (pod) group_left sum by (pod) (rate(http_requests_total[1m]))"#,
    r#"http_requests_total{status="200"} and on (pod) http_requests_total{status="503"} > 0"#,
    r#"http_requests_total{status="404"} or on (pod) http_requests_total{status="503"}"#,
    r#"http_requests_total{status="200"} unless on (pod) http_requests_total{pod=~".*canary.*"}"#,
    r#"sum by (canary) (rate(nginx_ingress_controller_requests{ingress="web",status!~"[4-5].*"}[1m]))"#,
    "sum(nginx_ingress_controller_requests) without (status)",
    "clamp_max(sum(rate(http_requests_total[1m])), 40)",
    "abs(-sum by (pod) (rate(http_requests_total[30s])))",
    "min(http_requests_total offset 5s)",
    "avg_over_time(sandbox_queue_depth[10s])",
    "max_over_time(sandbox_queue_depth[30s]) - min_over_time(sandbox_queue_depth[30s])",
    "max_over_time(rate(http_requests_total[10s])[20s:5s])",
    "quantile(0.9, rate(http_requests_total[30s]))",
    "stddev(rate(http_requests_total[30s]))",
    "resets(http_requests_total[1m])",
    "changes(sandbox_queue_depth[1m])",
    "sandbox_gauge",
    "sandbox_gauge * 2",
    "sandbox_info",
    r#"http_requests_total{pod="web-stable-aaa",status="200"}[30s]"#,
    // Errors must be errors of the same type on both sides.
    "http_requests_total / on (app) http_requests_total",
    r#"rate({__name__=~"http_request_duration_seconds_(sum|count)"}[1m])"#,
    r#"{__name__=~"http_request_duration_seconds_(sum|count)"} * 0"#,
    "rate(http_requests_total)",
];

/// Range queries, over the last 20 s with a step that is not a multiple of the scrape interval.
const RANGE_QUERIES: &[&str] = &[
    r#"sum(rate(http_requests_total{status!~"5.."}[1m])) / sum(rate(http_requests_total[1m]))"#,
    "histogram_quantile(0.95, sum(rate(http_request_duration_seconds_bucket[30s])) by (le))",
    r#"sum(irate(istio_requests_total{reporter="source",destination_service=~"web.*",response_code!~"5.*"}[1m]))"#,
    "count by (rollouts_pod_template_hash) (http_requests_total)",
    "max by (pod) (rate(http_requests_total[10s]))",
    "scalar(sum(rate(http_requests_total[1m])))",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_promql_matches_real_prometheus() {
    let served: Arc<Mutex<Vec<String>>> = Arc::new(Mutex::new(Vec::new()));
    let metrics = serve(prom_support::metrics_router(Arc::clone(&served))).await;
    let prometheus = PrometheusProcess::start(metrics.port()).await;
    let compat = Compat::from_version(&prometheus.version);
    let http = Http::new();

    // Wait (condition with timeout) until Prometheus has scraped enough times.
    let scrapes = prometheus
        .wait_for_scrapes(&http, SCRAPES, Duration::from_secs(45))
        .await;
    let (t_last, _) = *scrapes.last().expect("at least one scrape");

    // Replay exactly what Prometheus scraped, at the timestamps it recorded.
    let mut tsdb = Tsdb::default();
    {
        let bodies = served.lock().expect("served bodies");
        for (i, (t, seq)) in scrapes.iter().enumerate() {
            assert_eq!(
                *seq,
                i as u64 + 1,
                "Prometheus missed a scrape; scrapes: {scrapes:?}"
            );
            let body = &bodies[(*seq - 1) as usize];
            tsdb.ingest_exposition(body, *t)
                .expect("served exposition parses");
        }
    }
    let api = PromApi::new(
        Arc::new(RwLock::new(tsdb)),
        Engine::new(EngineOptions {
            compat,
            ..EngineOptions::default()
        }),
    );
    let sandbox = serve(router(api)).await;

    // Evaluation times: exactly on the last scrape (range boundaries fall on samples), between two
    // scrapes, and before the stable pod `bbb` went away.
    let times = [t_last, t_last - 500, t_last - 7_300];
    let mut report: Vec<(String, usize, f64)> = Vec::new();
    let mut failures: Vec<String> = Vec::new();
    for query in INSTANT_QUERIES {
        for t in times {
            let time = format!("{}.{:03}", t / 1000, t % 1000);
            let params = [("query", *query), ("time", time.as_str())];
            let real = http.get_json(prometheus.port, "/api/v1/query", &params).await;
            let ours = http.get_json(sandbox.port(), "/api/v1/query", &params).await;
            record(
                &mut report,
                &mut failures,
                &format!("{query} @{time}"),
                &real,
                &ours,
            );
        }
    }
    let (start, end) = (t_last - 20_000, t_last);
    let (start, end) = (
        format!("{}.{:03}", start / 1000, start % 1000),
        format!("{}.{:03}", end / 1000, end % 1000),
    );
    for query in RANGE_QUERIES {
        let params = [
            ("query", *query),
            ("start", start.as_str()),
            ("end", end.as_str()),
            ("step", "1.5"),
        ];
        let real = http
            .get_json(prometheus.port, "/api/v1/query_range", &params)
            .await;
        let ours = http
            .get_json(sandbox.port(), "/api/v1/query_range", &params)
            .await;
        record(
            &mut report,
            &mut failures,
            &format!("range {query}"),
            &real,
            &ours,
        );
    }

    println!(
        "Prometheus {} ({compat:?}); {} scrapes",
        prometheus.version,
        scrapes.len()
    );
    println!("{:>10}  {:>6}  query", "max rel Δ", "series");
    for (name, series, diff) in &report {
        println!("{diff:>10.3e}  {series:>6}  {name}");
    }
    assert!(
        failures.is_empty(),
        "{} of {} comparisons differ:\n{}",
        failures.len(),
        report.len() + failures.len(),
        failures.join("\n")
    );
    // The comparisons are not vacuous: most queries return data.
    let non_empty = report.iter().filter(|(_, n, _)| *n > 0).count();
    assert!(
        non_empty * 10 >= report.len() * 8,
        "too many empty results: {report:?}"
    );
}

fn record(
    report: &mut Vec<(String, usize, f64)>,
    failures: &mut Vec<String>,
    name: &str,
    real: &Response,
    ours: &Response,
) {
    match compare(real, ours, 0.01) {
        Ok((series, diff)) => {
            let name = match real.json["errorType"].as_str() {
                Some(kind) => format!("{name} (both answer errorType {kind}, HTTP {})", real.status),
                None => name.to_owned(),
            };
            report.push((name, series, diff));
        }
        Err(why) => failures.push(format!(
            "{name}: {why}\n  prometheus: {}\n  sandbox:    {}",
            real.raw, ours.raw
        )),
    }
}

/// Kept so the label sets of the synthetic page are visible next to the queries.
#[test]
fn the_synthetic_page_changes_deterministically() {
    let first = exposition(1);
    assert_eq!(first, exposition(1), "same sequence number, same page");
    assert_ne!(first, exposition(2));
    let mut db = Tsdb::default();
    let mut series_counts = BTreeMap::new();
    for n in 1..=SCRAPES {
        let report = db
            .ingest_exposition(&exposition(n), n as i64 * 1000)
            .expect("the page parses");
        series_counts.insert(n, report.appended);
    }
    assert!(exposition(5).contains("rollouts_pod_template_hash"));
    assert!(
        !exposition(5).contains("web-canary-ccc"),
        "the canary starts at 6"
    );
    assert!(exposition(6).contains("web-canary-ccc"));
    assert!(exposition(15).contains("web-stable-bbb"));
    assert!(
        !exposition(16).contains("web-stable-bbb"),
        "bbb goes away after 15"
    );
    assert!(series_counts[&6] > series_counts[&5]);
    assert!(series_counts[&16] < series_counts[&15]);
}
