#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs the real validators (promtool from
# Debian's `prometheus`, amtool from `prometheus-alertmanager`), the browser the runbook is
# checked in (Debian's `chromium`) and what builds jemalloc (a C compiler, make) when they
# are missing, then checks formatting and lints, and runs every test. mdBook is a
# dev-dependency: cargo builds it.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
# jemalloc, the allocator, is built from C sources: a C compiler and make.
command -v cc >/dev/null 2>&1 || missing+=(gcc libc6-dev)
command -v make >/dev/null 2>&1 || missing+=(make)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v amtool >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
promtool --version | head -n 1
amtool --version | head -n 1
chromium --version 2>/dev/null | head -n 1

cargo fmt --check
cargo clippy --all-targets -- -D warnings
# The benchmark runs once as a smoke test (the synthetic source must compile), then the tests.
cargo test --benches
cargo test --lib --bins --tests
