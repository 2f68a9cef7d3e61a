//! The generated CRDs: their metadata matches Argo's, and the checked-in files under `manifests/crds/`
//! are exactly what the types generate.

use rollouts_api::crd::crd_files;

const REGENERATE: &str = "UPDATE_CRDS=1 cargo nextest run -p rollouts-api crd";

#[test]
fn crd_files_match_the_types() {
    let dir = rollouts_testkit::workspace_root().join("manifests").join("crds");
    let files = crd_files().expect("CRDs serialize to YAML");
    if std::env::var_os("UPDATE_CRDS").is_some() {
        std::fs::create_dir_all(&dir).expect("create manifests/crds");
        for (name, yaml) in &files {
            std::fs::write(dir.join(name), yaml).expect("write CRD");
        }
    }
    for (name, yaml) in &files {
        let path = dir.join(name);
        println!("{name}: {} bytes", yaml.len());
        let on_disk = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e}; regenerate with: {REGENERATE}", path.display()));
        assert!(
            on_disk == *yaml,
            "{} differs from the CRD generated from the types; regenerate with: {REGENERATE}",
            path.display()
        );
    }
}

/// Reads one of Argo's CRDs from the reference data as JSON.
fn argo_crd(file: &str) -> serde_json::Value {
    let path = rollouts_testkit::argo_dir().join("crds").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn crd_metadata_matches_argo() {
    for (file, crd) in rollouts_api::CRD_FILES.iter().zip(rollouts_api::crds()) {
        let argo = argo_crd(file);
        let ours = serde_json::to_value(&crd).expect("json");
        assert_eq!(ours["metadata"]["name"], argo["metadata"]["name"], "{file}: name");
        assert_eq!(ours["spec"]["group"], argo["spec"]["group"], "{file}: group");
        assert_eq!(
            ours["spec"]["names"], argo["spec"]["names"],
            "{file}: names (kind, plural, shortNames, ...)"
        );
        assert_eq!(ours["spec"]["scope"], argo["spec"]["scope"], "{file}: scope");
        let (ours_v, argo_v) = (&ours["spec"]["versions"][0], &argo["spec"]["versions"][0]);
        for key in [
            "name",
            "served",
            "storage",
            "subresources",
            "additionalPrinterColumns",
        ] {
            assert_eq!(ours_v[key], argo_v[key], "{file}: versions[0].{key}");
        }
        assert_eq!(
            ours["spec"]["versions"].as_array().map(Vec::len),
            Some(1),
            "{file}: one version"
        );
        let schema = &ours_v["schema"]["openAPIV3Schema"];
        assert_eq!(
            schema["required"], argo_v["schema"]["openAPIV3Schema"]["required"],
            "{file}: root required"
        );
    }
}

#[test]
fn rollout_selector_is_immutable_like_argo() {
    let crd = serde_json::to_value(&rollouts_api::crds()[0]).expect("json");
    let argo = argo_crd("rollout-crd.yaml");
    let path = "/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/selector/x-kubernetes-validations";
    assert_eq!(crd.pointer(path), argo.pointer(path));
    assert!(crd.pointer(path).is_some());
}

#[test]
fn crds_carry_no_derived_defaults_or_nullable() {
    for crd in rollouts_api::crds() {
        let yaml = serde_yaml_ng::to_string(&crd).expect("yaml");
        assert!(!yaml.contains("nullable:"), "{}: nullable", crd.spec.names.kind);
        assert!(
            !yaml.contains("x-rollouts-default"),
            "{}: marker left",
            crd.spec.names.kind
        );
        let defaults = yaml.matches(" default:").count();
        let expected = if crd.spec.names.kind.contains("Analysis") {
            3
        } else {
            0
        };
        assert_eq!(
            defaults, expected,
            "{}: only Argo's Datadog defaults",
            crd.spec.names.kind
        );
    }
}
