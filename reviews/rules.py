"""The rules of reviews, each defined once (docs/architecture.md "Where code goes").

The bridge disposition (docs/architecture.md "The bridge rule") is one classification of a
finding, written twice from the same table of cases: `bridge_state_expression()` for queries
(lists, counts, the flag job, the digests) and `bridge_state()` for one loaded finding (its
page). tests/reviews/test_disposition.py checks that the two agree on every case.
"""

import datetime
from typing import Any

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateTimeField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextChoices,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from planbridge import periods
from planbridge import rules as core_rules
from planbridge.periods import add_months, month_start
from planbridge.rules import AnyUser

from .models import Carryover, CarryProposal, Finding, Review


class BridgeState(TextChoices):
    """Where a finding stands under the bridge rule. A disposition is a dismissal or an
    accepted carryover (the services never allow both; the dismissal is read first)."""

    IN_REVIEW = "in_review", _("in review")  # review not closed, no disposition yet
    OPEN = "open", _("inside the grace period")  # closed, deadline not passed
    TO_FLAG = "to_flag", _("past the deadline, not flagged yet")
    FLAGGED = "flagged", _("flagged")
    CARRIED_IN_TIME = "carried_in_time", _("carried in time")
    CARRIED_LATE = "carried_late", _("carried late")
    DISMISSED_IN_TIME = "dismissed_in_time", _("dismissed in time")
    DISMISSED_LATE = "dismissed_late", _("dismissed late")


# Disposed before its review closed counts as in time: the deadline lies after closing.
IN_TIME = (BridgeState.CARRIED_IN_TIME, BridgeState.DISMISSED_IN_TIME)
LATE = (BridgeState.CARRIED_LATE, BridgeState.DISMISSED_LATE)
DISPOSED = IN_TIME + LATE
UNDISPOSED = (BridgeState.IN_REVIEW, BridgeState.OPEN, BridgeState.TO_FLAG, BridgeState.FLAGGED)
PAST_DEADLINE = (BridgeState.TO_FLAG, BridgeState.FLAGGED)


def grace_period() -> datetime.timedelta:
    return datetime.timedelta(days=settings.PLANBRIDGE_CARRY_GRACE_DAYS)


def deadline_after(closed_at: datetime.datetime | None) -> datetime.datetime | None:
    """A finding must be carried or dismissed by its review's closed_at plus
    PLANBRIDGE_CARRY_GRACE_DAYS; no deadline while the review is not closed."""
    return None if closed_at is None else closed_at + grace_period()


def bridge_state(
    *,
    review_closed: bool,
    deadline: datetime.datetime | None,
    dismissed_at: datetime.datetime | None,
    first_carried_at: datetime.datetime | None,
    flagged_at: datetime.datetime | None,
    now: datetime.datetime,
) -> BridgeState:
    """The finding's bridge state from its fields (the twin of bridge_state_expression)."""
    disposed_at = dismissed_at if dismissed_at is not None else first_carried_at
    if disposed_at is not None:
        late = review_closed and deadline is not None and disposed_at > deadline
        if dismissed_at is not None:
            return BridgeState.DISMISSED_LATE if late else BridgeState.DISMISSED_IN_TIME
        return BridgeState.CARRIED_LATE if late else BridgeState.CARRIED_IN_TIME
    if not review_closed or deadline is None:
        return BridgeState.IN_REVIEW
    if flagged_at is not None:
        return BridgeState.FLAGGED
    if deadline <= now:
        return BridgeState.TO_FLAG
    return BridgeState.OPEN


def with_bridge_state(
    findings: QuerySet[Finding], *, now: datetime.datetime, select: bool = True
) -> QuerySet[Finding]:
    """The findings annotated with `deadline`, `first_carried_at`, `disposed_at` and
    `bridge_state` (a BridgeState value) — the one SQL form of bridge_state(). With
    `select=False` they are only aliases, for filtering: the SELECT stays the model's
    columns."""
    first_carry = (
        Carryover.objects.filter(finding=OuterRef("pk"), accepted_at__isnull=False)
        .order_by("accepted_at")
        .values("accepted_at")[:1]
    )
    # In three steps: each refers to the names the one before it adds.
    steps: list[dict[str, Any]] = [
        {
            "deadline": ExpressionWrapper(
                F("review__closed_at") + Value(grace_period()), output_field=DateTimeField()
            ),
            "first_carried_at": Subquery(first_carry, output_field=DateTimeField()),
        },
        {"disposed_at": Coalesce("dismissed_at", "first_carried_at", output_field=DateTimeField())},
        {"bridge_state": bridge_state_expression(now=now)},
    ]
    for expressions in steps:
        findings = findings.annotate(**expressions) if select else findings.alias(**expressions)
    return findings


def bridge_state_expression(*, now: datetime.datetime) -> Case:
    """The Case over `deadline` and `first_carried_at` (see with_bridge_state) that gives the
    same BridgeState as bridge_state(), case by case in the same order."""
    closed = Q(review__status=Review.Status.CLOSED, deadline__isnull=False)

    def in_time_or_late(moment: str, in_time: BridgeState, late: BridgeState) -> Case:
        return Case(
            When(closed & Q(**{f"{moment}__gt": F("deadline")}), then=Value(late.value)),
            default=Value(in_time.value),
        )

    # Nested, so that the first-carry subquery appears twice in the SQL, not once per branch.
    return Case(
        When(
            dismissed_at__isnull=False,
            then=in_time_or_late(
                "dismissed_at", BridgeState.DISMISSED_IN_TIME, BridgeState.DISMISSED_LATE
            ),
        ),
        When(
            first_carried_at__isnull=False,
            then=in_time_or_late(
                "first_carried_at", BridgeState.CARRIED_IN_TIME, BridgeState.CARRIED_LATE
            ),
        ),
        When(~closed, then=Value(BridgeState.IN_REVIEW.value)),
        When(flagged_at__isnull=False, then=Value(BridgeState.FLAGGED.value)),
        When(deadline_passed_q(now=now), then=Value(BridgeState.TO_FLAG.value)),
        default=Value(BridgeState.OPEN.value),
        output_field=CharField(),
    )


def deadline_passed_q(*, now: datetime.datetime) -> Q:
    """Findings whose deadline has passed at `now` — their review closed at least the grace
    period before — as a condition on the review's closed_at alone, so that an index on it
    can narrow a scan (the TO_FLAG branch of bridge_state_expression uses it too)."""
    return Q(review__closed_at__lte=now - grace_period())


def in_states(*states: str) -> Q:
    """The Q of findings (annotated by with_bridge_state) in any of these bridge states."""
    return Q(bridge_state__in=[str(state) for state in states])


# ---------------------------------------------------------------------------- review states
# A review moves draft → open → closed and never back; findings are recorded and changed
# until it closes, because a closed review's findings are what the carry-over rate measures.

REVIEW_NEXT_STATUS: dict[str, str] = {
    Review.Status.DRAFT: Review.Status.OPEN,
    Review.Status.OPEN: Review.Status.CLOSED,
}


def review_can_open(review: Review) -> bool:
    """Only a draft review is opened."""
    return REVIEW_NEXT_STATUS.get(review.status) == Review.Status.OPEN


def review_can_close(review: Review) -> bool:
    """Only an open review is closed."""
    return REVIEW_NEXT_STATUS.get(review.status) == Review.Status.CLOSED


def review_is_as_seen(review: Review, seen_status: str) -> bool:
    """The review is still in the status the user saw when the page was opened: opening or
    closing acts on that status, not on one a colleague made since."""
    return review.status == seen_status


# A review lives in time (docs/architecture.md "Periods at the edges"): it is of a month that
# has begun, and it closes only when its month's evidence is (nearly) all in, from the last
# REVIEW_CLOSE_DAYS days of the month on; closing starts its findings' grace period.
REVIEW_CLOSE_DAYS = 5

REVIEW_MONTH_NOT_BEGUN_MESSAGE = _(
    "%(month)s has not begun yet: a review of it can be created from %(first)s on."
)
REVIEW_CLOSES_LATER_MESSAGE = _(
    "A review closes only from the last %(days)s days of its month on: this review of "
    "%(month)s can be closed from %(day)s."
)


def review_month_has_begun(month: datetime.date, on_date: datetime.date | None = None) -> bool:
    """A review is of the current month (in TIME_ZONE) or an earlier one."""
    return month_start(month) <= month_start(on_date or periods.today())


def review_first_close_day(month: datetime.date) -> datetime.date:
    """The first day a review of the month can be closed: 27 December for December."""
    return periods.month_end(month) - datetime.timedelta(days=REVIEW_CLOSE_DAYS - 1)


def review_close_day_has_come(review: Review, on_date: datetime.date | None = None) -> bool:
    """The review's month has reached its last REVIEW_CLOSE_DAYS days (or is over)."""
    return (on_date or periods.today()) >= review_first_close_day(review.month)


def review_closes_later_message(review: Review) -> str:
    """The refusal of closing the review before review_first_close_day."""
    return REVIEW_CLOSES_LATER_MESSAGE % {
        "days": REVIEW_CLOSE_DAYS,
        "month": review.month.strftime("%Y-%m"),
        "day": review_first_close_day(review.month).isoformat(),
    }


def review_is_closed(review: Review) -> bool:
    return review.status == Review.Status.CLOSED


def review_accepts_findings(review: Review) -> bool:
    """Findings are recorded, changed and deleted while the review is not closed."""
    return not review_is_closed(review)


# ---------------------------------------------------------------------------- finding states
# Pages read the relations from their prefetched rows and services from a locked row:
# `exists()` on a prefetched relation answers from the cache without a query.


def finding_is_dismissed(finding: Finding) -> bool:
    return finding.dismissed_at is not None


def finding_has_carryovers(finding: Finding) -> bool:
    """Linked to some plan item, accepted or only proposed."""
    return finding.carryovers.exists()


def finding_is_carriable(finding: Finding) -> bool:
    """A dismissed finding has its disposition; it is not carried as well."""
    return not finding_is_dismissed(finding)


def carry_month_is_later(finding: Finding, month: datetime.date) -> bool:
    """A finding of month M is carried only into plan items of a month after M."""
    return month_start(month) > month_start(finding.review.month)


def carry_month_q(finding: Finding, prefix: str = "") -> Q:
    """carry_month_is_later as a filter on plan items (`prefix` reaches them through a
    relation)."""
    return Q(**{f"{prefix}month__gt": month_start(finding.review.month)})


def finding_is_editable(finding: Finding) -> bool:
    return review_accepts_findings(finding.review)


def finding_department_can_change(finding: Finding) -> bool:
    """Its carryovers were made by and for its department; once carried it stays there."""
    return not finding_has_carryovers(finding)


def finding_is_deletable(finding: Finding) -> bool:
    """Editable and never carried: a carried finding is the start of a trace."""
    return finding_is_editable(finding) and not finding_has_carryovers(finding)


def finding_delete_refusal(finding: Finding) -> str | None:
    """Why the finding cannot be deleted, in the words the service refuses with and the
    confirmation page shows; None when it can."""
    if finding_has_carryovers(finding):
        return str(_("This finding has been carried into plan items and cannot be deleted."))
    if not finding_is_deletable(finding):
        return str(_("This review is closed; its findings cannot be deleted."))
    return None


def finding_is_dismissible(finding: Finding) -> bool:
    """Not dismissed yet, and neither carried nor proposed into a plan item (a proposal is
    withdrawn before the finding is dismissed)."""
    return (
        not finding_is_dismissed(finding)
        and not finding_has_carryovers(finding)
        and not finding.proposals.exists()
    )


def carryover_is_pending(carryover: Carryover) -> bool:
    """A carryover proposed into another department's item, waiting for its answer."""
    return carryover.accepted_at is None


def pending_carryover_q(prefix: str = "") -> Q:
    """carryover_is_pending as a filter; `prefix` reaches the carryover through a relation."""
    return Q(**{f"{prefix}accepted_at__isnull": True})


def with_is_pending(carryovers: QuerySet[Carryover]) -> QuerySet[Carryover]:
    """Carryovers annotated `is_pending` (carryover_is_pending in SQL), for templates."""
    return carryovers.annotate(
        is_pending=ExpressionWrapper(pending_carryover_q(), output_field=BooleanField())
    )


# ---------------------------------------------------------------------------- permissions
# Who may act, built on the role predicates of planbridge/rules.py. A page shows an action
# when the person may act and the object's state allows it (may_* = can_* and state).


def can_run_review(user: AnyUser, review: Review | None = None) -> bool:
    """PMs create, open and close reviews."""
    return core_rules.is_pm(user)


def can_record_finding(user: AnyUser, review: Review) -> bool:
    """PMs record the findings of a review."""
    return core_rules.is_pm(user)


def can_edit_finding(user: AnyUser, finding: Finding) -> bool:
    return core_rules.is_pm(user)


def can_delete_finding(user: AnyUser, finding: Finding) -> bool:
    return core_rules.is_pm(user)


def can_dismiss_finding(user: AnyUser, finding: Finding) -> bool:
    """Only PMs dismiss, with a written reason."""
    return core_rules.is_pm(user)


def can_carry_finding(user: AnyUser, finding: Finding) -> bool:
    """PMs and coordinators of the finding's department carry it (or propose a carry)."""
    return core_rules.can_manage_department(user, finding.department_id)


def can_plan_for_department(user: AnyUser, department_id: int) -> bool:
    """PMs and the department's coordinators: their carries into its items count at once,
    they create its items from a finding and answer what others propose to it."""
    return core_rules.can_manage_department(user, department_id)


def can_accept_carryover(user: AnyUser, carryover: Carryover) -> bool:
    return can_plan_for_department(user, carryover.plan_item.department_id)


def can_decline_carryover(user: AnyUser, carryover: Carryover) -> bool:
    """Those who may accept it decline it; its proposer withdraws it."""
    return carryover.created_by_id == user.pk or can_accept_carryover(user, carryover)


def can_accept_proposal(user: AnyUser, proposal: CarryProposal) -> bool:
    return can_plan_for_department(user, proposal.department_id)


def can_decline_proposal(user: AnyUser, proposal: CarryProposal) -> bool:
    """Those who may accept it decline it; its proposer withdraws it."""
    return proposal.proposed_by_id == user.pk or can_accept_proposal(user, proposal)


# ---------------------------------------------------------------------------- carried work
# Carried work lands in a plan, with an owner, in a month that has not ended
# (docs/architecture.md "Periods at the edges"). The plan it lands in is chosen by
# reviews.services.carrying (it needs the plans owning the month, a read).

CARRY_MONTH_OVER_MESSAGE = _(
    "%(month)s is already over: carry the finding into %(current)s or a later month."
)
CARRY_OWNER_MESSAGE = _(
    "%(owner)s can own the new plan item only as a member of %(department)s or of the plan's team."
)
CARRY_OWNER_NO_PLAN_MESSAGE = _(
    "%(owner)s can own the new plan item only as a member of %(department)s."
)


def carry_month_has_not_ended(month: datetime.date, on_date: datetime.date | None = None) -> bool:
    """New carried work goes into the current month or a later one, never into one already
    over (in TIME_ZONE)."""
    return month_start(month) >= month_start(on_date or periods.today())


def default_carry_month(finding: Finding, on_date: datetime.date | None = None) -> datetime.date:
    """The first month after the review's that has not ended: the next month, or the current
    one for a review held late."""
    return max(
        add_months(month_start(finding.review.month), 1), month_start(on_date or periods.today())
    )
