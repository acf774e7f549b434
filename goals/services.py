"""State changes of goals: objectives, goals, check-ins and plan items. Each service runs in
one transaction, checks who may act, and refuses broken rules with a translated
ValidationError (docs/architecture.md "Where code goes")."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from planbridge import periods, rules
from planbridge.models import Department, Plan

from . import selectors
from .models import CheckIn, Goal, Objective, PlanItem

GOAL_FIELDS = (
    "title",
    "description",
    "metric",
    "unit",
    "baseline",
    "target",
    "direction",
    "start",
    "due",
    "owner",
    "department",
    "objective",
    "plan",
)
PLAN_ITEM_FIELDS = (
    "plan",
    "department",
    "month",
    "title",
    "description",
    "owner",
    "start",
    "due",
    "status",
    "goal",
)
# Any fixed number: the key of the advisory lock that serializes dependency changes.
DEPENDENCY_LOCK_KEY = 31_031


class VersionConflict(ValidationError):
    """A save named a version older than the stored one; `current` is the stored row."""

    def __init__(self, message, *, current):
        super().__init__(message, code="version_conflict")
        self.current = current


# ---------------------------------------------------------------------------- permissions


def can_edit_goal(user, goal: Goal) -> bool:
    return rules.can_manage_department(user, goal.department_id)


def can_check_in(user, goal: Goal) -> bool:
    """Goal owners, coordinators of the goal's department and PMs record check-ins."""
    return goal.owner_id == user.pk or can_edit_goal(user, goal)


def can_edit_plan_item(user, item: PlanItem) -> bool:
    return rules.can_manage_department(user, item.department_id)


def can_set_plan_item_status(user, item: PlanItem) -> bool:
    """PMs, coordinators of the item's department and the item's owner set its status."""
    return (item.owner_id is not None and item.owner_id == user.pk) or can_edit_plan_item(
        user, item
    )


# ---------------------------------------------------------------------------- objectives


@transaction.atomic
def objective_save(
    *,
    actor,
    objective: Objective | None = None,
    title: str,
    quarter: datetime.date,
    description: str = "",
    plan: Plan | None = None,
) -> Objective:
    """Creates or changes a company objective for the quarter containing `quarter`; PMs
    only."""
    if not rules.is_pm(actor):
        raise PermissionDenied(_("Only project managers can create or change objectives."))
    periods.check_dates_in_range(quarter=quarter)
    if objective is None:
        objective = Objective(owner=actor)
    objective.title = title
    objective.description = description
    objective.quarter = periods.quarter_start(quarter)
    objective.plan = plan
    objective.full_clean()
    objective.save()
    return objective


# ---------------------------------------------------------------------------- goals


def _check_goal_dates(start, due) -> None:
    periods.check_dates_in_range(start=start, due=due)
    if due is not None and start is not None and due < start:
        raise ValidationError({"due": _("The due date must not be before the start date.")})


@transaction.atomic
def goal_create(*, actor, department: Department, owner, title: str, start, **fields) -> Goal:
    """Creates a department goal; PMs and coordinators of the department only. Failed SMART
    letters do not stop the save (the check warns)."""
    if not rules.can_manage_department(actor, department.pk):
        raise PermissionDenied(_("You can only create goals for departments you coordinate."))
    unknown = set(fields) - set(GOAL_FIELDS)
    if unknown:
        raise TypeError(f"unknown goal fields: {sorted(unknown)}")
    goal = Goal(department=department, owner=owner, title=title, start=start, **fields)
    _check_goal_dates(goal.start, goal.due)
    goal.full_clean()
    goal.save()
    return goal


@transaction.atomic
def goal_update(*, actor, goal: Goal, version: int, **fields) -> Goal:
    """Changes a goal if `version` is still the stored one (else VersionConflict, nothing
    written); the actor must manage both the old and the new department."""
    current = Goal.objects.select_for_update().get(pk=goal.pk)
    if not rules.can_manage_department(actor, current.department_id):
        raise PermissionDenied(_("You can only change goals of departments you coordinate."))
    if current.version != version:
        raise VersionConflict(
            _(
                "Someone else saved this goal while you were editing it. Nothing was "
                "overwritten; the current values are shown below."
            ),
            current=current,
        )
    unknown = set(fields) - set(GOAL_FIELDS)
    if unknown:
        raise TypeError(f"unknown goal fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(current, name, value)
    if not rules.can_manage_department(actor, current.department_id):
        raise PermissionDenied(_("You can only move goals to departments you coordinate."))
    _check_goal_dates(current.start, current.due)
    current.version += 1
    current.full_clean()
    current.save()
    return current


@transaction.atomic
def checkin_create(
    *,
    actor,
    goal: Goal,
    date: datetime.date,
    value: Decimal,
    confidence: int,
    note: str = "",
) -> CheckIn:
    """Records a check-in; the goal's owner, coordinators of its department and PMs only."""
    if not can_check_in(actor, goal):
        raise PermissionDenied(
            _("Only the goal's owner, its department's coordinators and PMs record check-ins.")
        )
    _check_checkin_values(date=date, confidence=confidence)
    checkin = CheckIn(
        goal=goal, date=date, value=value, confidence=confidence, note=note, author=actor
    )
    checkin.full_clean()
    checkin.save()
    return checkin


def _check_checkin_values(*, date: datetime.date, confidence: int) -> None:
    periods.check_dates_in_range(date=date)
    if date > periods.today():
        raise ValidationError({"date": _("A check-in cannot be dated in the future.")})
    if not 1 <= confidence <= 10:
        raise ValidationError({"confidence": _("Confidence is a number from 1 to 10.")})


@transaction.atomic
def checkin_update(
    *,
    actor,
    checkin: CheckIn,
    date: datetime.date,
    value: Decimal,
    confidence: int,
    note: str = "",
) -> CheckIn:
    """Corrects a check-in's date, value, confidence and note; the goal's owner, coordinators
    of its department and PMs only. The author stays the person who recorded it."""
    current = (
        CheckIn.objects.select_for_update(of=("self",)).select_related("goal").get(pk=checkin.pk)
    )
    if not can_check_in(actor, current.goal):
        raise PermissionDenied(
            _("Only the goal's owner, its department's coordinators and PMs edit its check-ins.")
        )
    _check_checkin_values(date=date, confidence=confidence)
    current.date, current.value, current.confidence, current.note = date, value, confidence, note
    current.full_clean(exclude=["goal", "author"])  # neither changes
    current.save()
    return current


@transaction.atomic
def checkin_delete(*, actor, checkin: CheckIn) -> None:
    """Deletes a check-in (its history row stays); the goal's owner, coordinators of its
    department and PMs only."""
    goal = Goal.objects.get(pk=checkin.goal_id)
    if not can_check_in(actor, goal):
        raise PermissionDenied(
            _("Only the goal's owner, its department's coordinators and PMs delete its check-ins.")
        )
    CheckIn.objects.filter(pk=checkin.pk).delete()


# ---------------------------------------------------------------------------- plan items


def _lock_dependencies() -> None:
    # Two transactions each adding one edge (A→B and B→A) would both pass the cycle check;
    # a transaction-scoped advisory lock serializes dependency changes on PostgreSQL.
    # SQLite serializes writers by itself.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DEPENDENCY_LOCK_KEY])


def _check_dependencies(item: PlanItem, depends_on) -> list[PlanItem]:
    depends_on = list(depends_on)
    if item.pk is None:
        return depends_on
    if any(dependency.pk == item.pk for dependency in depends_on):
        raise ValidationError({"depends_on": _("A plan item cannot depend on itself.")})
    for dependency in depends_on:
        if selectors.dependency_reaches(start_ids=[dependency.pk], target_id=item.pk):
            raise ValidationError(
                {
                    "depends_on": _(
                        "“%(dependency)s” (%(department)s) already depends, directly or "
                        "through other items, on “%(item)s”: depending on it would make a "
                        "cycle."
                    )
                    % {
                        "dependency": dependency.title,
                        "department": dependency.department.name,
                        "item": item.title,
                    }
                }
            )
    return depends_on


def plan_item_month_check(*, plan, month: datetime.date) -> None:
    """Raises a ValidationError on "month" unless the month lies inside the plan's months
    (the plan item form calls it too, so the error shows beside the form's others)."""
    if plan is None or month is None:
        return
    if not periods.month_start(plan.start) <= month <= periods.month_start(plan.end):
        raise ValidationError(
            {
                "month": _("The month must be inside the plan (%(start)s – %(end)s).")
                % {"start": plan.start.isoformat(), "end": plan.end.isoformat()}
            }
        )


def _check_plan_item(item: PlanItem) -> None:
    periods.check_dates_in_range(
        month=item.month, start=item.start, due=item.due, months=("month",)
    )
    errors = {}
    if item.month is not None:
        item.month = periods.month_start(item.month)
    if item.start and item.due and item.due < item.start:
        errors["due"] = _("The due date must not be before the start date.")
    try:
        plan_item_month_check(plan=item.plan, month=item.month)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def plan_item_create(
    *,
    actor,
    plan,
    department,
    month,
    title,
    description="",
    owner=None,
    start,
    due,
    status="planned",
    goal=None,
    depends_on=(),
) -> PlanItem:
    """Creates a department's plan item for a month with its dependencies (any
    department); PMs and coordinators of the department only."""
    if not rules.can_manage_department(actor, department.pk):
        raise PermissionDenied(_("You can only plan for departments you coordinate."))
    item = PlanItem(
        plan=plan,
        department=department,
        month=month,
        title=title,
        description=description,
        owner=owner,
        start=start,
        due=due,
        status=status,
        goal=goal,
    )
    _check_plan_item(item)
    item.full_clean()
    item.save()
    if depends_on:
        # A new item has no dependents yet, so its dependencies cannot close a cycle.
        item.depends_on.set(list(depends_on))
    return item


@transaction.atomic
def plan_item_update(*, actor, item: PlanItem, version: int, depends_on=None, **fields) -> PlanItem:
    """Changes a plan item if `version` is still the stored one (else VersionConflict,
    nothing written); refuses dependency cycles; PMs and coordinators of the department."""
    current = (
        PlanItem.objects.select_for_update(of=("self",)).select_related("plan").get(pk=item.pk)
    )
    if not can_edit_plan_item(actor, current):
        raise PermissionDenied(_("You can only change plan items of departments you coordinate."))
    if current.version != version:
        raise VersionConflict(
            _(
                "Someone else saved this plan item while you were editing it. Nothing was "
                "overwritten; the current values are shown below."
            ),
            current=current,
        )
    unknown = set(fields) - set(PLAN_ITEM_FIELDS)
    if unknown:
        raise TypeError(f"unknown plan item fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(current, name, value)
    if not can_edit_plan_item(actor, current):
        raise PermissionDenied(_("You can only move plan items to departments you coordinate."))
    _check_plan_item(current)
    current.full_clean()
    if depends_on is not None:
        _lock_dependencies()
        depends_on = _check_dependencies(current, depends_on)
    current.version += 1
    current.save()
    if depends_on is not None:
        current.depends_on.set(depends_on)
    return current


@transaction.atomic
def plan_item_add_dependency(*, actor, item: PlanItem, dependency: PlanItem) -> PlanItem:
    """Makes `item` depend on `dependency` unless that closes a cycle."""
    if not can_edit_plan_item(actor, item):
        raise PermissionDenied(_("You can only change plan items of departments you coordinate."))
    _lock_dependencies()
    _check_dependencies(item, [dependency])
    item.depends_on.add(dependency)
    return item


@transaction.atomic
def plan_item_set_status(*, actor, item: PlanItem, status: str) -> PlanItem:
    """Sets the status; PMs, coordinators of the item's department or the item's owner."""
    if not can_set_plan_item_status(actor, item):
        raise PermissionDenied(
            _("Only the item's owner, its department's coordinators and PMs set its status.")
        )
    if status not in PlanItem.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    current = PlanItem.objects.select_for_update().get(pk=item.pk)
    if current.status != status:
        current.status = status
        current.version += 1
        current.save(update_fields=["status", "version", "updated_at"])
    item.status, item.version = current.status, current.version
    return current
