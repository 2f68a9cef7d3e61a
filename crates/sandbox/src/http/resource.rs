//! Resource endpoints: collection GET (list, or watch), POST, DELETE (deletecollection); item GET, PUT,
//! PATCH (json, merge, strategic, apply), DELETE; `/status` and `/scale` GET/PUT/PATCH. Query parameters
//! (selectors, `dryRun`, `propagationPolicy`, `gracePeriodSeconds`, ...) and DeleteOptions bodies are
//! mapped onto the store's options.

use axum::body::Body;
use axum::http::{Method, Response};
use serde_json::Value;

use super::App;
use super::negotiate::{self, Output, decode_body, error_response, json_response};
use super::path::{Query, ResourcePath};
use super::watch;
use crate::error::{ApiError, success_status};
use crate::registry::{ResourceInfo, builtins};
use crate::store::{DeleteOptions, ListOptions, PatchBody, Propagation, WriteOptions};
use crate::tables::IncludeObject;
use crate::validation::FieldValidation;

/// Everything a resource handler needs.
pub(crate) struct Ctx<'a> {
    pub app: &'a App,
    pub rp: &'a ResourcePath,
    pub query: &'a Query,
    pub output: Output,
    pub content_type: Option<&'a str>,
}

/// The Kubernetes verb of a request.
pub(crate) fn verb(method: &Method, rp: &ResourcePath, query: &Query) -> &'static str {
    let item = rp.name.is_some();
    match *method {
        Method::GET if !item && query.flag("watch") => "watch",
        Method::GET if !item => "list",
        Method::GET => "get",
        Method::POST => "create",
        Method::PUT => "update",
        Method::PATCH => "patch",
        Method::DELETE if item => "delete",
        Method::DELETE => "deletecollection",
        _ => "unknown",
    }
}

/// Handles one resource request.
pub(crate) async fn handle(ctx: Ctx<'_>, verb: &str, body: &[u8]) -> Response<Body> {
    match run(&ctx, verb, body).await {
        Ok(resp) => resp,
        Err(e) => error_response(&e),
    }
}

fn write_options(q: &Query) -> Result<WriteOptions, ApiError> {
    let dry_run = match q.get("dryRun") {
        None => false,
        Some("All") => true,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "unsupported dryRun value: {other}"
            )));
        }
    };
    Ok(WriteOptions {
        dry_run,
        field_manager: q.get("fieldManager").map(str::to_string),
        force: q.flag("force"),
        field_validation: FieldValidation::parse(q.get("fieldValidation")),
    })
}

fn propagation(s: &str) -> Result<Propagation, ApiError> {
    match s {
        "Background" => Ok(Propagation::Background),
        "Foreground" => Ok(Propagation::Foreground),
        "Orphan" => Ok(Propagation::Orphan),
        other => Err(ApiError::bad_request(format!(
            "unsupported propagationPolicy: {other}"
        ))),
    }
}

fn delete_options(q: &Query, body: &Value) -> Result<DeleteOptions, ApiError> {
    let mut opts = DeleteOptions::default();
    if let Some(p) = body
        .get("propagationPolicy")
        .and_then(Value::as_str)
        .or(q.get("propagationPolicy"))
    {
        opts.propagation = Some(propagation(p)?);
    } else if body.get("orphanDependents").and_then(Value::as_bool) == Some(true)
        || q.flag("orphanDependents")
    {
        opts.propagation = Some(Propagation::Orphan);
    }
    opts.precondition_uid = body
        .pointer("/preconditions/uid")
        .and_then(Value::as_str)
        .map(str::to_string);
    opts.precondition_resource_version = body
        .pointer("/preconditions/resourceVersion")
        .and_then(Value::as_str)
        .map(str::to_string);
    opts.grace_period_seconds = body
        .get("gracePeriodSeconds")
        .and_then(Value::as_i64)
        .or_else(|| q.get("gracePeriodSeconds").and_then(|s| s.parse().ok()));
    let body_dry = body
        .get("dryRun")
        .and_then(Value::as_array)
        .is_some_and(|a| a.iter().any(|v| v == "All"));
    opts.dry_run = body_dry || q.get("dryRun") == Some("All");
    Ok(opts)
}

fn patch_body(content_type: Option<&str>, body: &[u8]) -> Result<PatchBody, ApiError> {
    let ct = content_type
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_string();
    let value = |yaml: bool| {
        decode_body(
            Some(if yaml {
                "application/yaml"
            } else {
                "application/json"
            }),
            body,
        )
    };
    match ct.as_str() {
        "application/json-patch+json" => Ok(PatchBody::Json(value(false)?)),
        "application/merge-patch+json" => Ok(PatchBody::Merge(value(false)?)),
        "application/strategic-merge-patch+json" => Ok(PatchBody::Strategic(value(false)?)),
        "application/apply-patch+yaml" => Ok(PatchBody::Apply(value(true)?)),
        other => Err(ApiError::unsupported_media_type(format!(
            "the body of the request was in an unknown format - accepted media types include: \
             application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, \
             application/strategic-merge-patch+json (got {other:?})"
        ))),
    }
}

/// Whether DELETE answers with the deleted object (pods and custom resources) rather than a Status.
fn returns_deleted_object(info: &ResourceInfo) -> bool {
    !info.builtin
        || (info.group.is_empty() && matches!(info.resource.as_str(), "pods" | "services" | "namespaces"))
}

async fn run(ctx: &Ctx<'_>, verb: &str, body: &[u8]) -> Result<Response<Body>, ApiError> {
    let store = &ctx.app.store;
    let rp = ctx.rp;
    let gvr = &rp.gvr;
    let info = store.resource_info(gvr).ok_or_else(ApiError::no_such_resource)?;
    if !info.namespaced && rp.namespace.is_some() {
        return Err(ApiError::no_such_resource());
    }
    let ns = rp.namespace.as_deref();
    let name = rp.name.as_deref().unwrap_or_default();
    let needs_ns = info.namespaced && rp.name.is_some();
    if needs_ns && ns.is_none() {
        return Err(ApiError::no_such_resource());
    }
    let now = (store.clock())();
    let include = IncludeObject::parse(ctx.query.get("includeObject"));
    let render = |obj: Value| negotiate::render_object(ctx.output, &info, &gvr.version, obj, include, now);
    let sub = rp.subresource.as_deref();
    if let Some(s) = sub
        && !matches!(s, "status" | "scale")
        && !(s == "eviction" && info.group.is_empty() && info.resource == "pods" && verb == "create")
    {
        return Err(ApiError::no_such_resource());
    }
    if !info.verbs.iter().any(|v| v == verb) {
        return Err(ApiError::method_not_allowed());
    }
    match (verb, sub) {
        ("watch", None) => Ok(watch::serve(ctx, &info)),
        ("list", None) => {
            if let (Some("Exact"), Some(rv)) = (
                ctx.query.get("resourceVersionMatch"),
                ctx.query.get("resourceVersion"),
            ) && rv != store.resource_version().to_string()
            {
                let requested = rv.parse().unwrap_or(0);
                return Err(ApiError::expired(requested, store.resource_version()));
            }
            let opts = ListOptions {
                namespace: ns.map(str::to_string),
                label_selector: ctx.query.get("labelSelector").map(str::to_string),
                field_selector: ctx.query.get("fieldSelector").map(str::to_string),
            };
            let list = store.list(gvr, &opts)?;
            let doc = negotiate::render_list(
                ctx.output,
                &info,
                &gvr.version,
                list.items,
                list.resource_version,
                include,
                now,
            );
            Ok(json_response(200, &doc))
        }
        ("get", None | Some("status")) => Ok(json_response(200, &render(store.get(gvr, ns, name)?))),
        ("get", Some("scale")) => Ok(json_response(200, &store.get_scale(gvr, ns, name)?)),
        ("create", None) => {
            if info.namespaced && ns.is_none() {
                return Err(ApiError::no_such_resource());
            }
            let protobuf = ctx
                .content_type
                .is_some_and(|c| c.starts_with("application/vnd.kubernetes.protobuf"));
            let obj = if protobuf && builtins::is_virtual(&info.group, &info.resource) {
                // An access review needs no body to be allowed (kubectl sends it as protobuf).
                serde_json::json!({"apiVersion": gvr.api_version(), "kind": info.kind, "spec": {}})
            } else {
                decode_body(ctx.content_type, body)?
            };
            let created = store.create(gvr, ns, obj, &write_options(ctx.query)?)?;
            Ok(json_response(201, &render(created)))
        }
        ("create", Some("eviction")) => {
            // policy/v1 Eviction: no PodDisruptionBudgets are served, so every eviction is allowed and
            // deletes the pod (with the Eviction's deleteOptions).
            let eviction = decode_body(ctx.content_type, body)?;
            let opts_body = eviction
                .get("deleteOptions")
                .cloned()
                .unwrap_or_else(|| serde_json::json!({}));
            let opts = delete_options(ctx.query, &opts_body)?;
            store.delete(gvr, ns, name, &opts)?;
            let mut status = success_status("", "pods", name, None);
            status["code"] = serde_json::json!(201);
            Ok(json_response(201, &status))
        }
        ("update", s) => {
            let obj = decode_body(ctx.content_type, body)?;
            let opts = write_options(ctx.query)?;
            let out = match s {
                None => render(store.update(gvr, ns, name, obj, &opts)?),
                Some("status") => render(store.update_status(gvr, ns, name, obj, &opts)?),
                _ => store.update_scale(gvr, ns, name, obj, &opts)?,
            };
            Ok(json_response(200, &out))
        }
        ("patch", s) => {
            let patch = patch_body(ctx.content_type, body)?;
            let opts = write_options(ctx.query)?;
            let existed = matches!(patch, PatchBody::Apply(_)) && store.get(gvr, ns, name).is_ok();
            let out = match s {
                None => render(store.patch(gvr, ns, name, &patch, &opts)?),
                Some("status") => render(store.patch_status(gvr, ns, name, &patch, &opts)?),
                _ => store.patch_scale(gvr, ns, name, &patch, &opts)?,
            };
            let code = if matches!(patch, PatchBody::Apply(_)) && !existed && s.is_none() {
                201
            } else {
                200
            };
            Ok(json_response(code, &out))
        }
        ("delete", None) => {
            let body = decode_body(ctx.content_type, body)?;
            let opts = delete_options(ctx.query, &body)?;
            let out = store.delete(gvr, ns, name, &opts)?;
            if !out.removed {
                return Ok(json_response(
                    if opts.dry_run { 200 } else { 202 },
                    &render(out.object),
                ));
            }
            if returns_deleted_object(&info) && out.object.get("metadata").is_some() {
                return Ok(json_response(200, &render(out.object)));
            }
            let uid = out.object.pointer("/metadata/uid").and_then(Value::as_str);
            Ok(json_response(
                200,
                &success_status(&info.group, &info.resource, name, uid),
            ))
        }
        ("deletecollection", None) => {
            let body = decode_body(ctx.content_type, body)?;
            let opts = delete_options(ctx.query, &body)?;
            let list = ListOptions {
                namespace: ns.map(str::to_string),
                label_selector: ctx.query.get("labelSelector").map(str::to_string),
                field_selector: ctx.query.get("fieldSelector").map(str::to_string),
            };
            let deleted: Vec<Value> = store
                .delete_collection(gvr, &list, &opts)?
                .into_iter()
                .map(|o| o.object)
                .collect();
            let rv = store.resource_version();
            let doc = negotiate::render_list(Output::Json, &info, &gvr.version, deleted, rv, include, now);
            Ok(json_response(200, &doc))
        }
        _ => Err(ApiError::method_not_allowed()),
    }
}
