"""Factories of goals models for bulk data; named people come from tests/conftest.py.

The only factories of these models: the meetings and reviews tests import them from here.
Every default is relative to "today" (settings.TIME_ZONE) and consistent with the models'
check constraints at any date: tests that live in a fixed period pass its dates.
"""

import datetime
from decimal import Decimal

import factory

from goals.models import CheckIn, Goal, Objective, PlanItem
from planbridge.periods import month_end, month_start, quarter_start, today
from tests.factories import DepartmentFactory, UserFactory

DAY = datetime.timedelta(days=1)


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    title = factory.Sequence(lambda n: f"Objective {n}")
    quarter = factory.LazyFunction(lambda: quarter_start(today()))
    owner = factory.SubFactory(UserFactory)


def _goal_start(goal) -> datetime.date:
    # Sixty days ago, or the due date when a test passes an earlier one (goal_due_after_start).
    start = today() - 60 * DAY
    return min(start, goal.due) if goal.due else start


class GoalFactory(factory.django.DjangoModelFactory):
    """A goal that passes every SMART letter unless told otherwise, running from sixty days
    ago to thirty days ahead: two thirds of the way through whatever the date."""

    class Meta:
        model = Goal

    title = factory.Sequence(lambda n: f"Reach 100 sign-ups in campaign {n}")
    metric = "Sign-ups"
    unit = "users"
    baseline = Decimal(0)
    target = Decimal(100)
    start = factory.LazyAttribute(_goal_start)
    due = factory.LazyFunction(lambda: today() + 30 * DAY)
    owner = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)
    # The objective's quarter holds the due date, so that the T letter passes.
    objective = factory.SubFactory(
        ObjectiveFactory,
        quarter=factory.LazyAttribute(
            lambda objective: quarter_start(objective.factory_parent.due or today())
        ),
    )


class CheckInFactory(factory.django.DjangoModelFactory):
    """Today's check-in (or the due date's, for a goal already due: never in the future)."""

    class Meta:
        model = CheckIn

    goal = factory.SubFactory(GoalFactory)
    date = factory.LazyAttribute(lambda checkin: min(today(), checkin.goal.due or today()))
    value = Decimal(50)
    confidence = 7
    author = factory.SelfAttribute("goal.owner")


def _item_month(item) -> datetime.date:
    # The current month; for a plan that does not run now, its nearest month (the plan item
    # services refuse a month outside the plan).
    month = month_start(today())
    if item.plan is None:
        return month
    return min(max(month, month_start(item.plan.start)), month_start(item.plan.end))


class PlanItemFactory(factory.django.DjangoModelFactory):
    """An item of the current month (see _item_month), outside any plan unless given one, due
    on the month's last day (so never overdue while its month runs); it starts on the month's
    first day, or on the due date when a test passes an earlier one (planitem_due_after_start).
    """

    class Meta:
        model = PlanItem

    plan = None
    department = factory.SubFactory(DepartmentFactory)
    month = factory.LazyAttribute(_item_month)
    title = factory.Sequence(lambda n: f"Plan item {n}")
    start = factory.LazyAttribute(lambda item: min(item.month, item.due))
    due = factory.LazyAttribute(lambda item: month_end(item.month))
    status = PlanItem.Status.PLANNED
