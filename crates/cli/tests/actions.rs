//! `pause`, `abort`, `retry rollout`, `promote`, `restart` run as the built binary against the sandbox: the
//! exact requests (method, path, merge-patch content type) and the resulting object, plus Argo's output.

mod common;

use common::*;
use serde_json::json;

const MERGE: &str = "application/merge-patch+json";

#[tokio::test(flavor = "multi_thread")]
async fn pause_sends_a_spec_merge_patch() {
    let sb = sandbox().await;
    create_rollout(&sb, CANARY).await;
    let from = sb.requests().records().len();
    let r = run(&sb, &["pause", "guestbook"]).await;
    assert_eq!(r.code, Some(0), "{r:?}");
    assert_eq!(r.stdout, "rollout 'guestbook' paused\n");
    let writes = writes_since(&sb, from);
    assert_eq!(
        writes.iter().map(summary).collect::<Vec<_>>(),
        [("PATCH".into(), format!("{RO_PATH}/guestbook"), MERGE.into())]
    );
    assert!(get_rollout(&sb, "guestbook").await.spec.paused);
}

#[tokio::test(flavor = "multi_thread")]
async fn abort_and_retry_patch_the_status_subresource() {
    let sb = sandbox().await;
    create_rollout(&sb, CANARY).await;
    let from = sb.requests().records().len();
    let r = run(&sb, &["abort", "guestbook"]).await;
    assert_eq!(r.code, Some(0), "{r:?}");
    assert_eq!(r.stdout, "rollout 'guestbook' aborted\n");
    let writes = writes_since(&sb, from);
    assert_eq!(
        writes.iter().map(summary).collect::<Vec<_>>(),
        [(
            "PATCH".into(),
            format!("{RO_PATH}/guestbook/status"),
            MERGE.into()
        )]
    );
    assert!(get_rollout(&sb, "guestbook").await.status.unwrap().abort);

    let from = sb.requests().records().len();
    let r = run(&sb, &["retry", "rollout", "guestbook"]).await;
    assert_eq!(r.code, Some(0), "{r:?}");
    assert_eq!(r.stdout, "rollout 'guestbook' retried\n");
    let writes = writes_since(&sb, from);
    assert_eq!(writes.len(), 1);
    assert_eq!(writes[0].subresource.as_deref(), Some("status"));
    assert!(!get_rollout(&sb, "guestbook").await.status.unwrap().abort);
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_rollout_is_argos_error_and_exit_1() {
    let sb = sandbox().await;
    let r = run(&sb, &["pause", "nope"]).await;
    assert_eq!(r.code, Some(1), "{r:?}");
    assert_eq!(r.stderr, "Error: rollouts.argoproj.io \"nope\" not found\n");
    let r = run(&sb, &["abort", "nope"]).await;
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(r.stderr.contains("not found"), "{r:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn promote_unpauses_and_advances_the_step() {
    let sb = sandbox().await;
    create_rollout(&sb, CANARY).await;
    run(&sb, &["pause", "guestbook"]).await;
    set_status(&sb, "guestbook", json!({"currentStepIndex": 1})).await;
    let from = sb.requests().records().len();
    let r = run(&sb, &["promote", "guestbook"]).await;
    assert_eq!(r.code, Some(0), "{r:?}");
    assert_eq!(r.stdout, "rollout 'guestbook' promoted\n");
    let writes = writes_since(&sb, from);
    assert_eq!(
        writes.iter().map(summary).collect::<Vec<_>>(),
        [
            (
                "PATCH".into(),
                format!("{RO_PATH}/guestbook/status"),
                MERGE.into()
            ),
            ("PATCH".into(), format!("{RO_PATH}/guestbook"), MERGE.into()),
        ]
    );
    let ro = get_rollout(&sb, "guestbook").await;
    assert!(!ro.spec.paused);
    assert_eq!(ro.status.unwrap().current_step_index, Some(2));
}

#[tokio::test(flavor = "multi_thread")]
async fn promote_full_sets_promote_full_and_deprecated_flags_conflict() {
    let sb = sandbox().await;
    create_rollout(&sb, CANARY).await;
    set_status(
        &sb,
        "guestbook",
        json!({"currentPodHash": "abc", "stableRS": "def"}),
    )
    .await;
    let from = sb.requests().records().len();
    let r = run(&sb, &["promote", "guestbook", "--full"]).await;
    assert_eq!(r.code, Some(0), "{r:?}");
    assert_eq!(r.stdout, "rollout 'guestbook' fully promoted\n");
    let writes = writes_since(&sb, from);
    assert_eq!(
        writes.iter().map(summary).collect::<Vec<_>>(),
        [(
            "PATCH".into(),
            format!("{RO_PATH}/guestbook/status"),
            MERGE.into()
        )]
    );
    assert!(get_rollout(&sb, "guestbook").await.status.unwrap().promote_full);

    let r = run(&sb, &["promote", "guestbook", "-c", "-a"]).await;
    assert_eq!(r.code, Some(1));
    assert_eq!(
        r.stderr,
        "Error: Cannot use skip-current-step and skip-all-steps flags at the same time\n"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn restart_sets_restart_at_in_the_future() {
    let sb = sandbox().await;
    create_rollout(&sb, CANARY).await;
    let before = jiff::Timestamp::now();
    let r = run(&sb, &["restart", "guestbook", "--in", "1h"]).await;
    assert_eq!(r.code, Some(0), "{r:?}");
    assert_eq!(r.stdout, "rollout 'guestbook' restarts in 1h\n");
    let ro = get_rollout(&sb, "guestbook").await;
    let at: jiff::Timestamp = ro
        .spec
        .restart_at
        .expect("restartAt")
        .0
        .to_string()
        .parse()
        .unwrap();
    let delta = at.duration_since(before).as_secs();
    assert!((3599..=3605).contains(&delta), "restartAt {at} vs now {before}");
    let r = run(&sb, &["restart", "guestbook"]).await;
    assert_eq!(r.stdout, "rollout 'guestbook' restarts in 0s\n");
}

/// A sandbox whose Rollout CRD has no status subresource (Argo v0.9), so `/status` is NotFound.
async fn sandbox_without_status_subresource() -> rollouts_sandbox::Sandbox {
    let sb = rollouts_sandbox::Sandbox::start(rollouts_sandbox::SandboxConfig::default())
        .await
        .expect("start the sandbox");
    for (name, yaml) in rollouts_api::crd::crd_files().expect("render CRDs") {
        let mut crd: serde_json::Value = serde_yaml_ng::from_str(&yaml).expect("crd yaml");
        if crd.pointer("/spec/names/kind") == Some(&json!("Rollout")) {
            for v in crd
                .pointer_mut("/spec/versions")
                .and_then(serde_json::Value::as_array_mut)
                .expect("versions")
            {
                if let Some(sub) = v
                    .get_mut("subresources")
                    .and_then(serde_json::Value::as_object_mut)
                {
                    sub.remove("status");
                }
            }
        }
        let yaml = serde_yaml_ng::to_string(&crd).expect("crd to yaml");
        sb.apply_yaml(name, &yaml).expect("install CRD");
    }
    sb
}

#[tokio::test(flavor = "multi_thread")]
async fn without_status_subresource_abort_and_promote_fall_back_to_the_main_resource() {
    let sb = sandbox_without_status_subresource().await;
    create_rollout(&sb, CANARY).await;
    let from = sb.requests().records().len();
    let r = run(&sb, &["abort", "guestbook"]).await;
    assert_eq!(r.code, Some(0), "{r:?}");
    let writes = writes_since(&sb, from);
    assert_eq!(
        writes
            .iter()
            .map(|w| (w.path.clone(), w.status))
            .collect::<Vec<_>>(),
        [
            (format!("{RO_PATH}/guestbook/status"), 404),
            (format!("{RO_PATH}/guestbook"), 200)
        ]
    );
    assert!(get_rollout(&sb, "guestbook").await.status.unwrap().abort);

    // promote: the status patch is NotFound, so the unified patch goes to the main resource.
    run(&sb, &["pause", "guestbook"]).await;
    let from = sb.requests().records().len();
    let r = run(&sb, &["promote", "guestbook"]).await;
    assert_eq!(r.code, Some(0), "{r:?}");
    let writes = writes_since(&sb, from);
    assert_eq!(
        writes
            .iter()
            .map(|w| (w.path.clone(), w.status))
            .collect::<Vec<_>>(),
        [
            (format!("{RO_PATH}/guestbook/status"), 404),
            (format!("{RO_PATH}/guestbook"), 200)
        ]
    );
    let ro = get_rollout(&sb, "guestbook").await;
    assert!(!ro.spec.paused);
    assert_eq!(ro.status.unwrap().current_step_index, Some(1));
}

#[tokio::test(flavor = "multi_thread")]
async fn namespace_flag_selects_the_namespace() {
    let sb = sandbox().await;
    let from = sb.requests().records().len();
    let r = run(&sb, &["pause", "guestbook", "-n", "other"]).await;
    assert_eq!(r.code, Some(1), "{r:?}");
    let writes = writes_since(&sb, from);
    assert_eq!(writes.len(), 1);
    assert_eq!(
        writes[0].path,
        "/apis/argoproj.io/v1alpha1/namespaces/other/rollouts/guestbook"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn retry_experiment_clears_the_status() {
    let sb = sandbox().await;
    let ex: rollouts_api::Experiment = serde_yaml_ng::from_str(
        "
apiVersion: argoproj.io/v1alpha1
kind: Experiment
metadata: {name: exp, namespace: default}
spec:
  templates:
  - name: a
    selector: {matchLabels: {app: a}}
    template:
      metadata: {labels: {app: a}}
      spec: {containers: [{name: a, image: a:1}]}
",
    )
    .expect("experiment yaml");
    let api = kube::Api::<rollouts_api::Experiment>::namespaced(sb.client(), "default");
    api.create(&kube::api::PostParams::default(), &ex)
        .await
        .expect("create");
    let from = sb.requests().records().len();
    let r = run(&sb, &["retry", "experiment", "exp"]).await;
    assert_eq!(r.code, Some(0), "{r:?}");
    assert_eq!(r.stdout, "experiment 'exp' retried\n");
    let writes = writes_since(&sb, from);
    assert_eq!(
        writes.iter().map(summary).collect::<Vec<_>>(),
        [(
            "PATCH".into(),
            "/apis/argoproj.io/v1alpha1/namespaces/default/experiments/exp".into(),
            MERGE.into()
        )]
    );
}
