//! Generated tables of [`TypeSchema`]s for the built-in kinds the sandbox serves, read from the `patchStrategy` and
//! `patchMergeKey` struct tags of k8s.io/api, k8s.io/apimachinery (meta/v1) and k8s.io/apiextensions-apiserver.
//! Only the fields that carry a tag, or lead to a type that does, are listed. Lists without a tag (tolerations,
//! `subsets`, `rules`, ...) are atomic and need no entry.

use super::{TypeSchema, field};

/// A kind whose only strategic fields are those of its `metadata`.
static OBJECT_METADATA_ONLY: TypeSchema = TypeSchema {
    fields: &[field("metadata", &[], "", Some(&META_OBJECT_META))],
};

/// `meta/v1.ObjectMeta`
static META_OBJECT_META: TypeSchema = TypeSchema {
    fields: &[
        field("ownerReferences", &["merge"], "uid", None),
        field("finalizers", &["merge"], "", None),
    ],
};

/// `core/v1.EphemeralVolumeSource`
static CORE_EPHEMERAL_VOLUME_SOURCE: TypeSchema = TypeSchema {
    fields: &[field("volumeClaimTemplate", &[], "", Some(&OBJECT_METADATA_ONLY))],
};

/// `core/v1.Volume`
static CORE_VOLUME: TypeSchema = TypeSchema {
    fields: &[field("ephemeral", &[], "", Some(&CORE_EPHEMERAL_VOLUME_SOURCE))],
};

/// `core/v1.Container`
static CORE_CONTAINER: TypeSchema = TypeSchema {
    fields: &[
        field("ports", &["merge"], "containerPort", None),
        field("env", &["merge"], "name", None),
        field("volumeMounts", &["merge"], "mountPath", None),
        field("volumeDevices", &["merge"], "devicePath", None),
    ],
};

/// `core/v1.EphemeralContainer`
static CORE_EPHEMERAL_CONTAINER: TypeSchema = TypeSchema {
    fields: &[
        field("ports", &["merge"], "containerPort", None),
        field("env", &["merge"], "name", None),
        field("volumeMounts", &["merge"], "mountPath", None),
        field("volumeDevices", &["merge"], "devicePath", None),
    ],
};

/// `core/v1.PodSpec`
static CORE_POD_SPEC: TypeSchema = TypeSchema {
    fields: &[
        field("volumes", &["merge", "retainKeys"], "name", Some(&CORE_VOLUME)),
        field("initContainers", &["merge"], "name", Some(&CORE_CONTAINER)),
        field("containers", &["merge"], "name", Some(&CORE_CONTAINER)),
        field(
            "ephemeralContainers",
            &["merge"],
            "name",
            Some(&CORE_EPHEMERAL_CONTAINER),
        ),
        field("imagePullSecrets", &["merge"], "name", None),
        field("hostAliases", &["merge"], "ip", None),
        field("topologySpreadConstraints", &["merge"], "topologyKey", None),
        field("schedulingGates", &["merge"], "name", None),
        field("resourceClaims", &["merge", "retainKeys"], "name", None),
        field("evictionResponders", &["merge"], "name", None),
    ],
};

/// `core/v1.ContainerStatus`
static CORE_CONTAINER_STATUS: TypeSchema = TypeSchema {
    fields: &[
        field("volumeMounts", &["merge"], "mountPath", None),
        field("allocatedResourcesStatus", &["merge"], "name", None),
    ],
};

/// `core/v1.NodeAllocatableResourceClaimStatus`
static CORE_NODE_ALLOCATABLE_RESOURCE_CLAIM_STATUS: TypeSchema = TypeSchema {
    fields: &[
        field("mapping", &["merge"], "name", None),
        field("overhead", &["merge"], "name", None),
    ],
};

/// `core/v1.PodVolumeHealth`
static CORE_POD_VOLUME_HEALTH: TypeSchema = TypeSchema {
    fields: &[field("healthConditions", &["merge"], "status", None)],
};

/// `core/v1.PodStatus`
static CORE_POD_STATUS: TypeSchema = TypeSchema {
    fields: &[
        field("conditions", &["merge"], "type", None),
        field("hostIPs", &["merge"], "ip", None),
        field("podIPs", &["merge"], "ip", None),
        field("initContainerStatuses", &[], "", Some(&CORE_CONTAINER_STATUS)),
        field("containerStatuses", &[], "", Some(&CORE_CONTAINER_STATUS)),
        field(
            "ephemeralContainerStatuses",
            &[],
            "",
            Some(&CORE_CONTAINER_STATUS),
        ),
        field("resourceClaimStatuses", &["merge", "retainKeys"], "name", None),
        field(
            "nodeAllocatableResourceClaimStatuses",
            &["merge"],
            "resourceClaimName",
            Some(&CORE_NODE_ALLOCATABLE_RESOURCE_CLAIM_STATUS),
        ),
        field("volumeHealth", &[], "", Some(&CORE_POD_VOLUME_HEALTH)),
    ],
};

/// `core/v1.Pod`
static CORE_POD: TypeSchema = TypeSchema {
    fields: &[
        field("metadata", &[], "", Some(&META_OBJECT_META)),
        field("spec", &[], "", Some(&CORE_POD_SPEC)),
        field("status", &[], "", Some(&CORE_POD_STATUS)),
    ],
};

/// `core/v1.ServiceSpec`
static CORE_SERVICE_SPEC: TypeSchema = TypeSchema {
    fields: &[field("ports", &["merge"], "port", None)],
};

/// `core/v1.ServiceStatus`
static CORE_SERVICE_STATUS: TypeSchema = TypeSchema {
    fields: &[field("conditions", &["merge"], "type", None)],
};

/// `core/v1.Service`
static CORE_SERVICE: TypeSchema = TypeSchema {
    fields: &[
        field("metadata", &[], "", Some(&META_OBJECT_META)),
        field("spec", &[], "", Some(&CORE_SERVICE_SPEC)),
        field("status", &[], "", Some(&CORE_SERVICE_STATUS)),
    ],
};

/// `core/v1.NamespaceStatus`
static CORE_NAMESPACE_STATUS: TypeSchema = TypeSchema {
    fields: &[field("conditions", &["merge"], "type", None)],
};

/// `core/v1.Namespace`
static CORE_NAMESPACE: TypeSchema = TypeSchema {
    fields: &[
        field("metadata", &[], "", Some(&META_OBJECT_META)),
        field("status", &[], "", Some(&CORE_NAMESPACE_STATUS)),
    ],
};

/// `core/v1.ServiceAccount`
static CORE_SERVICE_ACCOUNT: TypeSchema = TypeSchema {
    fields: &[
        field("metadata", &[], "", Some(&META_OBJECT_META)),
        field("secrets", &["merge"], "name", None),
    ],
};

/// `core/v1.PodTemplateSpec`
static CORE_POD_TEMPLATE_SPEC: TypeSchema = TypeSchema {
    fields: &[
        field("metadata", &[], "", Some(&META_OBJECT_META)),
        field("spec", &[], "", Some(&CORE_POD_SPEC)),
    ],
};

/// `apps/v1.ReplicaSetSpec`
static APPS_REPLICA_SET_SPEC: TypeSchema = TypeSchema {
    fields: &[field("template", &[], "", Some(&CORE_POD_TEMPLATE_SPEC))],
};

/// `apps/v1.ReplicaSetStatus`
static APPS_REPLICA_SET_STATUS: TypeSchema = TypeSchema {
    fields: &[field("conditions", &["merge"], "type", None)],
};

/// `apps/v1.ReplicaSet`
static APPS_REPLICA_SET: TypeSchema = TypeSchema {
    fields: &[
        field("metadata", &[], "", Some(&META_OBJECT_META)),
        field("spec", &[], "", Some(&APPS_REPLICA_SET_SPEC)),
        field("status", &[], "", Some(&APPS_REPLICA_SET_STATUS)),
    ],
};

/// `apps/v1.DeploymentSpec`
static APPS_DEPLOYMENT_SPEC: TypeSchema = TypeSchema {
    fields: &[
        field("template", &[], "", Some(&CORE_POD_TEMPLATE_SPEC)),
        field("strategy", &["retainKeys"], "", None),
    ],
};

/// `apps/v1.DeploymentStatus`
static APPS_DEPLOYMENT_STATUS: TypeSchema = TypeSchema {
    fields: &[field("conditions", &["merge"], "type", None)],
};

/// `apps/v1.Deployment`
static APPS_DEPLOYMENT: TypeSchema = TypeSchema {
    fields: &[
        field("metadata", &[], "", Some(&META_OBJECT_META)),
        field("spec", &[], "", Some(&APPS_DEPLOYMENT_SPEC)),
        field("status", &[], "", Some(&APPS_DEPLOYMENT_STATUS)),
    ],
};

/// `core/v1.VolumeHealthStatus`
static CORE_VOLUME_HEALTH_STATUS: TypeSchema = TypeSchema {
    fields: &[field("healthConditions", &["merge"], "status", None)],
};

/// `core/v1.PersistentVolumeClaimStatus`
static CORE_PERSISTENT_VOLUME_CLAIM_STATUS: TypeSchema = TypeSchema {
    fields: &[
        field("conditions", &["merge"], "type", None),
        field("healthStatus", &[], "", Some(&CORE_VOLUME_HEALTH_STATUS)),
    ],
};

/// `core/v1.PersistentVolumeClaim`
static CORE_PERSISTENT_VOLUME_CLAIM: TypeSchema = TypeSchema {
    fields: &[
        field("metadata", &[], "", Some(&META_OBJECT_META)),
        field("status", &[], "", Some(&CORE_PERSISTENT_VOLUME_CLAIM_STATUS)),
    ],
};

/// `apps/v1.StatefulSetSpec`
static APPS_STATEFUL_SET_SPEC: TypeSchema = TypeSchema {
    fields: &[
        field("template", &[], "", Some(&CORE_POD_TEMPLATE_SPEC)),
        field(
            "volumeClaimTemplates",
            &[],
            "",
            Some(&CORE_PERSISTENT_VOLUME_CLAIM),
        ),
    ],
};

/// `apps/v1.StatefulSetStatus`
static APPS_STATEFUL_SET_STATUS: TypeSchema = TypeSchema {
    fields: &[field("conditions", &["merge"], "type", None)],
};

/// `apps/v1.StatefulSet`
static APPS_STATEFUL_SET: TypeSchema = TypeSchema {
    fields: &[
        field("metadata", &[], "", Some(&META_OBJECT_META)),
        field("spec", &[], "", Some(&APPS_STATEFUL_SET_SPEC)),
        field("status", &[], "", Some(&APPS_STATEFUL_SET_STATUS)),
    ],
};

/// `apps/v1.DaemonSetSpec`
static APPS_DAEMON_SET_SPEC: TypeSchema = TypeSchema {
    fields: &[field("template", &[], "", Some(&CORE_POD_TEMPLATE_SPEC))],
};

/// `apps/v1.DaemonSetStatus`
static APPS_DAEMON_SET_STATUS: TypeSchema = TypeSchema {
    fields: &[field("conditions", &["merge"], "type", None)],
};

/// `apps/v1.DaemonSet`
static APPS_DAEMON_SET: TypeSchema = TypeSchema {
    fields: &[
        field("metadata", &[], "", Some(&META_OBJECT_META)),
        field("spec", &[], "", Some(&APPS_DAEMON_SET_SPEC)),
        field("status", &[], "", Some(&APPS_DAEMON_SET_STATUS)),
    ],
};

/// `batch/v1.JobSchedulingConfiguration`
static BATCH_JOB_SCHEDULING_CONFIGURATION: TypeSchema = TypeSchema {
    fields: &[field("resourceClaims", &["merge"], "name", None)],
};

/// `batch/v1.JobSpec`
static BATCH_JOB_SPEC: TypeSchema = TypeSchema {
    fields: &[
        field("template", &[], "", Some(&CORE_POD_TEMPLATE_SPEC)),
        field("scheduling", &[], "", Some(&BATCH_JOB_SCHEDULING_CONFIGURATION)),
    ],
};

/// `batch/v1.JobStatus`
static BATCH_JOB_STATUS: TypeSchema = TypeSchema {
    fields: &[field("conditions", &["merge"], "type", None)],
};

/// `batch/v1.Job`
static BATCH_JOB: TypeSchema = TypeSchema {
    fields: &[
        field("metadata", &[], "", Some(&META_OBJECT_META)),
        field("spec", &[], "", Some(&BATCH_JOB_SPEC)),
        field("status", &[], "", Some(&BATCH_JOB_STATUS)),
    ],
};

/// `batch/v1.JobTemplateSpec`
static BATCH_JOB_TEMPLATE_SPEC: TypeSchema = TypeSchema {
    fields: &[
        field("metadata", &[], "", Some(&META_OBJECT_META)),
        field("spec", &[], "", Some(&BATCH_JOB_SPEC)),
    ],
};

/// `batch/v1.CronJobSpec`
static BATCH_CRON_JOB_SPEC: TypeSchema = TypeSchema {
    fields: &[field("jobTemplate", &[], "", Some(&BATCH_JOB_TEMPLATE_SPEC))],
};

/// `batch/v1.CronJob`
static BATCH_CRON_JOB: TypeSchema = TypeSchema {
    fields: &[
        field("metadata", &[], "", Some(&META_OBJECT_META)),
        field("spec", &[], "", Some(&BATCH_CRON_JOB_SPEC)),
    ],
};

/// `core/v1.PodTemplate`
static CORE_POD_TEMPLATE: TypeSchema = TypeSchema {
    fields: &[
        field("metadata", &[], "", Some(&META_OBJECT_META)),
        field("template", &[], "", Some(&CORE_POD_TEMPLATE_SPEC)),
    ],
};

/// `core/v1.ReplicationControllerSpec`
static CORE_REPLICATION_CONTROLLER_SPEC: TypeSchema = TypeSchema {
    fields: &[field("template", &[], "", Some(&CORE_POD_TEMPLATE_SPEC))],
};

/// `core/v1.ReplicationControllerStatus`
static CORE_REPLICATION_CONTROLLER_STATUS: TypeSchema = TypeSchema {
    fields: &[field("conditions", &["merge"], "type", None)],
};

/// `core/v1.ReplicationController`
static CORE_REPLICATION_CONTROLLER: TypeSchema = TypeSchema {
    fields: &[
        field("metadata", &[], "", Some(&META_OBJECT_META)),
        field("spec", &[], "", Some(&CORE_REPLICATION_CONTROLLER_SPEC)),
        field("status", &[], "", Some(&CORE_REPLICATION_CONTROLLER_STATUS)),
    ],
};

/// `core/v1.NodeSpec`
static CORE_NODE_SPEC: TypeSchema = TypeSchema {
    fields: &[field("podCIDRs", &["merge"], "", None)],
};

/// `core/v1.NodeStatus`
static CORE_NODE_STATUS: TypeSchema = TypeSchema {
    fields: &[
        field("conditions", &["merge"], "type", None),
        field("addresses", &["merge"], "type", None),
    ],
};

/// `core/v1.Node`
static CORE_NODE: TypeSchema = TypeSchema {
    fields: &[
        field("metadata", &[], "", Some(&META_OBJECT_META)),
        field("spec", &[], "", Some(&CORE_NODE_SPEC)),
        field("status", &[], "", Some(&CORE_NODE_STATUS)),
    ],
};

/// `policy/v1.PodDisruptionBudgetSpec`
static POLICY_POD_DISRUPTION_BUDGET_SPEC: TypeSchema = TypeSchema {
    fields: &[field("selector", &["replace"], "", None)],
};

/// `policy/v1.PodDisruptionBudgetStatus`
static POLICY_POD_DISRUPTION_BUDGET_STATUS: TypeSchema = TypeSchema {
    fields: &[field("conditions", &["merge"], "type", None)],
};

/// `policy/v1.PodDisruptionBudget`
static POLICY_POD_DISRUPTION_BUDGET: TypeSchema = TypeSchema {
    fields: &[
        field("metadata", &[], "", Some(&META_OBJECT_META)),
        field("spec", &[], "", Some(&POLICY_POD_DISRUPTION_BUDGET_SPEC)),
        field("status", &[], "", Some(&POLICY_POD_DISRUPTION_BUDGET_STATUS)),
    ],
};

/// `autoscaling/v2.HorizontalPodAutoscalerStatus`
static AUTOSCALING_V2_HORIZONTAL_POD_AUTOSCALER_STATUS: TypeSchema = TypeSchema {
    fields: &[field("conditions", &["merge"], "type", None)],
};

/// `autoscaling/v2.HorizontalPodAutoscaler`
static AUTOSCALING_V2_HORIZONTAL_POD_AUTOSCALER: TypeSchema = TypeSchema {
    fields: &[
        field("metadata", &[], "", Some(&META_OBJECT_META)),
        field(
            "status",
            &[],
            "",
            Some(&AUTOSCALING_V2_HORIZONTAL_POD_AUTOSCALER_STATUS),
        ),
    ],
};

/// `apiextensions/v1.JSONSchemaProps`
static APIEXT_JSONSCHEMA_PROPS: TypeSchema = TypeSchema {
    fields: &[
        field("allOf", &[], "", Some(&APIEXT_JSONSCHEMA_PROPS)),
        field("oneOf", &[], "", Some(&APIEXT_JSONSCHEMA_PROPS)),
        field("anyOf", &[], "", Some(&APIEXT_JSONSCHEMA_PROPS)),
        field("not", &[], "", Some(&APIEXT_JSONSCHEMA_PROPS)),
        field("x-kubernetes-validations", &["merge"], "rule", None),
    ],
};

/// `apiextensions/v1.CustomResourceValidation`
static APIEXT_CUSTOM_RESOURCE_VALIDATION: TypeSchema = TypeSchema {
    fields: &[field("openAPIV3Schema", &[], "", Some(&APIEXT_JSONSCHEMA_PROPS))],
};

/// `apiextensions/v1.CustomResourceDefinitionVersion`
static APIEXT_CUSTOM_RESOURCE_DEFINITION_VERSION: TypeSchema = TypeSchema {
    fields: &[field("schema", &[], "", Some(&APIEXT_CUSTOM_RESOURCE_VALIDATION))],
};

/// `apiextensions/v1.CustomResourceDefinitionSpec`
static APIEXT_CUSTOM_RESOURCE_DEFINITION_SPEC: TypeSchema = TypeSchema {
    fields: &[field(
        "versions",
        &[],
        "",
        Some(&APIEXT_CUSTOM_RESOURCE_DEFINITION_VERSION),
    )],
};

/// `apiextensions/v1.CustomResourceDefinition`
static APIEXT_CUSTOM_RESOURCE_DEFINITION: TypeSchema = TypeSchema {
    fields: &[
        field("metadata", &[], "", Some(&META_OBJECT_META)),
        field("spec", &[], "", Some(&APIEXT_CUSTOM_RESOURCE_DEFINITION_SPEC)),
    ],
};

/// The schema of a built-in kind by API group and kind, or `None` for kinds without one (custom resources).
pub(in crate::smp) fn kind_schema(group: &str, kind: &str) -> Option<&'static TypeSchema> {
    let schema = match (group, kind) {
        ("", "Pod") => &CORE_POD,
        ("", "Service") => &CORE_SERVICE,
        ("", "Endpoints") => &OBJECT_METADATA_ONLY,
        ("", "ConfigMap") => &OBJECT_METADATA_ONLY,
        ("", "Secret") => &OBJECT_METADATA_ONLY,
        ("", "Namespace") => &CORE_NAMESPACE,
        ("", "ServiceAccount") => &CORE_SERVICE_ACCOUNT,
        ("", "Event") => &OBJECT_METADATA_ONLY,
        ("events.k8s.io", "Event") => &OBJECT_METADATA_ONLY,
        ("apps", "ReplicaSet") => &APPS_REPLICA_SET,
        ("apps", "Deployment") => &APPS_DEPLOYMENT,
        ("apps", "StatefulSet") => &APPS_STATEFUL_SET,
        ("apps", "DaemonSet") => &APPS_DAEMON_SET,
        ("networking.k8s.io", "Ingress") => &OBJECT_METADATA_ONLY,
        ("batch", "Job") => &BATCH_JOB,
        ("batch", "CronJob") => &BATCH_CRON_JOB,
        ("coordination.k8s.io", "Lease") => &OBJECT_METADATA_ONLY,
        ("", "PodTemplate") => &CORE_POD_TEMPLATE,
        ("", "ReplicationController") => &CORE_REPLICATION_CONTROLLER,
        ("autoscaling", "Scale") => &OBJECT_METADATA_ONLY,
        ("", "Node") => &CORE_NODE,
        ("", "PersistentVolumeClaim") => &CORE_PERSISTENT_VOLUME_CLAIM,
        ("rbac.authorization.k8s.io", "Role") => &OBJECT_METADATA_ONLY,
        ("rbac.authorization.k8s.io", "ClusterRole") => &OBJECT_METADATA_ONLY,
        ("rbac.authorization.k8s.io", "RoleBinding") => &OBJECT_METADATA_ONLY,
        ("rbac.authorization.k8s.io", "ClusterRoleBinding") => &OBJECT_METADATA_ONLY,
        ("policy", "PodDisruptionBudget") => &POLICY_POD_DISRUPTION_BUDGET,
        ("discovery.k8s.io", "EndpointSlice") => &OBJECT_METADATA_ONLY,
        ("autoscaling", "HorizontalPodAutoscaler") => &AUTOSCALING_V2_HORIZONTAL_POD_AUTOSCALER,
        ("apiextensions.k8s.io", "CustomResourceDefinition") => &APIEXT_CUSTOM_RESOURCE_DEFINITION,
        ("networking.k8s.io", "NetworkPolicy") => &OBJECT_METADATA_ONLY,
        ("", "PersistentVolume") => &OBJECT_METADATA_ONLY,
        ("", "LimitRange") => &OBJECT_METADATA_ONLY,
        ("", "ResourceQuota") => &OBJECT_METADATA_ONLY,
        _ => return None,
    };
    Some(schema)
}
