//! Leader election on a `coordination.k8s.io/v1` Lease, as client-go's `leaderelection` with a
//! `LeaseLock` (what Argo uses):
//!
//! * a candidate GETs the lease; when it is missing it CREATEs it holding it (AlreadyExists: someone was
//!   faster); when another identity holds it and this candidate has seen the record unchanged for less than
//!   `leaseDuration` (measured on the local clock from when the record was first observed, so clock skew
//!   between nodes does not matter), it waits `retryPeriod` and tries again;
//! * otherwise it UPDATEs the lease with the resourceVersion it read (409 Conflict: another candidate won
//!   the race), taking it over (`leaseTransitions` + 1) or renewing its own hold;
//! * the leader renews every `retryPeriod`; when no renewal succeeded for `renewDeadline`, or the lease
//!   shows another holder, it stops leading;
//! * on graceful shutdown the leader releases the lease (empty holder, 1 s duration) so a standby takes
//!   over at once (client-go's `ReleaseOnCancel`).

use std::time::{Duration, Instant};

use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};
use k8s_openapi::jiff::Timestamp;
use kube::api::PostParams;
use kube::{Api, Client, ResourceExt};
use tokio_util::sync::CancellationToken;

use crate::error::{Error, Result, is_already_exists, is_conflict, is_not_found};

/// Lease settings (Argo's `--leader-election-*` flags).
#[derive(Clone, Debug)]
pub struct LeaseConfig {
    /// Lease name (`argo-rollouts-controller-lock[-<instanceID>]`).
    pub name: String,
    /// Namespace of the lease (the controller's namespace).
    pub namespace: String,
    /// This candidate's identity (`<hostname>_<uuid>`).
    pub identity: String,
    /// How long a hold is valid after its last renewal.
    pub lease_duration: Duration,
    /// How long the leader keeps trying to renew before it gives up leading.
    pub renew_deadline: Duration,
    /// Time between attempts.
    pub retry_period: Duration,
}

/// Why [`LeaderElector::hold`] returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HoldEnd {
    /// Renewal failed for longer than the renew deadline, or another candidate took the lease.
    Lost,
    /// The cancellation token fired while leading.
    Cancelled,
}

/// A candidate for the lease.
pub struct LeaderElector {
    api: Api<Lease>,
    config: LeaseConfig,
    /// The last lease spec observed and when it was first observed (local clock).
    observed: Option<(LeaseSpec, Instant)>,
}

fn secs(d: Duration) -> i32 {
    i32::try_from(d.as_secs().max(1)).unwrap_or(i32::MAX)
}

impl LeaderElector {
    /// A candidate with `config`.
    pub fn new(client: Client, config: LeaseConfig) -> Self {
        let api = Api::namespaced(client, &config.namespace);
        Self {
            api,
            config,
            observed: None,
        }
    }

    /// The settings.
    pub fn config(&self) -> &LeaseConfig {
        &self.config
    }

    fn describe(&self) -> String {
        format!("Lease {}/{}", self.config.namespace, self.config.name)
    }

    /// One acquire-or-renew attempt. `Ok(true)`: this candidate holds the lease now.
    ///
    /// # Errors
    /// When the API fails other than by a lost race.
    pub async fn try_acquire_or_renew(&mut self) -> Result<bool> {
        let now = MicroTime(Timestamp::now());
        let lease = match self.api.get(&self.config.name).await {
            Ok(lease) => lease,
            Err(e) if is_not_found(&e) => {
                let spec = LeaseSpec {
                    holder_identity: Some(self.config.identity.clone()),
                    lease_duration_seconds: Some(secs(self.config.lease_duration)),
                    acquire_time: Some(now.clone()),
                    renew_time: Some(now),
                    lease_transitions: Some(0),
                    ..LeaseSpec::default()
                };
                let lease = Lease {
                    metadata: ObjectMeta {
                        name: Some(self.config.name.clone()),
                        namespace: Some(self.config.namespace.clone()),
                        ..ObjectMeta::default()
                    },
                    spec: Some(spec.clone()),
                };
                return match self.api.create(&PostParams::default(), &lease).await {
                    Ok(_) => {
                        self.observed = Some((spec, Instant::now()));
                        Ok(true)
                    }
                    Err(e) if is_already_exists(&e) => Ok(false),
                    Err(e) => Err(Error::kube(format!("creating {}", self.describe()), e)),
                };
            }
            Err(e) => return Err(Error::kube(format!("reading {}", self.describe()), e)),
        };
        let current = lease.spec.clone().unwrap_or_default();
        if self.observed.as_ref().is_none_or(|(spec, _)| *spec != current) {
            self.observed = Some((current.clone(), Instant::now()));
        }
        let holder = current.holder_identity.clone().unwrap_or_default();
        let held_by_me = holder == self.config.identity;
        if !holder.is_empty() && !held_by_me {
            let duration = current
                .lease_duration_seconds
                .and_then(|s| u64::try_from(s).ok())
                .map_or(self.config.lease_duration, Duration::from_secs);
            let seen_at = self.observed.as_ref().map_or_else(Instant::now, |(_, at)| *at);
            if seen_at.elapsed() < duration {
                return Ok(false);
            }
        }
        let mut spec = current.clone();
        spec.holder_identity = Some(self.config.identity.clone());
        spec.lease_duration_seconds = Some(secs(self.config.lease_duration));
        spec.renew_time = Some(now.clone());
        if !held_by_me {
            spec.acquire_time = Some(now);
            spec.lease_transitions = Some(current.lease_transitions.unwrap_or(0) + 1);
        }
        let mut updated = lease;
        updated.spec = Some(spec.clone());
        // `replace` sends the resourceVersion we read: a concurrent writer makes this a 409.
        match self
            .api
            .replace(&self.config.name, &PostParams::default(), &updated)
            .await
        {
            Ok(_) => {
                self.observed = Some((spec, Instant::now()));
                Ok(true)
            }
            Err(e) if is_conflict(&e) => Ok(false),
            Err(e) => Err(Error::kube(format!("updating {}", self.describe()), e)),
        }
    }

    /// Tries every `retryPeriod` until this candidate holds the lease (`true`) or `cancel` fires (`false`).
    pub async fn acquire(&mut self, cancel: &CancellationToken) -> bool {
        loop {
            match self.try_acquire_or_renew().await {
                Ok(true) => {
                    tracing::info!(identity = %self.config.identity, lease = %self.describe(), "acquired leadership");
                    return true;
                }
                Ok(false) => {
                    let holder = self.holder().unwrap_or_default();
                    tracing::debug!(%holder, "lease held by another candidate");
                }
                Err(error) => tracing::warn!(%error, "leader election"),
            }
            tokio::select! {
                () = cancel.cancelled() => return false,
                () = tokio::time::sleep(self.config.retry_period) => {}
            }
        }
    }

    /// Renews every `retryPeriod` while leading. Returns when leadership is lost or `cancel` fires.
    pub async fn hold(&mut self, cancel: &CancellationToken) -> HoldEnd {
        let mut last_renewal = Instant::now();
        loop {
            tokio::select! {
                () = cancel.cancelled() => return HoldEnd::Cancelled,
                () = tokio::time::sleep(self.config.retry_period) => {}
            }
            match self.try_acquire_or_renew().await {
                Ok(true) => last_renewal = Instant::now(),
                Ok(false) if self.holder().is_some_and(|h| h != self.config.identity) => {
                    tracing::warn!(holder = ?self.holder(), "another candidate took the lease");
                    return HoldEnd::Lost;
                }
                Ok(false) => {}
                Err(error) => tracing::warn!(%error, "renewing the lease"),
            }
            if last_renewal.elapsed() > self.config.renew_deadline {
                tracing::warn!(deadline = ?self.config.renew_deadline, "failed to renew the lease in time");
                return HoldEnd::Lost;
            }
        }
    }

    /// The holder in the last observed record.
    pub fn holder(&self) -> Option<String> {
        self.observed
            .as_ref()
            .and_then(|(spec, _)| spec.holder_identity.clone())
            .filter(|h| !h.is_empty())
    }

    /// Gives the lease up if this candidate holds it: empty holder and a 1 s duration, so a standby
    /// acquires it on its next attempt.
    ///
    /// # Errors
    /// When the API fails (a lost race is not an error: the lease was no longer ours).
    pub async fn release(&mut self) -> Result<()> {
        let mut lease = match self.api.get(&self.config.name).await {
            Ok(lease) => lease,
            Err(e) if is_not_found(&e) => return Ok(()),
            Err(e) => return Err(Error::kube(format!("reading {}", self.describe()), e)),
        };
        let Some(spec) = lease.spec.as_mut() else {
            return Ok(());
        };
        if spec.holder_identity.as_deref() != Some(self.config.identity.as_str()) {
            return Ok(());
        }
        let now = MicroTime(Timestamp::now());
        spec.holder_identity = None;
        spec.lease_duration_seconds = Some(1);
        spec.renew_time = Some(now.clone());
        spec.acquire_time = Some(now);
        let name = lease.name_any();
        match self.api.replace(&name, &PostParams::default(), &lease).await {
            Ok(_) => {
                tracing::info!(lease = %self.describe(), "released leadership");
                Ok(())
            }
            Err(e) if is_conflict(&e) => Ok(()),
            Err(e) => Err(Error::kube(format!("releasing {}", self.describe()), e)),
        }
    }
}

/// This process's identity: `<hostname>_<uuid>` (Argo adds the uuid so two processes on one host differ).
pub fn identity() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| std::fs::read_to_string("/proc/sys/kernel/hostname").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "rollouts-controller".to_string());
    format!("{host}_{}", uuid::Uuid::new_v4())
}
