"""Writes of plan items: create, update, dependencies and status."""

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from planbridge import periods
from planbridge import rules as core_rules
from planbridge.models import Department, Plan
from planbridge.services import refuse_archived

from .. import rules, selectors
from ..models import Goal, PlanItem
from .conflicts import UNCHANGED, Unchanged, VersionConflict, changed_fields

# Any fixed number: the key of the advisory lock that serializes dependency changes.
DEPENDENCY_LOCK_KEY = 31_031


def _lock_dependencies() -> None:
    # Two transactions each adding one edge (A→B and B→A) would both pass the cycle check;
    # a transaction-scoped advisory lock serializes dependency changes on PostgreSQL.
    # SQLite serializes writers by itself.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DEPENDENCY_LOCK_KEY])


def _check_dependencies(item: PlanItem, depends_on: Iterable[PlanItem]) -> list[PlanItem]:
    dependencies = list(depends_on)
    if item.pk is None:
        return dependencies
    if any(dependency.pk == item.pk for dependency in dependencies):
        raise ValidationError({"depends_on": _("A plan item cannot depend on itself.")})
    for dependency in dependencies:
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
    return dependencies


def plan_item_month_check(*, plan: Plan | None, month: datetime.date | None) -> None:
    """Raises a ValidationError on "month" unless the plan owns the month (from the month
    it was created or started to the month after its end: planbridge.rules.month_in_plan);
    the plan item form calls it too, so the error shows beside the form's others."""
    if plan is None or month is None:
        return
    if not core_rules.month_in_plan(plan, month):
        raise ValidationError(
            {
                "month": _(
                    "The month must be one of the months the plan owns (%(first)s – %(last)s: "
                    "from the month it was created or started to the month after its end)."
                )
                % {
                    "first": core_rules.plan_first_day(plan).strftime("%Y-%m"),
                    "last": core_rules.plan_last_day(plan).strftime("%Y-%m"),
                }
            }
        )


def _check_plan_item(item: PlanItem, *, check_owner: bool = True) -> None:
    """Checks the item's dates, month and (unless told the owner, department and plan are
    unchanged, so an owner who has since left keeps an item being edited) its owner."""
    periods.check_dates_in_range(
        month=item.month, start=item.start, due=item.due, months=("month",)
    )
    errors: dict[str, list[str]] = {}
    if item.month is not None:
        item.month = periods.month_start(item.month)
    if not rules.due_not_before_start(item.start, item.due):
        errors["due"] = [str(rules.DUE_BEFORE_START_MESSAGE)]
    try:
        plan_item_month_check(plan=item.plan, month=item.month)
    except ValidationError as error:
        errors.update(error.message_dict)
    if (
        check_owner
        and item.owner is not None
        and not rules.plan_item_owner_is_allowed(
            item.owner, department_id=item.department_id, plan=item.plan
        )
    ):
        errors["owner"] = [str(rules.OWNER_NOT_ALLOWED_MESSAGE)]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def plan_item_create(
    *,
    actor: User,
    plan: Plan | None,
    department: Department,
    month: datetime.date,
    title: str,
    description: str = "",
    owner: User | None = None,
    start: datetime.date,
    due: datetime.date,
    status: str = PlanItem.Status.PLANNED,
    goal: Goal | None = None,
    depends_on: Iterable[PlanItem] = (),
) -> PlanItem:
    """Creates a department's plan item for a month with its dependencies (any
    department); PMs and coordinators of the department only."""
    if not rules.can_create_plan_item(actor, department):
        raise PermissionDenied(_("You can only plan for departments you coordinate."))
    refuse_archived(plan=plan, department=department)
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
    dependencies = list(depends_on)
    if dependencies:
        # A new item has no dependents yet, so its dependencies cannot close a cycle.
        item.depends_on.set(dependencies)
    return item


@transaction.atomic
def plan_item_update(
    *,
    actor: User,
    item: PlanItem,
    version: int,
    plan: Plan | None | Unchanged = UNCHANGED,
    department: Department | Unchanged = UNCHANGED,
    month: datetime.date | Unchanged = UNCHANGED,
    title: str | Unchanged = UNCHANGED,
    description: str | Unchanged = UNCHANGED,
    owner: User | None | Unchanged = UNCHANGED,
    start: datetime.date | Unchanged = UNCHANGED,
    due: datetime.date | Unchanged = UNCHANGED,
    status: str | Unchanged = UNCHANGED,
    goal: Goal | None | Unchanged = UNCHANGED,
    depends_on: Iterable[PlanItem] | Unchanged = UNCHANGED,
) -> PlanItem:
    """Changes the named fields of a plan item if `version` is still the stored one (else
    VersionConflict, nothing written); refuses dependency cycles; PMs and coordinators of
    the department."""
    current = (
        PlanItem.objects.select_for_update(of=("self",)).select_related("plan").get(pk=item.pk)
    )
    if not rules.can_edit_plan_item(actor, current):
        raise PermissionDenied(_("You can only change plan items of departments you coordinate."))
    if current.version != version:
        raise VersionConflict(
            _(
                "Someone else saved this plan item while you were editing it. Nothing was "
                "overwritten; the current values are shown below."
            ),
            current=current,
        )
    changes = changed_fields(
        {
            "plan": plan,
            "department": department,
            "month": month,
            "title": title,
            "description": description,
            "owner": owner,
            "start": start,
            "due": due,
            "status": status,
            "goal": goal,
        }
    )
    for name, value in changes.items():
        setattr(current, name, value)
    if not rules.can_edit_plan_item(actor, current):
        raise PermissionDenied(_("You can only move plan items to departments you coordinate."))
    _check_plan_item(current, check_owner=bool({"owner", "department", "plan"} & changes.keys()))
    current.full_clean()
    dependencies = None
    if depends_on is not UNCHANGED:
        _lock_dependencies()
        dependencies = _check_dependencies(current, depends_on)
    current.version += 1
    current.save()
    if dependencies is not None:
        current.depends_on.set(dependencies)
    return current


@transaction.atomic
def plan_item_add_dependency(*, actor: User, item: PlanItem, dependency: PlanItem) -> PlanItem:
    """Makes `item` depend on `dependency` unless that closes a cycle."""
    if not rules.can_edit_plan_item(actor, item):
        raise PermissionDenied(_("You can only change plan items of departments you coordinate."))
    _lock_dependencies()
    _check_dependencies(item, [dependency])
    item.depends_on.add(dependency)
    return item


@transaction.atomic
def plan_item_set_status(*, actor: User, item: PlanItem, status: str) -> PlanItem:
    """Sets the status; PMs, coordinators of the item's department or the item's owner."""
    if not rules.can_set_plan_item_status(actor, item):
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
