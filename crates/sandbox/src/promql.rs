//! A small Prometheus inside the sandbox, so Argo's `prometheus` analysis provider can point at the
//! sandbox itself: an in-memory TSDB fed with the sandbox's own `/metrics` exposition
//! ([`Tsdb::ingest_exposition`], driven by a [`Scraper`]), a PromQL engine (parsed with the
//! `promql-parser` crate, evaluated with Prometheus' semantics), and the `/api/v1/query` and
//! `/api/v1/query_range` endpoints answering Prometheus' JSON ([`api::router`]).
//!
//! Evaluated: instant and range queries; selectors with `=`, `!=`, `=~`, `!~`, `offset`, `@`;
//! range selectors and subqueries; `rate`, `irate`, `increase`, `delta`, `idelta`, `changes`,
//! `resets`, the `*_over_time` family, `histogram_quantile`, `scalar`, `vector`, `time`,
//! `timestamp`, `absent`, `sort`, element-wise math, `round`, `clamp*`; `sum`, `avg`, `min`,
//! `max`, `count`, `group`, `stddev`, `stdvar`, `quantile` with `by`/`without`; arithmetic,
//! comparisons (with `bool`), `and`/`or`/`unless` with `on`/`ignoring` and
//! `group_left`/`group_right`. Anything else is refused with a `bad_data` error. Native
//! histograms do not exist here (the text format has none).
//!
//! The engine follows Prometheus 3 by default ([`Compat`]); the differential test runs it in the
//! mode of the Prometheus it compares against.
//!
//! Wiring it into a server:
//!
//! ```
//! use std::sync::{Arc, RwLock};
//! use std::time::Duration;
//!
//! use rollouts_sandbox::promql::{Engine, PromApi, Scraper, Tsdb, router};
//!
//! let tsdb = Arc::new(RwLock::new(Tsdb::default()));
//! // The sandbox renders its own /metrics text; the scraper ingests it whenever a scrape is due.
//! let mut scraper = Scraper::new(
//!     Arc::clone(&tsdb),
//!     Duration::from_secs(5),
//!     Box::new(|| Ok("# TYPE http_requests_total counter\nhttp_requests_total{status=\"200\"} 42\n".to_owned())),
//! );
//! scraper.tick(1_000_000); // from a timer, with the current time in milliseconds
//!
//! let api = PromApi::new(Arc::clone(&tsdb), Engine::default());
//! let answer = api.query(&[
//!     ("query".to_owned(), "sum(http_requests_total)".to_owned()),
//!     ("time".to_owned(), "1000".to_owned()),
//! ]);
//! assert_eq!(
//!     answer.body,
//!     r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1000,"42"]}]}}"#
//! );
//! let _routes: axum::Router = router(api); // merge next to the sandbox's other routes
//! ```

mod aggregate;
pub mod api;
mod binary;
pub mod engine;
pub mod exposition;
pub mod functions;
pub mod plan;
pub mod quantile;
pub mod scraper;
pub mod tsdb;
pub mod value;

#[cfg(test)]
mod tests;

pub use api::{PromApi, router};
pub use engine::{Compat, Engine, EngineOptions, QueryError};
pub use scraper::{ScrapeOutcome, Scraper, SharedTsdb};
pub use tsdb::{IngestReport, Tsdb, TsdbOptions};
pub use value::{Labels, Point, QueryValue, Sample, Series};
