//! The kubeconfig flags every cluster command accepts (Argo's `genericclioptions.ConfigFlags`:
//! `--kubeconfig`, `-n/--namespace`, `--context`, `--cluster`, `--user`, `-s/--server`, `--token`,
//! `--request-timeout`, `--insecure-skip-tls-verify`), and their resolution into an [`Invocation`]: a kube
//! client plus the namespace to work in (the flag, else the kubeconfig context's, else `default`).

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Args;
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};

/// Global kubeconfig flags.
#[derive(Debug, Clone, Default, Args)]
pub struct KubeFlags {
    /// Path to the kubeconfig file to use for CLI requests.
    #[arg(long, global = true, value_name = "PATH")]
    pub kubeconfig: Option<PathBuf>,
    /// If present, the namespace scope for this CLI request
    #[arg(short = 'n', long, global = true)]
    pub namespace: Option<String>,
    /// The name of the kubeconfig context to use
    #[arg(long, global = true)]
    pub context: Option<String>,
    /// The name of the kubeconfig cluster to use
    #[arg(long, global = true)]
    pub cluster: Option<String>,
    /// The name of the kubeconfig user to use
    #[arg(long, global = true)]
    pub user: Option<String>,
    /// The address and port of the Kubernetes API server
    #[arg(short = 's', long, global = true)]
    pub server: Option<String>,
    /// Bearer token for authentication to the API server
    #[arg(long, global = true)]
    pub token: Option<String>,
    /// The length of time to wait before giving up on a single server request. Non-zero values should
    /// contain a corresponding time unit (e.g. 1s, 2m, 3h). A value of zero means don't timeout requests.
    #[arg(long, global = true, default_value = "0")]
    pub request_timeout: String,
    /// If true, the server's certificate will not be checked for validity. This will make your HTTPS
    /// connections insecure
    #[arg(long, global = true)]
    pub insecure_skip_tls_verify: bool,
}

/// A resolved invocation: who to talk to and in which namespace.
#[derive(Clone)]
pub struct Invocation {
    pub client: Client,
    pub namespace: String,
}

impl KubeFlags {
    /// `--request-timeout`: kubectl accepts a bare integer (seconds) or a Go duration; `0` means none.
    pub fn request_timeout(&self) -> anyhow::Result<Option<Duration>> {
        let raw = self.request_timeout.trim();
        let nanos = if let Ok(secs) = raw.parse::<i64>() {
            secs.saturating_mul(1_000_000_000)
        } else {
            rollouts_api::duration::parse_go_duration_nanos(raw).map_err(|e| {
                anyhow::anyhow!(
                    "invalid timeout value. Timeout must be a single integer in seconds, or an integer \
                     followed by a corresponding time unit (e.g. 1s | 2m | 3h): {e}"
                )
            })?
        };
        if nanos < 0 {
            bail!("invalid timeout value: --request-timeout must not be negative");
        }
        Ok((nanos > 0).then(|| Duration::from_nanos(nanos.unsigned_abs())))
    }

    /// Builds the kube configuration these flags select.
    pub async fn config(&self) -> anyhow::Result<Config> {
        let options = KubeConfigOptions {
            context: self.context.clone(),
            cluster: self.cluster.clone(),
            user: self.user.clone(),
        };
        let mut config = match &self.kubeconfig {
            Some(path) => {
                let kubeconfig = Kubeconfig::read_from(path)
                    .with_context(|| format!("reading kubeconfig {}", path.display()))?;
                Config::from_custom_kubeconfig(kubeconfig, &options)
                    .await
                    .with_context(|| format!("loading kubeconfig {}", path.display()))?
            }
            None if self.context.is_some() || self.cluster.is_some() || self.user.is_some() => {
                Config::from_kubeconfig(&options)
                    .await
                    .context("loading the kubeconfig")?
            }
            None => Config::infer().await.context("loading the kubeconfig")?,
        };
        if let Some(server) = &self.server {
            config.cluster_url = server
                .parse()
                .with_context(|| format!("invalid --server {server:?}"))?;
        }
        if let Some(token) = &self.token {
            config.auth_info.token = Some(secrecy::SecretString::from(token.clone()));
            config.auth_info.token_file = None;
        }
        if self.insecure_skip_tls_verify {
            config.accept_invalid_certs = true;
        }
        if let Some(timeout) = self.request_timeout()? {
            config.read_timeout = Some(timeout);
            config.write_timeout = Some(timeout);
            config.connect_timeout = Some(timeout);
        }
        if let Some(ns) = &self.namespace {
            config.default_namespace = ns.clone();
        }
        Ok(config)
    }

    /// Resolves the flags into a client and namespace.
    pub async fn resolve(&self) -> anyhow::Result<Invocation> {
        let config = self.config().await?;
        let namespace = config.default_namespace.clone();
        let client = Client::try_from(config).context("building the Kubernetes client")?;
        Ok(Invocation { client, namespace })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_timeout_accepts_seconds_and_go_durations() {
        let mut f = KubeFlags {
            request_timeout: "0".into(),
            ..KubeFlags::default()
        };
        assert_eq!(f.request_timeout().unwrap(), None);
        f.request_timeout = "5".into();
        assert_eq!(f.request_timeout().unwrap(), Some(Duration::from_secs(5)));
        f.request_timeout = "1m30s".into();
        assert_eq!(f.request_timeout().unwrap(), Some(Duration::from_secs(90)));
        f.request_timeout = "soon".into();
        assert!(f.request_timeout().is_err());
    }

    const KUBECONFIG: &str = "
apiVersion: v1
kind: Config
current-context: a
clusters:
- {name: ca, cluster: {server: 'https://127.0.0.1:6443'}}
- {name: cb, cluster: {server: 'https://127.0.0.2:6443'}}
users:
- {name: ua, user: {token: ta}}
contexts:
- {name: a, context: {cluster: ca, user: ua, namespace: from-context}}
- {name: b, context: {cluster: cb, user: ua}}
";

    #[tokio::test]
    async fn resolves_namespace_server_and_overrides() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        std::fs::write(&path, KUBECONFIG).unwrap();
        let mut f = KubeFlags {
            kubeconfig: Some(path),
            request_timeout: "0".into(),
            ..KubeFlags::default()
        };
        let c = f.config().await.unwrap();
        assert_eq!(c.default_namespace, "from-context");
        assert_eq!(c.cluster_url.to_string(), "https://127.0.0.1:6443/");
        assert!(!c.accept_invalid_certs);

        f.context = Some("b".into());
        let c = f.config().await.unwrap();
        assert_eq!(c.default_namespace, "default");
        assert_eq!(c.cluster_url.to_string(), "https://127.0.0.2:6443/");

        f.namespace = Some("flag".into());
        f.server = Some("https://10.0.0.1:443".into());
        f.token = Some("tb".into());
        f.insecure_skip_tls_verify = true;
        f.request_timeout = "3s".into();
        let c = f.config().await.unwrap();
        assert_eq!(c.default_namespace, "flag");
        assert_eq!(c.cluster_url.to_string(), "https://10.0.0.1:443/");
        assert!(c.accept_invalid_certs);
        assert_eq!(c.read_timeout, Some(Duration::from_secs(3)));
        use secrecy::ExposeSecret;
        assert_eq!(
            c.auth_info.token.as_ref().map(|t| t.expose_secret().to_string()),
            Some("tb".into())
        );

        f.context = Some("missing".into());
        assert!(f.config().await.is_err());
    }
}
