//! The HTTP API (axum 0.8 on hyper): one handler routes every request (discovery, `/version`, health,
//! OpenAPI v3, resources), applies injected faults, records the request, and answers with real `Status`
//! bodies on failure. Plain HTTP on loopback; kube-rs and kubectl both accept it.

mod negotiate;
mod path;
mod resource;
mod watch;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, Response, header};
use tokio_util::sync::CancellationToken;

use crate::discovery;
use crate::error::ApiError;
use crate::faults::{Faults, RequestLog, RequestRecord};
use crate::openapi;
use crate::store::Store;
use negotiate::{Output, error_response, json_response, json_response_typed};
use path::{Query, Route};

/// Settings of the HTTP layer.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// How often a watch with `allowWatchBookmarks=true` gets a BOOKMARK.
    pub bookmark_interval: Duration,
    /// Watch duration when the client sends no `timeoutSeconds`.
    pub default_watch_timeout: Duration,
    /// Largest accepted request body.
    pub max_body_bytes: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            bookmark_interval: Duration::from_secs(5),
            default_watch_timeout: Duration::from_secs(1800),
            max_body_bytes: 32 * 1024 * 1024,
        }
    }
}

/// Shared state of the handlers.
pub(crate) struct App {
    pub store: Store,
    pub faults: Faults,
    pub log: RequestLog,
    pub config: ServerConfig,
    pub shutdown: CancellationToken,
    pub server_address: String,
}

/// The router serving the whole API.
pub(crate) fn router(app: Arc<App>) -> Router {
    Router::new().fallback(handle).with_state(app)
}

fn header_str(req: &Request, name: header::HeaderName) -> Option<String> {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

async fn handle(State(app): State<Arc<App>>, req: Request) -> Response<Body> {
    let method = req.method().clone();
    let uri = req.uri().clone();
    let accept = header_str(&req, header::ACCEPT);
    let content_type = header_str(&req, header::CONTENT_TYPE);
    let query = Query::parse(uri.query());
    let route = path::route(uri.path());
    let mut rec = RequestRecord {
        method: method.to_string(),
        path: uri.path().to_string(),
        query: uri.query().unwrap_or_default().to_string(),
        verb: String::new(),
        group: String::new(),
        resource: String::new(),
        subresource: None,
        namespace: None,
        name: None,
        status: 200,
        content_type: content_type.clone(),
        accept: accept.clone(),
    };
    let output = negotiate::negotiate(accept.as_deref());
    let resp = match route {
        Route::Resource(rp) => {
            let verb = resource::verb(&method, &rp, &query);
            rec.verb = verb.to_string();
            rec.group = rp.gvr.group.clone();
            rec.resource = rp.gvr.resource.clone();
            rec.subresource = rp.subresource.clone();
            rec.namespace = rp.namespace.clone();
            rec.name = rp.name.clone();
            let (delay, fault) = app.faults.check(
                verb,
                &rp.gvr.group,
                &rp.gvr.resource,
                rp.name.as_deref().unwrap_or_default(),
            );
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            match fault {
                Some(err) => error_response(&err),
                None => {
                    let body = match axum::body::to_bytes(req.into_body(), app.config.max_body_bytes).await {
                        Ok(b) => b,
                        Err(e) => {
                            let resp =
                                error_response(&ApiError::bad_request(format!("reading the body: {e}")));
                            rec.status = resp.status().as_u16();
                            app.log.record(rec);
                            return resp;
                        }
                    };
                    let ctx = resource::Ctx {
                        app: &app,
                        rp: &rp,
                        query: &query,
                        output,
                        content_type: content_type.as_deref(),
                    };
                    resource::handle(ctx, verb, &body).await
                }
            }
        }
        other if method != Method::GET => {
            let _ = other;
            error_response(&ApiError::method_not_allowed())
        }
        Route::Version => json_response(200, &discovery::version()),
        Route::Health => {
            let mut r = Response::new(Body::from("ok"));
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                header::HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            r
        }
        Route::Api => {
            if output == Output::Discovery {
                let reg = app.store.registry();
                json_response_typed(
                    200,
                    &discovery::aggregated(&reg, true),
                    discovery::AGGREGATED_CONTENT_TYPE,
                )
            } else {
                json_response(200, &discovery::api_versions(&app.server_address))
            }
        }
        Route::Apis => {
            let reg = app.store.registry();
            if output == Output::Discovery {
                json_response_typed(
                    200,
                    &discovery::aggregated(&reg, false),
                    discovery::AGGREGATED_CONTENT_TYPE,
                )
            } else {
                json_response(200, &discovery::group_list(&reg))
            }
        }
        Route::ApiGroup(g) => match discovery::group(&app.store.registry(), &g) {
            Some(doc) => json_response(200, &doc),
            None => error_response(&ApiError::no_such_resource()),
        },
        Route::GroupVersion(g, v) => match discovery::resource_list(&app.store.registry(), &g, &v) {
            Some(doc) => json_response(200, &doc),
            None => error_response(&ApiError::no_such_resource()),
        },
        Route::OpenApiV3 => json_response(200, &openapi::index(&app.store.registry())),
        Route::OpenApiV3Doc(g, v) => match openapi::document(&app.store.registry(), &g, &v) {
            Some(doc) => json_response(200, &doc),
            None => error_response(&ApiError::no_such_resource()),
        },
        Route::NotFound => error_response(&ApiError::no_such_resource()),
    };
    rec.status = resp.status().as_u16();
    tracing::debug!(method = %rec.method, path = %rec.path, query = %rec.query, status = rec.status, "request");
    app.log.record(rec);
    resp
}
