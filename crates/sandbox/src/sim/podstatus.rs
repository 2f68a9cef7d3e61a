//! The kubelet's pure part: where a pod is in its lifecycle after some sandbox time on its node
//! ([`lifecycle`]), and the Pod `status` that state shows ([`build_status`]), keeping condition
//! transition times and container start times while nothing changes so that repeated reconciles
//! write nothing.
//!
//! Timeline from the moment the kubelet first sees the pod on its node (`t = 0`):
//! * healthy: `ContainerCreating` until `start_after`, then Running; `Ready` at `start_after + ready_after`;
//! * `never-ready`: Running, never `Ready`;
//! * `image-pull`: Pending with `ErrImagePull` until `start_after`, then `ImagePullBackOff` for ever;
//! * `crash-loop`: each run lasts `crash_after` and exits with code 1 (`Error`); the container then waits
//!   in `CrashLoopBackOff` for `crash_backoff * 2^(n-1)` (capped at `crash_backoff_max`) after the n-th
//!   crash, with `restartCount = n` and `lastState.terminated`; never `Ready`. With
//!   `restartPolicy: Never` the first exit makes the pod `Failed`;
//! * run to completion (Job pods): Running and `Ready` from `start_after` for `job_duration`, then
//!   `Succeeded` (exit 0, `Completed`) or `Failed` (exit 1, `Error`).

use std::time::Duration;

use serde_json::{Value, json};

use super::behaviour::{FailMode, PodBehaviour, PodDefaults};
use super::util::set_condition;
use crate::meta;

/// Where a pod is in its lifecycle.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Lifecycle {
    /// Containers being created (Pending).
    Creating,
    /// The first failed pull (Pending).
    ErrImagePull,
    /// Pulls keep failing (Pending).
    ImagePullBackOff,
    /// Containers running.
    Running { ready: bool, restarts: u32 },
    /// Waiting to restart after a crash.
    BackOff { restarts: u32, backoff: Duration },
    /// Containers exited for good.
    Completed { success: bool, restarts: u32 },
}

fn backoff(d: &PodDefaults, crash: u32) -> Duration {
    let factor = 2u32.saturating_pow(crash.saturating_sub(1).min(30));
    d.crash_backoff.saturating_mul(factor).min(d.crash_backoff_max)
}

/// The state `elapsed` (sandbox time) after the kubelet first saw the pod, and how long until the next
/// change (None when nothing more will happen by itself).
pub(crate) fn lifecycle(
    b: &PodBehaviour,
    d: &PodDefaults,
    restart_never: bool,
    elapsed: Duration,
) -> (Lifecycle, Option<Duration>) {
    let start = b.start_after;
    if b.fail == FailMode::ImagePull {
        return if elapsed < start {
            (Lifecycle::ErrImagePull, Some(start - elapsed))
        } else {
            (Lifecycle::ImagePullBackOff, None)
        };
    }
    if elapsed < start {
        return (Lifecycle::Creating, Some(start - elapsed));
    }
    if b.runs_to_completion && b.fail != FailMode::CrashLoop {
        let end = start + b.job_duration;
        return if elapsed < end {
            (
                Lifecycle::Running {
                    ready: true,
                    restarts: 0,
                },
                Some(end - elapsed),
            )
        } else {
            (
                Lifecycle::Completed {
                    success: b.job_succeeds,
                    restarts: 0,
                },
                None,
            )
        };
    }
    match b.fail {
        FailMode::NeverReady => (
            Lifecycle::Running {
                ready: false,
                restarts: 0,
            },
            None,
        ),
        FailMode::CrashLoop => {
            let run = b.crash_after.max(Duration::from_millis(1));
            let mut run_start = start;
            let mut restarts = 0u32;
            loop {
                let crash = run_start + run;
                if elapsed < crash {
                    return (
                        Lifecycle::Running {
                            ready: false,
                            restarts,
                        },
                        Some(crash - elapsed),
                    );
                }
                if restart_never {
                    return (
                        Lifecycle::Completed {
                            success: false,
                            restarts,
                        },
                        None,
                    );
                }
                restarts += 1;
                let wait = backoff(d, restarts);
                let restart = crash + wait;
                if elapsed < restart {
                    return (
                        Lifecycle::BackOff {
                            restarts,
                            backoff: wait,
                        },
                        Some(restart - elapsed),
                    );
                }
                run_start = restart;
            }
        }
        _ => {
            let ready_at = start + b.ready_after;
            if elapsed < ready_at {
                (
                    Lifecycle::Running {
                        ready: false,
                        restarts: 0,
                    },
                    Some(ready_at - elapsed),
                )
            } else {
                (
                    Lifecycle::Running {
                        ready: true,
                        restarts: 0,
                    },
                    None,
                )
            }
        }
    }
}

/// A stable fake container ID for one run of one container.
fn container_id(uid: &str, name: &str, run: u32) -> String {
    use std::hash::Hasher;
    let mut h = fnv::FnvHasher::default();
    h.write(format!("{uid}/{name}/{run}").as_bytes());
    let x = h.finish();
    format!(
        "containerd://{x:016x}{:016x}{x:016x}{:016x}",
        x.rotate_left(17),
        x.rotate_left(41)
    )
}

fn running_started(old: Option<&Value>, restarts: u32) -> Option<Value> {
    let old = old?;
    let same_run = old.get("restartCount").and_then(Value::as_u64) == Some(u64::from(restarts));
    if !same_run {
        return None;
    }
    old.pointer("/state/running/startedAt")
        .or_else(|| old.pointer("/state/terminated/startedAt"))
        .cloned()
}

struct Ctx<'a> {
    pod_name: &'a str,
    namespace: &'a str,
    uid: &'a str,
    image: &'a str,
    now: &'a str,
}

fn container_status(name: &str, old: Option<&Value>, lc: &Lifecycle, c: &Ctx<'_>) -> Value {
    let image_id = format!("sandbox://{}", c.image);
    let waiting = |reason: &str, message: Option<String>| {
        let mut w = json!({"reason": reason});
        if let Some(m) = message {
            w["message"] = json!(m);
        }
        json!({"waiting": w})
    };
    let old_last = old
        .and_then(|o| o.get("lastState"))
        .cloned()
        .unwrap_or_else(|| json!({}));
    let (state, last, ready, started, restarts, pulled) = match lc {
        Lifecycle::Creating => (
            waiting("ContainerCreating", None),
            json!({}),
            false,
            false,
            0,
            false,
        ),
        Lifecycle::ErrImagePull => {
            let msg = format!(
                "failed to pull and unpack image \"{}\": not found (simulated)",
                c.image
            );
            (
                waiting("ErrImagePull", Some(msg)),
                json!({}),
                false,
                false,
                0,
                false,
            )
        }
        Lifecycle::ImagePullBackOff => {
            let msg = format!("Back-off pulling image \"{}\"", c.image);
            (
                waiting("ImagePullBackOff", Some(msg)),
                json!({}),
                false,
                false,
                0,
                false,
            )
        }
        Lifecycle::Running { ready, restarts } => {
            let started_at = running_started(old, *restarts).unwrap_or_else(|| json!(c.now));
            let state = json!({"running": {"startedAt": started_at}});
            (state, old_last, *ready, true, *restarts, true)
        }
        Lifecycle::BackOff { restarts, backoff } => {
            let same =
                old.and_then(|o| o.get("restartCount")).and_then(Value::as_u64) == Some(u64::from(*restarts));
            let last = if same && old_last.get("terminated").is_some() {
                old_last
            } else {
                let started_at = running_started(old, restarts - 1).unwrap_or_else(|| json!(c.now));
                json!({"terminated": {"exitCode": 1, "reason": "Error", "startedAt": started_at, "finishedAt": c.now,
                                      "containerID": container_id(c.uid, name, restarts - 1)}})
            };
            let msg = format!(
                "back-off {}s restarting failed container={name} pod={}_{}({})",
                backoff.as_secs().max(1),
                c.pod_name,
                c.namespace,
                c.uid
            );
            (
                waiting("CrashLoopBackOff", Some(msg)),
                last,
                false,
                false,
                *restarts,
                true,
            )
        }
        Lifecycle::Completed { success, restarts } => {
            let old_term = old.and_then(|o| o.pointer("/state/terminated")).cloned();
            let state = match old_term {
                Some(t) => json!({"terminated": t}),
                None => {
                    let started_at = running_started(old, *restarts).unwrap_or_else(|| json!(c.now));
                    let (code, reason) = if *success { (0, "Completed") } else { (1, "Error") };
                    json!({"terminated": {"exitCode": code, "reason": reason, "startedAt": started_at,
                                          "finishedAt": c.now, "containerID": container_id(c.uid, name, *restarts)}})
                }
            };
            (state, old_last, false, false, *restarts, true)
        }
    };
    let mut s = json!({
        "name": name,
        "image": c.image,
        "imageID": if pulled { image_id } else { String::new() },
        "ready": ready,
        "started": started,
        "restartCount": restarts,
        "state": state,
        "lastState": last,
    });
    if pulled {
        s["containerID"] = json!(container_id(c.uid, name, restarts));
    }
    s
}

/// Where the pod runs.
pub(crate) struct Placement<'a> {
    pub pod_ip: &'a str,
    pub host_ip: &'a str,
}

/// The Pod `status` for lifecycle state `lc`, built on the pod's current status.
pub(crate) fn build_status(
    pod: &Value,
    b: &PodBehaviour,
    lc: &Lifecycle,
    at: &Placement<'_>,
    now: &str,
) -> Value {
    let old = pod.get("status").cloned().unwrap_or_else(|| json!({}));
    let old_conds: Vec<Value> = old
        .get("conditions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let containers: Vec<(String, String)> = pod
        .pointer("/spec/containers")
        .and_then(Value::as_array)
        .map(|cs| {
            cs.iter()
                .map(|c| {
                    let s = |k: &str| c.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
                    (s("name"), s("image"))
                })
                .collect()
        })
        .unwrap_or_default();
    let (phase, ready, completed) = match lc {
        Lifecycle::Creating | Lifecycle::ErrImagePull | Lifecycle::ImagePullBackOff => {
            ("Pending", false, false)
        }
        Lifecycle::Running { ready, .. } => ("Running", *ready, false),
        Lifecycle::BackOff { .. } => ("Running", false, false),
        Lifecycle::Completed { success: true, .. } => ("Succeeded", false, true),
        Lifecycle::Completed { success: false, .. } => ("Failed", false, true),
    };
    let names: Vec<&str> = containers.iter().map(|(n, _)| n.as_str()).collect();
    let unready = format!("containers with unready status: [{}]", names.join(" "));
    let (rs, reason, msg) = if ready {
        ("True", "", "")
    } else if completed {
        ("False", "PodCompleted", "")
    } else {
        ("False", "ContainersNotReady", unready.as_str())
    };
    let mut conds = set_condition(&old_conds, "PodReadyToStartContainers", "True", "", "", now);
    conds = set_condition(&conds, "Initialized", "True", "", "", now);
    conds = set_condition(&conds, "Ready", rs, reason, msg, now);
    conds = set_condition(&conds, "ContainersReady", rs, reason, msg, now);
    conds = set_condition(&conds, "PodScheduled", "True", "", "", now);
    let old_statuses: Vec<Value> = old
        .get("containerStatuses")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let uid = meta::uid(pod).unwrap_or_default();
    let statuses: Vec<Value> = containers
        .iter()
        .map(|(name, image)| {
            let prev = old_statuses
                .iter()
                .find(|s| s.get("name").and_then(Value::as_str) == Some(name));
            let image = if image.is_empty() {
                b.image.as_str()
            } else {
                image.as_str()
            };
            let c = Ctx {
                pod_name: meta::name(pod).unwrap_or_default(),
                namespace: meta::namespace(pod).unwrap_or_default(),
                uid,
                image,
                now,
            };
            container_status(name, prev, lc, &c)
        })
        .collect();
    json!({
        "phase": phase,
        "conditions": conds,
        "hostIP": at.host_ip,
        "hostIPs": [{"ip": at.host_ip}],
        "podIP": at.pod_ip,
        "podIPs": [{"ip": at.pod_ip}],
        "startTime": old.get("startTime").cloned().unwrap_or_else(|| json!(now)),
        "qosClass": "BestEffort",
        "containerStatuses": statuses,
    })
}

/// The status of a pod no node accepts.
pub(crate) fn unschedulable_status(pod: &Value, message: &str, now: &str) -> Value {
    let old = pod.get("status").cloned().unwrap_or_else(|| json!({}));
    let old_conds: Vec<Value> = old
        .get("conditions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let conds = set_condition(&old_conds, "PodScheduled", "False", "Unschedulable", message, now);
    json!({"phase": "Pending", "conditions": conds, "qosClass": "BestEffort"})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn behaviour(fail: FailMode) -> PodBehaviour {
        let d = PodDefaults::default();
        let mut b = PodBehaviour::of(
            &json!({"spec": {"containers": [{"name": "c", "image": "app:v1"}]}}),
            &d,
        );
        b.fail = fail;
        b
    }

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn healthy_pods_start_then_become_ready() {
        let d = PodDefaults::default();
        let b = behaviour(FailMode::None);
        assert_eq!(
            lifecycle(&b, &d, false, ms(0)),
            (Lifecycle::Creating, Some(ms(50)))
        );
        assert_eq!(
            lifecycle(&b, &d, false, ms(60)),
            (
                Lifecycle::Running {
                    ready: false,
                    restarts: 0
                },
                Some(ms(190))
            )
        );
        assert_eq!(
            lifecycle(&b, &d, false, ms(250)),
            (
                Lifecycle::Running {
                    ready: true,
                    restarts: 0
                },
                None
            )
        );
    }

    #[test]
    fn crash_loops_back_off_exponentially() {
        let d = PodDefaults::default();
        let b = behaviour(FailMode::CrashLoop);
        // start 50ms, crash at 550ms, back-off 1s -> restart at 1550ms, crash at 2050ms, back-off 2s.
        assert_eq!(
            lifecycle(&b, &d, false, ms(500)).0,
            Lifecycle::Running {
                ready: false,
                restarts: 0
            }
        );
        assert_eq!(
            lifecycle(&b, &d, false, ms(600)),
            (
                Lifecycle::BackOff {
                    restarts: 1,
                    backoff: ms(1000)
                },
                Some(ms(950))
            )
        );
        assert_eq!(
            lifecycle(&b, &d, false, ms(1600)).0,
            Lifecycle::Running {
                ready: false,
                restarts: 1
            }
        );
        assert_eq!(
            lifecycle(&b, &d, false, ms(2100)).0,
            Lifecycle::BackOff {
                restarts: 2,
                backoff: ms(2000)
            }
        );
        assert_eq!(
            lifecycle(&b, &d, true, ms(600)),
            (
                Lifecycle::Completed {
                    success: false,
                    restarts: 0
                },
                None
            )
        );
    }

    #[test]
    fn image_pull_failures_stay_pending() {
        let d = PodDefaults::default();
        let b = behaviour(FailMode::ImagePull);
        assert_eq!(lifecycle(&b, &d, false, ms(10)).0, Lifecycle::ErrImagePull);
        assert_eq!(
            lifecycle(&b, &d, false, ms(10_000)),
            (Lifecycle::ImagePullBackOff, None)
        );
    }

    #[test]
    fn jobs_complete_after_their_duration() {
        let d = PodDefaults::default();
        let mut b = behaviour(FailMode::None);
        b.runs_to_completion = true;
        b.job_succeeds = false;
        assert_eq!(
            lifecycle(&b, &d, true, ms(100)).0,
            Lifecycle::Running {
                ready: true,
                restarts: 0
            }
        );
        assert_eq!(
            lifecycle(&b, &d, true, ms(600)),
            (
                Lifecycle::Completed {
                    success: false,
                    restarts: 0
                },
                None
            )
        );
    }

    #[test]
    fn status_is_stable_across_reconciles() {
        let b = behaviour(FailMode::None);
        let mut pod = json!({"metadata": {"name": "p", "namespace": "ns", "uid": "u1"},
                             "spec": {"containers": [{"name": "c", "image": "app:v1"}]}});
        let at = Placement {
            pod_ip: "10.244.0.2",
            host_ip: "192.168.49.2",
        };
        let lc = Lifecycle::Running {
            ready: true,
            restarts: 0,
        };
        let first = build_status(&pod, &b, &lc, &at, "2024-01-01T00:00:00Z");
        assert_eq!(first["phase"], "Running");
        assert_eq!(first["containerStatuses"][0]["ready"], true);
        pod["status"] = first.clone();
        let again = build_status(&pod, &b, &lc, &at, "2024-01-01T00:00:30Z");
        assert_eq!(first, again, "nothing changed, so nothing may be rewritten");
        let crashed = build_status(
            &pod,
            &b,
            &Lifecycle::BackOff {
                restarts: 1,
                backoff: ms(1000),
            },
            &at,
            "2024-01-01T00:01:00Z",
        );
        let cs = &crashed["containerStatuses"][0];
        assert_eq!(cs["state"]["waiting"]["reason"], "CrashLoopBackOff");
        assert_eq!(cs["lastState"]["terminated"]["startedAt"], "2024-01-01T00:00:00Z");
        assert_eq!(cs["restartCount"], 1);
        let ready = crashed["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["type"] == "Ready")
            .unwrap();
        assert_eq!(
            (ready["status"].as_str(), ready["lastTransitionTime"].as_str()),
            (Some("False"), Some("2024-01-01T00:01:00Z"))
        );
    }
}
