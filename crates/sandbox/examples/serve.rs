//! Runs a sandbox API server until Ctrl-C, for trying it with kubectl by hand:
//!
//! ```sh
//! cargo run -p rollouts-sandbox --example serve -- --port 6443 --kubeconfig /tmp/sandbox.kubeconfig --bundled-crds
//! kubectl --kubeconfig /tmp/sandbox.kubeconfig get namespaces
//! ```
//!
//! Options: `--port N` (0: any free port), `--kubeconfig PATH`, `--bundled-crds` (Istio, SMI, Gateway API,
//! Traefik), `--preload FILE` (any multi-document YAML, repeatable).

use std::path::PathBuf;

use rollouts_sandbox::{Sandbox, SandboxConfig};

fn usage() -> ! {
    eprintln!("usage: serve [--port N] [--kubeconfig PATH] [--bundled-crds] [--preload FILE]...");
    std::process::exit(2)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut config = SandboxConfig {
        gc_interval: Some(std::time::Duration::from_secs(5)),
        ..SandboxConfig::default()
    };
    let mut bundled = false;
    let mut preload = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => {
                config.port = args
                    .next()
                    .and_then(|p| p.parse().ok())
                    .unwrap_or_else(|| usage())
            }
            "--kubeconfig" => {
                config.kubeconfig_path = Some(PathBuf::from(args.next().unwrap_or_else(|| usage())))
            }
            "--bundled-crds" => bundled = true,
            "--preload" => preload.push(PathBuf::from(args.next().unwrap_or_else(|| usage()))),
            _ => usage(),
        }
    }
    let sb = Sandbox::start(config).await?;
    if bundled {
        sb.install_bundled_crds()?;
    }
    for path in preload {
        let yaml = std::fs::read_to_string(&path)?;
        let created = sb.apply_yaml(&path.display().to_string(), &yaml)?;
        println!("preloaded {} objects from {}", created.len(), path.display());
    }
    println!("sandbox API server at {}", sb.base_url());
    println!("kubeconfig: {}", sb.kubeconfig_path().display());
    tokio::signal::ctrl_c().await?;
    sb.shutdown().await;
    Ok(())
}
