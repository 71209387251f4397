"""The self-contained HTML report: offline, escaped, honest about map coverage."""

from __future__ import annotations

import warnings
from html.parser import HTMLParser

import pytest
from measure_helpers import make_data, make_spec

from rescomm.measure import IndexDataError, MeasureWarning, build
from rescomm.measure._report import render_report, write_report


@pytest.fixture(scope="module")
def cm_imd():
    from rescomm.data import load_imd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MeasureWarning)
        b = build("imd2019", load_imd(2019))
    return b, b.uncertainty(n=40, seed=1)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.style = ""
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.style += data


def _no_external_resources(html: str) -> _Tags:
    parsed = _Tags()
    parsed.feed(html)
    names = {t for t, _ in parsed.tags}
    assert not names & {"script", "link", "img", "iframe", "object", "embed"}, names
    assert not [a for _, a in parsed.tags if "src" in a]
    hrefs = [a["href"] for t, a in parsed.tags if t == "a"]
    assert hrefs and all(h.startswith(("#", "data:")) for h in hrefs), hrefs
    assert "url(" not in parsed.style and "@import" not in parsed.style
    return parsed


def test_the_report_is_one_offline_file_with_map_intervals_audit_and_references(
        cm_imd, tmp_path):
    b, u = cm_imd
    path = write_report(b, tmp_path / "r.html", uncertainty=u)
    html = path.read_text(encoding="utf-8")
    assert list(tmp_path.iterdir()) == [path]
    _no_external_resources(html)
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in html
    assert "The map shows 1,562 of the 1,562 areas" in html
    assert html.count('data-area="E01') == 2 * 1562  # deciles and P(worst decile) maps
    assert "Rank of every area with its 90% Monte Carlo interval" in html
    assert "40 Monte Carlo replications (seed 1)" in html
    for table in ("Indicators as entered", "Groups: Cronbach", "Pipeline steps as run"):
        assert table in html
    assert "McLennan D. et al. (2019) The English Indices of Deprivation 2019" in html
    assert "doi:10.1111/j.1467-985X.2005.00350.x" in html
    assert "index_rank_p05" in html  # the CSV download carries the interval columns


def test_without_uncertainty_the_report_says_so_and_shows_plain_ranks(cm_imd):
    b, _ = cm_imd
    html = render_report(b)
    assert "No uncertainty analysis was run" in html
    assert "Probability of being in the worst decile" not in html


def test_every_text_from_the_spec_and_data_is_escaped():
    spec = make_spec(name="<script>alert('x')</script> & co",
                     description="<img src=x onerror=alert(1)>",
                     references=["<a href='https://evil'>ref</a>"])
    spec["indicators"][0]["name"] = "<b>bold</b>"
    data = make_data(30)
    data.loc[0, "code"] = "X<i>0"
    b = build(spec, data)
    html = render_report(b, uncertainty=b.uncertainty(n=5, seed=1), boundaries=None)
    for raw in ("<script>", "<img", "<b>bold", "<a href='https://evil'", "X<i>0"):
        assert raw not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; co" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    _no_external_resources(html)


def test_the_report_says_plainly_when_no_boundaries_cover_the_areas():
    b = build(make_spec(), make_data(30))
    html = render_report(b)
    assert "No boundaries cover these areas: none of the 30 area codes (e.g. X0000)" in html
    assert "<path" not in html.split('id="ranks"')[0]
    assert "No map: no boundaries were given" in render_report(b, boundaries=None)


def test_a_partly_covered_set_of_areas_is_mapped_and_the_rest_counted():
    from rescomm.data import load_imd

    real = load_imd(2019)["lsoa11_code"].head(20).tolist()
    data = make_data(40)
    data["code"] = real + [f"X{i:04d}" for i in range(20)]
    html = render_report(build(make_spec(), data))
    assert "The map shows 20 of the 40 areas" in html
    assert "the other 20 areas are outside these boundaries" in html
    assert html.count('data-area="E01') == 20


def test_a_report_into_a_missing_folder_or_from_a_missing_boundaries_file_writes_nothing(
        tmp_path):
    b = build(make_spec(), make_data(30))
    with pytest.raises(IndexDataError, match="report: folder .* does not exist"):
        write_report(b, tmp_path / "nope" / "r.html")
    with pytest.raises(IndexDataError, match="report: cannot read boundaries"):
        write_report(b, tmp_path / "r.html", boundaries=tmp_path / "missing.geojson")
    assert list(tmp_path.iterdir()) == []
