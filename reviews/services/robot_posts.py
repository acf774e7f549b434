"""What reviews post to chat robots (docs/architecture.md "Chat robots"): each department's
digest of its flagged findings once a day, to the robots of the department (and of the plan
of the findings' review) that post the digest, and each closed review as it closes, rendered
in each robot's language."""

import datetime
import logging
from collections import defaultdict

from django.db import transaction
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from planbridge import periods
from planbridge.models import ChatRobot, OutboxMessage
from planbridge.robots.formats import Line
from planbridge.robots.services import robot_message_enqueue, robots_posting

from .. import rules
from ..models import Finding, Review
from ..selectors.digests import absolute_url, flagged_findings

logger = logging.getLogger(__name__)

ROBOT_DIGEST_KIND = "robot_digest"


def robot_digest_key(robot_id: int, day: datetime.date) -> str:
    """At most one digest per robot and day."""
    return f"{ROBOT_DIGEST_KIND}:{robot_id}:{day.isoformat()}"


@transaction.atomic
def digest_robots_post(*, queue: bool = True) -> list[int]:
    """Hands today's digest of every robot posting digests whose department (or plan) has
    flagged findings to the outbox, one per robot and day; returns the new messages' ids."""
    now = timezone.now()
    today = periods.today()
    findings = list(
        flagged_findings(now=now)
        .select_related("review__plan", "department")
        .order_by("department__name", "review__month", "flagged_at", "pk")
    )
    by_department: dict[int, list[Finding]] = defaultdict(list)
    by_plan: dict[int, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_department[finding.department_id].append(finding)
        if finding.review.plan_id is not None:
            by_plan[finding.review.plan_id].append(finding)
    robots = robots_posting(
        post=ChatRobot.Post.DIGEST, department_ids=by_department, plan_ids=by_plan
    )
    keys = {robot.pk: robot_digest_key(robot.pk, today) for robot in robots}
    taken = set(
        OutboxMessage.objects.filter(dedupe_key__in=keys.values()).values_list(
            "dedupe_key", flat=True
        )
    )
    message_ids = []
    for robot in robots:
        if keys[robot.pk] in taken:
            continue
        if robot.department is not None:
            name, items = robot.department.name, by_department[robot.department.pk]
        elif robot.plan is not None:
            name, items = robot.plan.title, by_plan[robot.plan.pk]
        else:  # the check constraint chatrobot_department_or_plan
            continue
        title, lines = robot_digest_render(
            name=name, findings=items, language=robot.language, now=now
        )
        message = robot_message_enqueue(
            robot=robot,
            kind=ROBOT_DIGEST_KIND,
            dedupe_key=keys[robot.pk],
            title=title,
            lines=lines,
            queue=queue,
        )
        if message is not None:
            message_ids.append(message.pk)
    logger.info("Robot digests: %d new.", len(message_ids))
    return message_ids


def robot_digest_render(
    *, name: str, findings: list[Finding], language: str, now: datetime.datetime
) -> tuple[str, list[Line]]:
    """The digest's title and lines in the robot's language: each flagged finding with its
    department, days overdue and a link to where it is carried or dismissed."""
    with translation.override(language):
        title = ngettext(
            "PlanBridge: %(count)d finding of %(name)s neither carried nor dismissed",
            "PlanBridge: %(count)d findings of %(name)s neither carried nor dismissed",
            len(findings),
        ) % {"count": len(findings), "name": name}
        lines = []
        for finding in findings:
            deadline = rules.deadline_after(finding.review.closed_at)
            days = max((now - deadline).days, 0) if deadline else 0
            lines.append(
                Line(
                    _("%(title)s (%(department)s), %(days)s days overdue")
                    % {"title": finding.title, "department": finding.department.name, "days": days}
                )
            )
            lines.append(
                Line(
                    _("Carry or dismiss it"),
                    absolute_url(reverse("reviews:finding_detail", args=[finding.pk])),
                )
            )
    return title, lines


ROBOT_REVIEW_KIND = "robot_review"


def review_closed_robots_post(review: Review) -> list[int]:
    """Once a review is closed, each robot posting reviews of its plan or of a department
    with findings in it gets one message with the findings it cares about (a department's
    robot its own, a plan's robot all), once per robot and review."""
    if review.status != Review.Status.CLOSED:
        return []
    findings = list(review.findings.select_related("department").order_by("department__name", "pk"))
    robots = robots_posting(
        post=ChatRobot.Post.REVIEWS,
        department_ids={finding.department_id for finding in findings},
        plan_ids=[review.plan_id] if review.plan_id else [],
    )
    ids = []
    url = absolute_url(reverse("reviews:review_detail", args=[review.pk]))
    for robot in robots:
        mine = [f for f in findings if robot.plan_id or f.department_id == robot.department_id]
        with translation.override(robot.language):
            title = ngettext(
                "PlanBridge: the review of %(month)s closed with %(count)d finding",
                "PlanBridge: the review of %(month)s closed with %(count)d findings",
                len(mine),
            ) % {"month": f"{review.month:%Y-%m}", "count": len(mine)}
            lines = [
                Line(f"{finding.get_kind_display()}: {finding.title} ({finding.department.name})")
                for finding in mine
            ]
            lines.append(Line(_("Open the review"), url))
        message = robot_message_enqueue(
            robot=robot,
            kind=ROBOT_REVIEW_KIND,
            dedupe_key=f"{ROBOT_REVIEW_KIND}:{robot.pk}:{review.pk}",
            title=title,
            lines=lines,
        )
        if message is not None:
            ids.append(message.pk)
    return ids


def _review_saved(sender: type, instance: Review, raw: bool = False, **kwargs: object) -> None:
    if not raw:
        review_closed_robots_post(instance)


def connect() -> None:
    """Posts closed reviews from every path that saves one (ReviewsConfig.ready())."""
    post_save.connect(_review_saved, sender=Review, dispatch_uid="reviews.review_robots_post")
