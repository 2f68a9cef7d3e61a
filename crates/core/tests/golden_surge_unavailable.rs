//! `surge-unavailable.json`: resolveFenceposts, MaxSurge and MaxUnavailable.

mod common;

use common::{int, rollout, run_golden, typed_opt};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use pretty_assertions::assert_eq;
use rollouts_core::replicas::fenceposts::{max_surge, max_unavailable, resolve_fenceposts};

#[test]
fn surge_unavailable_golden() {
    run_golden("surge-unavailable.json", |case| {
        let expected = &case["expected"];
        match case["function"].as_str().unwrap_or_default() {
            "resolveFenceposts" => {
                let surge: Option<IntOrString> = typed_opt(&case["max_surge"]);
                let unavailable: Option<IntOrString> = typed_opt(&case["max_unavailable"]);
                let result = resolve_fenceposts(
                    surge.as_ref(),
                    unavailable.as_ref(),
                    int(&case["desired_replicas"]),
                );
                if expected["error"] == true {
                    assert!(result.is_err(), "expected an error, got {result:?}");
                } else {
                    assert_eq!(
                        result,
                        Ok((int(&expected["surge"]), int(&expected["unavailable"])))
                    );
                }
            }
            "MaxSurge" => assert_eq!(max_surge(&rollout(&case["rollout"])), int(&expected["max_surge"])),
            "MaxUnavailable" => assert_eq!(
                max_unavailable(&rollout(&case["rollout"])),
                int(&expected["max_unavailable"])
            ),
            other => panic!("unhandled function {other}"),
        }
    });
}
