//! Building the kube client: from `--kubeconfig` or inferred (`$KUBECONFIG`, `~/.kube/config`, in-cluster),
//! with a tower layer that throttles requests with client-go's token bucket (`--qps`, `--burst`) and
//! counts every request into `controller_clientset_k8s_request_total` (Argo's `kubeclientmetrics`
//! transport wrapper).

use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use http::{Method, Request, Response, Uri};
use kube::client::{Body, ClientBuilder};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};

use crate::error::{Error, Result};
use crate::metrics::{Metrics, RequestLabels};

/// Loads the client configuration: the given kubeconfig file, else `Config::infer` (`$KUBECONFIG`,
/// `~/.kube/config`, then the in-cluster service account).
pub async fn load_config(kubeconfig: Option<&Path>) -> Result<Config> {
    match kubeconfig {
        Some(path) => {
            let kc = Kubeconfig::read_from(path)
                .map_err(|e| Error::Config(format!("reading {}: {e}", path.display())))?;
            Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
                .await
                .map_err(|e| Error::Config(format!("{}: {e}", path.display())))
        }
        None => Config::infer().await.map_err(|e| Error::Config(e.to_string())),
    }
}

/// A client for `config` whose requests are counted in `metrics` and, when given, throttled.
pub fn build_client(config: Config, metrics: &Metrics, limiter: Option<Arc<RateLimiter>>) -> Result<Client> {
    let builder = ClientBuilder::try_from(config).map_err(|e| Error::Config(e.to_string()))?;
    let layer = CountRequests {
        metrics: metrics.clone(),
        limiter,
    };
    Ok(builder.with_layer(&layer).build())
}

/// client-go's client-side token bucket: `burst` requests at once, refilled at `qps` per second.
#[derive(Debug)]
pub struct RateLimiter {
    qps: f64,
    burst: f64,
    /// Tokens left (negative: reserved ahead) and when they were counted.
    state: Mutex<(f64, Instant)>,
}

impl RateLimiter {
    /// A limiter, or `None` (no throttling) when `qps` is not positive.
    pub fn new(qps: f32, burst: u32) -> Option<Arc<Self>> {
        let qps = f64::from(qps);
        let burst = f64::from(burst.max(1));
        (qps > 0.0).then(|| {
            Arc::new(Self {
                qps,
                burst,
                state: Mutex::new((burst, Instant::now())),
            })
        })
    }

    /// Takes one token and says how long to wait before it may be used.
    pub fn reserve(&self) -> Duration {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let refilled = state.0 + now.duration_since(state.1).as_secs_f64() * self.qps;
        let left = refilled.min(self.burst) - 1.0;
        *state = (left, now);
        if left >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-left / self.qps)
        }
    }
}

/// The layer throttling and counting requests.
#[derive(Clone, Debug)]
pub struct CountRequests {
    metrics: Metrics,
    limiter: Option<Arc<RateLimiter>>,
}

impl<S> tower::Layer<S> for CountRequests {
    type Service = Counted<S>;

    fn layer(&self, inner: S) -> Counted<S> {
        Counted {
            inner,
            metrics: self.metrics.clone(),
            limiter: self.limiter.clone(),
        }
    }
}

/// The service throttling and counting requests.
#[derive(Clone, Debug)]
pub struct Counted<S> {
    inner: S,
    metrics: Metrics,
    limiter: Option<Arc<RateLimiter>>,
}

impl<S, B> tower::Service<Request<Body>> for Counted<S>
where
    S: tower::Service<Request<Body>, Response = Response<B>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<Body>) -> Self::Future {
        let mut labels = request_labels(req.method(), req.uri());
        let metrics = self.metrics.clone();
        let wait = self.limiter.as_ref().map_or(Duration::ZERO, |l| l.reserve());
        // The client's response future is lazy: nothing is sent before it is first polled, after the wait.
        let fut = self.inner.call(req);
        Box::pin(async move {
            if !wait.is_zero() {
                tokio::time::sleep(wait).await;
            }
            let res = fut.await;
            labels.status_code = res.as_ref().map_or(0, |r| r.status().as_u16()).to_string();
            metrics.request(labels);
            res
        })
    }
}

/// Kind (resource), namespace, name and verb of an API request, as Argo's `kubeclientmetrics` labels
/// them: names are `N/A` for lists, creates, events and ReplicaSets.
pub fn request_labels(method: &Method, uri: &Uri) -> RequestLabels {
    let segments: Vec<&str> = uri.path().split('/').filter(|s| !s.is_empty()).collect();
    // /api/v1/... or /apis/<group>/<version>/...
    let rest: &[&str] = match segments.first() {
        Some(&"api") if segments.len() >= 2 => &segments[2..],
        Some(&"apis") if segments.len() >= 3 => &segments[3..],
        _ => &[],
    };
    let (namespace, rest) = match rest {
        ["namespaces", ns, tail @ ..] if !tail.is_empty() => (ns.to_string(), tail),
        other => (String::new(), other),
    };
    let (kind, name) = match rest {
        [] => ("Unknown".to_string(), None),
        [kind] => (kind.to_string(), None),
        [kind, name, ..] => (kind.to_string(), Some(name.to_string())),
    };
    let watch = uri
        .query()
        .is_some_and(|q| q.split('&').any(|kv| kv == "watch=true" || kv == "watch=1"));
    let verb = match *method {
        _ if rest.is_empty() => "Unknown",
        Method::POST => "Create",
        Method::DELETE => "Delete",
        Method::PATCH => "Patch",
        Method::PUT => "Update",
        Method::GET if name.is_some() => "Get",
        Method::GET if watch => "Watch",
        Method::GET => "List",
        _ => "Unknown",
    };
    let name = match (verb, kind.as_str()) {
        ("Unknown", _) => "Unknown".to_string(),
        ("List" | "Watch" | "Create", _) | (_, "events" | "replicasets") => "N/A".to_string(),
        _ => name.unwrap_or_default(),
    };
    RequestLabels {
        kind,
        namespace,
        name,
        verb: verb.to_string(),
        status_code: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_bucket_allows_a_burst_then_paces_at_qps() {
        let limiter = RateLimiter::new(10.0, 3).unwrap();
        for _ in 0..3 {
            assert_eq!(limiter.reserve(), Duration::ZERO);
        }
        let wait = limiter.reserve();
        assert!(
            wait > Duration::from_millis(80) && wait <= Duration::from_millis(100),
            "{wait:?}"
        );
        let next = limiter.reserve();
        assert!(
            next > Duration::from_millis(180) && next <= Duration::from_millis(200),
            "{next:?}"
        );
        assert!(RateLimiter::new(0.0, 10).is_none(), "qps 0 disables throttling");
    }

    fn labels(method: Method, uri: &str) -> (String, String, String, String) {
        let l = request_labels(&method, &uri.parse().unwrap());
        (l.kind, l.namespace, l.name, l.verb)
    }

    #[test]
    fn requests_are_labelled_like_argo() {
        let s = |v: &str| v.to_string();
        assert_eq!(
            labels(
                Method::GET,
                "/apis/argoproj.io/v1alpha1/namespaces/ns/rollouts?watch=true&resourceVersion=1"
            ),
            (s("rollouts"), s("ns"), s("N/A"), s("Watch"))
        );
        assert_eq!(
            labels(
                Method::PATCH,
                "/apis/argoproj.io/v1alpha1/namespaces/ns/rollouts/web/status"
            ),
            (s("rollouts"), s("ns"), s("web"), s("Patch"))
        );
        assert_eq!(
            labels(Method::PUT, "/apis/apps/v1/namespaces/ns/replicasets/web-abc"),
            (s("replicasets"), s("ns"), s("N/A"), s("Update"))
        );
        assert_eq!(
            labels(Method::GET, "/api/v1/pods?labelSelector=x"),
            (s("pods"), s(""), s("N/A"), s("List"))
        );
        assert_eq!(
            labels(Method::POST, "/api/v1/namespaces/ns/events"),
            (s("events"), s("ns"), s("N/A"), s("Create"))
        );
        assert_eq!(
            labels(
                Method::GET,
                "/apis/coordination.k8s.io/v1/namespaces/argo-rollouts/leases/lock"
            ),
            (s("leases"), s("argo-rollouts"), s("lock"), s("Get"))
        );
        assert_eq!(labels(Method::GET, "/version").3, "Unknown");
        assert_eq!(labels(Method::OPTIONS, "/api/v1/pods").2, "Unknown");
    }
}
