"""Per-process caches of the reference look-ups a new referral needs: the scheme for a local
authority and the IMD decile of an LSOA.

Both change only when an administrator edits organisations or reference data is reloaded, yet
each referral asked the database for them (2 of the 11 queries of ``POST /api/referrals``).
Each cache entry is kept for at most :data:`TTL_SECONDS`. The scheme cache is cleared at once
when an :class:`~rescomm.web.accounts.models.Organisation` is saved or deleted in this process
(signals connected in :meth:`.apps.PrescribingConfig.ready`). Another process (a second gunicorn
worker, the command line, a bulk ``update()``) cannot clear this one's cache, so such a change
reaches it within :data:`TTL_SECONDS` at most. Deciles are published reference data that change
only when the data bundle is reloaded: no signal (one would make the reload's bulk delete fetch
every row), just the same time limit.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

#: Longest time (seconds) a cached answer is used before the database is asked again.
TTL_SECONDS = 60.0
_MISSING = object()


class TtlCache:
    """A thread-safe dict of answers, each kept for ``ttl`` seconds (monotonic clock)."""

    def __init__(self, ttl: float = TTL_SECONDS, clock: Callable[[], float] = time.monotonic):
        self.ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._data: dict = {}
        self._generation = 0

    def get_or_compute(self, key, compute: Callable[[], object]):
        now = self._clock()
        with self._lock:
            found = self._data.get(key, _MISSING)
            generation = self._generation
        if found is not _MISSING and found[0] > now:
            return found[1]
        value = compute()
        with self._lock:
            # A clear() while computing means the answer may be old: use it, do not keep it.
            if generation == self._generation:
                self._data[key] = (now + self.ttl, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._generation += 1


schemes = TtlCache()
deciles = TtlCache()


def scheme_id_for(lad_code: str, *, demo: bool) -> int | None:
    """Primary key of the social prescribing scheme for a local authority (lowest id if
    several; demo schemes only for demo referrers), or ``None``."""
    from rescomm.web.accounts.models import Organisation
    from rescomm.web.accounts.roles import OrganisationKind

    return schemes.get_or_compute((lad_code, demo), lambda: (
        Organisation.objects.filter(
            kind=OrganisationKind.SOCIAL_PRESCRIBING_SCHEME, lad_code=lad_code, is_demo=demo
        ).order_by("pk").values_list("pk", flat=True).first()
    ))


def imd_decile(lsoa21_code: str) -> int | None:
    """IMD decile (1 = most deprived tenth of England's LSOAs) of ``lsoa21_code`` in the
    loaded edition (``areas.models.IMD_EDITION``), or ``None`` if not loaded."""
    from rescomm.web.areas.models import IMD_EDITION, Deprivation

    return deciles.get_or_compute(lsoa21_code, lambda: (
        Deprivation.objects.filter(lsoa_id=lsoa21_code, edition=IMD_EDITION, domain="imd")
        .values_list("decile", flat=True).first()
    ))


def clear_schemes(**_kwargs) -> None:
    schemes.clear()


def clear_all() -> None:
    """Forget every cached answer (tests; after a failed insert that may have used one)."""
    schemes.clear()
    deciles.clear()


def connect_signals() -> None:
    """Clear the scheme cache when an organisation changes in this process."""
    from django.db.models.signals import post_delete, post_save

    from rescomm.web.accounts.models import Organisation

    post_save.connect(clear_schemes, sender=Organisation, dispatch_uid="rx-scheme-cache-save")
    post_delete.connect(clear_schemes, sender=Organisation, dispatch_uid="rx-scheme-cache-del")
