"""Social prescribing at scale: pages and API against a real server (gunicorn + PostgreSQL).

``.venv/bin/python benchmarks/load_referrals.py [--referrals 1000000] [--api-requests 4000]``

Self-contained and loopback only:

1. creates a fresh PostgreSQL database ``rescomm_bench_<pid>`` (or ``--database``; ``--pg``
   server, default ``postgres://postgres@127.0.0.1:5432``) and runs ``rescomm migrate`` against
   it;
2. creates SYNTHETIC demo organisations and accounts (``--schemes`` schemes spread over the
   Cheshire & Merseyside local authorities, 5 link workers each, 100 practices, 200
   referrers, a commissioner; all ``is_demo`` and named "(synthetic)"), then bulk-loads
   ``--referrals`` SYNTHETIC referrals with ``COPY`` (``is_synthetic`` true; invented names,
   NHS numbers from the 999 test range, real live C&M postcodes with their LSOA 2021 and IMD
   2025 decile) received over 5 years, with their events (received, accepted, closed or
   declined, SNOMED-coded where the pathway codes them) and paired SWEMWBS outcomes for a
   fifth of the closed ones; status follows age (older than 120 days: closed or declined);
3. starts ``rescomm serve`` on 127.0.0.1 and waits for ``/healthz``;
4. times the commissioner dashboard's first request (the report computed from the data); after
   a warm-up, empties the report cache, runs the scheduled job ``rescomm referrals
   refresh-reports`` (timed) and times the dashboard's first 10 requests after it; then
   measures, with ``--page-clients`` concurrent clients, p50/p95/p99 of ``/healthz`` (the
   baseline: same server and load, a database round trip), the first link worker's caseload
   page and the commissioner dashboard (signed-in sessions; its report reused for 5 minutes;
   target p95 < 300 ms each), and the dashboard and the caseload again, each through the
   whole of one run of the refresh job in the background (at least ``--page-requests``,
   and on until the job ends);
5. runs ``--api-clients`` concurrent clients (one bearer token and referrer each) creating
   ``--api-requests`` referrals through ``POST /api/referrals`` with unique idempotency keys
   (target >= 200 per second), then re-sends ``--retry-fraction`` of them (same key, same
   body) concurrently, and checks in the database that no referral was lost (every 201 id is
   stored) or duplicated (one row per key; replays return the same id);
6. stops the server and drops the database (also on an error; ``--keep`` keeps it).

``--database NAME --reuse`` measures again on a database an earlier run kept (steps 3-5 only,
with new sessions and tokens and this run's own idempotency keys; the database is kept).

The server, client and table code is shared with ``load_oruk_api.py`` (``_loadlib.py``).

This is a benchmark, not a test: it reports figures and checks answers, never asserts speed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import subprocess
import sys
import time
import uuid
from contextlib import nullcontext

import numpy as np
from _loadlib import (
    RESCOMM,
    Request,
    migrate,
    p95,
    print_table,
    report,
    rescomm_server,
    run_clients,
    scratch_database,
    server_env,
)

NEEDS = np.array(["loneliness", "low_mood", "long_term_condition", "finance", "housing",
                  "employment", "physical_activity", "carer_support", "bereavement", "other"])
PROFESSIONS = ["gp", "practice_nurse", "pharmacist", "social_worker", "housing_officer",
               "other"]
GIVEN = ["Alba", "Brindle", "Corvina", "Dacey", "Elowen", "Fenwick", "Galatea", "Hollis",
         "Ione", "Jory", "Kestrel", "Linnet"]
YEARS = 5


def test_nhs_numbers(count: int) -> list[str]:
    from rescomm.web.prescribing.demo import demo_nhs_numbers

    return demo_nhs_numbers(count)


def session_for(user) -> str:
    """A new signed-in session of ``user``; its key (the ``sessionid`` cookie). Someone whose
    role needs two-factor sign-in gets an authenticator app and a session that has passed it,
    as after a real sign-in, so each page view pays for the check as in production."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from rescomm.web.accounts import two_factor

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if two_factor.required_for(user):
        device = two_factor.app_device(user) or TOTPDevice.objects.create(
            user=user, name=two_factor.APP_DEVICE_NAME, confirmed=True)
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store.create()
    return store.session_key


def find_people() -> dict:
    """The synthetic organisations and accounts an earlier run left (``--keep``), with new
    sessions and tokens, as :func:`create_people` returns them."""
    from rescomm.web.accounts.models import Organisation, User
    from rescomm.web.accounts.tokens import create_token

    schemes = list(Organisation.objects.filter(name__startswith="Bench scheme ").order_by("pk"))
    referrers = list(User.objects.filter(username__startswith="bench-referrer-").order_by("pk"))
    if not schemes or not referrers:
        raise SystemExit("--reuse: this database has no benchmark data (run once with --keep)")
    worker = User.objects.get(username=f"bench-lw-{schemes[0].pk}-0")
    return {
        "schemes": schemes, "referrers": referrers,
        "worker_session": session_for(worker),
        "commissioner_session": session_for(User.objects.get(username="bench-commissioner")),
        "tokens": [create_token(r, "benchmark") for r in referrers],
    }


def count_loaded() -> dict:
    """What the database holds (``--reuse``), as :func:`bulk_referrals` counts it."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT (SELECT count(*) FROM prescribing_referral), "
                       "(SELECT count(*) FROM prescribing_referralevent), "
                       "(SELECT count(*) FROM prescribing_outcomemeasure), "
                       "(SELECT count(*) FROM prescribing_referral "
                       " WHERE status NOT IN ('closed', 'declined'))")
        referrals, events, outcomes, open_ = cursor.fetchone()
    return {"referrals": referrals, "events": events, "outcomes": outcomes, "open": open_,
            "seconds": None}


def create_people(schemes: int) -> dict:
    """Synthetic organisations and demo accounts; sessions and tokens for the load."""
    from rescomm.data import load_imd
    from rescomm.web.accounts.models import Membership, Organisation, User
    from rescomm.web.accounts.roles import OrganisationKind, Role
    from rescomm.web.accounts.tokens import create_token

    lads = sorted(load_imd(2025)["lad_code"].unique())

    def org(name, kind, lad=""):
        return Organisation.objects.create(name=f"{name} (synthetic)", kind=kind, lad_code=lad,
                                           is_demo=True)

    def user(username, organisation, role, profession=""):
        u = User.objects.create(username=username, display_name=username, is_demo=True)
        Membership.objects.create(user=u, organisation=organisation, role=role,
                                  profession=profession)
        return u

    scheme_orgs = [org(f"Bench scheme {i}", OrganisationKind.SOCIAL_PRESCRIBING_SCHEME,
                       lads[i % len(lads)]) for i in range(schemes)]
    practices = [org(f"Bench practice {i}", OrganisationKind.GP_PRACTICE) for i in range(100)]
    referrers = [user(f"bench-referrer-{i}", practices[i % 100], Role.REFERRER,
                      PROFESSIONS[i % len(PROFESSIONS)]) for i in range(200)]
    workers = {s.pk: [user(f"bench-lw-{s.pk}-{k}", s, Role.LINK_WORKER) for k in range(5)]
               for s in scheme_orgs}
    icb = org("Bench ICB", OrganisationKind.ICB)
    commissioner = user("bench-commissioner", icb, Role.COMMISSIONER)
    return {
        "schemes": scheme_orgs, "practices": practices, "referrers": referrers,
        "workers": workers,
        "worker_session": session_for(workers[scheme_orgs[0].pk][0]),
        "commissioner_session": session_for(commissioner),
        "tokens": [create_token(r, "benchmark") for r in referrers],
    }


def _copy(cursor, table: str, columns: list[str], lines: io.StringIO) -> None:
    lines.seek(0)
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        while chunk := lines.read(1 << 20):
            copy.write(chunk)


def bulk_referrals(people: dict, n: int, rng: np.random.Generator) -> dict:
    """COPY ``n`` synthetic referrals, their events and outcomes; returns counts."""
    from django.db import connection

    from rescomm import stats
    from rescomm.data import load_imd, load_postcodes
    from rescomm.data.codes import event_code

    received, declined = event_code("received"), event_code("declined_by_person")
    pcs = load_postcodes().query("terminated.isna() and lsoa21_code.notna()")
    deciles = load_imd(2025).set_index("lsoa21_code")["imd_decile"]
    pcs = pcs[pcs["lsoa21_code"].isin(deciles.index)]
    schemes = people["schemes"]
    by_lad: dict[str, list] = {}
    for s in schemes:
        by_lad.setdefault(s.lad_code, []).append(s)
    pcs = pcs[pcs["lad_code"].isin(by_lad)].reset_index(drop=True)
    pick = rng.integers(0, len(pcs), n)
    pc_codes = pcs["postcode"].to_numpy(dtype=object)[pick]
    pc_lsoa = pcs["lsoa21_code"].to_numpy(dtype=object)[pick]
    pc_lad = pcs["lad_code"].to_numpy(dtype=object)[pick]
    decile_of = {k: str(int(v)) for k, v in deciles.items()}
    now = dt.datetime.now(dt.UTC)
    age_days = rng.uniform(0, 365 * YEARS, n)
    created = [now - dt.timedelta(days=float(a)) for a in age_days]
    referrer_idx = rng.integers(0, len(people["referrers"]), n)
    nhs = test_nhs_numbers(100_000)
    need_count = rng.integers(1, 4, n)
    open_order = ["received", "accepted", "assigned", "contacting", "first_conversation",
                  "planned", "connected", "follow_up"]
    open_bounds = [2, 5, 10, 20, 35, 60, 90, 120]
    ref_lines, ev_lines, out_lines = io.StringIO(), io.StringIO(), io.StringIO()
    counts = {"referrals": 0, "events": 0, "outcomes": 0, "open": 0}
    metric = {raw: float(stats.swemwbs_metric(raw)) for raw in range(7, 36)}
    t0 = time.perf_counter()
    for i in range(n):
        pc, lsoa, lad = pc_codes[i], pc_lsoa[i], pc_lad[i]
        options = by_lad[lad]
        scheme = options[i % len(options)]
        referrer = people["referrers"][referrer_idx[i]]
        profession = PROFESSIONS[referrer_idx[i] % len(PROFESSIONS)]
        practice = people["practices"][referrer_idx[i] % 100]
        at = created[i]
        age = age_days[i]
        if age > 120:
            status = "declined" if rng.random() < 0.3 else "closed"
        else:
            status = open_order[int(np.searchsorted(open_bounds, age))]
        worker = people["workers"][scheme.pk][i % 5]
        assigned = worker.pk if status not in ("received", "accepted", "declined") else None
        next_due = "" if status in ("closed", "declined") else \
            (at + dt.timedelta(days=int(age) + int(rng.integers(-10, 20)))).date().isoformat()
        needs = json.dumps(sorted(set(rng.choice(NEEDS, need_count[i]).tolist())))
        rid = uuid.UUID(bytes=rng.bytes(16), version=4)
        close_reason = "completed" if status == "closed" else ""
        decline_reason = "person_declined" if status == "declined" else ""
        ref_lines.write("\t".join([
            str(rid), "t", GIVEN[i % len(GIVEN)], "Synthetic-Example",
            f"{1930 + i % 75}-{1 + i % 12:02d}-{1 + i % 28:02d}", nhs[i % len(nhs)], pc, lsoa,
            decile_of[lsoa], "", "", "phone", "", needs, "", "f", "f", "t",
            str(referrer.pk), at.isoformat(), str(referrer.pk), profession, str(practice.pk),
            str(scheme.pk), "", "", status, str(assigned) if assigned else "\\N",
            decline_reason, close_reason, next_due or "\\N", at.isoformat(), at.isoformat(),
            "1", "\\N"]) + "\n")
        ev_lines.write(f"{rid}\t\treceived\trefer\t{at.isoformat()}\t{referrer.pk}\t\t"
                       f"{received.concept_id}\t{received.term}\t{received.version}\n")
        counts["events"] += 1
        if status != "received" and status != "declined":
            t = (at + dt.timedelta(days=1)).isoformat()
            ev_lines.write(f"{rid}\treceived\taccepted\taccept\t{t}\t{worker.pk}\t\t\t\t\n")
            counts["events"] += 1
        if status in ("closed", "declined"):
            t = (at + dt.timedelta(days=90 if status == "closed" else 2)).isoformat()
            code = declined if status == "declined" else None
            verb = "close" if status == "closed" else "decline"
            coded = (code.concept_id, code.term, code.version) if code else ("", "", "")
            ev_lines.write(f"{rid}\tfollow_up\t{status}\t{verb}\t{t}\t{worker.pk}\t\t"
                           + "\t".join(coded) + "\n")
            counts["events"] += 1
        else:
            counts["open"] += 1
        if status == "closed" and rng.random() < 0.2:
            for timepoint, shift in (("baseline", 0), ("follow_up", 2)):
                items = np.clip(rng.integers(1, 5, 7) + (shift if timepoint == "follow_up"
                                                         and rng.random() < 0.5 else 0), 1, 5)
                raw = int(items.sum())
                out_lines.write(f"{rid}\tswemwbs\t{timepoint}\t{json.dumps(items.tolist())}\t"
                                f"{raw}\t{metric[raw]}\t{worker.pk}\t{at.isoformat()}\n")
                counts["outcomes"] += 1
        counts["referrals"] += 1
        if (i + 1) % 100_000 == 0:
            print(f"  generated {i + 1:,} / {n:,} ({time.perf_counter() - t0:.0f} s)",
                  flush=True)
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor
        _copy(cursor, "prescribing_referral", [
            "id", "is_synthetic", "given_name", "family_name", "date_of_birth", "nhs_number",
            "postcode", "lsoa21_code", "imd_decile", "phone", "email", "contact_preference",
            "interpreter_language", "needs", "notes", "risk_flag", "safeguarding_concern",
            "consent_to_share", "consent_recorded_by_id", "consent_recorded_at", "referrer_id",
            "referrer_profession", "referrer_organisation_id", "scheme_id", "idempotency_key",
            "request_hash", "status", "assigned_to_id", "decline_reason", "close_reason",
            "next_due", "created_at", "updated_at", "version", "anonymised_at"], ref_lines)
        print(f"  copied referrals ({time.perf_counter() - t0:.0f} s)", flush=True)
        _copy(cursor, "prescribing_referralevent", [
            "referral_id", "from_status", "to_status", "action", "at", "by_id", "note",
            "snomed_code", "snomed_term", "code_list_version"], ev_lines)
        print(f"  copied events ({time.perf_counter() - t0:.0f} s)", flush=True)
        _copy(cursor, "prescribing_outcomemeasure", [
            "referral_id", "instrument", "timepoint", "items", "raw_total", "score",
            "recorded_by_id", "recorded_at"], out_lines)
        cursor.execute("ANALYZE")
    counts["seconds"] = time.perf_counter() - t0
    return counts


def clear_report_cache(url: str) -> None:
    """Empty the shared report cache (the ``reports`` database cache table)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DELETE FROM rescomm_report_cache")


def refresh_job(url: str) -> float:
    """Run the scheduled job ``rescomm referrals refresh-reports`` once; seconds, wall."""
    started = time.perf_counter()
    job = job_process(url)
    if job.wait():
        raise subprocess.CalledProcessError(job.returncode, job.args)
    return time.perf_counter() - started


def job_process(url: str) -> subprocess.Popen:
    """Start the scheduled job ``rescomm referrals refresh-reports`` in the background."""
    return subprocess.Popen([*RESCOMM, "referrals", "refresh-reports"], env=server_env(url),
                            stdout=subprocess.DEVNULL)


def run_pages(port: int, path: str, cookie: str, clients: int, requests: int,
              during: subprocess.Popen | None = None) -> dict:
    """GET ``path`` ``requests`` times from ``clients`` threads with a session cookie; with
    ``during`` (a process), at least that many and on until the process has ended (waited
    for)."""
    headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
    result = run_clients(port, [Request("GET", path, headers=headers)] * requests,
                         clients=clients, timeout=120, while_running=during)
    if during is not None:
        during.wait()
    return result


def api_body(postcodes: np.ndarray, nhs: list[str], i: int) -> bytes:
    return json.dumps({
        "nhs_number": nhs[i % len(nhs)], "given_name": GIVEN[i % len(GIVEN)],
        "family_name": "Synthetic-Example", "date_of_birth": f"{1940 + i % 60}-03-1{i % 9}",
        "postcode": str(postcodes[i % len(postcodes)]), "needs": ["loneliness"],
        "consent_to_share": True, "notes": "benchmark (synthetic)"}).encode()


def run_api(port: int, tokens: list[str], bodies: list[bytes], keys: list[str],
            clients: int) -> dict:
    """POST each body with its key; client ``c`` uses ``tokens[c]`` for requests c, c+k, ...

    The result also has ``"ids"``: the referral id of each request answered 201, else None.
    """
    ids: list[str | None] = [None] * len(bodies)
    requests = [Request("POST", "/api/referrals", body=body, headers={
        "Authorization": f"Bearer {tokens[(i % clients) % len(tokens)]}",
        "Content-Type": "application/json", "Idempotency-Key": keys[i]})
        for i, body in enumerate(bodies)]

    def keep_id(i: int, status: int, payload: bytes) -> None:
        if status == 201:
            ids[i] = json.loads(payload)["id"]

    res = run_clients(port, requests, clients=clients, strided=True, timeout=120,
                      on_response=keep_id)
    return {**res, "ids": ids}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--referrals", type=int, default=1_000_000)
    parser.add_argument("--schemes", type=int, default=40)
    parser.add_argument("--page-clients", type=int, default=4)
    parser.add_argument("--page-requests", type=int, default=100)
    parser.add_argument("--api-clients", type=int, default=50)
    parser.add_argument("--api-requests", type=int, default=4_000)
    parser.add_argument("--retry-fraction", type=float, default=0.1)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432",
                        help="PostgreSQL server (no database name); loopback expected")
    parser.add_argument("--database", default=None,
                        help="name of the scratch database to create on that server and drop "
                             "afterwards (it must not exist); default rescomm_bench_<pid>")
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    parser.add_argument("--reuse", action="store_true",
                        help="Measure again on the database --database that an earlier run "
                             "kept (--keep): no migrate, no bulk load; it is kept afterwards")
    args = parser.parse_args()
    if args.reuse and not args.database:
        parser.error("--reuse needs --database NAME (a database kept with --keep)")
    run = uuid.uuid4().hex[:8]  # idempotency keys of this run: bench-<run>-<i>
    rng = np.random.default_rng(20261126)
    load0 = os.getloadavg()[0]
    database = (nullcontext(f"{args.pg}/{args.database}") if args.reuse
                else scratch_database(args.pg, args.database, keep=args.keep))
    with database as url:
        if not args.reuse:
            migrate(url)
        from rescomm.cli.web import configure_django

        configure_django(url)
        from django.db import connection, connections

        if args.reuse:
            people = find_people()
            counts = count_loaded()
        else:
            people = create_people(args.schemes)
            print(f"database {url.rsplit('/', 1)[1]}: loading {args.referrals:,} SYNTHETIC "
                  "referrals", flush=True)
            counts = bulk_referrals(people, args.referrals, rng)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM prescribing_referral WHERE scheme_id = %s AND "
                           "status NOT IN ('closed', 'declined')", [people["schemes"][0].pk])
            caseload_size = cursor.fetchone()[0]
        connections.close_all()

        with rescomm_server(url, port=args.port, workers=args.workers):
            pages = {"caseload": ("/prescribing/caseload/", people["worker_session"]),
                     "dashboard": ("/prescribing/dashboard/", people["commissioner_session"])}
            # The dashboard's first request in a worker computes the report (then cached 5 min):
            # time it alone, before anything else has touched the data (a reused database may
            # hold the reports of the earlier run: empty the cache first).
            clear_report_cache(url)
            cold = run_pages(args.port, *pages["dashboard"], 1, 1)
            for path, cookie in pages.values():  # warm up (imports, templates, connections)
                run_pages(args.port, path, cookie, args.page_clients, args.page_clients * 2)
            # What production does instead: the scheduled job computes the reports ahead, so
            # the first requests after it (in any worker) find them stored.
            clear_report_cache(url)
            job_seconds = refresh_job(url)
            after_job = run_pages(args.port, *pages["dashboard"], 1, 10)
            load_start = os.getloadavg()[0]
            base = run_pages(args.port, "/healthz", "", args.page_clients, args.page_requests)
            measured = {k: run_pages(args.port, path, cookie, args.page_clients,
                                     args.page_requests) for k, (path, cookie) in pages.items()}
            # The job runs every few minutes while people use the pages: measure each page
            # through the whole of one run of the job.
            during_job = run_pages(args.port, *pages["dashboard"], args.page_clients,
                                   args.page_requests, during=job_process(url))
            caseload_during_job = run_pages(args.port, *pages["caseload"], args.page_clients,
                                            args.page_requests, during=job_process(url))

            from rescomm.data import load_postcodes

            live = load_postcodes().query("terminated.isna() and lsoa21_code.notna()")
            lads = {s.lad_code for s in people["schemes"]}
            postcodes = live[live["lad_code"].isin(lads)]["postcode"].to_numpy(dtype=object)
            postcodes = rng.choice(postcodes, 500)
            nhs = test_nhs_numbers(1000)
            bodies = [api_body(postcodes, nhs, i) for i in range(args.api_requests)]
            keys = [f"bench-{run}-{i}" for i in range(args.api_requests)]
            tokens = people["tokens"][: args.api_clients]
            api_base = run_pages(args.port, "/healthz", "", args.api_clients, args.api_requests)
            api = run_api(args.port, tokens, bodies, keys, args.api_clients)
            retry_n = int(len(bodies) * args.retry_fraction)
            retry_idx = rng.choice(len(bodies), retry_n, replace=False)
            # Request i was sent with token i % clients: replay it with the same token, key, body
            # (each replay on its own client, so client j uses token j).
            retried = run_api(args.port, [tokens[i % args.api_clients] for i in retry_idx],
                              [bodies[i] for i in retry_idx], [keys[i] for i in retry_idx],
                              retry_n)
            same = sum(1 for j, i in enumerate(retry_idx) if retried["ids"][j] == api["ids"][i])
            load_end = os.getloadavg()[0]

        connection.connect()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*), count(DISTINCT (referrer_id, idempotency_key)) "
                           "FROM prescribing_referral WHERE idempotency_key LIKE %s",
                           [f"bench-{run}-%"])
            stored, distinct = cursor.fetchone()
            created_ids = [i for i in api["ids"] if i]
            cursor.execute("SELECT count(*) FROM prescribing_referral WHERE id = ANY(%s::uuid[])",
                           [created_ids])
            found = cursor.fetchone()[0]
        connections.close_all()

    print(f"\nSocial prescribing benchmark ({os.cpu_count()} CPUs, Python "
          f"{sys.version.split()[0]}; load average {load0:.1f} before, {load_start:.1f} at "
          f"start of load, {load_end:.1f} at end; clients run on the same machine as the "
          "server and PostgreSQL)")
    loaded = ("reused from an earlier run" if counts["seconds"] is None
              else f"bulk-loaded in {counts['seconds']:.0f} s")
    print(f"{counts['referrals']:,} SYNTHETIC referrals, {counts['events']:,} events, "
          f"{counts['outcomes']:,} outcome measures {loaded}; "
          f"{len(people['schemes'])} schemes; {counts['open']:,} open referrals, "
          f"{caseload_size:,} on the "
          f"measured link worker's caseload; gunicorn {args.workers} workers x 4 threads")
    print_table([report(f"/healthz (baseline, {args.page_clients} clients)", base),
                 report("link worker caseload page", measured["caseload"]),
                 report("commissioner dashboard, first request (computed)", cold),
                 report("commissioner dashboard, first 10 requests after the refresh job",
                        after_job),
                 report("commissioner dashboard (report cached)", measured["dashboard"]),
                 report("commissioner dashboard while the refresh job runs", during_job),
                 report("link worker caseload page while the refresh job runs",
                        caseload_during_job),
                 report(f"/healthz (baseline, {args.api_clients} clients)", api_base),
                 report(f"POST /api/referrals ({args.api_clients} clients)", api),
                 report(f"POST /api/referrals replays ({retry_n})", retried)])
    for k in ("caseload", "dashboard"):
        ms = p95(measured[k])
        print(f"{k}: p95 {ms:.0f} ms (target < 300 ms: {'met' if ms < 300 else 'NOT met'}); "
              f"{ms / p95(base):.1f}x the healthz p95")
    print(f"refresh job (`rescomm referrals refresh-reports`, both audiences, every period): "
          f"{job_seconds:.1f} s alone; each page below was measured through a whole run of it "
          f"({len(during_job['lat'])} and {len(caseload_during_job['lat'])} requests in "
          f"{during_job['wall']:.1f} s and {caseload_during_job['wall']:.1f} s)")
    for name, result in (("dashboard", during_job), ("caseload", caseload_during_job)):
        ms = p95(result)
        print(f"{name} while the job runs: p95 {ms:.0f} ms (target < 300 ms: "
              f"{'met' if ms < 300 else 'NOT met'})")
    rate = len(api["lat"]) / api["wall"]
    print(f"API: {rate:.0f} referrals/s (target >= 200/s: {'met' if rate >= 200 else 'NOT met'})"
          f"; {rate / (len(api_base['lat']) / api_base['wall']):.2f}x the healthz rate")
    created = sum(1 for i in api["ids"] if i)
    print(f"integrity: {created:,} created (201), {found:,} of them stored (lost: "
          f"{created - found}); {stored:,} rows for {distinct:,} distinct keys (duplicated: "
          f"{stored - distinct}); replays returning the same id: {same}/{retry_n}")


if __name__ == "__main__":
    main()
