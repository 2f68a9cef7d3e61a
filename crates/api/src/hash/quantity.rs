//! `resource.Quantity` exactly as Go's `k8s.io/apimachinery` v0.34.5 (`pkg/api/resource`) parses and marshals
//! it: `ParseQuantity` (including its quirk of remembering the input string when it is "already canonical",
//! so `"129e6"`, `"123Mi"` and `"1.500"` marshal unchanged) and `MarshalJSON` / `CanonicalizeBytes`
//! (`"0.5"` -> `"500m"`, `"1000m"` -> `"1"`, `"1.5Gi"` -> `"1536Mi"`).
//!
//! Go keeps small values in an `int64Amount` and falls back to an arbitrary-precision `inf.Dec`; both only
//! differ in speed, except that the `inf.Dec` path of `ParseQuantity` rounds to nano units and caps binary
//! quantities, which [`parse`] reproduces. Here every value is one normalised big decimal, [`Dec`].

use std::cmp::Ordering;

use num_bigint::{BigInt, Sign};
use num_traits::{One, Signed, Zero};

/// Why a string is not a quantity (Go's `ErrFormatWrong`, `ErrNumeric`, `ErrSuffix`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum QuantityError {
    /// Go's `ErrFormatWrong`.
    #[error("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")]
    FormatWrong,
    /// Go's `ErrNumeric`.
    #[error("unable to parse numeric part of quantity")]
    Numeric,
    /// Go's `ErrSuffix`.
    #[error("unable to parse quantity's suffix")]
    Suffix,
    /// An exponent outside Go's `int32` scale (Go would silently wrap it around).
    #[error("quantity exponent outside the range Go can represent")]
    Range,
}

/// The three suffix families of a quantity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    DecimalExponent,
    BinarySI,
    DecimalSI,
}

/// A decimal number `mant * 10^exp`, normalised so that `mant` has no factor 10 (and `exp == 0` for zero).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Dec {
    mant: BigInt,
    exp: i64,
}

impl Dec {
    fn new(mut mant: BigInt, mut exp: i64) -> Self {
        if mant.is_zero() {
            return Self { mant, exp: 0 };
        }
        let ten = BigInt::from(10);
        loop {
            let (q, r) = (&mant / &ten, &mant % &ten);
            if !r.is_zero() {
                break;
            }
            mant = q;
            exp += 1;
        }
        Self { mant, exp }
    }

    fn from_i64(value: i64) -> Self {
        Self::new(BigInt::from(value), 0)
    }

    fn is_zero(&self) -> bool {
        self.mant.is_zero()
    }

    /// Number of decimal digits of `|mant|`.
    fn digits(&self) -> i64 {
        i64::try_from(self.mant.magnitude().to_string().len()).unwrap_or(i64::MAX)
    }

    fn cmp_value(&self, other: &Self) -> Ordering {
        let (a, b) = (self.mant.sign(), other.mant.sign());
        if a != b || a == Sign::NoSign {
            return sign_rank(a).cmp(&sign_rank(b));
        }
        // Same sign, both non-zero: compare magnitudes, then flip for negatives.
        let magnitude = (self.exp + self.digits())
            .cmp(&(other.exp + other.digits()))
            .then_with(|| {
                let low = self.exp.min(other.exp);
                let scale = |d: &Self| d.mant.abs() * pow10(d.exp - low);
                scale(self).cmp(&scale(other))
            });
        if a == Sign::Minus {
            magnitude.reverse()
        } else {
            magnitude
        }
    }

    /// `inf.Dec.Round(x, scale, inf.RoundUp)`: at most `scale` fractional digits, rounding away from zero.
    fn round_up(&self, scale: i64) -> Self {
        let k = -scale - self.exp;
        if k <= 0 {
            return self.clone();
        }
        // mant has no factor 10, so dropping k >= 1 digits always leaves a remainder: round away from zero.
        let q = if k >= self.digits() {
            BigInt::zero()
        } else {
            self.mant.abs() / pow10(k)
        };
        let q = q + BigInt::one();
        let q = if self.mant.is_negative() { -q } else { q };
        Self::new(q, -scale)
    }
}

fn sign_rank(s: Sign) -> i8 {
    match s {
        Sign::Minus => -1,
        Sign::NoSign => 0,
        Sign::Plus => 1,
    }
}

fn pow10(k: i64) -> BigInt {
    num_traits::pow(BigInt::from(10), usize::try_from(k).unwrap_or(0))
}

/// A parsed quantity: its value, its suffix family and, when Go keeps it, the original string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Quantity {
    value: Dec,
    format: Format,
    s: Option<String>,
}

impl Quantity {
    /// Go's `Quantity.Cmp`: the order of the two values.
    pub(crate) fn cmp_value(&self, other: &Self) -> Ordering {
        self.value.cmp_value(&other.value)
    }

    /// Go's `Quantity.MarshalJSON` without the quotes (the same text as `Quantity.String()`).
    pub(crate) fn marshal(&self) -> Result<String, QuantityError> {
        match &self.s {
            Some(s) => Ok(s.clone()),
            None => self.canonicalize(),
        }
    }

    /// Go's `CanonicalizeBytes`, number and suffix joined.
    fn canonicalize(&self) -> Result<String, QuantityError> {
        if self.value.is_zero() {
            return Ok("0".to_owned());
        }
        let mut format = self.format;
        let mut rounded = None;
        if format == Format::BinarySI {
            let v = &self.value;
            if v.cmp_value(&Dec::from_i64(-1024)).is_gt() && v.cmp_value(&Dec::from_i64(1024)).is_lt() {
                format = Format::DecimalSI;
            } else {
                let r = v.round_up(0);
                if r == *v {
                    rounded = Some(r);
                } else {
                    format = Format::DecimalSI;
                }
            }
        }
        if let (Format::BinarySI, Some(r)) = (format, rounded) {
            // AsCanonicalBase1024Bytes: an integer (exp >= 0), factors of 1024 moved into the suffix.
            let mut amount = r.mant * pow10(r.exp);
            let k1024 = BigInt::from(1024);
            let mut times = 0_i64;
            while !amount.is_zero() && (&amount % &k1024).is_zero() {
                amount /= &k1024;
                times += 1;
            }
            let suffix = match times {
                1 => "Ki",
                2 => "Mi",
                3 => "Gi",
                4 => "Ti",
                5 => "Pi",
                6 => "Ei",
                _ => "",
            };
            return Ok(format!("{amount}{suffix}"));
        }
        // AsCanonicalBytes: factors of 10 already removed; make the exponent a multiple of 3.
        let mut mant = self.value.mant.clone();
        let mut exp = self.value.exp;
        while exp % 3 != 0 {
            mant *= 10;
            exp -= 1;
        }
        let exp = i32::try_from(exp).map_err(|_| QuantityError::Range)?;
        let suffix = match format {
            Format::DecimalExponent if exp == 0 => String::new(),
            Format::DecimalExponent => format!("e{exp}"),
            _ => match exp {
                -9 => "n",
                -6 => "u",
                -3 => "m",
                3 => "k",
                6 => "M",
                9 => "G",
                12 => "T",
                15 => "P",
                18 => "E",
                // Go finds no suffix for other exponents and writes the bare number (exponent 0 included).
                _ => "",
            }
            .to_owned(),
        };
        Ok(format!("{mant}{suffix}"))
    }
}

/// The pieces `parseQuantityString` cuts a quantity into.
struct Scan<'a> {
    positive: bool,
    value: &'a [u8],
    num: &'a [u8],
    denom: &'a [u8],
    suffix: &'a [u8],
}

/// Go's `parseQuantityString`, byte for byte.
fn scan(s: &[u8]) -> Result<Scan<'_>, QuantityError> {
    let end = s.len();
    let mut out = Scan {
        positive: true,
        value: b"",
        num: b"",
        denom: b"",
        suffix: b"",
    };
    let mut pos = 0;
    if pos < end {
        match s[0] {
            b'-' => {
                out.positive = false;
                pos += 1;
            }
            b'+' => pos += 1,
            _ => {}
        }
    }
    // Strip leading zeros.
    let mut i = pos;
    loop {
        if i >= end {
            out.num = b"0";
            out.value = b"0";
            return Ok(out);
        }
        if s[i] != b'0' {
            break;
        }
        pos += 1;
        i += 1;
    }
    // The numerator.
    let mut i = pos;
    loop {
        if i >= end {
            out.num = &s[pos..end];
            out.value = &s[..end];
            return Ok(out);
        }
        if !s[i].is_ascii_digit() {
            out.num = &s[pos..i];
            pos = i;
            break;
        }
        i += 1;
    }
    if out.num.is_empty() {
        out.num = b"0";
    }
    // The denominator.
    if pos < end && s[pos] == b'.' {
        pos += 1;
        let mut i = pos;
        loop {
            if i >= end {
                out.denom = &s[pos..end];
                out.value = &s[..end];
                return Ok(out);
            }
            if !s[i].is_ascii_digit() {
                out.denom = &s[pos..i];
                pos = i;
                break;
            }
            i += 1;
        }
    }
    out.value = &s[..pos];
    // The suffix: letters, an optional sign, digits.
    let suffix_start = pos;
    let mut i = pos;
    loop {
        if i >= end {
            out.suffix = &s[suffix_start..end];
            return Ok(out);
        }
        if !b"eEinumkKMGTP".contains(&s[i]) {
            pos = i;
            break;
        }
        i += 1;
    }
    if pos < end && (s[pos] == b'-' || s[pos] == b'+') {
        pos += 1;
    }
    for &c in &s[pos..] {
        if !c.is_ascii_digit() {
            return Err(QuantityError::FormatWrong);
        }
    }
    out.suffix = &s[suffix_start..end];
    Ok(out)
}

/// Go's `quantitySuffixer.interpret`: (base, exponent, format).
fn interpret(suffix: &[u8]) -> Option<(u32, i32, Format)> {
    let dec = |e| Some((10, e, Format::DecimalSI));
    let bin = |e| Some((2, e, Format::BinarySI));
    match suffix {
        b"" => dec(0),
        b"n" => dec(-9),
        b"u" => dec(-6),
        b"m" => dec(-3),
        b"k" => dec(3),
        b"M" => dec(6),
        b"G" => dec(9),
        b"T" => dec(12),
        b"P" => dec(15),
        b"E" => dec(18),
        b"Ki" => bin(10),
        b"Mi" => bin(20),
        b"Gi" => bin(30),
        b"Ti" => bin(40),
        b"Pi" => bin(50),
        b"Ei" => bin(60),
        [b'e' | b'E', rest @ ..] if !rest.is_empty() => {
            let parsed = go_parse_int64(rest)?;
            // Go truncates with int32(parsed).
            #[allow(clippy::cast_possible_truncation)]
            Some((10, parsed as i32, Format::DecimalExponent))
        }
        _ => None,
    }
}

/// `strconv.ParseInt(s, 10, 64)`: optional sign, ASCII digits, in range.
fn go_parse_int64(s: &[u8]) -> Option<i64> {
    let (neg, digits) = match s {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let text = std::str::from_utf8(digits).ok()?;
    let magnitude: i128 = text.parse().ok()?;
    i64::try_from(if neg { -magnitude } else { magnitude }).ok()
}

/// Go's `ParseQuantity`.
pub(crate) fn parse(text: &str) -> Result<Quantity, QuantityError> {
    if text.is_empty() {
        return Err(QuantityError::FormatWrong);
    }
    if text == "0" {
        return Ok(Quantity {
            value: Dec::from_i64(0),
            format: Format::DecimalSI,
            s: Some(text.to_owned()),
        });
    }
    let sc = scan(text.as_bytes())?;
    let (base, exponent, format) = interpret(sc.suffix).ok_or(QuantityError::Suffix)?;
    let digit_count = i64::try_from(sc.num.len() + sc.denom.len()).unwrap_or(i64::MAX);

    let mut scale = 0_i32;
    let mut mantissa = 1_i64;
    let precision = match format {
        Format::DecimalExponent | Format::DecimalSI => {
            scale = exponent;
            18 - digit_count
        }
        Format::BinarySI if exponent >= 0 && sc.denom.is_empty() => {
            mantissa <<= exponent;
            15 - i64::try_from(sc.num.len()).unwrap_or(i64::MAX) - i64::from(exponent) * 3 / 10 - 1
        }
        Format::BinarySI => -1,
    };

    if precision >= 0 {
        // Fast path: the value fits an int64 at a scale of at least nano.
        #[allow(clippy::cast_possible_truncation, clippy::cast_possible_wrap)]
        let denom_len = sc.denom.len() as i32;
        scale = scale.wrapping_sub(denom_len);
        if scale >= -9 {
            let shifted: Vec<u8> = [sc.num, sc.denom].concat();
            let value = go_parse_int64(&shifted).ok_or(QuantityError::Numeric)?;
            if let Some(result) = value.checked_mul(mantissa) {
                let result = if sc.positive { result } else { -result };
                // Go reuses the input string when it is already in canonical form.
                let canonical = match format {
                    Format::BinarySI => exponent % 10 == 0 && (value & 0x07) != 0,
                    _ => scale % 3 == 0 && !shifted.ends_with(b"000") && shifted[0] != b'0',
                };
                let s = canonical.then(|| text.to_owned());
                return Ok(Quantity {
                    value: Dec::new(BigInt::from(result), i64::from(scale)),
                    format,
                    s,
                });
            }
        }
    }

    // Slow path (Go's inf.Dec): exact value, rounded up to nano units, binary quantities capped at 2^63-1.
    let mut amount = parse_decimal(sc.value).ok_or(QuantityError::Numeric)?;
    if base == 10 {
        amount = Dec::new(amount.mant, amount.exp + i64::from(exponent));
    } else {
        let factor = num_traits::pow(BigInt::from(2), usize::try_from(exponent).unwrap_or(0));
        amount = Dec::new(amount.mant * factor, amount.exp);
    }
    let negative = amount.mant.is_negative();
    let mut abs = Dec {
        mant: amount.mant.abs(),
        exp: amount.exp,
    };
    if !abs.is_zero() {
        abs = abs.round_up(9);
    }
    let mut format = format;
    if format == Format::BinarySI {
        let max = Dec::from_i64(i64::MAX);
        if abs.cmp_value(&max).is_gt() {
            abs = max;
        }
        if abs.cmp_value(&Dec::from_i64(1)).is_lt() && !abs.is_zero() {
            format = Format::DecimalSI;
        }
    }
    if i32::try_from(abs.exp).is_err() {
        return Err(QuantityError::Range);
    }
    let value = if negative {
        Dec {
            mant: -abs.mant,
            exp: abs.exp,
        }
    } else {
        abs
    };
    Ok(Quantity {
        value,
        format,
        s: None,
    })
}

/// `inf.Dec.SetString` for what `parseQuantityString` returns as the value: `[+-]digits[.digits]`.
fn parse_decimal(value: &[u8]) -> Option<Dec> {
    let (negative, rest) = match value {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        _ => (false, value),
    };
    let (int, frac) = match rest.iter().position(|&c| c == b'.') {
        Some(dot) => (&rest[..dot], &rest[dot + 1..]),
        None => (rest, &rest[rest.len()..]),
    };
    let digits: Vec<u8> = [int, frac].concat();
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mant = BigInt::parse_bytes(&digits, 10)?;
    let mant = if negative { -mant } else { mant };
    Some(Dec::new(mant, -i64::try_from(frac.len()).ok()?))
}

#[cfg(test)]
#[path = "quantity_tests.rs"]
mod tests;
