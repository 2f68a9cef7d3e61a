//! Ingresses as Argo's `utils/ingress.Ingress` wraps them: `networking.k8s.io/v1` (k8s-openapi's type) or the
//! legacy `extensions/v1beta1` shape (also served as `networking.k8s.io/v1beta1`), which k8s-openapi no
//! longer has and is declared here with Go's fields.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::TypedLocalObjectReference;
use k8s_openapi::api::networking::v1::Ingress;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde::{Deserialize, Serialize};

/// An `extensions/v1beta1` Ingress, with Go's field order and `omitempty`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LegacyIngress {
    /// `apiVersion`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub api_version: String,
    /// `kind`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub kind: String,
    /// Standard object metadata.
    pub metadata: ObjectMeta,
    /// The rules.
    pub spec: LegacyIngressSpec,
    /// The load-balancer status.
    pub status: LegacyIngressStatus,
}

/// `extensions/v1beta1` `IngressSpec`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LegacyIngressSpec {
    /// The IngressClass.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ingress_class_name: Option<String>,
    /// The default backend.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backend: Option<LegacyIngressBackend>,
    /// TLS configuration.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tls: Vec<LegacyIngressTls>,
    /// Host rules.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<LegacyIngressRule>,
}

/// `extensions/v1beta1` `IngressTLS`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LegacyIngressTls {
    /// Hosts of the certificate.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<String>,
    /// Secret holding the certificate.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub secret_name: String,
}

/// `extensions/v1beta1` `IngressRule`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LegacyIngressRule {
    /// The host.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub host: String,
    /// HTTP paths.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http: Option<LegacyHttpIngressRuleValue>,
}

/// `extensions/v1beta1` `HTTPIngressRuleValue`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LegacyHttpIngressRuleValue {
    /// The paths (always serialised, as Go does).
    pub paths: Vec<LegacyHttpIngressPath>,
}

/// `extensions/v1beta1` `HTTPIngressPath`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LegacyHttpIngressPath {
    /// The path.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub path: String,
    /// How the path matches.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path_type: Option<String>,
    /// Where matching requests go.
    pub backend: LegacyIngressBackend,
}

/// `extensions/v1beta1` `IngressBackend`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LegacyIngressBackend {
    /// The Service.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub service_name: String,
    /// The Service port (always serialised, Go's zero value is `0`).
    pub service_port: IntOrString,
    /// A resource backend instead of a Service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<TypedLocalObjectReference>,
}

impl Default for LegacyIngressBackend {
    fn default() -> Self {
        Self {
            service_name: String::new(),
            service_port: IntOrString::Int(0),
            resource: None,
        }
    }
}

/// `extensions/v1beta1` `IngressStatus`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LegacyIngressStatus {
    /// The load balancer (always serialised, as Go does).
    pub load_balancer: LegacyLoadBalancerStatus,
}

/// `IngressLoadBalancerStatus`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LegacyLoadBalancerStatus {
    /// The load-balancer endpoints.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ingress: Vec<LegacyLoadBalancerIngress>,
}

/// `IngressLoadBalancerIngress`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LegacyLoadBalancerIngress {
    /// IP address.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub ip: String,
    /// Host name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub hostname: String,
    /// Port statuses.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<LegacyIngressPortStatus>,
}

/// `IngressPortStatus`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LegacyIngressPortStatus {
    /// The port.
    pub port: i32,
    /// The protocol.
    pub protocol: String,
    /// A problem with the port.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// An Ingress of either API (`ingressutil.Ingress`).
#[derive(Clone, Debug, PartialEq)]
pub enum IngressRef {
    /// `networking.k8s.io/v1`.
    Networking(Box<Ingress>),
    /// `extensions/v1beta1` (or `networking.k8s.io/v1beta1`).
    Extensions(Box<LegacyIngress>),
}

impl IngressRef {
    fn metadata(&self) -> &ObjectMeta {
        match self {
            Self::Networking(i) => &i.metadata,
            Self::Extensions(i) => &i.metadata,
        }
    }

    /// The Ingress's name.
    pub fn name(&self) -> &str {
        self.metadata().name.as_deref().unwrap_or_default()
    }

    /// The Ingress's annotations.
    pub fn annotations(&self) -> Option<&BTreeMap<String, String>> {
        self.metadata().annotations.as_ref()
    }

    /// Sets one annotation.
    pub fn set_annotation(&mut self, key: &str, value: &str) {
        let meta = match self {
            Self::Networking(i) => &mut i.metadata,
            Self::Extensions(i) => &mut i.metadata,
        };
        meta.annotations
            .get_or_insert_with(BTreeMap::new)
            .insert(key.to_owned(), value.to_owned());
    }

    /// `ingressutil.HasRuleWithService`: some HTTP path of some rule routes to the Service `svc`.
    pub fn has_rule_with_service(&self, svc: &str) -> bool {
        match self {
            Self::Networking(i) => i
                .spec
                .iter()
                .flat_map(|s| s.rules.iter().flatten())
                .filter_map(|r| r.http.as_ref())
                .flat_map(|h| h.paths.iter())
                .any(|p| p.backend.service.as_ref().is_some_and(|s| s.name == svc)),
            Self::Extensions(i) => i
                .spec
                .rules
                .iter()
                .filter_map(|r| r.http.as_ref())
                .flat_map(|h| h.paths.iter())
                .any(|p| p.backend.service_name == svc),
        }
    }
}
