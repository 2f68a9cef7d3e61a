//! The controller's error type: one `thiserror` enum for the library, with a short `category()` used as
//! a log field and as the reason of `ReconciliationError` events.

use std::time::Duration;

/// What can go wrong in the controller.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A Kubernetes API call failed.
    #[error("{action}: {source}")]
    Kube {
        /// What was being done, e.g. `creating ReplicaSet default/web-6c54f8`.
        action: String,
        /// The client error.
        #[source]
        source: Box<kube::Error>,
    },
    /// A body could not be serialised.
    #[error("serialising {what}: {source}")]
    Serialize {
        /// What was serialised.
        what: &'static str,
        /// The serde error.
        #[source]
        source: serde_json::Error,
    },
    /// The cache holds an older version of the rollout than this controller last wrote: reconciling from
    /// it would undo our own write (Argo's `StaleCacheError`). Retried after a short delay.
    #[error("cache of rollout {0} is older than our last write")]
    StaleCache(String),
    /// An action the executor cannot perform yet (traffic routing and workload scaling arrive with
    /// their own issues).
    #[error("unsupported action: {0}")]
    Unsupported(&'static str),
    /// The kube client could not be configured.
    #[error("kubernetes client configuration: {0}")]
    Config(String),
    /// A server could not bind or serve.
    #[error("{what}: {source}")]
    Io {
        /// Which server or file.
        what: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Invalid command-line or environment input.
    #[error("invalid {field}: {message}")]
    Invalid {
        /// The flag or variable.
        field: &'static str,
        /// Why.
        message: String,
    },
}

impl Error {
    /// Wraps a client error with what was being done.
    pub fn kube(action: impl Into<String>, source: kube::Error) -> Self {
        Error::Kube {
            action: action.into(),
            source: Box::new(source),
        }
    }

    /// A short label for logs and metrics.
    pub fn category(&self) -> &'static str {
        match self {
            Error::Kube { .. } => "kube",
            Error::Serialize { .. } => "serialize",
            Error::StaleCache(_) => "stale_cache",
            Error::Unsupported(_) => "unsupported",
            Error::Config(_) => "config",
            Error::Io { .. } => "io",
            Error::Invalid { .. } => "invalid",
        }
    }

    /// How long to wait before retrying a reconcile that failed with this error, the `failures`-th
    /// failure in a row of that rollout (1 for the first), as Argo's rollout workqueue does: a stale
    /// cache after 100 ms (`StaleCacheRequeueDelay`, not counted as a failure), any other error after
    /// 1 ms doubled for each failure in a row up to 10 s (`ItemExponentialFailureRateLimiter(1ms, 10s)`;
    /// a successful reconcile resets the count).
    pub fn retry_after(&self, failures: u32) -> Duration {
        match self {
            Error::StaleCache(_) => Duration::from_millis(100),
            _ => {
                let ms = 1u64.checked_shl(failures.saturating_sub(1)).unwrap_or(u64::MAX);
                Duration::from_millis(ms.min(10_000))
            }
        }
    }
}

/// True for an API error with this HTTP status code.
pub fn has_code(err: &kube::Error, code: u16) -> bool {
    matches!(err, kube::Error::Api(status) if status.code == code)
}

/// True for a 409 Conflict (a failed resourceVersion precondition, or AlreadyExists).
pub fn is_conflict(err: &kube::Error) -> bool {
    has_code(err, 409)
}

/// True for 404 NotFound.
pub fn is_not_found(err: &kube::Error) -> bool {
    has_code(err, 404)
}

/// True for 409 with reason AlreadyExists.
pub fn is_already_exists(err: &kube::Error) -> bool {
    matches!(err, kube::Error::Api(status) if status.code == 409 && status.reason == "AlreadyExists")
}

/// The controller's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_back_off_exponentially_from_1ms_to_10s_and_a_stale_cache_waits_100ms() {
        let e = Error::Unsupported("x");
        let delays: Vec<u128> = [1, 2, 3, 4, 10, 14, 15, 64, 1000]
            .iter()
            .map(|&n| e.retry_after(n).as_millis())
            .collect();
        assert_eq!(delays, [1, 2, 4, 8, 512, 8192, 10_000, 10_000, 10_000]);
        let stale = Error::StaleCache("default/web".into());
        assert_eq!(stale.retry_after(7), Duration::from_millis(100));
    }
}
