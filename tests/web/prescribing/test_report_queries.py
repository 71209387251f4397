"""Report aggregates computed in the database agree with counting row by row, and reports are
reused for a few minutes (saying when they were calculated)."""

from __future__ import annotations

from collections import Counter

from django.core.cache import caches

from rescomm.web.prescribing import services
from rescomm.web.prescribing.dashboard import count_needs, funnel
from rescomm.web.prescribing.disclosure import Count
from rescomm.web.prescribing.models import Referral


def test_need_counts_in_the_database_match_counting_each_referral(make_referral):
    for needs in (["loneliness"], ["loneliness", "housing"], ["finance", "housing", "other"],
                  ["bereavement"]):
        make_referral(needs=needs)
    expected: Counter[str] = Counter()
    for needs in Referral.objects.values_list("needs", flat=True):
        expected.update(needs)
    assert count_needs(Referral.objects.all()) == expected
    two_or_more = Referral.objects.exclude(needs__in=[["loneliness"], ["bereavement"]])
    assert count_needs(two_or_more) == Counter(
        {"loneliness": 1, "housing": 2, "finance": 1, "other": 1})
    assert count_needs(Referral.objects.none()) == Counter()


def test_the_funnel_counts_each_referral_once_per_stage(make_referral, link_worker):
    referrals = [make_referral() for _ in range(6)]
    for referral in referrals[:5]:
        services.accept(link_worker, referral.pk, referral.version)
    for _ in range(3):
        make_referral()
    report = funnel(Referral.objects.all(), total=Count(9))
    shown = {row["label"]: row["count"] for row in report["rows"]}
    assert "Referred" not in shown  # the number of referrals is the page's one total
    assert (shown["Accepted"].value, shown["Accepted"].status) == (5, "rounded")
    assert str(shown["First conversation"]) == "0"
    # bars use published numbers only: 5 of the 9 referrals shown on the page
    assert [row["width"] for row in report["rows"]][:2] == [56, 0]
    assert "rounded to the nearest 5" in report["note"]


def test_the_dashboard_is_reused_for_a_few_minutes(client, commissioner, make_referral):
    make_referral()
    client.force_login(commissioner)
    first = client.get("/prescribing/dashboard/").content.decode()
    assert "Figures calculated at" in first
    for _ in range(5):
        make_referral()
    again = client.get("/prescribing/dashboard/").content.decode()
    marker = 'data-table="over-time"'
    assert again[again.index(marker):again.index("</table>", again.index(marker))] == \
        first[first.index(marker):first.index("</table>", first.index(marker))]
    caches["reports"].clear()
    fresh = client.get("/prescribing/dashboard/").content.decode()
    assert fresh[fresh.index(marker):] != first[first.index(marker):]
