//! Go struct layouts of every type reachable from `core/v1.PodTemplateSpec`, in Go declaration order.
//!
//! GENERATED DATA, do not edit by hand. Extracted from the Go struct declarations (field order, `json`
//! tags, Go field types) of `k8s.io/api` v0.34.5 `core/v1/types.go` and `k8s.io/apimachinery` v0.34.5
//! `pkg/apis/meta/v1/types.go` (the versions pinned by Argo Rollouts' `go.mod`). Embedded structs tagged
//! `json:",inline"` (or untagged) are flattened in place, as Go's `encoding/json` promotes their fields.
//! Named Go types are resolved to their JSON kind: `types.UID` and string enums are `String`,
//! `ResourceList` is `Map(&Quantity)`, and `resource.Quantity`, `intstr.IntOrString`, `metav1.Time` and
//! `metav1.FieldsV1` (types with their own `MarshalJSON`) have dedicated kinds.

use super::layout::{F, GoStruct, StructId, Ty};

/// `corev1.PodTemplateSpec`
pub(crate) const POD_TEMPLATE_SPEC: StructId = StructId(0);
/// `metav1.ObjectMeta`
pub(crate) const OBJECT_META: StructId = StructId(1);
/// `metav1.OwnerReference`
pub(crate) const OWNER_REFERENCE: StructId = StructId(2);
/// `metav1.ManagedFieldsEntry`
pub(crate) const MANAGED_FIELDS_ENTRY: StructId = StructId(3);
/// `corev1.PodSpec`
pub(crate) const POD_SPEC: StructId = StructId(4);
/// `corev1.Volume`
pub(crate) const VOLUME: StructId = StructId(5);
/// `corev1.HostPathVolumeSource`
pub(crate) const HOST_PATH_VOLUME_SOURCE: StructId = StructId(6);
/// `corev1.EmptyDirVolumeSource`
pub(crate) const EMPTY_DIR_VOLUME_SOURCE: StructId = StructId(7);
/// `corev1.GCEPersistentDiskVolumeSource`
pub(crate) const GCE_PERSISTENT_DISK_VOLUME_SOURCE: StructId = StructId(8);
/// `corev1.AWSElasticBlockStoreVolumeSource`
pub(crate) const AWS_ELASTIC_BLOCK_STORE_VOLUME_SOURCE: StructId = StructId(9);
/// `corev1.GitRepoVolumeSource`
pub(crate) const GIT_REPO_VOLUME_SOURCE: StructId = StructId(10);
/// `corev1.SecretVolumeSource`
pub(crate) const SECRET_VOLUME_SOURCE: StructId = StructId(11);
/// `corev1.KeyToPath`
pub(crate) const KEY_TO_PATH: StructId = StructId(12);
/// `corev1.NFSVolumeSource`
pub(crate) const NFS_VOLUME_SOURCE: StructId = StructId(13);
/// `corev1.ISCSIVolumeSource`
pub(crate) const ISCSI_VOLUME_SOURCE: StructId = StructId(14);
/// `corev1.LocalObjectReference`
pub(crate) const LOCAL_OBJECT_REFERENCE: StructId = StructId(15);
/// `corev1.GlusterfsVolumeSource`
pub(crate) const GLUSTERFS_VOLUME_SOURCE: StructId = StructId(16);
/// `corev1.PersistentVolumeClaimVolumeSource`
pub(crate) const PERSISTENT_VOLUME_CLAIM_VOLUME_SOURCE: StructId = StructId(17);
/// `corev1.RBDVolumeSource`
pub(crate) const RBD_VOLUME_SOURCE: StructId = StructId(18);
/// `corev1.FlexVolumeSource`
pub(crate) const FLEX_VOLUME_SOURCE: StructId = StructId(19);
/// `corev1.CinderVolumeSource`
pub(crate) const CINDER_VOLUME_SOURCE: StructId = StructId(20);
/// `corev1.CephFSVolumeSource`
pub(crate) const CEPH_FS_VOLUME_SOURCE: StructId = StructId(21);
/// `corev1.FlockerVolumeSource`
pub(crate) const FLOCKER_VOLUME_SOURCE: StructId = StructId(22);
/// `corev1.DownwardAPIVolumeSource`
pub(crate) const DOWNWARD_API_VOLUME_SOURCE: StructId = StructId(23);
/// `corev1.DownwardAPIVolumeFile`
pub(crate) const DOWNWARD_API_VOLUME_FILE: StructId = StructId(24);
/// `corev1.ObjectFieldSelector`
pub(crate) const OBJECT_FIELD_SELECTOR: StructId = StructId(25);
/// `corev1.ResourceFieldSelector`
pub(crate) const RESOURCE_FIELD_SELECTOR: StructId = StructId(26);
/// `corev1.FCVolumeSource`
pub(crate) const FC_VOLUME_SOURCE: StructId = StructId(27);
/// `corev1.AzureFileVolumeSource`
pub(crate) const AZURE_FILE_VOLUME_SOURCE: StructId = StructId(28);
/// `corev1.ConfigMapVolumeSource`
pub(crate) const CONFIG_MAP_VOLUME_SOURCE: StructId = StructId(29);
/// `corev1.VsphereVirtualDiskVolumeSource`
pub(crate) const VSPHERE_VIRTUAL_DISK_VOLUME_SOURCE: StructId = StructId(30);
/// `corev1.QuobyteVolumeSource`
pub(crate) const QUOBYTE_VOLUME_SOURCE: StructId = StructId(31);
/// `corev1.AzureDiskVolumeSource`
pub(crate) const AZURE_DISK_VOLUME_SOURCE: StructId = StructId(32);
/// `corev1.PhotonPersistentDiskVolumeSource`
pub(crate) const PHOTON_PERSISTENT_DISK_VOLUME_SOURCE: StructId = StructId(33);
/// `corev1.ProjectedVolumeSource`
pub(crate) const PROJECTED_VOLUME_SOURCE: StructId = StructId(34);
/// `corev1.VolumeProjection`
pub(crate) const VOLUME_PROJECTION: StructId = StructId(35);
/// `corev1.SecretProjection`
pub(crate) const SECRET_PROJECTION: StructId = StructId(36);
/// `corev1.DownwardAPIProjection`
pub(crate) const DOWNWARD_API_PROJECTION: StructId = StructId(37);
/// `corev1.ConfigMapProjection`
pub(crate) const CONFIG_MAP_PROJECTION: StructId = StructId(38);
/// `corev1.ServiceAccountTokenProjection`
pub(crate) const SERVICE_ACCOUNT_TOKEN_PROJECTION: StructId = StructId(39);
/// `corev1.ClusterTrustBundleProjection`
pub(crate) const CLUSTER_TRUST_BUNDLE_PROJECTION: StructId = StructId(40);
/// `metav1.LabelSelector`
pub(crate) const LABEL_SELECTOR: StructId = StructId(41);
/// `metav1.LabelSelectorRequirement`
pub(crate) const LABEL_SELECTOR_REQUIREMENT: StructId = StructId(42);
/// `corev1.PodCertificateProjection`
pub(crate) const POD_CERTIFICATE_PROJECTION: StructId = StructId(43);
/// `corev1.PortworxVolumeSource`
pub(crate) const PORTWORX_VOLUME_SOURCE: StructId = StructId(44);
/// `corev1.ScaleIOVolumeSource`
pub(crate) const SCALE_IO_VOLUME_SOURCE: StructId = StructId(45);
/// `corev1.StorageOSVolumeSource`
pub(crate) const STORAGE_OS_VOLUME_SOURCE: StructId = StructId(46);
/// `corev1.CSIVolumeSource`
pub(crate) const CSI_VOLUME_SOURCE: StructId = StructId(47);
/// `corev1.EphemeralVolumeSource`
pub(crate) const EPHEMERAL_VOLUME_SOURCE: StructId = StructId(48);
/// `corev1.PersistentVolumeClaimTemplate`
pub(crate) const PERSISTENT_VOLUME_CLAIM_TEMPLATE: StructId = StructId(49);
/// `corev1.PersistentVolumeClaimSpec`
pub(crate) const PERSISTENT_VOLUME_CLAIM_SPEC: StructId = StructId(50);
/// `corev1.VolumeResourceRequirements`
pub(crate) const VOLUME_RESOURCE_REQUIREMENTS: StructId = StructId(51);
/// `corev1.TypedLocalObjectReference`
pub(crate) const TYPED_LOCAL_OBJECT_REFERENCE: StructId = StructId(52);
/// `corev1.TypedObjectReference`
pub(crate) const TYPED_OBJECT_REFERENCE: StructId = StructId(53);
/// `corev1.ImageVolumeSource`
pub(crate) const IMAGE_VOLUME_SOURCE: StructId = StructId(54);
/// `corev1.Container`
pub(crate) const CONTAINER: StructId = StructId(55);
/// `corev1.ContainerPort`
pub(crate) const CONTAINER_PORT: StructId = StructId(56);
/// `corev1.EnvFromSource`
pub(crate) const ENV_FROM_SOURCE: StructId = StructId(57);
/// `corev1.ConfigMapEnvSource`
pub(crate) const CONFIG_MAP_ENV_SOURCE: StructId = StructId(58);
/// `corev1.SecretEnvSource`
pub(crate) const SECRET_ENV_SOURCE: StructId = StructId(59);
/// `corev1.EnvVar`
pub(crate) const ENV_VAR: StructId = StructId(60);
/// `corev1.EnvVarSource`
pub(crate) const ENV_VAR_SOURCE: StructId = StructId(61);
/// `corev1.ConfigMapKeySelector`
pub(crate) const CONFIG_MAP_KEY_SELECTOR: StructId = StructId(62);
/// `corev1.SecretKeySelector`
pub(crate) const SECRET_KEY_SELECTOR: StructId = StructId(63);
/// `corev1.FileKeySelector`
pub(crate) const FILE_KEY_SELECTOR: StructId = StructId(64);
/// `corev1.ResourceRequirements`
pub(crate) const RESOURCE_REQUIREMENTS: StructId = StructId(65);
/// `corev1.ResourceClaim`
pub(crate) const RESOURCE_CLAIM: StructId = StructId(66);
/// `corev1.ContainerResizePolicy`
pub(crate) const CONTAINER_RESIZE_POLICY: StructId = StructId(67);
/// `corev1.ContainerRestartRule`
pub(crate) const CONTAINER_RESTART_RULE: StructId = StructId(68);
/// `corev1.ContainerRestartRuleOnExitCodes`
pub(crate) const CONTAINER_RESTART_RULE_ON_EXIT_CODES: StructId = StructId(69);
/// `corev1.VolumeMount`
pub(crate) const VOLUME_MOUNT: StructId = StructId(70);
/// `corev1.VolumeDevice`
pub(crate) const VOLUME_DEVICE: StructId = StructId(71);
/// `corev1.Probe`
pub(crate) const PROBE: StructId = StructId(72);
/// `corev1.ExecAction`
pub(crate) const EXEC_ACTION: StructId = StructId(73);
/// `corev1.HTTPGetAction`
pub(crate) const HTTP_GET_ACTION: StructId = StructId(74);
/// `corev1.HTTPHeader`
pub(crate) const HTTP_HEADER: StructId = StructId(75);
/// `corev1.TCPSocketAction`
pub(crate) const TCP_SOCKET_ACTION: StructId = StructId(76);
/// `corev1.GRPCAction`
pub(crate) const GRPC_ACTION: StructId = StructId(77);
/// `corev1.Lifecycle`
pub(crate) const LIFECYCLE: StructId = StructId(78);
/// `corev1.LifecycleHandler`
pub(crate) const LIFECYCLE_HANDLER: StructId = StructId(79);
/// `corev1.SleepAction`
pub(crate) const SLEEP_ACTION: StructId = StructId(80);
/// `corev1.SecurityContext`
pub(crate) const SECURITY_CONTEXT: StructId = StructId(81);
/// `corev1.Capabilities`
pub(crate) const CAPABILITIES: StructId = StructId(82);
/// `corev1.SELinuxOptions`
pub(crate) const SE_LINUX_OPTIONS: StructId = StructId(83);
/// `corev1.WindowsSecurityContextOptions`
pub(crate) const WINDOWS_SECURITY_CONTEXT_OPTIONS: StructId = StructId(84);
/// `corev1.SeccompProfile`
pub(crate) const SECCOMP_PROFILE: StructId = StructId(85);
/// `corev1.AppArmorProfile`
pub(crate) const APP_ARMOR_PROFILE: StructId = StructId(86);
/// `corev1.EphemeralContainer`
pub(crate) const EPHEMERAL_CONTAINER: StructId = StructId(87);
/// `corev1.PodSecurityContext`
pub(crate) const POD_SECURITY_CONTEXT: StructId = StructId(88);
/// `corev1.Sysctl`
pub(crate) const SYSCTL: StructId = StructId(89);
/// `corev1.Affinity`
pub(crate) const AFFINITY: StructId = StructId(90);
/// `corev1.NodeAffinity`
pub(crate) const NODE_AFFINITY: StructId = StructId(91);
/// `corev1.NodeSelector`
pub(crate) const NODE_SELECTOR: StructId = StructId(92);
/// `corev1.NodeSelectorTerm`
pub(crate) const NODE_SELECTOR_TERM: StructId = StructId(93);
/// `corev1.NodeSelectorRequirement`
pub(crate) const NODE_SELECTOR_REQUIREMENT: StructId = StructId(94);
/// `corev1.PreferredSchedulingTerm`
pub(crate) const PREFERRED_SCHEDULING_TERM: StructId = StructId(95);
/// `corev1.PodAffinity`
pub(crate) const POD_AFFINITY: StructId = StructId(96);
/// `corev1.PodAffinityTerm`
pub(crate) const POD_AFFINITY_TERM: StructId = StructId(97);
/// `corev1.WeightedPodAffinityTerm`
pub(crate) const WEIGHTED_POD_AFFINITY_TERM: StructId = StructId(98);
/// `corev1.PodAntiAffinity`
pub(crate) const POD_ANTI_AFFINITY: StructId = StructId(99);
/// `corev1.Toleration`
pub(crate) const TOLERATION: StructId = StructId(100);
/// `corev1.HostAlias`
pub(crate) const HOST_ALIAS: StructId = StructId(101);
/// `corev1.PodDNSConfig`
pub(crate) const POD_DNS_CONFIG: StructId = StructId(102);
/// `corev1.PodDNSConfigOption`
pub(crate) const POD_DNS_CONFIG_OPTION: StructId = StructId(103);
/// `corev1.PodReadinessGate`
pub(crate) const POD_READINESS_GATE: StructId = StructId(104);
/// `corev1.TopologySpreadConstraint`
pub(crate) const TOPOLOGY_SPREAD_CONSTRAINT: StructId = StructId(105);
/// `corev1.PodOS`
pub(crate) const POD_OS: StructId = StructId(106);
/// `corev1.PodSchedulingGate`
pub(crate) const POD_SCHEDULING_GATE: StructId = StructId(107);
/// `corev1.PodResourceClaim`
pub(crate) const POD_RESOURCE_CLAIM: StructId = StructId(108);

/// Every struct, indexed by [`StructId`].
pub(crate) static STRUCTS: [GoStruct; 109] = [
    GoStruct {
        name: "PodTemplateSpec",
        fields: &[
            F::new("metadata", Ty::Struct(OBJECT_META), F::OMIT_EMPTY),
            F::new("spec", Ty::Struct(POD_SPEC), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "ObjectMeta",
        fields: &[
            F::new("name", Ty::String, F::OMIT_EMPTY),
            F::new("generateName", Ty::String, F::OMIT_EMPTY),
            F::new("namespace", Ty::String, F::OMIT_EMPTY),
            F::new("selfLink", Ty::String, F::OMIT_EMPTY),
            F::new("uid", Ty::String, F::OMIT_EMPTY),
            F::new("resourceVersion", Ty::String, F::OMIT_EMPTY),
            F::new("generation", Ty::Int64, F::OMIT_EMPTY),
            F::new("creationTimestamp", Ty::Time, F::OMIT_EMPTY_ZERO),
            F::new("deletionTimestamp", Ty::Ptr(&Ty::Time), F::OMIT_EMPTY),
            F::new("deletionGracePeriodSeconds", Ty::Ptr(&Ty::Int64), F::OMIT_EMPTY),
            F::new("labels", Ty::Map(&Ty::String), F::OMIT_EMPTY),
            F::new("annotations", Ty::Map(&Ty::String), F::OMIT_EMPTY),
            F::new(
                "ownerReferences",
                Ty::Slice(&Ty::Struct(OWNER_REFERENCE)),
                F::OMIT_EMPTY,
            ),
            F::new("finalizers", Ty::Slice(&Ty::String), F::OMIT_EMPTY),
            F::new(
                "managedFields",
                Ty::Slice(&Ty::Struct(MANAGED_FIELDS_ENTRY)),
                F::OMIT_EMPTY,
            ),
        ],
    },
    GoStruct {
        name: "OwnerReference",
        fields: &[
            F::new("apiVersion", Ty::String, F::PLAIN),
            F::new("kind", Ty::String, F::PLAIN),
            F::new("name", Ty::String, F::PLAIN),
            F::new("uid", Ty::String, F::PLAIN),
            F::new("controller", Ty::Ptr(&Ty::Bool), F::OMIT_EMPTY),
            F::new("blockOwnerDeletion", Ty::Ptr(&Ty::Bool), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "ManagedFieldsEntry",
        fields: &[
            F::new("manager", Ty::String, F::OMIT_EMPTY),
            F::new("operation", Ty::String, F::OMIT_EMPTY),
            F::new("apiVersion", Ty::String, F::OMIT_EMPTY),
            F::new("time", Ty::Ptr(&Ty::Time), F::OMIT_EMPTY),
            F::new("fieldsType", Ty::String, F::OMIT_EMPTY),
            F::new("fieldsV1", Ty::Ptr(&Ty::FieldsV1), F::OMIT_EMPTY),
            F::new("subresource", Ty::String, F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "PodSpec",
        fields: &[
            F::new("volumes", Ty::Slice(&Ty::Struct(VOLUME)), F::OMIT_EMPTY),
            F::new("initContainers", Ty::Slice(&Ty::Struct(CONTAINER)), F::OMIT_EMPTY),
            F::new("containers", Ty::Slice(&Ty::Struct(CONTAINER)), F::PLAIN),
            F::new(
                "ephemeralContainers",
                Ty::Slice(&Ty::Struct(EPHEMERAL_CONTAINER)),
                F::OMIT_EMPTY,
            ),
            F::new("restartPolicy", Ty::String, F::OMIT_EMPTY),
            F::new(
                "terminationGracePeriodSeconds",
                Ty::Ptr(&Ty::Int64),
                F::OMIT_EMPTY,
            ),
            F::new("activeDeadlineSeconds", Ty::Ptr(&Ty::Int64), F::OMIT_EMPTY),
            F::new("dnsPolicy", Ty::String, F::OMIT_EMPTY),
            F::new("nodeSelector", Ty::Map(&Ty::String), F::OMIT_EMPTY),
            F::new("serviceAccountName", Ty::String, F::OMIT_EMPTY),
            F::new("serviceAccount", Ty::String, F::OMIT_EMPTY),
            F::new("automountServiceAccountToken", Ty::Ptr(&Ty::Bool), F::OMIT_EMPTY),
            F::new("nodeName", Ty::String, F::OMIT_EMPTY),
            F::new("hostNetwork", Ty::Bool, F::OMIT_EMPTY),
            F::new("hostPID", Ty::Bool, F::OMIT_EMPTY),
            F::new("hostIPC", Ty::Bool, F::OMIT_EMPTY),
            F::new("shareProcessNamespace", Ty::Ptr(&Ty::Bool), F::OMIT_EMPTY),
            F::new(
                "securityContext",
                Ty::Ptr(&Ty::Struct(POD_SECURITY_CONTEXT)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "imagePullSecrets",
                Ty::Slice(&Ty::Struct(LOCAL_OBJECT_REFERENCE)),
                F::OMIT_EMPTY,
            ),
            F::new("hostname", Ty::String, F::OMIT_EMPTY),
            F::new("subdomain", Ty::String, F::OMIT_EMPTY),
            F::new("affinity", Ty::Ptr(&Ty::Struct(AFFINITY)), F::OMIT_EMPTY),
            F::new("schedulerName", Ty::String, F::OMIT_EMPTY),
            F::new("tolerations", Ty::Slice(&Ty::Struct(TOLERATION)), F::OMIT_EMPTY),
            F::new("hostAliases", Ty::Slice(&Ty::Struct(HOST_ALIAS)), F::OMIT_EMPTY),
            F::new("priorityClassName", Ty::String, F::OMIT_EMPTY),
            F::new("priority", Ty::Ptr(&Ty::Int32), F::OMIT_EMPTY),
            F::new("dnsConfig", Ty::Ptr(&Ty::Struct(POD_DNS_CONFIG)), F::OMIT_EMPTY),
            F::new(
                "readinessGates",
                Ty::Slice(&Ty::Struct(POD_READINESS_GATE)),
                F::OMIT_EMPTY,
            ),
            F::new("runtimeClassName", Ty::Ptr(&Ty::String), F::OMIT_EMPTY),
            F::new("enableServiceLinks", Ty::Ptr(&Ty::Bool), F::OMIT_EMPTY),
            F::new("preemptionPolicy", Ty::Ptr(&Ty::String), F::OMIT_EMPTY),
            F::new("overhead", Ty::Map(&Ty::Quantity), F::OMIT_EMPTY),
            F::new(
                "topologySpreadConstraints",
                Ty::Slice(&Ty::Struct(TOPOLOGY_SPREAD_CONSTRAINT)),
                F::OMIT_EMPTY,
            ),
            F::new("setHostnameAsFQDN", Ty::Ptr(&Ty::Bool), F::OMIT_EMPTY),
            F::new("os", Ty::Ptr(&Ty::Struct(POD_OS)), F::OMIT_EMPTY),
            F::new("hostUsers", Ty::Ptr(&Ty::Bool), F::OMIT_EMPTY),
            F::new(
                "schedulingGates",
                Ty::Slice(&Ty::Struct(POD_SCHEDULING_GATE)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "resourceClaims",
                Ty::Slice(&Ty::Struct(POD_RESOURCE_CLAIM)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "resources",
                Ty::Ptr(&Ty::Struct(RESOURCE_REQUIREMENTS)),
                F::OMIT_EMPTY,
            ),
            F::new("hostnameOverride", Ty::Ptr(&Ty::String), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "Volume",
        fields: &[
            F::new("name", Ty::String, F::PLAIN),
            F::new(
                "hostPath",
                Ty::Ptr(&Ty::Struct(HOST_PATH_VOLUME_SOURCE)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "emptyDir",
                Ty::Ptr(&Ty::Struct(EMPTY_DIR_VOLUME_SOURCE)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "gcePersistentDisk",
                Ty::Ptr(&Ty::Struct(GCE_PERSISTENT_DISK_VOLUME_SOURCE)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "awsElasticBlockStore",
                Ty::Ptr(&Ty::Struct(AWS_ELASTIC_BLOCK_STORE_VOLUME_SOURCE)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "gitRepo",
                Ty::Ptr(&Ty::Struct(GIT_REPO_VOLUME_SOURCE)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "secret",
                Ty::Ptr(&Ty::Struct(SECRET_VOLUME_SOURCE)),
                F::OMIT_EMPTY,
            ),
            F::new("nfs", Ty::Ptr(&Ty::Struct(NFS_VOLUME_SOURCE)), F::OMIT_EMPTY),
            F::new("iscsi", Ty::Ptr(&Ty::Struct(ISCSI_VOLUME_SOURCE)), F::OMIT_EMPTY),
            F::new(
                "glusterfs",
                Ty::Ptr(&Ty::Struct(GLUSTERFS_VOLUME_SOURCE)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "persistentVolumeClaim",
                Ty::Ptr(&Ty::Struct(PERSISTENT_VOLUME_CLAIM_VOLUME_SOURCE)),
                F::OMIT_EMPTY,
            ),
            F::new("rbd", Ty::Ptr(&Ty::Struct(RBD_VOLUME_SOURCE)), F::OMIT_EMPTY),
            F::new(
                "flexVolume",
                Ty::Ptr(&Ty::Struct(FLEX_VOLUME_SOURCE)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "cinder",
                Ty::Ptr(&Ty::Struct(CINDER_VOLUME_SOURCE)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "cephfs",
                Ty::Ptr(&Ty::Struct(CEPH_FS_VOLUME_SOURCE)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "flocker",
                Ty::Ptr(&Ty::Struct(FLOCKER_VOLUME_SOURCE)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "downwardAPI",
                Ty::Ptr(&Ty::Struct(DOWNWARD_API_VOLUME_SOURCE)),
                F::OMIT_EMPTY,
            ),
            F::new("fc", Ty::Ptr(&Ty::Struct(FC_VOLUME_SOURCE)), F::OMIT_EMPTY),
            F::new(
                "azureFile",
                Ty::Ptr(&Ty::Struct(AZURE_FILE_VOLUME_SOURCE)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "configMap",
                Ty::Ptr(&Ty::Struct(CONFIG_MAP_VOLUME_SOURCE)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "vsphereVolume",
                Ty::Ptr(&Ty::Struct(VSPHERE_VIRTUAL_DISK_VOLUME_SOURCE)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "quobyte",
                Ty::Ptr(&Ty::Struct(QUOBYTE_VOLUME_SOURCE)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "azureDisk",
                Ty::Ptr(&Ty::Struct(AZURE_DISK_VOLUME_SOURCE)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "photonPersistentDisk",
                Ty::Ptr(&Ty::Struct(PHOTON_PERSISTENT_DISK_VOLUME_SOURCE)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "projected",
                Ty::Ptr(&Ty::Struct(PROJECTED_VOLUME_SOURCE)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "portworxVolume",
                Ty::Ptr(&Ty::Struct(PORTWORX_VOLUME_SOURCE)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "scaleIO",
                Ty::Ptr(&Ty::Struct(SCALE_IO_VOLUME_SOURCE)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "storageos",
                Ty::Ptr(&Ty::Struct(STORAGE_OS_VOLUME_SOURCE)),
                F::OMIT_EMPTY,
            ),
            F::new("csi", Ty::Ptr(&Ty::Struct(CSI_VOLUME_SOURCE)), F::OMIT_EMPTY),
            F::new(
                "ephemeral",
                Ty::Ptr(&Ty::Struct(EPHEMERAL_VOLUME_SOURCE)),
                F::OMIT_EMPTY,
            ),
            F::new("image", Ty::Ptr(&Ty::Struct(IMAGE_VOLUME_SOURCE)), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "HostPathVolumeSource",
        fields: &[
            F::new("path", Ty::String, F::PLAIN),
            F::new("type", Ty::Ptr(&Ty::String), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "EmptyDirVolumeSource",
        fields: &[
            F::new("medium", Ty::String, F::OMIT_EMPTY),
            F::new("sizeLimit", Ty::Ptr(&Ty::Quantity), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "GCEPersistentDiskVolumeSource",
        fields: &[
            F::new("pdName", Ty::String, F::PLAIN),
            F::new("fsType", Ty::String, F::OMIT_EMPTY),
            F::new("partition", Ty::Int32, F::OMIT_EMPTY),
            F::new("readOnly", Ty::Bool, F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "AWSElasticBlockStoreVolumeSource",
        fields: &[
            F::new("volumeID", Ty::String, F::PLAIN),
            F::new("fsType", Ty::String, F::OMIT_EMPTY),
            F::new("partition", Ty::Int32, F::OMIT_EMPTY),
            F::new("readOnly", Ty::Bool, F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "GitRepoVolumeSource",
        fields: &[
            F::new("repository", Ty::String, F::PLAIN),
            F::new("revision", Ty::String, F::OMIT_EMPTY),
            F::new("directory", Ty::String, F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "SecretVolumeSource",
        fields: &[
            F::new("secretName", Ty::String, F::OMIT_EMPTY),
            F::new("items", Ty::Slice(&Ty::Struct(KEY_TO_PATH)), F::OMIT_EMPTY),
            F::new("defaultMode", Ty::Ptr(&Ty::Int32), F::OMIT_EMPTY),
            F::new("optional", Ty::Ptr(&Ty::Bool), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "KeyToPath",
        fields: &[
            F::new("key", Ty::String, F::PLAIN),
            F::new("path", Ty::String, F::PLAIN),
            F::new("mode", Ty::Ptr(&Ty::Int32), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "NFSVolumeSource",
        fields: &[
            F::new("server", Ty::String, F::PLAIN),
            F::new("path", Ty::String, F::PLAIN),
            F::new("readOnly", Ty::Bool, F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "ISCSIVolumeSource",
        fields: &[
            F::new("targetPortal", Ty::String, F::PLAIN),
            F::new("iqn", Ty::String, F::PLAIN),
            F::new("lun", Ty::Int32, F::PLAIN),
            F::new("iscsiInterface", Ty::String, F::OMIT_EMPTY),
            F::new("fsType", Ty::String, F::OMIT_EMPTY),
            F::new("readOnly", Ty::Bool, F::OMIT_EMPTY),
            F::new("portals", Ty::Slice(&Ty::String), F::OMIT_EMPTY),
            F::new("chapAuthDiscovery", Ty::Bool, F::OMIT_EMPTY),
            F::new("chapAuthSession", Ty::Bool, F::OMIT_EMPTY),
            F::new(
                "secretRef",
                Ty::Ptr(&Ty::Struct(LOCAL_OBJECT_REFERENCE)),
                F::OMIT_EMPTY,
            ),
            F::new("initiatorName", Ty::Ptr(&Ty::String), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "LocalObjectReference",
        fields: &[F::new("name", Ty::String, F::OMIT_EMPTY)],
    },
    GoStruct {
        name: "GlusterfsVolumeSource",
        fields: &[
            F::new("endpoints", Ty::String, F::PLAIN),
            F::new("path", Ty::String, F::PLAIN),
            F::new("readOnly", Ty::Bool, F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "PersistentVolumeClaimVolumeSource",
        fields: &[
            F::new("claimName", Ty::String, F::PLAIN),
            F::new("readOnly", Ty::Bool, F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "RBDVolumeSource",
        fields: &[
            F::new("monitors", Ty::Slice(&Ty::String), F::PLAIN),
            F::new("image", Ty::String, F::PLAIN),
            F::new("fsType", Ty::String, F::OMIT_EMPTY),
            F::new("pool", Ty::String, F::OMIT_EMPTY),
            F::new("user", Ty::String, F::OMIT_EMPTY),
            F::new("keyring", Ty::String, F::OMIT_EMPTY),
            F::new(
                "secretRef",
                Ty::Ptr(&Ty::Struct(LOCAL_OBJECT_REFERENCE)),
                F::OMIT_EMPTY,
            ),
            F::new("readOnly", Ty::Bool, F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "FlexVolumeSource",
        fields: &[
            F::new("driver", Ty::String, F::PLAIN),
            F::new("fsType", Ty::String, F::OMIT_EMPTY),
            F::new(
                "secretRef",
                Ty::Ptr(&Ty::Struct(LOCAL_OBJECT_REFERENCE)),
                F::OMIT_EMPTY,
            ),
            F::new("readOnly", Ty::Bool, F::OMIT_EMPTY),
            F::new("options", Ty::Map(&Ty::String), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "CinderVolumeSource",
        fields: &[
            F::new("volumeID", Ty::String, F::PLAIN),
            F::new("fsType", Ty::String, F::OMIT_EMPTY),
            F::new("readOnly", Ty::Bool, F::OMIT_EMPTY),
            F::new(
                "secretRef",
                Ty::Ptr(&Ty::Struct(LOCAL_OBJECT_REFERENCE)),
                F::OMIT_EMPTY,
            ),
        ],
    },
    GoStruct {
        name: "CephFSVolumeSource",
        fields: &[
            F::new("monitors", Ty::Slice(&Ty::String), F::PLAIN),
            F::new("path", Ty::String, F::OMIT_EMPTY),
            F::new("user", Ty::String, F::OMIT_EMPTY),
            F::new("secretFile", Ty::String, F::OMIT_EMPTY),
            F::new(
                "secretRef",
                Ty::Ptr(&Ty::Struct(LOCAL_OBJECT_REFERENCE)),
                F::OMIT_EMPTY,
            ),
            F::new("readOnly", Ty::Bool, F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "FlockerVolumeSource",
        fields: &[
            F::new("datasetName", Ty::String, F::OMIT_EMPTY),
            F::new("datasetUUID", Ty::String, F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "DownwardAPIVolumeSource",
        fields: &[
            F::new(
                "items",
                Ty::Slice(&Ty::Struct(DOWNWARD_API_VOLUME_FILE)),
                F::OMIT_EMPTY,
            ),
            F::new("defaultMode", Ty::Ptr(&Ty::Int32), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "DownwardAPIVolumeFile",
        fields: &[
            F::new("path", Ty::String, F::PLAIN),
            F::new(
                "fieldRef",
                Ty::Ptr(&Ty::Struct(OBJECT_FIELD_SELECTOR)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "resourceFieldRef",
                Ty::Ptr(&Ty::Struct(RESOURCE_FIELD_SELECTOR)),
                F::OMIT_EMPTY,
            ),
            F::new("mode", Ty::Ptr(&Ty::Int32), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "ObjectFieldSelector",
        fields: &[
            F::new("apiVersion", Ty::String, F::OMIT_EMPTY),
            F::new("fieldPath", Ty::String, F::PLAIN),
        ],
    },
    GoStruct {
        name: "ResourceFieldSelector",
        fields: &[
            F::new("containerName", Ty::String, F::OMIT_EMPTY),
            F::new("resource", Ty::String, F::PLAIN),
            F::new("divisor", Ty::Quantity, F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "FCVolumeSource",
        fields: &[
            F::new("targetWWNs", Ty::Slice(&Ty::String), F::OMIT_EMPTY),
            F::new("lun", Ty::Ptr(&Ty::Int32), F::OMIT_EMPTY),
            F::new("fsType", Ty::String, F::OMIT_EMPTY),
            F::new("readOnly", Ty::Bool, F::OMIT_EMPTY),
            F::new("wwids", Ty::Slice(&Ty::String), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "AzureFileVolumeSource",
        fields: &[
            F::new("secretName", Ty::String, F::PLAIN),
            F::new("shareName", Ty::String, F::PLAIN),
            F::new("readOnly", Ty::Bool, F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "ConfigMapVolumeSource",
        fields: &[
            F::new("name", Ty::String, F::OMIT_EMPTY),
            F::new("items", Ty::Slice(&Ty::Struct(KEY_TO_PATH)), F::OMIT_EMPTY),
            F::new("defaultMode", Ty::Ptr(&Ty::Int32), F::OMIT_EMPTY),
            F::new("optional", Ty::Ptr(&Ty::Bool), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "VsphereVirtualDiskVolumeSource",
        fields: &[
            F::new("volumePath", Ty::String, F::PLAIN),
            F::new("fsType", Ty::String, F::OMIT_EMPTY),
            F::new("storagePolicyName", Ty::String, F::OMIT_EMPTY),
            F::new("storagePolicyID", Ty::String, F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "QuobyteVolumeSource",
        fields: &[
            F::new("registry", Ty::String, F::PLAIN),
            F::new("volume", Ty::String, F::PLAIN),
            F::new("readOnly", Ty::Bool, F::OMIT_EMPTY),
            F::new("user", Ty::String, F::OMIT_EMPTY),
            F::new("group", Ty::String, F::OMIT_EMPTY),
            F::new("tenant", Ty::String, F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "AzureDiskVolumeSource",
        fields: &[
            F::new("diskName", Ty::String, F::PLAIN),
            F::new("diskURI", Ty::String, F::PLAIN),
            F::new("cachingMode", Ty::Ptr(&Ty::String), F::OMIT_EMPTY),
            F::new("fsType", Ty::Ptr(&Ty::String), F::OMIT_EMPTY),
            F::new("readOnly", Ty::Ptr(&Ty::Bool), F::OMIT_EMPTY),
            F::new("kind", Ty::Ptr(&Ty::String), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "PhotonPersistentDiskVolumeSource",
        fields: &[
            F::new("pdID", Ty::String, F::PLAIN),
            F::new("fsType", Ty::String, F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "ProjectedVolumeSource",
        fields: &[
            F::new("sources", Ty::Slice(&Ty::Struct(VOLUME_PROJECTION)), F::PLAIN),
            F::new("defaultMode", Ty::Ptr(&Ty::Int32), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "VolumeProjection",
        fields: &[
            F::new("secret", Ty::Ptr(&Ty::Struct(SECRET_PROJECTION)), F::OMIT_EMPTY),
            F::new(
                "downwardAPI",
                Ty::Ptr(&Ty::Struct(DOWNWARD_API_PROJECTION)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "configMap",
                Ty::Ptr(&Ty::Struct(CONFIG_MAP_PROJECTION)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "serviceAccountToken",
                Ty::Ptr(&Ty::Struct(SERVICE_ACCOUNT_TOKEN_PROJECTION)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "clusterTrustBundle",
                Ty::Ptr(&Ty::Struct(CLUSTER_TRUST_BUNDLE_PROJECTION)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "podCertificate",
                Ty::Ptr(&Ty::Struct(POD_CERTIFICATE_PROJECTION)),
                F::OMIT_EMPTY,
            ),
        ],
    },
    GoStruct {
        name: "SecretProjection",
        fields: &[
            F::new("name", Ty::String, F::OMIT_EMPTY),
            F::new("items", Ty::Slice(&Ty::Struct(KEY_TO_PATH)), F::OMIT_EMPTY),
            F::new("optional", Ty::Ptr(&Ty::Bool), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "DownwardAPIProjection",
        fields: &[F::new(
            "items",
            Ty::Slice(&Ty::Struct(DOWNWARD_API_VOLUME_FILE)),
            F::OMIT_EMPTY,
        )],
    },
    GoStruct {
        name: "ConfigMapProjection",
        fields: &[
            F::new("name", Ty::String, F::OMIT_EMPTY),
            F::new("items", Ty::Slice(&Ty::Struct(KEY_TO_PATH)), F::OMIT_EMPTY),
            F::new("optional", Ty::Ptr(&Ty::Bool), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "ServiceAccountTokenProjection",
        fields: &[
            F::new("audience", Ty::String, F::OMIT_EMPTY),
            F::new("expirationSeconds", Ty::Ptr(&Ty::Int64), F::OMIT_EMPTY),
            F::new("path", Ty::String, F::PLAIN),
        ],
    },
    GoStruct {
        name: "ClusterTrustBundleProjection",
        fields: &[
            F::new("name", Ty::Ptr(&Ty::String), F::OMIT_EMPTY),
            F::new("signerName", Ty::Ptr(&Ty::String), F::OMIT_EMPTY),
            F::new(
                "labelSelector",
                Ty::Ptr(&Ty::Struct(LABEL_SELECTOR)),
                F::OMIT_EMPTY,
            ),
            F::new("optional", Ty::Ptr(&Ty::Bool), F::OMIT_EMPTY),
            F::new("path", Ty::String, F::PLAIN),
        ],
    },
    GoStruct {
        name: "LabelSelector",
        fields: &[
            F::new("matchLabels", Ty::Map(&Ty::String), F::OMIT_EMPTY),
            F::new(
                "matchExpressions",
                Ty::Slice(&Ty::Struct(LABEL_SELECTOR_REQUIREMENT)),
                F::OMIT_EMPTY,
            ),
        ],
    },
    GoStruct {
        name: "LabelSelectorRequirement",
        fields: &[
            F::new("key", Ty::String, F::PLAIN),
            F::new("operator", Ty::String, F::PLAIN),
            F::new("values", Ty::Slice(&Ty::String), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "PodCertificateProjection",
        fields: &[
            F::new("signerName", Ty::String, F::OMIT_EMPTY),
            F::new("keyType", Ty::String, F::OMIT_EMPTY),
            F::new("maxExpirationSeconds", Ty::Ptr(&Ty::Int32), F::OMIT_EMPTY),
            F::new("credentialBundlePath", Ty::String, F::OMIT_EMPTY),
            F::new("keyPath", Ty::String, F::OMIT_EMPTY),
            F::new("certificateChainPath", Ty::String, F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "PortworxVolumeSource",
        fields: &[
            F::new("volumeID", Ty::String, F::PLAIN),
            F::new("fsType", Ty::String, F::OMIT_EMPTY),
            F::new("readOnly", Ty::Bool, F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "ScaleIOVolumeSource",
        fields: &[
            F::new("gateway", Ty::String, F::PLAIN),
            F::new("system", Ty::String, F::PLAIN),
            F::new(
                "secretRef",
                Ty::Ptr(&Ty::Struct(LOCAL_OBJECT_REFERENCE)),
                F::PLAIN,
            ),
            F::new("sslEnabled", Ty::Bool, F::OMIT_EMPTY),
            F::new("protectionDomain", Ty::String, F::OMIT_EMPTY),
            F::new("storagePool", Ty::String, F::OMIT_EMPTY),
            F::new("storageMode", Ty::String, F::OMIT_EMPTY),
            F::new("volumeName", Ty::String, F::OMIT_EMPTY),
            F::new("fsType", Ty::String, F::OMIT_EMPTY),
            F::new("readOnly", Ty::Bool, F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "StorageOSVolumeSource",
        fields: &[
            F::new("volumeName", Ty::String, F::OMIT_EMPTY),
            F::new("volumeNamespace", Ty::String, F::OMIT_EMPTY),
            F::new("fsType", Ty::String, F::OMIT_EMPTY),
            F::new("readOnly", Ty::Bool, F::OMIT_EMPTY),
            F::new(
                "secretRef",
                Ty::Ptr(&Ty::Struct(LOCAL_OBJECT_REFERENCE)),
                F::OMIT_EMPTY,
            ),
        ],
    },
    GoStruct {
        name: "CSIVolumeSource",
        fields: &[
            F::new("driver", Ty::String, F::PLAIN),
            F::new("readOnly", Ty::Ptr(&Ty::Bool), F::OMIT_EMPTY),
            F::new("fsType", Ty::Ptr(&Ty::String), F::OMIT_EMPTY),
            F::new("volumeAttributes", Ty::Map(&Ty::String), F::OMIT_EMPTY),
            F::new(
                "nodePublishSecretRef",
                Ty::Ptr(&Ty::Struct(LOCAL_OBJECT_REFERENCE)),
                F::OMIT_EMPTY,
            ),
        ],
    },
    GoStruct {
        name: "EphemeralVolumeSource",
        fields: &[F::new(
            "volumeClaimTemplate",
            Ty::Ptr(&Ty::Struct(PERSISTENT_VOLUME_CLAIM_TEMPLATE)),
            F::OMIT_EMPTY,
        )],
    },
    GoStruct {
        name: "PersistentVolumeClaimTemplate",
        fields: &[
            F::new("metadata", Ty::Struct(OBJECT_META), F::OMIT_EMPTY),
            F::new("spec", Ty::Struct(PERSISTENT_VOLUME_CLAIM_SPEC), F::PLAIN),
        ],
    },
    GoStruct {
        name: "PersistentVolumeClaimSpec",
        fields: &[
            F::new("accessModes", Ty::Slice(&Ty::String), F::OMIT_EMPTY),
            F::new("selector", Ty::Ptr(&Ty::Struct(LABEL_SELECTOR)), F::OMIT_EMPTY),
            F::new(
                "resources",
                Ty::Struct(VOLUME_RESOURCE_REQUIREMENTS),
                F::OMIT_EMPTY,
            ),
            F::new("volumeName", Ty::String, F::OMIT_EMPTY),
            F::new("storageClassName", Ty::Ptr(&Ty::String), F::OMIT_EMPTY),
            F::new("volumeMode", Ty::Ptr(&Ty::String), F::OMIT_EMPTY),
            F::new(
                "dataSource",
                Ty::Ptr(&Ty::Struct(TYPED_LOCAL_OBJECT_REFERENCE)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "dataSourceRef",
                Ty::Ptr(&Ty::Struct(TYPED_OBJECT_REFERENCE)),
                F::OMIT_EMPTY,
            ),
            F::new("volumeAttributesClassName", Ty::Ptr(&Ty::String), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "VolumeResourceRequirements",
        fields: &[
            F::new("limits", Ty::Map(&Ty::Quantity), F::OMIT_EMPTY),
            F::new("requests", Ty::Map(&Ty::Quantity), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "TypedLocalObjectReference",
        fields: &[
            F::new("apiGroup", Ty::Ptr(&Ty::String), F::PLAIN),
            F::new("kind", Ty::String, F::PLAIN),
            F::new("name", Ty::String, F::PLAIN),
        ],
    },
    GoStruct {
        name: "TypedObjectReference",
        fields: &[
            F::new("apiGroup", Ty::Ptr(&Ty::String), F::PLAIN),
            F::new("kind", Ty::String, F::PLAIN),
            F::new("name", Ty::String, F::PLAIN),
            F::new("namespace", Ty::Ptr(&Ty::String), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "ImageVolumeSource",
        fields: &[
            F::new("reference", Ty::String, F::OMIT_EMPTY),
            F::new("pullPolicy", Ty::String, F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "Container",
        fields: &[
            F::new("name", Ty::String, F::PLAIN),
            F::new("image", Ty::String, F::OMIT_EMPTY),
            F::new("command", Ty::Slice(&Ty::String), F::OMIT_EMPTY),
            F::new("args", Ty::Slice(&Ty::String), F::OMIT_EMPTY),
            F::new("workingDir", Ty::String, F::OMIT_EMPTY),
            F::new("ports", Ty::Slice(&Ty::Struct(CONTAINER_PORT)), F::OMIT_EMPTY),
            F::new("envFrom", Ty::Slice(&Ty::Struct(ENV_FROM_SOURCE)), F::OMIT_EMPTY),
            F::new("env", Ty::Slice(&Ty::Struct(ENV_VAR)), F::OMIT_EMPTY),
            F::new("resources", Ty::Struct(RESOURCE_REQUIREMENTS), F::OMIT_EMPTY),
            F::new(
                "resizePolicy",
                Ty::Slice(&Ty::Struct(CONTAINER_RESIZE_POLICY)),
                F::OMIT_EMPTY,
            ),
            F::new("restartPolicy", Ty::Ptr(&Ty::String), F::OMIT_EMPTY),
            F::new(
                "restartPolicyRules",
                Ty::Slice(&Ty::Struct(CONTAINER_RESTART_RULE)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "volumeMounts",
                Ty::Slice(&Ty::Struct(VOLUME_MOUNT)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "volumeDevices",
                Ty::Slice(&Ty::Struct(VOLUME_DEVICE)),
                F::OMIT_EMPTY,
            ),
            F::new("livenessProbe", Ty::Ptr(&Ty::Struct(PROBE)), F::OMIT_EMPTY),
            F::new("readinessProbe", Ty::Ptr(&Ty::Struct(PROBE)), F::OMIT_EMPTY),
            F::new("startupProbe", Ty::Ptr(&Ty::Struct(PROBE)), F::OMIT_EMPTY),
            F::new("lifecycle", Ty::Ptr(&Ty::Struct(LIFECYCLE)), F::OMIT_EMPTY),
            F::new("terminationMessagePath", Ty::String, F::OMIT_EMPTY),
            F::new("terminationMessagePolicy", Ty::String, F::OMIT_EMPTY),
            F::new("imagePullPolicy", Ty::String, F::OMIT_EMPTY),
            F::new(
                "securityContext",
                Ty::Ptr(&Ty::Struct(SECURITY_CONTEXT)),
                F::OMIT_EMPTY,
            ),
            F::new("stdin", Ty::Bool, F::OMIT_EMPTY),
            F::new("stdinOnce", Ty::Bool, F::OMIT_EMPTY),
            F::new("tty", Ty::Bool, F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "ContainerPort",
        fields: &[
            F::new("name", Ty::String, F::OMIT_EMPTY),
            F::new("hostPort", Ty::Int32, F::OMIT_EMPTY),
            F::new("containerPort", Ty::Int32, F::PLAIN),
            F::new("protocol", Ty::String, F::OMIT_EMPTY),
            F::new("hostIP", Ty::String, F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "EnvFromSource",
        fields: &[
            F::new("prefix", Ty::String, F::OMIT_EMPTY),
            F::new(
                "configMapRef",
                Ty::Ptr(&Ty::Struct(CONFIG_MAP_ENV_SOURCE)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "secretRef",
                Ty::Ptr(&Ty::Struct(SECRET_ENV_SOURCE)),
                F::OMIT_EMPTY,
            ),
        ],
    },
    GoStruct {
        name: "ConfigMapEnvSource",
        fields: &[
            F::new("name", Ty::String, F::OMIT_EMPTY),
            F::new("optional", Ty::Ptr(&Ty::Bool), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "SecretEnvSource",
        fields: &[
            F::new("name", Ty::String, F::OMIT_EMPTY),
            F::new("optional", Ty::Ptr(&Ty::Bool), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "EnvVar",
        fields: &[
            F::new("name", Ty::String, F::PLAIN),
            F::new("value", Ty::String, F::OMIT_EMPTY),
            F::new("valueFrom", Ty::Ptr(&Ty::Struct(ENV_VAR_SOURCE)), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "EnvVarSource",
        fields: &[
            F::new(
                "fieldRef",
                Ty::Ptr(&Ty::Struct(OBJECT_FIELD_SELECTOR)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "resourceFieldRef",
                Ty::Ptr(&Ty::Struct(RESOURCE_FIELD_SELECTOR)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "configMapKeyRef",
                Ty::Ptr(&Ty::Struct(CONFIG_MAP_KEY_SELECTOR)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "secretKeyRef",
                Ty::Ptr(&Ty::Struct(SECRET_KEY_SELECTOR)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "fileKeyRef",
                Ty::Ptr(&Ty::Struct(FILE_KEY_SELECTOR)),
                F::OMIT_EMPTY,
            ),
        ],
    },
    GoStruct {
        name: "ConfigMapKeySelector",
        fields: &[
            F::new("name", Ty::String, F::OMIT_EMPTY),
            F::new("key", Ty::String, F::PLAIN),
            F::new("optional", Ty::Ptr(&Ty::Bool), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "SecretKeySelector",
        fields: &[
            F::new("name", Ty::String, F::OMIT_EMPTY),
            F::new("key", Ty::String, F::PLAIN),
            F::new("optional", Ty::Ptr(&Ty::Bool), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "FileKeySelector",
        fields: &[
            F::new("volumeName", Ty::String, F::PLAIN),
            F::new("path", Ty::String, F::PLAIN),
            F::new("key", Ty::String, F::PLAIN),
            F::new("optional", Ty::Ptr(&Ty::Bool), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "ResourceRequirements",
        fields: &[
            F::new("limits", Ty::Map(&Ty::Quantity), F::OMIT_EMPTY),
            F::new("requests", Ty::Map(&Ty::Quantity), F::OMIT_EMPTY),
            F::new("claims", Ty::Slice(&Ty::Struct(RESOURCE_CLAIM)), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "ResourceClaim",
        fields: &[
            F::new("name", Ty::String, F::PLAIN),
            F::new("request", Ty::String, F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "ContainerResizePolicy",
        fields: &[
            F::new("resourceName", Ty::String, F::PLAIN),
            F::new("restartPolicy", Ty::String, F::PLAIN),
        ],
    },
    GoStruct {
        name: "ContainerRestartRule",
        fields: &[
            F::new("action", Ty::String, F::OMIT_EMPTY),
            F::new(
                "exitCodes",
                Ty::Ptr(&Ty::Struct(CONTAINER_RESTART_RULE_ON_EXIT_CODES)),
                F::OMIT_EMPTY,
            ),
        ],
    },
    GoStruct {
        name: "ContainerRestartRuleOnExitCodes",
        fields: &[
            F::new("operator", Ty::String, F::OMIT_EMPTY),
            F::new("values", Ty::Slice(&Ty::Int32), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "VolumeMount",
        fields: &[
            F::new("name", Ty::String, F::PLAIN),
            F::new("readOnly", Ty::Bool, F::OMIT_EMPTY),
            F::new("recursiveReadOnly", Ty::Ptr(&Ty::String), F::OMIT_EMPTY),
            F::new("mountPath", Ty::String, F::PLAIN),
            F::new("subPath", Ty::String, F::OMIT_EMPTY),
            F::new("mountPropagation", Ty::Ptr(&Ty::String), F::OMIT_EMPTY),
            F::new("subPathExpr", Ty::String, F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "VolumeDevice",
        fields: &[
            F::new("name", Ty::String, F::PLAIN),
            F::new("devicePath", Ty::String, F::PLAIN),
        ],
    },
    GoStruct {
        name: "Probe",
        fields: &[
            F::new("exec", Ty::Ptr(&Ty::Struct(EXEC_ACTION)), F::OMIT_EMPTY),
            F::new("httpGet", Ty::Ptr(&Ty::Struct(HTTP_GET_ACTION)), F::OMIT_EMPTY),
            F::new(
                "tcpSocket",
                Ty::Ptr(&Ty::Struct(TCP_SOCKET_ACTION)),
                F::OMIT_EMPTY,
            ),
            F::new("grpc", Ty::Ptr(&Ty::Struct(GRPC_ACTION)), F::OMIT_EMPTY),
            F::new("initialDelaySeconds", Ty::Int32, F::OMIT_EMPTY),
            F::new("timeoutSeconds", Ty::Int32, F::OMIT_EMPTY),
            F::new("periodSeconds", Ty::Int32, F::OMIT_EMPTY),
            F::new("successThreshold", Ty::Int32, F::OMIT_EMPTY),
            F::new("failureThreshold", Ty::Int32, F::OMIT_EMPTY),
            F::new(
                "terminationGracePeriodSeconds",
                Ty::Ptr(&Ty::Int64),
                F::OMIT_EMPTY,
            ),
        ],
    },
    GoStruct {
        name: "ExecAction",
        fields: &[F::new("command", Ty::Slice(&Ty::String), F::OMIT_EMPTY)],
    },
    GoStruct {
        name: "HTTPGetAction",
        fields: &[
            F::new("path", Ty::String, F::OMIT_EMPTY),
            F::new("port", Ty::IntOrString, F::PLAIN),
            F::new("host", Ty::String, F::OMIT_EMPTY),
            F::new("scheme", Ty::String, F::OMIT_EMPTY),
            F::new("httpHeaders", Ty::Slice(&Ty::Struct(HTTP_HEADER)), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "HTTPHeader",
        fields: &[
            F::new("name", Ty::String, F::PLAIN),
            F::new("value", Ty::String, F::PLAIN),
        ],
    },
    GoStruct {
        name: "TCPSocketAction",
        fields: &[
            F::new("port", Ty::IntOrString, F::PLAIN),
            F::new("host", Ty::String, F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "GRPCAction",
        fields: &[
            F::new("port", Ty::Int32, F::PLAIN),
            F::new("service", Ty::Ptr(&Ty::String), F::PLAIN),
        ],
    },
    GoStruct {
        name: "Lifecycle",
        fields: &[
            F::new(
                "postStart",
                Ty::Ptr(&Ty::Struct(LIFECYCLE_HANDLER)),
                F::OMIT_EMPTY,
            ),
            F::new("preStop", Ty::Ptr(&Ty::Struct(LIFECYCLE_HANDLER)), F::OMIT_EMPTY),
            F::new("stopSignal", Ty::Ptr(&Ty::String), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "LifecycleHandler",
        fields: &[
            F::new("exec", Ty::Ptr(&Ty::Struct(EXEC_ACTION)), F::OMIT_EMPTY),
            F::new("httpGet", Ty::Ptr(&Ty::Struct(HTTP_GET_ACTION)), F::OMIT_EMPTY),
            F::new(
                "tcpSocket",
                Ty::Ptr(&Ty::Struct(TCP_SOCKET_ACTION)),
                F::OMIT_EMPTY,
            ),
            F::new("sleep", Ty::Ptr(&Ty::Struct(SLEEP_ACTION)), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "SleepAction",
        fields: &[F::new("seconds", Ty::Int64, F::PLAIN)],
    },
    GoStruct {
        name: "SecurityContext",
        fields: &[
            F::new("capabilities", Ty::Ptr(&Ty::Struct(CAPABILITIES)), F::OMIT_EMPTY),
            F::new("privileged", Ty::Ptr(&Ty::Bool), F::OMIT_EMPTY),
            F::new(
                "seLinuxOptions",
                Ty::Ptr(&Ty::Struct(SE_LINUX_OPTIONS)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "windowsOptions",
                Ty::Ptr(&Ty::Struct(WINDOWS_SECURITY_CONTEXT_OPTIONS)),
                F::OMIT_EMPTY,
            ),
            F::new("runAsUser", Ty::Ptr(&Ty::Int64), F::OMIT_EMPTY),
            F::new("runAsGroup", Ty::Ptr(&Ty::Int64), F::OMIT_EMPTY),
            F::new("runAsNonRoot", Ty::Ptr(&Ty::Bool), F::OMIT_EMPTY),
            F::new("readOnlyRootFilesystem", Ty::Ptr(&Ty::Bool), F::OMIT_EMPTY),
            F::new("allowPrivilegeEscalation", Ty::Ptr(&Ty::Bool), F::OMIT_EMPTY),
            F::new("procMount", Ty::Ptr(&Ty::String), F::OMIT_EMPTY),
            F::new(
                "seccompProfile",
                Ty::Ptr(&Ty::Struct(SECCOMP_PROFILE)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "appArmorProfile",
                Ty::Ptr(&Ty::Struct(APP_ARMOR_PROFILE)),
                F::OMIT_EMPTY,
            ),
        ],
    },
    GoStruct {
        name: "Capabilities",
        fields: &[
            F::new("add", Ty::Slice(&Ty::String), F::OMIT_EMPTY),
            F::new("drop", Ty::Slice(&Ty::String), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "SELinuxOptions",
        fields: &[
            F::new("user", Ty::String, F::OMIT_EMPTY),
            F::new("role", Ty::String, F::OMIT_EMPTY),
            F::new("type", Ty::String, F::OMIT_EMPTY),
            F::new("level", Ty::String, F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "WindowsSecurityContextOptions",
        fields: &[
            F::new("gmsaCredentialSpecName", Ty::Ptr(&Ty::String), F::OMIT_EMPTY),
            F::new("gmsaCredentialSpec", Ty::Ptr(&Ty::String), F::OMIT_EMPTY),
            F::new("runAsUserName", Ty::Ptr(&Ty::String), F::OMIT_EMPTY),
            F::new("hostProcess", Ty::Ptr(&Ty::Bool), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "SeccompProfile",
        fields: &[
            F::new("type", Ty::String, F::PLAIN),
            F::new("localhostProfile", Ty::Ptr(&Ty::String), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "AppArmorProfile",
        fields: &[
            F::new("type", Ty::String, F::PLAIN),
            F::new("localhostProfile", Ty::Ptr(&Ty::String), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "EphemeralContainer",
        fields: &[
            F::new("name", Ty::String, F::PLAIN),
            F::new("image", Ty::String, F::OMIT_EMPTY),
            F::new("command", Ty::Slice(&Ty::String), F::OMIT_EMPTY),
            F::new("args", Ty::Slice(&Ty::String), F::OMIT_EMPTY),
            F::new("workingDir", Ty::String, F::OMIT_EMPTY),
            F::new("ports", Ty::Slice(&Ty::Struct(CONTAINER_PORT)), F::OMIT_EMPTY),
            F::new("envFrom", Ty::Slice(&Ty::Struct(ENV_FROM_SOURCE)), F::OMIT_EMPTY),
            F::new("env", Ty::Slice(&Ty::Struct(ENV_VAR)), F::OMIT_EMPTY),
            F::new("resources", Ty::Struct(RESOURCE_REQUIREMENTS), F::OMIT_EMPTY),
            F::new(
                "resizePolicy",
                Ty::Slice(&Ty::Struct(CONTAINER_RESIZE_POLICY)),
                F::OMIT_EMPTY,
            ),
            F::new("restartPolicy", Ty::Ptr(&Ty::String), F::OMIT_EMPTY),
            F::new(
                "restartPolicyRules",
                Ty::Slice(&Ty::Struct(CONTAINER_RESTART_RULE)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "volumeMounts",
                Ty::Slice(&Ty::Struct(VOLUME_MOUNT)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "volumeDevices",
                Ty::Slice(&Ty::Struct(VOLUME_DEVICE)),
                F::OMIT_EMPTY,
            ),
            F::new("livenessProbe", Ty::Ptr(&Ty::Struct(PROBE)), F::OMIT_EMPTY),
            F::new("readinessProbe", Ty::Ptr(&Ty::Struct(PROBE)), F::OMIT_EMPTY),
            F::new("startupProbe", Ty::Ptr(&Ty::Struct(PROBE)), F::OMIT_EMPTY),
            F::new("lifecycle", Ty::Ptr(&Ty::Struct(LIFECYCLE)), F::OMIT_EMPTY),
            F::new("terminationMessagePath", Ty::String, F::OMIT_EMPTY),
            F::new("terminationMessagePolicy", Ty::String, F::OMIT_EMPTY),
            F::new("imagePullPolicy", Ty::String, F::OMIT_EMPTY),
            F::new(
                "securityContext",
                Ty::Ptr(&Ty::Struct(SECURITY_CONTEXT)),
                F::OMIT_EMPTY,
            ),
            F::new("stdin", Ty::Bool, F::OMIT_EMPTY),
            F::new("stdinOnce", Ty::Bool, F::OMIT_EMPTY),
            F::new("tty", Ty::Bool, F::OMIT_EMPTY),
            F::new("targetContainerName", Ty::String, F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "PodSecurityContext",
        fields: &[
            F::new(
                "seLinuxOptions",
                Ty::Ptr(&Ty::Struct(SE_LINUX_OPTIONS)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "windowsOptions",
                Ty::Ptr(&Ty::Struct(WINDOWS_SECURITY_CONTEXT_OPTIONS)),
                F::OMIT_EMPTY,
            ),
            F::new("runAsUser", Ty::Ptr(&Ty::Int64), F::OMIT_EMPTY),
            F::new("runAsGroup", Ty::Ptr(&Ty::Int64), F::OMIT_EMPTY),
            F::new("runAsNonRoot", Ty::Ptr(&Ty::Bool), F::OMIT_EMPTY),
            F::new("supplementalGroups", Ty::Slice(&Ty::Int64), F::OMIT_EMPTY),
            F::new("supplementalGroupsPolicy", Ty::Ptr(&Ty::String), F::OMIT_EMPTY),
            F::new("fsGroup", Ty::Ptr(&Ty::Int64), F::OMIT_EMPTY),
            F::new("sysctls", Ty::Slice(&Ty::Struct(SYSCTL)), F::OMIT_EMPTY),
            F::new("fsGroupChangePolicy", Ty::Ptr(&Ty::String), F::OMIT_EMPTY),
            F::new(
                "seccompProfile",
                Ty::Ptr(&Ty::Struct(SECCOMP_PROFILE)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "appArmorProfile",
                Ty::Ptr(&Ty::Struct(APP_ARMOR_PROFILE)),
                F::OMIT_EMPTY,
            ),
            F::new("seLinuxChangePolicy", Ty::Ptr(&Ty::String), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "Sysctl",
        fields: &[
            F::new("name", Ty::String, F::PLAIN),
            F::new("value", Ty::String, F::PLAIN),
        ],
    },
    GoStruct {
        name: "Affinity",
        fields: &[
            F::new("nodeAffinity", Ty::Ptr(&Ty::Struct(NODE_AFFINITY)), F::OMIT_EMPTY),
            F::new("podAffinity", Ty::Ptr(&Ty::Struct(POD_AFFINITY)), F::OMIT_EMPTY),
            F::new(
                "podAntiAffinity",
                Ty::Ptr(&Ty::Struct(POD_ANTI_AFFINITY)),
                F::OMIT_EMPTY,
            ),
        ],
    },
    GoStruct {
        name: "NodeAffinity",
        fields: &[
            F::new(
                "requiredDuringSchedulingIgnoredDuringExecution",
                Ty::Ptr(&Ty::Struct(NODE_SELECTOR)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "preferredDuringSchedulingIgnoredDuringExecution",
                Ty::Slice(&Ty::Struct(PREFERRED_SCHEDULING_TERM)),
                F::OMIT_EMPTY,
            ),
        ],
    },
    GoStruct {
        name: "NodeSelector",
        fields: &[F::new(
            "nodeSelectorTerms",
            Ty::Slice(&Ty::Struct(NODE_SELECTOR_TERM)),
            F::PLAIN,
        )],
    },
    GoStruct {
        name: "NodeSelectorTerm",
        fields: &[
            F::new(
                "matchExpressions",
                Ty::Slice(&Ty::Struct(NODE_SELECTOR_REQUIREMENT)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "matchFields",
                Ty::Slice(&Ty::Struct(NODE_SELECTOR_REQUIREMENT)),
                F::OMIT_EMPTY,
            ),
        ],
    },
    GoStruct {
        name: "NodeSelectorRequirement",
        fields: &[
            F::new("key", Ty::String, F::PLAIN),
            F::new("operator", Ty::String, F::PLAIN),
            F::new("values", Ty::Slice(&Ty::String), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "PreferredSchedulingTerm",
        fields: &[
            F::new("weight", Ty::Int32, F::PLAIN),
            F::new("preference", Ty::Struct(NODE_SELECTOR_TERM), F::PLAIN),
        ],
    },
    GoStruct {
        name: "PodAffinity",
        fields: &[
            F::new(
                "requiredDuringSchedulingIgnoredDuringExecution",
                Ty::Slice(&Ty::Struct(POD_AFFINITY_TERM)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "preferredDuringSchedulingIgnoredDuringExecution",
                Ty::Slice(&Ty::Struct(WEIGHTED_POD_AFFINITY_TERM)),
                F::OMIT_EMPTY,
            ),
        ],
    },
    GoStruct {
        name: "PodAffinityTerm",
        fields: &[
            F::new(
                "labelSelector",
                Ty::Ptr(&Ty::Struct(LABEL_SELECTOR)),
                F::OMIT_EMPTY,
            ),
            F::new("namespaces", Ty::Slice(&Ty::String), F::OMIT_EMPTY),
            F::new("topologyKey", Ty::String, F::PLAIN),
            F::new(
                "namespaceSelector",
                Ty::Ptr(&Ty::Struct(LABEL_SELECTOR)),
                F::OMIT_EMPTY,
            ),
            F::new("matchLabelKeys", Ty::Slice(&Ty::String), F::OMIT_EMPTY),
            F::new("mismatchLabelKeys", Ty::Slice(&Ty::String), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "WeightedPodAffinityTerm",
        fields: &[
            F::new("weight", Ty::Int32, F::PLAIN),
            F::new("podAffinityTerm", Ty::Struct(POD_AFFINITY_TERM), F::PLAIN),
        ],
    },
    GoStruct {
        name: "PodAntiAffinity",
        fields: &[
            F::new(
                "requiredDuringSchedulingIgnoredDuringExecution",
                Ty::Slice(&Ty::Struct(POD_AFFINITY_TERM)),
                F::OMIT_EMPTY,
            ),
            F::new(
                "preferredDuringSchedulingIgnoredDuringExecution",
                Ty::Slice(&Ty::Struct(WEIGHTED_POD_AFFINITY_TERM)),
                F::OMIT_EMPTY,
            ),
        ],
    },
    GoStruct {
        name: "Toleration",
        fields: &[
            F::new("key", Ty::String, F::OMIT_EMPTY),
            F::new("operator", Ty::String, F::OMIT_EMPTY),
            F::new("value", Ty::String, F::OMIT_EMPTY),
            F::new("effect", Ty::String, F::OMIT_EMPTY),
            F::new("tolerationSeconds", Ty::Ptr(&Ty::Int64), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "HostAlias",
        fields: &[
            F::new("ip", Ty::String, F::PLAIN),
            F::new("hostnames", Ty::Slice(&Ty::String), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "PodDNSConfig",
        fields: &[
            F::new("nameservers", Ty::Slice(&Ty::String), F::OMIT_EMPTY),
            F::new("searches", Ty::Slice(&Ty::String), F::OMIT_EMPTY),
            F::new(
                "options",
                Ty::Slice(&Ty::Struct(POD_DNS_CONFIG_OPTION)),
                F::OMIT_EMPTY,
            ),
        ],
    },
    GoStruct {
        name: "PodDNSConfigOption",
        fields: &[
            F::new("name", Ty::String, F::OMIT_EMPTY),
            F::new("value", Ty::Ptr(&Ty::String), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "PodReadinessGate",
        fields: &[F::new("conditionType", Ty::String, F::PLAIN)],
    },
    GoStruct {
        name: "TopologySpreadConstraint",
        fields: &[
            F::new("maxSkew", Ty::Int32, F::PLAIN),
            F::new("topologyKey", Ty::String, F::PLAIN),
            F::new("whenUnsatisfiable", Ty::String, F::PLAIN),
            F::new(
                "labelSelector",
                Ty::Ptr(&Ty::Struct(LABEL_SELECTOR)),
                F::OMIT_EMPTY,
            ),
            F::new("minDomains", Ty::Ptr(&Ty::Int32), F::OMIT_EMPTY),
            F::new("nodeAffinityPolicy", Ty::Ptr(&Ty::String), F::OMIT_EMPTY),
            F::new("nodeTaintsPolicy", Ty::Ptr(&Ty::String), F::OMIT_EMPTY),
            F::new("matchLabelKeys", Ty::Slice(&Ty::String), F::OMIT_EMPTY),
        ],
    },
    GoStruct {
        name: "PodOS",
        fields: &[F::new("name", Ty::String, F::PLAIN)],
    },
    GoStruct {
        name: "PodSchedulingGate",
        fields: &[F::new("name", Ty::String, F::PLAIN)],
    },
    GoStruct {
        name: "PodResourceClaim",
        fields: &[
            F::new("name", Ty::String, F::PLAIN),
            F::new("resourceClaimName", Ty::Ptr(&Ty::String), F::OMIT_EMPTY),
            F::new("resourceClaimTemplateName", Ty::Ptr(&Ty::String), F::OMIT_EMPTY),
        ],
    },
];
