"""The rules of goals, each defined once (docs/architecture.md "Where code goes"): who may do
what with objectives, goals, check-ins and plan items (`can_<verb>_<noun>(user, obj)`,
built on the role predicates of planbridge/rules.py), and the state rules "due is not
before start" and "an open plan item", as a Python predicate and, where lists and
constraints need it, the `Q` of the same definition."""

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db.models import BooleanField, Case, Exists, OuterRef, Q, Value, When
from django.utils.translation import gettext_lazy

from planbridge import periods
from planbridge import rules as core_rules
from planbridge.models import Department, Membership, Plan
from planbridge.rules import AnyUser

from .models import CheckIn, Goal, Objective, PlanItem

# ---------------------------------------------------------------------------- state rules

DUE_BEFORE_START_MESSAGE = gettext_lazy("The due date must not be before the start date.")


def due_not_before_start(start: datetime.date | None, due: datetime.date | None) -> bool:
    """A due date on or after the start; a missing date (open end, unfilled field) breaks
    nothing. Its database form is `goals.models.DUE_NOT_BEFORE_START`, the condition of the
    CheckConstraints of Goal and PlanItem."""
    return start is None or due is None or due >= start


OPEN_PLAN_ITEM_STATUSES: tuple[str, ...] = (
    PlanItem.Status.PLANNED,
    PlanItem.Status.IN_PROGRESS,
    PlanItem.Status.BLOCKED,
)


def plan_item_is_open(item: PlanItem) -> bool:
    """An item still to be worked on: neither done nor dropped."""
    return item.status in OPEN_PLAN_ITEM_STATUSES


def open_plan_item_q(prefix: str = "") -> Q:
    """plan_item_is_open as a filter; `prefix` reaches the item through a relation, e.g.
    "to_planitem__" on the dependency table."""
    return Q(**{f"{prefix}status__in": OPEN_PLAN_ITEM_STATUSES})


def plan_item_is_overdue(item: PlanItem, on_date: datetime.date | None = None) -> bool:
    """Still open after its due date (the same rule as overdue asks and action items)."""
    return plan_item_is_open(item) and item.due < (on_date or periods.today())


def plan_item_overdue_q(on_date: datetime.date | None = None, prefix: str = "") -> Q:
    """plan_item_is_overdue as a filter."""
    return open_plan_item_q(prefix) & Q(**{f"{prefix}due__lt": on_date or periods.today()})


def plan_item_overdue_flag(on_date: datetime.date | None = None, prefix: str = "") -> Case:
    """`plan_item_overdue_q` as a boolean annotation (`overdue` on lists; with `prefix`, of
    the item a row refers to, e.g. a carryover's "plan_item__")."""
    return Case(
        When(plan_item_overdue_q(on_date, prefix), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def goal_needs_check_in(
    goal: Goal, checkin_dates: Iterable[datetime.date], on_date: datetime.date | None = None
) -> bool:
    """A goal running this month (started by `on_date`, not due before the month began) with
    no check-in dated in this month up to `on_date` (`checkin_dates`: the goal's check-ins)."""
    on_date = on_date or periods.today()
    first = periods.month_start(on_date)
    running = goal.start <= on_date and (goal.due is None or goal.due >= first)
    return running and not any(first <= day <= on_date for day in checkin_dates)


def goal_needs_check_in_q(on_date: datetime.date | None = None) -> Q:
    """goal_needs_check_in as a filter on Goal."""
    on_date = on_date or periods.today()
    first = periods.month_start(on_date)
    checked_in = Exists(
        CheckIn.objects.filter(goal=OuterRef("pk"), date__gte=first, date__lte=on_date)
    )
    return Q(start__lte=on_date) & (Q(due__isnull=True) | Q(due__gte=first)) & ~Q(checked_in)


OWNER_NOT_ALLOWED_MESSAGE = gettext_lazy(
    "The owner must be an active member of the item's department or of its plan's team."
)


def plan_item_owner_is_allowed(owner: User, *, department_id: int, plan: Plan | None) -> bool:
    """A plan item (carried work included) is owned by an active member, in any role, of its
    department or of its plan's team: the owner may set the item's status, so no one outside
    both can be made able to."""
    if not owner.is_active:
        return False
    if department_id in core_rules.member_department_ids(owner):
        return True
    return plan is not None and plan.team.filter(pk=owner.pk).exists()


def plan_item_owners_q(*, department_ids: Iterable[int], plan_ids: Iterable[int] = ()) -> Q:
    """plan_item_owner_is_allowed as a filter on User, for any of the departments and plans
    given (a choice list offers the owners of every department and plan the form offers)."""
    allowed = Q(
        pk__in=Membership.objects.filter(department_id__in=list(department_ids)).values("user_id")
    )
    plan_ids = list(plan_ids)
    if plan_ids:
        allowed |= Q(
            pk__in=Plan.team.through.objects.filter(plan_id__in=plan_ids).values("user_id")
        )
    return Q(is_active=True) & allowed


# ---------------------------------------------------------------------------- permissions


def can_save_objective(user: AnyUser, objective: Objective | None = None) -> bool:
    """PMs create and change company objectives."""
    return core_rules.is_pm(user)


def can_create_any_goal(user: AnyUser) -> bool:
    """PMs and coordinators of some department see the "new goal" form."""
    return core_rules.is_pm(user) or core_rules.is_coordinator(user)


def can_create_goal(user: AnyUser, department: Department) -> bool:
    return core_rules.can_manage_department(user, department.pk)


def can_edit_goal(user: AnyUser, goal: Goal) -> bool:
    return core_rules.can_manage_department(user, goal.department_id)


def can_check_in_goal(user: AnyUser, goal: Goal) -> bool:
    """Goal owners, coordinators of the goal's department and PMs record, correct and delete
    check-ins."""
    return goal.owner_id == user.pk or can_edit_goal(user, goal)


def can_create_any_plan_item(user: AnyUser) -> bool:
    """PMs and coordinators of some department see the "new plan item" form."""
    return core_rules.is_pm(user) or core_rules.is_coordinator(user)


def can_create_plan_item(user: AnyUser, department: Department) -> bool:
    return core_rules.can_manage_department(user, department.pk)


def can_edit_plan_item(user: AnyUser, item: PlanItem) -> bool:
    return core_rules.can_manage_department(user, item.department_id)


def can_set_plan_item_status(user: AnyUser, item: PlanItem) -> bool:
    """PMs, coordinators of the item's department and the item's owner set its status."""
    return (item.owner_id is not None and item.owner_id == user.pk) or can_edit_plan_item(
        user, item
    )
