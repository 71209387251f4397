#!/usr/bin/env bash
# Make sure Debian's Chromium is available for the Playwright browser tests.
# Playwright cannot download its own browser here; the tests use /usr/bin/chromium
# (or $RESCOMM_CHROMIUM). If another program holds the package lock (an unattended upgrade, a
# second apt-get), wait for it up to $RESCOMM_APT_LOCK_WAIT seconds (default 300); if Chromium
# still cannot be installed, say how to run the tests without the browser.
set -euo pipefail
CHROMIUM="${RESCOMM_CHROMIUM:-/usr/bin/chromium}"
LOCK_WAIT="${RESCOMM_APT_LOCK_WAIT:-300}"
if [ "${RESCOMM_SKIP_BROWSER:-}" = "1" ]; then
  echo "RESCOMM_SKIP_BROWSER=1: the browser tests will be skipped"; exit 0
fi
if [ -x "$CHROMIUM" ]; then exit 0; fi

cannot_install() {
  echo "rescomm: could not install chromium for the browser tests ($1)." >&2
  echo "  Install it yourself: sudo apt-get update && sudo apt-get install -y chromium" >&2
  echo "  or run the tests without the browser: RESCOMM_SKIP_BROWSER=1 make test" >&2
  exit 1
}

if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  cannot_install "not root and no sudo"
fi
echo "Installing Debian's chromium for the browser tests (waiting up to ${LOCK_WAIT} s if" \
     "another program holds the package lock)..."
APT=(apt-get -o "DPkg::Lock::Timeout=${LOCK_WAIT}")
$SUDO "${APT[@]}" update -qq \
  || cannot_install "apt-get update failed; another program may hold the package lock"
DEBIAN_FRONTEND=noninteractive $SUDO "${APT[@]}" install -y -qq chromium >/dev/null \
  || cannot_install "apt-get install failed; another program may hold the package lock"
[ -x "$CHROMIUM" ] || cannot_install "it is not at $CHROMIUM after apt-get install"
