"""Fixtures for the CLI tests: the social prescribing people and referral factory (shared with
``tests/web/prescribing``) for `rescomm referrals ...`."""

import pytest  # noqa: E402
from tests.web.prescribing.conftest import (  # noqa: F401 (fixtures, used by name)
    gp,
    link_worker,
    make_referral,
    practice,
    provider_org,
    scheme,
)


@pytest.fixture(scope="session", autouse=True)
def _audit_log_flushable_on_sqlite():
    """As in tests/web/conftest.py: transactional CLI tests (backup and restore) flush tables
    after writing audit events, which the SQLite triggers would refuse."""
    from tests.web.accounts import flush

    flush.install()
    yield
    flush.uninstall()
