//! `kubectl-argo-rollouts`: the kubectl plugin binary (`kubectl argo rollouts ...`).

fn main() -> anyhow::Result<()> {
    Ok(())
}
