"""Reviews' events for the core's notifications (docs/architecture.md "Notifications"):
proposals made and answered, a review closed with findings of a department, findings flagged.
Called from the services, in their transaction; each takes a fixed number of queries."""

from collections import defaultdict
from collections.abc import Collection

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.urls import reverse

from planbridge import notifications
from planbridge.models import Membership, Notification

from ..models import Finding, Review

Kind = Notification.Kind


def _finding_url(finding_id: int) -> str:
    return reverse("reviews:finding_detail", args=[finding_id])


def proposal_made_notify(
    *, actor: User, finding: Finding, department_id: int, department_name: str, item_title: str
) -> None:
    """Tells the coordinators of the department a carry is proposed to."""
    notifications.notify(
        kind=Kind.PROPOSAL_MADE,
        recipient_ids=notifications.department_coordinator_ids([department_id]),
        actor=actor,
        app_label="reviews",
        object_id=finding.pk,
        url=_finding_url(finding.pk),
        title=f"{finding.title} → {item_title}",
        department_name=department_name,
    )


def proposal_answered_notify(
    *,
    actor: User,
    accepted: bool,
    proposer_id: int | None,
    finding: Finding,
    department_name: str,
    item_title: str,
) -> None:
    """Tells the proposer that their proposal was accepted or declined (not when they
    withdrew it themselves: the actor is never notified)."""
    if proposer_id is None:
        return
    notifications.notify(
        kind=Kind.PROPOSAL_ACCEPTED if accepted else Kind.PROPOSAL_DECLINED,
        recipient_ids=[proposer_id],
        actor=actor,
        app_label="reviews",
        object_id=finding.pk,
        url=_finding_url(finding.pk),
        title=f"{finding.title} → {item_title}",
        department_name=department_name,
    )


def review_title(review: Review) -> str:
    month = review.month.strftime("%Y-%m")
    return f"{month} · {review.plan.title}" if review.plan is not None else month


def review_closed_notify(*, actor: User, review: Review) -> None:
    """Tells the coordinators of each department with findings in the review that it closed
    (two queries before the core's: the departments, their coordinators)."""
    departments = dict(
        Finding.objects.filter(review=review)
        .order_by()
        .values_list("department_id", "department__name")
        .distinct()
    )
    coordinators = _coordinators_by_department(departments)
    title = review_title(review)
    url = reverse("reviews:review_detail", args=[review.pk])
    notifications.notify_many(
        kind=Kind.REVIEW_CLOSED,
        actor=actor,
        events=[
            notifications.Event(
                recipient_ids=coordinators.get(department_id, []),
                app_label="reviews",
                object_id=review.pk,
                url=url,
                title=title,
                department_name=name,
            )
            for department_id, name in departments.items()
        ],
    )


def findings_flagged_notify(*, findings: QuerySet[Finding]) -> int:
    """Tells the coordinators of each flagged finding's department, for a queryset of
    findings, in a fixed number of queries whatever their number; returns the rows made."""
    # A finding already reported is left out, so a second run at the same moment adds none.
    reported = Notification.objects.filter(kind=Kind.FINDING_FLAGGED, app_label="reviews")
    rows = list(
        findings.exclude(pk__in=reported.values("object_id"))
        .order_by("pk")
        .values_list("pk", "title", "department_id", "department__name")
    )
    coordinators = _coordinators_by_department({row[2] for row in rows})
    created = notifications.notify_many(
        kind=Kind.FINDING_FLAGGED,
        actor=None,
        events=[
            notifications.Event(
                recipient_ids=coordinators.get(department_id, []),
                app_label="reviews",
                object_id=pk,
                url=_finding_url(pk),
                title=title,
                department_name=department_name,
            )
            for pk, title, department_id, department_name in rows
        ],
    )
    return len(created)


def _coordinators_by_department(department_ids: Collection[int]) -> dict[int, list[int]]:
    result: dict[int, list[int]] = defaultdict(list)
    for department_id, user_id in (
        Membership.objects.filter(
            department_id__in=department_ids, role=Membership.Role.COORDINATOR
        )
        .order_by()
        .values_list("department_id", "user_id")
    ):
        result[department_id].append(user_id)
    return result
