"""weekly_update_submit refuses on its own what the form and view refuse first: each guard
is hit by a direct call, and nothing is written."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from goals.models import PlanItem
from meetings.models import WeeklyUpdate
from meetings.services import weekly_update_submit

from ..goals.factories import PlanItemFactory


def _submit(actor, department, week, **overrides):
    arguments = {
        "actor": actor,
        "department": department,
        "week": week,
        "progress": "Core functions in test",
        "next_week": "",
        "problems": "",
        "version": 0,
    }
    arguments.update(overrides)
    return weekly_update_submit(**arguments)


def test_a_coordinator_submits_the_department_s_update(dev_coordinator, departments, week):
    update = _submit(dev_coordinator, departments["dev"], week)
    assert update.version == 1 and update.author == dev_coordinator


def test_an_update_by_who_does_not_coordinate_the_department_is_refused(
    marketing_coordinator, dev_member, pm, departments, week
):
    for actor in (marketing_coordinator, dev_member, pm):
        with pytest.raises(PermissionDenied, match="Only coordinators of the department"):
            _submit(actor, departments["dev"], week)
    assert not WeeklyUpdate.objects.exists()


def test_a_week_outside_the_accepted_years_is_refused(dev_coordinator, departments):
    with pytest.raises(ValidationError, match="Enter a date between 2000-01-01 and 2100-12-31"):
        _submit(dev_coordinator, departments["dev"], datetime.date(1999, 12, 27))
    assert not WeeklyUpdate.objects.exists()


def test_a_week_not_given_by_its_monday_is_refused(dev_coordinator, departments, week):
    with pytest.raises(ValidationError, match="A week is given by its Monday"):
        _submit(dev_coordinator, departments["dev"], week + datetime.timedelta(days=2))
    assert not WeeklyUpdate.objects.exists()


def test_an_update_of_another_week_is_refused(dev_coordinator, departments, week):
    for other in (week - datetime.timedelta(days=7), week + datetime.timedelta(days=7)):
        with pytest.raises(ValidationError, match="Only the current week's update"):
            _submit(dev_coordinator, departments["dev"], other)
    assert not WeeklyUpdate.objects.exists()


def test_an_empty_update_is_refused(dev_coordinator, departments, week):
    with pytest.raises(ValidationError, match="Write at least one of progress"):
        _submit(dev_coordinator, departments["dev"], week, progress=" ", problems="\n")
    assert not WeeklyUpdate.objects.exists()


def test_a_stale_version_is_refused(dev_coordinator, departments, week):
    _submit(dev_coordinator, departments["dev"], week)
    with pytest.raises(ValidationError, match="Someone else saved this weekly update"):
        _submit(dev_coordinator, departments["dev"], week, progress="Overwrite", version=0)
    assert WeeklyUpdate.objects.get().progress == "Core functions in test"


def test_setting_another_department_s_plan_item_is_refused(dev_coordinator, departments, week):
    theirs = PlanItemFactory(department=departments["marketing"])
    with pytest.raises(ValidationError, match="Only the department's own plan items"):
        _submit(
            dev_coordinator,
            departments["dev"],
            week,
            item_statuses={theirs: PlanItem.Status.DONE},
        )
    theirs.refresh_from_db()
    assert theirs.status == PlanItem.Status.PLANNED
    assert not WeeklyUpdate.objects.exists()


def test_a_plan_item_status_changed_since_the_form_showed_it_is_refused(
    dev_coordinator, departments, week
):
    item = PlanItemFactory(department=departments["dev"], status=PlanItem.Status.BLOCKED)
    with pytest.raises(ValidationError, match="Someone else changed the status"):
        _submit(
            dev_coordinator,
            departments["dev"],
            week,
            item_statuses={item: PlanItem.Status.DONE},
            statuses_shown={item.pk: PlanItem.Status.PLANNED},
        )
    item.refresh_from_db()
    assert item.status == PlanItem.Status.BLOCKED
    assert not WeeklyUpdate.objects.exists()


def _plan_starting_next_month(pm):
    from planbridge.periods import add_months, month_end, month_start, today

    from ..factories import PlanFactory

    start = add_months(month_start(today()), 1)
    return PlanFactory(title="R&D and launch", owner=pm, start=start, end=month_end(start))


def test_an_update_of_a_plan_before_its_start_is_accepted(pm, dev_coordinator, departments, week):
    # Created today, starting next month: this week's preparation is the plan's.
    plan = _plan_starting_next_month(pm)
    update = _submit(dev_coordinator, departments["dev"], week, plan=plan)
    assert update.plan == plan and update.week < plan.start


def test_an_update_of_a_plan_that_does_not_own_the_week_is_refused(
    pm, dev_coordinator, departments, week
):
    from planbridge.periods import add_months, month_end, month_start
    from planbridge.rules import plan_first_day, plan_last_day

    from ..factories import PlanFactory

    # Ended three months ago: its follow-up month is over too.
    start = add_months(month_start(week), -5)
    ended = PlanFactory(title="Old plan", start=start, end=month_end(add_months(start, 1)))
    assert plan_last_day(ended) < week
    with pytest.raises(ValidationError) as refused:
        _submit(dev_coordinator, departments["dev"], week, plan=ended)
    assert refused.value.messages == [
        f"This week is outside the days the plan “Old plan” owns ({plan_first_day(ended)} – "
        f"{plan_last_day(ended)}: from its creation or start to the end of the month after its "
        "end)."
    ]
    assert not WeeklyUpdate.objects.exists()
