"""Fixtures for the CLI tests: the social prescribing people and referral factory (shared with
``tests/web/prescribing``) for `rescomm referrals ...`."""

from tests.web.prescribing.conftest import (  # noqa: F401 (fixtures, used by name)
    gp,
    link_worker,
    make_referral,
    practice,
    provider_org,
    scheme,
)
