"""The core's role predicates and their Q twins agree (docs/architecture.md "Where code
goes")."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from planbridge import rules
from planbridge.models import Department, Plan

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["pm", "dev_coordinator", "marketing_coordinator", "dev_member"])
def test_managed_departments_are_the_same_in_python_and_in_sql(request, departments, who):
    user = request.getfixturevalue(who)
    listed = set(
        Department.objects.filter(rules.managed_departments_q(user)).values_list("pk", flat=True)
    )
    assert listed == {
        department.pk
        for department in departments.values()
        if rules.can_manage_department(user, department.pk)
    }


@pytest.mark.parametrize(
    ("start", "end", "holds"),
    [
        (datetime.date(2026, 1, 2), datetime.date(2026, 1, 1), False),
        (datetime.date(2026, 1, 1), datetime.date(2026, 1, 1), True),
        (datetime.date(2026, 1, 1), datetime.date(2026, 6, 30), True),
    ],
)
def test_a_plans_end_rule_is_the_same_in_python_and_in_the_database(pm, start, end, holds):
    assert rules.plan_end_not_before_start(start, end) is holds
    plan = Plan(title="Launch", start=start, end=end, owner=pm)
    if holds:
        plan.save()
    else:
        with pytest.raises(IntegrityError), transaction.atomic():
            plan.save()


PLAN_PERIOD = Plan(start=datetime.date(2026, 7, 15), end=datetime.date(2026, 12, 10))


@pytest.mark.parametrize(
    ("day", "inside"),
    [
        (datetime.date(2026, 7, 14), False),
        (datetime.date(2026, 7, 15), True),
        (datetime.date(2026, 12, 10), True),
        # The month after the end is the plan's follow-up.
        (datetime.date(2026, 12, 11), True),
        (datetime.date(2027, 1, 31), True),
        (datetime.date(2027, 2, 1), False),
    ],
)
def test_a_plan_owns_the_days_from_its_start_to_the_month_after_its_end(day, inside):
    assert rules.date_in_plan(PLAN_PERIOD, day) is inside


@pytest.mark.parametrize(
    ("month", "inside"),
    [
        (datetime.date(2026, 6, 1), False),
        # The months the plan starts and ends in count whole, and so does the month after.
        (datetime.date(2026, 7, 1), True),
        (datetime.date(2026, 12, 1), True),
        (datetime.date(2027, 1, 1), True),
        (datetime.date(2027, 2, 1), False),
    ],
)
def test_a_plan_owns_the_months_from_its_start_to_the_month_after_its_end(month, inside):
    assert rules.month_in_plan(PLAN_PERIOD, month) is inside


def test_a_plan_created_before_its_start_owns_its_preparation(pm):
    plan = Plan.objects.create(
        title="Launch", start=datetime.date(2027, 1, 1), end=datetime.date(2027, 3, 31), owner=pm
    )
    Plan.objects.filter(pk=plan.pk).update(
        created_at=datetime.datetime(2026, 11, 20, 12, tzinfo=datetime.UTC)
    )
    plan.refresh_from_db()
    assert rules.plan_first_day(plan) == datetime.date(2026, 11, 20)
    assert rules.date_in_plan(plan, datetime.date(2026, 11, 20))
    assert not rules.date_in_plan(plan, datetime.date(2026, 11, 19))
    assert rules.month_in_plan(plan, datetime.date(2026, 11, 1))
    assert not rules.month_in_plan(plan, datetime.date(2026, 10, 1))


@pytest.mark.parametrize(
    "day",
    [
        datetime.date(2026, 10, 31),
        datetime.date(2026, 11, 1),
        datetime.date(2026, 11, 19),
        datetime.date(2026, 11, 20),
        datetime.date(2027, 1, 1),
        datetime.date(2027, 3, 31),
        datetime.date(2027, 4, 30),
        datetime.date(2027, 5, 1),
    ],
)
def test_the_plan_filters_agree_with_the_plan_rules(pm, day):
    plan = Plan.objects.create(
        title="Launch", start=datetime.date(2027, 1, 1), end=datetime.date(2027, 3, 31), owner=pm
    )
    Plan.objects.filter(pk=plan.pk).update(
        created_at=datetime.datetime(2026, 11, 20, 12, tzinfo=datetime.UTC)
    )
    plan.refresh_from_db()
    owning_day = Plan.objects.filter(rules.plans_owning_date_q(day), pk=plan.pk).exists()
    owning_month = Plan.objects.filter(rules.plans_owning_month_q(day), pk=plan.pk).exists()
    assert owning_day is rules.date_in_plan(plan, day)
    assert owning_month is rules.month_in_plan(plan, day)
