//! `rollouts-api`: the `argoproj.io/v1alpha1` API of Argo Rollouts in Rust.
//!
//! Types for Rollout, AnalysisTemplate, ClusterAnalysisTemplate, AnalysisRun and Experiment that accept
//! exactly Argo's YAML and serialise its JSON names, the CRDs generated from them, Argo's defaults and
//! validation (the `InvalidSpec` messages), and the pod-template hash that names ReplicaSets.

pub mod hash;
