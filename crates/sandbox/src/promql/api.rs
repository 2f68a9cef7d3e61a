//! Prometheus' query API over the sandbox's TSDB: `GET`/`POST /api/v1/query` (`query`, `time`,
//! `timeout`) and `/api/v1/query_range` (`query`, `start`, `end`, `step`, `timeout`), answering
//! the same JSON, error types and HTTP statuses as Prometheus, so Argo's `prometheus` analysis
//! provider can use the sandbox as its server. [`PromApi::query`] and [`PromApi::query_range`]
//! are plain functions of the request parameters; [`router`] mounts them on an axum `Router`.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::engine::{Engine, QueryError};
use super::scraper::SharedTsdb;
use super::value::error_json;

/// Prometheus' default `--query.timeout`.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);
/// Prometheus' limit on the points of a range query.
const MAX_POINTS: i64 = 11_000;

/// A JSON response: HTTP status and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiResponse {
    /// The HTTP status code.
    pub status: u16,
    /// The JSON body.
    pub body: String,
}

impl ApiResponse {
    fn error(e: &QueryError) -> Self {
        ApiResponse {
            status: e.http_status(),
            body: error_json(e.error_type(), &e.to_string()),
        }
    }
}

impl IntoResponse for ApiResponse {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, self.body).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        response
    }
}

/// The clock giving "now" in milliseconds, for a missing `time` parameter.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// The query API over a shared database.
#[derive(Clone)]
pub struct PromApi {
    tsdb: SharedTsdb,
    engine: Engine,
    clock: Clock,
}

impl std::fmt::Debug for PromApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PromApi")
            .field("engine", &self.engine)
            .finish_non_exhaustive()
    }
}

/// The system clock in milliseconds since the epoch.
pub fn system_now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

impl PromApi {
    /// The API over `tsdb`, evaluating with `engine`, on the system clock.
    pub fn new(tsdb: SharedTsdb, engine: Engine) -> Self {
        PromApi {
            tsdb,
            engine,
            clock: Arc::new(system_now_ms),
        }
    }

    /// Replaces the clock (for tests and simulated time).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// `/api/v1/query` with these form parameters (first value of a name wins).
    pub fn query(&self, params: &[(String, String)]) -> ApiResponse {
        self.query_inner(params)
            .unwrap_or_else(|e| ApiResponse::error(&e))
    }

    /// `/api/v1/query_range` with these form parameters (first value of a name wins).
    pub fn query_range(&self, params: &[(String, String)]) -> ApiResponse {
        self.query_range_inner(params)
            .unwrap_or_else(|e| ApiResponse::error(&e))
    }

    fn query_inner(&self, params: &[(String, String)]) -> Result<ApiResponse, QueryError> {
        let time_ms = match param(params, "time") {
            "" => (self.clock)(),
            text => parse_time(text)
                .map_err(|e| invalid("time", &format!("Invalid time value for 'time': {e}")))?,
        };
        let deadline = deadline(params)?;
        let query = param(params, "query");
        // Parse first so a syntax error names the parameter, as Prometheus' instant query does.
        self.engine.plan(query).map_err(|e| match e {
            QueryError::BadData(m) if !m.starts_with("invalid parameter") => invalid("query", &m),
            other => other,
        })?;
        let tsdb = self
            .tsdb
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let value = self.engine.instant_query(&tsdb, query, time_ms, Some(deadline))?;
        Ok(ApiResponse {
            status: 200,
            body: value.success_json(),
        })
    }

    fn query_range_inner(&self, params: &[(String, String)]) -> Result<ApiResponse, QueryError> {
        let start = parse_time(param(params, "start")).map_err(|e| invalid("start", &e))?;
        let end = parse_time(param(params, "end")).map_err(|e| invalid("end", &e))?;
        if end < start {
            return Err(invalid("end", "end timestamp must not be before start time"));
        }
        let step = parse_duration_ms(param(params, "step")).map_err(|e| invalid("step", &e))?;
        if step <= 0 {
            return Err(invalid(
                "step",
                "zero or negative query resolution step widths are not accepted. Try a positive integer",
            ));
        }
        if (end - start) / step > MAX_POINTS {
            return Err(QueryError::BadData(
                "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)".to_owned(),
            ));
        }
        let deadline = deadline(params)?;
        let query = param(params, "query");
        let tsdb = self
            .tsdb
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let value = self
            .engine
            .range_query(&tsdb, query, start, end, step, Some(deadline))?;
        Ok(ApiResponse {
            status: 200,
            body: value.success_json(),
        })
    }
}

fn invalid(name: &str, message: &str) -> QueryError {
    QueryError::BadData(format!("invalid parameter {name:?}: {message}"))
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> &'a str {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

fn deadline(params: &[(String, String)]) -> Result<Instant, QueryError> {
    let timeout = match param(params, "timeout") {
        "" => DEFAULT_TIMEOUT,
        text => {
            let ms = parse_duration_ms(text).map_err(|e| invalid("timeout", &e))?;
            Duration::from_millis(ms.max(0).unsigned_abs())
        }
    };
    Ok(Instant::now() + timeout)
}

/// Prometheus' `parseTime`: Unix seconds as a float (rounded to milliseconds) or RFC 3339.
pub fn parse_time(text: &str) -> Result<i64, String> {
    let fail = || format!("cannot parse {text:?} to a valid timestamp");
    if let Ok(seconds) = text.parse::<f64>() {
        if !seconds.is_finite() || seconds.abs() > 9.2e15 {
            return Err(fail());
        }
        let whole = seconds.trunc();
        let millis = ((seconds - whole) * 1000.0).round();
        return Ok(whole as i64 * 1000 + millis as i64);
    }
    text.parse::<jiff::Timestamp>()
        .map(|t| t.as_millisecond())
        .map_err(|_| fail())
}

/// Prometheus' `parseDuration`: seconds as a float, or a duration like `1m30s`; in milliseconds.
pub fn parse_duration_ms(text: &str) -> Result<i64, String> {
    if let Ok(seconds) = text.parse::<f64>() {
        let ms = seconds * 1000.0;
        if !ms.is_finite() || ms.abs() > 9.2e15 {
            return Err(format!(
                "cannot parse {text:?} to a valid duration. It overflows int64"
            ));
        }
        return Ok(ms.trunc() as i64);
    }
    let valid = !text.is_empty() && text.chars().all(|c| c.is_ascii_digit() || "smhdwy".contains(c));
    if valid && let Ok(d) = promql_parser::util::parse_duration(text) {
        return Ok(i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    }
    Err(format!("cannot parse {text:?} to a valid duration"))
}

/// Request parameters as Go's `FormValue` sees them: the form body's first, then the URL's.
fn form_params(query: Option<&str>, headers: &HeaderMap, body: &[u8]) -> Vec<(String, String)> {
    let mut params = Vec::new();
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if is_form {
        params.extend(form_urlencoded::parse(body).into_owned());
    }
    if let Some(query) = query {
        params.extend(form_urlencoded::parse(query.as_bytes()).into_owned());
    }
    params
}

async fn query_handler(
    State(api): State<PromApi>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResponse {
    api.query(&form_params(query.as_deref(), &headers, &body))
}

async fn query_range_handler(
    State(api): State<PromApi>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResponse {
    api.query_range(&form_params(query.as_deref(), &headers, &body))
}

/// A router serving `/api/v1/query` and `/api/v1/query_range` (GET and POST).
pub fn router(api: PromApi) -> Router {
    Router::new()
        .route("/api/v1/query", get(query_handler).post(query_handler))
        .route(
            "/api/v1/query_range",
            get(query_range_handler).post(query_range_handler),
        )
        .with_state(api)
}
