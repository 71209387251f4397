"""The HTML report in headless Chromium: no network requests, and no serious axe-core issues."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest
from measure_helpers import make_data, make_spec

from rescomm.measure import MeasureWarning, build

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("RESCOMM_CHROMIUM", "/usr/bin/chromium"))
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def chromium():
    missing = [str(p) for p in (CHROMIUM, AXE) if not p.is_file()]
    if missing:
        message = (f"browser tests need {', '.join(missing)} (`apt-get install chromium`, "
                   "`npm ci`)")
        if os.environ.get("RESCOMM_SKIP_BROWSER") == "1":
            pytest.skip(message)
        pytest.fail(message + "; or set RESCOMM_SKIP_BROWSER=1 to skip", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM),
                                    args=["--headless", "--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from rescomm.data import load_imd
    from rescomm.measure._report import write_report

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MeasureWarning)
        b = build("imd2019", load_imd(2019))
        u = b.uncertainty(n=30, seed=2)
        s = b.sensitivity(n=32, seed=2, num_resamples=50)
    return write_report(b, tmp_path_factory.mktemp("report") / "imd.html", uncertainty=u,
                        sensitivity=s)


def _axe(page) -> list[dict]:
    page.evaluate(AXE.read_text(encoding="utf-8"))
    res = page.evaluate("""async () => await axe.run(document, {runOnly: {type: "tag",
        values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
        resultTypes: ["violations"]})""")
    return [{"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:3]]}
            for v in res["violations"] if v["impact"] in ("serious", "critical")]


def test_the_report_opens_offline_and_passes_axe(chromium, report):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(report.as_uri())
    assert requests == [report.as_uri()]  # nothing fetched besides the file itself
    assert page.locator("svg.map").count() == 2 and page.locator("svg.chart").count() == 1
    assert page.get_by_role("heading", name="Statistical audit").is_visible()
    assert _axe(page) == []
    context.close()


def test_the_report_of_areas_without_boundaries_passes_axe(chromium, tmp_path):
    from rescomm.measure._report import write_report

    b = build(make_spec(), make_data(50))
    path = write_report(b, tmp_path / "toy.html", uncertainty=b.uncertainty(n=10, seed=1))
    page = chromium.new_page()
    page.goto(path.as_uri())
    assert "No boundaries cover these areas" in page.content()
    assert _axe(page) == []
    page.close()
