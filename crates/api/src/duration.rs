//! Argo's duration strings (`"30s"`, `"1h30m"`): the [`DurationString`] newtype and a port of Go's
//! `time.ParseDuration`, so that every string Argo accepts parses to the same number of nanoseconds and
//! every string it rejects is rejected here too.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A Go duration string such as `30s`, `5m`, `1h30m` or `1.5h` (Argo's `DurationString`).
///
/// The string is kept verbatim (it may also hold an unresolved `{{args.x}}` placeholder); parse it
/// with [`DurationString::duration`] when it is needed. An empty string means "not set".
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct DurationString(pub String);

impl DurationString {
    /// Whether the string is empty (Go's zero value, dropped by `omitempty`).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The string as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Parses the string like Go's `time.ParseDuration`; negative durations are an error here.
    pub fn duration(&self) -> Result<std::time::Duration, DurationError> {
        let nanos = parse_go_duration_nanos(&self.0)?;
        u64::try_from(nanos)
            .map(std::time::Duration::from_nanos)
            .map_err(|_| DurationError::Negative(self.0.clone()))
    }

    /// Parses the string like Go's `time.ParseDuration`, returning signed nanoseconds (Go's `time.Duration`).
    pub fn nanos(&self) -> Result<i64, DurationError> {
        parse_go_duration_nanos(&self.0)
    }
}

impl fmt::Display for DurationString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for DurationString {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

impl From<String> for DurationString {
    fn from(s: String) -> Self {
        Self(s)
    }
}

/// Why a duration string was rejected. The messages are Go's `time.ParseDuration` messages.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    /// Malformed string (`time: invalid duration "x"`).
    #[error("time: invalid duration \"{0}\"")]
    Invalid(String),
    /// A number without a unit (`time: missing unit in duration "10"`).
    #[error("time: missing unit in duration \"{0}\"")]
    MissingUnit(String),
    /// A unit Go does not know (`time: unknown unit "d" in duration "1d"`).
    #[error("time: unknown unit \"{unit}\" in duration \"{input}\"")]
    UnknownUnit {
        /// The unit as written.
        unit: String,
        /// The whole input.
        input: String,
    },
    /// A valid but negative duration where a non-negative one is needed.
    #[error("negative duration \"{0}\"")]
    Negative(String),
}

const NANOSECOND: u64 = 1;
const MICROSECOND: u64 = 1_000 * NANOSECOND;
const MILLISECOND: u64 = 1_000 * MICROSECOND;
const SECOND: u64 = 1_000 * MILLISECOND;
const MINUTE: u64 = 60 * SECOND;
const HOUR: u64 = 60 * MINUTE;
const LIMIT: u64 = 1 << 63;

fn unit_nanos(unit: &str) -> Option<u64> {
    Some(match unit {
        "ns" => NANOSECOND,
        "us" | "\u{b5}s" | "\u{3bc}s" => MICROSECOND,
        "ms" => MILLISECOND,
        "s" => SECOND,
        "m" => MINUTE,
        "h" => HOUR,
        _ => return None,
    })
}

/// Go's `time.ParseDuration`: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`, or `0`; returns signed nanoseconds.
///
/// Units are `ns`, `us` (or `µs`/`μs`), `ms`, `s`, `m`, `h`. Fractions are accumulated as Go does
/// (through a float64, nanosecond accurate), and overflow past `i64` is an error.
pub fn parse_go_duration_nanos(input: &str) -> Result<i64, DurationError> {
    let invalid = || DurationError::Invalid(input.to_owned());
    let mut s = input.as_bytes();
    let mut neg = false;
    if let Some(&c) = s.first()
        && (c == b'-' || c == b'+')
    {
        neg = c == b'-';
        s = &s[1..];
    }
    if s == b"0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut total: u64 = 0;
    while !s.is_empty() {
        if !(s[0] == b'.' || s[0].is_ascii_digit()) {
            return Err(invalid());
        }
        let before = s.len();
        let (mut v, rest) = leading_int(s).ok_or_else(invalid)?;
        s = rest;
        let pre = before != s.len();

        let mut post = false;
        let (mut f, mut scale) = (0u64, 1f64);
        if s.first() == Some(&b'.') {
            s = &s[1..];
            let before = s.len();
            let (x, sc, rest) = leading_fraction(s);
            (f, scale, s) = (x, sc, rest);
            post = before != s.len();
        }
        if !pre && !post {
            return Err(invalid());
        }

        let unit_len = s
            .iter()
            .position(|c| *c == b'.' || c.is_ascii_digit())
            .unwrap_or(s.len());
        if unit_len == 0 {
            return Err(DurationError::MissingUnit(input.to_owned()));
        }
        let unit = String::from_utf8_lossy(&s[..unit_len]).into_owned();
        s = &s[unit_len..];
        let unit_ns = unit_nanos(&unit).ok_or_else(|| DurationError::UnknownUnit {
            unit: unit.clone(),
            input: input.to_owned(),
        })?;
        if v > LIMIT / unit_ns {
            return Err(invalid());
        }
        v *= unit_ns;
        if f > 0 {
            // Go: float64 is nanosecond accurate for fractions of hours; the conversion truncates.
            v += (f as f64 * (unit_ns as f64 / scale)) as u64;
            if v > LIMIT {
                return Err(invalid());
            }
        }
        total += v;
        if total > LIMIT {
            return Err(invalid());
        }
    }
    if neg {
        // total <= 2^63, so its negation fits in i64.
        return Ok(0i64.wrapping_sub_unsigned(total));
    }
    i64::try_from(total).map_err(|_| invalid())
}

/// Consumes leading ASCII digits; `None` on overflow past 2^63 (Go's `leadingInt`).
fn leading_int(s: &[u8]) -> Option<(u64, &[u8])> {
    let mut x: u64 = 0;
    let mut i = 0;
    while i < s.len() && s[i].is_ascii_digit() {
        if x > LIMIT / 10 {
            return None;
        }
        x = x * 10 + u64::from(s[i] - b'0');
        if x > LIMIT {
            return None;
        }
        i += 1;
    }
    Some((x, &s[i..]))
}

/// Consumes leading ASCII digits of a fraction, stopping accumulation on overflow (Go's `leadingFraction`).
fn leading_fraction(s: &[u8]) -> (u64, f64, &[u8]) {
    let (mut x, mut scale, mut overflow) = (0u64, 1f64, false);
    let mut i = 0;
    while i < s.len() && s[i].is_ascii_digit() {
        if !overflow {
            if x > (LIMIT - 1) / 10 {
                overflow = true;
            } else {
                let y = x * 10 + u64::from(s[i] - b'0');
                if y > LIMIT {
                    overflow = true;
                } else {
                    x = y;
                    scale *= 10.0;
                }
            }
        }
        i += 1;
    }
    (x, scale, &s[i..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_go_parses() {
        // Vectors from Go's time.TestParseDuration.
        let cases: &[(&str, i64)] = &[
            ("0", 0),
            ("5s", 5 * SECOND as i64),
            ("30s", 30 * SECOND as i64),
            ("1478s", 1478 * SECOND as i64),
            ("-5s", -5 * SECOND as i64),
            ("+5s", 5 * SECOND as i64),
            ("-0", 0),
            ("+0", 0),
            ("5.0s", 5 * SECOND as i64),
            ("5.6s", 5 * SECOND as i64 + 600 * MILLISECOND as i64),
            ("5.s", 5 * SECOND as i64),
            (".5s", 500 * MILLISECOND as i64),
            ("1.0s", SECOND as i64),
            ("1.00s", SECOND as i64),
            ("1.004s", SECOND as i64 + 4 * MILLISECOND as i64),
            ("100.00100s", 100 * SECOND as i64 + MILLISECOND as i64),
            ("10ns", 10),
            ("11us", 11 * MICROSECOND as i64),
            ("12\u{b5}s", 12 * MICROSECOND as i64),
            ("12\u{3bc}s", 12 * MICROSECOND as i64),
            ("13ms", 13 * MILLISECOND as i64),
            ("14s", 14 * SECOND as i64),
            ("15m", 15 * MINUTE as i64),
            ("16h", 16 * HOUR as i64),
            ("3h30m", (3 * HOUR + 30 * MINUTE) as i64),
            ("10.5s4m", (4 * MINUTE + 10 * SECOND + 500 * MILLISECOND) as i64),
            ("-2m3.4s", -((2 * MINUTE + 3 * SECOND + 400 * MILLISECOND) as i64)),
            (
                "1h2m3s4ms5us6ns",
                (HOUR + 2 * MINUTE + 3 * SECOND + 4 * MILLISECOND + 5 * MICROSECOND + 6) as i64,
            ),
            (
                "39h9m14.425s",
                (39 * HOUR + 9 * MINUTE + 14 * SECOND + 425 * MILLISECOND) as i64,
            ),
            ("52763797000ns", 52_763_797_000),
            ("0.3333333333333333333h", 20 * MINUTE as i64),
            ("9007199254740993ns", (1i64 << 53) + 1),
            ("9223372036854775807ns", i64::MAX),
            ("9223372036854775.807us", i64::MAX),
            ("9223372036s854ms775us807ns", i64::MAX),
            ("-9223372036854775808ns", i64::MIN),
            ("-9223372036854775.808us", i64::MIN),
            ("-9223372036s854ms775us808ns", i64::MIN),
            ("0.100000000000000000000h", 6 * MINUTE as i64),
            (
                "0.830103483285477580700h",
                (49 * MINUTE + 48 * SECOND + 372_539_827) as i64,
            ),
        ];
        for (input, want) in cases {
            assert_eq!(parse_go_duration_nanos(input), Ok(*want), "{input}");
        }
    }

    #[test]
    fn rejects_what_go_rejects() {
        for input in [
            "",
            "3",
            "-",
            "s",
            ".",
            "-.",
            ".s",
            "+.s",
            "1d",
            "\u{ffd}",
            "9223372036854775810ns",
            "9223372036854775808ns",
            "-9223372036854775809ns",
            "9223372036854775.808us",
            "3000000h",
        ] {
            assert!(
                parse_go_duration_nanos(input).is_err(),
                "{input:?} should be rejected"
            );
        }
        assert_eq!(
            parse_go_duration_nanos("3").unwrap_err().to_string(),
            "time: missing unit in duration \"3\""
        );
        assert_eq!(
            parse_go_duration_nanos("1d").unwrap_err().to_string(),
            "time: unknown unit \"d\" in duration \"1d\""
        );
        assert_eq!(
            parse_go_duration_nanos("").unwrap_err().to_string(),
            "time: invalid duration \"\""
        );
    }

    #[test]
    fn duration_string_converts_to_std_duration() {
        assert_eq!(
            DurationString::from("1m30s").duration(),
            Ok(std::time::Duration::from_secs(90))
        );
        assert_eq!(
            DurationString::from("-1s").duration(),
            Err(DurationError::Negative("-1s".to_owned()))
        );
        assert_eq!(
            serde_json::to_string(&DurationString::from("5m")).expect("json"),
            "\"5m\""
        );
    }
}
