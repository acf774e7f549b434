"""The meeting and action item services refuse on their own what the forms and views refuse
first: each guard is hit by a direct call, and nothing is written."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from meetings.models import ActionItem, Meeting
from meetings.services import (
    action_item_create,
    action_item_set_status,
    meeting_create,
    meeting_record,
)
from planbridge.periods import add_months, month_end, month_start, today
from planbridge.rules import plan_first_day, plan_last_day

from ..factories import PlanFactory, UserFactory
from .factories import ActionItemFactory, MeetingFactory


def test_a_pm_creates_a_meeting_without_plan_and_a_plan_owner_one_of_their_plan(
    pm, running_plan, dev_coordinator
):
    assert meeting_create(actor=pm, date=today()).facilitator == pm
    running_plan.owner = dev_coordinator
    running_plan.save()
    meeting = meeting_create(actor=dev_coordinator, date=today(), plan=running_plan)
    assert meeting.plan == running_plan


def test_creating_a_meeting_is_refused_to_who_is_neither_pm_nor_the_plan_owner(
    dev_coordinator, sales_member, running_plan
):
    for plan in (None, running_plan):
        for actor in (dev_coordinator, sales_member):
            with pytest.raises(PermissionDenied, match="project manager or the plan's owner"):
                meeting_create(actor=actor, date=today(), plan=plan)
    assert not Meeting.objects.exists()


def test_a_meeting_date_outside_the_accepted_years_is_refused(pm):
    with pytest.raises(ValidationError, match="Enter a date between 2000-01-01 and 2100-12-31"):
        meeting_create(actor=pm, date=datetime.date(2101, 1, 3))
    assert not Meeting.objects.exists()


def test_a_meeting_outside_the_days_its_plan_owns_is_refused(pm, running_plan):
    # The plan owns from its start (created later) to the end of the month after its end.
    first, last = plan_first_day(running_plan), plan_last_day(running_plan)
    assert first == running_plan.start
    for day in (first - datetime.timedelta(days=1), last + datetime.timedelta(days=1)):
        with pytest.raises(ValidationError) as refused:
            meeting_create(actor=pm, date=day, plan=running_plan)
        assert refused.value.message_dict["date"] == [
            f"The meeting date is outside the days the plan “Launch plan” owns ({first} – "
            f"{last}: from its creation or start to the end of the month after its end)."
        ]
    assert not Meeting.objects.exists()


def test_a_meeting_of_a_plan_before_its_start_is_accepted(pm, departments):
    # Created today, starting next month: the plan owns its preparation.
    start = add_months(month_start(today()), 1)
    plan = PlanFactory(title="R&D and launch", owner=pm, start=start, end=month_end(start))
    meeting = meeting_create(actor=pm, date=today(), plan=plan)
    assert meeting.plan == plan and meeting.date < plan.start


def test_a_meeting_in_the_month_after_its_plan_s_end_is_accepted(pm, running_plan):
    day = plan_last_day(running_plan)
    assert day > running_plan.end and month_start(day) == add_months(
        month_start(running_plan.end), 1
    )
    assert meeting_create(actor=pm, date=day, plan=running_plan).plan == running_plan


def test_a_second_meeting_of_the_same_week_is_refused(pm, running_plan):
    for plan in (None, running_plan):
        first = meeting_create(actor=pm, date=today(), plan=plan)
        with pytest.raises(ValidationError, match="already has its coordination meeting"):
            meeting_create(actor=pm, date=today(), plan=plan)
        assert list(Meeting.objects.filter(plan=plan)) == [first]


@pytest.fixture
def meeting(pm, running_plan, dev_coordinator):
    return MeetingFactory(plan=running_plan, facilitator=dev_coordinator)


def test_recording_a_meeting_is_refused_to_who_does_not_run_it(
    meeting, marketing_coordinator, sales_member
):
    for actor in (marketing_coordinator, sales_member):
        with pytest.raises(PermissionDenied, match="records the meeting"):
            meeting_record(actor=actor, meeting=meeting, attendees=[actor], notes="Mine")
    meeting.refresh_from_db()
    assert meeting.notes == "" and not meeting.attendees.exists()


def _action(actor, meeting, departments, **overrides):
    arguments = {
        "actor": actor,
        "meeting": meeting,
        "title": "Send the brochure draft",
        "owner": actor,
        "department": departments["dev"],
        "due": meeting.date + datetime.timedelta(days=7),
    }
    arguments.update(overrides)
    return action_item_create(**arguments)


def test_the_facilitator_records_an_action_item(meeting, dev_coordinator, departments):
    item = _action(dev_coordinator, meeting, departments)
    assert item.status == ActionItem.Status.OPEN and item.meeting == meeting


def test_recording_an_action_is_refused_to_who_does_not_run_the_meeting(
    meeting, marketing_coordinator, departments
):
    with pytest.raises(PermissionDenied, match="records actions"):
        _action(marketing_coordinator, meeting, departments)
    assert not ActionItem.objects.exists()


def test_an_action_that_says_nothing_is_refused(meeting, dev_coordinator, departments):
    with pytest.raises(ValidationError, match="Say what the action is"):
        _action(dev_coordinator, meeting, departments, title="  ")
    assert not ActionItem.objects.exists()


def test_an_action_due_outside_the_accepted_years_is_refused(meeting, dev_coordinator, departments):
    with pytest.raises(ValidationError, match="Enter a date between 2000-01-01 and 2100-12-31"):
        _action(dev_coordinator, meeting, departments, due=datetime.date(2101, 1, 1))
    assert not ActionItem.objects.exists()


def test_an_action_due_before_its_meeting_is_refused(meeting, dev_coordinator, departments):
    with pytest.raises(ValidationError, match="due before the meeting that agreed it"):
        _action(dev_coordinator, meeting, departments, due=meeting.date - datetime.timedelta(1))
    assert not ActionItem.objects.exists()


def test_an_action_owned_by_an_inactive_user_is_refused(meeting, dev_coordinator, departments):
    gone = UserFactory(username="gone.user", is_active=False)
    with pytest.raises(ValidationError, match="must be an active user"):
        _action(dev_coordinator, meeting, departments, owner=gone)
    assert not ActionItem.objects.exists()


def test_an_unknown_action_status_is_refused(meeting, dev_coordinator):
    item = ActionItemFactory(meeting=meeting, owner=dev_coordinator)
    with pytest.raises(ValidationError, match="Unknown status"):
        action_item_set_status(actor=dev_coordinator, item=item, status="forgotten")
    item.refresh_from_db()
    assert item.status == ActionItem.Status.OPEN


def test_the_owner_and_who_runs_the_meeting_set_an_action_s_status_and_nobody_else(
    meeting, dev_coordinator, marketing_coordinator, sales_member, pm
):
    item = ActionItemFactory(meeting=meeting, owner=sales_member)
    with pytest.raises(PermissionDenied, match="Only the action's owner"):
        action_item_set_status(actor=marketing_coordinator, item=item, status="done")
    item.refresh_from_db()
    assert item.status == ActionItem.Status.OPEN and item.done_at is None
    for actor, status in ((sales_member, "done"), (dev_coordinator, "open"), (pm, "done")):
        assert action_item_set_status(actor=actor, item=item, status=status).status == status
