"""Goals: progress, expected progress and status, the goal list and page, objectives
and alignment. Every function runs a bounded number of queries whatever the data size."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from planbridge import periods
from planbridge.models import Department, Plan
from planbridge.plan_scope import PlanScope

from ..models import CheckIn, Goal, Objective, PlanItem
from ..smart import SmartLetter, failed_letters, goal_smart_check
from ..smart_queries import failing_goal_ids
from .plan_items import with_overdue

# Status thresholds (docs/architecture.md "Domain": status from progress and expected progress):
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


def goal_progress(
    goal: Goal, *, latest_value: Decimal | None, on_date: datetime.date | None = None
) -> GoalProgress:
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


def goal_queryset(*, on_date: datetime.date | None = None) -> QuerySet[Goal]:
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


def latest_value_of(goal: Goal) -> Decimal | None:
    """The `latest_value` goal_queryset() annotated on `goal`."""
    value: Decimal | None = goal.__dict__["latest_value"]
    return value


def goal_progress_list(
    *,
    plan: Plan | None = None,
    scope: PlanScope | None = None,
    department_ids: Iterable[int] | None = None,
    on_date: datetime.date | None = None,
) -> list[GoalProgress]:
    """Progress, expected progress and status of every goal (of a plan or plan scope /
    departments) on `on_date`, in one query."""
    on_date = on_date or periods.today()
    goals = goal_queryset(on_date=on_date)
    if plan is not None:
        goals = goals.filter(plan=plan)
    if scope is not None:
        goals = goals.filter(scope.q("plan"))
    if department_ids is not None:
        goals = goals.filter(department_id__in=department_ids)
    return [
        goal_progress(goal, latest_value=latest_value_of(goal), on_date=on_date) for goal in goals
    ]


def goals_at_risk(
    *,
    plan: Plan | None = None,
    scope: PlanScope | None = None,
    department_ids: Iterable[int] | None = None,
    on_date: datetime.date | None = None,
) -> list[GoalProgress]:
    """Only the goals whose status is at_risk or off_track."""
    return [
        record
        for record in goal_progress_list(
            plan=plan, scope=scope, department_ids=department_ids, on_date=on_date
        )
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
    plan_id: int | None = None,
    department_id: int | None = None,
    objective_id: int | None = None,
    failed_letter: str | None = None,
    page_number: str | int | None = None,
    per_page: int = 50,
    on_date: datetime.date | None = None,
) -> Page[GoalRow]:
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
        ids: Paginator[Any] = Paginator(failing_goal_ids(goals, failed_letter), per_page)
        page = ids.get_page(page_number)
        position = {pk: n for n, pk in enumerate(page.object_list)}
        loaded = goal_queryset(on_date=on_date).filter(pk__in=list(position))
        goals_on_page = sorted(loaded, key=lambda goal: position[goal.pk])
    else:
        # The paginator's count, then the page's goals.
        queryset = goal_queryset(on_date=on_date).filter(**filters).order_by(*GOAL_LIST_ORDER)
        paginator: Paginator[Any] = Paginator(queryset, per_page)
        page = paginator.get_page(page_number)
        goals_on_page = list(page.object_list)
    page.object_list = [
        GoalRow(
            progress=goal_progress(goal, latest_value=latest_value_of(goal), on_date=on_date),
            letters=goal_smart_check(goal),
        )
        for goal in goals_on_page
    ]
    return page


def goal_detail(pk: int, *, on_date: datetime.date | None = None) -> Goal:
    """One goal with its relations and latest value; raises Goal.DoesNotExist."""
    return goal_queryset(on_date=on_date).get(pk=pk)


def goal_checkins(goal: Goal) -> QuerySet[CheckIn]:
    """The goal's check-ins, oldest first, with their authors."""
    return goal.checkins.select_related("author").order_by("date", "created_at", "pk")


def goal_chart_data(goal: Goal, checkins: Iterable[CheckIn]) -> dict[str, Any]:
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
    """Plan items that serve the goal, with department, owner and `overdue`."""
    return with_overdue(goal.plan_items.select_related("department", "owner")).order_by(
        "month", "start"
    )


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


def alignment(*, quarter: datetime.date | None = None, plan_id: int | None = None) -> Alignment:
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
