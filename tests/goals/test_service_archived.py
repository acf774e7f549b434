"""Archived plans and departments take no new plan items (docs/architecture.md "Nothing with
history is deleted"), called directly as the guard check does (docs/contributing.md "Guards")."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from goals import services
from goals.models import PlanItem
from planbridge import services as core_services

pytestmark = pytest.mark.django_db


def _item_fields(plan, department):
    return {
        "plan": plan,
        "department": department,
        "month": datetime.date(2026, 3, 1),
        "title": "Beta release",
        "start": datetime.date(2026, 3, 1),
        "due": datetime.date(2026, 3, 31),
    }


def test_no_new_plan_item_goes_into_an_archived_plan(pm, plan, departments):
    plan = core_services.plan_archive(actor=pm, plan=plan)
    with pytest.raises(ValidationError) as refused:
        services.plan_item_create(actor=pm, **_item_fields(plan, departments["dev"]))
    assert refused.value.message_dict["plan"] == ["This plan is archived and takes no new work."]
    assert not PlanItem.objects.exists()


def test_no_new_plan_item_goes_to_an_archived_department(pm, plan, departments):
    sales = core_services.department_archive(actor=pm, department=departments["sales"])
    with pytest.raises(ValidationError) as refused:
        services.plan_item_create(actor=pm, **_item_fields(plan, sales))
    assert refused.value.message_dict["department"] == [
        "This department is archived and takes no new work."
    ]
    assert not PlanItem.objects.exists()


def test_a_plan_brought_back_takes_new_items_again(pm, plan, departments):
    core_services.plan_archive(actor=pm, plan=plan)
    plan = core_services.plan_unarchive(actor=pm, plan=plan)
    item = services.plan_item_create(actor=pm, **_item_fields(plan, departments["dev"]))
    assert item.plan == plan


def test_no_goal_is_created_for_an_archived_department(pm, departments):
    from goals.models import Goal

    sales = core_services.department_archive(actor=pm, department=departments["sales"])
    with pytest.raises(ValidationError) as refused:
        services.goal_create(
            actor=pm,
            department=sales,
            owner=pm,
            title="Sign ten customers",
            start=datetime.date(2026, 1, 1),
            due=datetime.date(2026, 3, 31),
        )
    assert refused.value.message_dict["department"] == [
        "This department is archived and takes no new work."
    ]
    assert not Goal.objects.exists()
