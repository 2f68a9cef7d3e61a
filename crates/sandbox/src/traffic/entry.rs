//! The loopback HTTP entrypoint of the traffic simulator: `curl -H 'Host: web.local' http://127.0.0.1:PORT/`
//! is routed like any simulated request (headers and cookies honoured), waits for the serving pod's
//! latency (sandbox time scaled to real time, capped) and answers with the pod's status code and a JSON
//! body `{"pod", "namespace", "version", "image", "service", "subset", "canary", "router", "status",
//! "latencySeconds"}` (or `{"error", "router", "status", "hosts"}` when no pod answered, `hosts` listing
//! the load targets), plus `x-sandbox-*` headers.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request as HttpRequest, State};
use axum::http::{HeaderValue, Response, header};
use serde_json::json;
use tokio_util::sync::CancellationToken;

use super::Engine;
use super::route::Request;

fn to_request(req: &HttpRequest) -> Option<Request> {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
        .or_else(|| req.uri().authority().map(|a| a.to_string()))?;
    let mut r = Request::new(&host, req.uri().path());
    r.method = req.method().to_string();
    for (name, value) in req.headers() {
        if let Ok(v) = value.to_str() {
            r = r.header(name.as_str(), v);
        }
    }
    Some(r)
}

async fn handle(State(engine): State<Arc<Engine>>, req: HttpRequest) -> Response<Body> {
    let Some(r) = to_request(&req) else {
        let mut resp = Response::new(Body::from("{\"error\":\"the request has no Host\"}"));
        *resp.status_mut() = axum::http::StatusCode::BAD_REQUEST;
        return resp;
    };
    let objs = engine.snapshot();
    let out = engine.serve(&objs, &r);
    let delay = engine
        .clock
        .to_real(out.latency)
        .min(engine.config.max_response_delay);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let body = if out.pod.is_some() {
        json!({
            "pod": out.pod, "namespace": out.namespace, "version": out.version, "image": out.image,
            "service": out.service, "subset": out.subset, "canary": out.canary, "router": out.router,
            "status": out.status, "latencySeconds": out.latency.as_secs_f64(),
        })
    } else {
        let c = &engine.config;
        let hosts: Vec<String> = super::load_targets(&objs, 1.0, 1.0, &c.default_namespace)
            .into_iter()
            .map(|t| t.host)
            .collect();
        json!({"error": out.error, "router": out.router, "status": out.status, "hosts": hosts})
    };
    let mut resp = Response::new(Body::from(format!("{body}\n")));
    *resp.status_mut() =
        axum::http::StatusCode::from_u16(out.status).unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
    let headers = resp.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    let mut put = |name: &'static str, value: Option<&str>| {
        if let Some(v) = value.and_then(|v| HeaderValue::from_str(v).ok()) {
            headers.insert(name, v);
        }
    };
    put("x-sandbox-pod", out.pod.as_deref());
    put("x-sandbox-version", out.version.as_deref());
    put("x-sandbox-service", out.service.as_deref());
    put(
        "x-sandbox-router",
        Some(out.router.as_str()).filter(|s| !s.is_empty()),
    );
    resp
}

/// Serves the entrypoint on `listener` until `cancel`.
pub(crate) fn serve(listener: tokio::net::TcpListener, engine: Arc<Engine>, cancel: CancellationToken) {
    let app = Router::new().fallback(handle).with_state(engine);
    tokio::spawn(async move {
        let serve =
            axum::serve(listener, app).with_graceful_shutdown(async move { cancel.cancelled().await });
        if let Err(e) = serve.await {
            tracing::error!(error = %e, "traffic entrypoint failed");
        }
    });
}
