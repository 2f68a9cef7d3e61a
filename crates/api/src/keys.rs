//! Label and annotation keys Argo Rollouts writes and reads (argo-behaviour.md §2.2).
//!
//! These strings are part of the compatibility contract: Argo CD health checks, notifications, the
//! upstream kubectl plugin and an existing cluster's ReplicaSets all depend on them byte for byte.

/// Group of every kind here.
pub const GROUP: &str = "argoproj.io";
/// Version of every kind here.
pub const VERSION: &str = "v1alpha1";
/// `apiVersion` of every kind here.
pub const API_VERSION: &str = "argoproj.io/v1alpha1";

/// Pod-template-hash label on ReplicaSets, their selectors and pods, Service selectors, Istio subsets,
/// AnalysisRuns and Experiments (`DefaultRolloutUniqueLabelKey`).
pub const POD_TEMPLATE_HASH_LABEL: &str = "rollouts-pod-template-hash";
/// Time (RFC 3339, UTC) after which an old ReplicaSet is scaled down. Note: no domain prefix
/// (`DefaultReplicaSetScaleDownDeadlineAnnotationKey`).
pub const SCALE_DOWN_DEADLINE_ANNOTATION: &str = "scale-down-deadline";
/// Rollout(s) that manage an object they do not own: Services, Istio DestinationRules, workloadRef
/// targets (`ManagedByRolloutsKey`).
pub const MANAGED_BY_ROLLOUTS_ANNOTATION: &str = "argo-rollouts.argoproj.io/managed-by-rollouts";
/// Defined by Argo but unused (`DefaultReplicaSetRestartAnnotationKey`).
pub const RESTARTED_AFTER_ANNOTATION: &str = "argo-rollouts.argoproj.io/restarted-after";
/// Label sharding objects between controller instances (`LabelKeyControllerInstanceID`).
pub const CONTROLLER_INSTANCE_ID_LABEL: &str = "argo-rollouts.argoproj.io/controller-instance-id";

/// Prefix of the rollout annotations below (`RolloutLabel`).
pub const ROLLOUT_ANNOTATION_PREFIX: &str = "rollout.argoproj.io";
/// Revision of a Rollout and of its ReplicaSets, AnalysisRuns and Experiments (`RevisionAnnotation`).
pub const REVISION_ANNOTATION: &str = "rollout.argoproj.io/revision";
/// Comma-separated previous revisions of a reused ReplicaSet (`RevisionHistoryAnnotation`).
pub const REVISION_HISTORY_ANNOTATION: &str = "rollout.argoproj.io/revision-history";
/// `spec.replicas` of the rollout when the ReplicaSet was last scaled (`DesiredReplicasAnnotation`).
pub const DESIRED_REPLICAS_ANNOTATION: &str = "rollout.argoproj.io/desired-replicas";
/// Generation of the workloadRef target, on the Rollout (`WorkloadGenerationAnnotation`).
pub const WORKLOAD_GENERATION_ANNOTATION: &str = "rollout.argoproj.io/workload-generation";
/// JSON of the canary/stable metadata injected into a ReplicaSet (`EphemeralMetadataAnnotation`).
pub const EPHEMERAL_METADATA_ANNOTATION: &str = "rollout.argoproj.io/ephemeral-metadata";
/// State of the notifications engine on a Rollout; never copied to ReplicaSets (`NotificationEngineAnnotation`).
pub const NOTIFIED_ANNOTATION: &str = "notified.notifications.argoproj.io";
/// kubectl's client-side apply annotation; never copied from a Rollout to its ReplicaSets.
pub const LAST_APPLIED_CONFIGURATION_ANNOTATION: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// AnalysisRun label saying why a rollout created it (`RolloutTypeLabel`); values below.
pub const ROLLOUT_TYPE_LABEL: &str = "rollout-type";
/// `rollout-type` of a canary step analysis.
pub const ROLLOUT_TYPE_STEP: &str = "Step";
/// `rollout-type` of a background analysis.
pub const ROLLOUT_TYPE_BACKGROUND: &str = "Background";
/// `rollout-type` of a blue-green pre-promotion analysis.
pub const ROLLOUT_TYPE_PRE_PROMOTION: &str = "PrePromotion";
/// `rollout-type` of a blue-green post-promotion analysis.
pub const ROLLOUT_TYPE_POST_PROMOTION: &str = "PostPromotion";
/// AnalysisRun/Experiment label holding the index of the step that created it (`RolloutCanaryStepIndexLabel`).
pub const STEP_INDEX_LABEL: &str = "step-index";

/// Experiment name, on experiment ReplicaSets and Services (`ExperimentNameAnnotationKey`).
pub const EXPERIMENT_NAME_ANNOTATION: &str = "experiment.argoproj.io/name";
/// Experiment template name, on experiment ReplicaSets and Services (`ExperimentTemplateNameAnnotationKey`).
pub const EXPERIMENT_TEMPLATE_NAME_ANNOTATION: &str = "experiment.argoproj.io/template-name";

/// AnalysisRun UID label on analysis Jobs and their pods (`AnalysisRunUIDLabelKey`).
pub const ANALYSIS_RUN_UID_LABEL: &str = "analysisrun.argoproj.io/uid";
/// AnalysisRun name annotation on analysis Jobs (`AnalysisRunNameAnnotationKey`).
pub const ANALYSIS_RUN_NAME_ANNOTATION: &str = "analysisrun.argoproj.io/name";
/// AnalysisRun namespace annotation on analysis Jobs (`AnalysisRunNamespaceAnnotationKey`).
pub const ANALYSIS_RUN_NAMESPACE_ANNOTATION: &str = "analysisrun.argoproj.io/namespace";
/// Metric name annotation on analysis Jobs (`AnalysisRunMetricAnnotationKey`).
pub const ANALYSIS_RUN_METRIC_ANNOTATION: &str = "analysisrun.argoproj.io/metric-name";
/// Measurement metadata key holding the Job name (`JobNameKey`).
pub const MEASUREMENT_JOB_NAME_KEY: &str = "job-name";
/// Measurement metadata key holding the Job namespace (`JobNamespaceKey`).
pub const MEASUREMENT_JOB_NAMESPACE_KEY: &str = "job-namespace";

/// Ingress annotation listing the ALB annotations Argo manages, as JSON (`ManagedAnnotations`).
pub const MANAGED_ALB_ANNOTATIONS_ANNOTATION: &str = "rollouts.argoproj.io/managed-alb-annotations";
/// Legacy form of [`MANAGED_ALB_ANNOTATIONS_ANNOTATION`] (`ManagedActionsAnnotation`).
pub const MANAGED_ALB_ACTIONS_ANNOTATION: &str = "rollouts.argoproj.io/managed-alb-actions";

/// `workloadRef.scaleDown` value: never scale the referenced Deployment down (the default).
pub const SCALE_DOWN_NEVER: &str = "never";
/// `workloadRef.scaleDown` value: scale the Deployment to 0 once the rollout is healthy.
pub const SCALE_DOWN_ON_SUCCESS: &str = "onsuccess";
/// `workloadRef.scaleDown` value: scale the Deployment down as rollout pods become ready.
pub const SCALE_DOWN_PROGRESSIVELY: &str = "progressively";
