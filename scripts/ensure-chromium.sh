#!/usr/bin/env bash
# Make sure Debian's Chromium is available for the Playwright browser tests.
# Playwright cannot download its own browser here; the tests use /usr/bin/chromium.
set -euo pipefail
if [ -n "${RESCOMM_SKIP_BROWSER:-}" ]; then
  echo "RESCOMM_SKIP_BROWSER is set: browser tests will be skipped"; exit 0
fi
if command -v chromium >/dev/null 2>&1; then exit 0; fi
echo "Installing Debian's chromium for the browser tests..."
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
command -v chromium >/dev/null
