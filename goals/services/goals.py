"""Writes of department goals."""

import datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from planbridge import periods
from planbridge.models import Department, Plan
from planbridge.services import refuse_archived

from .. import rules
from ..models import Goal, Objective
from .conflicts import UNCHANGED, Unchanged, VersionConflict, changed_fields


def _check_goal_dates(start: datetime.date | None, due: datetime.date | None) -> None:
    periods.check_dates_in_range(start=start, due=due)
    if not rules.due_not_before_start(start, due):
        raise ValidationError({"due": rules.DUE_BEFORE_START_MESSAGE})


@transaction.atomic
def goal_create(
    *,
    actor: User,
    department: Department,
    owner: User,
    title: str,
    start: datetime.date,
    due: datetime.date | None = None,
    description: str = "",
    metric: str = "",
    unit: str = "",
    baseline: Decimal | None = None,
    target: Decimal | None = None,
    direction: str = Goal.Direction.UP,
    objective: Objective | None = None,
    plan: Plan | None = None,
) -> Goal:
    """Creates a department goal; PMs and coordinators of the department only. Failed SMART
    letters do not stop the save (the check warns)."""
    if not rules.can_create_goal(actor, department):
        raise PermissionDenied(_("You can only create goals for departments you coordinate."))
    refuse_archived(plan=plan, department=department)
    _check_goal_dates(start, due)
    goal = Goal(
        department=department,
        owner=owner,
        title=title,
        start=start,
        due=due,
        description=description,
        metric=metric,
        unit=unit,
        baseline=baseline,
        target=target,
        direction=direction,
        objective=objective,
        plan=plan,
    )
    goal.full_clean()
    goal.save()
    return goal


@transaction.atomic
def goal_update(
    *,
    actor: User,
    goal: Goal,
    version: int,
    title: str | Unchanged = UNCHANGED,
    description: str | Unchanged = UNCHANGED,
    metric: str | Unchanged = UNCHANGED,
    unit: str | Unchanged = UNCHANGED,
    baseline: Decimal | None | Unchanged = UNCHANGED,
    target: Decimal | None | Unchanged = UNCHANGED,
    direction: str | Unchanged = UNCHANGED,
    start: datetime.date | Unchanged = UNCHANGED,
    due: datetime.date | None | Unchanged = UNCHANGED,
    owner: User | Unchanged = UNCHANGED,
    department: Department | Unchanged = UNCHANGED,
    objective: Objective | None | Unchanged = UNCHANGED,
    plan: Plan | None | Unchanged = UNCHANGED,
) -> Goal:
    """Changes the named fields of a goal if `version` is still the stored one (else
    VersionConflict, nothing written); the actor must manage both the old and the new
    department."""
    current = Goal.objects.select_for_update().get(pk=goal.pk)
    if not rules.can_edit_goal(actor, current):
        raise PermissionDenied(_("You can only change goals of departments you coordinate."))
    if current.version != version:
        raise VersionConflict(
            _(
                "Someone else saved this goal while you were editing it. Nothing was "
                "overwritten; the current values are shown below."
            ),
            current=current,
        )
    changes = changed_fields(
        {
            "title": title,
            "description": description,
            "metric": metric,
            "unit": unit,
            "baseline": baseline,
            "target": target,
            "direction": direction,
            "start": start,
            "due": due,
            "owner": owner,
            "department": department,
            "objective": objective,
            "plan": plan,
        }
    )
    for name, value in changes.items():
        setattr(current, name, value)
    if not rules.can_edit_goal(actor, current):
        raise PermissionDenied(_("You can only move goals to departments you coordinate."))
    _check_goal_dates(current.start, current.due)
    current.version += 1
    current.full_clean()
    current.save()
    return current
