import datetime

import pytest

from reviews.models import Review
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
