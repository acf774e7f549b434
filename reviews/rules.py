"""The rules of reviews, each defined once (docs/architecture.md "Where code goes").

The bridge disposition (docs/architecture.md "The bridge rule") is one classification of a
finding, written twice from the same table of cases: `bridge_state_expression()` for queries
(lists, counts, the flag job, the digests) and `bridge_state()` for one loaded finding (its
page). tests/reviews/test_disposition.py checks that the two agree on every case.
"""

import datetime

from django.conf import settings
from django.db.models import (
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

from .models import Carryover, Finding, Review


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


def with_bridge_state(findings: QuerySet[Finding], *, now: datetime.datetime) -> QuerySet[Finding]:
    """The findings annotated with `deadline`, `first_carried_at`, `disposed_at` and
    `bridge_state` (a BridgeState value) — the one SQL form of bridge_state()."""
    first_carry = (
        Carryover.objects.filter(finding=OuterRef("pk"), accepted_at__isnull=False)
        .order_by("accepted_at")
        .values("accepted_at")[:1]
    )
    return (
        findings.annotate(
            deadline=ExpressionWrapper(
                F("review__closed_at") + Value(grace_period()), output_field=DateTimeField()
            ),
            first_carried_at=Subquery(first_carry, output_field=DateTimeField()),
        )
        .annotate(
            disposed_at=Coalesce("dismissed_at", "first_carried_at", output_field=DateTimeField())
        )
        .annotate(bridge_state=bridge_state_expression(now=now))
    )


def bridge_state_expression(*, now: datetime.datetime) -> Case:
    """The Case over `deadline`, `first_carried_at` and `disposed_at` (see with_bridge_state)
    that gives the same BridgeState as bridge_state(), case by case in the same order."""
    closed = Q(review__status=Review.Status.CLOSED, deadline__isnull=False)
    late = closed & Q(disposed_at__gt=F("deadline"))
    dismissed = Q(dismissed_at__isnull=False)
    disposed = Q(disposed_at__isnull=False)
    return Case(
        When(dismissed & late, then=Value(BridgeState.DISMISSED_LATE.value)),
        When(dismissed, then=Value(BridgeState.DISMISSED_IN_TIME.value)),
        When(disposed & late, then=Value(BridgeState.CARRIED_LATE.value)),
        When(disposed, then=Value(BridgeState.CARRIED_IN_TIME.value)),
        When(~closed, then=Value(BridgeState.IN_REVIEW.value)),
        When(flagged_at__isnull=False, then=Value(BridgeState.FLAGGED.value)),
        When(deadline__lte=now, then=Value(BridgeState.TO_FLAG.value)),
        default=Value(BridgeState.OPEN.value),
        output_field=CharField(),
    )


def in_states(*states: str) -> Q:
    """The Q of findings (annotated by with_bridge_state) in any of these bridge states."""
    return Q(bridge_state__in=[str(state) for state in states])
