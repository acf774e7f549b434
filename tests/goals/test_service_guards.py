"""Goals' services protect themselves: each guard is exercised by calling the service directly,
so that a view or form refusing first cannot hide a missing check (docs/contributing.md
"Guards"). Every refusal is checked by its message, and nothing is written."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from goals import rules, services
from goals.models import CheckIn, Goal, Objective, PlanItem
from planbridge import periods

from .factories import CheckInFactory, PlanItemFactory

RANGE_MESSAGE = "Enter a date between 2000-01-01 and 2100-12-31."
DUE_MESSAGE = "The due date must not be before the start date."
TOO_EARLY = datetime.date(1999, 12, 31)
TOO_LATE = datetime.date(2101, 1, 1)

pytestmark = pytest.mark.django_db


def _messages(error: ValidationError, field: str) -> list[str]:
    return error.value.message_dict[field]


# ---------------------------------------------------------------------------- objectives


def test_a_coordinator_cannot_save_an_objective(dev_coordinator):
    with pytest.raises(PermissionDenied, match="Only project managers"):
        services.objective_save(
            actor=dev_coordinator, title="Grow", quarter=datetime.date(2026, 1, 1)
        )
    assert not Objective.objects.exists()


def test_an_objective_for_a_quarter_outside_the_accepted_years_is_refused(pm):
    with pytest.raises(ValidationError) as error:
        services.objective_save(actor=pm, title="Grow", quarter=TOO_EARLY)
    assert _messages(error, "quarter") == [RANGE_MESSAGE]
    assert not Objective.objects.exists()


# ---------------------------------------------------------------------------- goals


def _goal_fields(departments, owner, **overrides):
    fields = {
        "department": departments["dev"],
        "owner": owner,
        "title": "Finish 12 core functions",
        "start": datetime.date(2026, 1, 1),
        "due": datetime.date(2026, 3, 31),
    }
    return fields | overrides


def test_a_coordinator_cannot_create_a_goal_for_another_department(
    departments, marketing_coordinator
):
    with pytest.raises(PermissionDenied, match="departments you coordinate"):
        services.goal_create(
            actor=marketing_coordinator, **_goal_fields(departments, marketing_coordinator)
        )
    assert not Goal.objects.exists()


def test_a_goal_due_before_its_start_is_not_created(departments, dev_coordinator):
    fields = _goal_fields(departments, dev_coordinator, due=datetime.date(2025, 12, 31))
    with pytest.raises(ValidationError) as error:
        services.goal_create(actor=dev_coordinator, **fields)
    assert _messages(error, "due") == [DUE_MESSAGE]
    assert not Goal.objects.exists()


def test_a_goal_starting_before_the_accepted_years_is_not_created(departments, dev_coordinator):
    fields = _goal_fields(departments, dev_coordinator, start=TOO_EARLY)
    with pytest.raises(ValidationError) as error:
        services.goal_create(actor=dev_coordinator, **fields)
    assert _messages(error, "start") == [RANGE_MESSAGE]
    assert not Goal.objects.exists()


def test_a_coordinator_cannot_change_another_departments_goal(marketing_coordinator, dev_goal):
    with pytest.raises(PermissionDenied, match="change goals of departments"):
        services.goal_update(
            actor=marketing_coordinator, goal=dev_goal, version=dev_goal.version, title="Mine"
        )
    dev_goal.refresh_from_db()
    assert (dev_goal.title, dev_goal.version) == ("Finish 12 core functions", 1)


def test_a_coordinator_cannot_move_a_goal_to_another_department(
    departments, dev_coordinator, dev_goal
):
    with pytest.raises(PermissionDenied, match="move goals to departments"):
        services.goal_update(
            actor=dev_coordinator,
            goal=dev_goal,
            version=dev_goal.version,
            department=departments["marketing"],
        )
    dev_goal.refresh_from_db()
    assert dev_goal.department == departments["dev"]


def test_a_goal_update_naming_an_old_version_is_refused(dev_coordinator, dev_goal):
    services.goal_update(actor=dev_coordinator, goal=dev_goal, version=1, title="First")
    with pytest.raises(services.VersionConflict) as conflict:
        services.goal_update(actor=dev_coordinator, goal=dev_goal, version=1, title="Second")
    assert conflict.value.current.title == "First"
    dev_goal.refresh_from_db()
    assert (dev_goal.title, dev_goal.version) == ("First", 2)


def test_a_goal_update_putting_the_due_date_before_the_start_is_refused(dev_coordinator, dev_goal):
    with pytest.raises(ValidationError) as error:
        services.goal_update(
            actor=dev_coordinator,
            goal=dev_goal,
            version=dev_goal.version,
            due=dev_goal.start - datetime.timedelta(days=1),
        )
    assert _messages(error, "due") == [DUE_MESSAGE]
    dev_goal.refresh_from_db()
    assert dev_goal.due == datetime.date(2026, 3, 31)


def test_a_goal_update_leaves_the_fields_it_does_not_name(dev_coordinator, dev_goal):
    saved = services.goal_update(
        actor=dev_coordinator, goal=dev_goal, version=dev_goal.version, due=None
    )
    assert (saved.due, saved.title, saved.target) == (None, dev_goal.title, dev_goal.target)


# ---------------------------------------------------------------------------- check-ins

PAST_DAY = datetime.date(2026, 2, 1)


def test_a_member_of_another_department_cannot_record_a_check_in(sales_member, dev_goal):
    with pytest.raises(PermissionDenied, match="record check-ins"):
        services.checkin_create(
            actor=sales_member, goal=dev_goal, date=PAST_DAY, value=Decimal(3), confidence=7
        )
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize(
    ("date", "confidence", "field", "message"),
    [
        (None, 11, "confidence", "Confidence is a number from 1 to 10."),
        (None, 0, "confidence", "Confidence is a number from 1 to 10."),
        ("tomorrow", 7, "date", "A check-in cannot be dated in the future."),
        (TOO_EARLY, 7, "date", RANGE_MESSAGE),
    ],
)
def test_a_check_in_with_a_value_out_of_bounds_is_not_recorded(
    dev_member, dev_goal, date, confidence, field, message
):
    if date == "tomorrow":
        date = periods.today() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.checkin_create(
            actor=dev_member,
            goal=dev_goal,
            date=date or PAST_DAY,
            value=Decimal(3),
            confidence=confidence,
        )
    assert _messages(error, field) == [message]
    assert not CheckIn.objects.exists()


def test_a_member_of_another_department_cannot_correct_a_check_in(
    sales_member, dev_member, dev_goal
):
    checkin = CheckInFactory(goal=dev_goal, author=dev_member, date=PAST_DAY, value=3)
    with pytest.raises(PermissionDenied, match="edit its check-ins"):
        services.checkin_update(
            actor=sales_member, checkin=checkin, date=PAST_DAY, value=Decimal(9), confidence=7
        )
    checkin.refresh_from_db()
    assert checkin.value == 3


@pytest.mark.parametrize(
    ("date", "confidence", "field"), [(PAST_DAY, 11, "confidence"), (TOO_EARLY, 7, "date")]
)
def test_a_check_in_corrected_to_a_value_out_of_bounds_is_refused(
    dev_member, dev_goal, date, confidence, field
):
    checkin = CheckInFactory(goal=dev_goal, author=dev_member, date=PAST_DAY, value=3)
    with pytest.raises(ValidationError) as error:
        services.checkin_update(
            actor=dev_member, checkin=checkin, date=date, value=Decimal(9), confidence=confidence
        )
    assert field in error.value.message_dict
    checkin.refresh_from_db()
    assert checkin.value == 3


def test_a_member_of_another_department_cannot_delete_a_check_in(
    sales_member, dev_member, dev_goal
):
    checkin = CheckInFactory(goal=dev_goal, author=dev_member, date=PAST_DAY)
    with pytest.raises(PermissionDenied, match="delete its check-ins"):
        services.checkin_delete(actor=sales_member, checkin=checkin)
    assert CheckIn.objects.filter(pk=checkin.pk).exists()


# ---------------------------------------------------------------------------- plan items


def _item_fields(plan, departments, **overrides):
    fields = {
        "plan": plan,
        "department": departments["dev"],
        "month": datetime.date(2026, 3, 1),
        "title": "Beta release",
        "start": datetime.date(2026, 3, 1),
        "due": datetime.date(2026, 3, 31),
    }
    return fields | overrides


def test_a_coordinator_cannot_plan_for_another_department(plan, departments, marketing_coordinator):
    with pytest.raises(PermissionDenied, match="plan for departments you coordinate"):
        services.plan_item_create(actor=marketing_coordinator, **_item_fields(plan, departments))
    assert not PlanItem.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"due": datetime.date(2026, 2, 28)}, "due", DUE_MESSAGE),
        ({"due": TOO_LATE}, "due", RANGE_MESSAGE),
        (
            {"month": datetime.date(2026, 9, 1)},
            "month",
            "The month must be one of the months the plan owns (2026-01 – 2026-07: from the "
            "month it was created or started to the month after its end).",
        ),
    ],
)
def test_a_plan_item_breaking_a_date_rule_is_not_created(
    plan, departments, dev_coordinator, overrides, field, message
):
    with pytest.raises(ValidationError) as error:
        services.plan_item_create(
            actor=dev_coordinator, **_item_fields(plan, departments, **overrides)
        )
    assert _messages(error, field) == [message]
    assert not PlanItem.objects.exists()


def test_a_plan_item_of_the_month_after_the_plan_s_end_is_its_follow_up(
    plan, departments, dev_coordinator
):
    july = datetime.date(2026, 7, 1)
    fields = _item_fields(plan, departments, month=july, start=july, due=datetime.date(2026, 7, 20))
    item = services.plan_item_create(actor=dev_coordinator, **fields)
    assert item.plan == plan and item.month > plan.end


def test_a_plan_item_of_this_month_belongs_to_a_plan_starting_next_month(
    pm, departments, dev_coordinator
):
    from ..factories import PlanFactory

    this_month = periods.month_start(periods.today())
    start = periods.add_months(this_month, 1)
    plan = PlanFactory(owner=pm, start=start, end=periods.month_end(start))
    fields = _item_fields(
        plan, departments, month=this_month, start=this_month, due=periods.month_end(this_month)
    )
    item = services.plan_item_create(actor=dev_coordinator, **fields)
    assert item.plan == plan and item.month < plan.start


def test_a_coordinator_cannot_change_another_departments_plan_item(marketing_coordinator, dev_item):
    with pytest.raises(PermissionDenied, match="change plan items of departments"):
        services.plan_item_update(
            actor=marketing_coordinator, item=dev_item, version=dev_item.version, title="Mine"
        )
    dev_item.refresh_from_db()
    assert dev_item.title == "Core functions"


def test_a_coordinator_cannot_move_a_plan_item_to_another_department(
    departments, dev_coordinator, dev_item
):
    with pytest.raises(PermissionDenied, match="move plan items to departments"):
        services.plan_item_update(
            actor=dev_coordinator,
            item=dev_item,
            version=dev_item.version,
            department=departments["marketing"],
        )
    dev_item.refresh_from_db()
    assert dev_item.department == departments["dev"]


def test_a_plan_item_update_naming_an_old_version_is_refused(dev_coordinator, dev_item):
    services.plan_item_update(actor=dev_coordinator, item=dev_item, version=1, title="First")
    with pytest.raises(services.VersionConflict):
        services.plan_item_update(actor=dev_coordinator, item=dev_item, version=1, title="Second")
    dev_item.refresh_from_db()
    assert (dev_item.title, dev_item.version) == ("First", 2)


def test_a_plan_item_update_putting_the_due_date_before_the_start_is_refused(
    dev_coordinator, dev_item
):
    with pytest.raises(ValidationError) as error:
        services.plan_item_update(
            actor=dev_coordinator,
            item=dev_item,
            version=dev_item.version,
            due=datetime.date(2026, 1, 31),
        )
    assert _messages(error, "due") == [DUE_MESSAGE]
    dev_item.refresh_from_db()
    assert dev_item.due == datetime.date(2026, 5, 31)


def test_a_plan_item_cannot_depend_on_itself(dev_coordinator, dev_item):
    with pytest.raises(ValidationError) as error:
        services.plan_item_update(
            actor=dev_coordinator, item=dev_item, version=dev_item.version, depends_on=[dev_item]
        )
    assert _messages(error, "depends_on") == ["A plan item cannot depend on itself."]
    assert not dev_item.depends_on.exists()


def test_an_update_closing_a_dependency_cycle_is_refused(dev_coordinator, dev_item, plan):
    later = PlanItemFactory(plan=plan, department=dev_item.department, month=dev_item.month)
    later.depends_on.add(dev_item)
    with pytest.raises(ValidationError) as error:
        services.plan_item_update(
            actor=dev_coordinator, item=dev_item, version=dev_item.version, depends_on=[later]
        )
    assert "would make a cycle" in _messages(error, "depends_on")[0]
    assert not dev_item.depends_on.exists()


def test_a_coordinator_cannot_add_a_dependency_to_another_departments_item(
    marketing_coordinator, dev_item, marketing_item
):
    with pytest.raises(PermissionDenied, match="change plan items of departments"):
        services.plan_item_add_dependency(
            actor=marketing_coordinator, item=dev_item, dependency=marketing_item
        )
    assert not dev_item.depends_on.exists()


def test_adding_a_dependency_that_closes_a_cycle_is_refused(pm, dev_item, marketing_item):
    marketing_item.depends_on.add(dev_item)
    with pytest.raises(ValidationError, match="would make a cycle"):
        services.plan_item_add_dependency(actor=pm, item=dev_item, dependency=marketing_item)
    assert not dev_item.depends_on.exists()


def test_a_member_who_does_not_own_the_item_cannot_set_its_status(sales_member, dev_item):
    with pytest.raises(PermissionDenied, match="set its status"):
        services.plan_item_set_status(
            actor=sales_member, item=dev_item, status=PlanItem.Status.DONE
        )
    dev_item.refresh_from_db()
    assert dev_item.status == PlanItem.Status.PLANNED


def test_an_unknown_status_is_refused(dev_member, dev_item):
    with pytest.raises(ValidationError) as error:
        services.plan_item_set_status(actor=dev_member, item=dev_item, status="finished")
    assert _messages(error, "status") == ["Unknown status."]
    dev_item.refresh_from_db()
    assert dev_item.status == PlanItem.Status.PLANNED


# ---------------------------------------------------------------------------- the state rules


@pytest.mark.parametrize("status", PlanItem.Status.values)
def test_an_open_plan_item_is_the_same_in_python_and_in_sql(dev_item, status):
    PlanItem.objects.filter(pk=dev_item.pk).update(status=status)
    dev_item.refresh_from_db()
    in_sql = PlanItem.objects.filter(rules.open_plan_item_q(), pk=dev_item.pk).exists()
    assert rules.plan_item_is_open(dev_item) is in_sql
    assert in_sql is (status not in (PlanItem.Status.DONE, PlanItem.Status.DROPPED))


@pytest.mark.parametrize(
    ("start", "due", "holds"),
    [
        (datetime.date(2026, 1, 2), datetime.date(2026, 1, 1), False),
        (datetime.date(2026, 1, 1), datetime.date(2026, 1, 1), True),
        (datetime.date(2026, 1, 1), datetime.date(2026, 1, 2), True),
        (datetime.date(2026, 1, 1), None, True),
    ],
)
def test_due_not_before_start_is_the_same_in_python_and_in_the_database(
    dev_goal, start, due, holds
):
    assert rules.due_not_before_start(start, due) is holds
    Goal.objects.filter(pk=dev_goal.pk).update(due=None)
    Goal.objects.filter(pk=dev_goal.pk).update(start=start)
    if holds:
        Goal.objects.filter(pk=dev_goal.pk).update(due=due)
    else:
        with pytest.raises(IntegrityError), transaction.atomic():
            Goal.objects.filter(pk=dev_goal.pk).update(due=due)


OWNER_MESSAGE = "The owner must be an active member of the item's department or of its plan's team."


def test_a_plan_item_owned_by_someone_outside_its_department_and_plan_team_is_refused(
    plan, departments, dev_coordinator, sales_member
):
    with pytest.raises(ValidationError) as error:
        services.plan_item_create(
            actor=dev_coordinator, owner=sales_member, **_item_fields(plan, departments)
        )
    assert _messages(error, "owner") == [OWNER_MESSAGE]
    assert not PlanItem.objects.exists()


def test_a_plan_item_may_be_owned_by_its_plan_s_team_or_its_department(
    plan, departments, dev_coordinator, marketing_coordinator, dev_member
):
    for owner in (marketing_coordinator, dev_member):
        item = services.plan_item_create(
            actor=dev_coordinator, owner=owner, **_item_fields(plan, departments)
        )
        assert item.owner == owner


def test_an_inactive_owner_is_refused(plan, departments, dev_coordinator, dev_member):
    dev_member.is_active = False
    dev_member.save()
    with pytest.raises(ValidationError) as error:
        services.plan_item_create(
            actor=dev_coordinator, owner=dev_member, **_item_fields(plan, departments)
        )
    assert _messages(error, "owner") == [OWNER_MESSAGE]


def test_a_plan_item_cannot_be_handed_to_someone_outside_it(
    dev_coordinator, dev_item, sales_member
):
    with pytest.raises(ValidationError) as error:
        services.plan_item_update(
            actor=dev_coordinator, item=dev_item, version=dev_item.version, owner=sales_member
        )
    assert _messages(error, "owner") == [OWNER_MESSAGE]
    dev_item.refresh_from_db()
    assert dev_item.owner != sales_member


def test_an_item_whose_owner_left_can_still_be_edited_without_changing_its_owner(
    dev_coordinator, dev_item, dev_member
):
    dev_member.memberships.all().delete()
    item = services.plan_item_update(
        actor=dev_coordinator, item=dev_item, version=dev_item.version, title="Core v2"
    )
    assert (item.title, item.owner) == ("Core v2", dev_member)
