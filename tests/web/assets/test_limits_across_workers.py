"""The per-address limits hold across server processes: ``rescomm serve --workers 3`` on the
embedded default (a SQLite file), 20 suggestions and 20 problem reports fired at once from one
address; exactly the documented 5 of each are accepted. (With a count kept in each process's
memory, 14 of 20 suggestions were accepted.)"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import pytest

from rescomm.web.accounts.throttle import REPORTS_PER_HOUR, SUGGESTIONS_PER_HOUR

from .conftest import record
from .test_suggestions import NEW

RESCOMM = [sys.executable, "-m", "rescomm"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(port: int, method: str, path: str, body: str = "",
            headers: dict | None = None) -> tuple[int, dict, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body or None, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A migrated SQLite file database with one published asset, served by three gunicorn
    workers; yields the port and the asset page's path."""
    home = tmp_path_factory.mktemp("served")
    env = {**os.environ, "RESCOMM_HOME": str(home), "PYTHONPATH": os.pathsep.join(sys.path),
           "DJANGO_SETTINGS_MODULE": "rescomm.web.settings.dev"}
    env.pop("DATABASE_URL", None)
    subprocess.run([*RESCOMM, "migrate"], env=env, check=True, capture_output=True)
    asset = subprocess.run([sys.executable, "-c", ADD_ASSET, json.dumps(record("t:walks"))],
                           env=env, check=True, capture_output=True, text=True).stdout.strip()
    port = free_port()
    log = (home / "serve.log").open("w")
    server = subprocess.Popen([*RESCOMM, "serve", "--port", str(port), "--workers", "3"],
                              env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(600):
            try:
                if request(port, "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None:
                break
            time.sleep(0.1)
        else:
            pytest.fail("rescomm serve did not answer /healthz")
        assert server.poll() is None, Path(log.name).read_text()
        workers = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True,
                                 text=True).stdout.split()
        assert len(workers) == 3, "expected three worker processes"
        yield port, f"/assets/{asset}/"
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


ADD_ASSET = """
import json, sys
import django
django.setup()
from rescomm.web.assets.importer import import_assets
from rescomm.web.assets.models import Service
import_assets([json.loads(sys.argv[1])], source="tests")
print(Service.objects.get().id)
"""




def form_session(port: int, path: str) -> dict[str, str]:
    """GET the form once; the CSRF cookie and token every POST then sends."""
    status, headers, html = request(port, "GET", path)
    assert status == 200, html[:500]
    cookie = re.search(r"csrftoken=([^;]+)", headers["Set-Cookie"]).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    return {"Cookie": f"csrftoken={cookie}", "X-CSRFToken": token}


def post_twenty_at_once(port: int, path: str, fields: dict, headers: dict) -> list[int]:
    body = urlencode(fields, doseq=True)
    headers = {**headers, "Content-Type": "application/x-www-form-urlencoded"}
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = pool.map(lambda _: request(port, "POST", path, body, headers), range(20))
        return sorted(status for status, _, _ in results)


def test_twenty_suggestions_from_one_address_across_three_workers_accept_exactly_five(served):
    port, _ = served
    headers = form_session(port, "/assets/suggest/")
    statuses = post_twenty_at_once(port, "/assets/suggest/", NEW, headers)
    assert statuses == [302] * SUGGESTIONS_PER_HOUR + [429] * (20 - SUGGESTIONS_PER_HOUR)


def test_twenty_reports_from_one_address_across_three_workers_accept_exactly_five(served):
    port, asset = served
    headers = form_session(port, asset)
    statuses = post_twenty_at_once(port, asset + "report/",
                                   {"kind": "other", "details": "The hall has moved."}, headers)
    assert statuses == [302] * REPORTS_PER_HOUR + [429] * (20 - REPORTS_PER_HOUR)
