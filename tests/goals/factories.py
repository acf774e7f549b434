"""Factories of goals models for bulk data; named people come from tests/conftest.py."""

import datetime
from decimal import Decimal

import factory

from goals.models import CheckIn, Goal, Objective, PlanItem
from tests.factories import DepartmentFactory, PlanFactory, UserFactory


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    title = factory.Sequence(lambda n: f"Objective {n}")
    quarter = datetime.date(2026, 1, 1)
    owner = factory.SubFactory(UserFactory)


class GoalFactory(factory.django.DjangoModelFactory):
    """A goal that passes every SMART letter unless told otherwise."""

    class Meta:
        model = Goal

    title = factory.Sequence(lambda n: f"Collect 10,000 leads in campaign {n}")
    metric = "Leads collected"
    unit = "leads"
    baseline = Decimal(0)
    target = Decimal(10000)
    start = datetime.date(2026, 1, 1)
    due = datetime.date(2026, 3, 31)
    owner = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)
    objective = factory.SubFactory(ObjectiveFactory)


class CheckInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckIn

    goal = factory.SubFactory(GoalFactory)
    date = datetime.date(2026, 2, 1)
    value = Decimal(5000)
    confidence = 7
    author = factory.SelfAttribute("goal.owner")


class PlanItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanItem

    plan = factory.SubFactory(PlanFactory)
    department = factory.SubFactory(DepartmentFactory)
    month = datetime.date(2026, 1, 1)
    title = factory.Sequence(lambda n: f"Plan item {n}")
    start = factory.SelfAttribute("month")
    due = factory.LazyAttribute(lambda item: item.month + datetime.timedelta(days=27))
    status = PlanItem.Status.PLANNED
