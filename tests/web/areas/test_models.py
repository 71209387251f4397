"""Model invariants are enforced by the database, whatever writes to it."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from rescomm.web.areas.models import Deprivation, LocalAuthority, Lsoa11Successor, Lsoa21


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [("decile", 0), ("decile", 11), ("rank", 0)],
)
def test_deprivation_decile_and_rank_are_in_range(field, value):
    row = Deprivation.objects.filter(domain="income").first()
    setattr(row, field, value)
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()


@pytest.mark.django_db
def test_one_score_per_lsoa_edition_and_domain():
    row = Deprivation.objects.filter(domain="imd").first()
    row.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()


@pytest.mark.django_db
def test_lsoa_codes_must_look_like_lsoa_codes():
    lsoa = Lsoa21.objects.first()
    lsoa.code = "E02000001"
    with pytest.raises(IntegrityError), transaction.atomic():
        lsoa.save()


@pytest.mark.django_db
def test_local_authority_codes_must_look_like_lad_codes():
    with pytest.raises(IntegrityError), transaction.atomic():
        LocalAuthority.objects.create(code="X99", name="Nowhere")


@pytest.mark.django_db
def test_lsoa11_change_codes_are_the_ons_ones():
    with pytest.raises(IntegrityError), transaction.atomic():
        Lsoa11Successor.objects.create(lsoa11_code="E01000001", lsoa21_code="E01000001", change="Z")
