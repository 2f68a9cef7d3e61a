//! Go's `fmt` rendering of decoded JSON values (`map[string]interface{}` and friends), so that error messages read
//! exactly like the real API server's: `%v` prints `map[image:nginx name:web]`, `%s` prints `%!s(int64=1)` for a
//! number, and `reflect.TypeOf` names the types `map[string]interface {}`, `[]interface {}`, `int64`, ...

use serde_json::Value;

/// The name `reflect.TypeOf(v)` gives a value decoded by the API server (integers are `int64`, other numbers
/// `float64`).
pub(super) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "<nil>",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_i64() => "int64",
        Value::Number(_) => "float64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

/// `fmt.Sprintf("%v", v)`.
pub(super) fn v(value: &Value) -> String {
    let mut out = String::new();
    write(&mut out, value, Verb::V);
    out
}

/// `fmt.Sprintf("%s", v)`.
pub(super) fn s(value: &Value) -> String {
    let mut out = String::new();
    write(&mut out, value, Verb::S);
    out
}

/// `fmt.Sprint(lists)` for a `[][]interface{}`.
pub(super) fn v_lists(lists: &[&[Value]]) -> String {
    let inner: Vec<String> = lists
        .iter()
        .map(|l| {
            let mut out = String::new();
            write_list(&mut out, l, Verb::V);
            out
        })
        .collect();
    format!("[{}]", inner.join(" "))
}

#[derive(Clone, Copy, PartialEq)]
enum Verb {
    V,
    S,
}

fn write(out: &mut String, value: &Value, verb: Verb) {
    match value {
        Value::Null if verb == Verb::S => out.push_str("%!s(<nil>)"),
        Value::Null => out.push_str("<nil>"),
        Value::String(s) => out.push_str(s),
        Value::Object(map) => {
            // Go prints map keys sorted.
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push_str("map[");
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                write(out, &map[k], verb);
            }
            out.push(']');
        }
        Value::Array(items) => write_list(out, items, verb),
        scalar => {
            let text = scalar_text(scalar);
            if verb == Verb::S {
                out.push_str(&format!("%!s({}={text})", type_name(scalar)));
            } else {
                out.push_str(&text);
            }
        }
    }
}

fn write_list(out: &mut String, items: &[Value], verb: Verb) {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        write(out, item, verb);
    }
    out.push(']');
}

/// A bool or number as `%v` prints it.
fn scalar_text(v: &Value) -> String {
    match v {
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => i.to_string(),
            (None, Some(f)) => go_float(f),
            (None, None) => n.to_string(),
        },
        other => other.to_string(),
    }
}

fn go_float(f: f64) -> String {
    if f == 0.0 || !f.is_finite() {
        return f.to_string();
    }
    // Go's shortest `%g`: scientific notation when the exponent is < -4 or >= 6.
    let sci = format!("{f:e}");
    let Some((mantissa, exponent)) = sci.split_once('e') else {
        return sci;
    };
    let exp: i32 = exponent.parse().unwrap_or(0);
    if (-4..6).contains(&exp) {
        return f.to_string();
    }
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exp.unsigned_abs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn formats_like_go() {
        let m =
            json!({"name": "web", "image": "nginx", "ports": [{"containerPort": 80}], "x": null, "f": 1.5});
        assert_eq!(
            v(&m),
            "map[f:1.5 image:nginx name:web ports:[map[containerPort:80]] x:<nil>]"
        );
        assert_eq!(s(&json!({"$patch": 1})), "map[$patch:%!s(int64=1)]");
        assert_eq!(s(&json!(true)), "%!s(bool=true)");
        assert_eq!(v(&json!(1e21)), "1e+21");
        assert_eq!(v(&json!(0.00001)), "1e-05");
        assert_eq!(v(&json!(100000.0)), "100000");
        assert_eq!(v(&json!(1000000.0)), "1e+06");
        assert_eq!(v(&json!(123456789.0)), "1.23456789e+08");
        assert_eq!(type_name(&json!(1)), "int64");
        assert_eq!(type_name(&json!(1.0)), "float64");
        assert_eq!(v_lists(&[&[json!("a"), json!(1)], &[]]), "[[a 1] []]");
    }
}
