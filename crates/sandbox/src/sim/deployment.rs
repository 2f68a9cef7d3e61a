//! A minimal Deployment controller: enough for `kubectl rollout status`, `kubectl rollout restart`,
//! `kubectl set image` and Argo's `workloadRef`.
//!
//! * The new ReplicaSet is the owned one whose template equals the Deployment's ignoring the
//!   `pod-template-hash` label; when there is none it is created as `<deployment>-<hash>` with the hash
//!   label added to its labels, selector and template, a controller ownerReference,
//!   `minReadySeconds`, and the annotations `deployment.kubernetes.io/revision` (one more than the
//!   highest), `desired-replicas` and `max-replicas`. The hash is FNV-32a over the canonical JSON of the
//!   template (plus `status.collisionCount`), encoded with Kubernetes' `SafeEncodeString` alphabet: a
//!   stable, collision-handled hash, but not byte-identical to Kubernetes' (which hashes Go structs).
//!   A ReplicaSet that becomes new again (rollback) gets a new highest revision.
//! * `RollingUpdate`: Kubernetes' arithmetic. `maxSurge` (rounded up) and `maxUnavailable` (rounded
//!   down; both 0 means 1 unavailable) resolve against `spec.replicas`; the new ReplicaSet grows up to
//!   `replicas + maxSurge` pods in total; old ReplicaSets shrink, oldest first, first by their unavailable
//!   pods, then while the available pods stay at least `replicas - maxUnavailable`. When the new
//!   ReplicaSet has more replicas than wanted it is set to `spec.replicas` (no proportional scaling).
//! * `Recreate`: old ReplicaSets go to 0; the new one is scaled up once no old pod is left.
//! * `spec.paused`: no rollout; only the status is updated. Old ReplicaSets at 0 beyond
//!   `revisionHistoryLimit` are deleted, oldest revision first.
//! * Status: `observedGeneration`, `replicas`, `updatedReplicas`, `readyReplicas`,
//!   `availableReplicas`, `unavailableReplicas`, `collisionCount`, and the conditions `Available`
//!   (`MinimumReplicasAvailable`/`MinimumReplicasUnavailable`) and `Progressing`
//!   (`NewReplicaSetCreated`, `ReplicaSetUpdated`, `NewReplicaSetAvailable`, or `Unknown`
//!   `DeploymentPaused`). `progressDeadlineSeconds` is not enforced.

use std::time::Duration;

use serde_json::{Map, Value, json};

use super::runner::Reconciler;
use super::util::{self, ObjKey};
use crate::error::ApiError;
use crate::meta;
use crate::registry::Gvr;
use crate::store::{DeleteOptions, ListOptions, PatchBody, Store, WriteOptions};

const REVISION: &str = "deployment.kubernetes.io/revision";
const DESIRED: &str = "deployment.kubernetes.io/desired-replicas";
const MAX: &str = "deployment.kubernetes.io/max-replicas";
const HASH: &str = "pod-template-hash";

fn deployments() -> Gvr {
    Gvr::new("apps", "v1", "deployments")
}

fn replicasets() -> Gvr {
    Gvr::new("apps", "v1", "replicasets")
}

fn canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String((*k).clone()).to_string());
                out.push(':');
                canonical(&m[k.as_str()], out);
            }
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(x, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

fn without_hash(template: &Value) -> Value {
    let mut t = template.clone();
    if let Some(labels) = t.pointer_mut("/metadata/labels").and_then(Value::as_object_mut) {
        labels.remove(HASH);
    }
    t
}

/// The pod-template hash of a Deployment template (see the module docs).
pub fn template_hash(template: &Value, collision_count: Option<i64>) -> String {
    let mut text = String::new();
    canonical(&without_hash(template), &mut text);
    let mut h: u32 = 0x811c_9dc5;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            h ^= u32::from(*b);
            h = h.wrapping_mul(0x0100_0193);
        }
    };
    feed(text.as_bytes());
    if let Some(c) = collision_count {
        feed(&u32::try_from(c).unwrap_or(0).to_le_bytes());
    }
    const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    h.to_string()
        .bytes()
        .map(|b| ALPHANUMS[usize::from(b) % ALPHANUMS.len()] as char)
        .collect()
}

fn replicas(obj: &Value) -> i64 {
    obj.pointer("/spec/replicas").and_then(Value::as_i64).unwrap_or(1)
}

fn status_i64(obj: &Value, field: &str) -> i64 {
    obj.pointer(&format!("/status/{field}"))
        .and_then(Value::as_i64)
        .unwrap_or(0)
}

fn revision(rs: &Value) -> i64 {
    util::annotation(rs, REVISION)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// (maxSurge, maxUnavailable) of a RollingUpdate Deployment, as Kubernetes resolves them.
pub fn surge_and_unavailable(d: &Value) -> (i64, i64) {
    let want = replicas(d);
    let ru = d.pointer("/spec/strategy/rollingUpdate");
    let surge =
        util::int_or_percent(ru.and_then(|r| r.get("maxSurge")), want, true, "25%").unwrap_or_else(|e| {
            tracing::warn!(
                deployment = meta::name(d).unwrap_or_default(),
                "spec.strategy.rollingUpdate.maxSurge: {e}"
            );
            1
        });
    let unavailable = util::int_or_percent(ru.and_then(|r| r.get("maxUnavailable")), want, false, "25%")
        .unwrap_or_else(|e| {
            tracing::warn!(
                deployment = meta::name(d).unwrap_or_default(),
                "spec.strategy.rollingUpdate.maxUnavailable: {e}"
            );
            0
        });
    if surge == 0 && unavailable == 0 {
        (0, 1.min(want))
    } else {
        (surge, unavailable.min(want))
    }
}

/// The Deployment controller.
pub(crate) struct DeploymentController {
    store: Store,
}

impl DeploymentController {
    pub(crate) fn new(store: Store) -> Self {
        DeploymentController { store }
    }

    fn scale(&self, rs: &mut Value, n: i64, d: &Value, surge: i64) -> Result<(), ApiError> {
        let desired = replicas(d).to_string();
        let max = (replicas(d) + surge).to_string();
        let same = replicas(rs) == n
            && util::annotation(rs, DESIRED) == Some(desired.as_str())
            && util::annotation(rs, MAX) == Some(max.as_str());
        if same {
            return Ok(());
        }
        let patch =
            json!({"metadata": {"annotations": {DESIRED: desired, MAX: max}}, "spec": {"replicas": n}});
        let name = meta::name(rs).unwrap_or_default().to_string();
        *rs = self.store.patch(
            &replicasets(),
            meta::namespace(rs),
            &name,
            &PatchBody::Merge(patch),
            &WriteOptions::default(),
        )?;
        Ok(())
    }

    fn create_rs(&self, d: &Value, hash: &str, n: i64, revision: i64, surge: i64) -> Result<Value, ApiError> {
        let mut template = d.pointer("/spec/template").cloned().unwrap_or_else(|| json!({}));
        meta::path_set(&mut template, "metadata.labels.pod-template-hash", json!(hash));
        let mut selector = d.pointer("/spec/selector").cloned().unwrap_or_else(|| json!({}));
        meta::path_set(&mut selector, "matchLabels.pod-template-hash", json!(hash));
        let labels = template
            .pointer("/metadata/labels")
            .cloned()
            .unwrap_or_else(|| json!({}));
        let name = format!("{}-{hash}", meta::name(d).unwrap_or_default());
        let mut spec = json!({"replicas": n, "selector": selector, "template": template});
        if let Some(m) = d.pointer("/spec/minReadySeconds") {
            spec["minReadySeconds"] = m.clone();
        }
        let rs = json!({
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {
                "name": name,
                "namespace": meta::namespace(d),
                "labels": labels,
                "annotations": {REVISION: revision.to_string(), DESIRED: replicas(d).to_string(),
                                MAX: (replicas(d) + surge).to_string()},
                "ownerReferences": [util::owner_reference(d, "apps/v1", "Deployment")],
            },
            "spec": spec,
        });
        self.store
            .create(&replicasets(), meta::namespace(d), rs, &WriteOptions::default())
    }

    fn roll(
        &self,
        d: &Value,
        new_rs: &mut Value,
        old: &mut [Value],
        surge: i64,
        unavailable: i64,
    ) -> Result<(), ApiError> {
        let want = replicas(d);
        let total: i64 = old.iter().map(replicas).sum::<i64>() + replicas(new_rs);
        let current = replicas(new_rs);
        let target = if current > want {
            want
        } else if total >= want + surge {
            current
        } else {
            current + (want + surge - total).min(want - current)
        };
        self.scale(new_rs, target, d, surge)?;
        if old.iter().map(replicas).sum::<i64>() == 0 {
            return Ok(());
        }
        let all: i64 = old.iter().map(replicas).sum::<i64>() + replicas(new_rs);
        let min_available = want - unavailable;
        let new_unavailable = replicas(new_rs) - status_i64(new_rs, "availableReplicas");
        let max_scaled_down = all - min_available - new_unavailable;
        if max_scaled_down <= 0 {
            return Ok(());
        }
        old.sort_by_key(|rs| (util::created(rs), meta::name(rs).map(str::to_string)));
        let mut cleaned = 0;
        for rs in old.iter_mut() {
            if cleaned >= max_scaled_down {
                break;
            }
            let (spec, avail) = (replicas(rs), status_i64(rs, "availableReplicas"));
            if spec == 0 || spec <= avail {
                continue;
            }
            let n = (max_scaled_down - cleaned).min(spec - avail);
            cleaned += n;
            self.scale(rs, spec - n, d, surge)?;
        }
        let available: i64 = old
            .iter()
            .map(|rs| status_i64(rs, "availableReplicas"))
            .sum::<i64>()
            + status_i64(new_rs, "availableReplicas");
        if available <= min_available {
            return Ok(());
        }
        let budget = available - min_available;
        let mut scaled = 0;
        for rs in old.iter_mut() {
            if scaled >= budget {
                break;
            }
            let spec = replicas(rs);
            if spec == 0 {
                continue;
            }
            let n = spec.min(budget - scaled);
            scaled += n;
            self.scale(rs, spec - n, d, surge)?;
        }
        Ok(())
    }

    fn cleanup(&self, d: &Value, old: &[Value]) -> Result<(), ApiError> {
        let limit = usize::try_from(
            d.pointer("/spec/revisionHistoryLimit")
                .and_then(Value::as_i64)
                .unwrap_or(10)
                .max(0),
        )
        .unwrap_or(0);
        let mut idle: Vec<&Value> = old
            .iter()
            .filter(|rs| replicas(rs) == 0 && status_i64(rs, "replicas") == 0)
            .collect();
        if idle.len() <= limit {
            return Ok(());
        }
        idle.sort_by_key(|rs| revision(rs));
        for rs in &idle[..idle.len() - limit] {
            match self.store.delete(
                &replicasets(),
                meta::namespace(rs),
                meta::name(rs).unwrap_or_default(),
                &DeleteOptions::default(),
            ) {
                Ok(_) => {}
                Err(e) if e.code == 404 => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    fn owned(&self, d: &Value) -> Result<Vec<Value>, ApiError> {
        let uid = meta::uid(d).unwrap_or_default();
        let opts = ListOptions {
            namespace: meta::namespace(d).map(str::to_string),
            ..ListOptions::default()
        };
        let items = self.store.list(&replicasets(), &opts)?.items;
        Ok(items
            .into_iter()
            .filter(|rs| util::controlled_by(rs, uid) && !meta::is_deleting(rs))
            .collect())
    }

    fn write_status(&self, d: &Value, new_rs: Option<&Value>, created: bool) -> Result<(), ApiError> {
        let all = self.owned(d)?;
        let new_name = new_rs.and_then(meta::name).unwrap_or_default();
        let fresh_new = all.iter().find(|rs| meta::name(rs) == Some(new_name));
        let want = replicas(d);
        let sum = |f: &str| all.iter().map(|rs| status_i64(rs, f)).sum::<i64>();
        let (total, ready, available) = (sum("replicas"), sum("readyReplicas"), sum("availableReplicas"));
        let updated = fresh_new.map(|rs| status_i64(rs, "replicas")).unwrap_or(0);
        let generation = d.pointer("/metadata/generation").cloned().unwrap_or(json!(1));
        let now = util::stamp((self.store.clock())());
        let old_status = d
            .get("status")
            .cloned()
            .filter(Value::is_object)
            .unwrap_or_else(|| json!({}));
        let old_conds: Vec<Value> = old_status
            .get("conditions")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let (_, max_unavailable) = surge_and_unavailable(d);
        let mut conds = if available >= want - max_unavailable {
            util::set_condition(
                &old_conds,
                "Available",
                "True",
                "MinimumReplicasAvailable",
                "Deployment has minimum availability.",
                &now,
            )
        } else {
            util::set_condition(
                &old_conds,
                "Available",
                "False",
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.",
                &now,
            )
        };
        let complete = updated == want && total == want && available == want;
        let paused = d.pointer("/spec/paused").and_then(Value::as_bool) == Some(true);
        let (ps, reason, message) = if paused {
            ("Unknown", "DeploymentPaused", "Deployment is paused".to_string())
        } else if complete && fresh_new.is_some() {
            (
                "True",
                "NewReplicaSetAvailable",
                format!("ReplicaSet \"{new_name}\" has successfully progressed."),
            )
        } else if created {
            (
                "True",
                "NewReplicaSetCreated",
                format!("Created new replica set \"{new_name}\""),
            )
        } else {
            (
                "True",
                "ReplicaSetUpdated",
                format!("ReplicaSet \"{new_name}\" is progressing."),
            )
        };
        conds = util::set_condition(&conds, "Progressing", ps, reason, &message, &now);
        for c in conds.iter_mut() {
            let old = old_conds.iter().find(|o| o.get("type") == c.get("type"));
            let unchanged = old.is_some_and(|o| {
                o.get("status") == c.get("status")
                    && o.get("reason") == c.get("reason")
                    && o.get("message") == c.get("message")
            });
            let at = match old.and_then(|o| o.get("lastUpdateTime")) {
                Some(t) if unchanged => t.clone(),
                _ => json!(now),
            };
            if let Some(m) = c.as_object_mut() {
                m.insert("lastUpdateTime".into(), at);
            }
        }
        let mut status = Map::new();
        status.insert("observedGeneration".into(), generation);
        status.insert("replicas".into(), json!(total));
        status.insert("updatedReplicas".into(), json!(updated));
        status.insert("readyReplicas".into(), json!(ready));
        status.insert("availableReplicas".into(), json!(available));
        status.insert("unavailableReplicas".into(), json!((want - available).max(0)));
        status.insert("conditions".into(), json!(conds));
        if let Some(c) = old_status.get("collisionCount") {
            status.insert("collisionCount".into(), c.clone());
        }
        let status = Value::Object(status);
        if d.get("status") != Some(&status) {
            let mut updated_d = d.clone();
            updated_d["status"] = status;
            self.store.update_status(
                &deployments(),
                meta::namespace(d),
                meta::name(d).unwrap_or_default(),
                updated_d,
                &WriteOptions::default(),
            )?;
        }
        Ok(())
    }
}

impl Reconciler for DeploymentController {
    fn name(&self) -> &'static str {
        "deployment"
    }

    fn watches(&self) -> Vec<Gvr> {
        vec![deployments(), replicasets()]
    }

    fn keys(&mut self, index: usize, obj: &Value) -> Vec<ObjKey> {
        match index {
            0 => util::key_of(obj).into_iter().collect(),
            _ => util::owner_key(obj, "Deployment").into_iter().collect(),
        }
    }

    fn reconcile(&mut self, key: &ObjKey) -> Result<Option<Duration>, ApiError> {
        let d = match self.store.get(&deployments(), Some(&key.0), &key.1) {
            Ok(d) => d,
            Err(e) if e.code == 404 => return Ok(None),
            Err(e) => return Err(e),
        };
        if meta::is_deleting(&d) {
            return Ok(None);
        }
        let template = d.pointer("/spec/template").cloned().unwrap_or_else(|| json!({}));
        let want_template = without_hash(&template);
        let owned = self.owned(&d)?;
        let (mut news, mut old): (Vec<Value>, Vec<Value>) = owned
            .into_iter()
            .partition(|rs| rs.pointer("/spec/template").map(without_hash).as_ref() == Some(&want_template));
        news.sort_by_key(|rs| std::cmp::Reverse(revision(rs)));
        let mut new_rs = if news.is_empty() {
            None
        } else {
            Some(news.remove(0))
        };
        old.extend(news);
        let (surge, unavailable) = surge_and_unavailable(&d);
        let paused = d.pointer("/spec/paused").and_then(Value::as_bool) == Some(true);
        let recreate = d.pointer("/spec/strategy/type").and_then(Value::as_str) == Some("Recreate");
        let max_old_revision = old.iter().map(revision).max().unwrap_or(0);
        let mut created = false;
        if !paused {
            if recreate {
                for rs in old.iter_mut() {
                    self.scale(rs, 0, &d, surge)?;
                }
            }
            let old_pods_left = old
                .iter()
                .any(|rs| status_i64(rs, "replicas") > 0 || replicas(rs) > 0);
            if new_rs.is_none() {
                let collision = d.pointer("/status/collisionCount").and_then(Value::as_i64);
                let hash = template_hash(&template, collision);
                let start = if recreate && old_pods_left {
                    0
                } else if recreate {
                    replicas(&d)
                } else {
                    0
                };
                match self.create_rs(&d, &hash, start, max_old_revision + 1, surge) {
                    Ok(rs) => {
                        new_rs = Some(rs);
                        created = true;
                    }
                    Err(e) if e.code == 409 && e.reason == "AlreadyExists" => {
                        // A different template has this hash: count the collision and try another name.
                        let mut bumped = d.clone();
                        bumped["status"]["collisionCount"] = json!(collision.unwrap_or(0) + 1);
                        self.store.update_status(
                            &deployments(),
                            Some(&key.0),
                            &key.1,
                            bumped,
                            &WriteOptions::default(),
                        )?;
                        return Ok(None);
                    }
                    Err(e) => return Err(e),
                }
            }
            let new_rs = new_rs.as_mut().expect("found or created above");
            if revision(new_rs) <= max_old_revision {
                let patch =
                    json!({"metadata": {"annotations": {REVISION: (max_old_revision + 1).to_string()}}});
                let name = meta::name(new_rs).unwrap_or_default().to_string();
                *new_rs = self.store.patch(
                    &replicasets(),
                    Some(&key.0),
                    &name,
                    &PatchBody::Merge(patch),
                    &WriteOptions::default(),
                )?;
            }
            if recreate {
                if !old_pods_left {
                    self.scale(new_rs, replicas(&d), &d, surge)?;
                }
            } else {
                self.roll(&d, new_rs, &mut old, surge, unavailable)?;
            }
            self.cleanup(&d, &old)?;
            let rev = revision(new_rs).to_string();
            if util::annotation(&d, REVISION) != Some(rev.as_str()) {
                let patch = PatchBody::Merge(json!({"metadata": {"annotations": {REVISION: rev}}}));
                self.store.patch(
                    &deployments(),
                    Some(&key.0),
                    &key.1,
                    &patch,
                    &WriteOptions::default(),
                )?;
            }
        }
        let d = self.store.get(&deployments(), Some(&key.0), &key.1)?;
        self.write_status(&d, new_rs.as_ref(), created)?;
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_ignores_key_order_and_the_hash_label() {
        let a = json!({"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "c", "image": "i:1"}]}});
        let b = json!({"spec": {"containers": [{"image": "i:1", "name": "c"}]},
                       "metadata": {"labels": {"pod-template-hash": "xyz", "app": "web"}}});
        assert_eq!(template_hash(&a, None), template_hash(&b, None));
        let c = json!({"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "c", "image": "i:2"}]}});
        assert_ne!(template_hash(&a, None), template_hash(&c, None));
        assert_ne!(template_hash(&a, None), template_hash(&a, Some(1)));
        assert!(
            template_hash(&a, None)
                .chars()
                .all(|ch| "bcdfghjklmnpqrstvwxz2456789".contains(ch))
        );
    }

    #[test]
    fn surge_and_unavailable_resolve_like_kubernetes() {
        let d = |r: i64, s: Value, u: Value| json!({"spec": {"replicas": r, "strategy": {"rollingUpdate": {"maxSurge": s, "maxUnavailable": u}}}});
        assert_eq!(surge_and_unavailable(&d(4, json!("25%"), json!("25%"))), (1, 1));
        assert_eq!(surge_and_unavailable(&d(10, json!("25%"), json!("25%"))), (3, 2));
        assert_eq!(surge_and_unavailable(&d(3, json!(0), json!(0))), (0, 1));
        assert_eq!(surge_and_unavailable(&d(2, json!(1), json!(5))), (1, 2));
    }
}
