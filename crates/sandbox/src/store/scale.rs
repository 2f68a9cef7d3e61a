//! The `/scale` subresource: an `autoscaling/v1 Scale` view of an object, read from and written to the
//! paths of the type's scale definition (`.spec.replicas`, `.status.replicas`, the label selector), as
//! for Deployments, ReplicaSets and CRDs with `subresources.scale` (Argo's Rollout).

use serde_json::{Value, json};

use super::{PatchBody, Store, Subresource, WriteOptions, apply_plain};
use crate::error::ApiError;
use crate::meta;
use crate::registry::{Gvr, ResourceInfo, ScalePaths};

fn scale_paths(info: &ResourceInfo, version: &str) -> Result<ScalePaths, ApiError> {
    info.version(version)
        .and_then(|v| v.scale.clone())
        .ok_or_else(ApiError::no_such_resource)
}

fn to_scale(obj: &Value, paths: &ScalePaths) -> Value {
    let m = meta::metadata(obj).cloned().unwrap_or_default();
    let mut md = serde_json::Map::new();
    for f in ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"] {
        if let Some(v) = m.get(f) {
            md.insert(f.into(), v.clone());
        }
    }
    let spec = meta::path_get(obj, &paths.spec_replicas)
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let mut status =
        json!({"replicas": meta::path_get(obj, &paths.status_replicas).and_then(Value::as_i64).unwrap_or(0)});
    if let Some(sel) = paths
        .label_selector
        .as_deref()
        .and_then(|p| meta::path_get(obj, p))
    {
        status["selector"] = json!(meta::selector_string(sel));
    }
    json!({"kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": md, "spec": {"replicas": spec}, "status": status})
}

impl Store {
    fn scale_info(&self, gvr: &Gvr) -> Result<ScalePaths, ApiError> {
        let info = self.resource_info(gvr).ok_or_else(ApiError::no_such_resource)?;
        scale_paths(&info, &gvr.version)
    }

    /// GET `/scale`.
    pub fn get_scale(&self, gvr: &Gvr, namespace: Option<&str>, name: &str) -> Result<Value, ApiError> {
        let paths = self.scale_info(gvr)?;
        Ok(to_scale(&self.get(gvr, namespace, name)?, &paths))
    }

    /// PUT `/scale`: writes `spec.replicas` of the Scale to the object (409 if its resourceVersion is stale).
    pub fn update_scale(
        &self,
        gvr: &Gvr,
        namespace: Option<&str>,
        name: &str,
        scale: Value,
        opts: &WriteOptions,
    ) -> Result<Value, ApiError> {
        let paths = self.scale_info(gvr)?;
        let replicas = scale
            .pointer("/spec/replicas")
            .and_then(Value::as_i64)
            .ok_or_else(|| {
                ApiError::invalid(
                    "autoscaling",
                    "Scale",
                    name,
                    "spec.replicas",
                    "Required value: must be an integer",
                )
            })?;
        if replicas < 0 {
            return Err(ApiError::invalid(
                "autoscaling",
                "Scale",
                name,
                "spec.replicas",
                "Invalid value: must be greater than or equal to 0",
            ));
        }
        let rv = meta::resource_version(&scale).map(str::to_string);
        let updated = self.write_existing(gvr, namespace, name, Subresource::Main, opts, |old, _| {
            let mut new = old.clone();
            meta::path_set(&mut new, &paths.spec_replicas, json!(replicas));
            if let Some(rv) = rv {
                meta::metadata_mut(&mut new).insert("resourceVersion".into(), json!(rv));
            }
            Ok(new)
        })?;
        Ok(to_scale(&updated, &paths))
    }

    /// PATCH `/scale`: the patch applies to the Scale object, then as [`Store::update_scale`].
    pub fn patch_scale(
        &self,
        gvr: &Gvr,
        namespace: Option<&str>,
        name: &str,
        patch: &PatchBody,
        opts: &WriteOptions,
    ) -> Result<Value, ApiError> {
        let current = self.get_scale(gvr, namespace, name)?;
        // A Scale is a built-in kind: a strategic merge patch of it is a merge patch.
        let mut patched = apply_plain(&current, patch)?;
        // A resourceVersion only in the current Scale is not a precondition.
        if meta::resource_version(&patched) == meta::resource_version(&current) {
            meta::metadata_mut(&mut patched).remove("resourceVersion");
        }
        self.update_scale(gvr, namespace, name, patched, opts)
    }
}
