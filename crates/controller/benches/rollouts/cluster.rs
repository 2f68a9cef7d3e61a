//! The simulated cluster side of the benchmark: a sandbox with fast pods, the benchmark's canary Rollouts
//! and Services (written straight into the store, so the sandbox's request counters see only the
//! controller), progress checks, and the controller's API writes sorted by kind.
//!
//! The simulated cluster is kept from dominating the figures: only the kubelet and ReplicaSet controller
//! run (nothing here needs Endpoints, Deployments or Jobs); pod templates name their node, which skips the
//! simulated scheduler (it lists every pod in the cluster to place each one); and rollouts are spread over
//! namespaces of [`PER_NAMESPACE`], because the simulated ReplicaSet controller lists every pod of a
//! namespace on each reconcile. Each of those is quadratic in the sandbox, not in the controller.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use rollouts_sandbox::{
    Controllers, Gvr, ListOptions, PatchBody, Sandbox, SandboxConfig, SimConfig, WatchEvent, WatchOptions,
    WriteOptions,
};
use serde_json::{Value, json};

/// The canary steps every benchmark rollout goes through.
pub const STEPS: &str = "setWeight 50, pause 1s, setWeight 100";
/// How many steps [`STEPS`] has.
pub const STEP_COUNT: u64 = 3;
/// Replicas of every benchmark rollout.
pub const REPLICAS: i64 = 2;
/// Rollouts per namespace.
pub const PER_NAMESPACE: usize = 10;

/// A sandbox running only the simulated kubelet and ReplicaSet controller, with pods that start and
/// become ready within ~20 ms (no traffic simulation), and our CRDs installed.
pub async fn sandbox() -> anyhow::Result<Sandbox> {
    let mut sim = SimConfig {
        traffic: None,
        controllers: Controllers {
            kubelet: true,
            replicasets: true,
            deployments: false,
            endpoints: false,
            jobs: false,
        },
        ..SimConfig::default()
    };
    sim.pods.start_after = Duration::from_millis(10);
    sim.pods.ready_after = Duration::from_millis(10);
    let sb = Sandbox::start(SandboxConfig {
        simulation: Some(sim),
        ..SandboxConfig::default()
    })
    .await?;
    for (name, yaml) in rollouts_api::crd::crd_files()? {
        sb.apply_yaml(name, &yaml)?;
    }
    Ok(sb)
}

fn rollouts() -> Gvr {
    Gvr::new("argoproj.io", "v1alpha1", "rollouts")
}

/// The name of benchmark rollout `i`.
pub fn name(i: usize) -> String {
    format!("bench-{i:04}")
}

/// The namespace of benchmark rollout `i`.
pub fn namespace(i: usize) -> String {
    format!("bench-{:03}", i / PER_NAMESPACE)
}

fn image(tag: &str) -> String {
    format!("argoproj/rollouts-demo:{tag}")
}

/// Creates rollout `i` and its stable and canary Services (and its namespace, for the first of it)
/// through the store.
pub fn create(sb: &Sandbox, i: usize) -> anyhow::Result<()> {
    let name = name(i);
    let ns = namespace(i);
    if i.is_multiple_of(PER_NAMESPACE) {
        let obj = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}});
        sb.apply_yaml(&ns, &obj.to_string())
            .with_context(|| format!("creating namespace {ns}"))?;
    }
    let service = |svc: String| {
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": svc, "namespace": ns},
               "spec": {"selector": {"app": name}, "ports": [{"name": "http", "port": 80, "targetPort": "http"}]}})
    };
    let rollout = json!({
        "apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
        "metadata": {"name": name, "namespace": ns},
        "spec": {
            "replicas": REPLICAS,
            "revisionHistoryLimit": 2,
            "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}},
                         "spec": {"nodeName": format!("sandbox-node-{}", i % 2 + 1),
                                  "containers": [{"name": "app", "image": image("blue"),
                                                  "ports": [{"name": "http", "containerPort": 8080}]}]}},
            "strategy": {"canary": {
                "canaryService": format!("{name}-canary"), "stableService": format!("{name}-stable"),
                "steps": [{"setWeight": 50}, {"pause": {"duration": "1s"}}, {"setWeight": 100}]}}
        }
    });
    for obj in [
        service(format!("{name}-stable")),
        service(format!("{name}-canary")),
        rollout,
    ] {
        // JSON is YAML.
        sb.apply_yaml(&name, &obj.to_string())
            .with_context(|| format!("creating {name}"))?;
    }
    Ok(())
}

/// Sets rollout `i`'s image to `argoproj/rollouts-demo:<tag>` (a merge patch through the store).
pub fn set_image(sb: &Sandbox, i: usize, tag: &str) -> anyhow::Result<()> {
    let patch = json!({"spec": {"template": {"spec": {"containers": [
        {"name": "app", "image": image(tag), "ports": [{"name": "http", "containerPort": 8080}]}]}}}});
    sb.store()
        .patch(
            &rollouts(),
            Some(&namespace(i)),
            &name(i),
            &PatchBody::Merge(patch),
            &WriteOptions::default(),
        )
        .with_context(|| format!("updating {}", name(i)))?;
    Ok(())
}

/// Every benchmark rollout's `status.stableRS` (empty when unset), by name (names are unique across
/// namespaces).
pub fn stable_hashes(sb: &Sandbox) -> anyhow::Result<BTreeMap<String, String>> {
    Ok(list(sb)?
        .iter()
        .map(|r| {
            let name = r["metadata"]["name"].as_str().unwrap_or_default().to_string();
            let stable = r["status"]["stableRS"].as_str().unwrap_or_default().to_string();
            (name, stable)
        })
        .collect())
}

/// Every Rollout, in all namespaces.
pub fn list(sb: &Sandbox) -> anyhow::Result<Vec<Value>> {
    Ok(sb.store().list(&rollouts(), &ListOptions::default())?.items)
}

/// Whether `r` is Healthy and fully on a revision other than `previous_stable`: phase Healthy, the
/// current pod hash stable, every replica updated and available and no old replica left.
fn settled_on_new_revision(r: &Value, previous_stable: &str) -> bool {
    let st = &r["status"];
    let stable = st["stableRS"].as_str().unwrap_or_default();
    st["phase"] == "Healthy"
        && !stable.is_empty()
        && stable != previous_stable
        && st["currentPodHash"].as_str() == Some(stable)
        && [&st["replicas"], &st["updatedReplicas"], &st["availableReplicas"]]
            .iter()
            .all(|v| v.as_i64() == Some(REPLICAS))
}

/// Waits until every one of the `n` rollouts settled on a revision other than its entry in `previous`
/// (all of them when `previous` is empty, for the first revision), up to `timeout`, printing progress to
/// stderr. Follows a store watch (not a poll: listing 1,000 rollouts every tick would cost the sandbox
/// more than it costs the controller). Returns how many settled and how long it took.
pub async fn wait_settled(
    sb: &Sandbox,
    n: usize,
    previous: &BTreeMap<String, String>,
    timeout: Duration,
) -> anyhow::Result<(usize, Duration)> {
    let start = Instant::now();
    let deadline = tokio::time::Instant::now() + timeout;
    let mut progress = tokio::time::interval(Duration::from_secs(15));
    progress.tick().await;
    let mut settled = BTreeSet::new();
    // The first events of a watch from no resourceVersion are the current objects.
    let mut watch = sb.store().watch(&rollouts(), &WatchOptions::default())?;
    while settled.len() < n {
        tokio::select! {
            event = watch.next() => match event {
                Some(WatchEvent::Added(r) | WatchEvent::Modified(r)) => {
                    let name = r["metadata"]["name"].as_str().unwrap_or_default().to_string();
                    if settled_on_new_revision(&r, previous.get(&name).map_or("", String::as_str)) {
                        settled.insert(name);
                    } else {
                        settled.remove(&name);
                    }
                }
                Some(WatchEvent::Deleted(r)) => {
                    settled.remove(r["metadata"]["name"].as_str().unwrap_or_default());
                }
                Some(WatchEvent::Bookmark { .. }) => {}
                // Expired or dropped: start over from the current objects.
                Some(WatchEvent::Error(_)) | None => {
                    settled.clear();
                    watch = sb.store().watch(&rollouts(), &WatchOptions::default())?;
                }
            },
            _ = progress.tick() => {
                eprintln!("  ... {}/{n} settled after {:.0?}", settled.len(), start.elapsed());
            }
            () = tokio::time::sleep_until(deadline) => break,
        }
    }
    Ok((settled.len(), start.elapsed()))
}

/// Waits (up to `limit`) until the controller made no write other than lease renewals for `quiet`: a
/// rollout reads Healthy a reconcile or two before its last Service patch or Event, and those belong to
/// the phase that caused them, not to the settled fleet after it.
pub async fn drain(sb: &Sandbox, quiet: Duration, limit: Duration) {
    let writes = || -> u64 {
        sb.requests()
            .counts()
            .iter()
            .filter(|((verb, resource), _)| is_write(verb) && resource != "leases")
            .map(|(_, n)| n)
            .sum()
    };
    let start = Instant::now();
    let mut last = (writes(), Instant::now());
    while last.1.elapsed() < quiet && start.elapsed() < limit {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let now = writes();
        if now != last.0 {
            last = (now, Instant::now());
        }
    }
}

/// The controller's API writes over one phase, by kind.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Writes {
    /// ReplicaSet creates.
    pub rs_create: u64,
    /// ReplicaSet updates and patches (scaling, annotations).
    pub rs_update: u64,
    /// ReplicaSet deletes.
    pub rs_delete: u64,
    /// Patches of a Rollout's status subresource.
    pub status: u64,
    /// Writes to a Rollout's main resource.
    pub rollout: u64,
    /// Event creates and count bumps.
    pub events: u64,
    /// Service patches (selectors).
    pub services: u64,
    /// Lease writes (leader election renewals), kept apart from the rest.
    pub leases: u64,
    /// Writes to anything else.
    pub other: u64,
    /// Non-2xx answers to writes (e.g. 409 conflicts).
    pub failed: u64,
}

impl Writes {
    /// Every write except lease renewals.
    pub fn total(&self) -> u64 {
        self.rs_create
            + self.rs_update
            + self.rs_delete
            + self.status
            + self.rollout
            + self.events
            + self.services
            + self.other
    }

    /// Reads the sandbox's request log since its last clear, then clears it.
    pub fn take(sb: &Sandbox) -> Writes {
        let log = sb.requests();
        let records = log.records();
        log.clear();
        let mut w = Writes::default();
        for r in records.iter().filter(|r| is_write(&r.verb)) {
            if !(200..300).contains(&r.status) {
                w.failed += 1;
            }
            let slot = match (r.resource.as_str(), r.verb.as_str(), r.subresource.as_deref()) {
                ("replicasets", "create", _) => &mut w.rs_create,
                ("replicasets", "delete", _) => &mut w.rs_delete,
                ("replicasets", _, _) => &mut w.rs_update,
                ("rollouts", _, Some("status")) => &mut w.status,
                ("rollouts", _, _) => &mut w.rollout,
                ("events", _, _) => &mut w.events,
                ("services", _, _) => &mut w.services,
                ("leases", _, _) => &mut w.leases,
                _ => &mut w.other,
            };
            *slot += 1;
        }
        if records.len() >= 100_000 {
            eprintln!(
                "  warning: the sandbox's request log (100,000 records) overflowed; writes are undercounted"
            );
        }
        w
    }
}

fn is_write(verb: &str) -> bool {
    matches!(
        verb,
        "create" | "update" | "patch" | "delete" | "deletecollection"
    )
}
