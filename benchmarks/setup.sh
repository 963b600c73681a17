#!/usr/bin/env bash
# Install the load generator the benchmark drives: Debian's wrk. Idempotent: does nothing when wrk is on PATH.
set -euo pipefail

if command -v wrk >/dev/null 2>&1; then
    echo "wrk already installed: $(command -v wrk)"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: wrk is missing and apt-get is not available; install wrk with your system's package manager" >&2
    exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
        echo "error: installing wrk needs root (or sudo): apt-get install -y wrk" >&2
        exit 1
    fi
    SUDO="sudo"
fi

# The package lists may be empty or stale on a new machine: refresh them only when wrk is not installable as is.
if ! apt-cache show wrk >/dev/null 2>&1; then
    $SUDO apt-get update
fi
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends wrk
echo "wrk installed: $(command -v wrk)"
