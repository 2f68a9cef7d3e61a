//! `maxSurge` and `maxUnavailable`: Kubernetes' legacy int-or-percent parser and Argo's
//! `resolveFenceposts`, `MaxSurge` and `MaxUnavailable` (`utils/replicaset/replicaset.go`).

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use rollouts_api::Rollout;

use crate::defaults;

/// Why an int-or-percent value could not be read (`intstr.GetValueFromIntOrPercent`'s error).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid value for IntOrString: invalid value {value:?}: strconv.Atoi: parsing {stripped:?}: {reason}"
)]
pub struct IntOrPercentError {
    /// The string as given.
    pub value: String,
    /// The string with every `%` removed, as Go parses it.
    pub stripped: String,
    /// `invalid syntax` or `value out of range`, as Go says.
    pub reason: &'static str,
}

/// Kubernetes' deprecated `intstr.GetValueFromIntOrPercent`: an integer is an absolute value; ANY string is
/// a percentage of `total` once every `%` is removed (so `"25"` is 25%), rounded up or down.
///
/// # Errors
/// When the string without `%` is not a base-10 integer (Go's `strconv.Atoi`).
pub fn value_from_int_or_percent(
    value: &IntOrString,
    total: i32,
    round_up: bool,
) -> Result<i64, IntOrPercentError> {
    match value {
        IntOrString::Int(v) => Ok(i64::from(*v)),
        IntOrString::String(s) => {
            let stripped = s.replace('%', "");
            let percent = parse_atoi(&stripped).map_err(|reason| IntOrPercentError {
                value: s.clone(),
                stripped: stripped.clone(),
                reason,
            })?;
            let scaled = percent as f64 * f64::from(total) / 100.0;
            // Go: int(math.Ceil(...)) / int(math.Floor(...)).
            Ok(if round_up { scaled.ceil() } else { scaled.floor() } as i64)
        }
    }
}

/// Go's `strconv.Atoi` on a 64-bit platform: optional sign, then base-10 digits only.
fn parse_atoi(s: &str) -> Result<i64, &'static str> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("invalid syntax");
    }
    s.parse::<i64>().map_err(|_| "value out of range")
}

/// `resolveFenceposts(maxSurge, maxUnavailable, desired)`: surge rounds up, unavailable rounds down, a nil
/// value is 0, and when both resolve to 0 unavailable becomes 1 (even with 0 desired replicas).
///
/// # Errors
/// When either value cannot be read; Go then returns `(0, 0, err)`.
pub fn resolve_fenceposts(
    max_surge: Option<&IntOrString>,
    max_unavailable: Option<&IntOrString>,
    desired: i32,
) -> Result<(i32, i32), IntOrPercentError> {
    let zero = IntOrString::Int(0);
    let surge = value_from_int_or_percent(max_surge.unwrap_or(&zero), desired, true)?;
    let mut unavailable = value_from_int_or_percent(max_unavailable.unwrap_or(&zero), desired, false)?;
    if surge == 0 && unavailable == 0 {
        // Validation never allows both to be 0 explicitly, but rounding down may get there: Argo then
        // allows one unavailable pod, in case surge does not work because of a quota.
        unavailable = 1;
    }
    // Go: int32(surge), int32(unavailable) (truncating conversions).
    Ok((surge as i32, unavailable as i32))
}

/// `MaxSurge(rollout)`: 0 unless the strategy is canary; else the surge fencepost of `canary.maxSurge` and
/// `maxUnavailable` (both defaulting to 25%) against `spec.replicas`. A parse error counts as 0 (validation
/// rejects such values first).
pub fn max_surge(ro: &Rollout) -> i32 {
    let replicas = defaults::replicas_or_default(ro.spec.replicas);
    if ro.canary().is_none() {
        return 0;
    }
    let surge = defaults::max_surge_or_default(ro);
    let unavailable = defaults::max_unavailable_or_default(ro);
    resolve_fenceposts(Some(&surge), Some(&unavailable), replicas).map_or(0, |(surge, _)| surge)
}

/// `MaxUnavailable(rollout)`: 0 when `spec.replicas` is 0; for canary the unavailable fencepost; otherwise
/// `maxUnavailable` (default 25%) rounded down, without the both-zero rule; capped at `spec.replicas`.
pub fn max_unavailable(ro: &Rollout) -> i32 {
    let replicas = defaults::replicas_or_default(ro.spec.replicas);
    if replicas == 0 {
        return 0;
    }
    let unavailable_value = defaults::max_unavailable_or_default(ro);
    let max_unavailable = if ro.canary().is_some() {
        let surge = defaults::max_surge_or_default(ro);
        resolve_fenceposts(Some(&surge), Some(&unavailable_value), replicas).map_or(0, |(_, u)| u)
    } else {
        value_from_int_or_percent(&unavailable_value, replicas, false).map_or(0, |u| u as i32)
    };
    max_unavailable.min(replicas)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_parser_reads_any_string_as_percent() {
        let s = |v: &str| IntOrString::String(v.to_owned());
        assert_eq!(value_from_int_or_percent(&s("25"), 10, true), Ok(3));
        assert_eq!(value_from_int_or_percent(&s("25%"), 10, false), Ok(2));
        assert_eq!(value_from_int_or_percent(&s("%2%5"), 10, false), Ok(2));
        assert_eq!(value_from_int_or_percent(&s("+50%"), 3, true), Ok(2));
        assert_eq!(value_from_int_or_percent(&IntOrString::Int(7), 3, true), Ok(7));
        let err = value_from_int_or_percent(&s("oops%"), 10, true).expect_err("not a number");
        assert_eq!(
            err.to_string(),
            "invalid value for IntOrString: invalid value \"oops%\": strconv.Atoi: parsing \"oops\": invalid syntax"
        );
        assert_eq!(
            value_from_int_or_percent(&s("99999999999999999999"), 10, true).map_err(|e| e.reason),
            Err("value out of range")
        );
        assert!(value_from_int_or_percent(&s(" 5"), 10, true).is_err());
    }
}
