"""Carry-over rate arithmetic: in time / due, where a finding inside its grace period is not
due yet and one disposed after its deadline is late."""

import datetime

import pytest
from django.utils import timezone

from reviews.models import Review
from reviews.selectors import bridge_counts, bridge_findings

from .conftest import APRIL, MARCH
from .factories import CarryoverFactory, FindingFactory, ReviewFactory

DAY = datetime.timedelta(days=1)


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def closed_long_ago(pm, plan, now, settings):
    settings.PLANBRIDGE_CARRY_GRACE_DAYS = 7
    return ReviewFactory(
        month=MARCH,
        plan=plan,
        facilitator=pm,
        status=Review.Status.CLOSED,
        closed_at=now - 30 * DAY,
    )


def _states(now, **filters):
    return {
        state: set(bridge_findings(state=state, now=now, **filters).values_list("title", flat=True))
        for state in ["due", "in_time", "late", "overdue", "undue", "open"]
    }


def test_rate_counts_in_time_late_and_overdue_findings(closed_long_ago, departments, now):
    dev = departments["dev"]
    carried_in_time = FindingFactory(review=closed_long_ago, department=dev, title="in time")
    CarryoverFactory(finding=carried_in_time, accepted_at=now - 25 * DAY)
    FindingFactory(
        review=closed_long_ago,
        department=dev,
        title="dismissed in time",
        dismissed_at=now - 29 * DAY,
        dismissed_by=closed_long_ago.facilitator,
        dismissal_reason="Done already",
    )
    carried_late = FindingFactory(review=closed_long_ago, department=dev, title="late")
    CarryoverFactory(finding=carried_late, accepted_at=now - 2 * DAY)
    FindingFactory(review=closed_long_ago, department=dev, title="overdue")

    counts = bridge_counts(now=now)
    rate = counts.rate(dev.pk, MARCH)
    assert (rate.in_time, rate.due) == (2, 4)
    assert rate.percent == 50
    assert counts.overdue[dev.pk] == 1 and counts.open[dev.pk] == 1
    states = _states(now)
    assert states["late"] == {"late"}
    assert states["overdue"] == {"overdue"}
    assert states["in_time"] == {"in time", "dismissed in time"}


def test_findings_inside_their_grace_period_are_not_due_yet(pm, plan, departments, now):
    recent = ReviewFactory(
        month=MARCH, plan=plan, facilitator=pm, status=Review.Status.CLOSED, closed_at=now - DAY
    )
    FindingFactory(review=recent, department=departments["dev"], title="still in grace")
    counts = bridge_counts(now=now)
    assert counts.rate().due == 0 and counts.rate().value is None
    assert counts.open[departments["dev"].pk] == 1
    assert _states(now)["undue"] == {"still in grace"}


def test_a_finding_disposed_inside_the_grace_period_counts_at_once(pm, plan, departments, now):
    recent = ReviewFactory(
        month=MARCH, plan=plan, facilitator=pm, status=Review.Status.CLOSED, closed_at=now - DAY
    )
    finding = FindingFactory(review=recent, department=departments["dev"])
    CarryoverFactory(finding=finding, accepted_at=now)
    assert bridge_counts(now=now).rate().in_time == 1


def test_findings_of_reviews_not_closed_are_never_due(review, departments, now):
    finding = FindingFactory(review=review, department=departments["dev"])
    CarryoverFactory(finding=finding)
    assert bridge_counts(now=now).rate().due == 0


def test_a_pending_proposal_is_not_a_disposition(closed_long_ago, departments, now):
    finding = FindingFactory(review=closed_long_ago, department=departments["dev"])
    CarryoverFactory(finding=finding, accepted_at=None, accepted_by=None)
    rate = bridge_counts(now=now).rate()
    assert (rate.in_time, rate.due) == (0, 1)


def test_rates_are_kept_per_department_and_month(pm, plan, departments, now):
    reviews = {
        month: ReviewFactory(
            month=month, plan=plan, facilitator=pm, status="closed", closed_at=now - 20 * DAY
        )
        for month in (MARCH, APRIL)
    }
    for month, department, carried in [
        (MARCH, "dev", True),
        (MARCH, "dev", False),
        (MARCH, "marketing", True),
        (APRIL, "dev", True),
    ]:
        finding = FindingFactory(review=reviews[month], department=departments[department])
        if carried:
            CarryoverFactory(finding=finding, accepted_at=now - 19 * DAY)
    counts = bridge_counts(now=now)
    dev, marketing = departments["dev"].pk, departments["marketing"].pk
    assert counts.rate(dev, MARCH).percent == 50
    assert counts.rate(marketing, MARCH).percent == 100
    assert counts.rate(dev, APRIL).percent == 100
    assert counts.rate(dev).percent == 67
    assert counts.rate(month=MARCH).percent == 67
    assert bridge_counts(now=now, month_from=APRIL).rate().due == 1
    assert bridge_counts(now=now, department_ids=[marketing]).rate().due == 1
