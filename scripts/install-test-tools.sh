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
