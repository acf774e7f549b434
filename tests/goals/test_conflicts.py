"""Rhythm conflicts and dependency cycles (docs/architecture.md "Domain": an item starts
before an item it depends on is due, or depends on a blocked or overdue item; cycles are
refused)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from goals import selectors, services
from goals.models import PlanItem
from tests.factories import PlanFactory

from .factories import PlanItemFactory

TODAY = datetime.date(2026, 5, 10)


def conflicts(**kwargs):
    return [
        (c.item.title, c.dependency.title, c.reason)
        for c in selectors.rhythm_conflicts(on_date=kwargs.pop("on_date", TODAY), **kwargs)
    ]


def test_starting_before_a_dependency_is_due_is_a_conflict(dev_item, marketing_item):
    marketing_item.depends_on.add(dev_item)  # warm-up starts 05-01, core functions due 05-31
    [conflict] = selectors.rhythm_conflicts(on_date=TODAY)
    assert (conflict.item, conflict.dependency, conflict.reason) == (
        marketing_item,
        dev_item,
        "starts_before_due",
    )
    assert "Warm-up campaign" in conflict.message and "2026-05-31" in conflict.message


def test_starting_after_the_dependency_is_due_is_no_conflict(dev_item, marketing_item):
    PlanItem.objects.filter(pk=marketing_item.pk).update(start=datetime.date(2026, 6, 1))
    marketing_item.depends_on.add(dev_item)
    assert conflicts() == []


def test_depending_on_a_blocked_item_is_a_conflict(dev_item, marketing_item):
    PlanItem.objects.filter(pk=marketing_item.pk).update(start=datetime.date(2026, 6, 1))
    PlanItem.objects.filter(pk=dev_item.pk).update(status=PlanItem.Status.BLOCKED)
    marketing_item.depends_on.add(dev_item)
    assert conflicts() == [("Warm-up campaign", "Core functions", "depends_on_blocked")]


def test_depending_on_an_overdue_item_is_a_conflict_once_its_due_date_passed(
    dev_item, marketing_item
):
    PlanItem.objects.filter(pk=marketing_item.pk).update(start=datetime.date(2026, 6, 1))
    marketing_item.depends_on.add(dev_item)
    assert conflicts(on_date=datetime.date(2026, 5, 31)) == []
    assert conflicts(on_date=datetime.date(2026, 6, 1)) == [
        ("Warm-up campaign", "Core functions", "depends_on_overdue")
    ]


@pytest.mark.parametrize("status", [PlanItem.Status.DONE, PlanItem.Status.DROPPED])
def test_a_finished_dependency_or_a_finished_item_has_no_conflict(dev_item, marketing_item, status):
    marketing_item.depends_on.add(dev_item)
    PlanItem.objects.filter(pk=dev_item.pk).update(status=status)
    assert conflicts() == []
    PlanItem.objects.filter(pk=dev_item.pk).update(status=PlanItem.Status.BLOCKED)
    PlanItem.objects.filter(pk=marketing_item.pk).update(status=status)
    assert conflicts() == []


def test_conflicts_filter_by_plan_department_on_either_side_month_and_item(
    dev_item, marketing_item, departments, plan
):
    marketing_item.depends_on.add(dev_item)
    expected = [("Warm-up campaign", "Core functions", "starts_before_due")]
    assert conflicts(plan=plan) == expected
    assert conflicts(plan=PlanFactory()) == []
    assert conflicts(department_ids=[departments["dev"].pk]) == expected
    assert conflicts(department_ids=[departments["sales"].pk]) == []
    assert conflicts(month=datetime.date(2026, 5, 17)) == expected
    assert conflicts(month=datetime.date(2026, 2, 1)) == []
    assert conflicts(item_ids=[dev_item.pk]) == expected


def test_rhythm_conflicts_run_one_query(django_assert_num_queries, departments, plan):
    items = [PlanItemFactory(plan=plan, department=departments["dev"]) for _ in range(30)]
    for earlier, later in zip(items, items[1:], strict=False):
        later.depends_on.add(earlier)
    with django_assert_num_queries(1):  # dependency edges joined with both items
        assert len(selectors.rhythm_conflicts(on_date=TODAY)) == 29


def test_the_service_creates_an_item_depending_on_another_department(
    marketing_coordinator, departments, plan, dev_item
):
    item = services.plan_item_create(
        actor=marketing_coordinator,
        plan=plan,
        department=departments["marketing"],
        month=datetime.date(2026, 5, 12),
        title="Warm-up",
        start=datetime.date(2026, 5, 12),
        due=datetime.date(2026, 5, 30),
        depends_on=[dev_item],
    )
    assert item.month == datetime.date(2026, 5, 1)
    assert list(item.depends_on.all()) == [dev_item]


def test_an_item_depending_on_itself_is_refused(pm, dev_item):
    with pytest.raises(ValidationError, match="cannot depend on itself"):
        services.plan_item_update(
            actor=pm, item=dev_item, version=dev_item.version, depends_on=[dev_item]
        )
    assert dev_item.depends_on.count() == 0


def test_a_two_item_cycle_is_refused(pm, dev_item, marketing_item):
    services.plan_item_add_dependency(actor=pm, item=marketing_item, dependency=dev_item)
    with pytest.raises(ValidationError, match="cycle"):
        services.plan_item_add_dependency(actor=pm, item=dev_item, dependency=marketing_item)
    assert dev_item.depends_on.count() == 0


def test_a_cycle_across_three_departments_is_refused_with_a_clear_message(
    pm, departments, plan, dev_item, marketing_item
):
    sales_item = PlanItemFactory(title="Launch", plan=plan, department=departments["sales"])
    # Marketing waits on Development, Sales waits on Marketing ...
    marketing_item.depends_on.add(dev_item)
    sales_item.depends_on.add(marketing_item)
    # ... so Development waiting on Sales would close the circle.
    with pytest.raises(ValidationError) as error:
        services.plan_item_update(
            actor=pm, item=dev_item, version=dev_item.version, depends_on=[sales_item]
        )
    message = error.value.message_dict["depends_on"][0]
    assert "“Launch” (Sales)" in message and "cycle" in message
    dev_item.refresh_from_db()
    assert dev_item.depends_on.count() == 0
    assert dev_item.version == 1


def test_a_diamond_is_not_a_cycle(pm, departments, plan, dev_item, marketing_item):
    sales_item = PlanItemFactory(title="Launch", plan=plan, department=departments["sales"])
    marketing_item.depends_on.add(dev_item)
    services.plan_item_update(
        actor=pm,
        item=sales_item,
        version=sales_item.version,
        depends_on=[dev_item, marketing_item],
    )
    assert set(sales_item.depends_on.all()) == {dev_item, marketing_item}


def test_cycle_detection_takes_one_query_per_level_of_dependencies(
    django_assert_max_num_queries, departments, plan
):
    chain = [PlanItemFactory(plan=plan, department=departments["dev"]) for _ in range(5)]
    for earlier, later in zip(chain, chain[1:], strict=False):
        later.depends_on.add(earlier)
    with django_assert_max_num_queries(6):  # one per level plus the empty last frontier
        assert not selectors.dependency_reaches(start_ids=[chain[-1].pk], target_id=10**9)
