//! Table tests of the strategic merge patch. The cases in `testdata/smp/` were written for this crate, modelled on
//! the cases of k8s.io/apimachinery's strategicpatch tests but expressed with the fields of real kinds; their
//! expected results and error messages are what the real strategicpatch code answers (checked by running it).
//! `kubectl.json` holds the exact patches kubectl 1.37.1 sent for `apply` (client-side), `edit`, `set image`,
//! `rollout restart` and `patch`, applied to a live Deployment with a server-injected sidecar.

use pretty_assertions::assert_eq;
use serde_json::{Value, json};

use super::{SmpError, strategic_merge_patch, supports_strategic_merge_patch};

const CASES: &str = include_str!("../../testdata/smp/cases.json");
const KUBECTL: &str = include_str!("../../testdata/smp/kubectl.json");

fn run_table(table: &str) -> usize {
    let cases: Vec<Value> = serde_json::from_str(table).expect("test table is JSON");
    for case in &cases {
        let name = case["name"].as_str().expect("case name");
        let got = strategic_merge_patch(
            &case["original"],
            &case["patch"],
            case["group"].as_str().expect("group"),
            case["kind"].as_str().expect("kind"),
        );
        match (&case.get("expected"), &case.get("error")) {
            (Some(expected), None) => match got {
                Ok(v) => assert_eq!(&v, *expected, "case: {name}"),
                Err(e) => panic!("case: {name}: unexpected error {e}"),
            },
            (None, Some(message)) => match got {
                Ok(v) => panic!("case: {name}: expected error {message}, got {v}"),
                Err(e) => assert_eq!(
                    e.to_string(),
                    message.as_str().unwrap_or_default(),
                    "case: {name}"
                ),
            },
            _ => panic!("case: {name}: needs `expected` or `error`"),
        }
    }
    cases.len()
}

#[test]
fn smp_table_cases() {
    assert!(run_table(CASES) >= 80);
}

#[test]
fn smp_kubectl_patches() {
    assert_eq!(run_table(KUBECTL), 5);
}

fn containers(v: &Value) -> Vec<(String, String)> {
    v["spec"]["template"]["spec"]["containers"]
        .as_array()
        .expect("containers")
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap_or_default().to_owned(),
                c["image"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn live() -> Value {
    let cases: Vec<Value> = serde_json::from_str(KUBECTL).expect("kubectl table");
    cases[0]["original"].clone()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

#[test]
fn smp_kubectl_set_image_changes_one_container_and_keeps_the_order() {
    let patch = json!({"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"web"},{"name":"proxy"},{"name":"log"}],"containers":[{"image":"nginx:1.29","name":"web"}]}}}});
    let out = strategic_merge_patch(&live(), &patch, "apps", "Deployment").expect("patch");
    assert_eq!(
        containers(&out),
        pairs(&[("web", "nginx:1.29"), ("proxy", "envoy:1"), ("log", "busybox")])
    );
    // Everything else of the container is kept.
    assert_eq!(
        out["spec"]["template"]["spec"]["containers"][0]["env"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
}

#[test]
fn smp_kubectl_apply_three_way_patch() {
    let cases: Vec<Value> = serde_json::from_str(KUBECTL).expect("kubectl table");
    let apply = cases
        .iter()
        .find(|c| c["name"].as_str().is_some_and(|n| n.starts_with("kubectl apply")))
        .expect("apply case");
    let out =
        strategic_merge_patch(&apply["original"], &apply["patch"], "apps", "Deployment").expect("patch");
    // `log` is deleted, `app` added, the injected `proxy` sidecar kept; Go places `app` in `log`'s freed slot.
    assert_eq!(
        containers(&out),
        pairs(&[("web", "nginx:1.27"), ("proxy", "envoy:1"), ("app", "busybox:2")])
    );
    let web = &out["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(
        web["env"],
        json!([{"name":"A","value":"1"},{"name":"C","value":"3"}])
    );
    assert_eq!(
        web["ports"],
        json!([{"containerPort":80,"protocol":"TCP"},{"containerPort":443}])
    );
    // `$retainKeys` dropped rollingUpdate; the label removed with a null is gone; the directives are gone.
    assert_eq!(out["spec"]["strategy"], json!({"type": "Recreate"}));
    assert_eq!(out["metadata"]["labels"], json!({"app": "web"}));
    assert!(!out.to_string().contains("$setElementOrder"));
}

#[test]
fn smp_rollout_restart_adds_an_annotation() {
    let patch = json!({"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2026-11-22T04:05:04Z"}}}}});
    let out = strategic_merge_patch(&live(), &patch, "apps", "Deployment").expect("patch");
    assert_eq!(
        out["spec"]["template"]["metadata"],
        json!({"labels": {"app": "web"}, "annotations": {"kubectl.kubernetes.io/restartedAt": "2026-11-22T04:05:04Z"}})
    );
}

#[test]
fn smp_custom_resources_are_refused_with_415() {
    let err = strategic_merge_patch(
        &json!({}),
        &json!({"spec": {"paused": true}}),
        "argoproj.io",
        "Rollout",
    )
    .expect_err("CRs have no SMP");
    assert_eq!(err.http_status(), 415);
    assert_eq!(err.status_reason(), "UnsupportedMediaType");
    assert!(err.to_string().contains("application/merge-patch+json"));
    assert!(!supports_strategic_merge_patch("argoproj.io", "Rollout"));
    assert!(supports_strategic_merge_patch("apps", "Deployment"));
    assert!(supports_strategic_merge_patch("", "Pod"));
}

#[test]
fn smp_error_statuses_match_the_server() {
    let obj = json!({"metadata": {"name": "x"}});
    let bad_request =
        strategic_merge_patch(&obj, &json!({"metadata": {"$retainKeys": "x"}}), "", "ConfigMap")
            .expect_err("bad retainKeys");
    assert_eq!(
        (bad_request.http_status(), bad_request.status_reason()),
        (400, "BadRequest")
    );
    let not_object = strategic_merge_patch(&obj, &json!([1]), "", "ConfigMap").expect_err("array patch");
    assert_eq!(not_object, SmpError::NotAnObject { found: "array" });
    assert_eq!(
        not_object.to_string(),
        "json: cannot unmarshal array into Go value of type map[string]interface {}"
    );
    assert_eq!(not_object.http_status(), 400);
    let lists = strategic_merge_patch(
        &json!({"metadata": {"finalizers": [["a"]]}}),
        &json!({"metadata": {"finalizers": [["b"]]}}),
        "",
        "Namespace",
    )
    .expect_err("list of lists");
    assert_eq!((lists.http_status(), lists.status_reason()), (422, "Invalid"));
    let directive = strategic_merge_patch(&obj, &json!({"metadata": {"$patch": "merge"}}), "", "ConfigMap")
        .expect_err("merge directive in a map");
    assert_eq!(
        directive.to_string(),
        "unknown patch type: merge in map: map[$patch:merge]"
    );
    assert_eq!(directive.http_status(), 500);
}
