"""Published numbers never lie to protect privacy (style rule 17b): "fewer than 5" only for a
true 1-4, a count hidden to protect another says so and never gives a range, rounded counts
say they are rounded, and a page gives the number of referrals once. Tested at each level:
the published counts, the report builders, the pages and the CSV."""

from __future__ import annotations

import csv
import html
import io
import itertools
import re

import pytest

from rescomm.web.prescribing import disclosure
from rescomm.web.prescribing.dashboard import dashboard_tables
from rescomm.web.prescribing.disclosure import Count
from rescomm.web.prescribing.models import Referral

SMALL, PROTECTED = "fewer than 5", "hidden to protect privacy"
CELL = re.compile(r'<th scope="row">([^<]*)</th><td class="numeric" '
                  r'data-disclosure="(\w+)">([^<]*)</td>')


def cells(page: str, table: str) -> dict[str, tuple[str, str]]:
    """``{row label: (status, text)}`` of one ``data-table`` on a page."""
    start = page.index(f'data-table="{table}"')
    return {label: (status, text)
            for label, status, text in CELL.findall(page[start:page.index("</table>", start)])}


@pytest.mark.parametrize(("count", "text"), [
    (Count(7), "7"), (Count(1234), "1,234"), (Count(None, "primary"), SMALL),
    (Count(None, "secondary"), PROTECTED), (Count(10, "rounded"), "10")])
def test_a_published_count_says_what_it_is(count, text):
    assert str(count) == text


def test_a_hidden_count_cannot_carry_a_value_nor_a_shown_one_lack_it():
    with pytest.raises(ValueError, match="a secondary count must not have a value"):
        Count(7, "secondary")
    with pytest.raises(ValueError, match="a shown count must have a value"):
        Count(None)


@pytest.mark.parametrize(("n", "value", "status"), [
    (0, 0, "shown"), (1, None, "primary"), (4, None, "primary"), (5, 5, "rounded"),
    (7, 5, "rounded"), (8, 10, "rounded"), (12, 10, "rounded"), (13, 15, "rounded")])
def test_rounding_to_5_keeps_1_to_4_as_fewer_than_5(n, value, status):
    got = disclosure.rounded(n)
    assert (got.value, got.status) == (value, status)


@pytest.mark.parametrize("counts", list(itertools.product([0, 1, 3, 4, 5, 7, 12], repeat=3)))
def test_fewer_than_5_is_only_ever_a_true_1_to_4(counts):
    table = disclosure.one_way(["a", "b", "c"], list(counts))
    published = [*(c for _, c in table["rows"]), table["total"]]
    for true, shown in zip([*counts, sum(counts)], published, strict=True):
        if str(shown) == SMALL:
            assert 1 <= true <= 4
        if shown.status == "secondary":
            assert str(shown) == PROTECTED
        if not shown.hidden:
            assert shown.value == true
    for status, sentence in disclosure.NOTES.items():
        assert (sentence in table["note"]) == any(c.status == status for c in published)


def test_the_notes_explain_every_kind_of_hidden_count():
    note = disclosure.note([Count(None, "primary"), Count(None, "secondary"), Count(3)])
    assert '"fewer than 5" is a count from 1 to 4' in note
    assert '"hidden to protect privacy" is a count hidden so that' in note
    assert "it can be any size" in note and "rounded" not in note


# Report builders -------------------------------------------------------------------------------


def _seven_gps_three_nurses(make_referral, other_gp):
    for _ in range(7):
        make_referral()
    for _ in range(3):
        make_referral(referrer=other_gp)


def test_a_true_7_hidden_to_protect_a_3_is_never_called_fewer_than_5(make_referral, other_gp):
    _seven_gps_three_nurses(make_referral, other_gp)
    tables = dashboard_tables(Referral.objects.all())
    by_profession = dict(tables["by_profession"]["rows"])
    assert (by_profession["GP"].status, str(by_profession["GP"])) == ("secondary", PROTECTED)
    assert str(by_profession["Practice nurse"]) == SMALL
    assert str(tables["referrals"]) == "10"
    assert "secondary suppression" in tables["by_profession"]["note"]


def test_self_referrals_are_counted_so_every_table_adds_up_to_the_same_referrals(
        make_referral, link_worker, scheme):
    from tests.web.prescribing.conftest import valid_payload

    from rescomm.web.prescribing import services

    for _ in range(6):
        make_referral()
    clean = services.validate_referral(valid_payload(nhs_number=""), self_referral=True)
    for _ in range(5):
        services.create_self_referral(link_worker, link_worker, scheme, clean)
    tables = dashboard_tables(Referral.objects.all())
    assert str(dict(tables["by_profession"]["rows"])["Self-referral"]) == "5"
    assert str(tables["referrals"]) == "11"


# Pages and CSV ----------------------------------------------------------------------------------


def test_the_dashboard_gives_the_number_of_referrals_once_and_labels_hidden_counts_truly(
        client, commissioner, make_referral, other_gp, link_worker):
    from rescomm.web.prescribing import services

    _seven_gps_three_nurses(make_referral, other_gp)
    for referral in Referral.objects.all()[:9]:
        services.accept(link_worker, referral.pk, referral.version)
    client.force_login(commissioner)
    page = client.get("/prescribing/dashboard/").content.decode()
    assert cells(page, "by-profession")["GP"] == ("secondary", PROTECTED)
    assert cells(page, "by-profession")["Practice nurse"] == ("primary", SMALL)
    # one total per thing: all referrals once; the tables of everyone have no total row, the
    # funnel starts after the referral, and 9 accepted (rounded 10) is said to be rounded
    main = page[page.index("<main"):]
    assert main.count("All referrals") == 1
    assert re.search(r'<dt>All referrals</dt><dd data-disclosure="shown">10</dd>', main)
    for table in ("by-profession", "by-quintile", "by-status", "over-time"):
        start = main.index(f'data-table="{table}"')
        assert "<tfoot>" not in main[start:main.index("</table>", start)]
    assert "Referred" not in main and "Total" not in main
    funnel = main[main.index("data-funnel"):main.index("</table>", main.index("data-funnel"))]
    assert "rounded to the nearest 5" in funnel
    assert '<th scope="row">Accepted</th><td class="numeric" data-disclosure="rounded">10</td>' \
        in funnel
    # every "fewer than 5" in a table is a primary count
    assert main.count(f">{SMALL}<") == main.count(f'data-disclosure="primary">{SMALL}<')
    assert f'"{PROTECTED}" is a count hidden so that' in html.unescape(main)  # beside it


def test_the_chart_says_the_same_as_its_table(client, commissioner, make_referral):
    import datetime as dt

    from django.utils import timezone

    old = make_referral()
    Referral.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=62))
    for _ in range(7):
        make_referral()
    client.force_login(commissioner)
    page = client.get("/prescribing/dashboard/").content.decode()
    chart = page[page.index('data-chart="referrals-over-time"'):page.index("</svg>")]
    table = cells(page, "over-time")
    assert [text for _, text in table.values()] == [SMALL, PROTECTED]
    assert f">{SMALL}<" in chart and f">{PROTECTED}<" in chart


def test_the_csv_publishes_what_the_page_does_with_a_note_on_each_hidden_count(
        client, commissioner, make_referral, other_gp):
    _seven_gps_three_nurses(make_referral, other_gp)
    client.force_login(commissioner)
    rows = list(csv.reader(io.StringIO(client.get("/prescribing/dashboard.csv")
                                       .content.decode())))
    assert rows[0] == ["table", "category", "referrals", "note"]
    by_category = {(r[0], r[1]): r[2:] for r in rows[1:]}
    profession = "Referrals by referrer's profession"
    assert by_category[(profession, "GP")][0] == PROTECTED
    assert "secondary suppression" in by_category[(profession, "GP")][1]
    assert by_category[(profession, "Practice nurse")] == [SMALL,
                                                           "a count from 1 to 4, hidden"]
    assert [r for r in rows if r[1] == "All referrals"] == [
        ["Referrals", "All referrals", "10", ""]]
    assert not [r for r in rows if r[1] in ("Total", "Referred")]
    page = client.get("/prescribing/dashboard/").content.decode()
    assert {label: text for label, (_, text) in cells(page, "by-profession").items()} == {
        r[1]: r[2] for r in rows if r[0] == profession}


def test_the_capacity_page_labels_a_protecting_count_as_hidden(client, commissioner,
                                                               make_referral):
    for _ in range(6):
        make_referral(needs=["loneliness", "low_mood"])
    make_referral(needs=["low_mood", "finance"])
    client.force_login(commissioner)
    page = client.get("/prescribing/capacity/areas/").content.decode()
    demand = page[page.index("data-demand"):page.index("</table>", page.index("data-demand"))]
    demand = re.sub(r' data-label="[^"]*"', "", demand)  # each cell also names its column
    assert demand.count('data-disclosure="secondary">hidden to protect privacy<') == 1
    assert demand.count(f">{SMALL}<") == demand.count(f'data-disclosure="primary">{SMALL}<') == 1
    assert f'"{PROTECTED}" is a count hidden so that' in html.unescape(page)
