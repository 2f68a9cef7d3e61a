//! Custom resources as on a real cluster: Argo's CRDs installed through the API register rollouts &
//! co. (discovery, scale and status subresources, printer columns in Tables, 415 for strategic merge
//! patches), the bundled provider CRDs install with one call, and discovery/OpenAPI follow.

mod common;

use common::{install_argo_crds, raw, sandbox};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::Api;
use kube::api::{ApiResource, DeleteParams, DynamicObject, GroupVersionKind, Patch, PatchParams, PostParams};
use kube::discovery::{Discovery, Scope};
use serde_json::json;

fn rollout_api(sb: &rollouts_sandbox::Sandbox) -> Api<DynamicObject> {
    let ar = ApiResource::from_gvk_with_plural(
        &GroupVersionKind::gvk("argoproj.io", "v1alpha1", "Rollout"),
        "rollouts",
    );
    Api::namespaced_with(sb.client(), "default", &ar)
}

fn rollout(name: &str) -> DynamicObject {
    serde_json::from_value(json!({
        "apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "metadata": {"name": name},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": name}},
                 "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}},
                 "strategy": {"canary": {"steps": [{"setWeight": 20}, {"pause": {}}]}}}
    }))
    .expect("rollout")
}

#[tokio::test]
async fn argo_crds_install_through_the_api_and_become_established() {
    let sb = sandbox().await;
    let crds: Api<CustomResourceDefinition> = Api::all(sb.client());
    let dir = rollouts_testkit::argo_dir().join("crds");
    for path in rollouts_testkit::files_with_ext(&dir, &[".yaml"]) {
        let crd: CustomResourceDefinition =
            serde_yaml_ng::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        crds.create(&PostParams::default(), &crd)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
    let ro = crds.get("rollouts.argoproj.io").await.unwrap();
    let conds = ro.status.and_then(|s| s.conditions).unwrap_or_default();
    for t in ["NamesAccepted", "Established"] {
        assert!(
            conds.iter().any(|c| c.type_ == t && c.status == "True"),
            "{t} missing"
        );
    }
    let discovery = Discovery::new(sb.client()).run().await.unwrap();
    let (ar, caps) = discovery
        .resolve_gvk(&GroupVersionKind::gvk("argoproj.io", "v1alpha1", "Rollout"))
        .expect("rollouts discovered");
    assert_eq!(ar.plural, "rollouts");
    assert_eq!(caps.scope, Scope::Namespaced);
    let subs: Vec<String> = caps.subresources.iter().map(|(a, _)| a.plural.clone()).collect();
    assert!(
        subs.iter().any(|s| s.ends_with("scale")) && subs.iter().any(|s| s.ends_with("status")),
        "{subs:?}"
    );
    let (cat, _) = discovery
        .resolve_gvk(&GroupVersionKind::gvk(
            "argoproj.io",
            "v1alpha1",
            "ClusterAnalysisTemplate",
        ))
        .unwrap();
    assert_eq!(cat.plural, "clusteranalysistemplates");
}

#[tokio::test]
async fn rollout_scale_status_and_generation_follow_the_crd() {
    let sb = sandbox().await;
    install_argo_crds(&sb);
    let api = rollout_api(&sb);
    let created = api
        .create(&PostParams::default(), &rollout("demo"))
        .await
        .unwrap();
    assert_eq!(created.metadata.generation, Some(1));
    let st = api
        .patch_status(
            "demo",
            &PatchParams::default(),
            &Patch::Merge(json!({"status": {"HPAReplicas": 2, "selector": "app=demo", "phase": "Healthy"}})),
        )
        .await
        .unwrap();
    assert_eq!(st.metadata.generation, Some(1));
    let ignored = api
        .patch(
            "demo",
            &PatchParams::default(),
            &Patch::Merge(json!({"status": {"phase": "Degraded"}})),
        )
        .await
        .unwrap();
    assert_eq!(
        ignored.data["status"]["phase"], "Healthy",
        "status is a subresource"
    );
    let (s, scale, _) = raw(
        &sb.client(),
        "GET",
        "/apis/argoproj.io/v1alpha1/namespaces/default/rollouts/demo/scale",
        &[],
        None,
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(scale["spec"]["replicas"], 2);
    assert_eq!(scale["status"], json!({"replicas": 2, "selector": "app=demo"}));
    let (s, _, _) = raw(
        &sb.client(),
        "PATCH",
        "/apis/argoproj.io/v1alpha1/namespaces/default/rollouts/demo/scale",
        &[("content-type", "application/merge-patch+json")],
        Some(r#"{"spec":{"replicas":5}}"#),
    )
    .await;
    assert_eq!(s, 200);
    let after = api.get("demo").await.unwrap();
    assert_eq!(after.data["spec"]["replicas"], 5);
    assert_eq!(after.metadata.generation, Some(2));
}

#[tokio::test]
async fn strategic_merge_patch_of_a_custom_resource_is_415() {
    let sb = sandbox().await;
    install_argo_crds(&sb);
    rollout_api(&sb)
        .create(&PostParams::default(), &rollout("smp"))
        .await
        .unwrap();
    let (s, body, _) = raw(
        &sb.client(),
        "PATCH",
        "/apis/argoproj.io/v1alpha1/namespaces/default/rollouts/smp?fieldManager=kubectl-patch",
        &[("content-type", "application/strategic-merge-patch+json")],
        Some(r#"{"spec":{"paused":true}}"#),
    )
    .await;
    assert_eq!(s, 415);
    assert_eq!(body["reason"], "UnsupportedMediaType");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("application/merge-patch+json")
    );
}

#[tokio::test]
async fn tables_use_the_crd_printer_columns() {
    let sb = sandbox().await;
    install_argo_crds(&sb);
    let api = rollout_api(&sb);
    api.create(&PostParams::default(), &rollout("cols"))
        .await
        .unwrap();
    api.patch_status(
        "cols",
        &PatchParams::default(),
        &Patch::Merge(json!({"status": {"replicas": 2, "updatedReplicas": 2, "availableReplicas": 1}})),
    )
    .await
    .unwrap();
    let accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
    let (s, t, _) = raw(
        &sb.client(),
        "GET",
        "/apis/argoproj.io/v1alpha1/namespaces/default/rollouts?limit=500",
        &[("accept", accept)],
        None,
    )
    .await;
    assert_eq!(s, 200);
    let cols: Vec<&str> = t["columnDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        cols,
        ["Name", "Desired", "Current", "Up-to-date", "Available", "Age"]
    );
    let cells = &t["rows"][0]["cells"];
    assert_eq!(
        (
            cells[0].as_str(),
            cells[1].as_i64(),
            cells[2].as_i64(),
            cells[4].as_i64()
        ),
        (Some("cols"), Some(2), Some(2), Some(1))
    );
    assert_eq!(t["rows"][0]["object"]["kind"], "PartialObjectMetadata");
}

#[tokio::test]
async fn deleting_a_crd_removes_its_resources_and_discovery() {
    let sb = sandbox().await;
    install_argo_crds(&sb);
    rollout_api(&sb)
        .create(&PostParams::default(), &rollout("gone"))
        .await
        .unwrap();
    let crds: Api<CustomResourceDefinition> = Api::all(sb.client());
    crds.delete("rollouts.argoproj.io", &DeleteParams::default())
        .await
        .unwrap();
    let (s, _, _) = raw(
        &sb.client(),
        "GET",
        "/apis/argoproj.io/v1alpha1/namespaces/default/rollouts/gone",
        &[],
        None,
    )
    .await;
    assert_eq!(s, 404);
    let (_, list, _) = raw(&sb.client(), "GET", "/apis/argoproj.io/v1alpha1", &[], None).await;
    let names: Vec<&str> = list["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert!(
        !names.contains(&"rollouts") && names.contains(&"analysisruns"),
        "{names:?}"
    );
}

#[tokio::test]
async fn bundled_provider_crds_install_with_one_call() {
    let sb = sandbox().await;
    let installed = sb.install_bundled_crds().unwrap();
    assert_eq!(installed.len(), 5);
    let ar = ApiResource::from_gvk_with_plural(
        &GroupVersionKind::gvk("networking.istio.io", "v1alpha3", "VirtualService"),
        "virtualservices",
    );
    let vs: Api<DynamicObject> = Api::namespaced_with(sb.client(), "default", &ar);
    let obj: DynamicObject = serde_json::from_value(json!({"apiVersion": "networking.istio.io/v1alpha3", "kind": "VirtualService", "metadata": {"name": "vs"}, "spec": {"http": [{"route": [{"destination": {"host": "stable"}, "weight": 100}]}]}})).unwrap();
    vs.create(&PostParams::default(), &obj).await.unwrap();
    let v1: Api<DynamicObject> = Api::namespaced_with(
        sb.client(),
        "default",
        &ApiResource::from_gvk_with_plural(
            &GroupVersionKind::gvk("networking.istio.io", "v1", "VirtualService"),
            "virtualservices",
        ),
    );
    let same = v1.get("vs").await.unwrap();
    assert_eq!(
        same.types.unwrap().api_version,
        "networking.istio.io/v1",
        "served in every version"
    );
    for (g, v) in [
        ("split.smi-spec.io", "v1alpha1"),
        ("gateway.networking.k8s.io", "v1"),
        ("traefik.io", "v1alpha1"),
    ] {
        let (s, _, _) = raw(&sb.client(), "GET", &format!("/apis/{g}/{v}"), &[], None).await;
        assert_eq!(s, 200, "{g}/{v}");
    }
    assert_eq!(
        sb.install_bundled_crds().unwrap().len(),
        5,
        "installing twice is idempotent"
    );
    assert!(installed.iter().all(|c| c["kind"] == "CustomResourceDefinition"));
}

#[tokio::test]
async fn discovery_and_openapi_cover_builtins_and_crds() {
    let sb = sandbox().await;
    install_argo_crds(&sb);
    let c = sb.client();
    let agg = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";
    let (s, apis, ct) = raw(&c, "GET", "/apis", &[("accept", agg)], None).await;
    assert_eq!(s, 200);
    assert_eq!(
        ct,
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
    );
    let argo = apis["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["metadata"]["name"] == "argoproj.io")
        .expect("argoproj.io group");
    let ro = argo["versions"][0]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["resource"] == "rollouts")
        .unwrap();
    assert_eq!(ro["shortNames"], json!(["ro"]));
    let (_, core, _) = raw(&c, "GET", "/api", &[("accept", agg)], None).await;
    let pods = core["items"][0]["versions"][0]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["resource"] == "pods")
        .unwrap();
    assert_eq!(pods["subresources"][0]["subresource"], "status");
    let (_, legacy, _) = raw(&c, "GET", "/api", &[], None).await;
    assert_eq!(legacy["kind"], "APIVersions");
    let (_, index, _) = raw(&c, "GET", "/openapi/v3", &[], None).await;
    let url = index["paths"]["apis/argoproj.io/v1alpha1"]["serverRelativeURL"]
        .as_str()
        .expect("argo GV in the index");
    let (s, doc, _) = raw(&c, "GET", url, &[], None).await;
    assert_eq!(s, 200);
    let patch = &doc["paths"]["/apis/argoproj.io/v1alpha1/namespaces/{namespace}/rollouts/{name}"]["patch"];
    assert_eq!(patch["x-kubernetes-group-version-kind"]["kind"], "Rollout");
    assert!(
        patch["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "fieldValidation")
    );
    let (s, _, _) = raw(&c, "GET", "/openapi/v2", &[], None).await;
    assert_eq!(s, 404);
    let (s, v, _) = raw(&c, "GET", "/version", &[], None).await;
    assert_eq!((s, v["major"].as_str()), (200, Some("1")));
}
