//! Tests of the `resource.Quantity` port against the cases of Go's `quantity_test.go` (k8s.io/apimachinery
//! v0.34.5) and hand-worked quirks of `ParseQuantity`.

use super::*;

fn canon(s: &str) -> String {
    parse(s)
        .and_then(|q| q.marshal())
        .unwrap_or_else(|e| format!("error: {e}"))
}

#[test]
fn canonical_forms_match_go() {
    // Expected values worked through Go's ParseQuantity/CanonicalizeBytes by hand (quirks included:
    // "5." and "1E6" are kept verbatim, and the int64 fast path does not round "0.1m" up to "1m").
    let cases = [
        ("0", "0"),
        ("0.5", "500m"),
        ("1000m", "1"),
        ("1.5Gi", "1536Mi"),
        ("1.5", "1500m"),
        ("128974848", "128974848"),
        ("129e6", "129e6"),
        ("123Mi", "123Mi"),
        ("128Mi", "128Mi"),
        ("1024Mi", "1Gi"),
        ("1000", "1k"),
        ("100", "100"),
        ("1.500", "1.500"),
        ("1k", "1k"),
        ("1000k", "1M"),
        ("0.1m", "100u"),
        ("0.0001m", "100n"),
        (".5", "500m"),
        ("5.", "5."),
        ("1Ki", "1Ki"),
        ("1024", "1024"),
        ("1.1Ki", "1126400m"),
        ("0.5Gi", "512Mi"),
        ("-0.5", "-500m"),
        ("-1Ki", "-1Ki"),
        ("1e3", "1e3"),
        ("1e4", "10e3"),
        ("1E6", "1E6"),
        ("1e-3", "1e-3"),
        ("100e-3", "100e-3"),
        ("1e1000", "10e999"),
        ("0.00000000001", "1n"),
        ("1n", "1n"),
        ("1u", "1u"),
        ("+1", "+1"),
        ("000", "0"),
        ("0Mi", "0"),
        ("9223372036854775807", "9223372036854775807"),
        ("9223372036854775808", "9223372036854775808"),
        ("100000000000000000000Ei", "9223372036854775807"),
        ("12345678901234567890", "12345678901234567890"),
        ("1.0000000001", "1000000001n"),
    ];
    for (input, want) in cases {
        assert_eq!(canon(input), want, "quantity {input:?}");
    }
}

#[test]
fn go_test_tables_round_trip() {
    // k8s.io/apimachinery v0.34.5 quantity_test.go: TestQuantityString (canonical strings are kept on parse,
    // alternates canonicalise to them) and TestQuantityParseEmit, also negated.
    let pairs = [
        ("1Gi", "1024Mi"),
        ("300Mi", "307200Ki"),
        ("6Ki", ""),
        ("1001Gi", "1025024Mi"),
        ("1Ti", "1024Gi"),
        ("5", "5000m"),
        ("500m", "0.5"),
        ("1G", "1000M"),
        ("1G", "0.001T"),
        ("1m", "1000u"),
        ("80m", ""),
        ("1080m", "1.08"),
        ("1080m", "1080000000n"),
        ("300M", ""),
        ("1T", ""),
        ("1234567M", ""),
        ("1234567m", ""),
        ("3k", ""),
        ("1025", ""),
        ("1e9", ".001e12"),
        ("1e-3", "0.001e0"),
        ("1e-9", "1000e-12"),
        ("80e-3", ""),
        ("300e6", ""),
        ("1e12", ""),
        ("3e3", ""),
        ("0", "00"),
        ("1n", ""),
        ("80n", ""),
        ("1080n", ""),
        ("1u", ""),
        ("1080u", ""),
        ("1Gi", "1024Mi"),
        ("1G", "1000M"),
        ("1024m", ".001Ki"),
        ("1024u", ".000001Ki"),
        ("1024n", ".000000001Ki"),
        ("2n", ".000000000001Ki"),
        ("4n", "3.001n"),
        ("124n", "0.00000012345"),
    ];
    for (canonical, alternate) in pairs {
        let kept = parse(canonical).expect("canonical form parses");
        assert_eq!(
            kept.s.as_deref(),
            Some(canonical),
            "{canonical:?} keeps its string"
        );
        if !alternate.is_empty() {
            assert_eq!(canon(alternate), canonical, "{alternate:?}");
            if canonical != "0" {
                assert_eq!(
                    canon(&format!("-{alternate}")),
                    format!("-{canonical}"),
                    "-{alternate:?}"
                );
            }
        }
    }
    for invalid in [
        "1.1.M", "1+1.0M", "0.1mi", "0.1am", "aoeu", ".5i", "1i", "-3.01i", "-3.01e-", " 1", "1 ",
    ] {
        assert!(parse(invalid).is_err(), "{invalid:?} must not parse");
    }
}

#[test]
fn malformed_quantities_fail_like_go() {
    assert_eq!(parse(""), Err(QuantityError::FormatWrong));
    assert_eq!(parse("1x"), Err(QuantityError::FormatWrong));
    assert_eq!(parse("1ki"), Err(QuantityError::Suffix));
    assert_eq!(parse("1e"), Err(QuantityError::Suffix));
    assert_eq!(parse("1.2.3"), Err(QuantityError::FormatWrong));
    assert_eq!(parse("abc"), Err(QuantityError::FormatWrong));
    assert_eq!(parse(".e-10"), Err(QuantityError::Numeric));
}
