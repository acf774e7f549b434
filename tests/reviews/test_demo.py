"""The month-5 review of the seed story, and that seeding twice changes nothing."""

import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from planbridge import periods
from reviews import rules
from reviews.models import Carryover, Finding, Review
from reviews.selectors import bridge_counts, finding_disposition, finding_queryset


def _local(moment: datetime.datetime) -> datetime.datetime:
    return moment.replace(tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


def _mid_month() -> datetime.datetime:
    """Now, or the 15th of this month if that is later: the month-5 review closed in its
    month's last days is then past its grace period (in a month's first days it is not)."""
    today = periods.today()
    return max(timezone.now(), _local(datetime.datetime(today.year, today.month, 15, 10)))


@pytest.mark.django_db
def test_the_demo_has_the_month_five_review_with_every_kind_of_disposition():
    with time_machine.travel(_mid_month(), tick=True):
        call_command("seed_demo", "--lang", "en", stdout=io.StringIO())
        call_command("seed_demo", "--lang", "en", stdout=io.StringIO())
        _check_month_five_review()


def _check_month_five_review():
    closed = Review.objects.get(status=Review.Status.CLOSED)
    assert Review.objects.filter(status=Review.Status.DRAFT).count() == 1
    states = {
        f.title: finding_disposition(f).state for f in finding_queryset().filter(review=closed)
    }
    assert states == {
        "Core functions slipped by a month": "carried",
        "Dependencies surfaced only at the monthly review": "carried",
        "Market research finished on time": "dismissed",
        "Sales material not ready for the launch": "open",
    }
    delay = Finding.objects.get(title="Core functions slipped by a month")
    departments = set(delay.carryovers.values_list("plan_item__department__slug", flat=True))
    assert departments == {"development", "marketing"}
    assert all(c.plan_item.month > closed.month for c in Carryover.objects.all())
    left_open = finding_disposition(
        finding_queryset().get(title="Sales material not ready for the launch"),
        now=timezone.now(),
    )
    assert left_open.overdue
    rate = bridge_counts().rate()
    assert (rate.in_time, rate.due) == (3, 4)
    # The delay was recorded from the month's late item, so its trace reaches the goal.
    from reviews.selectors import trace

    chain = trace("finding", delay.pk)
    assert [item.title for item in chain.items] == ["Develop the core functions"]
    assert chain.goals and chain.objectives
    assert {c.plan_item.department.slug for c in chain.next_items} == {"development", "marketing"}


def _check_reviews_live_in_time(now: datetime.datetime) -> None:
    closed = Review.objects.get(status=Review.Status.CLOSED)
    draft = Review.objects.get(status=Review.Status.DRAFT)
    assert draft.month == periods.month_start(periods.today())
    assert all(rules.review_month_has_begun(review.month) for review in (closed, draft))
    assert timezone.localdate(closed.closed_at) >= rules.review_first_close_day(closed.month)
    assert closed.opened_at < closed.closed_at < now
    finding_times = Finding.objects.filter(review=closed).values_list("dismissed_at", flat=True)
    carry_times = Carryover.objects.values_list("accepted_at", flat=True)
    assert all(closed.closed_at < at < now for at in [*finding_times, *carry_times] if at)


@pytest.mark.django_db
def test_the_demo_s_reviews_are_of_months_begun_and_closed_in_their_month_s_last_days():
    call_command("seed_demo", "--lang", "en", stdout=io.StringIO())
    _check_reviews_live_in_time(timezone.now())


@pytest.mark.django_db
def test_seeded_on_a_month_s_first_day_the_finding_left_open_is_inside_its_grace_period():
    today = periods.today()
    first_of_next = periods.add_months(periods.month_start(today), 1)
    moment = _local(datetime.datetime.combine(first_of_next, datetime.time(0, 30)))
    with time_machine.travel(moment, tick=True):
        call_command("seed_demo", "--lang", "en", stdout=io.StringIO())
        _check_reviews_live_in_time(timezone.now())
        left_open = finding_disposition(
            finding_queryset().get(title="Sales material not ready for the launch"),
            now=timezone.now(),
        )
        assert left_open.state == "open" and not left_open.overdue


@pytest.mark.django_db
def test_the_demo_in_chinese_uses_chinese_titles():
    call_command("seed_demo", "--lang", "zh-hans", stdout=io.StringIO())
    assert Finding.objects.filter(title="核心功能开发延期一个月").exists()
