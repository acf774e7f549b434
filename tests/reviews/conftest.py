import datetime

import pytest

from planbridge.periods import add_months, month_end, month_start, today
from reviews.models import Review
from tests.factories import PlanFactory
from tests.goals.factories import PlanItemFactory

from .factories import FindingFactory, ReviewFactory

MARCH = datetime.date(2026, 3, 1)
APRIL = datetime.date(2026, 4, 1)


@pytest.fixture
def review(pm, plan):
    """Pat's open review of March 2026 for the plan."""
    return ReviewFactory(month=MARCH, plan=plan, facilitator=pm, status=Review.Status.OPEN)


@pytest.fixture
def dev_finding(review, departments):
    """A problem owned by Development, recorded in the March review."""
    return FindingFactory(
        review=review, department=departments["dev"], title="Development slipped two weeks"
    )


@pytest.fixture
def item_factory(plan):
    """item_factory(department, month=APRIL, **kw) -> a plan item of the plan."""

    def make(department, month=APRIL, **kwargs):
        return PlanItemFactory(plan=plan, department=department, month=month, **kwargs)

    return make


# Carrying creates work in months that have not ended, so its tests live around today.


@pytest.fixture
def this_month():
    return month_start(today())


@pytest.fixture
def running_plan(pm, dev_coordinator, marketing_coordinator, sales_coordinator, this_month):
    """A plan running from five months ago to two months ahead, the coordinators on its
    team (Sid and Devon, members, are not)."""
    plan = PlanFactory(
        title="Running plan",
        owner=pm,
        start=add_months(this_month, -5),
        end=month_end(add_months(this_month, 2)),
    )
    plan.team.set([pm, dev_coordinator, marketing_coordinator, sales_coordinator])
    return plan


@pytest.fixture
def recent_finding(pm, running_plan, departments, this_month):
    """A Development problem of last month's review of the running plan."""
    review = ReviewFactory(month=add_months(this_month, -1), plan=running_plan, facilitator=pm)
    return FindingFactory(
        review=review, department=departments["dev"], title="Core module B slipped two weeks"
    )
