#!/usr/bin/env bash
# The project's one test command (README, .ci/run): installs what the tests need, then runs
# cargo fmt --check, clippy with warnings denied, and every test of every tier with cargo nextest.
# A missing tool is an error, never a silent skip.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# Argo's reference data is read from ../shared at run time, never copied into the repository.
export ROLLOUTS_SHARED_DIR="${ROLLOUTS_SHARED_DIR:-$(cd "$root/.." && pwd)/shared}"
[ -d "$ROLLOUTS_SHARED_DIR/reference/argo-rollouts" ] || {
  echo "error: reference data not found at $ROLLOUTS_SHARED_DIR (set ROLLOUTS_SHARED_DIR)" >&2
  exit 1
}

source "$root/scripts/install-test-tools.sh"

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== layering: rollouts-core must not depend on a Kubernetes client or an async runtime"
if cargo tree -p rollouts-core -e normal --prefix none | grep -E '^(kube-client|kube-runtime|tokio|hyper) ' ; then
  echo "error: rollouts-core depends on a client or runtime crate" >&2
  exit 1
fi

echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== cargo nextest"
cargo nextest run --workspace --locked --no-fail-fast

echo "== doc tests"
cargo test --workspace --doc --locked
