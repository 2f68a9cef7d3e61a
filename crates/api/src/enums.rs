//! Argo's string-typed enums (`type RolloutPhase string` and friends) with Argo's exact values.
//!
//! Each enum lists the values Argo defines and keeps any other string in `Other`, because Go accepts
//! any string in these fields and the controller must stay lenient. They serialize as plain strings;
//! their schema is `type: string` (Argo's CRDs do not restrict them either).

/// Declares a string enum with known variants plus `Other(String)`.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $value:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value Argo does not define, kept verbatim.
            Other(String),
        }

        impl $name {
            /// Every value Argo defines, in declaration order.
            pub const KNOWN: &'static [$name] = &[$( $name::$variant ),+];

            /// The string Argo writes for this value.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $value, )+
                    $name::Other(s) => s,
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $( $value => $name::$variant, )+
                    other => $name::Other(other.to_owned()),
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok($name::from(s))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = <String as serde::Deserialize>::deserialize(deserializer)?;
                Ok($name::from(s.as_str()))
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn inline_schema() -> bool {
                true
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({ "type": "string" })
            }
        }
    };
}

string_enum! {
    /// `status.phase` of a Rollout (`RolloutPhase`). There is no `Completed` phase.
    pub enum RolloutPhase {
        /// The rollout is healthy.
        Healthy = "Healthy",
        /// The rollout is degraded (pod unavailability, misconfiguration, abort).
        Degraded = "Degraded",
        /// The rollout is not yet healthy but is making progress.
        Progressing = "Progressing",
        /// The rollout will not progress until unpaused.
        Paused = "Paused",
    }
}

string_enum! {
    /// Reason of an entry of `status.pauseConditions` (`PauseReason`).
    pub enum PauseReason {
        /// Paused because an AnalysisRun was inconclusive.
        InconclusiveAnalysis = "InconclusiveAnalysisRun",
        /// Paused because an Experiment was inconclusive.
        InconclusiveExperiment = "InconclusiveExperiment",
        /// Paused by a canary `pause` step.
        CanaryPauseStep = "CanaryPauseStep",
        /// Paused before promoting a blue-green rollout.
        BlueGreenPause = "BlueGreenPause",
    }
}

string_enum! {
    /// Type of a Rollout condition (`RolloutConditionType`).
    pub enum RolloutConditionType {
        /// The spec is invalid; the rollout does not progress until it is fixed.
        InvalidSpec = "InvalidSpec",
        /// The rollout has minimum availability.
        Available = "Available",
        /// The rollout is progressing (or has failed to, see the reason).
        Progressing = "Progressing",
        /// A ReplicaSet failed to create or delete pods.
        ReplicaFailure = "ReplicaFailure",
        /// The rollout is paused.
        Paused = "Paused",
        /// The rollout completed its update to the desired revision.
        Completed = "Completed",
        /// The rollout is completed and healthy.
        Healthy = "Healthy",
    }
}

string_enum! {
    /// Status of a condition (`corev1.ConditionStatus`).
    pub enum ConditionStatus {
        /// The condition holds.
        True = "True",
        /// The condition does not hold.
        False = "False",
        /// Unknown.
        Unknown = "Unknown",
    }
}

string_enum! {
    /// Phase of an AnalysisRun, a metric result, a measurement or an Experiment (`AnalysisPhase`).
    pub enum AnalysisPhase {
        /// Not started yet.
        Pending = "Pending",
        /// Running.
        Running = "Running",
        /// Completed successfully.
        Successful = "Successful",
        /// Completed and failed.
        Failed = "Failed",
        /// Completed with an error.
        Error = "Error",
        /// Completed, neither successful nor failed.
        Inconclusive = "Inconclusive",
    }
}

impl AnalysisPhase {
    /// Whether the phase is terminal (`AnalysisPhase.Completed()` in Go): Successful, Failed, Error or Inconclusive.
    pub fn is_completed(&self) -> bool {
        matches!(
            self,
            Self::Successful | Self::Failed | Self::Error | Self::Inconclusive
        )
    }
}

string_enum! {
    /// Which ping-pong service is currently stable (`PingPongType`).
    pub enum PingPongType {
        /// The ping service.
        Ping = "ping",
        /// The pong service.
        Pong = "pong",
    }
}

string_enum! {
    /// Phase of a step plugin operation (`StepPluginPhase`).
    pub enum StepPluginPhase {
        /// The operation has not completed.
        Running = "Running",
        /// The operation completed successfully.
        Successful = "Successful",
        /// The operation completed unsuccessfully.
        Failed = "Failed",
        /// An unexpected error prevented the operation from completing.
        Error = "Error",
    }
}

string_enum! {
    /// Operation executed by a step plugin (`StepPluginOperation`).
    pub enum StepPluginOperation {
        /// Run the step.
        Run = "Run",
        /// Terminate the step (full promotion).
        Terminate = "Terminate",
        /// Abort the step (rollout abort).
        Abort = "Abort",
    }
}

string_enum! {
    /// Outcome of a rollout attempt in `status.duration.completionStatus` (`CompletionStatus`).
    pub enum CompletionStatus {
        /// Completed through normal progression.
        Promoted = "Promoted",
        /// Manually promoted, skipping remaining steps.
        FastPromoted = "FastPromoted",
        /// Aborted before completion.
        Aborted = "Aborted",
        /// Superseded by a new rollout.
        Superseded = "Superseded",
        /// Explicitly rolled back to a previous version.
        RolledBack = "RolledBack",
        /// Rolled back within the rollback window (immediate promotion).
        FastRolledBack = "FastRolledBack",
    }
}

string_enum! {
    /// Which ReplicaSet an experiment step template copies its pod template from (`ReplicaSetSpecRef`).
    pub enum ReplicaSetSpecRef {
        /// The new (canary) ReplicaSet.
        Canary = "canary",
        /// The stable ReplicaSet.
        Stable = "stable",
    }
}

string_enum! {
    /// Which ReplicaSet's pod-template hash an analysis argument takes (`ValueFromPodTemplateHash`).
    pub enum ValueFromPodTemplateHash {
        /// The stable ReplicaSet.
        Stable = "Stable",
        /// The latest (new) ReplicaSet.
        Latest = "Latest",
    }
}

string_enum! {
    /// Unit of `canary.replicaProgressThreshold.value` (`ProgressType`).
    pub enum ProgressType {
        /// A percentage of the desired replicas.
        Percentage = "Percent",
        /// A number of pods.
        Pods = "Pods",
    }
}

string_enum! {
    /// HTTP method of a web metric (`WebMetricMethod`); empty means GET.
    pub enum WebMetricMethod {
        /// GET.
        Get = "GET",
        /// POST.
        Post = "POST",
        /// PUT.
        Put = "PUT",
    }
}

string_enum! {
    /// Status of one experiment template (`TemplateStatusCode`).
    pub enum TemplateStatusCode {
        /// Replicas are not all available yet.
        Progressing = "Progressing",
        /// All replicas are available.
        Running = "Running",
        /// The template ran for its duration.
        Successful = "Successful",
        /// The template failed (progress deadline exceeded).
        Failed = "Failed",
        /// The template errored.
        Error = "Error",
    }
}

impl TemplateStatusCode {
    /// Whether the status is terminal (`TemplateStatusCode.Completed()`): Successful, Failed or Error.
    pub fn is_completed(&self) -> bool {
        matches!(self, Self::Successful | Self::Failed | Self::Error)
    }
}

string_enum! {
    /// Type of an Experiment condition (`ExperimentConditionType`).
    pub enum ExperimentConditionType {
        /// The spec is invalid.
        InvalidSpec = "InvalidSpec",
        /// The experiment completed.
        Completed = "Completed",
        /// The experiment is progressing.
        Progressing = "Progressing",
        /// The experiment is running for its duration.
        Running = "Running",
        /// A ReplicaSet failed to create or delete pods.
        ReplicaFailure = "ReplicaFailure",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_round_trip_and_unknown_values_are_kept() {
        assert_eq!(
            PauseReason::from("InconclusiveAnalysisRun"),
            PauseReason::InconclusiveAnalysis
        );
        assert_eq!(ProgressType::Percentage.as_str(), "Percent");
        let other: RolloutPhase = serde_json::from_str("\"Completed\"").expect("string");
        assert_eq!(other, RolloutPhase::Other("Completed".into()));
        assert_eq!(serde_json::to_string(&other).expect("serialize"), "\"Completed\"");
        for phase in AnalysisPhase::KNOWN {
            let json = serde_json::to_string(phase).expect("serialize");
            assert_eq!(
                serde_json::from_str::<AnalysisPhase>(&json).expect("parse"),
                *phase
            );
        }
        assert!(AnalysisPhase::Inconclusive.is_completed());
        assert!(!AnalysisPhase::Running.is_completed());
    }
}
