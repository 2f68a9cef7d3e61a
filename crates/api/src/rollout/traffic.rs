//! Traffic routing of a canary (`RolloutTrafficRouting`) and the configuration of each router:
//! Istio, NGINX, ALB, SMI, Ambassador, App Mesh, Traefik, APISIX and plugins, in Go's field order.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::serde_util::go_null;
use crate::serde_util::is_zero_i64;

/// The traffic routers of a canary (`RolloutTrafficRouting`); several may be set at once.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct RolloutTrafficRouting {
    /// Istio VirtualService / DestinationRule routing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub istio: Option<IstioTrafficRouting>,
    /// NGINX Ingress routing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nginx: Option<NginxTrafficRouting>,
    /// AWS ALB Ingress routing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alb: Option<AlbTrafficRouting>,
    /// SMI TrafficSplit routing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub smi: Option<SmiTrafficRouting>,
    /// Ambassador Mapping routing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ambassador: Option<AmbassadorTrafficRouting>,
    /// AWS App Mesh routing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_mesh: Option<AppMeshTrafficRouting>,
    /// Traefik routing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub traefik: Option<TraefikTrafficRouting>,
    /// Routes Argo manages (header and mirror routes); their order is their precedence.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub managed_routes: Vec<ManagedRoute>,
    /// APISIX routing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub apisix: Option<ApisixTrafficRouting>,
    /// Traffic router plugins: plugin name to its configuration, kept as raw JSON.
    #[serde(skip_serializing_if = "BTreeMap::is_empty", deserialize_with = "go_null")]
    #[schemars(schema_with = "crate::schema::preserve_unknown_object")]
    pub plugins: BTreeMap<String, serde_json::Value>,
    /// Total weight of traffic. Defaults to 100.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_traffic_weight: Option<i32>,
}

/// A route managed by Argo (`MangedRoutes` in Go).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["name"]))]
pub struct ManagedRoute {
    /// Name of the route.
    #[serde(deserialize_with = "go_null")]
    pub name: String,
}

/// AWS ALB Ingress routing (`ALBTrafficRouting`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["servicePort"]))]
pub struct AlbTrafficRouting {
    /// Ingress in the rollout's namespace; exclusive with `ingresses`.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub ingress: String,
    /// Port the Ingress action routes traffic to.
    #[serde(deserialize_with = "go_null")]
    pub service_port: i32,
    /// Service in the Ingress to which the action is added.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub root_service: String,
    /// Annotation prefix of the ALB controller. Defaults to `alb.ingress.kubernetes.io`.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub annotation_prefix: String,
    /// Duration-based stickiness of the target groups.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stickiness_config: Option<StickinessConfig>,
    /// Several Ingresses; exclusive with `ingress`.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub ingresses: Vec<String>,
}

/// ALB target-group stickiness (`StickinessConfig`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["durationSeconds", "enabled"]))]
pub struct StickinessConfig {
    /// Whether stickiness is enabled.
    #[serde(deserialize_with = "go_null")]
    pub enabled: bool,
    /// Stickiness duration, 1-604800 seconds.
    #[serde(deserialize_with = "go_null")]
    pub duration_seconds: i64,
}

/// Traefik routing (`TraefikTrafficRouting`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["weightedTraefikServiceName"]))]
pub struct TraefikTrafficRouting {
    /// Name of the weighted TraefikService.
    #[serde(deserialize_with = "go_null")]
    pub weighted_traefik_service_name: String,
}

/// APISIX routing (`ApisixTrafficRouting`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct ApisixTrafficRouting {
    /// The ApisixRoute to modify.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route: Option<ApisixRoute>,
}

/// An ApisixRoute and the rules to edit (`ApisixRoute`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["name"]))]
pub struct ApisixRoute {
    /// Name of the ApisixRoute.
    #[serde(deserialize_with = "go_null")]
    pub name: String,
    /// HTTP rules of the route to edit.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub rules: Vec<String>,
}

/// Ambassador routing (`AmbassadorTrafficRouting`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["mappings"]))]
pub struct AmbassadorTrafficRouting {
    /// Names of the Ambassador Mappings (at least one).
    #[serde(deserialize_with = "go_null")]
    pub mappings: Vec<String>,
}

/// SMI TrafficSplit routing (`SMITrafficRouting`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct SmiTrafficRouting {
    /// Service clients use to communicate.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub root_service: String,
    /// Name of the TrafficSplit; defaults to the rollout's name.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub traffic_split_name: String,
}

/// NGINX Ingress routing (`NginxTrafficRouting`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct NginxTrafficRouting {
    /// Annotation prefix of the NGINX controller. Defaults to `nginx.ingress.kubernetes.io`.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub annotation_prefix: String,
    /// Stable Ingress in the rollout's namespace; exclusive with `stableIngresses`.
    #[serde(skip_serializing_if = "String::is_empty", deserialize_with = "go_null")]
    pub stable_ingress: String,
    /// Extra annotations for the canary Ingress (the prefix is added).
    #[serde(skip_serializing_if = "BTreeMap::is_empty", deserialize_with = "go_null")]
    pub additional_ingress_annotations: BTreeMap<String, String>,
    /// Several stable Ingresses; exclusive with `stableIngress`.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub stable_ingresses: Vec<String>,
    /// Annotations for the canary Ingress, verbatim (they win on collision).
    #[serde(skip_serializing_if = "BTreeMap::is_empty", deserialize_with = "go_null")]
    pub canary_ingress_annotations: BTreeMap<String, String>,
}

/// Istio routing (`IstioTrafficRouting`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct IstioTrafficRouting {
    /// The VirtualService to modify; exclusive with `virtualServices`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub virtual_service: Option<IstioVirtualService>,
    /// The DestinationRule whose subsets select canary and stable pods.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_rule: Option<IstioDestinationRule>,
    /// Several VirtualServices to modify.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub virtual_services: Vec<IstioVirtualService>,
}

/// An Istio VirtualService and the routes to edit (`IstioVirtualService`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["name"]))]
pub struct IstioVirtualService {
    /// Name of the VirtualService (optionally `name.namespace`).
    #[serde(deserialize_with = "go_null")]
    pub name: String,
    /// HTTP routes to edit; if omitted the VirtualService must have a single HTTP route.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub routes: Vec<String>,
    /// TLS routes to edit.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub tls_routes: Vec<TlsRoute>,
    /// TCP routes to edit.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub tcp_routes: Vec<TcpRoute>,
}

/// A TLS route of a VirtualService (`TLSRoute`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct TlsRoute {
    /// Port of the route.
    #[serde(skip_serializing_if = "is_zero_i64", deserialize_with = "go_null")]
    pub port: i64,
    /// SNI hosts of the route.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub sni_hosts: Vec<String>,
}

/// A TCP route of a VirtualService (`TCPRoute`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct TcpRoute {
    /// Port of the route.
    #[serde(skip_serializing_if = "is_zero_i64", deserialize_with = "go_null")]
    pub port: i64,
}

/// An Istio DestinationRule and its subsets (`IstioDestinationRule`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["canarySubsetName", "name", "stableSubsetName"]))]
pub struct IstioDestinationRule {
    /// Name of the DestinationRule.
    #[serde(deserialize_with = "go_null")]
    pub name: String,
    /// Subset that gets the canary pod-template hash.
    #[serde(deserialize_with = "go_null")]
    pub canary_subset_name: String,
    /// Subset that gets the stable pod-template hash.
    #[serde(deserialize_with = "go_null")]
    pub stable_subset_name: String,
    /// Other subsets, not managed by Argo.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub additional_subset_names: Vec<String>,
}

/// AWS App Mesh routing (`AppMeshTrafficRouting`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct AppMeshTrafficRouting {
    /// The virtual service (and its virtual router) to modify.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub virtual_service: Option<AppMeshVirtualService>,
    /// The virtual nodes of canary and stable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub virtual_node_group: Option<AppMeshVirtualNodeGroup>,
}

/// An App Mesh virtual service (`AppMeshVirtualService`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["name"]))]
pub struct AppMeshVirtualService {
    /// Name of the virtual service.
    #[serde(deserialize_with = "go_null")]
    pub name: String,
    /// HTTP routes of the virtual router to edit.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "go_null")]
    pub routes: Vec<String>,
}

/// The App Mesh virtual nodes of canary and stable (`AppMeshVirtualNodeGroup`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["canaryVirtualNodeRef", "stableVirtualNodeRef"]))]
pub struct AppMeshVirtualNodeGroup {
    /// Virtual node of the canary (`null` when unset, as Go writes it).
    pub canary_virtual_node_ref: Option<AppMeshVirtualNodeReference>,
    /// Virtual node of the stable (`null` when unset, as Go writes it).
    pub stable_virtual_node_ref: Option<AppMeshVirtualNodeReference>,
}

/// A reference to an App Mesh VirtualNode (`AppMeshVirtualNodeReference`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
#[schemars(extend("required" = ["name"]))]
pub struct AppMeshVirtualNodeReference {
    /// Name of the VirtualNode.
    #[serde(deserialize_with = "go_null")]
    pub name: String,
}
