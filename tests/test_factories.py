"""The factories: one per model, and their defaults satisfy every constraint whatever the date."""

import datetime
import importlib
import inspect
import zoneinfo
from pathlib import Path

import factory
import pytest
import time_machine
from django.conf import settings
from django.db import transaction

from planbridge import periods
from tests.factories import PlanFactory
from tests.goals.factories import CheckInFactory, GoalFactory, PlanItemFactory

FACTORY_MODULES = sorted(
    ".".join(path.relative_to(Path(__file__).parents[1]).with_suffix("").parts)
    for path in Path(__file__).parent.rglob("factories*.py")
)

# Edges of the calendar in TIME_ZONE: a 1st whose week began in the previous month, the last
# minutes of a year (already the next year east of TIME_ZONE) and of a month, a Sunday night
# at the end of February, a leap day, and just after midnight.
MOMENTS = [
    "2026-12-01T10:00",
    "2026-12-31T23:30",
    "2027-01-31T23:59",
    "2027-02-28T23:50",
    "2028-02-29T12:00",
    "2027-03-01T00:05",
]


def _factories():
    found = {}
    for name in FACTORY_MODULES:
        for _attr, value in inspect.getmembers(importlib.import_module(name), inspect.isclass):
            if issubclass(value, factory.django.DjangoModelFactory) and value._meta.model:
                found[f"{value.__module__}.{value.__name__}"] = value
    return found


def test_each_model_has_exactly_one_factory():
    by_model = {}
    for name, cls in _factories().items():
        by_model.setdefault(cls._meta.model._meta.label, []).append(name)
    assert {label: names for label, names in by_model.items() if len(names) > 1} == {}
    assert {"goals.PlanItem", "goals.Goal", "goals.CheckIn", "reviews.Carryover"} <= set(by_model)


@pytest.mark.parametrize("moment", MOMENTS)
def test_every_factory_builds_valid_rows_at_the_calendars_edges(db, moment):
    destination = datetime.datetime.fromisoformat(moment).replace(
        tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE)
    )
    with time_machine.travel(destination, tick=False):
        today = periods.today()
        for name, cls in sorted(_factories().items()):
            # Each on its own: two company-wide meetings (or reviews) of one week (month)
            # are refused by a unique constraint, which is not what is checked here.
            with transaction.atomic():
                row = cls()
                row.full_clean(validate_unique=False)
                transaction.set_rollback(True)
            assert row.pk, name
        # Without a plan, in a plan that is over (or not begun), in the plan running now.
        running = PlanFactory(start=periods.add_months(periods.month_start(today), -1), end=today)
        for plan in (None, PlanFactory(), running):
            item = PlanItemFactory(plan=plan)
            assert item.start <= item.due
            if plan is not None:
                assert periods.month_start(plan.start) <= item.month <= plan.end
        assert PlanItemFactory(plan=running).month == periods.month_start(today)
        # Due this Monday, maybe in the month before the item's.
        item = PlanItemFactory(due=periods.week_start(today))
        assert item.start <= item.due
        goal = GoalFactory(due=today - datetime.timedelta(days=365))
        assert goal.start <= goal.due
        assert CheckInFactory(goal=goal).date <= today
