"""Archived plans and departments take no new weekly work: asks, updates, meetings and action
items (docs/architecture.md "Nothing with history is deleted"), refused on a direct call."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from meetings.models import ActionItem, Ask, Meeting, WeeklyUpdate
from meetings.services import action_item_create, ask_raise, meeting_create, weekly_update_submit
from planbridge import services as core_services
from planbridge.periods import today

from .factories import MeetingFactory

pytestmark = pytest.mark.django_db

PLAN_ARCHIVED = "This plan is archived and takes no new work."
DEPARTMENT_ARCHIVED = "This department is archived and takes no new work."


def test_no_ask_goes_to_an_archived_department(pm, dev_coordinator, departments):
    sales = core_services.department_archive(actor=pm, department=departments["sales"])
    with pytest.raises(ValidationError) as refused:
        ask_raise(
            actor=dev_coordinator,
            from_department=departments["dev"],
            to_department=sales,
            what="Customer list",
            needed_by=today() + datetime.timedelta(days=7),
        )
    assert refused.value.message_dict["to_department"] == [DEPARTMENT_ARCHIVED]
    assert not Ask.objects.exists()


def test_no_weekly_update_is_written_for_an_archived_plan(pm, dev_coordinator, departments, week):
    plan = core_services.plan_archive(actor=pm, plan=_running_plan(pm))
    with pytest.raises(ValidationError) as refused:
        weekly_update_submit(
            actor=dev_coordinator,
            department=departments["dev"],
            week=week,
            plan=plan,
            progress="Core functions in test",
            next_week="",
            problems="",
            version=0,
        )
    assert refused.value.message_dict["plan"] == [PLAN_ARCHIVED]
    assert not WeeklyUpdate.objects.exists()


def test_no_meeting_is_created_in_an_archived_plan(pm):
    plan = core_services.plan_archive(actor=pm, plan=_running_plan(pm))
    with pytest.raises(ValidationError) as refused:
        meeting_create(actor=pm, date=today(), plan=plan)
    assert refused.value.message_dict["plan"] == [PLAN_ARCHIVED]
    assert not Meeting.objects.exists()


def test_no_action_item_goes_to_an_archived_department(pm, sales_member, departments):
    meeting = MeetingFactory(date=today(), facilitator=pm)
    sales = core_services.department_archive(actor=pm, department=departments["sales"])
    with pytest.raises(ValidationError) as refused:
        action_item_create(
            actor=pm,
            meeting=meeting,
            title="Call the customers",
            owner=sales_member,
            department=sales,
            due=today() + datetime.timedelta(days=7),
        )
    assert refused.value.message_dict["department"] == [DEPARTMENT_ARCHIVED]
    assert not ActionItem.objects.exists()


def _running_plan(pm):
    from ..factories import PlanFactory

    return PlanFactory(
        owner=pm,
        start=today() - datetime.timedelta(days=30),
        end=today() + datetime.timedelta(days=60),
    )
