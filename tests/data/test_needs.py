"""Referral need codes, and the versioned SNOMED CT code list for social prescribing."""

from __future__ import annotations

import pytest

from rescomm.data._needs import (
    NEED_CODES,
    NEED_LABELS,
    UnknownNeedError,
    need_label,
    validate_needs,
)
from rescomm.data.codes import event_code, is_valid_sctid, load_code_list

ISSUE_5_NEEDS = (
    "loneliness", "low_mood", "long_term_condition", "finance", "housing", "employment",
    "physical_activity", "carer_support", "bereavement", "other",
)


def test_need_codes_are_the_fixed_list_in_order():
    assert NEED_CODES == ISSUE_5_NEEDS


def test_every_need_has_a_plain_words_label_without_the_code():
    for code, label in NEED_LABELS.items():
        assert label and "_" not in label and label[0].isupper(), code


def test_validate_needs_orders_and_deduplicates():
    assert validate_needs(["housing", "loneliness", "housing"]) == ["loneliness", "housing"]


def test_an_unknown_need_is_named_with_the_allowed_codes():
    with pytest.raises(UnknownNeedError) as caught:
        validate_needs(["loneliness", "gardening"])
    assert str(caught.value) == (
        "Unknown need 'gardening'; choose from: " + ", ".join(ISSUE_5_NEEDS) + "."
    )
    assert caught.value.codes == ["gardening"]


def test_no_needs_is_refused():
    with pytest.raises(UnknownNeedError, match="Choose at least one reason"):
        validate_needs([])


def test_need_label():
    assert need_label("finance") == "Money worries or debt"
    with pytest.raises(UnknownNeedError):
        need_label("nope")


# Code list ------------------------------------------------------------------------------------


def test_the_code_list_has_the_two_verified_national_codes():
    rows = {row.concept_id: row for row in load_code_list()}
    assert rows["871731000000106"].term == "Referral to social prescribing service"
    assert rows["871731000000106"].verified
    assert rows["871711000000103"].term == "Social prescribing declined"
    assert rows["871711000000103"].verified
    assert len({row.version for row in rows.values()}) == 1
    assert all(row.source for row in rows.values())


def test_event_codes_skip_unverified_codes_unless_asked():
    assert event_code("received").concept_id == "871731000000106"
    assert event_code("declined_by_person").concept_id == "871711000000103"
    assert event_code("offered") is None
    assert event_code("offered", include_unverified=True).concept_id == "871691000000100"
    assert event_code("not_an_event") is None


@pytest.mark.parametrize(
    ("sctid", "valid"),
    [
        ("871731000000106", True),
        ("871711000000103", True),
        ("22298006", True),  # Myocardial infarction: a widely published SNOMED CT example
        ("871731000000107", False),
        ("012345", False),
        ("12345", False),
    ],
)
def test_snomed_ids_are_checked_with_verhoeff(sctid, valid):
    assert is_valid_sctid(sctid) is valid
