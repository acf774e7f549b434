"""Read-side queries of goals: goal progress, rhythm conflicts, plan items and the pages'
data. Every function runs a bounded number of queries whatever the data size."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from planbridge import periods
from planbridge.models import Department, Plan

from .models import CheckIn, Goal, Objective, PlanItem
from .smart import SmartLetter, failed_letters, goal_smart_check
from .smart_queries import failing_goal_ids

OPEN_STATUSES = (
    PlanItem.Status.PLANNED,
    PlanItem.Status.IN_PROGRESS,
    PlanItem.Status.BLOCKED,
)
# Status thresholds (DESIGN.md "Domain": status from progress and expected progress):
# within 10 points of the expected share is on track, within 25 points at risk.
ON_TRACK_MARGIN = 0.10
AT_RISK_MARGIN = 0.25


# ---------------------------------------------------------------------------- goals


@dataclass(frozen=True)
class GoalProgress:
    goal: Goal
    latest_value: Decimal | None
    progress: float | None
    expected: float | None
    status: str  # "on_track" | "at_risk" | "off_track" | "no_data"

    @property
    def progress_percent(self) -> int | None:
        return None if self.progress is None else round(self.progress * 100)

    @property
    def expected_percent(self) -> int | None:
        return None if self.expected is None else round(self.expected * 100)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS()[self.status]


def STATUS_LABELS() -> dict[str, str]:
    return {
        "on_track": _("On track"),
        "at_risk": _("At risk"),
        "off_track": _("Off track"),
        "no_data": _("No data"),
    }


def compute_progress(
    *, baseline: Decimal | None, target: Decimal | None, latest: Decimal | None
) -> float | None:
    """(latest − baseline) / (target − baseline); None when any value is missing or the
    target equals the baseline. Works for "down" goals, whose target is below baseline."""
    if baseline is None or target is None or latest is None or target == baseline:
        return None
    return float((latest - baseline) / (target - baseline))


def compute_expected(
    *, start: datetime.date, due: datetime.date | None, on_date: datetime.date
) -> float | None:
    """The elapsed share of start → due on `on_date`, clamped to 0..1; None without due."""
    if due is None:
        return None
    if due <= start:
        return 1.0 if on_date >= due else 0.0
    share = (on_date - start).days / (due - start).days
    return min(1.0, max(0.0, share))


def compute_status(
    *,
    progress: float | None,
    expected: float | None,
    due: datetime.date | None,
    on_date: datetime.date,
) -> str:
    if progress is None or expected is None:
        return "no_data"
    if progress >= 1:
        return "on_track"
    if due is not None and on_date > due:
        # The due date passed and the target was not reached.
        return "off_track"
    if progress >= expected - ON_TRACK_MARGIN:
        return "on_track"
    if progress >= expected - AT_RISK_MARGIN:
        return "at_risk"
    return "off_track"


def goal_progress(goal: Goal, *, latest_value: Decimal | None, on_date=None) -> GoalProgress:
    """The progress record of one goal given its latest check-in value."""
    on_date = on_date or periods.today()
    progress = compute_progress(baseline=goal.baseline, target=goal.target, latest=latest_value)
    expected = compute_expected(start=goal.start, due=goal.due, on_date=on_date)
    return GoalProgress(
        goal=goal,
        latest_value=latest_value,
        progress=progress,
        expected=expected,
        status=compute_status(progress=progress, expected=expected, due=goal.due, on_date=on_date),
    )


def goal_queryset(*, on_date=None) -> QuerySet[Goal]:
    """Goals with department, owner, objective and plan joined and `latest_value` (the
    value of the latest check-in on or before `on_date`) annotated: one query."""
    on_date = on_date or periods.today()
    latest = (
        CheckIn.objects.filter(goal=OuterRef("pk"), date__lte=on_date)
        .order_by("-date", "-created_at", "-pk")
        .values("value")[:1]
    )
    return Goal.objects.select_related("department", "owner", "objective", "plan").annotate(
        latest_value=Subquery(latest)
    )


def goal_progress_list(*, plan=None, department_ids=None, on_date=None) -> list[GoalProgress]:
    """Progress, expected progress and status of every goal (of a plan / departments) on
    `on_date`, in one query."""
    on_date = on_date or periods.today()
    goals = goal_queryset(on_date=on_date)
    if plan is not None:
        goals = goals.filter(plan=plan)
    if department_ids is not None:
        goals = goals.filter(department_id__in=department_ids)
    return [goal_progress(goal, latest_value=goal.latest_value, on_date=on_date) for goal in goals]


def goals_at_risk(*, plan=None, department_ids=None, on_date=None) -> list[GoalProgress]:
    """Only the goals whose status is at_risk or off_track."""
    return [
        record
        for record in goal_progress_list(plan=plan, department_ids=department_ids, on_date=on_date)
        if record.status in ("at_risk", "off_track")
    ]


@dataclass(frozen=True)
class GoalRow:
    progress: GoalProgress
    letters: list[SmartLetter]

    @property
    def goal(self) -> Goal:
        return self.progress.goal

    @property
    def failed(self) -> str:
        return failed_letters(self.letters)


GOAL_LIST_ORDER = ("department__name", "due", "title", "pk")


def goal_rows_page(
    *,
    plan_id=None,
    department_id=None,
    objective_id=None,
    failed_letter: str | None = None,
    page_number=None,
    per_page: int = 50,
    on_date=None,
) -> Page:
    """A page of goals as GoalRows (progress and SMART letters), optionally only those failing
    `failed_letter` (a letter, or "any"). Pagination happens in the database and only the
    page's goals are loaded: two queries, memory bounded by the page (and, with a letter
    filter, the matching ids)."""
    on_date = on_date or periods.today()
    filters = {"plan_id": plan_id, "department_id": department_id, "objective_id": objective_id}
    filters = {name: value for name, value in filters.items() if value}
    goals = Goal.objects.filter(**filters).order_by(*GOAL_LIST_ORDER)
    if failed_letter:
        # One query for the matching ids, one for the page's goals.
        page = Paginator(failing_goal_ids(goals, failed_letter), per_page).get_page(page_number)
        position = {pk: n for n, pk in enumerate(page.object_list)}
        loaded = goal_queryset(on_date=on_date).filter(pk__in=list(position))
        goals_on_page = sorted(loaded, key=lambda goal: position[goal.pk])
    else:
        # The paginator's count, then the page's goals.
        queryset = goal_queryset(on_date=on_date).filter(**filters).order_by(*GOAL_LIST_ORDER)
        page = Paginator(queryset, per_page).get_page(page_number)
        goals_on_page = list(page.object_list)
    page.object_list = [
        GoalRow(
            progress=goal_progress(goal, latest_value=goal.latest_value, on_date=on_date),
            letters=goal_smart_check(goal),
        )
        for goal in goals_on_page
    ]
    return page


def goal_detail(pk: int, *, on_date=None) -> Goal:
    """One goal with its relations and latest value; raises Goal.DoesNotExist."""
    return goal_queryset(on_date=on_date).get(pk=pk)


def goal_checkins(goal: Goal) -> QuerySet[CheckIn]:
    """The goal's check-ins, oldest first, with their authors."""
    return goal.checkins.select_related("author").order_by("date", "created_at", "pk")


def goal_chart_data(goal: Goal, checkins) -> dict:
    """Chart.js data: check-in values against the straight line from baseline at start to
    target at due (only when both ends exist)."""
    data = {
        "checkins": [{"x": c.date.isoformat(), "y": float(c.value)} for c in checkins],
        "baseline": [],
        "unit": goal.unit,
    }
    if goal.baseline is not None and goal.target is not None and goal.due is not None:
        data["baseline"] = [
            {"x": goal.start.isoformat(), "y": float(goal.baseline)},
            {"x": goal.due.isoformat(), "y": float(goal.target)},
        ]
    return data


def goal_plan_items(goal: Goal) -> QuerySet[PlanItem]:
    """Plan items that serve the goal, with department and owner."""
    return goal.plan_items.select_related("department", "owner").order_by("month", "start")


# ---------------------------------------------------------------------------- objectives


def objective_list(*, quarter: datetime.date | None = None) -> QuerySet[Objective]:
    """Objectives with owner and plan, newest quarter first."""
    objectives = Objective.objects.select_related("owner", "plan")
    if quarter is not None:
        objectives = objectives.filter(quarter=quarter)
    return objectives


@dataclass(frozen=True)
class AlignmentRow:
    objective: Objective
    by_department: list[tuple[Department, list[Goal]]]

    @property
    def supported(self) -> bool:
        return bool(self.by_department)


@dataclass(frozen=True)
class Alignment:
    rows: list[AlignmentRow]
    orphan_goals: list[Goal]

    @property
    def uncovered(self) -> list[Objective]:
        return [row.objective for row in self.rows if not row.supported]


def alignment(*, quarter: datetime.date | None = None, plan_id=None) -> Alignment:
    """Each objective with the goals that support it per department, goals aligned to
    nothing, and (through `uncovered`) objectives no goal supports; two queries."""
    objectives = list(objective_list(quarter=quarter))
    goals = Goal.objects.select_related("department", "owner", "objective").order_by(
        "department__name", "title"
    )
    if plan_id:
        goals = goals.filter(plan_id=plan_id)
    if quarter is not None:
        goals = goals.filter(Q(objective__quarter=quarter) | Q(objective__isnull=True))
    grouped: dict[int, dict[int, tuple[Department, list[Goal]]]] = {}
    orphans = []
    for goal in goals:
        if goal.objective_id is None:
            orphans.append(goal)
            continue
        per_department = grouped.setdefault(goal.objective_id, {})
        per_department.setdefault(goal.department_id, (goal.department, []))[1].append(goal)
    rows = [
        AlignmentRow(
            objective=objective,
            by_department=sorted(
                grouped.get(objective.pk, {}).values(), key=lambda pair: pair[0].name
            ),
        )
        for objective in objectives
    ]
    return Alignment(rows=rows, orphan_goals=orphans)


# ---------------------------------------------------------------------------- plan items


def plan_item_queryset() -> QuerySet[PlanItem]:
    """Plan items with plan, department, owner and goal joined."""
    return PlanItem.objects.select_related("plan", "department", "owner", "goal")


def plan_item_list(
    *,
    plan_id=None,
    department_id=None,
    month: datetime.date | None = None,
    status: str | None = None,
    owner_id=None,
) -> QuerySet[PlanItem]:
    """Plan items filtered by plan, department, month, status and owner, with relations."""
    items = plan_item_queryset()
    if plan_id:
        items = items.filter(plan_id=plan_id)
    if department_id:
        items = items.filter(department_id=department_id)
    if month is not None:
        items = items.filter(month=periods.month_start(month))
    if status:
        items = items.filter(status=status)
    if owner_id:
        items = items.filter(owner_id=owner_id)
    return items


def plan_item_detail(pk: int) -> PlanItem:
    """One plan item with its relations, dependencies and dependents (with departments)."""
    related = PlanItem.objects.select_related("department", "owner")
    return (
        plan_item_queryset()
        .prefetch_related(
            Prefetch("depends_on", queryset=related), Prefetch("dependents", queryset=related)
        )
        .get(pk=pk)
    )


def plan_items_due_between(
    *, start, end, plan=None, department_ids=None, open_only=False
) -> QuerySet[PlanItem]:
    """Items due in [start, end] (of a plan / departments; only open ones if asked)."""
    items = plan_item_queryset().filter(due__gte=start, due__lte=end)
    if plan is not None:
        items = items.filter(plan=plan)
    if department_ids is not None:
        items = items.filter(department_id__in=department_ids)
    if open_only:
        items = items.filter(status__in=OPEN_STATUSES)
    return items.order_by("due", "department__name", "title")


def current_plan_items(*, department_id, on_date=None, plan=None) -> QuerySet[PlanItem]:
    """Open items of the department whose month is in progress or that are due within 14
    days."""
    on_date = on_date or periods.today()
    items = plan_item_queryset().filter(department_id=department_id, status__in=OPEN_STATUSES)
    if plan is not None:
        items = items.filter(plan=plan)
    return items.filter(
        Q(month=periods.month_start(on_date)) | Q(due__lte=on_date + datetime.timedelta(days=14))
    ).order_by("due", "title")


# ---------------------------------------------------------------------------- conflicts


@dataclass(frozen=True)
class RhythmConflict:
    item: PlanItem
    dependency: PlanItem
    reason: str  # "starts_before_due" | "depends_on_blocked" | "depends_on_overdue"
    message: str


def _conflict_message(item: PlanItem, dependency: PlanItem, reason: str) -> str:
    values = {
        "item": item.title,
        "department": item.department.name,
        "dependency": dependency.title,
        "dependency_department": dependency.department.name,
        "start": item.start.isoformat(),
        "due": dependency.due.isoformat(),
    }
    if reason == "depends_on_blocked":
        return (
            _(
                "“%(item)s” (%(department)s) depends on “%(dependency)s” "
                "(%(dependency_department)s), which is blocked."
            )
            % values
        )
    if reason == "depends_on_overdue":
        return (
            _(
                "“%(item)s” (%(department)s) depends on “%(dependency)s” "
                "(%(dependency_department)s), which was due %(due)s and is not done."
            )
            % values
        )
    return (
        _(
            "“%(item)s” (%(department)s) starts %(start)s, before “%(dependency)s” "
            "(%(dependency_department)s), which it depends on, is due %(due)s."
        )
        % values
    )


def rhythm_conflicts(
    *, plan=None, department_ids=None, month=None, on_date=None, item_ids=None
) -> list[RhythmConflict]:
    """Conflicts live on `on_date` (default today) among open items (optionally of a plan,
    departments — on either side of the dependency — or items whose month is `month`): an
    item starts before an open item it depends on is due, or depends on a blocked or
    overdue item. `item_ids` keeps conflicts involving those items on either side. One query;
    at most one conflict per dependency, the gravest."""
    on_date = on_date or periods.today()
    through = PlanItem.depends_on.through
    edges = through.objects.filter(
        from_planitem__status__in=OPEN_STATUSES, to_planitem__status__in=OPEN_STATUSES
    ).filter(
        Q(to_planitem__status=PlanItem.Status.BLOCKED)
        | Q(to_planitem__due__lt=on_date)
        | Q(from_planitem__start__lt=F("to_planitem__due"))
    )
    if plan is not None:
        edges = edges.filter(from_planitem__plan=plan)
    if department_ids is not None:
        department_ids = list(department_ids)
        edges = edges.filter(
            Q(from_planitem__department_id__in=department_ids)
            | Q(to_planitem__department_id__in=department_ids)
        )
    if month is not None:
        edges = edges.filter(from_planitem__month=periods.month_start(month))
    if item_ids is not None:
        item_ids = list(item_ids)
        edges = edges.filter(Q(from_planitem_id__in=item_ids) | Q(to_planitem_id__in=item_ids))
    edges = edges.select_related(
        "from_planitem__department",
        "from_planitem__owner",
        "from_planitem__plan",
        "to_planitem__department",
        "to_planitem__owner",
        "to_planitem__plan",
    ).order_by(
        "from_planitem__month",
        "from_planitem__department__name",
        "from_planitem__start",
        "from_planitem__title",
        "to_planitem__due",
    )
    conflicts = []
    for edge in edges:
        item, dependency = edge.from_planitem, edge.to_planitem
        if dependency.status == PlanItem.Status.BLOCKED:
            reason = "depends_on_blocked"
        elif dependency.due < on_date:
            reason = "depends_on_overdue"
        else:
            reason = "starts_before_due"
        conflicts.append(
            RhythmConflict(
                item=item,
                dependency=dependency,
                reason=reason,
                message=_conflict_message(item, dependency, reason),
            )
        )
    return conflicts


def conflicts_by_item(conflicts: list[RhythmConflict]) -> dict[int, list[RhythmConflict]]:
    """Conflicts indexed by the id of both items involved."""
    index: dict[int, list[RhythmConflict]] = {}
    for conflict in conflicts:
        index.setdefault(conflict.item.pk, []).append(conflict)
        index.setdefault(conflict.dependency.pk, []).append(conflict)
    return index


def dependency_reaches(*, start_ids, target_id: int) -> bool:
    """Whether `target_id` is reachable from any of `start_ids` along depends_on; one query
    per level of the dependency graph."""
    through = PlanItem.depends_on.through
    seen: set[int] = set()
    frontier = set(start_ids)
    while frontier:
        if target_id in frontier:
            return True
        seen |= frontier
        frontier = (
            set(
                through.objects.filter(from_planitem_id__in=frontier).values_list(
                    "to_planitem_id", flat=True
                )
            )
            - seen
        )
    return False


# ---------------------------------------------------------------------------- timeline


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


def default_plan(on_date=None) -> Plan | None:
    """The plan running on `on_date`, else the latest one."""
    on_date = on_date or periods.today()
    running = Plan.objects.filter(start__lte=on_date, end__gte=on_date).order_by("-start").first()
    return running or Plan.objects.order_by("-start", "-pk").first()


def timeline(plan: Plan, *, department_id=None, on_date=None) -> Timeline:
    """One row per department, the plan's months across, each item a bar from its start
    month to its due month (clamped to the plan), conflicts attached; three queries."""
    on_date = on_date or periods.today()
    months = periods.months_between(plan.start, plan.end)
    index = {month: number for number, month in enumerate(months, start=1)}
    items = plan_item_list(plan_id=plan.pk, department_id=department_id).order_by(
        "department__name", "start", "due", "title"
    )
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
    for item in items:
        first = index.get(periods.month_start(max(item.start, plan.start)), 1)
        last = index.get(periods.month_start(min(item.due, plan.end)), len(months))
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
    )


# ---------------------------------------------------------------------------- plan document


@dataclass(frozen=True)
class ActionLine:
    item: PlanItem
    first_month: int  # plan month number (1 = the plan's first month) of the item's start
    last_month: int  # plan month number of the item's due date


@dataclass(frozen=True)
class DepartmentPlan:
    department: Department
    goals: list[GoalProgress]
    actions: list[ActionLine]


def _plan_month_number(plan: Plan, day: datetime.date) -> int:
    first = periods.month_start(plan.start)
    return (day.year - first.year) * 12 + day.month - first.month + 1


def plan_document(plan: Plan, *, on_date=None) -> list[DepartmentPlan]:
    """Goals and plan items (as month ranges of the plan) grouped by department, for
    departments with either, ordered by department name; two queries."""
    on_date = on_date or periods.today()
    goals = goal_progress_list(plan=plan, on_date=on_date)
    items = plan_item_list(plan_id=plan.pk).order_by("department__name", "month", "start", "title")
    groups: dict[int, DepartmentPlan] = {}
    for record in goals:
        department = record.goal.department
        groups.setdefault(department.pk, DepartmentPlan(department, [], [])).goals.append(record)
    for item in items:
        first = _plan_month_number(plan, max(item.start, item.month))
        last = max(first, _plan_month_number(plan, item.due))
        groups.setdefault(
            item.department_id, DepartmentPlan(item.department, [], [])
        ).actions.append(ActionLine(item=item, first_month=first, last_month=last))
    return sorted(groups.values(), key=lambda group: group.department.name)
