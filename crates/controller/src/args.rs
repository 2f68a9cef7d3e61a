//! Command-line flags of `rollouts-controller`, named as Argo's (`cmd/rollouts-controller/main.go`), and
//! the settings derived from them (watched namespace, lease name, controller namespace).

use std::path::PathBuf;
use std::time::Duration;

use clap::{ArgAction, Parser, ValueEnum};

/// Default lease name (`defaultLeaderElectionLeaseLockName`).
pub const LEASE_NAME: &str = "argo-rollouts-controller-lock";
/// Where Kubernetes mounts the service account's namespace.
const SERVICE_ACCOUNT_NAMESPACE_FILE: &str = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

/// `rollouts-controller`: the Argo Rollouts-compatible controller.
#[derive(Clone, Debug, Parser)]
#[command(
    name = "rollouts-controller",
    version,
    about = "argo-rollouts is a controller to operate on rollout CRD"
)]
pub struct Args {
    /// Path to a kubeconfig file (default: $KUBECONFIG, ~/.kube/config, then in-cluster config).
    #[arg(long, env = "KUBECONFIG")]
    pub kubeconfig: Option<PathBuf>,
    /// Namespace to watch (implies namespaced mode); with --namespaced alone, the kubeconfig's namespace.
    #[arg(long, short = 'n')]
    pub namespace: Option<String>,
    /// Runs the controller in namespaced mode (does not require cluster RBAC).
    #[arg(long)]
    pub namespaced: bool,
    /// Indicates which argo rollout objects the controller should operate on.
    #[arg(long = "instance-id", default_value = "")]
    pub instance_id: String,
    /// Time period in seconds for rollouts resync.
    #[arg(long = "rollout-resync", default_value_t = 900)]
    pub rollout_resync: u64,
    /// Set the number of worker threads for the Rollout controller.
    #[arg(long = "rollout-threads", default_value_t = 10)]
    pub rollout_threads: u16,
    /// Set the logging level. One of: debug|info|warn|error.
    #[arg(long, default_value = "info")]
    pub loglevel: String,
    /// Set the logging format. One of: text|json.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub logformat: LogFormat,
    /// Set the port the metrics endpoint should be exposed over (`--metricsport` is deprecated).
    #[arg(long = "metricsPort", alias = "metricsport", default_value_t = 8090)]
    pub metrics_port: u16,
    /// Set the port the healthz endpoint should be exposed over.
    #[arg(long = "healthzPort", default_value_t = 8080)]
    pub healthz_port: u16,
    /// Maximum QPS (queries per second) to the K8s API server.
    #[arg(long, default_value_t = 40.0)]
    pub qps: f32,
    /// Maximum burst for throttle.
    #[arg(long, default_value_t = 80)]
    pub burst: u32,
    /// If true, controller will perform leader election between instances to ensure no more than one
    /// instance of controller operates at a time.
    #[arg(long = "leader-elect", action = ArgAction::Set, num_args = 0..=1, require_equals = true,
          default_value_t = true, default_missing_value = "true")]
    pub leader_elect: bool,
    /// The duration that non-leader candidates will wait after observing a leadership renewal until
    /// attempting to acquire leadership of a led but unrenewed leader slot.
    #[arg(long = "leader-election-lease-duration", value_parser = parse_duration, default_value = "15s")]
    pub leader_election_lease_duration: Duration,
    /// The interval between attempts by the acting master to renew a leadership slot before it stops
    /// leading.
    #[arg(long = "leader-election-renew-deadline", value_parser = parse_duration, default_value = "10s")]
    pub leader_election_renew_deadline: Duration,
    /// The duration the clients should wait between attempting acquisition and renewal of a leadership.
    #[arg(long = "leader-election-retry-period", value_parser = parse_duration, default_value = "2s")]
    pub leader_election_retry_period: Duration,
}

/// Log output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// Parses a Go duration (`15s`, `1m30s`, `500ms`); a bare number is seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    if let Ok(secs) = s.parse::<u64>() {
        return Ok(Duration::from_secs(secs));
    }
    let nanos = rollouts_api::parse_go_duration_nanos(s).map_err(|e| e.to_string())?;
    u64::try_from(nanos)
        .map(Duration::from_nanos)
        .map_err(|_| format!("duration {s} is negative"))
}

impl Args {
    /// The lease name: `argo-rollouts-controller-lock[-<instanceID>]` (`leaseLockName`).
    pub fn lease_name(&self) -> String {
        lease_name(&self.instance_id)
    }

    /// The namespace to watch (`None`: all namespaces), given the client's default namespace.
    pub fn watch_namespace(&self, client_default: &str) -> Option<String> {
        match (&self.namespace, self.namespaced) {
            (Some(ns), _) => Some(ns.clone()),
            (None, true) => Some(client_default.to_string()),
            (None, false) => None,
        }
    }
}

/// The lease name for an instance id.
pub fn lease_name(instance_id: &str) -> String {
    if instance_id.is_empty() {
        LEASE_NAME.to_string()
    } else {
        format!("{LEASE_NAME}-{instance_id}")
    }
}

/// The controller's own namespace (`defaults.Namespace()`): `$POD_NAMESPACE`, else the service account's
/// namespace file, else `argo-rollouts`.
pub fn controller_namespace() -> String {
    if let Ok(ns) = std::env::var("POD_NAMESPACE") {
        return ns;
    }
    if let Ok(ns) = std::fs::read_to_string(SERVICE_ACCOUNT_NAMESPACE_FILE) {
        let ns = ns.trim();
        if !ns.is_empty() {
            return ns.to_string();
        }
    }
    "argo-rollouts".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_argo() {
        let a = Args::try_parse_from(["rollouts-controller"]).unwrap();
        assert!(a.leader_elect);
        assert_eq!(a.leader_election_lease_duration, Duration::from_secs(15));
        assert_eq!(a.leader_election_renew_deadline, Duration::from_secs(10));
        assert_eq!(a.leader_election_retry_period, Duration::from_secs(2));
        assert_eq!((a.metrics_port, a.healthz_port), (8090, 8080));
        assert_eq!((a.rollout_threads, a.rollout_resync), (10, 900));
        assert_eq!(a.logformat, LogFormat::Text);
        assert_eq!(a.lease_name(), "argo-rollouts-controller-lock");
        assert_eq!(a.watch_namespace("default"), None);
    }

    #[test]
    fn argo_spellings_parse() {
        let a = Args::try_parse_from([
            "rollouts-controller",
            "--leader-elect=false",
            "--metricsport",
            "9000",
            "--healthzPort",
            "9001",
            "--leader-election-lease-duration",
            "1m30s",
            "--instance-id",
            "blue",
            "--logformat",
            "json",
            "--namespaced",
        ])
        .unwrap();
        assert!(!a.leader_elect);
        assert_eq!((a.metrics_port, a.healthz_port), (9000, 9001));
        assert_eq!(a.leader_election_lease_duration, Duration::from_secs(90));
        assert_eq!(a.lease_name(), "argo-rollouts-controller-lock-blue");
        assert_eq!(a.logformat, LogFormat::Json);
        assert_eq!(a.watch_namespace("team"), Some("team".into()));
        let b =
            Args::try_parse_from(["rollouts-controller", "--metricsPort", "1", "--leader-elect"]).unwrap();
        assert_eq!(b.metrics_port, 1);
        assert!(b.leader_elect);
        assert_eq!(
            Args::try_parse_from(["x", "--namespace", "a"])
                .unwrap()
                .watch_namespace("b"),
            Some("a".into())
        );
    }

    #[test]
    fn bad_durations_are_rejected_with_the_flag_named() {
        let err = Args::try_parse_from(["x", "--leader-election-retry-period", "soon"]).unwrap_err();
        assert!(err.to_string().contains("leader-election-retry-period"), "{err}");
        assert!(parse_duration("-1s").is_err());
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
    }
}
