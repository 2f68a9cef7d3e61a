//! Pod volumes and their use by containers: `ValidateVolumes` (names, one volume type, the simple checks of
//! the common sources), `ValidateVolumeMounts` and `ValidateVolumeDevices` (Kubernetes v1.34).

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{Volume, VolumeDevice, VolumeMount};

use super::names::validate_dns1123_label;
use crate::hash::canonical_quantity;
use crate::validation::field::{FieldError, FieldPath};

/// What a container mount needs to know of a declared volume.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VolumeKind {
    /// The volume is a PersistentVolumeClaim or a generic ephemeral volume (block devices need one).
    pub is_pvc: bool,
}

const FILE_MODE_ERROR: &str = "must be a number between 0 and 0777 (octal), both inclusive";

/// The volume sources set on a volume, with the path segment Kubernetes reports for each (Go's order and
/// spelling, `downwarAPI` included).
fn sources(v: &Volume) -> Vec<&'static str> {
    [
        ("emptyDir", v.empty_dir.is_some()),
        ("hostPath", v.host_path.is_some()),
        ("gitRepo", v.git_repo.is_some()),
        ("gcePersistentDisk", v.gce_persistent_disk.is_some()),
        ("awsElasticBlockStore", v.aws_elastic_block_store.is_some()),
        ("secret", v.secret.is_some()),
        ("nfs", v.nfs.is_some()),
        ("iscsi", v.iscsi.is_some()),
        ("glusterfs", v.glusterfs.is_some()),
        ("flocker", v.flocker.is_some()),
        ("persistentVolumeClaim", v.persistent_volume_claim.is_some()),
        ("rbd", v.rbd.is_some()),
        ("cinder", v.cinder.is_some()),
        ("cephFS", v.cephfs.is_some()),
        ("quobyte", v.quobyte.is_some()),
        ("downwarAPI", v.downward_api.is_some()),
        ("fc", v.fc.is_some()),
        ("flexVolume", v.flex_volume.is_some()),
        ("configMap", v.config_map.is_some()),
        ("azureFile", v.azure_file.is_some()),
        ("vsphereVolume", v.vsphere_volume.is_some()),
        ("photonPersistentDisk", v.photon_persistent_disk.is_some()),
        ("portworxVolume", v.portworx_volume.is_some()),
        ("azureDisk", v.azure_disk.is_some()),
        ("storageos", v.storageos.is_some()),
        ("projected", v.projected.is_some()),
        ("scaleIO", v.scale_io.is_some()),
        ("csi", v.csi.is_some()),
        ("ephemeral", v.ephemeral.is_some()),
        ("image", v.image.is_some()),
    ]
    .into_iter()
    .filter_map(|(name, set)| set.then_some(name))
    .collect()
}

/// `validatePathNoBacksteps`.
fn validate_path_no_backsteps(target: &str, path: &FieldPath) -> Vec<FieldError> {
    if target.split('/').any(|part| part == "..") {
        vec![FieldError::invalid(path, target, "must not contain '..'")]
    } else {
        Vec::new()
    }
}

/// `validateLocalDescendingPath`.
fn validate_local_descending_path(target: &str, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if target.starts_with('/') {
        errs.push(FieldError::invalid(path, target, "must be a relative path"));
    }
    errs.extend(validate_path_no_backsteps(target, path));
    errs
}

fn validate_file_mode(mode: Option<i32>, path: &FieldPath) -> Vec<FieldError> {
    match mode {
        Some(m) if !(0..=0o777).contains(&m) => vec![FieldError::invalid(path, m, FILE_MODE_ERROR)],
        _ => Vec::new(),
    }
}

/// The checks of the one volume source that counts (the first set, `first`), for the common sources.
fn validate_source(v: &Volume, first: Option<&str>, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let first = first.unwrap_or_default();
    if let Some(dir) = v.empty_dir.as_ref().filter(|_| first == "emptyDir") {
        if let Some(limit) = &dir.size_limit
            && canonical_quantity(&limit.0).is_ok_and(|q| q.starts_with('-'))
        {
            errs.push(FieldError::forbidden(
                &path.children(&["emptyDir", "sizeLimit"]),
                "SizeLimit field must be a valid resource quantity",
            ));
        }
    } else if let Some(host) = v.host_path.as_ref().filter(|_| first == "hostPath") {
        let p = path.child("hostPath");
        if host.path.is_empty() {
            errs.push(FieldError::required(&p.child("path"), ""));
        } else {
            errs.extend(validate_path_no_backsteps(&host.path, &p.child("path")));
            let kind = host.type_.as_deref().unwrap_or_default();
            const TYPES: [&str; 8] = [
                "",
                "BlockDevice",
                "CharDevice",
                "Directory",
                "DirectoryOrCreate",
                "File",
                "FileOrCreate",
                "Socket",
            ];
            if !TYPES.contains(&kind) {
                errs.push(FieldError::not_supported(&p.child("type"), kind, &TYPES));
            }
        }
    } else if let Some(secret) = v.secret.as_ref().filter(|_| first == "secret") {
        let p = path.child("secret");
        if secret.secret_name.as_deref().is_none_or(str::is_empty) {
            errs.push(FieldError::required(&p.child("secretName"), ""));
        }
        errs.extend(validate_file_mode(secret.default_mode, &p.child("defaultMode")));
    } else if let Some(pvc) = v
        .persistent_volume_claim
        .as_ref()
        .filter(|_| first == "persistentVolumeClaim")
    {
        if pvc.claim_name.is_empty() {
            errs.push(FieldError::required(
                &path.children(&["persistentVolumeClaim", "claimName"]),
                "",
            ));
        }
    } else if let Some(cm) = v.config_map.as_ref().filter(|_| first == "configMap") {
        let p = path.child("configMap");
        if cm.name.is_empty() {
            errs.push(FieldError::required(&p.child("name"), ""));
        }
        errs.extend(validate_file_mode(cm.default_mode, &p.child("defaultMode")));
    }
    errs
}

/// `ValidateVolumes`: the valid volumes by name (a volume with errors is left out, so mounts of it are
/// reported as not found, as in Kubernetes) and the errors. A volume without a source is valid: Kubernetes
/// defaults it to an `emptyDir`.
pub fn validate_volumes(
    volumes: &[Volume],
    path: &FieldPath,
) -> (BTreeMap<String, VolumeKind>, Vec<FieldError>) {
    let mut valid = BTreeMap::new();
    let mut names = BTreeSet::new();
    let mut errs = Vec::new();
    for (i, v) in volumes.iter().enumerate() {
        let p = path.index(i);
        let set = sources(v);
        let mut el: Vec<FieldError> = set
            .iter()
            .skip(1)
            .map(|s| FieldError::forbidden(&p.child(s), "may not specify more than 1 volume type"))
            .collect();
        el.extend(validate_source(v, set.first().copied(), &p));
        let name_path = p.child("name");
        if v.name.is_empty() {
            el.push(FieldError::required(&name_path, ""));
        } else {
            el.extend(validate_dns1123_label(&v.name, &name_path));
        }
        if names.contains(v.name.as_str()) {
            el.push(FieldError::duplicate(&name_path, &v.name));
        }
        if el.is_empty() {
            names.insert(v.name.as_str());
            let is_pvc = v.persistent_volume_claim.is_some() || v.ephemeral.is_some();
            valid.insert(v.name.clone(), VolumeKind { is_pvc });
        } else {
            errs.extend(el);
        }
    }
    (valid, errs)
}

/// `ValidateVolumeMounts` (without `recursiveReadOnly`). Argo strips `privileged` before validating, so a
/// `Bidirectional` mount propagation is always rejected, as in Argo.
pub fn validate_volume_mounts(
    mounts: &[VolumeMount],
    devices: &[VolumeDevice],
    volumes: &BTreeMap<String, VolumeKind>,
    path: &FieldPath,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut mount_points = BTreeSet::new();
    for (i, m) in mounts.iter().enumerate() {
        let p = path.index(i);
        if m.name.is_empty() {
            errs.push(FieldError::required(&p.child("name"), ""));
        }
        if !volumes.contains_key(&m.name) {
            errs.push(FieldError::not_found(&p.child("name"), &m.name));
        }
        if m.mount_path.is_empty() {
            errs.push(FieldError::required(&p.child("mountPath"), ""));
        }
        if !mount_points.insert(m.mount_path.as_str()) {
            errs.push(FieldError::invalid(
                &p.child("mountPath"),
                &m.mount_path,
                "must be unique",
            ));
        }
        if devices.iter().any(|d| d.name == m.name) {
            errs.push(FieldError::invalid(
                &p.child("name"),
                &m.name,
                "must not already exist in volumeDevices",
            ));
        }
        if devices.iter().any(|d| d.device_path == m.mount_path) {
            errs.push(FieldError::invalid(
                &p.child("mountPath"),
                &m.mount_path,
                "must not already exist as a path in volumeDevices",
            ));
        }
        let sub_path = m.sub_path.as_deref().unwrap_or_default();
        if !sub_path.is_empty() {
            // Kubernetes reports these on the list's path, not the mount's.
            errs.extend(validate_local_descending_path(sub_path, &path.child("subPath")));
        }
        if let Some(expr) = m.sub_path_expr.as_deref().filter(|e| !e.is_empty()) {
            if !sub_path.is_empty() {
                errs.push(FieldError::invalid(
                    &p.child("subPathExpr"),
                    expr,
                    "subPathExpr and subPath are mutually exclusive",
                ));
            }
            errs.extend(validate_local_descending_path(expr, &path.child("subPathExpr")));
        }
        if let Some(propagation) = &m.mount_propagation {
            let p = path.child("mountPropagation");
            match propagation.as_str() {
                "None" | "HostToContainer" => {}
                "Bidirectional" => errs.push(FieldError::forbidden(
                    &p,
                    "Bidirectional mount propagation is available only to privileged containers",
                )),
                other => errs.push(FieldError::not_supported(
                    &p,
                    other,
                    &["Bidirectional", "HostToContainer", "None"],
                )),
            }
        }
    }
    errs
}

/// `ValidateVolumeDevices`.
pub fn validate_volume_devices(
    devices: &[VolumeDevice],
    mounts: &[VolumeMount],
    volumes: &BTreeMap<String, VolumeKind>,
    path: &FieldPath,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut paths = BTreeSet::new();
    let mut names = BTreeSet::new();
    for (i, d) in devices.iter().enumerate() {
        let p = path.index(i);
        let matched = volumes.get(&d.name);
        if d.name.is_empty() {
            errs.push(FieldError::required(&p.child("name"), ""));
        }
        if names.contains(d.name.as_str()) {
            errs.push(FieldError::invalid(&p.child("name"), &d.name, "must be unique"));
        }
        match matched {
            Some(kind) if !kind.is_pvc => errs.push(FieldError::invalid(
                &p.child("name"),
                &d.name,
                "can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode",
            )),
            Some(_) => {}
            None => errs.push(FieldError::not_found(&p.child("name"), &d.name)),
        }
        if d.device_path.is_empty() {
            errs.push(FieldError::required(&p.child("devicePath"), ""));
        }
        if paths.contains(d.device_path.as_str()) {
            errs.push(FieldError::invalid(
                &p.child("devicePath"),
                &d.device_path,
                "must be unique",
            ));
        }
        if !d.device_path.is_empty() && d.device_path.split('/').any(|s| s == "..") {
            errs.push(FieldError::invalid(
                &p.child("devicePath"),
                &d.device_path,
                "can not contain backsteps ('..')",
            ));
        } else {
            paths.insert(d.device_path.as_str());
        }
        if mounts.iter().any(|m| m.name == d.name) {
            errs.push(FieldError::invalid(
                &p.child("name"),
                &d.name,
                "must not already exist in volumeMounts",
            ));
        }
        if mounts.iter().any(|m| m.mount_path == d.device_path) {
            errs.push(FieldError::invalid(
                &p.child("devicePath"),
                &d.device_path,
                "must not already exist as a path in volumeMounts",
            ));
        }
        if !d.name.is_empty() {
            names.insert(d.name.as_str());
        }
    }
    errs
}
