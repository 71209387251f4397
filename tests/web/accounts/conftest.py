"""Accounts test fixtures."""

from __future__ import annotations

import pytest

from . import flush


@pytest.fixture(scope="session", autouse=True)
def _audit_log_flushable_on_sqlite():
    """Transactional tests here may write audit events; see ``flush.py``."""
    flush.install()
    yield
    flush.uninstall()
