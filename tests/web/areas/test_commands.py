"""The ``load_demo`` management command (what ``rescomm load-demo`` calls)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ..factories import HALTON, LIVERPOOL


@pytest.mark.django_db
def test_load_demo_command_reports_up_to_date_on_a_second_run():
    out = StringIO()
    call_command("load_demo", "--lad", HALTON, "--lad", LIVERPOOL, stdout=out)
    assert "already up to date" in out.getvalue()


@pytest.mark.django_db
def test_load_demo_command_prints_progress_lines():
    out = StringIO()
    call_command("load_demo", "--lad", HALTON, "--force", stdout=out)
    text = out.getvalue()
    assert "load_demo: lsoa21: 80/80" in text
    assert "loaded (bundle" in text


@pytest.mark.django_db
def test_load_demo_command_accepts_force_as_a_keyword():
    out = StringIO()
    call_command("load_demo", force=False, lads=[HALTON, LIVERPOOL], stdout=out)
    assert "already up to date" in out.getvalue()


@pytest.mark.django_db
def test_load_demo_command_names_unknown_authorities():
    with pytest.raises(CommandError, match="E09000001"):
        call_command("load_demo", "--lad", "E09000001", stdout=StringIO())
