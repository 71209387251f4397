"""Charts: accessible SVG with the same numbers as a table, small counts hidden in aggregates,
per-person outcome change only for the people's own link workers and managers."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from rescomm.web.accounts.roles import Role
from rescomm.web.prescribing import services
from rescomm.web.prescribing.charts import Pair, bar_chart, dumbbell_chart, verdict
from rescomm.web.prescribing.dashboard import dashboard_tables
from rescomm.web.prescribing.models import Referral
from rescomm.web.prescribing.trends import caseload_flow, referrals_per_period, verdict_counts

from .conftest import make_user
from .test_pathway import walk_to

LOW, HIGH = [2, 2, 2, 2, 2, 2, 2], [3, 4, 3, 3, 4, 3, 4]  # raw 14 -> 15.32, raw 24 -> 21.54


def with_pair(make_referral, link_worker, provider_org, before, after, **changes):
    referral = walk_to(make_referral(**changes), link_worker, provider_org, "first_conversation")
    services.record_outcome(link_worker, referral.pk, referral.version, instrument="swemwbs",
                            timepoint="baseline", items=before)
    referral = Referral.objects.get(pk=referral.pk)
    services.record_outcome(link_worker, referral.pk, referral.version, instrument="swemwbs",
                            timepoint="follow_up", items=after)
    return Referral.objects.get(pk=referral.pk)


@pytest.mark.parametrize(("change", "expected"), [
    (2.87, "improved"), (2.86, "no_reliable_change"), (0, "no_reliable_change"),
    (-2.86, "no_reliable_change"), (-2.87, "deteriorated")])
def test_verdict_uses_the_reliable_change_threshold_inclusively(change, expected):
    assert verdict(change, 2.87) == expected


def test_a_bar_chart_is_labelled_proportional_and_escapes_text():
    svg = bar_chart(["<b>A</b>", "B", "C"], [10, 5, None], title="T & U", desc="D",
                    ident="x")
    assert 'role="img"' in svg and 'aria-labelledby="x-title x-desc"' in svg
    assert "<title id=\"x-title\">T &amp; U</title>" in svg
    assert "&lt;b&gt;A&lt;/b&gt;" in svg and "<b>" not in svg
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([0-9.]+)"', svg)]
    assert widths[0] == pytest.approx(2 * widths[1])
    assert "hidden" in svg  # the hidden count is labelled, not drawn
    svg = bar_chart(["A", "B"], [None, None], hidden_labels=["fewer than 5", "hidden to "
                                                              "protect privacy"],
                    title="T", desc="D", ident="y")
    assert ">fewer than 5<" in svg and ">hidden to protect privacy<" in svg


def test_a_dumbbell_chart_draws_one_row_per_person_with_a_band():
    svg = dumbbell_chart([Pair("AAAA", 14.08, 21.54), Pair("BBBB", 20.0, 19.0)],
                         threshold=2.87, low=7, high=35, title="t", desc="d", ident="o")
    assert svg.count("<circle") == 4
    assert "#00703c" in svg and "#505a5f" in svg  # improved, no reliable change
    assert svg.count('fill="#dddddd"') == 2


def test_referrals_per_period_counts_the_latest_periods_and_those_before(make_referral):
    for _ in range(6):
        make_referral()
    labels, counts, earlier = referrals_per_period(Referral.objects.all(), period="month")
    assert labels == [timezone.localdate().strftime("%Y-%m")] and counts == [6]
    assert earlier == 0
    weekly, _, _ = referrals_per_period(Referral.objects.all(), period="week")
    assert weekly[0].startswith("w/c ")
    with pytest.raises(ValueError, match="period must be 'month' or 'week', not 'day'"):
        referrals_per_period(Referral.objects.all(), period="day")


def test_referrals_over_time_hides_a_small_month_and_its_partner(make_referral):
    referral = make_referral()
    Referral.objects.filter(pk=referral.pk).update(
        created_at=timezone.now() - dt.timedelta(days=62))
    for _ in range(7):
        make_referral()
    over_time = dashboard_tables(Referral.objects.all())["over_time"]["month"]
    (_, old), (_, new) = over_time["rows"]
    assert str(old) == "fewer than 5"
    # 8 referrals in all, shown once: the 7 would give the 1 away, so it is hidden too, and
    # labelled as hidden, never "fewer than 5"
    assert new.status == "secondary" and str(new) == "hidden to protect privacy"
    assert "secondary suppression" in over_time["note"]


def test_verdict_counts_are_suppressed_against_the_number_of_pairs():
    # 6 improved, 1 deteriorated: 7 pairs are published with the paired result
    counts = verdict_counts(changes=[5.0] * 6 + [-5.0])
    shown = {label: str(c) for label, c in counts["rows"]}
    assert shown == {"Reliable improvement": "hidden to protect privacy",
                     "No reliable change": "0", "Reliable deterioration": "fewer than 5"}
    assert not counts["withheld"]


def test_verdict_counts_are_withheld_when_they_would_give_the_pairs_away():
    # 4 and 4 of 8 pairs: two counts of at most 4 adding up to 8 are both 4
    counts = verdict_counts(changes=[5.0] * 4 + [-5.0] * 4)
    assert counts["withheld"] and counts["rows"] == []


def test_caseload_flow_counts_open_by_status_and_weekly_in_and_out(make_referral,
                                                                    link_worker):
    kept = make_referral()
    gone = make_referral()
    services.decline(link_worker, gone.pk, gone.version, decline_reason="duplicate")
    services.accept(link_worker, kept.pk, kept.version)
    flow = caseload_flow(Referral.objects.all())
    assert flow["open_total"] == 1
    assert dict(zip(flow["status_labels"], flow["status_counts"], strict=True))[
        "Accepted"] == 1
    assert (flow["inflow"][-1], flow["outflow"][-1]) == (2, 1)
    assert sum(flow["inflow"]) == 2 and len(flow["weeks"]) == 12


def test_the_link_worker_sees_change_per_person_by_reference(client, make_referral,
                                                             link_worker, provider_org,
                                                             other_link_worker):
    referral = with_pair(make_referral, link_worker, provider_org, LOW, HIGH)
    client.force_login(link_worker)
    page = client.get("/prescribing/outcomes/").content.decode()
    assert referral.reference in page and referral.given_name not in page
    cells = re.sub(r' data-label="[^"]*"', "", page)  # stacked-table labels aside
    assert "<td>15.32</td><td>21.54</td><td>6.22</td><td>Reliable improvement</td>" in cells
    assert 'data-chart="outcome-change"' in page
    client.force_login(other_link_worker)
    page = client.get("/prescribing/outcomes/").content.decode()
    assert referral.reference not in page
    assert "No one has both a baseline and a follow-up" in page


def test_the_manager_sees_caseload_and_flow(client, scheme, make_referral):
    make_referral()
    client.force_login(make_user("rx-flow-manager", scheme, Role.SERVICE_MANAGER))
    page = client.get("/prescribing/flow/").content.decode()
    assert 'data-chart="open-' in page and 'data-chart="flow-' in page
    assert "<th scope=\"row\">Received</th><td>1</td>" in page


def test_the_dashboard_has_the_charts(client, commissioner, make_referral):
    make_referral()
    client.force_login(commissioner)
    page = client.get("/prescribing/dashboard/?period=week").content.decode()
    assert 'data-chart="referrals-over-time"' in page and "Referrals per week" in page
    page = client.get("/prescribing/dashboard/?period=<script>").content.decode()
    assert "Referrals per month" in page and "<script>" not in page.split("<main")[1]
