//! How a simulated pod behaves: its lifecycle timing and failure mode (read by the kubelet) and how it
//! answers requests (read by the traffic simulator). Everything comes from the pod's annotations under
//! [`ANNOTATION_PREFIX`] (copied from the pod template by the ReplicaSet, Deployment and Job
//! controllers) and, for the demo image `argoproj/rollouts-demo:<tag>`, from the image tag.
//!
//! | annotation (`sandbox.rollouts.dev/…`) | values | default |
//! |---|---|---|
//! | `start-after` | duration (`50ms`, `2s`, `1m`) from scheduling to containers running | [`PodDefaults::start_after`] |
//! | `ready-after` | duration from containers running to `Ready` | [`PodDefaults::ready_after`] |
//! | `fail` | `never-ready`, `crash-loop`, `image-pull`, `unschedulable` | none |
//! | `crash-after` | duration a crash-looping container runs before exiting with code 1 | [`PodDefaults::crash_after`] |
//! | `error-rate` | fraction `0.5` or percentage `50%` of requests answered with HTTP 500 | 0 |
//! | `latency` | duration of every response | [`PodDefaults::latency`] |
//! | `job-result` | `succeed` or `fail` (exit code 0 or 1) | `succeed` |
//! | `job-duration` | how long a run-to-completion container runs | [`PodDefaults::job_duration`] |
//!
//! Image rules (only for an image whose repository's last path segment is `rollouts-demo`): the tag is
//! the version; a tag `bad-<color>` answers [`PodDefaults::bad_image_error_rate`] of requests with
//! HTTP 500, a tag `slow-<color>` answers after [`PodDefaults::slow_image_latency`]. An annotation wins
//! over an image rule. A pod runs to completion (instead of serving forever) when it is controlled by a
//! Job or carries `job-result` or `job-duration`. An unparsable annotation is ignored (the default
//! applies) and reported in [`PodBehaviour::problems`]; the kubelet turns that into a Warning Event.

use std::time::Duration;

use serde_json::Value;

use super::util::{self, parse_duration};

/// The prefix of the behaviour annotations.
pub const ANNOTATION_PREFIX: &str = "sandbox.rollouts.dev/";

/// Defaults for pods without behaviour annotations (all durations in sandbox time).
#[derive(Debug, Clone, PartialEq)]
pub struct PodDefaults {
    /// From scheduling to containers running.
    pub start_after: Duration,
    /// From containers running to `Ready` (a stand-in for a readiness probe).
    pub ready_after: Duration,
    /// How long a crash-looping container runs before it exits.
    pub crash_after: Duration,
    /// The first crash back-off; it doubles at every restart.
    pub crash_backoff: Duration,
    /// The largest crash back-off.
    pub crash_backoff_max: Duration,
    /// How long a run-to-completion (Job) container runs.
    pub job_duration: Duration,
    /// The latency of every response.
    pub latency: Duration,
    /// The error rate of `rollouts-demo:bad-<color>` images.
    pub bad_image_error_rate: f64,
    /// The latency of `rollouts-demo:slow-<color>` images (the real images sleep 2 s).
    pub slow_image_latency: Duration,
}

impl Default for PodDefaults {
    fn default() -> Self {
        PodDefaults {
            start_after: Duration::from_millis(50),
            ready_after: Duration::from_millis(200),
            crash_after: Duration::from_millis(500),
            crash_backoff: Duration::from_secs(1),
            crash_backoff_max: Duration::from_secs(20),
            job_duration: Duration::from_millis(500),
            latency: Duration::from_millis(10),
            bad_image_error_rate: 0.8,
            slow_image_latency: Duration::from_secs(2),
        }
    }
}

/// A simulated failure mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailMode {
    /// Healthy.
    None,
    /// Running but never `Ready` (a failing readiness probe).
    NeverReady,
    /// The container exits with code 1 after `crash_after`, then restarts after a back-off
    /// (`CrashLoopBackOff`, `restartCount` grows); with `restartPolicy: Never` the pod fails.
    CrashLoop,
    /// The image cannot be pulled: `ErrImagePull`, then `ImagePullBackOff`; the pod stays Pending.
    ImagePull,
    /// No node accepts the pod: it stays Pending with `PodScheduled=False` (`Unschedulable`).
    Unschedulable,
}

/// Everything the simulators need to know about one pod.
#[derive(Debug, Clone, PartialEq)]
pub struct PodBehaviour {
    /// From scheduling to containers running.
    pub start_after: Duration,
    /// From containers running to `Ready`.
    pub ready_after: Duration,
    /// The failure mode.
    pub fail: FailMode,
    /// How long a crash-looping container runs.
    pub crash_after: Duration,
    /// The fraction of requests answered with HTTP 500.
    pub error_rate: f64,
    /// The latency of every response.
    pub latency: Duration,
    /// Whether the containers run to completion (Job pods).
    pub runs_to_completion: bool,
    /// Whether a run-to-completion container succeeds (exit code 0) or fails (exit code 1).
    pub job_succeeds: bool,
    /// How long a run-to-completion container runs.
    pub job_duration: Duration,
    /// The first container's image.
    pub image: String,
    /// The version: the image tag (`latest` when the image has none).
    pub version: String,
    /// Annotations that could not be parsed (each message names the annotation and the value).
    pub problems: Vec<String>,
}

/// Splits an image reference into (repository, tag); the tag is `latest` when absent.
pub fn split_image(image: &str) -> (&str, &str) {
    let image = image.split('@').next().unwrap_or(image);
    let last_slash = image.rfind('/').map(|i| i + 1).unwrap_or(0);
    match image[last_slash..].rfind(':') {
        Some(i) => (&image[..last_slash + i], &image[last_slash + i + 1..]),
        None => (image, "latest"),
    }
}

fn parse_rate(s: &str) -> Option<f64> {
    let s = s.trim();
    let rate = match s.strip_suffix('%') {
        Some(p) => p.trim().parse::<f64>().ok()? / 100.0,
        None => s.parse::<f64>().ok()?,
    };
    (0.0..=1.0).contains(&rate).then_some(rate)
}

impl PodBehaviour {
    /// The behaviour of `pod` (a Pod object) under `defaults`.
    pub fn of(pod: &Value, defaults: &PodDefaults) -> Self {
        let image = pod
            .pointer("/spec/containers/0/image")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let (repo, tag) = split_image(&image);
        let demo = repo.rsplit('/').next() == Some("rollouts-demo");
        let mut problems = Vec::new();
        let ann = |key: &str| util::annotation(pod, &format!("{ANNOTATION_PREFIX}{key}")).map(str::to_string);
        let mut duration = |key: &str, default: Duration| match ann(key) {
            None => default,
            Some(v) => parse_duration(&v).unwrap_or_else(|| {
                problems.push(format!(
                    "{ANNOTATION_PREFIX}{key}: invalid duration {v:?} (use e.g. 200ms, 2s, 1m)"
                ));
                default
            }),
        };
        let start_after = duration("start-after", defaults.start_after);
        let ready_after = duration("ready-after", defaults.ready_after);
        let crash_after = duration("crash-after", defaults.crash_after);
        let job_duration = duration("job-duration", defaults.job_duration);
        let image_latency = if demo && tag.starts_with("slow-") {
            defaults.slow_image_latency
        } else {
            defaults.latency
        };
        let latency = duration("latency", image_latency);
        let image_rate = if demo && tag.starts_with("bad-") {
            defaults.bad_image_error_rate
        } else {
            0.0
        };
        let error_rate = match ann("error-rate") {
            None => image_rate,
            Some(v) => parse_rate(&v).unwrap_or_else(|| {
                problems.push(format!(
                    "{ANNOTATION_PREFIX}error-rate: invalid rate {v:?} (use 0..1 or 0%..100%)"
                ));
                image_rate
            }),
        };
        let fail = match ann("fail").as_deref() {
            None | Some("" | "none") => FailMode::None,
            Some("never-ready") => FailMode::NeverReady,
            Some("crash-loop") => FailMode::CrashLoop,
            Some("image-pull") => FailMode::ImagePull,
            Some("unschedulable") => FailMode::Unschedulable,
            Some(other) => {
                problems.push(format!(
                    "{ANNOTATION_PREFIX}fail: unknown mode {other:?} (use never-ready, crash-loop, image-pull or unschedulable)"
                ));
                FailMode::None
            }
        };
        let job_result = ann("job-result");
        let job_succeeds = match job_result.as_deref() {
            None | Some("succeed") => true,
            Some("fail") => false,
            Some(other) => {
                problems.push(format!(
                    "{ANNOTATION_PREFIX}job-result: unknown result {other:?} (use succeed or fail)"
                ));
                true
            }
        };
        let owned_by_job = util::controller_ref(pod).is_some_and(|(kind, _, _)| kind == "Job");
        let runs_to_completion = owned_by_job || job_result.is_some() || ann("job-duration").is_some();
        PodBehaviour {
            start_after,
            ready_after,
            fail,
            crash_after,
            error_rate,
            latency,
            runs_to_completion,
            job_succeeds,
            job_duration,
            version: tag.to_string(),
            image,
            problems,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(image: &str, annotations: Value) -> Value {
        json!({"metadata": {"name": "p", "annotations": annotations}, "spec": {"containers": [{"name": "c", "image": image}]}})
    }

    #[test]
    fn images_split_into_repository_and_tag() {
        assert_eq!(
            split_image("argoproj/rollouts-demo:blue"),
            ("argoproj/rollouts-demo", "blue")
        );
        assert_eq!(
            split_image("localhost:5000/app"),
            ("localhost:5000/app", "latest")
        );
        assert_eq!(split_image("nginx:1.25@sha256:abc"), ("nginx", "1.25"));
    }

    #[test]
    fn demo_image_tags_set_errors_and_latency() {
        let d = PodDefaults::default();
        let bad = PodBehaviour::of(&pod("argoproj/rollouts-demo:bad-red", json!({})), &d);
        assert_eq!(
            (bad.error_rate, bad.version.as_str()),
            (d.bad_image_error_rate, "bad-red")
        );
        let slow = PodBehaviour::of(&pod("argoproj/rollouts-demo:slow-red", json!({})), &d);
        assert_eq!((slow.latency, slow.error_rate), (d.slow_image_latency, 0.0));
        let other = PodBehaviour::of(&pod("example/app:bad-red", json!({})), &d);
        assert_eq!(
            other.error_rate, 0.0,
            "the tag rules apply to the demo image only"
        );
    }

    #[test]
    fn annotations_override_defaults_and_image_rules() {
        let d = PodDefaults::default();
        let b = PodBehaviour::of(
            &pod(
                "argoproj/rollouts-demo:bad-red",
                json!({"sandbox.rollouts.dev/error-rate": "25%", "sandbox.rollouts.dev/ready-after": "2s",
                       "sandbox.rollouts.dev/fail": "crash-loop", "sandbox.rollouts.dev/latency": "150ms"}),
            ),
            &d,
        );
        assert_eq!(b.error_rate, 0.25);
        assert_eq!(b.ready_after, Duration::from_secs(2));
        assert_eq!(b.fail, FailMode::CrashLoop);
        assert_eq!(b.latency, Duration::from_millis(150));
        assert!(b.problems.is_empty());
        assert!(!b.runs_to_completion);
    }

    #[test]
    fn bad_annotations_are_reported_and_ignored() {
        let d = PodDefaults::default();
        let b = PodBehaviour::of(
            &pod(
                "app",
                json!({"sandbox.rollouts.dev/ready-after": "soon", "sandbox.rollouts.dev/fail": "explode",
                               "sandbox.rollouts.dev/error-rate": "2"}),
            ),
            &d,
        );
        assert_eq!(
            (b.ready_after, b.fail, b.error_rate),
            (d.ready_after, FailMode::None, 0.0)
        );
        assert_eq!(b.problems.len(), 3, "{:?}", b.problems);
        assert!(b.problems[0].contains("ready-after") && b.problems[0].contains("soon"));
    }

    #[test]
    fn job_pods_run_to_completion() {
        let d = PodDefaults::default();
        let mut p = pod("busybox", json!({"sandbox.rollouts.dev/job-result": "fail"}));
        let b = PodBehaviour::of(&p, &d);
        assert!(b.runs_to_completion && !b.job_succeeds);
        p["metadata"]["annotations"] = json!({});
        p["metadata"]["ownerReferences"] =
            json!([{"kind": "Job", "name": "j", "uid": "u", "controller": true}]);
        let b = PodBehaviour::of(&p, &d);
        assert!(b.runs_to_completion && b.job_succeeds);
    }
}
