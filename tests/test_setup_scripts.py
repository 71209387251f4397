"""`scripts/ensure-chromium.sh` (run by `make test`): waits for the package lock, and when
Chromium still cannot be installed says how to run the tests without the browser; and
RESCOMM_SKIP_BROWSER=1 really skips every browser test."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "ensure-chromium.sh"


def _fake_apt(tmp_path: Path, exit_code: int) -> Path:
    """An ``apt-get`` that records its arguments and exits with ``exit_code``."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "apt-get"
    fake.write_text(f'#!/bin/sh\necho "$@" >> "{tmp_path}/apt.log"\nexit {exit_code}\n')
    fake.chmod(0o755)
    sudo = bin_dir / "sudo"  # as root the script calls apt-get itself; otherwise through sudo
    sudo.write_text('#!/bin/sh\nexec "$@"\n')
    sudo.chmod(0o755)
    return bin_dir


def _run(tmp_path: Path, bin_dir: Path, **env: str) -> subprocess.CompletedProcess:
    environ = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}",
               "RESCOMM_CHROMIUM": str(tmp_path / "no-chromium"), **env}
    environ.pop("RESCOMM_SKIP_BROWSER", None)
    environ.update(env)
    return subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True, env=environ,
                          check=False)


def test_apt_waits_for_the_package_lock_and_a_failure_says_how_to_skip_the_browser(tmp_path):
    proc = _run(tmp_path, _fake_apt(tmp_path, 100), RESCOMM_APT_LOCK_WAIT="7")
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        "rescomm: could not install chromium for the browser tests (apt-get update failed; "
        "another program may hold the package lock).",
        "  Install it yourself: sudo apt-get update && sudo apt-get install -y chromium",
        "  or run the tests without the browser: RESCOMM_SKIP_BROWSER=1 make test",
    ]
    assert (tmp_path / "apt.log").read_text().splitlines() == [
        "-o DPkg::Lock::Timeout=7 update -qq"]


def test_the_script_installs_nothing_when_the_browser_is_skipped(tmp_path):
    proc = _run(tmp_path, _fake_apt(tmp_path, 100), RESCOMM_SKIP_BROWSER="1")
    assert proc.returncode == 0
    assert proc.stdout.strip() == "RESCOMM_SKIP_BROWSER=1: the browser tests will be skipped"
    assert not (tmp_path / "apt.log").exists()


def test_skip_browser_skips_every_browser_test_even_with_chromium_installed():
    env = {**os.environ, "RESCOMM_SKIP_BROWSER": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "browser", "-rs",
         "tests/web/test_report_browser.py", "tests/web/accounts/test_browser.py"],
        capture_output=True, text=True, env=env, cwd=REPO, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r"^\d+ skipped in ", proc.stdout, re.M), proc.stdout  # nothing else ran
    assert "passed" not in proc.stdout and "failed" not in proc.stdout
    assert "browser test skipped: RESCOMM_SKIP_BROWSER=1" in proc.stdout
