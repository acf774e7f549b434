"""The bridge rule in numbers (docs/architecture.md "The bridge rule"): the carry-over rate per
department and month, and the findings behind every figure.

A finding of a closed review is *due* once its deadline (closed_at + grace days) has
passed or once it is disposed; one still open inside its grace period is not due yet. It
counts *in time* when its disposition (dismissal, or its first accepted carryover) came by
the deadline; a disposition after the deadline is late. Carry-over rate = in time / due.
"""

import datetime
import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    Min,
    Q,
    QuerySet,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.models import Ask, WeeklyUpdate
from planbridge import periods
from planbridge.plan_scope import ALL_PLANS, PlanScope

from .. import rules
from ..models import Finding, Review

STATES = {
    "due": _("due"),
    "in_time": _("disposed in time"),
    "late": _("disposed late"),
    "overdue": _("open past the deadline"),
    "open": _("open"),
    "flagged": _("flagged"),
    "undue": _("inside the grace period"),
}


def bridge_finding_queryset(*, now: datetime.datetime | None = None) -> QuerySet[Finding]:
    """Findings annotated with `deadline`, `first_carried_at`, `disposed_at` and
    `bridge_state` (reviews.rules.with_bridge_state)."""
    return rules.with_bridge_state(Finding.objects.all(), now=now or timezone.now())


_CLOSED = Q(review__status=Review.Status.CLOSED)

# Each dashboard state is a set of bridge states (reviews.rules.BridgeState). Only closed
# reviews count towards the rate: a finding disposed while its review is open is in time,
# but not due yet.
_STATE_FILTERS = {
    "due": _CLOSED & rules.in_states(*rules.DISPOSED, *rules.PAST_DEADLINE),
    "in_time": _CLOSED & rules.in_states(*rules.IN_TIME),
    "late": rules.in_states(*rules.LATE),
    "overdue": rules.in_states(*rules.PAST_DEADLINE),
    "undue": rules.in_states(rules.BridgeState.OPEN),
    "open": rules.in_states(*rules.UNDISPOSED),
    "flagged": rules.in_states(rules.BridgeState.FLAGGED),
}


def state_filter(state: str) -> Q:
    """The Q of one dashboard state over bridge_finding_queryset() (which fixes `now`)."""
    return _STATE_FILTERS[state]


def bridge_findings(
    *,
    scope: PlanScope = ALL_PLANS,
    month_from: datetime.date | None = None,
    month_to: datetime.date | None = None,
    department_ids: Iterable[int] | None = None,
    state: str | None = None,
    now: datetime.datetime | None = None,
) -> QuerySet[Finding]:
    """Findings of reviews in the month range (of the plan scope — a company-wide review has
    no plan —, of the departments) in a bridge state — the list behind every dashboard
    number."""
    now = now or timezone.now()
    findings = bridge_finding_queryset(now=now).filter(scope.q("review__plan"))
    if month_from is not None:
        findings = findings.filter(review__month__gte=month_from)
    if month_to is not None:
        findings = findings.filter(review__month__lte=month_to)
    if department_ids is not None:
        findings = findings.filter(department_id__in=list(department_ids))
    if state:
        findings = findings.filter(state_filter(state))
    return findings


@dataclass(frozen=True)
class Rate:
    due: int
    in_time: int

    @property
    def late_or_open(self) -> int:
        return self.due - self.in_time

    @property
    def value(self) -> float | None:
        return self.in_time / self.due if self.due else None

    @property
    def percent(self) -> int | None:
        return None if self.value is None else round(self.value * 100)


@dataclass
class BridgeCounts:
    """Per department and month: rates; per department: open, flagged and overdue counts."""

    rates: dict[tuple[int, datetime.date], Rate]
    open: dict[int, int]
    flagged: dict[int, int]
    overdue: dict[int, int]

    def rate(self, department_id: int | None = None, month: datetime.date | None = None) -> Rate:
        """The rate summed over the cells matching the department and/or month."""
        due = in_time = 0
        for (dep, mon), cell in self.rates.items():
            if department_id is not None and dep != department_id:
                continue
            if month is not None and mon != month:
                continue
            due += cell.due
            in_time += cell.in_time
        return Rate(due=due, in_time=in_time)


def bridge_counts(
    *,
    scope: PlanScope = ALL_PLANS,
    month_from: datetime.date | None = None,
    month_to: datetime.date | None = None,
    department_ids: Iterable[int] | None = None,
    now: datetime.datetime | None = None,
) -> BridgeCounts:
    """Every count of the bridge in one grouped query: per department and review month the
    findings due and disposed in time; per department the open, flagged and overdue ones."""
    now = now or timezone.now()
    rows = (
        bridge_findings(
            scope=scope,
            month_from=month_from,
            month_to=month_to,
            department_ids=department_ids,
            now=now,
        )
        .values("department_id", "review__month")
        .annotate(
            due=Count("pk", filter=state_filter("due")),
            in_time=Count("pk", filter=state_filter("in_time")),
            open=Count("pk", filter=state_filter("open")),
            flagged=Count("pk", filter=state_filter("flagged")),
            overdue=Count("pk", filter=state_filter("overdue")),
        )
        .order_by()
    )
    counts = BridgeCounts(rates={}, open={}, flagged={}, overdue={})
    for row in rows:
        department_id, month = row["department_id"], row["review__month"]
        if row["due"]:
            counts.rates[(department_id, month)] = Rate(due=row["due"], in_time=row["in_time"])
        for name in ("open", "flagged", "overdue"):
            per_department = getattr(counts, name)
            per_department[department_id] = per_department.get(department_id, 0) + row[name]
    return counts


@dataclass(frozen=True)
class ReviewMonths:
    """The first review month and the latest closed review's month of a plan scope."""

    first: datetime.date | None
    latest_closed: datetime.date | None


def review_months(*, scope: PlanScope = ALL_PLANS) -> ReviewMonths:
    """The month of the scope's first review (in any state) and of its latest closed
    review, the dashboard's default range; one query."""
    row = Review.objects.filter(scope.q("plan")).aggregate(
        first=Min("month"),
        latest_closed=Max("month", filter=Q(status=Review.Status.CLOSED)),
    )
    return ReviewMonths(first=row["first"], latest_closed=row["latest_closed"])


class _MedianLow(Aggregate):
    """PostgreSQL's percentile_disc(0.5): the lower middle value of the group, the same
    value statistics.median_low gives."""

    function = "PERCENTILE_DISC"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def _day_bounds(
    start: datetime.date, end: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    # A half-open range of aware datetimes instead of created_at__date, so the database
    # compares the column itself.
    tz = timezone.get_current_timezone()
    first = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    after = datetime.datetime.combine(
        end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
    )
    return first, after


def answered_asks(
    *, scope: PlanScope = ALL_PLANS, start: datetime.date, end: datetime.date
) -> QuerySet[Ask]:
    """Asks raised in [start, end] (of the plan scope; a plan's takes the asks without a
    plan too) that have been answered, annotated with `answer_time` — the rows behind the
    median time to answer."""
    first, after = _day_bounds(start, end)
    return (
        Ask.objects.filter(created_at__gte=first, created_at__lt=after, answered_at__isnull=False)
        .filter(scope.q_with_company_wide("plan"))
        .annotate(
            answer_time=ExpressionWrapper(
                F("answered_at") - F("created_at"), output_field=DurationField()
            )
        )
    )


def ask_answer_medians(
    *, scope: PlanScope = ALL_PLANS, start: datetime.date, end: datetime.date
) -> dict[int, tuple[datetime.timedelta, int]]:
    """Per receiving department: the median (lower middle) time from an ask being raised to
    its answer, and how many answered asks it is taken over (asks raised in [start, end]);
    one query. On PostgreSQL the database computes the median, so no ask is loaded."""
    asks = answered_asks(scope=scope, start=start, end=end)
    if connection.vendor == "postgresql":
        rows = (
            asks.values("to_department_id")
            .annotate(median=_MedianLow("answer_time"), count=Count("pk"))
            .order_by()
        )
        return {row["to_department_id"]: (row["median"], row["count"]) for row in rows}
    return _medians_in_python(asks)


def _medians_in_python(asks: QuerySet[Ask]) -> dict[int, tuple[datetime.timedelta, int]]:
    """The portable fallback (SQLite, the embedded single-machine mode): streams only
    (department, duration) pairs."""
    spans: dict[int, list[datetime.timedelta]] = {}
    rows = asks.values_list("to_department_id", "created_at", "answered_at").order_by()
    for department_id, created, answered in rows.iterator(chunk_size=2000):
        # answered_at IS NOT NULL is part of answered_asks().
        spans.setdefault(department_id, []).append(answered - created)  # type: ignore[operator]
    return {
        department_id: (statistics.median_low(values), len(values))
        for department_id, values in spans.items()
    }


def _weeks(start: datetime.date, end: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last Monday counted for [start, end]: weeks that start inside the range,
    up to today (a week that has not begun cannot be missed)."""
    first = periods.week_start(start)
    if first < start:
        first += datetime.timedelta(days=7)
    return first, min(end, periods.today())


def weekly_update_submission(
    *, scope: PlanScope = ALL_PLANS, start: datetime.date, end: datetime.date
) -> tuple[int, dict[int, int]]:
    """The number of weeks (Mondays) from start to min(end, today) and, per department, in
    how many of them it submitted an update; one query."""
    first, last = _weeks(start, end)
    weeks = 0 if last < first else (last - first).days // 7 + 1
    rows = (
        WeeklyUpdate.objects.filter(week__gte=first, week__lte=last)
        .filter(scope.q_with_company_wide("plan"))
        .values("department_id")
        .annotate(weeks=Count("week", distinct=True))
        .order_by()
    )
    return weeks, {row["department_id"]: row["weeks"] for row in rows}


def weekly_update_weeks(
    *,
    department_id: int,
    scope: PlanScope = ALL_PLANS,
    start: datetime.date,
    end: datetime.date,
) -> list[tuple[datetime.date, list[WeeklyUpdate]]]:
    """Every week counted by weekly_update_submission, newest first, with the department's
    updates of that week (empty when it submitted none); one query."""
    first, last = _weeks(start, end)
    updates: dict[datetime.date, list[WeeklyUpdate]] = {}
    rows = (
        WeeklyUpdate.objects.filter(department_id=department_id, week__gte=first, week__lte=last)
        .filter(scope.q_with_company_wide("plan"))
        .select_related("plan")
        .order_by("week", "pk")
    )
    for update in rows:
        updates.setdefault(update.week, []).append(update)
    weeks = []
    week = first
    while week <= last:
        weeks.append((week, updates.get(week, [])))
        week += datetime.timedelta(days=7)
    return list(reversed(weeks))
