"""Reviews live in time (docs/architecture.md "Periods at the edges"): review_create refuses a
month that has not begun or that the plan does not own, review_close refuses a review before
its month's last five days; each guard is hit by a direct call, and nothing is written."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError

from planbridge.periods import add_months, month_end, month_start, today
from reviews import rules, services
from reviews.models import Review

from ..factories import PlanFactory
from .factories import ReviewFactory


def _at(day: datetime.date, hour: int = 10, minute: int = 0) -> time_machine.travel:
    """The clock at `day` `hour`:`minute` in TIME_ZONE (standing still)."""
    moment = datetime.datetime.combine(day, datetime.time(hour, minute))
    return time_machine.travel(
        moment.replace(tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE)), tick=False
    )


@pytest.mark.parametrize(
    "month, first_day",
    [
        (datetime.date(2026, 12, 1), datetime.date(2026, 12, 27)),
        (datetime.date(2026, 11, 1), datetime.date(2026, 11, 26)),
        (datetime.date(2026, 2, 1), datetime.date(2026, 2, 24)),
        (datetime.date(2028, 2, 1), datetime.date(2028, 2, 25)),  # a leap year
    ],
)
def test_a_review_closes_from_the_first_of_its_month_s_last_five_days(month, first_day):
    assert rules.review_first_close_day(month) == first_day
    review = Review(month=month)
    assert not rules.review_close_day_has_come(review, first_day - datetime.timedelta(days=1))
    assert rules.review_close_day_has_come(review, first_day)
    assert rules.review_close_day_has_come(review, add_months(month, 1))


def test_only_a_month_that_has_begun_can_be_reviewed():
    this_month = month_start(today())
    assert rules.review_month_has_begun(this_month)
    assert rules.review_month_has_begun(add_months(this_month, -1))
    assert not rules.review_month_has_begun(add_months(this_month, 1))


def test_a_review_of_a_future_month_is_refused(pm):
    next_month = add_months(month_start(today()), 1)
    with pytest.raises(ValidationError) as refused:
        services.review_create(actor=pm, month=next_month)
    assert refused.value.message_dict["month"] == [
        f"{next_month:%Y-%m} has not begun yet: a review of it can be created from "
        f"{next_month.isoformat()} on."
    ]
    assert not Review.objects.exists()


def test_a_review_of_the_current_month_is_created_and_opened(pm):
    review = services.review_create(actor=pm, month=today())
    assert review.month == month_start(today())
    assert services.review_open(actor=pm, review=review).status == Review.Status.OPEN


def test_a_review_of_a_plan_starting_next_month_covers_the_current_month(pm):
    # Created today, the plan owns its preparation from this month on.
    start = add_months(month_start(today()), 1)
    plan = PlanFactory(title="R&D and launch", start=start, end=month_end(start))
    review = services.review_create(actor=pm, month=today(), plan=plan)
    assert review.plan == plan and review.month < plan.start


def test_a_review_of_a_month_the_plan_does_not_own_names_its_months(pm):
    # Run from January to June 2026 and entered later, the plan owns 2026-01 to 2026-07.
    plan = PlanFactory(
        title="Launch", start=datetime.date(2026, 1, 1), end=datetime.date(2026, 6, 30)
    )
    for month in (datetime.date(2025, 12, 1), datetime.date(2026, 8, 1)):
        with pytest.raises(ValidationError) as refused:
            services.review_create(actor=pm, month=month, plan=plan)
        assert refused.value.message_dict["month"] == [
            "The month is outside the months the plan “Launch” owns (2026-01 – 2026-07: from "
            "the month it was created or started to the month after its end)."
        ]
    assert not Review.objects.exists()
    # The month after its end is the plan's follow-up.
    assert services.review_create(actor=pm, month=datetime.date(2026, 7, 1), plan=plan).plan == plan


def test_closing_before_the_month_s_last_five_days_is_refused(pm):
    this_month = month_start(today())
    first_day = rules.review_first_close_day(this_month)
    with _at(first_day - datetime.timedelta(days=1), 23, 59):
        review = ReviewFactory(month=this_month, facilitator=pm, status=Review.Status.OPEN)
        with pytest.raises(ValidationError) as refused:
            services.review_close(actor=pm, review=review)
    assert refused.value.messages == [
        f"A review closes only from the last 5 days of its month on: this review of "
        f"{this_month:%Y-%m} can be closed from {first_day.isoformat()}."
    ]
    review.refresh_from_db()
    assert review.status == Review.Status.OPEN and review.closed_at is None


def test_closing_on_the_first_of_the_month_s_last_five_days_is_accepted(pm):
    this_month = month_start(today())
    with _at(rules.review_first_close_day(this_month), 0, 1):
        review = ReviewFactory(month=this_month, facilitator=pm, status=Review.Status.OPEN)
        closed = services.review_close(actor=pm, review=review)
    assert closed.status == Review.Status.CLOSED and closed.closed_at is not None


def test_a_review_of_last_month_closes_on_the_first_of_this_month(pm):
    last_month = add_months(month_start(today()), -1)
    with _at(month_start(today()), 0, 1):
        review = ReviewFactory(month=last_month, facilitator=pm, status=Review.Status.OPEN)
        assert services.review_close(actor=pm, review=review).status == Review.Status.CLOSED
