"""What each user's digest lists (docs/architecture.md "Jobs"): their flagged findings, who
receives a digest, and the "My digest" page's preview."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import Q, QuerySet, Value
from django.urls import reverse
from django.utils import timezone

from planbridge import notifications, periods
from planbridge.models import Membership, OutboxMessage, Profile

from .. import rules
from ..models import Finding, Review

DIGEST_KIND = "digest"


def digest_key(user_id: int, day: datetime.date) -> str:
    """The outbox dedupe key of a user's digest of a day: at most one per user and day."""
    return f"{DIGEST_KIND}:{user_id}:{day.isoformat()}"


@dataclass(frozen=True)
class DigestItem:
    """One flagged finding as listed in a digest."""

    finding: Finding
    deadline: datetime.datetime
    days_overdue: int
    url: str  # absolute (SITE_URL), to the page where it is carried or dismissed


def flagged_findings(*, now: datetime.datetime | None = None) -> QuerySet[Finding]:
    """Findings in the bridge state FLAGGED: flagged and still without a disposition (one
    carried or dismissed since the flag was set is left out even if its flag stayed)."""
    # flagged_at IS NOT NULL only narrows the scan to the partial index finding_flagged.
    return rules.with_bridge_state(
        Finding.objects.filter(flagged_at__isnull=False), now=now or timezone.now(), select=False
    ).filter(rules.in_states(rules.BridgeState.FLAGGED))


def digest_findings(*, user: User, now: datetime.datetime | None = None) -> QuerySet[Finding]:
    """The user's flagged findings: those owned by a department they coordinate and those of
    reviews they facilitated, with review, plan and department loaded (two queries)."""
    # The departments and reviews are read first (one UNION ALL, each row marked with what it
    # is) so that the findings query is an OR of two indexed "= ANY(...)" conditions; an OR
    # over subqueries makes PostgreSQL scan every flagged finding, once per recipient.
    coordinated = (
        Membership.objects.filter(user=user, role=Membership.Role.COORDINATOR)
        .order_by()
        .values_list(Value(True), "department_id")
    )
    facilitated = Review.objects.filter(facilitator=user).order_by().values_list(Value(False), "pk")
    department_ids: list[int] = []
    review_ids: list[int] = []
    for is_department, pk in coordinated.union(facilitated, all=True):
        (department_ids if is_department else review_ids).append(pk)
    return (
        flagged_findings(now=now)
        .filter(Q(department_id__in=department_ids) | Q(review_id__in=review_ids))
        .select_related("review__plan", "department")
        .order_by("department__name", "review__month", "flagged_at", "pk")
    )


def absolute_url(path: str) -> str:
    return settings.SITE_URL + path


def digest_items(*, user: User, now: datetime.datetime | None = None) -> list[DigestItem]:
    """What the user's next digest lists, in department order, each with its deadline, whole
    days overdue and an absolute link; empty when nothing of theirs is flagged."""
    now = now or timezone.now()
    items = []
    for finding in digest_findings(user=user, now=now):
        deadline = rules.deadline_after(finding.review.closed_at)
        assert deadline is not None  # flagged findings belong to closed reviews
        items.append(
            DigestItem(
                finding=finding,
                deadline=deadline,
                days_overdue=max((now - deadline).days, 0),
                url=absolute_url(reverse("reviews:finding_detail", args=[finding.pk])),
            )
        )
    return items


def digest_recipients(*, now: datetime.datetime | None = None) -> QuerySet[User]:
    """Active users with an email address who coordinate the department of a flagged finding
    or facilitated its review, or have notifications waiting for the digest
    (docs/architecture.md "Notifications"), minus those who opted out, with their profiles
    (one query)."""
    flagged = flagged_findings(now=now)
    coordinators = Membership.objects.filter(
        role=Membership.Role.COORDINATOR, department_id__in=flagged.values("department_id")
    ).values("user_id")
    facilitators = flagged.values("review__facilitator_id")
    waiting = notifications.digest_notification_user_ids()
    return (
        get_user_model()
        .objects.filter(
            Q(pk__in=coordinators) | Q(pk__in=facilitators) | Q(pk__in=waiting), is_active=True
        )
        .exclude(email="")
        .exclude(profile__digest_opt_out=True)
        .select_related("profile")
        .order_by("pk")
    )


@dataclass(frozen=True)
class DigestPreview:
    """The "My digest" page: what the user's next digest lists and whether it will be sent."""

    items: list[DigestItem]
    opted_out: bool
    has_email: bool
    today: OutboxMessage | None  # today's digest in the outbox, if one was scheduled


def digest_preview(*, user: User) -> DigestPreview:
    """The user's next digest as of now, their opt-out and today's digest (four queries)."""
    profile = Profile.objects.filter(user=user).first()
    return DigestPreview(
        items=digest_items(user=user),
        opted_out=bool(profile and profile.digest_opt_out),
        has_email=bool(user.email),
        today=OutboxMessage.objects.filter(dedupe_key=digest_key(user.pk, periods.today())).first(),
    )
