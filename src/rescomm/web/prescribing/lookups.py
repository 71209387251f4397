"""Per-process caches of the reference look-ups a new referral needs: the scheme for a local
authority and the IMD decile of an LSOA.

Both change only when an administrator edits organisations or reference data is reloaded, yet
each referral asked the database for them (2 of the 11 queries of ``POST /api/referrals``).
Each cache entry is kept for at most :data:`TTL_SECONDS` after it is stored. The scheme cache
is cleared at once when an :class:`~rescomm.web.accounts.models.Organisation` is saved or
deleted in this process (signals connected in :meth:`.apps.PrescribingConfig.ready`). Another
process (a second gunicorn worker, the command line, a bulk ``update()``) cannot clear this
one's cache, so such a change reaches it within :data:`TTL_SECONDS` at most. Deciles are
published reference data that change only when the data bundle is reloaded: no signal (one
would make the reload's bulk delete fetch every row), just the same time limit.

Storage and expiry are :class:`cachetools.TTLCache` (decision 21); this module adds the lock
and the clearing rule.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable

from cachetools import TTLCache

#: Longest time (seconds) a cached answer is used before the database is asked again.
TTL_SECONDS = 60.0


class TtlCache:
    """Answers kept for ``ttl`` seconds of ``clock``, shared by the threads of a process.

    A :class:`cachetools.TTLCache` of at most ``maxsize`` answers (when full, the least
    recently used is dropped), used under a lock since cachetools' caches are not thread-safe.
    The database is asked outside the lock, so a slow query holds up no other thread.
    :meth:`clear` forgets every answer, and an answer that was being computed while it ran is
    returned to its caller but not stored: it may have been read before the change.
    """

    def __init__(self, ttl: float = TTL_SECONDS, *, maxsize: int = 1_024,
                 clock: Callable[[], float] = time.monotonic):
        self._data: TTLCache = TTLCache(maxsize=maxsize, ttl=ttl, timer=clock)
        self._lock = threading.Lock()
        self._generation = 0

    def get_or_compute(self, key: Hashable, compute: Callable[[], object]):
        """The stored answer for ``key`` if it is younger than the TTL, else ``compute()``
        (stored unless :meth:`clear` ran meanwhile). ``None`` is an answer like any other."""
        with self._lock:
            try:
                return self._data[key]
            except KeyError:  # never stored, expired or dropped
                generation = self._generation
        value = compute()
        with self._lock:
            if generation == self._generation:
                self._data[key] = value
        return value

    def clear(self) -> None:
        """Forget every answer, including any being computed now."""
        with self._lock:
            self._data.clear()
            self._generation += 1


#: One entry per (local authority, demo) pair: a few hundred at most.
schemes = TtlCache(maxsize=1_024)
#: One entry per LSOA asked about; England has 33,755 LSOAs (2021), so none is ever dropped.
deciles = TtlCache(maxsize=40_000)


def scheme_id_for(lad_code: str, *, demo: bool) -> int | None:
    """Primary key of the social prescribing scheme for a local authority (lowest id if
    several; demo schemes only for demo referrers), or ``None``."""
    from rescomm.web.accounts.public import Organisation, OrganisationKind

    return schemes.get_or_compute((lad_code, demo), lambda: (
        Organisation.objects.filter(
            kind=OrganisationKind.SOCIAL_PRESCRIBING_SCHEME, lad_code=lad_code, is_demo=demo
        ).order_by("pk").values_list("pk", flat=True).first()
    ))


def imd_decile(lsoa21_code: str) -> int | None:
    """IMD decile (1 = most deprived tenth of England's LSOAs) of ``lsoa21_code`` in the
    loaded edition (``areas.models.IMD_EDITION``), or ``None`` if not loaded."""
    from rescomm.web.areas.public import imd_decile as loaded_decile

    return deciles.get_or_compute(lsoa21_code, lambda: loaded_decile(lsoa21_code))


def clear_schemes(**_kwargs) -> None:
    schemes.clear()


def clear_all() -> None:
    """Forget every cached answer (tests; after a failed insert that may have used one)."""
    schemes.clear()
    deciles.clear()


def connect_signals() -> None:
    """Clear the scheme cache when an organisation changes in this process."""
    from django.db.models.signals import post_delete, post_save

    from rescomm.web.accounts.public import Organisation

    post_save.connect(clear_schemes, sender=Organisation, dispatch_uid="rx-scheme-cache-save")
    post_delete.connect(clear_schemes, sender=Organisation, dispatch_uid="rx-scheme-cache-del")
