"""One ``POST /api/referrals`` in process: Python time and SQL statements per request.

``python benchmarks/bench_referral_request.py [--requests 300]``. Migrates an in-memory SQLite
database, loads the Liverpool reference data (``load_demo``), creates a scheme, a GP referrer
and an API token, then times ``--requests`` new referrals (unique ``Idempotency-Key``) through
Django's test client: the whole request (middleware, token check, validation, postcode ->
LSOA -> IMD decile, scheme, three inserts, response), without HTTP or a server. The baseline,
measured in the same run, is ``GET /healthz`` (one database round trip) through the same
client. It also lists the SQL statements of one warm request. SQLite in memory, so database
time is small: this isolates the Python cost; the served figure is ``load_referrals.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
LIVERPOOL = "E08000012"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "rescomm.web.settings.test"
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    from rescomm.web.accounts.models import Membership, Organisation, User
    from rescomm.web.accounts.roles import OrganisationKind, Profession, Role
    from rescomm.web.accounts.tokens import create_token
    from rescomm.web.areas.services import load_demo

    load_demo(lads=[LIVERPOOL])
    Organisation.objects.create(name="Bench scheme (synthetic)", lad_code=LIVERPOOL,
                                kind=OrganisationKind.SOCIAL_PRESCRIBING_SCHEME)
    practice = Organisation.objects.create(name="Bench practice (synthetic)",
                                           kind=OrganisationKind.GP_PRACTICE)
    gp = User.objects.create(username="bench-gp", display_name="bench gp")
    Membership.objects.create(user=gp, organisation=practice, role=Role.REFERRER,
                              profession=Profession.GP)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {create_token(gp, 'bench')}"}
    body = json.dumps({
        "nhs_number": "999 000 0026", "given_name": "Bench", "family_name": "Synthetic-Example",
        "date_of_birth": "1950-05-17", "postcode": "L1 8JQ", "needs": ["loneliness"],
        "consent_to_share": True,
    })
    client = Client()

    def refer(key: str):
        response = client.post("/api/referrals", data=body, content_type="application/json",
                               HTTP_IDEMPOTENCY_KEY=key, **auth)
        assert response.status_code == 201, response.content
        return response

    def timed(fn, n: int) -> list[float]:
        out = []
        for i in range(n):
            t = time.perf_counter()
            fn(i)
            out.append((time.perf_counter() - t) * 1000)
        return out

    for i in range(20):
        refer(f"warm-{i}")
        client.get("/healthz")
    statements: list[str] = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        refer("listed")
    healthz = timed(lambda i: client.get("/healthz"), args.requests)
    post = timed(lambda i: refer(f"k-{i}"), args.requests)
    p50, h50 = statistics.median(post), statistics.median(healthz)
    print(f"POST /api/referrals in process (SQLite in memory), {args.requests} requests")
    print(f"{'request':<40}{'p50 ms':>10}{'mean ms':>10}")
    print(f"{'GET /healthz (baseline)':<40}{h50:>10.2f}{statistics.fmean(healthz):>10.2f}")
    print(f"{'POST /api/referrals':<40}{p50:>10.2f}{statistics.fmean(post):>10.2f}")
    print(f"ratio: {p50 / h50:.1f}x the healthz p50")
    print(f"SQL statements in one warm request: {len(statements)}")
    for sql in statements:
        print("  ", sql[:110])
    return 0


if __name__ == "__main__":
    sys.exit(main())
