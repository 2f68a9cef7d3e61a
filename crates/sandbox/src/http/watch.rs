//! Watch responses: `200`, chunked, one JSON event per line (`{"type":"ADDED|MODIFIED|DELETED|BOOKMARK|
//! ERROR","object":...}`). A 410 is sent as an in-stream ERROR event (never as the HTTP status: kube-rs
//! would retry the same resourceVersion forever). Periodic BOOKMARKs when `allowWatchBookmarks` is set,
//! the `k8s.io/initial-events-end` BOOKMARK for `sendInitialEvents`, and the stream closes at
//! `timeoutSeconds`, on server shutdown, or when fault injection drops it.

use std::convert::Infallible;
use std::time::Duration;

use axum::body::Body;
use axum::http::Response;
use bytes::Bytes;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::negotiate::{self, Output, error_response};
use super::resource::Ctx;
use crate::registry::{ResourceInfo, api_version};
use crate::store::{WatchEvent, WatchOptions};
use crate::tables::IncludeObject;

fn bookmark(info: &ResourceInfo, version: &str, output: Output, rv: &str, initial_end: bool) -> Value {
    let (kind, av) = match output {
        Output::Metadata => ("PartialObjectMetadata".to_string(), "meta.k8s.io/v1".to_string()),
        _ => (info.kind.clone(), api_version(&info.group, version)),
    };
    let mut md = json!({"resourceVersion": rv});
    if initial_end {
        md["annotations"] = json!({"k8s.io/initial-events-end": "true"});
    }
    json!({"kind": kind, "apiVersion": av, "metadata": md})
}

/// Serves a watch request.
pub(crate) fn serve(ctx: &Ctx<'_>, info: &ResourceInfo) -> Response<Body> {
    let q = ctx.query;
    let opts = WatchOptions {
        namespace: ctx.rp.namespace.clone(),
        label_selector: q.get("labelSelector").map(str::to_string),
        field_selector: q.get("fieldSelector").map(str::to_string),
        resource_version: q.get("resourceVersion").map(str::to_string),
        send_initial_events: q.flag("sendInitialEvents"),
    };
    let mut watch = match ctx.app.store.watch(&ctx.rp.gvr, &opts) {
        Ok(w) => w,
        Err(e) => return error_response(&e),
    };
    let timeout = q
        .get("timeoutSeconds")
        .and_then(|s| s.parse::<u64>().ok())
        .map(Duration::from_secs)
        .unwrap_or(ctx.app.config.default_watch_timeout);
    let bookmarks = q.flag("allowWatchBookmarks");
    let interval = ctx.app.config.bookmark_interval;
    let shutdown = ctx.app.shutdown.clone();
    let output = ctx.output;
    let include = IncludeObject::parse(q.get("includeObject"));
    let info = info.clone();
    let version = ctx.rp.gvr.version.clone();
    let clock = ctx.app.store.clock();
    let (tx, mut rx) = mpsc::channel::<Bytes>(64);
    tokio::spawn(async move {
        let deadline = tokio::time::sleep(timeout);
        tokio::pin!(deadline);
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
        loop {
            let line = tokio::select! {
                biased;
                _ = shutdown.cancelled() => break,
                _ = &mut deadline => break,
                _ = tx.closed() => break,
                ev = watch.next() => match ev {
                    None => break,
                    Some(ev) => {
                        let render = |o| negotiate::render_object(output, &info, &version, o, include, clock());
                        match ev {
                            WatchEvent::Added(o) => json!({"type": "ADDED", "object": render(o)}),
                            WatchEvent::Modified(o) => json!({"type": "MODIFIED", "object": render(o)}),
                            WatchEvent::Deleted(o) => json!({"type": "DELETED", "object": render(o)}),
                            WatchEvent::Bookmark { resource_version, initial_events_end } => json!({
                                "type": "BOOKMARK",
                                "object": bookmark(&info, &version, output, &resource_version, initial_events_end),
                            }),
                            WatchEvent::Error(e) => json!({"type": "ERROR", "object": e.to_status()}),
                        }
                    }
                },
                _ = tick.tick(), if bookmarks => match watch.bookmark_rv() {
                    Some(rv) => json!({"type": "BOOKMARK", "object": bookmark(&info, &version, output, &rv, false)}),
                    None => continue,
                },
            };
            let mut bytes = line.to_string().into_bytes();
            bytes.push(b'\n');
            if tx.send(Bytes::from(bytes)).await.is_err() {
                break;
            }
        }
    });
    let stream = futures::stream::poll_fn(move |cx| rx.poll_recv(cx).map(|o| o.map(Ok::<_, Infallible>)));
    let mut resp = Response::new(Body::from_stream(stream));
    resp.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/json"),
    );
    resp
}
