//! The pause context and pause decisions, modelled on Argo's `rollout/pause_test.go` (plus the abort,
//! clear, auto-promotion and halt cases that Go covers in its controller tests).

mod common;

use common::{now, rollout};
use jiff::SignedDuration;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use pretty_assertions::assert_eq;
use rollouts_api::enums::PauseReason;
use rollouts_api::rollout::{PauseCondition, RolloutPause, RolloutStatus};
use rollouts_api::{AnalysisRun, Rollout};
use rollouts_core::pause::{
    PauseContext, completed_pre_promotion_analysis, halt_progress, pause_condition, requires_manual_action,
};
use serde_json::{Value, json};

fn ago(seconds: i64) -> String {
    (now() - SignedDuration::from_secs(seconds)).to_string()
}

fn with_status(spec: Value, status: Value) -> Rollout {
    rollout(&json!({"spec": spec, "status": status}))
}

fn canary_paused(start: &str) -> Rollout {
    with_status(
        json!({}),
        json!({"controllerPause": true, "pauseConditions": [{"reason": "CanaryPauseStep", "startTime": start}]}),
    )
}

#[test]
fn has_add_pause() {
    let ro = with_status(json!({}), json!({}));
    let mut ctx = PauseContext::new(&ro);
    assert!(!ctx.has_add_pause());
    ctx.add_pause_condition(PauseReason::CanaryPauseStep);
    assert!(ctx.has_add_pause());
}

#[test]
fn calculate_pause_status_adds_a_condition() {
    let ro = with_status(json!({}), json!({}));
    let mut ctx = PauseContext::new(&ro);
    ctx.add_pause_condition(PauseReason::CanaryPauseStep);
    let mut new_status = RolloutStatus::default();
    ctx.calculate_pause_status(&mut new_status, now());
    assert!(new_status.controller_pause);
    assert_eq!(
        new_status.pause_conditions,
        [PauseCondition {
            reason: Some(PauseReason::CanaryPauseStep),
            start_time: Some(Time(now())),
        }]
    );
    assert!(!new_status.abort);
}

#[test]
fn calculate_pause_status_removes_a_condition() {
    let ro = canary_paused(&ago(60));
    let mut ctx = PauseContext::new(&ro);
    ctx.remove_pause_condition(PauseReason::CanaryPauseStep);
    let mut new_status = RolloutStatus::default();
    ctx.calculate_pause_status(&mut new_status, now());
    // Nothing left: the new status is not touched, so controllerPause stays false.
    assert!(!new_status.controller_pause);
    assert!(new_status.pause_conditions.is_empty());
}

#[test]
fn adding_an_existing_reason_keeps_its_start_time() {
    let start = ago(60);
    let ro = canary_paused(&start);
    let mut ctx = PauseContext::new(&ro);
    ctx.add_pause_condition(PauseReason::CanaryPauseStep);
    ctx.add_pause_condition(PauseReason::InconclusiveAnalysis);
    let mut new_status = RolloutStatus::default();
    ctx.calculate_pause_status(&mut new_status, now());
    let reasons: Vec<_> = new_status
        .pause_conditions
        .iter()
        .map(|c| c.reason.clone())
        .collect();
    assert_eq!(
        reasons,
        [
            Some(PauseReason::CanaryPauseStep),
            Some(PauseReason::InconclusiveAnalysis)
        ]
    );
    assert_eq!(
        new_status.pause_conditions[0]
            .start_time
            .as_ref()
            .map(|t| t.0.to_string()),
        Some(start)
    );
    assert_eq!(new_status.pause_conditions[1].start_time, Some(Time(now())));
    assert!(new_status.controller_pause);
}

#[test]
fn abort_wins_over_pause_and_keeps_the_first_abort_time() {
    let ro = with_status(json!({}), json!({}));
    let mut ctx = PauseContext::new(&ro);
    ctx.add_pause_condition(PauseReason::CanaryPauseStep);
    ctx.add_abort("aborted by analysis");
    assert!(ctx.is_aborted());
    assert_eq!(ctx.abort_message(), "aborted by analysis");
    let mut new_status = RolloutStatus::default();
    ctx.calculate_pause_status(&mut new_status, now());
    assert!(new_status.abort);
    assert_eq!(new_status.aborted_at, Some(Time(now())));
    assert!(
        new_status.pause_conditions.is_empty(),
        "no pause is computed while aborted"
    );

    let earlier = ago(300);
    let aborted = with_status(json!({}), json!({"abort": true, "abortedAt": earlier}));
    let ctx = PauseContext::new(&aborted);
    assert!(ctx.is_aborted());
    let mut new_status = RolloutStatus::default();
    ctx.calculate_pause_status(&mut new_status, now());
    assert_eq!(new_status.aborted_at.map(|t| t.0.to_string()), Some(earlier));
}

#[test]
fn remove_abort_clears_it() {
    let aborted = with_status(json!({}), json!({"abort": true, "abortedAt": ago(300)}));
    let mut ctx = PauseContext::new(&aborted);
    ctx.remove_abort();
    assert!(!ctx.is_aborted());
    let mut new_status = RolloutStatus {
        abort: true,
        ..Default::default()
    };
    ctx.calculate_pause_status(&mut new_status, now());
    assert!(!new_status.abort);
    assert_eq!(new_status.aborted_at, None);
}

#[test]
fn clear_pause_conditions_writes_none() {
    let ro = canary_paused(&ago(60));
    let mut ctx = PauseContext::new(&ro);
    ctx.clear_pause_conditions();
    let mut new_status = RolloutStatus::default();
    ctx.calculate_pause_status(&mut new_status, now());
    assert!(new_status.pause_conditions.is_empty());
    assert!(!new_status.controller_pause);
}

#[test]
fn completed_blue_green_pause() {
    let paused_at = |start: &str, bg: Value, checkpoint: bool| {
        with_status(
            json!({"strategy": {"blueGreen": bg}}),
            json!({
                "controllerPause": true,
                "pauseConditions": [{"reason": "BlueGreenPause", "startTime": start}],
                "blueGreen": {"scaleUpPreviewCheckPoint": checkpoint},
            }),
        )
    };
    // Go: TestCompletedBlueGreenPause.
    let ro = paused_at(&ago(0), json!({}), true);
    assert!(PauseContext::new(&ro).completed_blue_green_pause(now()));
    // Go: TestCompletedBlueGreenPauseAutoPromotionDisabled.
    let ro = paused_at(&ago(0), json!({"autoPromotionEnabled": false}), false);
    assert!(!PauseContext::new(&ro).completed_blue_green_pause(now()));
    // Auto-promotion without delay completes at once, but not in the reconcile that adds the pause.
    let ro = paused_at(&ago(0), json!({}), false);
    assert!(PauseContext::new(&ro).completed_blue_green_pause(now()));
    let mut ctx = PauseContext::new(&ro);
    ctx.add_pause_condition(PauseReason::BlueGreenPause);
    assert!(!ctx.completed_blue_green_pause(now()));
    // autoPromotionSeconds counts from the pause's start time.
    let ro = paused_at(&ago(10), json!({"autoPromotionSeconds": 30}), false);
    assert!(!PauseContext::new(&ro).completed_blue_green_pause(now()));
    let ro = paused_at(&ago(31), json!({"autoPromotionSeconds": 30}), false);
    assert!(PauseContext::new(&ro).completed_blue_green_pause(now()));
    // Never paused: not completed while a delay is configured.
    let ro = with_status(
        json!({"strategy": {"blueGreen": {"autoPromotionSeconds": 30}}}),
        json!({}),
    );
    assert!(!PauseContext::new(&ro).completed_blue_green_pause(now()));
    // Auto-promotion disabled and the user removed the pause condition: resumed.
    let ro = with_status(
        json!({"strategy": {"blueGreen": {"autoPromotionEnabled": false}}}),
        json!({"controllerPause": true}),
    );
    assert!(PauseContext::new(&ro).completed_blue_green_pause(now()));
}

#[test]
fn completed_canary_pause_step() {
    let seconds = |s: i32| RolloutPause {
        duration: Some(IntOrString::Int(s)),
    };
    // Go: TestCompletedCanaryPauseStep (a zero duration is over as soon as time moves on).
    let ro = canary_paused(&ago(1));
    assert!(PauseContext::new(&ro).completed_canary_pause_step(&seconds(0), now()));
    // Go: TestCompletedCanaryPauseStepInProgress.
    let ro = canary_paused(&ago(0));
    assert!(!PauseContext::new(&ro).completed_canary_pause_step(&seconds(7200), now()));
    // A string duration.
    let ten_seconds = RolloutPause {
        duration: Some(IntOrString::String("10s".into())),
    };
    assert!(!PauseContext::new(&canary_paused(&ago(10))).completed_canary_pause_step(&ten_seconds, now()));
    assert!(PauseContext::new(&canary_paused(&ago(11))).completed_canary_pause_step(&ten_seconds, now()));
    // An indefinite pause only ends when resumed: controllerPause without the condition.
    let indefinite = RolloutPause::default();
    assert!(!PauseContext::new(&canary_paused(&ago(3600))).completed_canary_pause_step(&indefinite, now()));
    let resumed = with_status(json!({}), json!({"controllerPause": true}));
    assert!(PauseContext::new(&resumed).completed_canary_pause_step(&indefinite, now()));
}

#[test]
fn requires_manual_action_per_reason() {
    let empty = with_status(json!({}), json!({}));
    assert!(requires_manual_action(&PauseReason::InconclusiveAnalysis, &empty));
    assert!(requires_manual_action(
        &PauseReason::InconclusiveExperiment,
        &empty
    ));
    let canary = |pause: Value| {
        with_status(
            json!({"strategy": {"canary": {"steps": [{"pause": pause}]}}}),
            json!({"currentStepIndex": 0}),
        )
    };
    assert!(requires_manual_action(
        &PauseReason::CanaryPauseStep,
        &canary(json!({}))
    ));
    assert!(!requires_manual_action(
        &PauseReason::CanaryPauseStep,
        &canary(json!({"duration": 60}))
    ));
    let blue_green = |enabled: bool| {
        with_status(
            json!({"strategy": {"blueGreen": {"autoPromotionEnabled": enabled}}}),
            json!({}),
        )
    };
    assert!(requires_manual_action(
        &PauseReason::BlueGreenPause,
        &blue_green(false)
    ));
    assert!(!requires_manual_action(
        &PauseReason::BlueGreenPause,
        &blue_green(true)
    ));
    assert!(!requires_manual_action(&PauseReason::BlueGreenPause, &empty));
}

#[test]
fn halt_progress_reasons() {
    assert_eq!(halt_progress(&with_status(json!({}), json!({}))), None);
    assert_eq!(
        halt_progress(&with_status(json!({"paused": true}), json!({}))),
        Some("user paused")
    );
    let inconclusive = with_status(
        json!({}),
        json!({"pauseConditions": [{"reason": "InconclusiveAnalysisRun", "startTime": ago(5)}]}),
    );
    assert_eq!(halt_progress(&inconclusive), Some("inconclusive analysis"));
    assert!(pause_condition(&inconclusive, &PauseReason::InconclusiveAnalysis).is_some());
    assert!(pause_condition(&inconclusive, &PauseReason::CanaryPauseStep).is_none());
}

#[test]
fn pre_promotion_analysis_completion() {
    let with_analysis = with_status(
        json!({"strategy": {"blueGreen": {"prePromotionAnalysis": {"templates": [{"templateName": "t"}]}}}}),
        json!({}),
    );
    let run = |phase: &str| -> AnalysisRun {
        serde_json::from_value(json!({
            "apiVersion": "argoproj.io/v1alpha1", "kind": "AnalysisRun", "metadata": {"name": "r"},
            "spec": {"metrics": []}, "status": {"phase": phase}
        }))
        .expect("analysis run")
    };
    assert!(!completed_pre_promotion_analysis(&with_analysis, None));
    assert!(!completed_pre_promotion_analysis(
        &with_analysis,
        Some(&run("Running"))
    ));
    assert!(completed_pre_promotion_analysis(
        &with_analysis,
        Some(&run("Successful"))
    ));
    let without = with_status(json!({"strategy": {"blueGreen": {}}}), json!({}));
    assert!(completed_pre_promotion_analysis(&without, None));
}
