//! `metav1.Time` in JSON as Go reads and writes it: `Time.UnmarshalJSON` is Go's
//! `time.Parse(time.RFC3339, s)` (whose generic parser also takes a one-digit hour, a comma before the
//! fraction and zone offsets up to `24:60`), `Time.MarshalJSON` is `t.UTC().Format(time.RFC3339)`: whole
//! seconds in UTC, fractions dropped. `IsZero` is the instant `0001-01-01T00:00:00Z` exactly.

/// An instant: seconds since the Unix epoch and nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct GoTime {
    unix: i64,
    nanos: u32,
}

/// Seconds from 0001-01-01T00:00:00Z (Go's zero `time.Time`) to the Unix epoch, negated.
const ZERO_UNIX: i64 = -62_135_596_800;

impl GoTime {
    /// Go's `Time.IsZero`.
    pub(crate) fn is_zero(self) -> bool {
        self.unix == ZERO_UNIX && self.nanos == 0
    }

    /// `t.UTC().Format(time.RFC3339)`.
    pub(crate) fn format_rfc3339_utc(self) -> String {
        let days = self.unix.div_euclid(86_400);
        let secs = self.unix.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        let year = if y < 0 {
            format!("-{:04}", -y)
        } else {
            format!("{y:04}")
        };
        format!(
            "{year}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )
    }
}

/// Go's `time.Parse(time.RFC3339, s)`; `None` where Go returns an error.
pub(crate) fn parse_rfc3339(s: &str) -> Option<GoTime> {
    let mut p = Cursor(s.as_bytes());
    let year = p.fixed(4)?;
    p.lit(b'-')?;
    let month = p.fixed(2)?;
    p.lit(b'-')?;
    let day = p.fixed(2)?;
    p.lit(b'T')?;
    let hour = p.hour()?;
    p.lit(b':')?;
    let min = p.fixed(2)?;
    p.lit(b':')?;
    let sec = p.fixed(2)?;
    let mut nanos = 0_u32;
    if let [b'.' | b',', d, ..] = p.0
        && d.is_ascii_digit()
    {
        let n = 1 + p.0[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        // parseNanoseconds: the first nine digits count, padded to nine; later digits are ignored.
        let digits = &p.0[1..n.min(10)];
        let mut v = 0_u32;
        for &c in digits {
            v = v * 10 + u32::from(c - b'0');
        }
        nanos = v * 10_u32.pow(u32::try_from(9 - digits.len()).ok()?);
        p.0 = &p.0[n..];
    }
    let offset = match p.0 {
        [b'Z', rest @ ..] => {
            p.0 = rest;
            0
        }
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2, rest @ ..] => {
            let hh = two_digits(*h1, *h2)?;
            let mm = two_digits(*m1, *m2)?;
            if hh > 24 || mm > 60 {
                return None;
            }
            p.0 = rest;
            let off = (hh * 60 + mm) * 60;
            if *sign == b'-' { -off } else { off }
        }
        _ => return None,
    };
    if !p.0.is_empty() || !(1..=12).contains(&month) || hour > 23 || min > 59 || sec > 59 {
        return None;
    }
    if day < 1 || day > days_in(month, year) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(GoTime {
        unix: days * 86_400 + hour * 3600 + min * 60 + sec - offset,
        nanos,
    })
}

struct Cursor<'a>(&'a [u8]);

impl Cursor<'_> {
    fn lit(&mut self, c: u8) -> Option<()> {
        let (&first, rest) = self.0.split_first()?;
        (first == c).then(|| self.0 = rest)
    }

    /// Exactly `n` ASCII digits.
    fn fixed(&mut self, n: usize) -> Option<i64> {
        if self.0.len() < n || !self.0[..n].iter().all(u8::is_ascii_digit) {
            return None;
        }
        let v = self.0[..n]
            .iter()
            .fold(0_i64, |acc, &c| acc * 10 + i64::from(c - b'0'));
        self.0 = &self.0[n..];
        Some(v)
    }

    /// Go's `getnum(value, false)` for the `15` hour: one or two digits.
    fn hour(&mut self) -> Option<i64> {
        let n = if self.0.len() >= 2 && self.0[1].is_ascii_digit() {
            2
        } else {
            1
        };
        self.fixed(n)
    }
}

fn two_digits(a: u8, b: u8) -> Option<i64> {
    (a.is_ascii_digit() && b.is_ascii_digit()).then(|| i64::from(a - b'0') * 10 + i64::from(b - b'0'))
}

fn days_in(month: i64, year: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> Option<String> {
        parse_rfc3339(s).map(GoTime::format_rfc3339_utc)
    }

    #[test]
    fn formats_in_utc_whole_seconds() {
        assert_eq!(
            utc("2024-02-29T13:04:05Z").as_deref(),
            Some("2024-02-29T13:04:05Z")
        );
        assert_eq!(
            utc("2024-03-01T01:30:00.999+02:00").as_deref(),
            Some("2024-02-29T23:30:00Z")
        );
        assert_eq!(
            utc("1969-12-31T23:59:59-00:30").as_deref(),
            Some("1970-01-01T00:29:59Z")
        );
        assert_eq!(
            utc("2020-01-01T1:02:03Z").as_deref(),
            Some("2020-01-01T01:02:03Z")
        );
        assert_eq!(
            utc("2020-01-01T01:02:03,5Z").as_deref(),
            Some("2020-01-01T01:02:03Z")
        );
        assert_eq!(
            utc("0000-01-01T00:00:00+01:00").as_deref(),
            Some("-0001-12-31T23:00:00Z")
        );
    }

    #[test]
    fn zero_is_year_one_exactly() {
        assert!(parse_rfc3339("0001-01-01T00:00:00Z").is_some_and(GoTime::is_zero));
        assert!(parse_rfc3339("0001-01-01T01:00:00+01:00").is_some_and(GoTime::is_zero));
        assert!(!parse_rfc3339("0001-01-01T00:00:00.1Z").is_some_and(GoTime::is_zero));
        assert!(!parse_rfc3339("1970-01-01T00:00:00Z").is_some_and(GoTime::is_zero));
    }

    #[test]
    fn rejects_what_go_rejects() {
        for bad in [
            "",
            "2020-01-01",
            "2020-01-01 00:00:00Z",
            "2020-01-01t00:00:00Z",
            "2020-1-01T00:00:00Z",
            "2020-02-30T00:00:00Z",
            "2021-02-29T00:00:00Z",
            "2020-13-01T00:00:00Z",
            "2020-01-01T24:00:00Z",
            "2020-01-01T00:60:00Z",
            "2020-01-01T00:00:00",
            "2020-01-01T00:00:00+0100",
            "2020-01-01T00:00:00Zjunk",
            "2020-01-01T00:00:00+25:00",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad:?}");
        }
    }
}
