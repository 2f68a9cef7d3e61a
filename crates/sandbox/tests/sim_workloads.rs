//! Workload controllers of the simulated cluster through the real kube-rs client: ReplicaSet scaling in
//! Kubernetes' order and its status (readiness, `minReadySeconds`), a Deployment rolling update to
//! completion within its surge bound, Jobs that succeed or fail, and pod eviction. Conditions are
//! awaited with timeouts.

mod common;
mod simcommon;

use std::collections::BTreeMap;

use common::{wait_for, within};
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::Pod;
use kube::Api;
use kube::api::{EvictParams, Patch, PatchParams, PostParams};
use rollouts_sandbox::registry::Gvr;
use rollouts_sandbox::{ListOptions, WatchEvent, WatchOptions};
use serde_json::{Value, json};
use simcommon::*;

#[tokio::test]
async fn replicaset_creates_and_deletes_pods_in_kubernetes_order() {
    let sb = sim_sandbox(10.0).await;
    let rss: Api<ReplicaSet> = Api::namespaced(sb.client(), "default");
    let pp = PatchParams::default();
    rss.create(
        &PostParams::default(),
        &typed(replica_set(
            "web",
            2,
            json!({"sandbox.rollouts.dev/ready-after": "1h"}),
        )),
    )
    .await
    .unwrap();
    let old = wait_for("two running, unready pods", 10, || async {
        let p = pods(&sb, "app=web");
        (p.len() == 2 && p.iter().all(|p| p["status"]["phase"] == "Running" && !ready(p))).then(|| names(&p))
    })
    .await;
    let pod = &pods(&sb, "app=web")[0];
    assert_eq!(
        pod["metadata"]["labels"]["pod-template-hash"], "h1",
        "the hash label is copied from the ReplicaSet"
    );
    assert_eq!(pod["metadata"]["ownerReferences"][0]["kind"], "ReplicaSet");
    assert_eq!(pod["metadata"]["ownerReferences"][0]["controller"], true);
    assert!(
        name(pod).starts_with("web-") && name(pod).len() == "web-".len() + 5,
        "generateName: {}",
        name(pod)
    );
    assert!(pod["status"]["podIP"].as_str().unwrap().starts_with("10.244."));
    assert!(
        pod["spec"]["nodeName"]
            .as_str()
            .unwrap()
            .starts_with("sandbox-node-")
    );
    wait_for("status of two unready pods", 10, || async {
        let rs = get(&sb, &rs_gvr(), "web");
        let ok = status_of(&rs, "replicas") == 2
            && status_of(&rs, "fullyLabeledReplicas") == 2
            && status_of(&rs, "readyReplicas") == 0
            && status_of(&rs, "observedGeneration") == 1;
        ok.then_some(())
    })
    .await;

    // New pods become ready at once: the two older ones stay unready.
    let patch = json!({"spec": {"replicas": 4, "template": {"metadata": {"annotations": {"sandbox.rollouts.dev/ready-after": "0s"}}}}});
    rss.patch("web", &pp, &Patch::Merge(patch)).await.unwrap();
    let new = wait_for("four pods, the two new ones ready", 10, || async {
        let p = pods(&sb, "app=web");
        let rs = get(&sb, &rs_gvr(), "web");
        let ready_pods: Vec<Value> = p.iter().filter(|p| ready(p)).cloned().collect();
        let ok = p.len() == 4
            && ready_pods.len() == 2
            && status_of(&rs, "readyReplicas") == 2
            && status_of(&rs, "availableReplicas") == 2
            && status_of(&rs, "observedGeneration") == 2;
        ok.then(|| names(&ready_pods))
    })
    .await;
    assert!(new.is_disjoint(&old));

    // Scale down: the unready pods go first although they are older.
    rss.patch_scale("web", &pp, &Patch::Merge(json!({"spec": {"replicas": 2}})))
        .await
        .unwrap();
    wait_for("the unready pods deleted", 10, || async {
        (names(&pods(&sb, "app=web")) == new).then_some(())
    })
    .await;

    // Among ready pods the newest goes first.
    let newest_created = pods(&sb, "app=web")
        .iter()
        .filter_map(|p| {
            p["metadata"]["creationTimestamp"]
                .as_str()?
                .parse::<jiff::Timestamp>()
                .ok()
        })
        .max()
        .unwrap();
    wait_for("the sandbox clock to pass a second", 10, || async {
        ((sb.store().clock())() > newest_created + jiff::SignedDuration::from_secs(1)).then_some(())
    })
    .await;
    rss.patch_scale("web", &pp, &Patch::Merge(json!({"spec": {"replicas": 3}})))
        .await
        .unwrap();
    wait_for("three ready pods", 10, || async {
        (pods(&sb, "app=web").iter().filter(|p| ready(p)).count() == 3).then_some(())
    })
    .await;
    rss.patch_scale("web", &pp, &Patch::Merge(json!({"spec": {"replicas": 2}})))
        .await
        .unwrap();
    wait_for("the newest pod deleted", 10, || async {
        (names(&pods(&sb, "app=web")) == new).then_some(())
    })
    .await;
    wait_for("status follows", 10, || async {
        (status_of(&get(&sb, &rs_gvr(), "web"), "replicas") == 2).then_some(())
    })
    .await;
}

#[tokio::test]
async fn replicaset_availability_waits_for_min_ready_seconds() {
    let sb = sim_sandbox(10.0).await;
    let mut watch = sb.store().watch(&rs_gvr(), &WatchOptions::default()).unwrap();
    let mut rs = replica_set("slow", 2, json!({}));
    rs["spec"]["minReadySeconds"] = json!(10);
    sb.store()
        .create(&rs_gvr(), Some("default"), rs, &Default::default())
        .unwrap();
    let mut saw_ready_unavailable = false;
    within("availableReplicas 2", 20, async {
        while let Some(WatchEvent::Added(obj) | WatchEvent::Modified(obj)) = watch.next().await {
            let (ready, available) = (
                obj["status"]["readyReplicas"].as_i64(),
                obj["status"]["availableReplicas"].as_i64(),
            );
            if ready == Some(2) && available == Some(0) {
                saw_ready_unavailable = true;
            }
            if available == Some(2) {
                let now = (sb.store().clock())();
                for p in pods(&sb, "app=slow") {
                    let cond = p["status"]["conditions"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .find(|c| c["type"] == "Ready")
                        .unwrap()
                        .clone();
                    let since: jiff::Timestamp =
                        cond["lastTransitionTime"].as_str().unwrap().parse().unwrap();
                    assert!(
                        now >= since + jiff::SignedDuration::from_secs(10),
                        "available too early: ready {since}, now {now}"
                    );
                }
                return;
            }
        }
        panic!("the watch ended");
    })
    .await;
    assert!(
        saw_ready_unavailable,
        "readyReplicas reached 2 before availableReplicas did"
    );
}

fn deployment(name: &str, image: &str, replicas: i64) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                 "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
                 "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [{"name": "app", "image": image}]}}}
    })
}

fn complete(d: &Value, replicas: i64) -> bool {
    let s = &d["status"];
    d["metadata"]["generation"] == s["observedGeneration"]
        && [
            ("updatedReplicas", replicas),
            ("replicas", replicas),
            ("availableReplicas", replicas),
            ("readyReplicas", replicas),
        ]
        .iter()
        .all(|(f, n)| s[*f].as_i64() == Some(*n))
}

#[tokio::test]
async fn deployment_rolls_out_a_new_template_within_surge_and_availability() {
    let sb = sim_sandbox(10.0).await;
    let deploys: Api<Deployment> = Api::namespaced(sb.client(), "default");
    let gvr = Gvr::new("apps", "v1", "deployments");
    deploys
        .create(
            &PostParams::default(),
            &typed(deployment("web", "argoproj/rollouts-demo:blue", 4)),
        )
        .await
        .unwrap();
    let d = wait_for("revision 1 complete", 20, || async {
        get(&sb, &gvr, "web").filter(|d| complete(d, 4))
    })
    .await;
    assert_eq!(
        d["metadata"]["annotations"]["deployment.kubernetes.io/revision"],
        "1"
    );
    let first_rs: Vec<Value> = sb.store().list(&rs_gvr(), &ListOptions::default()).unwrap().items;
    assert_eq!(first_rs.len(), 1);
    let hash = first_rs[0]["metadata"]["labels"]["pod-template-hash"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(name(&first_rs[0]), format!("web-{hash}"));
    assert!(
        pods(&sb, "app=web")
            .iter()
            .all(|p| p["metadata"]["labels"]["pod-template-hash"] == hash.as_str())
    );

    // Watch every ReplicaSet change during the rollout: never more than replicas + maxSurge desired.
    let mut rs_watch = sb.store().watch(&rs_gvr(), &WatchOptions::default()).unwrap();
    let patch = json!({"spec": {"template": {"spec": {"containers": [{"name": "app", "image": "argoproj/rollouts-demo:green"}]}}}});
    deploys
        .patch("web", &PatchParams::default(), &Patch::Merge(patch))
        .await
        .unwrap();
    let d = wait_for("revision 2 complete", 30, || async {
        get(&sb, &gvr, "web").filter(|d| {
            complete(d, 4) && d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "2"
        })
    })
    .await;
    let progressing = d["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "Progressing")
        .unwrap()
        .clone();
    assert_eq!(progressing["reason"], "NewReplicaSetAvailable");
    let available = d["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "Available")
        .unwrap()
        .clone();
    assert_eq!(available["status"], "True");
    let mut desired: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    while let Some(ev) = rs_watch.try_next() {
        if let WatchEvent::Added(rs) | WatchEvent::Modified(rs) = ev {
            desired.insert(
                name(&rs),
                (
                    rs["spec"]["replicas"].as_i64().unwrap(),
                    rs["status"]["availableReplicas"].as_i64().unwrap_or(0),
                ),
            );
            let total: i64 = desired.values().map(|(r, _)| r).sum();
            assert!(total <= 5, "more than replicas + maxSurge desired: {desired:?}");
        }
    }
    let rss = sb.store().list(&rs_gvr(), &ListOptions::default()).unwrap().items;
    assert_eq!(rss.len(), 2);
    let old = rss
        .iter()
        .find(|rs| rs["metadata"]["labels"]["pod-template-hash"] == hash.as_str())
        .unwrap();
    assert_eq!(old["spec"]["replicas"], 0);
    let current = wait_for("only green pods", 10, || async {
        let p = pods(&sb, "app=web");
        (p.len() == 4
            && p.iter()
                .all(|p| p["spec"]["containers"][0]["image"] == "argoproj/rollouts-demo:green"))
        .then_some(p)
    })
    .await;
    assert!(
        current
            .iter()
            .all(|p| p["metadata"]["labels"]["pod-template-hash"] != hash.as_str())
    );
}

fn job(name: &str, result: &str, backoff_limit: i64) -> Job {
    typed(
        json!({"metadata": {"name": name}, "spec": {"backoffLimit": backoff_limit, "template": {
        "metadata": {"annotations": {"sandbox.rollouts.dev/job-result": result, "sandbox.rollouts.dev/job-duration": "1s"}},
        "spec": {"restartPolicy": "Never", "containers": [{"name": "check", "image": "busybox"}]}}}}),
    )
}

fn condition(obj: &Value, t: &str) -> Option<Value> {
    obj["status"]["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"] == t && c["status"] == "True")
        .cloned()
}

#[tokio::test]
async fn jobs_complete_or_fail_by_rule() {
    let sb = sim_sandbox(10.0).await;
    let jobs: Api<Job> = Api::namespaced(sb.client(), "default");
    let gvr = Gvr::new("batch", "v1", "jobs");
    jobs.create(&PostParams::default(), &job("ok", "succeed", 6))
        .await
        .unwrap();
    jobs.create(&PostParams::default(), &job("bad", "fail", 1))
        .await
        .unwrap();
    let ok = wait_for("Complete", 20, || async {
        get(&sb, &gvr, "ok").filter(|j| condition(j, "Complete").is_some())
    })
    .await;
    assert_eq!(
        (
            ok["status"]["succeeded"].as_i64(),
            ok["status"]["active"].as_i64()
        ),
        (Some(1), Some(0))
    );
    assert!(ok["status"]["startTime"].is_string() && ok["status"]["completionTime"].is_string());
    assert_eq!(
        condition(&ok, "Complete").unwrap()["reason"],
        "CompletionsReached"
    );
    let ok_pods = pods(&sb, "job-name=ok");
    assert_eq!(ok_pods.len(), 1);
    assert_eq!(ok_pods[0]["status"]["phase"], "Succeeded");
    assert_eq!(
        container(&ok_pods[0])["state"]["terminated"]["reason"],
        "Completed"
    );

    let bad = wait_for("Failed", 20, || async {
        get(&sb, &gvr, "bad").filter(|j| condition(j, "Failed").is_some())
    })
    .await;
    assert_eq!(bad["status"]["failed"], 2, "backoffLimit 1 allows one retry");
    assert_eq!(
        condition(&bad, "Failed").unwrap()["reason"],
        "BackoffLimitExceeded"
    );
    assert!(bad["status"].get("completionTime").is_none());
    assert!(
        pods(&sb, "job-name=bad")
            .iter()
            .all(|p| p["status"]["phase"] == "Failed")
    );
}

#[tokio::test]
async fn eviction_deletes_the_pod_and_its_replica_set_replaces_it() {
    let sb = sim_sandbox(10.0).await;
    let (code, discovery, _) = common::raw(&sb.client(), "GET", "/api/v1", &[], None).await;
    assert_eq!(code, 200);
    let eviction = discovery["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "pods/eviction")
        .unwrap()
        .clone();
    assert_eq!(
        (
            eviction["group"].as_str(),
            eviction["version"].as_str(),
            eviction["kind"].as_str()
        ),
        (Some("policy"), Some("v1"), Some("Eviction"))
    );

    sb.store()
        .create(
            &rs_gvr(),
            Some("default"),
            replica_set("evict", 1, json!({})),
            &Default::default(),
        )
        .unwrap();
    let first = wait_for("a pod", 10, || async { pods(&sb, "app=evict").first().map(name) }).await;
    let api: Api<Pod> = Api::namespaced(sb.client(), "default");
    let status = api.evict(&first, &EvictParams::default()).await.unwrap();
    assert_eq!(status.code, 201);
    wait_for("a replacement pod", 10, || async {
        let p = pods(&sb, "app=evict");
        (p.len() == 1 && name(&p[0]) != first).then_some(())
    })
    .await;
    assert!(get(&sb, &Gvr::core("pods"), &first).is_none());
    let err = api.evict("missing", &EvictParams::default()).await.unwrap_err();
    assert!(matches!(err, kube::Error::Api(ref s) if s.code == 404), "{err:?}");
}

#[tokio::test]
async fn recreate_deployments_stop_old_pods_before_starting_new_ones() {
    let sb = sim_sandbox(10.0).await;
    let deploys: Api<Deployment> = Api::namespaced(sb.client(), "default");
    let gvr = Gvr::new("apps", "v1", "deployments");
    let mut d = deployment("re", "app:v1", 2);
    d["spec"]["strategy"] = json!({"type": "Recreate"});
    d["spec"]["revisionHistoryLimit"] = json!(1);
    deploys.create(&PostParams::default(), &typed(d)).await.unwrap();
    wait_for("revision 1 complete", 20, || async {
        get(&sb, &gvr, "re").filter(|d| complete(d, 2))
    })
    .await;
    let mut rs_watch = sb.store().watch(&rs_gvr(), &WatchOptions::default()).unwrap();
    for (revision, image) in [("2", "app:v2"), ("3", "app:v3"), ("4", "app:v1")] {
        let patch =
            json!({"spec": {"template": {"spec": {"containers": [{"name": "app", "image": image}]}}}});
        deploys
            .patch("re", &PatchParams::default(), &Patch::Merge(patch))
            .await
            .unwrap();
        wait_for(&format!("revision {revision} complete"), 20, || async {
            get(&sb, &gvr, "re").filter(|d| {
                complete(d, 2)
                    && d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == revision
            })
        })
        .await;
    }
    // Never two ReplicaSets with pods at once.
    let mut replicas: BTreeMap<String, i64> = BTreeMap::new();
    while let Some(ev) = rs_watch.try_next() {
        match ev {
            WatchEvent::Added(rs) | WatchEvent::Modified(rs) => {
                let n = rs["spec"]["replicas"]
                    .as_i64()
                    .unwrap()
                    .max(rs["status"]["replicas"].as_i64().unwrap_or(0));
                replicas.insert(name(&rs), n);
            }
            WatchEvent::Deleted(rs) => {
                replicas.remove(&name(&rs));
            }
            _ => {}
        }
        assert!(
            replicas.values().filter(|n| **n > 0).count() <= 1,
            "old and new pods at once: {replicas:?}"
        );
    }
    // Rolling back to v1 reuses the first ReplicaSet with a new revision; one idle ReplicaSet is kept.
    let rss = sb.store().list(&rs_gvr(), &ListOptions::default()).unwrap().items;
    assert_eq!(
        rss.len(),
        2,
        "revisionHistoryLimit 1 keeps one old ReplicaSet: {rss:?}"
    );
    let current = rss.iter().find(|rs| rs["spec"]["replicas"] == 2).unwrap();
    assert_eq!(
        current["metadata"]["annotations"]["deployment.kubernetes.io/revision"],
        "4"
    );
    assert_eq!(
        current["spec"]["template"]["spec"]["containers"][0]["image"],
        "app:v1"
    );
}
