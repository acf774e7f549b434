"""The month's evidence for a review, assembled from the other apps, never typed
(docs/architecture.md "Domain" and "Periods at the edges"): goals behind expectation, plan
items due by the month's end and not done, problems from the weekly updates of every week
overlapping the month, asks declined in the month or overdue, action items overdue or done
late, and rhythm conflicts live in the month. What was already late in an earlier month stays
evidence until it is resolved. Each line links to its source, says since when it has been
open and proposes a title naming the problem for a finding made from it."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from goals import rules as goals_rules
from goals import selectors as goals_selectors
from meetings import rules as meetings_rules
from meetings.models import ActionItem, Ask, WeeklyUpdate
from planbridge import periods
from planbridge.models import Department
from planbridge.people import person_name

from ..models import Finding, Review

Kind = Finding.EvidenceKind


def _shift(day: datetime.date, days: int) -> datetime.date:
    # Saturates at the ends of what Python holds, like periods.add_months, so that a row
    # stored before the accepted years existed cannot break a review page.
    try:
        return day + datetime.timedelta(days=days)
    except OverflowError:
        return datetime.date.max if days > 0 else datetime.date.min


TITLE_LENGTH: int = Finding._meta.get_field("title").max_length or 200


@dataclass(frozen=True)
class EarlierFinding:
    """A finding an earlier review already made from the same evidence."""

    pk: int
    review_month: datetime.date


@dataclass
class EvidenceLine:
    """One piece of evidence; `finding_*` prefill a finding created from it."""

    kind: str
    object_id: int
    title: str  # the source's own name, the text of the link to it
    detail: str
    department: Department
    url: str
    since: str = ""  # since when it has been open: "overdue since 2026-11-25"
    finding_title: str = ""  # names the problem: "Overdue: … (…), due …, still …"
    finding_detail: str = ""
    finding_kind: str = Finding.Kind.PROBLEM
    severity: str = Finding.Severity.MEDIUM
    finding_ids: list[int] = field(default_factory=list)  # this review's findings from it
    earlier_findings: list[EarlierFinding] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.finding_title = _shorten(self.finding_title or self.title)
        self.finding_detail = self.finding_detail or self.detail

    @property
    def kind_label(self) -> str:
        return str(Kind(self.kind).label)

    def finding_initial(self) -> dict[str, object]:
        """The finding form's initial values for a finding made from this line."""
        return {
            "kind": self.finding_kind,
            "title": self.finding_title,
            "detail": self.finding_detail,
            "department": self.department.pk,
            "severity": self.severity,
            "evidence_kind": self.kind,
            "evidence_object_id": self.object_id,
        }


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
            (
                Kind.PLAN_ITEM,
                _("Plan items due by the month's end and not done"),
                self.plan_items,
            ),
            (Kind.WEEKLY_UPDATE, _("Problems from weekly updates"), self.weekly_updates),
            (Kind.ASK, _("Asks declined or overdue"), self.asks),
            (Kind.ACTION_ITEM, _("Overdue action items"), self.action_items),
            (Kind.CONFLICT, _("Rhythm conflicts live in the month"), self.conflicts),
        ]

    def lines(self, kind: str | None = None) -> list[EvidenceLine]:
        """Every line, or those of one kind."""
        return [
            line
            for section_kind, _label, lines in self.sections()
            if kind is None or section_kind == kind
            for line in lines
        ]

    def find(self, kind: str, object_id: int | None) -> EvidenceLine | None:
        for line in self.lines():
            if line.kind == kind and line.object_id == object_id:
                return line
        return None


def evidence_on_date(month: datetime.date) -> datetime.date:
    """The day the month is judged on: its last day, or today while it is running."""
    return min(periods.month_end(month), periods.today())


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= TITLE_LENGTH:
        return text
    return text[: TITLE_LENGTH - 1].rstrip() + "…"


def _person(user: User) -> str:
    return person_name(user)


def _plan_filter(review: Review, field_name: str) -> Q:
    # Rows without a plan belong to every plan's review; a review without a plan sees all.
    if review.plan_id is None:
        return Q()
    return Q(**{field_name: review.plan_id}) | Q(**{f"{field_name}__isnull": True})


def _overdue_since(due: datetime.date) -> str:
    # Overdue is "still open after its due date" (goals.rules, meetings.rules): from the
    # day after it.
    return _("overdue since %(day)s") % {"day": _shift(due, 1).isoformat()}


def _goal_lines(review: Review, on_date: datetime.date) -> list[EvidenceLine]:
    lines = []
    for record in goals_selectors.goals_at_risk(plan=review.plan, on_date=on_date):
        goal = record.goal
        values = {
            "goal": goal.title,
            "department": goal.department.name,
            "status": record.status_label,
            "progress": record.progress_percent,
            "expected": record.expected_percent,
            "day": on_date.isoformat(),
        }
        off_track = record.status == "off_track"
        lines.append(
            EvidenceLine(
                kind=Kind.GOAL,
                object_id=goal.pk,
                title=goal.title,
                detail=_("%(status)s: %(progress)s%% done, %(expected)s%% expected by %(day)s")
                % values,
                department=goal.department,
                url=reverse("goals:goal_detail", args=[goal.pk]),
                since=_("behind on %(day)s") % values,
                finding_title=_(
                    "Behind expectation: %(goal)s (%(department)s), %(progress)s%% done, "
                    "%(expected)s%% expected by %(day)s"
                )
                % values,
                finding_kind=Finding.Kind.PROBLEM if off_track else Finding.Kind.RISK,
                severity=Finding.Severity.HIGH if off_track else Finding.Severity.MEDIUM,
            )
        )
    return lines


def _plan_item_lines(review: Review, last_day: datetime.date) -> list[EvidenceLine]:
    # Due by the month's end and still open: the items that are overdue once the month is
    # over, including those due in an earlier month (docs/architecture.md "Periods at the
    # edges"). An item of a running month is called overdue only once it is (today).
    after_month = _shift(last_day, 1)
    judged_on = min(periods.today(), after_month)
    items = goals_selectors.plan_item_queryset().filter(
        goals_rules.plan_item_overdue_q(after_month)
    )
    if review.plan_id is not None:
        items = items.filter(plan_id=review.plan_id)
    lines = []
    for item in items.order_by("due", "department__name", "title", "pk"):
        values = {
            "item": item.title,
            "department": item.department.name,
            "due": item.due.isoformat(),
            "status": item.get_status_display().lower(),
        }
        overdue = goals_rules.plan_item_is_overdue(item, judged_on)
        lines.append(
            EvidenceLine(
                kind=Kind.PLAN_ITEM,
                object_id=item.pk,
                title=item.title,
                detail=_("Due %(due)s, still %(status)s") % values,
                department=item.department,
                url=reverse("goals:plan_item_detail", args=[item.pk]),
                since=_overdue_since(item.due) if overdue else "",
                finding_title=(
                    _("Overdue: %(item)s (%(department)s), due %(due)s, still %(status)s")
                    if overdue
                    else _("Not done: %(item)s (%(department)s), due %(due)s, still %(status)s")
                )
                % values,
                severity=Finding.Severity.HIGH
                if item.status == item.Status.BLOCKED
                else Finding.Severity.MEDIUM,
            )
        )
    return lines


def _weekly_update_lines(
    review: Review, month: datetime.date, last_day: datetime.date
) -> list[EvidenceLine]:
    # Every week overlapping the month: the week of Monday 30 November is evidence for
    # November and for December (docs/architecture.md "Periods at the edges").
    updates = (
        WeeklyUpdate.objects.filter(week__gte=_shift(month, -6), week__lte=last_day)
        .filter(_plan_filter(review, "plan"))
        .exclude(problems="")
        .select_related("department")
        .order_by("week", "department__name", "pk")
    )
    lines = []
    for update in updates:
        problems = update.problems.strip()
        if not problems:
            continue
        values = {
            "department": update.department.name,
            "problem": problems.splitlines()[0],
            "week": update.week.isoformat(),
        }
        week_line = _("Weekly update of the week of %(week)s") % values
        lines.append(
            EvidenceLine(
                kind=Kind.WEEKLY_UPDATE,
                object_id=update.pk,
                title=_shorten(values["problem"]),
                detail=week_line,
                department=update.department,
                url=reverse("meetings:update_detail", args=[update.pk]),
                since=_("reported in the week of %(week)s") % values,
                finding_title=_("Problem reported by %(department)s: %(problem)s") % values,
                finding_detail=f"{problems}\n\n{week_line}",
            )
        )
    return lines


def _ask_lines(
    review: Review, month: datetime.date, last_day: datetime.date, on_date: datetime.date
) -> list[EvidenceLine]:
    # Declined during the month (answered_at is when; rows answered before it was kept fall
    # back on their needed-by date), or waiting past the needed-by date, however long ago.
    declined_in_month = Q(state=Ask.State.DECLINED) & (
        Q(answered_at__date__gte=month, answered_at__date__lte=last_day)
        | Q(answered_at__isnull=True, needed_by__gte=month, needed_by__lte=last_day)
    )
    asks = (
        Ask.objects.filter(declined_in_month | meetings_rules.ask_overdue_q(on_date))
        .filter(_plan_filter(review, "plan"))
        .select_related("from_department", "to_department")
        .order_by("needed_by", "pk")
    )
    lines = []
    for ask in asks:
        values = {
            "what": ask.what,
            "from": ask.from_department.name,
            "to": ask.to_department.name,
            "date": ask.needed_by.isoformat(),
            "reply": ask.reply,
        }
        if ask.state == Ask.State.DECLINED:
            detail = _("%(from)s asked %(to)s, declined: %(reply)s") % values
            since = (
                _("declined on %(day)s") % {"day": timezone.localdate(ask.answered_at).isoformat()}
                if ask.answered_at
                else _("declined")
            )
            title = _("Declined: %(what)s (%(from)s → %(to)s)") % values
        elif ask.state == Ask.State.ACCEPTED:
            detail = _("%(from)s asked %(to)s, needed by %(date)s, accepted but not done") % values
            since = _overdue_since(ask.needed_by)
            title = (
                _(
                    "Overdue ask: %(what)s (%(from)s → %(to)s), needed by %(date)s, "
                    "accepted but not done"
                )
                % values
            )
        else:
            detail = _("%(from)s asked %(to)s, needed by %(date)s, still unanswered") % values
            since = _overdue_since(ask.needed_by)
            title = (
                _("Overdue ask: %(what)s (%(from)s → %(to)s), needed by %(date)s, unanswered")
                % values
            )
        lines.append(
            EvidenceLine(
                kind=Kind.ASK,
                object_id=ask.pk,
                title=ask.what,
                detail=detail,
                # The receiving department owns an unanswered or refused ask.
                department=ask.to_department,
                url=reverse("meetings:ask_detail", args=[ask.pk]),
                since=since,
                finding_title=title,
            )
        )
    return lines


def _action_item_lines(
    review: Review, month: datetime.date, last_day: datetime.date, on_date: datetime.date
) -> list[EvidenceLine]:
    # Open past the due date, from any earlier meeting; or done late, when it was due or
    # done in the month.
    in_month = Q(due__gte=month, due__lte=last_day) | Q(
        done_at__date__gte=month, done_at__date__lte=last_day
    )
    actions = (
        ActionItem.objects.filter(
            meetings_rules.action_item_overdue_q(on_date)
            | (meetings_rules.action_item_done_late_q() & in_month)
        )
        .filter(_plan_filter(review, "meeting__plan"))
        .select_related("department", "owner", "meeting")
        .order_by("due", "pk")
    )
    lines = []
    for action in actions:
        values = {
            "action": action.title,
            "department": action.department.name,
            "due": action.due.isoformat(),
            "owner": _person(action.owner),
        }
        if meetings_rules.action_item_is_open(action):
            detail = _("Due %(due)s (%(owner)s), still open") % values
            since = _overdue_since(action.due)
            title = (
                _("Overdue action: %(action)s (%(owner)s, %(department)s), due %(due)s, still open")
                % values
            )
        else:
            values["done"] = timezone.localdate(action.done_at).isoformat()
            detail = _("Due %(due)s (%(owner)s), done late") % values
            since = _("done late on %(done)s") % values
            title = (
                _("Done late: %(action)s (%(owner)s, %(department)s), due %(due)s, done %(done)s")
                % values
            )
        lines.append(
            EvidenceLine(
                kind=Kind.ACTION_ITEM,
                object_id=action.pk,
                title=action.title,
                detail=detail,
                department=action.department,
                url=reverse("meetings:meeting_detail", args=[action.meeting_id]),
                since=since,
                finding_title=title,
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
            since=_("live on %(day)s") % {"day": on_date.isoformat()},
            finding_title=_("Rhythm conflict: %(message)s") % {"message": conflict.message},
            finding_kind=Finding.Kind.RISK,
        )
        for conflict in conflicts
    ]


def _mark_findings(review: Review, evidence: Evidence) -> None:
    # One query for both: this review's findings made from evidence, and those of earlier
    # reviews made from the same sources.
    lines = evidence.lines()
    recorded = Q(review=review)
    if lines:
        recorded |= Q(
            review__month__lt=evidence.month,
            evidence_object_id__in={line.object_id for line in lines},
        )
    rows = (
        Finding.objects.filter(recorded)
        .exclude(evidence_kind="")
        .order_by("-review__month", "pk")
        .values_list("pk", "review_id", "review__month", "evidence_kind", "evidence_object_id")
    )
    own: dict[tuple[str, int | None], list[int]] = {}
    earlier: dict[tuple[str, int | None], list[EarlierFinding]] = {}
    for finding_id, review_id, review_month, kind, object_id in rows:
        if review_id == review.pk:
            own.setdefault((kind, object_id), []).append(finding_id)
        else:
            earlier.setdefault((kind, object_id), []).append(
                EarlierFinding(pk=finding_id, review_month=review_month)
            )
    for line in lines:
        key = (line.kind, line.object_id)
        line.finding_ids = sorted(own.get(key, []))
        line.earlier_findings = earlier.get(key, [])


def review_evidence(review: Review) -> Evidence:
    """The evidence of the review's month (of its plan, plus rows without a plan) as of
    `evidence_on_date`, each line marked with the findings already recorded from it in this
    review and in earlier ones; seven queries whatever the data size."""
    month = periods.month_start(review.month)
    last_day = periods.month_end(month)
    on_date = evidence_on_date(month)
    evidence = Evidence(
        month=month,
        on_date=on_date,
        goals=_goal_lines(review, on_date),
        plan_items=_plan_item_lines(review, last_day),
        weekly_updates=_weekly_update_lines(review, month, last_day),
        asks=_ask_lines(review, month, last_day, on_date),
        action_items=_action_item_lines(review, month, last_day, on_date),
        conflicts=_conflict_lines(review, month, on_date),
    )
    _mark_findings(review, evidence)
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
