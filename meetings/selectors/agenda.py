"""The meeting's agenda, assembled from data (docs/architecture.md "Domain"), never typed or stored:
updates of the week, departments that have not submitted, open and overdue asks and recent
answers, open action items of earlier meetings, rhythm conflicts, goals at risk and plan
items due this week. Bounded: the same number of queries for 10 or 10,000 rows."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, F, Func, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from goals.models import PlanItem
from goals.selectors import (
    GoalProgress,
    RhythmConflict,
    goals_at_risk,
    plan_items_due_between,
    rhythm_conflicts,
)
from planbridge.models import Department
from planbridge.periods import today

from .. import rules
from ..models import ActionItem, Ask, Meeting, WeeklyUpdate
from .asks import with_overdue
from .updates import weekly_update_queryset


@dataclass
class Agenda:
    meeting: Meeting
    on_date: datetime.date
    updates: list[WeeklyUpdate]
    missing_departments: list[Department]
    open_asks: list[Ask]
    answered_asks: list[Ask]
    answers_since: datetime.date
    carried_action_items: list[ActionItem]
    action_items: list[ActionItem]
    rhythm_conflicts: list[RhythmConflict]
    goals_at_risk: list[GoalProgress]
    items_due: list[PlanItem]

    @property
    def overdue_ask_count(self) -> int:
        return sum(1 for ask in self.open_asks if rules.ask_is_overdue(ask, self.on_date))


def meeting_queryset() -> QuerySet[Meeting]:
    """Meetings with plan (and its owner) and facilitator loaded."""
    return Meeting.objects.select_related("plan__owner", "facilitator")


def _same_scope(meeting: Meeting, prefix: str = "") -> Q:
    """Meetings of the same plan (or, for a meeting without plan, others without plan)."""
    if meeting.plan_id is None:
        return Q(**{f"{prefix}plan__isnull": True})
    return Q(**{f"{prefix}plan_id": meeting.plan_id})


def _relevant_to_plan(meeting: Meeting) -> Q:
    """Rows of the meeting's plan or of no plan; everything when the meeting has no plan."""
    if meeting.plan_id is None:
        return Q()
    return Q(plan_id=meeting.plan_id) | Q(plan__isnull=True)


def earlier_than(meeting: Meeting, prefix: str = "") -> Q:
    """Meetings before this one: an earlier date, or the same date and created before it."""
    return Q(**{f"{prefix}date__lt": meeting.date}) | Q(
        **{f"{prefix}date": meeting.date, f"{prefix}pk__lt": meeting.pk}
    )


def carried_action_items(meeting: Meeting) -> QuerySet[ActionItem]:
    """Open action items of earlier meetings of the same scope, oldest first, each with
    `meetings_open`: the meetings it has been on, from the one that raised it to this one,
    and its meeting's plan loaded (who may mark it done depends on them)."""
    meetings_open = (
        Meeting.objects.filter(_same_scope(meeting), date__lte=meeting.date)
        .filter(date__gte=OuterRef("meeting__date"))
        .order_by()
        .annotate(count=Func(F("pk"), function="COUNT"))
        .values("count")
    )
    return (
        ActionItem.objects.filter(
            earlier_than(meeting, "meeting__"),
            _same_scope(meeting, "meeting__"),
            rules.action_item_open_q(),
        )
        .select_related("meeting__plan", "owner", "department")
        .annotate(meetings_open=Subquery(meetings_open))
        .order_by("meeting__date", "due", "pk")
    )


def missing_departments(meeting: Meeting) -> QuerySet[Department]:
    """Departments expected at the meeting (of the plan's team, or all) without an update."""
    expected = Department.objects.all()
    if meeting.plan_id is not None:
        expected = expected.filter(
            Exists(
                Department.objects.filter(
                    pk=OuterRef("pk"), memberships__user__plan_teams=meeting.plan_id
                )
            )
        )
    submitted = rules.weekly_update_submitted(meeting.week, scope=_relevant_to_plan(meeting))
    return expected.filter(~submitted).order_by("name")


def agenda_date(meeting: Meeting) -> datetime.date:
    """ "Now" for the agenda: today within the meeting's week, else that week's nearest end."""
    week_end = meeting.week + datetime.timedelta(days=6)
    return min(max(today(), meeting.week), week_end)


def meeting_agenda(meeting: Meeting) -> Agenda:
    """The meeting's full agenda in a fixed number of queries (about 12 plus the goals
    selectors' own bounded queries), whatever the number of rows."""
    on_date = agenda_date(meeting)
    week_end = meeting.week + datetime.timedelta(days=6)
    previous = (
        Meeting.objects.filter(_same_scope(meeting), earlier_than(meeting))
        .order_by("-date", "-pk")
        .values_list("date", flat=True)
        .first()
    )
    answers_since = previous or meeting.week - datetime.timedelta(days=7)
    tz = timezone.get_current_timezone()
    since_moment = timezone.make_aware(
        datetime.datetime.combine(answers_since, datetime.time()), tz
    )
    until_moment = timezone.make_aware(
        datetime.datetime.combine(week_end + datetime.timedelta(days=1), datetime.time()), tz
    )
    asks = with_overdue(
        Ask.objects.filter(_relevant_to_plan(meeting)).select_related(
            "from_department", "to_department", "plan_item", "answered_by"
        ),
        on_date,
    )
    updates = (
        weekly_update_queryset()
        .filter(_relevant_to_plan(meeting), week=meeting.week)
        .order_by("department__name", "pk")
    )
    items_due = plan_items_due_between(
        start=meeting.week, end=week_end, plan=meeting.plan, on_date=on_date
    ).select_related("department", "owner")
    return Agenda(
        meeting=meeting,
        on_date=on_date,
        updates=list(updates),
        missing_departments=list(missing_departments(meeting)),
        open_asks=list(
            asks.filter(rules.ask_waiting_q()).order_by(F("overdue").desc(), "needed_by", "pk")
        ),
        answered_asks=list(
            asks.exclude(rules.ask_unanswered_q())
            .filter(
                answered_at__gte=since_moment,
                answered_at__lt=until_moment,
            )
            .order_by("state", "-answered_at", "pk")
        ),
        answers_since=answers_since,
        carried_action_items=list(
            carried_action_items(meeting).annotate(overdue=rules.action_item_overdue_flag(on_date))
        ),
        action_items=list(
            meeting.action_items.select_related("owner", "department")
            .annotate(overdue=rules.action_item_overdue_flag(on_date))
            .order_by("due", "pk")
        ),
        rhythm_conflicts=list(rhythm_conflicts(plan=meeting.plan, on_date=on_date)),
        goals_at_risk=list(goals_at_risk(plan=meeting.plan, on_date=on_date)),
        items_due=list(items_due.order_by("due", "department__name", "pk")),
    )
