//! Request paths and query strings: which endpoint a URL addresses (discovery, OpenAPI, health, or a
//! resource collection/item/subresource) and the query parameters, tolerating kube-rs's `?&` quirk.

use std::collections::HashMap;

use crate::registry::Gvr;

/// A resource request: `/api/v1/...` or `/apis/{group}/{version}/...`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ResourcePath {
    pub gvr: Gvr,
    pub namespace: Option<String>,
    pub name: Option<String>,
    pub subresource: Option<String>,
}

/// What a path addresses.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Route {
    Version,
    Health,
    Api,
    Apis,
    ApiGroup(String),
    GroupVersion(String, String),
    OpenApiV3,
    OpenApiV3Doc(String, String),
    Resource(ResourcePath),
    NotFound,
}

fn resource_route(group: &str, version: &str, segs: &[&str]) -> Route {
    let gvr = |r: &str| Gvr::new(group, version, r);
    let rp = |r: &str, ns: Option<&str>, name: Option<&str>, sub: Option<&str>| {
        Route::Resource(ResourcePath {
            gvr: gvr(r),
            namespace: ns.map(str::to_string),
            name: name.map(str::to_string),
            subresource: sub.map(str::to_string),
        })
    };
    let ns_sub = |s: &str| matches!(s, "status" | "finalize");
    match segs {
        [] => Route::GroupVersion(group.to_string(), version.to_string()),
        ["namespaces", ns, sub] if group.is_empty() && ns_sub(sub) => {
            rp("namespaces", None, Some(ns), Some(sub))
        }
        ["namespaces", ns, res] => rp(res, Some(ns), None, None),
        ["namespaces", ns, res, name] => rp(res, Some(ns), Some(name), None),
        ["namespaces", ns, res, name, sub] => rp(res, Some(ns), Some(name), Some(sub)),
        [res] => rp(res, None, None, None),
        [res, name] => rp(res, None, Some(name), None),
        [res, name, sub] => rp(res, None, Some(name), Some(sub)),
        _ => Route::NotFound,
    }
}

/// Routes a path.
pub(crate) fn route(path: &str) -> Route {
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match segs.as_slice() {
        ["version"] => Route::Version,
        ["healthz" | "livez" | "readyz", ..] => Route::Health,
        ["api"] => Route::Api,
        ["apis"] => Route::Apis,
        ["api", "v1", rest @ ..] => resource_route("", "v1", rest),
        ["apis", group] => Route::ApiGroup(group.to_string()),
        ["apis", group, version, rest @ ..] => resource_route(group, version, rest),
        ["openapi", "v3"] => Route::OpenApiV3,
        ["openapi", "v3", "api", "v1"] => Route::OpenApiV3Doc(String::new(), "v1".into()),
        ["openapi", "v3", "apis", group, version] => {
            Route::OpenApiV3Doc(group.to_string(), version.to_string())
        }
        _ => Route::NotFound,
    }
}

/// Parsed query parameters (empty pairs such as kube-rs's leading `&` are skipped).
#[derive(Debug, Clone, Default)]
pub(crate) struct Query {
    params: HashMap<String, String>,
}

impl Query {
    pub fn parse(query: Option<&str>) -> Self {
        let params = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .filter(|(k, _)| !k.is_empty())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        Query { params }
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.params.get(key).map(String::as_str).filter(|v| !v.is_empty())
    }

    pub fn flag(&self, key: &str) -> bool {
        matches!(self.get(key), Some("true" | "1"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_namespaced_items_and_subresources() {
        let r = route("/apis/apps/v1/namespaces/default/deployments/web/scale");
        let Route::Resource(rp) = r else {
            panic!("not a resource: {r:?}")
        };
        assert_eq!(rp.gvr, Gvr::new("apps", "v1", "deployments"));
        assert_eq!(rp.namespace.as_deref(), Some("default"));
        assert_eq!(rp.name.as_deref(), Some("web"));
        assert_eq!(rp.subresource.as_deref(), Some("scale"));
    }

    #[test]
    fn routes_namespace_objects_and_their_status() {
        let Route::Resource(rp) = route("/api/v1/namespaces/foo") else {
            panic!()
        };
        assert_eq!(
            (rp.gvr.resource.as_str(), rp.name.as_deref(), rp.namespace),
            ("namespaces", Some("foo"), None)
        );
        let Route::Resource(rp) = route("/api/v1/namespaces/foo/status") else {
            panic!()
        };
        assert_eq!(rp.subresource.as_deref(), Some("status"));
        let Route::Resource(rp) = route("/api/v1/namespaces/foo/pods") else {
            panic!()
        };
        assert_eq!(
            (rp.gvr.resource.as_str(), rp.namespace.as_deref(), rp.name),
            ("pods", Some("foo"), None)
        );
    }

    #[test]
    fn query_tolerates_leading_ampersand() {
        let q = Query::parse(Some("&labelSelector=app%3Dprobe&watch=true"));
        assert_eq!(q.get("labelSelector"), Some("app=probe"));
        assert!(q.flag("watch"));
    }
}
