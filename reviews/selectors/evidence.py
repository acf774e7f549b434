"""The month's evidence for a review, assembled from the other apps, never typed
(docs/architecture.md "Domain"): goals behind expectation, plan items due and not done,
problems from weekly updates, asks declined or overdue, overdue action items, and
rhythm conflicts live in the month. Each line links to its source."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from goals import selectors as goals_selectors
from meetings import rules as meetings_rules
from meetings.models import ActionItem, Ask, WeeklyUpdate
from planbridge import periods
from planbridge.models import Department

from ..models import Finding, Review

Kind = Finding.EvidenceKind


@dataclass
class EvidenceLine:
    """One piece of evidence; `finding_*` prefill a finding created from it."""

    kind: str
    object_id: int
    title: str
    detail: str
    department: Department
    url: str
    finding_kind: str = Finding.Kind.PROBLEM
    severity: str = Finding.Severity.MEDIUM
    finding_ids: list[int] = field(default_factory=list)  # findings already made from it

    @property
    def kind_label(self) -> str:
        return str(Kind(self.kind).label)


@dataclass
class Evidence:
    month: datetime.date
    on_date: datetime.date
    goals: list[EvidenceLine]
    plan_items: list[EvidenceLine]
    weekly_updates: list[EvidenceLine]
    asks: list[EvidenceLine]
    action_items: list[EvidenceLine]
    conflicts: list[EvidenceLine]

    def sections(self) -> list[tuple[str, str, list[EvidenceLine]]]:
        return [
            (Kind.GOAL, _("Goals behind their expected progress"), self.goals),
            (Kind.PLAN_ITEM, _("Plan items due this month and not done"), self.plan_items),
            (Kind.WEEKLY_UPDATE, _("Problems from weekly updates"), self.weekly_updates),
            (Kind.ASK, _("Asks declined or overdue"), self.asks),
            (Kind.ACTION_ITEM, _("Overdue action items"), self.action_items),
            (Kind.CONFLICT, _("Rhythm conflicts live in the month"), self.conflicts),
        ]

    def lines(self) -> list[EvidenceLine]:
        return [line for _kind, _label, lines in self.sections() for line in lines]

    def find(self, kind: str, object_id: int) -> EvidenceLine | None:
        for line in self.lines():
            if line.kind == kind and line.object_id == object_id:
                return line
        return None


def evidence_on_date(month: datetime.date) -> datetime.date:
    """The day the month is judged on: its last day, or today while it is running."""
    return min(periods.month_end(month), periods.today())


def _plan_filter(review: Review, field_name: str) -> Q:
    # Rows without a plan belong to every plan's review; a review without a plan sees all.
    if review.plan_id is None:
        return Q()
    return Q(**{field_name: review.plan_id}) | Q(**{f"{field_name}__isnull": True})


def _goal_lines(review: Review, on_date: datetime.date) -> list[EvidenceLine]:
    lines = []
    for record in goals_selectors.goals_at_risk(plan=review.plan, on_date=on_date):
        goal = record.goal
        lines.append(
            EvidenceLine(
                kind=Kind.GOAL,
                object_id=goal.pk,
                title=goal.title,
                detail=_("%(status)s: %(progress)s%% done, %(expected)s%% expected by %(day)s")
                % {
                    "status": record.status_label,
                    "progress": record.progress_percent,
                    "expected": record.expected_percent,
                    "day": on_date.isoformat(),
                },
                department=goal.department,
                url=reverse("goals:goal_detail", args=[goal.pk]),
                finding_kind=Finding.Kind.PROBLEM
                if record.status == "off_track"
                else Finding.Kind.RISK,
                severity=Finding.Severity.HIGH
                if record.status == "off_track"
                else Finding.Severity.MEDIUM,
            )
        )
    return lines


def _plan_item_lines(
    review: Review, month: datetime.date, last_day: datetime.date
) -> list[EvidenceLine]:
    items = goals_selectors.plan_items_due_between(
        start=month, end=last_day, plan=review.plan, open_only=True
    )
    return [
        EvidenceLine(
            kind=Kind.PLAN_ITEM,
            object_id=item.pk,
            title=item.title,
            detail=_("Due %(due)s, still %(status)s")
            % {"due": item.due.isoformat(), "status": item.get_status_display().lower()},
            department=item.department,
            url=reverse("goals:plan_item_detail", args=[item.pk]),
            severity=Finding.Severity.HIGH
            if item.status == item.Status.BLOCKED
            else Finding.Severity.MEDIUM,
        )
        for item in items
    ]


def _weekly_update_lines(
    review: Review, month: datetime.date, last_day: datetime.date
) -> list[EvidenceLine]:
    updates = (
        WeeklyUpdate.objects.filter(week__gte=month, week__lte=last_day)
        .filter(_plan_filter(review, "plan"))
        .exclude(problems="")
        .select_related("department")
        .order_by("week", "department__name", "pk")
    )
    return [
        EvidenceLine(
            kind=Kind.WEEKLY_UPDATE,
            object_id=update.pk,
            title=update.problems.strip().splitlines()[0][:200],
            detail=_("Weekly update of the week of %(week)s") % {"week": update.week.isoformat()},
            department=update.department,
            url=reverse("meetings:update_detail", args=[update.pk]),
        )
        for update in updates
        if update.problems.strip()
    ]


def _ask_lines(
    review: Review, month: datetime.date, last_day: datetime.date, on_date: datetime.date
) -> list[EvidenceLine]:
    asks = (
        Ask.objects.filter(needed_by__gte=month, needed_by__lte=last_day)
        .filter(Q(state=Ask.State.DECLINED) | meetings_rules.ask_overdue_q(on_date))
        .filter(_plan_filter(review, "plan"))
        .select_related("from_department", "to_department")
        .order_by("needed_by", "pk")
    )
    lines = []
    for ask in asks:
        values = {
            "from": ask.from_department.name,
            "to": ask.to_department.name,
            "date": ask.needed_by.isoformat(),
            "reply": ask.reply,
        }
        if ask.state == Ask.State.DECLINED:
            detail = _("%(from)s asked %(to)s, declined: %(reply)s") % values
        elif ask.state == Ask.State.ACCEPTED:
            detail = _("%(from)s asked %(to)s, needed by %(date)s, accepted but not done") % values
        else:
            detail = _("%(from)s asked %(to)s, needed by %(date)s, still unanswered") % values
        lines.append(
            EvidenceLine(
                kind=Kind.ASK,
                object_id=ask.pk,
                title=ask.what,
                detail=detail,
                # The receiving department owns an unanswered or refused ask.
                department=ask.to_department,
                url=reverse("meetings:ask_detail", args=[ask.pk]),
            )
        )
    return lines


def _action_item_lines(
    review: Review, month: datetime.date, last_day: datetime.date, on_date: datetime.date
) -> list[EvidenceLine]:
    overdue = (
        meetings_rules.action_item_overdue_q(on_date) | meetings_rules.action_item_done_late_q()
    )
    actions = (
        ActionItem.objects.filter(due__gte=month, due__lte=last_day)
        .filter(overdue)
        .filter(_plan_filter(review, "meeting__plan"))
        .select_related("department", "owner", "meeting")
        .order_by("due", "pk")
    )
    lines = []
    for action in actions:
        values = {
            "due": action.due.isoformat(),
            "owner": action.owner.get_full_name() or action.owner.username,
        }
        if meetings_rules.action_item_is_open(action):
            detail = _("Due %(due)s (%(owner)s), still open") % values
        else:
            detail = _("Due %(due)s (%(owner)s), done late") % values
        lines.append(
            EvidenceLine(
                kind=Kind.ACTION_ITEM,
                object_id=action.pk,
                title=action.title,
                detail=detail,
                department=action.department,
                url=reverse("meetings:meeting_detail", args=[action.meeting_id]),
            )
        )
    return lines


def _conflict_lines(
    review: Review, month: datetime.date, on_date: datetime.date
) -> list[EvidenceLine]:
    conflicts = goals_selectors.rhythm_conflicts(plan=review.plan, month=month, on_date=on_date)
    return [
        EvidenceLine(
            kind=Kind.CONFLICT,
            object_id=conflict.item.pk,
            title=conflict.item.title,
            detail=conflict.message,
            department=conflict.item.department,
            url=reverse("goals:plan_item_detail", args=[conflict.item.pk]),
            finding_kind=Finding.Kind.RISK,
        )
        for conflict in conflicts
    ]


def review_evidence(review: Review) -> Evidence:
    """The evidence of the review's month (of its plan, plus rows without a plan), each
    line marked with the findings already recorded from it; seven queries whatever the
    data size."""
    month = periods.month_start(review.month)
    last_day = periods.month_end(month)
    on_date = evidence_on_date(month)
    evidence = Evidence(
        month=month,
        on_date=on_date,
        goals=_goal_lines(review, on_date),
        plan_items=_plan_item_lines(review, month, last_day),
        weekly_updates=_weekly_update_lines(review, month, last_day),
        asks=_ask_lines(review, month, last_day, on_date),
        action_items=_action_item_lines(review, month, last_day, on_date),
        conflicts=_conflict_lines(review, month, on_date),
    )
    recorded: dict[tuple[str, int | None], list[int]] = {}
    for finding_id, kind, object_id in review.findings.exclude(evidence_kind="").values_list(
        "pk", "evidence_kind", "evidence_object_id"
    ):
        recorded.setdefault((kind, object_id), []).append(finding_id)
    for line in evidence.lines():
        line.finding_ids = recorded.get((line.kind, line.object_id), [])
    return evidence


def evidence_url(finding: Finding) -> str:
    """The page of the finding's evidence source ("" when it has none); at most one query
    (an action item's meeting)."""
    kind, pk = finding.evidence_kind, finding.evidence_object_id
    if not kind or pk is None:
        return ""
    if kind == Kind.GOAL:
        return reverse("goals:goal_detail", args=[pk])
    if kind in (Kind.PLAN_ITEM, Kind.CONFLICT):
        return reverse("goals:plan_item_detail", args=[pk])
    if kind == Kind.WEEKLY_UPDATE:
        return reverse("meetings:update_detail", args=[pk])
    if kind == Kind.ASK:
        return reverse("meetings:ask_detail", args=[pk])
    meeting_id = ActionItem.objects.filter(pk=pk).values_list("meeting_id", flat=True).first()
    return reverse("meetings:meeting_detail", args=[meeting_id]) if meeting_id else ""
