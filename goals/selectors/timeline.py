"""The timeline (one row per department, months across) and the plan document's
per-department action plan. Bounded queries."""

import datetime
from dataclasses import dataclass

from django.db.models import Max, Min

from planbridge import periods
from planbridge import rules as core_rules
from planbridge.models import Department, Plan

from ..models import PlanItem
from .plan_items import RhythmConflict, conflicts_by_item, plan_item_list, rhythm_conflicts
from .progress import GoalProgress, goal_progress_list


@dataclass(frozen=True)
class TimelineBar:
    item: PlanItem
    column_start: int  # 1-based month column
    column_end: int  # exclusive
    conflicts: list[RhythmConflict]

    @property
    def waiting_on(self) -> list[RhythmConflict]:
        """Conflicts where this item depends on a late, blocked or not-yet-due item."""
        return [c for c in self.conflicts if c.item.pk == self.item.pk]

    @property
    def holding_up(self) -> list[RhythmConflict]:
        """Conflicts where this item is the dependency that holds another one up."""
        return [c for c in self.conflicts if c.dependency.pk == self.item.pk]


@dataclass(frozen=True)
class TimelineRow:
    department: Department
    bars: list[TimelineBar]


@dataclass(frozen=True)
class Timeline:
    plan: Plan
    months: list[datetime.date]
    rows: list[TimelineRow]
    conflicts: list[RhythmConflict]
    current_month: datetime.date
    # True when the plan has more months than the timeline shows (TIMELINE_MONTHS).
    truncated: bool = False


# A plan longer than this (say one saved with an end date far in the future before such
# dates were refused) is shown as this many months around today, not as one column for
# each of its months.
TIMELINE_MONTHS = 36
# How many months before the current one such a window starts.
TIMELINE_MONTHS_BEFORE = 6


def timeline_span(plan: Plan) -> tuple[datetime.date, datetime.date]:
    """The first and last month the plan's timeline covers: the plan's months and those
    holding its items (their month, start and due), within the months the plan owns (from
    its creation or start to the month after its end, planbridge.rules.month_in_plan), so an
    item of the preparation or of the follow-up month has its columns; one query."""
    bounds = PlanItem.objects.filter(plan=plan).aggregate(
        first_month=Min("month"),
        first_start=Min("start"),
        last_month=Max("month"),
        last_due=Max("due"),
    )
    owned_first = periods.month_start(core_rules.plan_first_day(plan))
    owned_last = periods.month_start(core_rules.plan_last_day(plan))
    earliest = [plan.start] + [bounds[key] for key in ("first_month", "first_start") if bounds[key]]
    latest = [plan.end] + [bounds[key] for key in ("last_month", "last_due") if bounds[key]]
    # The plan's own months lie inside the owned ones, so they are always shown.
    return (
        max(periods.month_start(min(earliest)), owned_first),
        min(periods.month_start(max(latest)), owned_last),
    )


def timeline_months(
    plan: Plan,
    *,
    on_date: datetime.date,
    span: tuple[datetime.date, datetime.date] | None = None,
) -> tuple[list[datetime.date], bool]:
    """The months the timeline shows: all the months of `span` (timeline_span; the plan's
    own months when not given) when there are at most TIMELINE_MONTHS, else TIMELINE_MONTHS
    of them starting a little before the month of `on_date` (kept inside the span); and
    whether the span was cut."""
    first, last = span or (periods.month_start(plan.start), periods.month_start(plan.end))
    if periods.month_count(first, last) <= TIMELINE_MONTHS:
        return periods.months_between(first, last), False
    latest_start = periods.add_months(last, -(TIMELINE_MONTHS - 1))
    wanted = periods.add_months(periods.month_start(on_date), -TIMELINE_MONTHS_BEFORE)
    window_start = min(max(wanted, first), latest_start)
    window_end = periods.add_months(window_start, TIMELINE_MONTHS - 1)
    return periods.months_between(window_start, window_end), True


def default_plan(on_date: datetime.date | None = None) -> Plan | None:
    """The current (not archived) plan running on `on_date`, else the latest current one."""
    on_date = on_date or periods.today()
    plans = Plan.objects.filter(core_rules.current_plans_q())
    running = plans.filter(start__lte=on_date, end__gte=on_date).order_by("-start").first()
    return running or plans.order_by("-start", "-pk").first()


def timeline(
    plan: Plan, *, department_id: int | None = None, on_date: datetime.date | None = None
) -> Timeline:
    """One row per department, the months of the plan and of its items across (at most
    TIMELINE_MONTHS of them, see timeline_span and timeline_months), each item a bar from its
    start month to its due month (clamped to the months shown; items wholly outside a cut
    window are left out), conflicts attached; four queries."""
    on_date = on_date or periods.today()
    months, truncated = timeline_months(plan, on_date=on_date, span=timeline_span(plan))
    index = {month: number for number, month in enumerate(months, start=1)}
    items = plan_item_list(plan_id=plan.pk, department_id=department_id, on_date=on_date).order_by(
        "department__name", "start", "due", "title"
    )
    if truncated:
        items = items.filter(due__gte=months[0], start__lte=periods.month_end(months[-1]))
    conflicts = rhythm_conflicts(
        plan=plan,
        department_ids=[department_id] if department_id else None,
        on_date=on_date,
    )
    by_item = conflicts_by_item(conflicts)
    rows: dict[int, TimelineRow] = {}
    departments = Department.objects.order_by("name")
    if department_id:
        departments = departments.filter(pk=department_id)
    for department in departments:
        rows[department.pk] = TimelineRow(department=department, bars=[])
    shown_first, shown_last = months[0], periods.month_end(months[-1])
    for item in items:
        first = index.get(periods.month_start(max(item.start, shown_first)), 1)
        last = index.get(periods.month_start(min(item.due, shown_last)), len(months))
        first, last = min(first, last), max(first, last)
        row = rows.setdefault(item.department_id, TimelineRow(department=item.department, bars=[]))
        row.bars.append(
            TimelineBar(
                item=item,
                column_start=first,
                column_end=last + 1,
                conflicts=by_item.get(item.pk, []),
            )
        )
    return Timeline(
        plan=plan,
        months=months,
        rows=list(rows.values()),
        conflicts=conflicts,
        current_month=periods.month_start(on_date),
        truncated=truncated,
    )


# ---------------------------------------------------------------------------- plan document


@dataclass(frozen=True)
class ActionLine:
    item: PlanItem
    first_month: int  # plan month number (1 = the plan's first month) of the item's start
    last_month: int  # plan month number of the item's due date
    # "preparation" before the plan's first month, "follow_up" after its last (the months a
    # plan owns beyond its period, docs/architecture.md "Periods at the edges"), else "".
    phase: str = ""


@dataclass(frozen=True)
class DepartmentPlan:
    department: Department
    goals: list[GoalProgress]
    actions: list[ActionLine]


def _plan_month_number(plan: Plan, day: datetime.date) -> int:
    first = periods.month_start(plan.start)
    return (day.year - first.year) * 12 + day.month - first.month + 1


def plan_document(plan: Plan, *, on_date: datetime.date | None = None) -> list[DepartmentPlan]:
    """Goals and plan items (as month ranges of the plan) grouped by department, for
    departments with either, ordered by department name; two queries."""
    on_date = on_date or periods.today()
    goals = goal_progress_list(plan=plan, on_date=on_date)
    items = plan_item_list(plan_id=plan.pk, on_date=on_date).order_by(
        "department__name", "month", "start", "title"
    )
    groups: dict[int, DepartmentPlan] = {}
    for record in goals:
        department = record.goal.department
        groups.setdefault(department.pk, DepartmentPlan(department, [], [])).goals.append(record)
    plan_months = _plan_month_number(plan, plan.end)
    for item in items:
        first = _plan_month_number(plan, max(item.start, item.month))
        last = max(first, _plan_month_number(plan, item.due))
        if first < 1:
            phase = "preparation"
        elif first > plan_months:
            phase = "follow_up"
        else:
            phase = ""
        groups.setdefault(
            item.department_id, DepartmentPlan(item.department, [], [])
        ).actions.append(ActionLine(item=item, first_month=first, last_month=last, phase=phase))
    return sorted(groups.values(), key=lambda group: group.department.name)
