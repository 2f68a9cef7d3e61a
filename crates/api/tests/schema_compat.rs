//! Schema compatibility with Argo's CRDs: every property path Argo's `openAPIV3Schema` accepts is
//! accepted by ours with a compatible type. Each deliberate difference is listed, with its reason, in
//! `docs/compatibility.md` under "## Schema differences"; the test parses that list and requires it to
//! be exactly the set of differences found (a listed path that is no longer a difference fails too).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// One difference: (kind, path) -> what differs.
type Differences = BTreeMap<(String, String), String>;

struct Walk {
    kind: String,
    compared: usize,
    extra_in_ours: Vec<String>,
    differences: Differences,
}

impl Walk {
    fn differ(&mut self, path: &str, what: String) {
        let entry = self
            .differences
            .entry((self.kind.clone(), path.to_owned()))
            .or_default();
        if !entry.is_empty() {
            entry.push_str("; ");
        }
        entry.push_str(&what);
    }

    /// Compares the schema node Argo has at `path` with ours.
    fn compare(&mut self, path: &str, argo: &Value, ours: &Value) {
        self.compared += 1;
        let preserve = |v: &Value| v["x-kubernetes-preserve-unknown-fields"] == Value::Bool(true);
        let int_or_string = |v: &Value| v["x-kubernetes-int-or-string"] == Value::Bool(true);
        if preserve(argo) != preserve(ours) {
            self.differ(
                path,
                format!(
                    "preserve-unknown-fields: Argo {} ours {}",
                    preserve(argo),
                    preserve(ours)
                ),
            );
        }
        if int_or_string(argo) != int_or_string(ours) {
            self.differ(
                path,
                format!(
                    "int-or-string: Argo {} ours {}",
                    int_or_string(argo),
                    int_or_string(ours)
                ),
            );
        } else if !int_or_string(argo) {
            for key in ["type", "format"] {
                if argo[key] != ours[key] {
                    self.differ(path, format!("{key}: Argo {} ours {}", argo[key], ours[key]));
                }
            }
        }
        if let Some(argo_enum) = argo["enum"].as_array() {
            if let Some(ours_enum) = ours["enum"].as_array()
                && !argo_enum.iter().all(|v| ours_enum.contains(v))
            {
                self.differ(path, format!("enum: Argo {argo_enum:?} ours {ours_enum:?}"));
            }
        } else if ours["enum"].is_array() {
            self.differ(path, "enum: ours restricts values, Argo does not".to_owned());
        }
        let required = |v: &Value| -> BTreeSet<String> {
            v["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|r| r.as_str().map(str::to_owned))
                .collect()
        };
        let extra_required: Vec<String> = required(ours).difference(&required(argo)).cloned().collect();
        if !extra_required.is_empty() {
            self.differ(path, format!("ours requires {extra_required:?}, Argo does not"));
        }
        let missing_required: Vec<String> = required(argo).difference(&required(ours)).cloned().collect();
        if !missing_required.is_empty() {
            self.differ(path, format!("Argo requires {missing_required:?}, ours does not"));
        }
        if preserve(ours) && ours.get("properties").is_none() {
            // Ours keeps anything below this node: every Argo path below is accepted.
            return;
        }
        match (argo.get("additionalProperties"), ours.get("additionalProperties")) {
            (Some(a), Some(o)) => self.compare(&format!("{path}{{}}"), a, o),
            (Some(_), None) => self.differ(path, "map: Argo has additionalProperties, ours not".to_owned()),
            (None, Some(_)) => self.differ(path, "map: ours has additionalProperties, Argo not".to_owned()),
            (None, None) => {}
        }
        match (argo.get("items"), ours.get("items")) {
            (Some(a), Some(o)) => self.compare(&format!("{path}[]"), a, o),
            (Some(_), None) => self.differ(path, "array: Argo has items, ours not".to_owned()),
            (None, Some(_)) => self.differ(path, "array: ours has items, Argo not".to_owned()),
            (None, None) => {}
        }
        let empty = serde_json::Map::new();
        let argo_props = argo["properties"].as_object().unwrap_or(&empty);
        let ours_props = ours["properties"].as_object().unwrap_or(&empty);
        for (name, argo_child) in argo_props {
            let child_path = if path.is_empty() {
                name.clone()
            } else {
                format!("{path}.{name}")
            };
            match ours_props.get(name) {
                Some(ours_child) => self.compare(&child_path, argo_child, ours_child),
                None => self.differ(
                    &child_path,
                    "missing: Argo has this property, ours not".to_owned(),
                ),
            }
        }
        for name in ours_props.keys().filter(|n| !argo_props.contains_key(*n)) {
            self.extra_in_ours.push(if path.is_empty() {
                name.clone()
            } else {
                format!("{path}.{name}")
            });
        }
    }
}

fn schema_of(crd: &Value) -> &Value {
    &crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
}

/// The allow-list: bullets "- `path` (Kind, Kind): reason" of "## Schema differences".
fn documented_differences() -> BTreeMap<(String, String), String> {
    let path = rollouts_testkit::workspace_root()
        .join("docs")
        .join("compatibility.md");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let section = text
        .split("\n## ")
        .find(|s| s.starts_with("Schema differences"))
        .unwrap_or_else(|| panic!("{}: no \"## Schema differences\" section", path.display()));
    let mut out = BTreeMap::new();
    for line in section.lines().filter(|l| l.starts_with("- `")) {
        let rest = &line[3..];
        let (field, rest) = rest
            .split_once("` (")
            .unwrap_or_else(|| panic!("malformed bullet: {line}"));
        let (kinds, reason) = rest
            .split_once("): ")
            .unwrap_or_else(|| panic!("malformed bullet: {line}"));
        assert!(reason.trim().len() > 10, "bullet without a reason: {line}");
        for kind in kinds.split(", ") {
            let previous = out.insert((kind.to_owned(), field.to_owned()), reason.to_owned());
            assert!(previous.is_none(), "listed twice: {kind} {field}");
        }
    }
    out
}

#[test]
fn every_path_argo_accepts_is_accepted_by_ours() {
    let mut found = Differences::new();
    for (file, crd) in rollouts_api::CRD_FILES.iter().zip(rollouts_api::crds()) {
        let path = rollouts_testkit::argo_dir().join("crds").join(file);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let argo: Value = serde_yaml_ng::from_str(&text).expect("Argo CRD parses");
        let ours = serde_json::to_value(&crd).expect("json");
        let mut walk = Walk {
            kind: crd.spec.names.kind.clone(),
            compared: 0,
            extra_in_ours: Vec::new(),
            differences: Differences::new(),
        };
        walk.compare("", schema_of(&argo), schema_of(&ours));
        println!(
            "{}: compared {} property paths; {} differences; {} properties only in ours",
            walk.kind,
            walk.compared,
            walk.differences.len(),
            walk.extra_in_ours.len()
        );
        for extra in &walk.extra_in_ours {
            println!("  only in ours: {extra}");
        }
        assert!(
            walk.compared > 100,
            "{}: suspiciously few paths compared",
            walk.kind
        );
        found.extend(walk.differences);
    }
    let documented = documented_differences();
    let undocumented: Vec<String> = found
        .iter()
        .filter(|(k, _)| !documented.contains_key(*k))
        .map(|((kind, path), what)| format!("- `{path}` ({kind}): {what}"))
        .collect();
    let stale: Vec<String> = documented
        .keys()
        .filter(|k| !found.contains_key(*k))
        .map(|(kind, path)| format!("{kind} {path}"))
        .collect();
    assert!(
        undocumented.is_empty(),
        "schema differences not listed in docs/compatibility.md:\n{}",
        undocumented.join("\n")
    );
    assert!(
        stale.is_empty(),
        "listed in docs/compatibility.md but no longer a difference:\n{}",
        stale.join("\n")
    );
}
