//! Unit tests of [`super`], ported from Argo's `utils/defaults/defaults_test.go` (each test names the Go test).

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::*;
use crate::experiment::ExperimentSpec;
use crate::rollout::{
    AnalysisRunStrategy, BlueGreenStrategy, CanaryStrategy, NginxTrafficRouting, RolloutSpec,
    RolloutStrategy, RolloutTrafficRouting,
};

fn rollout(spec: RolloutSpec) -> Rollout {
    Rollout {
        spec,
        ..Default::default()
    }
}

fn canary(c: CanaryStrategy) -> Rollout {
    rollout(RolloutSpec {
        strategy: RolloutStrategy {
            canary: Some(c),
            ..Default::default()
        },
        ..Default::default()
    })
}

fn blue_green(b: BlueGreenStrategy) -> Rollout {
    rollout(RolloutSpec {
        strategy: RolloutStrategy {
            blue_green: Some(b),
            ..Default::default()
        },
        ..Default::default()
    })
}

fn routed() -> Option<RolloutTrafficRouting> {
    Some(RolloutTrafficRouting::default())
}

#[test]
fn string_or_default_go_test_get_string_or_default() {
    assert_eq!(string_or_default("some value", "default value"), "some value");
    assert_eq!(string_or_default("", "default value"), "default value");
}

#[test]
fn replicas_go_test_get_replicas_or_default() {
    assert_eq!(replicas_or_default(Some(2)), 2);
    assert_eq!(replicas_or_default(None), REPLICAS);
}

#[test]
fn experiment_scale_down_delay_go_test_get_experiment_scale_down_delay_seconds_or_default() {
    let mut exp = Experiment::new(
        "e",
        ExperimentSpec {
            scale_down_delay_seconds: Some(0),
            ..Default::default()
        },
    );
    assert_eq!(experiment_scale_down_delay_seconds_or_default(&exp), 0);
    exp.spec.scale_down_delay_seconds = None;
    assert_eq!(
        experiment_scale_down_delay_seconds_or_default(&exp),
        SCALE_DOWN_DELAY_SECONDS
    );
}

#[test]
fn revision_history_go_test_get_revision_history_or_default() {
    let ro = rollout(RolloutSpec {
        revision_history_limit: Some(2),
        ..Default::default()
    });
    assert_eq!(revision_history_limit_or_default(&ro), 2);
    assert_eq!(
        revision_history_limit_or_default(&Rollout::default()),
        REVISION_HISTORY_LIMIT
    );
}

#[test]
fn history_limits_go_test_get_analysis_run_un_successful_history_limit_or_default() {
    let ro = rollout(RolloutSpec {
        analysis: Some(AnalysisRunStrategy {
            successful_run_history_limit: Some(2),
            unsuccessful_run_history_limit: Some(3),
        }),
        ..Default::default()
    });
    assert_eq!(analysis_run_successful_history_limit_or_default(&ro), 2);
    assert_eq!(analysis_run_unsuccessful_history_limit_or_default(&ro), 3);
    let empty_analysis = rollout(RolloutSpec {
        analysis: Some(AnalysisRunStrategy::default()),
        ..Default::default()
    });
    for ro in [Rollout::default(), empty_analysis] {
        assert_eq!(
            analysis_run_successful_history_limit_or_default(&ro),
            SUCCESSFUL_RUN_HISTORY_LIMIT
        );
        assert_eq!(
            analysis_run_unsuccessful_history_limit_or_default(&ro),
            UNSUCCESSFUL_RUN_HISTORY_LIMIT
        );
    }
}

#[test]
fn max_surge_go_test_get_max_surge_or_default() {
    let ro = canary(CanaryStrategy {
        max_surge: Some(IntOrString::Int(2)),
        ..Default::default()
    });
    assert_eq!(max_surge_or_default(&ro), IntOrString::Int(2));
    assert_eq!(
        max_surge_or_default(&Rollout::default()),
        IntOrString::String("25".into())
    );
}

#[test]
fn max_unavailable_go_test_get_max_unavailable_or_default() {
    let ro = canary(CanaryStrategy {
        max_unavailable: Some(IntOrString::Int(2)),
        ..Default::default()
    });
    assert_eq!(max_unavailable_or_default(&ro), IntOrString::Int(2));
    let ro = blue_green(BlueGreenStrategy {
        max_unavailable: Some(IntOrString::Int(2)),
        ..Default::default()
    });
    assert_eq!(max_unavailable_or_default(&ro), IntOrString::Int(2));
    assert_eq!(
        max_unavailable_or_default(&Rollout::default()),
        IntOrString::String("25".into())
    );
}

#[test]
fn ingress_prefix_go_test_get_canary_ingress_annotation_prefix_or_default() {
    let ro = canary(CanaryStrategy {
        traffic_routing: Some(RolloutTrafficRouting {
            nginx: Some(NginxTrafficRouting {
                annotation_prefix: "custom.nginx.ingress.kubernetes.io".into(),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    });
    assert_eq!(
        canary_ingress_annotation_prefix_or_default(&ro),
        "custom.nginx.ingress.kubernetes.io"
    );
    assert_eq!(
        canary_ingress_annotation_prefix_or_default(&Rollout::default()),
        "nginx.ingress.kubernetes.io"
    );
    assert_eq!(
        alb_annotation_prefix_or_default(&Rollout::default()),
        "alb.ingress.kubernetes.io"
    );
}

#[test]
fn progress_deadline_go_test_get_progress_deadline_seconds_or_default() {
    let ro = rollout(RolloutSpec {
        progress_deadline_seconds: Some(2),
        ..Default::default()
    });
    assert_eq!(progress_deadline_seconds_or_default(&ro), 2);
    assert_eq!(
        progress_deadline_seconds_or_default(&Rollout::default()),
        PROGRESS_DEADLINE_SECONDS
    );
}

#[test]
fn scale_down_delay_go_test_get_scale_down_delay_seconds_or_default() {
    let bg = blue_green(BlueGreenStrategy {
        scale_down_delay_seconds: Some(60),
        ..Default::default()
    });
    assert_eq!(scale_down_delay_seconds_or_default(&bg), 60);
    assert_eq!(scale_down_delay_seconds_or_default(&Rollout::default()), 0);
    assert_eq!(
        scale_down_delay_seconds_or_default(&blue_green(BlueGreenStrategy::default())),
        SCALE_DOWN_DELAY_SECONDS
    );
    let basic = canary(CanaryStrategy {
        scale_down_delay_seconds: Some(60),
        ..Default::default()
    });
    assert_eq!(scale_down_delay_seconds_or_default(&basic), 0);
    let with_routing = canary(CanaryStrategy {
        scale_down_delay_seconds: Some(60),
        traffic_routing: routed(),
        ..Default::default()
    });
    assert_eq!(scale_down_delay_seconds_or_default(&with_routing), 60);
    let routed_default = canary(CanaryStrategy {
        traffic_routing: routed(),
        ..Default::default()
    });
    assert_eq!(
        scale_down_delay_seconds_or_default(&routed_default),
        SCALE_DOWN_DELAY_SECONDS
    );
}

#[test]
fn abort_scale_down_delay_go_test_get_abort_scale_down_delay_seconds_or_default() {
    let set = |delay| AbortScaleDownDelay {
        delay_seconds: delay,
        was_set: true,
    };
    let unset = |delay| AbortScaleDownDelay {
        delay_seconds: delay,
        was_set: false,
    };
    let bg = |delay| {
        blue_green(BlueGreenStrategy {
            abort_scale_down_delay_seconds: delay,
            ..Default::default()
        })
    };
    let routed_canary = |delay| {
        canary(CanaryStrategy {
            abort_scale_down_delay_seconds: delay,
            traffic_routing: routed(),
            ..Default::default()
        })
    };
    assert_eq!(
        abort_scale_down_delay_seconds_or_default(&bg(Some(60))),
        set(Some(60))
    );
    // Don't scale down the preview.
    assert_eq!(abort_scale_down_delay_seconds_or_default(&bg(Some(0))), set(None));
    assert_eq!(
        abort_scale_down_delay_seconds_or_default(&bg(None)),
        unset(Some(30))
    );
    assert_eq!(
        abort_scale_down_delay_seconds_or_default(&routed_canary(Some(60))),
        set(Some(60))
    );
    // Don't scale down the canary.
    assert_eq!(
        abort_scale_down_delay_seconds_or_default(&routed_canary(Some(0))),
        set(None)
    );
    assert_eq!(
        abort_scale_down_delay_seconds_or_default(&Rollout::default()),
        unset(Some(0))
    );
    assert_eq!(
        abort_scale_down_delay_seconds_or_default(&routed_canary(None)),
        unset(Some(30))
    );
    // A basic canary has no scale-down delay.
    assert_eq!(
        abort_scale_down_delay_seconds_or_default(&canary(CanaryStrategy::default())),
        unset(Some(0))
    );
    assert!(has_explicit_abort_scale_down_delay(&routed_canary(Some(60))));
    assert!(!has_explicit_abort_scale_down_delay(&routed_canary(Some(0))));
    assert!(!has_explicit_abort_scale_down_delay(&routed_canary(None)));
}

#[test]
fn auto_promotion_go_test_get_auto_promotion_enabled_or_default() {
    let ro = blue_green(BlueGreenStrategy {
        auto_promotion_enabled: Some(false),
        ..Default::default()
    });
    assert!(!auto_promotion_enabled_or_default(&ro));
    assert!(auto_promotion_enabled_or_default(&Rollout::default()));
    assert!(auto_promotion_enabled_or_default(&blue_green(
        BlueGreenStrategy::default()
    )));
}

#[test]
fn experiment_progress_deadline_go_test_get_experiment_progress_deadline_seconds_or_default() {
    let exp = Experiment::new(
        "e",
        ExperimentSpec {
            progress_deadline_seconds: Some(2),
            ..Default::default()
        },
    );
    assert_eq!(experiment_progress_deadline_seconds_or_default(&exp), 2);
    let exp = Experiment::new("e", ExperimentSpec::default());
    assert_eq!(
        experiment_progress_deadline_seconds_or_default(&exp),
        PROGRESS_DEADLINE_SECONDS
    );
}

#[test]
fn consecutive_error_limit_go_test_get_consecutive_error_limit_or_default() {
    let metric = Metric {
        consecutive_error_limit: Some(IntOrString::Int(2)),
        ..Default::default()
    };
    assert_eq!(consecutive_error_limit_or_default(&metric), 2);
    assert_eq!(
        consecutive_error_limit_or_default(&Metric::default()),
        CONSECUTIVE_ERROR_LIMIT
    );
    // IntValue of a string that is not an integer is 0.
    let metric = Metric {
        consecutive_error_limit: Some(IntOrString::String("x".into())),
        ..Default::default()
    };
    assert_eq!(consecutive_error_limit_or_default(&metric), 0);
}

#[test]
fn api_versions_go_test_set_defaults() {
    let v = ApiVersions::default();
    assert_eq!(v.istio, "v1alpha3");
    assert_eq!(v.ambassador, "getambassador.io/v2");
    assert_eq!(v.smi, "v1alpha1");
    assert_eq!(v.app_mesh, "v1beta2");
    assert_eq!(v.traefik_api_group, "traefik.io");
    assert_eq!(v.traefik, "traefik.io/v1alpha1");
    assert_eq!(v.target_group_binding, "elbv2.k8s.aws/v1beta1");
    assert_eq!(v.alb_tag_key_resource_id, "ingress.k8s.aws/resource");
    assert!(!v.verify_target_group);
    assert_eq!(METRIC_CLEANUP_DELAY_SECONDS, 65);
    assert_eq!(DESCRIBE_TAGS_LIMIT, 20);
}

#[test]
fn max_traffic_weight_follows_weightutil() {
    assert_eq!(max_traffic_weight(&Rollout::default()), 100);
    let ro = canary(CanaryStrategy {
        traffic_routing: Some(RolloutTrafficRouting {
            max_traffic_weight: Some(1000),
            ..Default::default()
        }),
        ..Default::default()
    });
    assert_eq!(max_traffic_weight(&ro), 1000);
}

#[test]
fn go_atoi_matches_strconv() {
    assert_eq!(go_atoi("42"), 42);
    assert_eq!(go_atoi("+7"), 7);
    assert_eq!(go_atoi("-7"), -7);
    assert_eq!(go_atoi("25%"), 0);
    assert_eq!(go_atoi(""), 0);
    assert_eq!(go_atoi("-"), 0);
    assert_eq!(go_atoi("99999999999999999999"), i64::MAX);
    assert_eq!(go_atoi("-99999999999999999999"), i64::MIN);
}

#[test]
fn namespace_resolution_order() {
    assert_eq!(controller_namespace(Some("ns"), Some("sa")), "ns");
    assert_eq!(controller_namespace(Some(""), Some("sa")), "");
    assert_eq!(controller_namespace(None, Some(" sa\n")), "sa");
    assert_eq!(controller_namespace(None, Some("  ")), "argo-rollouts");
    assert_eq!(controller_namespace(None, None), "argo-rollouts");
}

#[test]
fn verify_retry_interval_reproduces_argo_inverted_check() {
    assert_eq!(rollout_verify_retry_interval_seconds(None), 10);
    assert_eq!(rollout_verify_retry_interval_seconds(Some("5")), 10);
    assert_eq!(rollout_verify_retry_interval_seconds(Some("abc")), 0);
    assert_eq!(
        rollout_verify_retry_interval_seconds(Some("99999999999")),
        i64::from(i32::MAX)
    );
}
