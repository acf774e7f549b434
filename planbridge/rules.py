"""Who may do what (docs/architecture.md "Domain"): PMs are the `pm` group, admins are superusers,
coordinators and members come from Membership. Pages and services ask these functions;
results are cached on the user object for the request."""

import datetime
from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from .models import PM_GROUP, ChatRobot, Department, Membership, Plan
from .periods import add_months, month_end, month_start

# Who asks: a logged-in user or the anonymous visitor of a page (request.user).
AnyUser: TypeAlias = User | AnonymousUser


def is_pm(user: AnyUser) -> bool:
    if isinstance(user, AnonymousUser) or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    cached: bool | None = getattr(user, "_pb_is_pm", None)
    if cached is None:
        cached = user.groups.filter(name=PM_GROUP).exists()
        setattr(user, "_pb_is_pm", cached)  # noqa: B010 - an attribute the model does not declare
    return cached


def _roles(user: AnyUser) -> dict[int, str]:
    """department id -> role for the user's memberships, loaded once per user object."""
    if isinstance(user, AnonymousUser) or not user.is_authenticated:
        return {}
    cached: dict[int, str] | None = getattr(user, "_pb_roles", None)
    if cached is None:
        cached = dict(Membership.objects.filter(user=user).values_list("department_id", "role"))
        setattr(user, "_pb_roles", cached)  # noqa: B010 - an attribute the model does not declare
    return cached


def coordinated_department_ids(user: AnyUser) -> set[int]:
    return {dep for dep, role in _roles(user).items() if role == Membership.Role.COORDINATOR}


def member_department_ids(user: AnyUser) -> set[int]:
    """Departments the user belongs to in any role."""
    return set(_roles(user))


def is_coordinator_of(user: AnyUser, department_id: int) -> bool:
    return department_id in coordinated_department_ids(user)


def is_coordinator(user: AnyUser) -> bool:
    return bool(coordinated_department_ids(user))


END_BEFORE_START_MESSAGE = gettext_lazy("The end date must not be before the start date.")


def plan_end_not_before_start(start: datetime.date | None, end: datetime.date | None) -> bool:
    """A plan ends on or after its start (a missing date breaks nothing); the database
    holds the same rule as Plan's `plan_end_after_start` constraint."""
    return start is None or end is None or end >= start


def plan_first_day(plan: Plan) -> datetime.date:
    """The first day the plan owns: the day it was created, or its start when it was entered
    after starting (an unsaved plan has no creation day). A plan owns its preparation
    (docs/architecture.md "Periods")."""
    if plan.created_at is None:
        return plan.start
    return min(timezone.localdate(plan.created_at), plan.start)


def plan_last_day(plan: Plan) -> datetime.date:
    """The last day the plan owns: the end of the month after its end, so the follow-up of
    its last month (updates, meetings, the review and carried work) stays in the plan."""
    return month_end(add_months(month_start(plan.end), 1))


def date_in_plan(plan: Plan, day: datetime.date) -> bool:
    """The plan owns the day: its weekly updates and meetings may fall on it."""
    return plan_first_day(plan) <= day <= plan_last_day(plan)


def month_in_plan(plan: Plan, month: datetime.date) -> bool:
    """The plan owns the month (any day of it): its reviews and plan items may be of that
    month, from the month it was created (or started) to the month after its end."""
    return (
        month_start(plan_first_day(plan)) <= month_start(month) <= month_start(plan_last_day(plan))
    )


def plans_owning_date_q(day: datetime.date) -> Q:
    """date_in_plan as a filter on Plan."""
    return (Q(start__lte=day) | Q(created_at__date__lte=day)) & Q(
        end__gte=add_months(month_start(day), -1)
    )


def plans_owning_month_q(month: datetime.date) -> Q:
    """month_in_plan as a filter on Plan."""
    next_month = add_months(month_start(month), 1)
    return (Q(start__lt=next_month) | Q(created_at__date__lt=next_month)) & Q(
        end__gte=add_months(month_start(month), -1)
    )


def can_use_admin(user: AnyUser) -> bool:
    """Staff users enter the Django admin (its own rule, shown as a menu link)."""
    return user.is_authenticated and user.is_staff


def can_unlock_logins(user: AnyUser) -> bool:
    """PMs (admins included) see the current login lockouts and lift them."""
    return is_pm(user)


def can_save_plan(user: AnyUser, plan: Plan | None = None) -> bool:
    """PMs create and change plans."""
    return is_pm(user)


def can_manage_department(user: AnyUser, department_id: int) -> bool:
    """PMs manage every department; coordinators their own."""
    return is_pm(user) or is_coordinator_of(user, department_id)


def managed_departments_q(user: AnyUser) -> Q:
    """can_manage_department as a filter on Department, for choice lists."""
    return Q() if is_pm(user) else Q(pk__in=coordinated_department_ids(user))


# ---------------------------------------------------------------------------- archiving
# Nothing with history is deleted (docs/architecture.md): plans are archived, users
# deactivated, departments archived or merged. Archived rows leave the lists of current work
# and every choice list; what they hold keeps counting in past figures.


def plan_is_archived(plan: Plan) -> bool:
    return plan.archived_at is not None


def current_plans_q(prefix: str = "", *, keep: int | None = None) -> Q:
    """Plans not archived, as a filter (`prefix` reaches the plan through a relation); with
    `keep`, that plan too (a form editing a row keeps the plan it has)."""
    q = Q(**{f"{prefix}archived_at__isnull": True})
    return q | Q(**{f"{prefix}pk": keep}) if keep is not None else q


def department_is_archived(department: Department) -> bool:
    return department.archived_at is not None


def current_departments_q(prefix: str = "", *, keep: int | None = None) -> Q:
    """Departments not archived (merged ones are archived too), as a filter; with `keep`,
    that department too (a form editing a row keeps the department it has)."""
    q = Q(**{f"{prefix}archived_at__isnull": True})
    return q | Q(**{f"{prefix}pk": keep}) if keep is not None else q


def can_archive_plan(user: AnyUser, plan: Plan) -> bool:
    """PMs and the plan's owner archive it and bring it back."""
    return is_pm(user) or (user.is_authenticated and plan.owner_id == user.pk)


def can_deactivate_user(user: AnyUser, target: User | None = None) -> bool:
    """PMs and staff deactivate users (never themselves: see user_may_be_deactivated)."""
    return is_pm(user) or (user.is_authenticated and user.is_staff)


def user_may_be_deactivated(actor: AnyUser, target: User) -> bool:
    """Nobody deactivates themselves: the last one able to undo it could lock everyone out."""
    return actor.pk != target.pk


def can_archive_department(user: AnyUser, department: Department | None = None) -> bool:
    """PMs archive and merge departments."""
    return is_pm(user)


def can_manage_department_robots(user: AnyUser, department_id: int) -> bool:
    """A department's chat robots are added, changed, tested and removed by its coordinators
    and PMs (docs/architecture.md "Chat robots")."""
    return is_pm(user) or is_coordinator_of(user, department_id)


def can_manage_plan_robots(user: AnyUser, plan: Plan) -> bool:
    """A plan's chat robots: its owner and PMs."""
    return is_pm(user) or (user.is_authenticated and plan.owner_id == user.pk)


def robot_departments_q(user: AnyUser) -> Q:
    """Current departments whose robots the user manages, as a filter."""
    return managed_departments_q(user) & current_departments_q()


def robot_plans_q(user: AnyUser) -> Q:
    """Current plans whose robots the user manages, as a filter."""
    owned = Q() if is_pm(user) else Q(owner_id=user.pk)
    return owned & current_plans_q()


def can_manage_robot(user: AnyUser, robot: ChatRobot) -> bool:
    """The robot's department's or plan's rule."""
    if robot.department_id is not None:
        return can_manage_department_robots(user, robot.department_id)
    return robot.plan is not None and can_manage_plan_robots(user, robot.plan)
