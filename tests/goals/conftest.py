"""Fixtures of the goals tests: a quarter objective and goals and items of the named
departments, in the `plan` of tests/conftest.py (2026-01-01 – 2026-06-30)."""

import datetime

import pytest

from .factories import GoalFactory, ObjectiveFactory, PlanItemFactory


@pytest.fixture
def objective(pm, plan):
    return ObjectiveFactory(
        title="Launch the new product", owner=pm, plan=plan, quarter=datetime.date(2026, 1, 1)
    )


@pytest.fixture
def dev_goal(departments, dev_coordinator, dev_member, objective, plan):
    """A Development goal owned by Devon (a member), for the objective's quarter."""
    return GoalFactory(
        title="Finish 12 core functions",
        start=datetime.date(2026, 1, 1),
        due=datetime.date(2026, 3, 31),
        department=departments["dev"],
        owner=dev_member,
        objective=objective,
        plan=plan,
        metric="Core functions done",
        unit="functions",
        target=12,
    )


@pytest.fixture
def dev_item(departments, dev_member, plan):
    """A Development plan item owned by Devon (a member)."""
    return PlanItemFactory(
        title="Core functions",
        plan=plan,
        department=departments["dev"],
        owner=dev_member,
        month=datetime.date(2026, 2, 1),
        start=datetime.date(2026, 2, 1),
        due=datetime.date(2026, 5, 31),
    )


@pytest.fixture
def marketing_item(departments, marketing_coordinator, plan):
    return PlanItemFactory(
        title="Warm-up campaign",
        plan=plan,
        department=departments["marketing"],
        owner=marketing_coordinator,
        month=datetime.date(2026, 5, 1),
        start=datetime.date(2026, 5, 1),
        due=datetime.date(2026, 6, 15),
    )
