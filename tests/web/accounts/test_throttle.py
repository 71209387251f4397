"""Rate limits counted in the database: a sliding window per subject, exact under concurrency
(PostgreSQL: real parallel transactions; across server processes on SQLite:
``tests/web/assets/test_limits_across_workers.py``)."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from tests.web.prescribing.test_concurrency import run_at_once

from rescomm.web.accounts import throttle
from rescomm.web.accounts.models import AuditEvent, ThrottleBucket
from rescomm.web.assets.models import Suggestion

from .factories import make_user

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))
HOUR = timedelta(hours=1)


def take(subject: str = "198.51.100.1", *, scope: str = "test", limit: int = 3):
    return throttle.take(scope, subject, limit=limit, period=HOUR)


def age_hits(seconds: float, scope: str = "test") -> None:
    for bucket in ThrottleBucket.objects.filter(scope=scope):
        bucket.hits = [t - seconds for t in bucket.hits]
        bucket.expires -= timedelta(seconds=seconds)
        bucket.save()


@pytest.mark.django_db
def test_a_limit_allows_that_many_hits_then_says_how_long_to_wait():
    assert [take() for _ in range(3)] == [None, None, None]
    wait = take()
    assert timedelta(minutes=59) < wait <= HOUR
    assert len(ThrottleBucket.objects.get().hits) == 3, "a refused hit is not counted"


@pytest.mark.django_db
def test_the_window_slides_a_hit_leaves_when_it_is_a_period_old():
    take()
    age_hits(1800)
    take()
    take()
    assert take() is not None
    age_hits(1801)  # the first hit is now more than an hour old, the others half an hour
    assert take() is None
    wait = take()
    assert timedelta(minutes=29) < wait <= timedelta(minutes=30)


@pytest.mark.django_db
def test_subjects_and_scopes_are_counted_apart():
    for _ in range(3):
        take()
    assert take() is not None
    assert take("198.51.100.2") is None
    assert take(scope="other") is None


@pytest.mark.django_db
def test_forget_drops_the_count_and_retry_after_only_reads():
    for _ in range(3):
        take()
    assert throttle.retry_after("test", "198.51.100.1", limit=3, period=HOUR) is not None
    assert len(ThrottleBucket.objects.get().hits) == 3
    throttle.forget("test", "198.51.100.1")
    assert throttle.retry_after("test", "198.51.100.1", limit=3, period=HOUR) is None
    assert take() is None


@pytest.mark.django_db
def test_buckets_whose_hits_have_all_expired_are_deleted_by_the_next_hit():
    take("198.51.100.1")
    take("198.51.100.2")
    age_hits(3601)
    take("198.51.100.3")
    assert ThrottleBucket.objects.count() == 1
    assert ThrottleBucket.objects.get().expires > timezone.now()


def test_a_limit_below_one_is_a_programming_error():
    with pytest.raises(ValueError, match="at least 1"):
        throttle.take("test", "x", limit=0, period=HOUR)


# ------------------------------------------------------------------ PostgreSQL: in parallel
def parallel(test):
    """PostgreSQL only (real parallel transactions; SQLite writes one at a time, and across
    server processes it is tested in ``tests/web/assets/test_limits_across_workers.py``)."""
    marks = [pytest.mark.postgres_only,
             pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (DATABASE_URL)"),
             pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("demo_data")]
    for mark in marks:
        test = mark(test)
    return test


@parallel
def test_twenty_hits_at_the_same_moment_get_exactly_the_limit_through():
    assert connection.vendor == "postgresql"
    outcomes: list[bool] = []
    run_at_once(lambda: outcomes.append(take(limit=5) is None), [()] * 20)
    assert sorted(outcomes) == [False] * 15 + [True] * 5
    assert len(ThrottleBucket.objects.get(scope="test").hits) == 5


@parallel
def test_twenty_guesses_at_once_check_the_password_only_as_often_as_the_limit():
    make_user("alex")
    statuses: list[int] = []

    def guess() -> None:
        response = Client().post("/accounts/login/", {"username": "alex", "password": "nope"})
        statuses.append(response.status_code)

    run_at_once(guess, [()] * 20)
    assert AuditEvent.objects.filter(action=AuditEvent.LOGIN_FAILED).count() == 5
    assert statuses.count(429) >= 15 and set(statuses) <= {400, 429}


@parallel
def test_twenty_suggestions_at_once_from_one_address_save_exactly_five():
    from tests.web.assets.test_suggestions import NEW

    statuses: list[int] = []
    run_at_once(lambda: statuses.append(Client().post("/assets/suggest/", NEW).status_code),
                [()] * 20)
    assert sorted(statuses) == [302] * 5 + [429] * 15
    assert Suggestion.objects.count() == 5
