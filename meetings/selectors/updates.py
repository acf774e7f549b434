"""Weekly updates and the "This week" page: which plan a department reports on, its update,
its current plan items, and who has not submitted."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import Case, Prefetch, Q, QuerySet, Value, When

from goals.models import PlanItem
from goals.selectors import current_plan_items
from planbridge import rules as core_rules
from planbridge.models import Department, Membership, Plan
from planbridge.periods import today, week_start

from .. import rules
from ..models import ActionItem, Ask, Meeting, WeeklyUpdate
from .asks import ask_list, with_overdue


def _running_first(
    plans: QuerySet[Plan], first: datetime.date, last: datetime.date
) -> QuerySet[Plan]:
    """Plans running (between start and end) on a day from `first` to `last` before those
    only preparing or following up, then the newest."""
    running = Q(start__lte=last, end__gte=first)
    return plans.annotate(
        running=Case(When(running, then=Value(True)), default=Value(False))
    ).order_by("-running", "-start", "title")


def plans_owning_week(week: datetime.date) -> QuerySet[Plan]:
    """The plans a weekly update of the week may belong to (a plan owns its preparation:
    meetings.rules.weekly_update_plans_q), running ones first, then newest first."""
    return _running_first(
        Plan.objects.filter(rules.weekly_update_plans_q(week), core_rules.current_plans_q()),
        week,
        week + datetime.timedelta(days=6),
    )


def plans_owning_day(day: datetime.date) -> QuerySet[Plan]:
    """The plans a meeting on `day` may belong to (planbridge.rules.plans_owning_date_q),
    running ones first, then newest first."""
    plans = Plan.objects.filter(core_rules.plans_owning_date_q(day), core_rules.current_plans_q())
    return _running_first(plans, day, day)


def default_plan_for(*, department_id: int, week: datetime.date) -> Plan | None:
    """The plan a department's update of the week is for unless the coordinator picks
    another: the first of plans_owning_week whose team has someone of the department, else
    None."""
    return (
        plans_owning_week(week)
        .filter(team__memberships__department_id=department_id)
        .distinct()
        .first()
    )


def weekly_update_queryset() -> QuerySet[WeeklyUpdate]:
    """Updates with department, plan, author and the asks raised in them loaded (each ask
    with `overdue`)."""
    return WeeklyUpdate.objects.select_related("department", "plan", "author").prefetch_related(
        Prefetch(
            "asks",
            queryset=with_overdue(Ask.objects.select_related("to_department")).order_by("pk"),
        )
    )


def weekly_update_for(
    *, department_id: int, week: datetime.date, plan: Plan | None
) -> WeeklyUpdate | None:
    """The department's update of the week for the plan (or without plan), if any."""
    return (
        weekly_update_queryset().filter(department_id=department_id, week=week, plan=plan).first()
    )


def recent_updates(
    *, department_id: int, before: datetime.date, limit: int = 8
) -> QuerySet[WeeklyUpdate]:
    """The department's latest updates before the given week, newest first."""
    return (
        WeeklyUpdate.objects.select_related("plan", "author")
        .filter(department_id=department_id, week__lt=before)
        .order_by("-week", "pk")[:limit]
    )


def previous_weekly_update(
    *, department_id: int, week: datetime.date, plan: Plan | None
) -> WeeklyUpdate | None:
    """The department's latest update of a week before `week` for the same plan (or without
    plan), whose plans for next week are what this week's progress reports on."""
    return (
        WeeklyUpdate.objects.filter(department_id=department_id, week__lt=week, plan=plan)
        .only("pk", "week", "next_week")
        .order_by("-week", "-pk")
        .first()
    )


def departments_missing_update_for(*, user_id: int, week: datetime.date) -> QuerySet[Department]:
    """Departments the user coordinates that have no update at all for the week."""
    return Department.objects.filter(
        memberships__user_id=user_id, memberships__role=Membership.Role.COORDINATOR
    ).filter(~rules.weekly_update_submitted(week))


def reminder_recipient_ids(*, week: datetime.date) -> list[int]:
    """Active coordinators (with an email) of departments with no update for the week."""
    missing = ~rules.weekly_update_submitted(week, department="department")
    return list(
        Membership.objects.filter(missing, role=Membership.Role.COORDINATOR, user__is_active=True)
        .exclude(user__email="")
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )


@dataclass
class ThisWeek:
    week: datetime.date
    department: Department | None
    plan: Plan | None
    update: WeeklyUpdate | None
    may_write: bool
    may_raise_ask: bool
    plan_items: list[PlanItem] = field(default_factory=list)
    asks_to_us: list[Ask] = field(default_factory=list)
    asks_from_us: list[Ask] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    my_action_items: list[ActionItem] = field(default_factory=list)
    earlier_updates: list[WeeklyUpdate] = field(default_factory=list)
    # Shown beside the form's progress box, so only read for those who may write.
    previous_update: WeeklyUpdate | None = None
    week_updates: list[WeeklyUpdate] = field(default_factory=list)
    missing_departments: list[Department] = field(default_factory=list)
    on_date: datetime.date | None = None


def this_week_overview(
    *,
    user: User,
    department: Department | None,
    plan: Plan | None,
    week: datetime.date | None = None,
) -> ThisWeek:
    """Everything the "This week" page shows for the user and one of their departments, in
    a fixed number of queries whatever the data size."""
    week = week or week_start(today())
    overview = ThisWeek(
        week=week,
        department=department,
        plan=plan,
        update=None,
        may_write=department is not None and rules.can_write_weekly_update(user, department),
        may_raise_ask=department is not None and rules.can_raise_ask(user, department),
        on_date=today(),
    )
    if department is not None:
        overview.update = weekly_update_for(department_id=department.pk, week=week, plan=plan)
        overview.plan_items = list(
            current_plan_items(department_id=department.pk, on_date=today(), plan=plan)
            .select_related("plan", "owner")
            .order_by("due", "pk")
        )
        overview.asks_to_us = list(
            ask_list(to_department_ids=[department.pk], states=rules.ASK_WAITING_STATES)[:50]
        )
        overview.asks_from_us = list(
            ask_list(from_department_ids=[department.pk]).filter(
                rules.ask_waiting_q() | Q(answered_at__date__gte=week - datetime.timedelta(days=7))
            )[:50]
        )
        overview.earlier_updates = list(recent_updates(department_id=department.pk, before=week))
        if overview.may_write:
            overview.previous_update = previous_weekly_update(
                department_id=department.pk, week=week, plan=plan
            )
    else:
        overview.week_updates = list(
            weekly_update_queryset().filter(week=week).order_by("department__name", "pk")[:200]
        )
        overview.missing_departments = list(
            Department.objects.filter(~rules.weekly_update_submitted(week)).order_by("name")[:200]
        )
    overview.meetings = list(
        Meeting.objects.select_related("plan", "facilitator").filter(week=week).order_by("date")
    )
    overview.my_action_items = list(
        ActionItem.objects.select_related("meeting", "department")
        .filter(rules.action_item_open_q(), owner=user)
        .annotate(overdue=rules.action_item_overdue_flag(overview.on_date))
        .order_by("due", "pk")[:50]
    )
    return overview


def user_departments(user: User) -> list[Department]:
    """The departments the user belongs to, coordinated ones first, then by name."""
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("department")
        .order_by("role", "department__name")
    )
    return [membership.department for membership in memberships]


def people_for_meeting(meeting: Meeting) -> QuerySet[User]:
    """People who may be attendees or action owners: the plan's team, or everyone active."""
    users = get_user_model().objects.filter(is_active=True)
    if meeting.plan_id is not None:
        users = users.filter(plan_teams=meeting.plan_id)
    return users.order_by("first_name", "last_name", "username")
