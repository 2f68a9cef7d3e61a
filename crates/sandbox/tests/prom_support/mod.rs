//! Support for the differential PromQL test: the synthetic `/metrics` page, a server on a random
//! loopback port, the real Prometheus as a child process, an HTTP client, and the comparison of
//! two Prometheus API responses.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// The synthetic page.

/// Pods: name, pod-template hash.
const PODS: [(&str, &str); 3] = [
    ("web-stable-aaa", "6d4f8b7c9"),
    ("web-stable-bbb", "6d4f8b7c9"),
    ("web-canary-ccc", "5c7d9e8f1"),
];
const STATUSES: [&str; 4] = ["200", "404", "500", "503"];
const LE: [&str; 12] = [
    "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf",
];
/// A representative observed value per bucket (the last one is above 10 s).
const REPRESENTATIVE: [f64; 12] = [0.003, 0.008, 0.02, 0.04, 0.08, 0.2, 0.4, 0.8, 2.0, 4.0, 8.0, 15.0];

/// The first scrape a pod's counters count from (pod `aaa` restarts at scrape 12), or `None`
/// while the pod does not exist (the canary starts at 6; `bbb` is gone after 15).
fn counting_from(pod: usize, n: u64) -> Option<u64> {
    match pod {
        0 if n >= 12 => Some(12),
        0 => Some(1),
        1 if n <= 15 => Some(1),
        2 if n >= 6 => Some(6),
        _ => None,
    }
}

fn request_increment(pod: usize, status: &str, k: u64) -> f64 {
    let canary = pod == 2;
    let v = match status {
        "200" => 20 + (k * 7) % 5,
        "404" => u64::from(k.is_multiple_of(3)) * 2,
        "500" if canary => 3 + k % 2,
        "500" => u64::from(k.is_multiple_of(4)),
        _ => u64::from(k.is_multiple_of(5)),
    };
    v as f64
}

/// Observations per bucket (not cumulative) made during scrape `k`.
fn observations(pod: usize, status: &str, k: u64) -> [u64; 12] {
    match (status, pod) {
        ("200", 2) => [0, 0, 1, 2, 3, 3 + k % 2, 2, 1, 1, 0, 0, 0],
        ("200", _) => [1, 2, 3, 3 + k % 3, 2, 1, 1, 0, 0, 0, 0, 0],
        _ => [0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1, k % 2],
    }
}

fn sum_over(from: u64, n: u64, f: impl Fn(u64) -> f64) -> f64 {
    (from..=n).map(f).sum()
}

/// The `/metrics` page served at the `n`-th request (1-based).
pub fn exposition(n: u64) -> String {
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(
        w,
        "# HELP scrape_seq Which request this page answers.\n# TYPE scrape_seq counter"
    );
    let _ = writeln!(w, "scrape_seq {n}");

    let _ = writeln!(
        w,
        "# HELP http_requests_total Requests.\n# TYPE http_requests_total counter"
    );
    for (pod, (name, hash)) in PODS.iter().enumerate() {
        let Some(from) = counting_from(pod, n) else {
            continue;
        };
        for status in STATUSES {
            let v = sum_over(from, n, |k| request_increment(pod, status, k));
            let _ = writeln!(
                w,
                "http_requests_total{{app=\"web\",service=\"web\",pod=\"{name}\",rollouts_pod_template_hash=\"{hash}\",status=\"{status}\"}} {v}"
            );
        }
    }

    let _ = writeln!(
        w,
        "# HELP http_request_duration_seconds Latency.\n# TYPE http_request_duration_seconds histogram"
    );
    for (pod, (name, hash)) in PODS.iter().enumerate() {
        let Some(from) = counting_from(pod, n) else {
            continue;
        };
        for status in ["200", "500"] {
            let labels = format!(
                "app=\"web\",service=\"web\",pod=\"{name}\",rollouts_pod_template_hash=\"{hash}\",status=\"{status}\""
            );
            let mut cumulative = 0.0;
            for (i, le) in LE.iter().enumerate() {
                cumulative += sum_over(from, n, |k| observations(pod, status, k)[i] as f64);
                let _ = writeln!(
                    w,
                    "http_request_duration_seconds_bucket{{{labels},le=\"{le}\"}} {cumulative}"
                );
            }
            let sum: f64 = sum_over(from, n, |k| {
                observations(pod, status, k)
                    .iter()
                    .zip(REPRESENTATIVE)
                    .map(|(c, r)| *c as f64 * r)
                    .sum()
            });
            let _ = writeln!(w, "http_request_duration_seconds_sum{{{labels}}} {sum}");
            let _ = writeln!(w, "http_request_duration_seconds_count{{{labels}}} {cumulative}");
        }
    }

    let _ = writeln!(w, "# TYPE istio_requests_total counter");
    let services = ["web", "web-canary", "other"];
    for (i, svc) in services.iter().enumerate() {
        for reporter in ["source", "destination"] {
            for code in ["200", "503"] {
                // The `other` source counter resets at scrape 18.
                let from = if i == 2 && reporter == "source" && n >= 18 {
                    18
                } else {
                    1
                };
                let v = sum_over(from, n, |k| {
                    let base = match code {
                        "200" => 10 * (i as u64 + 1) + k % 3,
                        _ if i == 1 => 2,
                        _ => k % 2,
                    };
                    (base + u64::from(reporter == "destination") * (k % 2)) as f64
                });
                let _ = writeln!(
                    w,
                    "istio_requests_total{{destination_service=\"{svc}.default.svc.cluster.local\",response_code=\"{code}\",reporter=\"{reporter}\"}} {v}"
                );
            }
        }
    }

    let _ = writeln!(w, "# TYPE nginx_ingress_controller_requests counter");
    for (ingress, canary, status, per_scrape) in [
        ("web", "", "200", 15u64),
        ("web", "", "404", 1),
        ("web", "", "502", 0),
        ("web", "web-canary", "200", 5),
        ("web", "web-canary", "502", 1),
        ("api", "", "200", 3),
    ] {
        let v = sum_over(1, n, |k| {
            (per_scrape + u64::from(status == "502" && k.is_multiple_of(4))) as f64
        });
        let _ = writeln!(
            w,
            "nginx_ingress_controller_requests{{ingress=\"{ingress}\",canary=\"{canary}\",status=\"{status}\"}} {v}"
        );
    }

    let _ = writeln!(w, "# TYPE sandbox_queue_depth gauge");
    for (pod, (name, _)) in PODS.iter().enumerate() {
        if counting_from(pod, n).is_some() {
            let _ = writeln!(
                w,
                "sandbox_queue_depth{{pod=\"{name}\"}} {}",
                (n * 13 + pod as u64) % 7
            );
        }
    }
    let _ = writeln!(w, "# TYPE sandbox_gauge gauge");
    for (kind, value) in [
        ("nan", "NaN"),
        ("inf", "+Inf"),
        ("neg_inf", "-Inf"),
        ("tiny", "1e-09"),
        ("huge", "1.5e+22"),
    ] {
        let _ = writeln!(w, "sandbox_gauge{{kind=\"{kind}\"}} {value}");
    }
    let _ = writeln!(w, "# TYPE sandbox_info gauge");
    let _ = writeln!(
        w,
        "sandbox_info{{note=\"a \\\"quoted\\\" \\\\ value\\nline2\",version=\"1.0\"}} 1"
    );
    out
}

/// A router serving the page, recording every body it serves (index = sequence number − 1).
pub fn metrics_router(served: Arc<Mutex<Vec<String>>>) -> Router {
    Router::new().route(
        "/metrics",
        get(move || {
            let served = Arc::clone(&served);
            async move {
                let mut served = served.lock().expect("served bodies");
                let body = exposition(served.len() as u64 + 1);
                served.push(body.clone());
                (
                    [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
                    body,
                )
                    .into_response()
            }
        }),
    )
}

// ---------------------------------------------------------------------------------------------
// Servers and processes.

/// A server on a random loopback port, stopped when dropped.
pub struct Server {
    port: u16,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    pub fn port(&self) -> u16 {
        self.port
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub async fn serve(router: Router) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let port = listener.local_addr().expect("local address").port();
    let task = tokio::spawn(async move {
        axum::serve(listener, router).await.expect("serve");
    });
    Server { port, task }
}

/// The real Prometheus, killed when dropped.
pub struct PrometheusProcess {
    child: Child,
    pub port: u16,
    pub version: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for PrometheusProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn prometheus_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("PROMETHEUS").filter(|p| !p.is_empty()) {
        return PathBuf::from(path);
    }
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join("prometheus"))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!(
                "the real Prometheus is required: set PROMETHEUS or put `prometheus` on PATH \
                 (scripts/install-test-tools.sh installs Debian's package)"
            )
        })
}

impl PrometheusProcess {
    /// Starts Prometheus scraping `127.0.0.1:<target_port>/metrics` every second and waits until
    /// it is ready.
    pub async fn start(target_port: u16) -> Self {
        let binary = prometheus_binary();
        let version_output = Command::new(&binary)
            .arg("--version")
            .output()
            .unwrap_or_else(|e| panic!("running {} --version: {e}", binary.display()));
        let text = String::from_utf8_lossy(&version_output.stdout).into_owned()
            + &String::from_utf8_lossy(&version_output.stderr);
        let version = text
            .split("version ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("no version in {text:?}"))
            .to_owned();

        let dir = tempfile::tempdir().expect("temp dir");
        let config = dir.path().join("prometheus.yml");
        // Prometheus attaches job and instance labels; drop them so both sides hold the same series.
        std::fs::write(
            &config,
            format!(
                "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1m\n\
                 scrape_configs:\n  - job_name: sandbox\n    static_configs:\n      - targets: ['127.0.0.1:{target_port}']\n\
                 \x20   metric_relabel_configs:\n      - action: labeldrop\n        regex: job|instance\n"
            ),
        )
        .expect("write config");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let log = dir.path().join("prometheus.log");
        let log_file = std::fs::File::create(&log).expect("log file");
        let child = Command::new(&binary)
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--log.level=warn")
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().expect("log file"))
            .stderr(log_file)
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", binary.display()));
        let mut process = PrometheusProcess {
            child,
            port,
            version,
            log,
            _dir: dir,
        };
        let http = Http::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(Some(status)) = process.child.try_wait() {
                panic!("prometheus exited with {status}: {}", process.log_text());
            }
            if http
                .get(port, "/-/ready")
                .await
                .is_some_and(|(status, _)| status == 200)
            {
                return process;
            }
            assert!(
                Instant::now() < deadline,
                "prometheus not ready after 30 s: {}",
                process.log_text()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Polls until Prometheus holds at least `count` scrapes; returns (timestamp ms, sequence
    /// number) of every scrape, oldest first.
    pub async fn wait_for_scrapes(&self, http: &Http, count: u64, timeout: Duration) -> Vec<(i64, u64)> {
        let deadline = Instant::now() + timeout;
        loop {
            let response = http
                .get_json(self.port, "/api/v1/query", &[("query", "scrape_seq[5m]")])
                .await;
            let scrapes: Vec<(i64, u64)> = response.json["data"]["result"][0]["values"]
                .as_array()
                .map(|values| {
                    values
                        .iter()
                        .filter_map(|p| {
                            let t = p[0].as_f64()?;
                            let seq = p[1].as_str()?.parse::<u64>().ok()?;
                            Some(((t * 1000.0).round() as i64, seq))
                        })
                        .collect()
                })
                .unwrap_or_default();
            if scrapes.len() as u64 >= count {
                return scrapes;
            }
            assert!(
                Instant::now() < deadline,
                "prometheus has {} of {count} scrapes after {timeout:?}: {}",
                scrapes.len(),
                self.log_text()
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// HTTP.

/// A response of a Prometheus API.
pub struct Response {
    pub status: u16,
    pub json: Value,
    pub raw: String,
}

pub struct Http {
    client: Client<HttpConnector, Empty<Bytes>>,
}

impl Http {
    pub fn new() -> Self {
        Http {
            client: Client::builder(TokioExecutor::new()).build_http(),
        }
    }

    /// GET `http://127.0.0.1:<port><path>`: status and body, or `None` when not reachable.
    pub async fn get(&self, port: u16, path_and_query: &str) -> Option<(u16, String)> {
        let uri = format!("http://127.0.0.1:{port}{path_and_query}").parse().ok()?;
        let response = self.client.get(uri).await.ok()?;
        let status = response.status().as_u16();
        let body = response.into_body().collect().await.ok()?.to_bytes();
        Some((status, String::from_utf8_lossy(&body).into_owned()))
    }

    /// GET an API path with URL-encoded parameters and parse the JSON answer.
    pub async fn get_json(&self, port: u16, path: &str, params: &[(&str, &str)]) -> Response {
        let query = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params)
            .finish();
        let (status, raw) = self
            .get(port, &format!("{path}?{query}"))
            .await
            .unwrap_or_else(|| panic!("no answer from port {port} for {path}?{query}"));
        let json = serde_json::from_str(&raw).unwrap_or_else(|e| panic!("{path}: {e}: {raw}"));
        Response { status, json, raw }
    }
}

// ---------------------------------------------------------------------------------------------
// Comparison.

fn parse_value(v: &Value) -> Result<f64, String> {
    let s = v.as_str().ok_or_else(|| format!("value {v} is not a string"))?;
    match s {
        "NaN" => Ok(f64::NAN),
        "+Inf" => Ok(f64::INFINITY),
        "-Inf" => Ok(f64::NEG_INFINITY),
        _ => s.parse::<f64>().map_err(|e| format!("value {s:?}: {e}")),
    }
}

/// The relative difference of two values (0 when equal, both NaN or the same infinity).
fn relative_difference(a: f64, b: f64) -> f64 {
    if (a.is_nan() && b.is_nan()) || a == b {
        return 0.0;
    }
    if a.is_nan() || b.is_nan() || a.is_infinite() || b.is_infinite() {
        return f64::INFINITY;
    }
    (a - b).abs() / a.abs().max(b.abs())
}

/// (timestamp, value) points of a sample (`value`) or series (`values`).
fn points(element: &Value) -> Result<Vec<(f64, f64)>, String> {
    let list: Vec<&Value> = if let Some(values) = element["values"].as_array() {
        values.iter().collect()
    } else {
        vec![&element["value"]]
    };
    list.into_iter()
        .map(|p| {
            let t = p[0].as_f64().ok_or_else(|| format!("timestamp in {p}"))?;
            Ok((t, parse_value(&p[1])?))
        })
        .collect()
}

/// Compares two API responses: same status, result type, label sets and timestamps, values
/// within `tolerance` (relative). Returns the number of series and the largest difference.
pub fn compare(real: &Response, ours: &Response, tolerance: f64) -> Result<(usize, f64), String> {
    if real.status != ours.status || real.json["status"] != ours.json["status"] {
        return Err(format!("status {} vs {}", real.status, ours.status));
    }
    if real.json["status"] != "success" {
        if real.json["errorType"] != ours.json["errorType"] {
            return Err(format!(
                "errorType {} vs {}",
                real.json["errorType"], ours.json["errorType"]
            ));
        }
        return Ok((0, 0.0));
    }
    let (rd, od) = (&real.json["data"], &ours.json["data"]);
    if rd["resultType"] != od["resultType"] {
        return Err(format!("resultType {} vs {}", rd["resultType"], od["resultType"]));
    }
    let keyed = |data: &Value| -> Result<BTreeMap<String, Vec<(f64, f64)>>, String> {
        match data["resultType"].as_str() {
            Some("scalar") | Some("string") => {
                let r = &data["result"];
                let v = if data["resultType"] == "string" {
                    f64::NAN
                } else {
                    parse_value(&r[1])?
                };
                Ok(BTreeMap::from([(
                    String::new(),
                    vec![(r[0].as_f64().unwrap_or(f64::NAN), v)],
                )]))
            }
            _ => {
                let mut out = BTreeMap::new();
                for element in data["result"].as_array().ok_or("result is not a list")? {
                    out.insert(element["metric"].to_string(), points(element)?);
                }
                Ok(out)
            }
        }
    };
    let (real_series, our_series) = (keyed(rd)?, keyed(od)?);
    let real_keys: Vec<&String> = real_series.keys().collect();
    let our_keys: Vec<&String> = our_series.keys().collect();
    if real_keys != our_keys {
        return Err(format!("series differ: {real_keys:?} vs {our_keys:?}"));
    }
    let mut worst = 0.0_f64;
    for (key, real_points) in &real_series {
        let our_points = &our_series[key];
        if real_points.len() != our_points.len() {
            return Err(format!(
                "{key}: {} points vs {}",
                real_points.len(),
                our_points.len()
            ));
        }
        for ((rt, rv), (ot, ov)) in real_points.iter().zip(our_points) {
            if rt != ot {
                return Err(format!("{key}: timestamp {rt} vs {ot}"));
            }
            let diff = relative_difference(*rv, *ov);
            if diff > tolerance {
                return Err(format!("{key} @{rt}: {rv} vs {ov}"));
            }
            worst = worst.max(diff);
        }
    }
    Ok((real_series.len(), worst))
}
