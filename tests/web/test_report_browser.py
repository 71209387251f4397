"""The index engine's HTML report in headless Chromium: no network requests, no serious
axe-core issues. It lives with the web tests to share their session browser and ``run_axe``
(a second Playwright instance cannot start while theirs runs); the report itself is core
(``rescomm.measure._report``) and needs no server.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from rescomm.measure import MeasureWarning, build

pytestmark = pytest.mark.browser

TOY_SPEC = {"spec_version": 1, "id": "toy", "name": "Toy <index> & co",
            "polarity": "higher_is_better", "area": {"code": "code"},
            "groups": [{"id": "people", "weight": 0.5}, {"id": "place", "weight": 0.5}],
            "indicators": [{"id": k, "column": k, "parent": p, "weight": 0.5}
                           for k, p in (("a", "people"), ("b", "people"), ("c", "place"),
                                        ("d", "place"))]}


def _toy_data(n: int = 50) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    return pd.DataFrame({"code": [f"X{i:04d}" for i in range(n)],
                         **{k: rng.normal(size=n) for k in "abcd"}})


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


def test_the_report_opens_offline_and_passes_axe(browser, run_axe, report):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(report.as_uri())
    assert requests == [report.as_uri()]  # nothing fetched besides the file itself
    assert page.locator("svg.map").count() == 2 and page.locator("svg.chart").count() == 1
    assert page.get_by_role("heading", name="Statistical audit").is_visible()
    assert run_axe(page) == []
    context.close()


def test_the_report_of_areas_without_boundaries_passes_axe(browser, run_axe, tmp_path):
    from rescomm.measure._report import write_report

    b = build(TOY_SPEC, _toy_data())
    path = write_report(b, tmp_path / "toy.html", uncertainty=b.uncertainty(n=10, seed=1))
    page = browser.new_page()
    page.goto(path.as_uri())
    assert "No boundaries cover these areas" in page.content()
    assert run_axe(page) == []
    page.close()
