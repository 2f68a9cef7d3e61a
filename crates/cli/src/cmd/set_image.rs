//! `set image ROLLOUT CONTAINER=IMAGE`: Argo's `set image` (`cmd/set/set_image.go`). The Rollout (or the
//! Deployment of its `spec.workloadRef`) is read as an untyped object, the image of every matching
//! container, init container and ephemeral container (`*` matches all) is replaced, and the object is
//! written back with an update (retried on conflict, five attempts in all, as Argo).

use std::io::Write;

use anyhow::{anyhow, bail};
use clap::Args;
use k8s_openapi::api::apps::v1::Deployment;
use kube::Api;
use kube::api::{ApiResource, DynamicObject, PostParams};
use rollouts_api::Rollout;
use serde_json::Value;

use super::kube_opts::Invocation;

const MAX_ATTEMPTS: usize = 5;

/// Arguments of `set image`.
#[derive(Debug, Clone, Args)]
pub struct SetImageArgs {
    /// Name of the rollout
    #[arg(value_name = "ROLLOUT_NAME")]
    pub name: String,
    /// The container and its new image
    #[arg(value_name = "CONTAINER=IMAGE")]
    pub container_image: String,
}

/// Sets `image` on the containers named `container` (or all, for `*`) of `obj.spec.template.spec`.
pub fn set_image(obj: &mut Value, container: &str, image: &str) -> anyhow::Result<()> {
    let mut found = false;
    if let Some(pod) = obj.pointer_mut("/spec/template/spec") {
        for field in ["initContainers", "containers", "ephemeralContainers"] {
            let Some(list) = pod.get_mut(field).and_then(Value::as_array_mut) else {
                continue;
            };
            for ctr in list {
                let name = ctr.get("name").and_then(Value::as_str).unwrap_or_default();
                if (name == container || container == "*")
                    && let Some(map) = ctr.as_object_mut()
                {
                    map.insert("image".into(), Value::String(image.into()));
                    found = true;
                }
            }
        }
    }
    if !found {
        bail!("unable to find container named \"{container}\"");
    }
    Ok(())
}

/// Reads, edits and updates `name` through `api`, retrying on conflict.
async fn update_image(
    api: &Api<DynamicObject>,
    name: &str,
    container: &str,
    image: &str,
) -> anyhow::Result<DynamicObject> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let mut obj = api.get(name).await?;
        set_image(&mut obj.data, container, image)?;
        match api.replace(name, &PostParams::default(), &obj).await {
            Err(kube::Error::Api(s)) if s.is_conflict() && attempt < MAX_ATTEMPTS => continue,
            other => return Ok(other?),
        }
    }
}

/// Runs `set image`.
pub async fn run(inv: &Invocation, args: &SetImageArgs, out: &mut impl Write) -> anyhow::Result<()> {
    let parts: Vec<&str> = args.container_image.split('=').collect();
    let [container, image] = parts[..] else {
        bail!("expected CONTAINER=IMAGE, got {:?}", args.container_image);
    };
    let ro_api: Api<DynamicObject> = Api::namespaced_with(
        inv.client.clone(),
        &inv.namespace,
        &ApiResource::erase::<Rollout>(&()),
    );
    let ro = ro_api.get(&args.name).await?;
    let updated = match ro.data.pointer("/spec/workloadRef") {
        Some(workload_ref) => {
            let deploy = workload_ref
                .get("name")
                .and_then(Value::as_str)
                .ok_or_else(|| anyhow!("spec.workloadRef.name is not a string: {}", workload_ref["name"]))?;
            let api: Api<DynamicObject> = Api::namespaced_with(
                inv.client.clone(),
                &inv.namespace,
                &ApiResource::erase::<Deployment>(&()),
            );
            update_image(&api, deploy, container, image).await?
        }
        None => update_image(&ro_api, &args.name, container, image).await?,
    };
    let kind = updated
        .types
        .as_ref()
        .map(|t| t.kind.to_lowercase())
        .unwrap_or_default();
    writeln!(
        out,
        "{kind} \"{}\" image updated",
        updated.metadata.name.unwrap_or_default()
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sets_matching_containers_of_every_kind() {
        let mut ro = json!({"spec": {"template": {"spec": {
            "initContainers": [{"name": "a", "image": "x"}],
            "containers": [{"name": "a", "image": "x"}, {"name": "b", "image": "x"}],
        }}}});
        set_image(&mut ro, "a", "y").unwrap();
        assert_eq!(
            ro.pointer("/spec/template/spec/initContainers/0/image"),
            Some(&json!("y"))
        );
        assert_eq!(
            ro.pointer("/spec/template/spec/containers/0/image"),
            Some(&json!("y"))
        );
        assert_eq!(
            ro.pointer("/spec/template/spec/containers/1/image"),
            Some(&json!("x"))
        );
        set_image(&mut ro, "*", "z").unwrap();
        assert_eq!(
            ro.pointer("/spec/template/spec/containers/1/image"),
            Some(&json!("z"))
        );
        let err = set_image(&mut ro, "c", "y").unwrap_err();
        assert_eq!(err.to_string(), "unable to find container named \"c\"");
    }
}
