"""Findings and the bridge rule: deadlines, dispositions, review pages, carry targets."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from goals import rules as goal_rules
from goals import selectors as goals_selectors
from goals.models import PlanItem
from planbridge import rules as core_rules
from planbridge.models import Membership, Plan

from .. import rules
from ..models import Carryover, CarryProposal, Finding, Review
from ..rules import grace_period  # noqa: F401  (re-exported: selectors.grace_period)


def finding_deadline(finding: Finding) -> datetime.datetime | None:
    """The moment by which the finding must be carried or dismissed (rules.deadline_after);
    None while the review is not closed."""
    return rules.deadline_after(finding.review.closed_at)


def carryover_queryset() -> QuerySet[Carryover]:
    """Carryovers with their items, each with `plan_item_overdue` (goals.rules)."""
    return (
        Carryover.objects.select_related("plan_item__department", "created_by", "accepted_by")
        .annotate(plan_item_overdue=goal_rules.plan_item_overdue_flag(prefix="plan_item__"))
        .order_by("plan_item__month", "plan_item__department__name", "pk")
    )


def finding_queryset() -> QuerySet[Finding]:
    """Findings with review, department, people and carryovers (and their items) loaded —
    everything finding_disposition() reads, in four queries per page."""
    return Finding.objects.select_related(
        "review__plan", "department", "created_by", "dismissed_by"
    ).prefetch_related(
        Prefetch("carryovers", queryset=carryover_queryset()),
        Prefetch(
            "proposals",
            queryset=CarryProposal.objects.select_related("department", "proposed_by"),
        ),
    )


@dataclass
class Disposition:
    """Where a finding stands under the bridge rule, for its page."""

    bridge_state: rules.BridgeState
    state: str  # "carried" | "dismissed" | "open" | "undue" (review not closed yet)
    carried: list = field(default_factory=list)  # accepted Carryovers
    proposed: list = field(default_factory=list)  # Carryovers waiting for acceptance
    reason: str = ""
    disposed_at: datetime.datetime | None = None
    deadline: datetime.datetime | None = None
    days_left: int | None = None  # whole days until the deadline, for open findings
    overdue: bool = False
    in_time: bool | None = None  # disposed by the deadline (None while not disposed)


def _page_state(bridge_state: rules.BridgeState) -> str:
    if bridge_state in (rules.BridgeState.DISMISSED_IN_TIME, rules.BridgeState.DISMISSED_LATE):
        return "dismissed"
    if bridge_state in rules.DISPOSED:
        return "carried"
    if bridge_state == rules.BridgeState.IN_REVIEW:
        return "undue"
    return "open"


def finding_disposition(finding: Finding, *, now: datetime.datetime | None = None) -> Disposition:
    """The finding's disposition from its loaded carryovers (use finding_queryset()), by
    rules.bridge_state: carried → accepted items, dismissed → reason, open → days left or
    overdue."""
    now = now or timezone.now()
    carryovers = list(finding.carryovers.all())
    carried = [c for c in carryovers if c.accepted_at is not None]
    proposed = [c for c in carryovers if c.accepted_at is None]
    deadline = finding_deadline(finding)
    first_carried_at = min((c.accepted_at for c in carried if c.accepted_at), default=None)
    bridge_state = rules.bridge_state(
        review_closed=finding.review.status == Review.Status.CLOSED,
        deadline=deadline,
        dismissed_at=finding.dismissed_at,
        first_carried_at=first_carried_at,
        flagged_at=finding.flagged_at,
        now=now,
    )
    disposed_at = finding.dismissed_at or first_carried_at
    disposition = Disposition(
        bridge_state=bridge_state,
        state=_page_state(bridge_state),
        carried=carried,
        proposed=proposed,
        reason=finding.dismissal_reason,
        disposed_at=disposed_at,
        deadline=deadline,
        overdue=bridge_state in rules.PAST_DEADLINE,
    )
    if disposed_at is not None and deadline is not None:
        disposition.in_time = bridge_state in rules.IN_TIME
    if bridge_state == rules.BridgeState.OPEN and deadline is not None:
        disposition.days_left = (deadline - now).days
    return disposition


def review_list(*, plan: Plan | None = None, status: str | None = None) -> QuerySet[Review]:
    """Reviews with plan and facilitator, newest month first; one query. Their finding counts
    come from reviews_counted, for the page shown only: counting the findings of every
    review before taking a page cost more the more reviews there were, and made the
    paginator's count repeat the joins."""
    reviews = Review.objects.select_related("plan", "facilitator")
    if plan is not None:
        reviews = reviews.filter(plan=plan)
    if status:
        reviews = reviews.filter(status=status)
    return reviews.order_by("-month", "plan__title", "pk")


def reviews_counted(reviews: Iterable[Review]) -> list[Review]:
    """The reviews (one page of them), each with finding_count, carried_count (findings with
    an accepted carryover), dismissed_count and flagged_count set; one query over those
    reviews' findings."""
    reviews = list(reviews)
    figures = ("finding_count", "dismissed_count", "carried_count", "flagged_count")
    rows = (
        Finding.objects.filter(review_id__in=[review.pk for review in reviews])
        .order_by()
        .values("review_id")
        .annotate(
            finding_count=Count("pk", distinct=True),
            dismissed_count=Count("pk", filter=Q(dismissed_at__isnull=False), distinct=True),
            carried_count=Count(
                "pk", filter=Q(carryovers__accepted_at__isnull=False), distinct=True
            ),
            flagged_count=Count("pk", filter=Q(flagged_at__isnull=False), distinct=True),
        )
        .values_list("review_id", *figures)
    )
    counts = {row[0]: row[1:] for row in rows}
    for review in reviews:
        for name, value in zip(figures, counts.get(review.pk, (0, 0, 0, 0)), strict=True):
            setattr(review, name, value)
    return reviews


def review_detail(pk: int) -> Review:
    """The review with plan and facilitator; raises Review.DoesNotExist."""
    return Review.objects.select_related("plan", "facilitator").get(pk=pk)


def review_findings(review: Review) -> list[tuple[Finding, Disposition]]:
    """The review's findings (grouped by department, then recorded order), each with its
    disposition; four queries."""
    findings = finding_queryset().filter(review=review).order_by("department__name", "pk")
    now = timezone.now()
    result = []
    for finding in findings:
        finding.review = review
        result.append((finding, finding_disposition(finding, now=now)))
    return result


def finding_detail(pk: int) -> Finding:
    """One finding with everything its page shows; raises Finding.DoesNotExist."""
    return finding_queryset().get(pk=pk)


CARRY_TARGET_LIMIT = 200


def carry_targets(finding: Finding, *, department_id: int | None = None) -> QuerySet[PlanItem]:
    """Plan items a finding may be carried into: open items of a month after the review's
    (of the review's plan when it has one), not already linked; at most CARRY_TARGET_LIMIT."""
    review = finding.review
    items = (
        PlanItem.objects.select_related("department", "plan")
        .annotate(overdue=goal_rules.plan_item_overdue_flag())
        .filter(goal_rules.open_plan_item_q(), rules.carry_month_q(finding))
        .exclude(carryovers__finding=finding)
    )
    if review.plan_id:
        items = items.filter(plan_id=review.plan_id)
    if department_id:
        items = items.filter(department_id=department_id)
    return items.order_by("month", "department__name", "title", "pk")[:CARRY_TARGET_LIMIT]


@dataclass(frozen=True)
class CarryPlans:
    """Where a new item carried from a finding may go for a department and month: `fixed`,
    the review's plan when it owns the month (the item goes there); else `candidates`, the
    plans owning the month with someone of the department on their team, one of which is
    chosen (or, said explicitly, no plan)."""

    fixed: Plan | None
    candidates: list[Plan]

    @property
    def offered(self) -> list[Plan]:
        return [self.fixed] if self.fixed is not None else self.candidates


def carry_plans(finding: Finding, *, department_id: int, month: datetime.date) -> CarryPlans:
    """The plans a new item carried from the finding into `month` may belong to (see
    CarryPlans); one query at most."""
    plan = finding.review.plan
    if plan is not None and core_rules.month_in_plan(plan, month):
        return CarryPlans(fixed=plan, candidates=[])
    candidates = goals_selectors.plans_owning_month(month=month, team_department_id=department_id)
    return CarryPlans(fixed=None, candidates=list(candidates))


def carry_owners(*, department_id: int, plan_ids: Iterable[int] = ()) -> QuerySet[User]:
    """Who may own a new carried item of the department in any of these plans
    (goals.rules.plan_item_owner_is_allowed), by name."""
    return User.objects.filter(
        goal_rules.plan_item_owners_q(department_ids=[department_id], plan_ids=plan_ids)
    ).order_by("first_name", "last_name", "username")


def default_carry_owner(*, department_id: int, actor: User) -> User | None:
    """The owner a carry form starts with: the actor when they coordinate the department,
    else its first active coordinator by username; None for a department without one."""
    if core_rules.is_coordinator_of(actor, department_id) and actor.is_active:
        return actor
    return (
        User.objects.filter(
            is_active=True,
            memberships__department_id=department_id,
            memberships__role=Membership.Role.COORDINATOR,
        )
        .order_by("username")
        .first()
    )


def pending_carryovers(*, department_ids: Iterable[int]) -> QuerySet[Carryover]:
    """Carryovers proposed into items of these departments and not accepted yet."""
    return (
        Carryover.objects.filter(
            rules.pending_carryover_q(), plan_item__department_id__in=list(department_ids)
        )
        .select_related(
            "finding__review", "finding__department", "plan_item__department", "created_by"
        )
        .order_by("created_at")
    )


def plan_item_findings(plan_item_id: int) -> list[Carryover]:
    """Accepted and proposed carryovers into a plan item, with the finding and its review —
    the findings the item came from; one query."""
    return list(
        rules.with_is_pending(Carryover.objects.filter(plan_item_id=plan_item_id))
        .select_related("finding__review__plan", "finding__department")
        .order_by("finding__review__month", "finding__pk")
    )


def pending_proposals(*, department_ids: Iterable[int]) -> QuerySet[CarryProposal]:
    """Proposed new items for these departments waiting for an answer."""
    return (
        CarryProposal.objects.filter(department_id__in=list(department_ids))
        .select_related("finding__review", "finding__department", "department", "proposed_by")
        .order_by("created_at")
    )


def plan_review_summary(plan: Plan) -> list[tuple[Review, list[tuple[Finding, Disposition]]]]:
    """Each review of the plan, oldest month first, with its findings and where each went
    (the plan document's "summary and feedback"); four queries."""
    reviews = list(
        Review.objects.filter(plan=plan).select_related("facilitator").order_by("month", "pk")
    )
    findings = finding_queryset().filter(review__plan=plan).order_by("department__name", "pk")
    now = timezone.now()
    by_review: dict[int, list] = {review.pk: [] for review in reviews}
    for finding in findings:
        by_review[finding.review_id].append((finding, finding_disposition(finding, now=now)))
    return [(review, by_review[review.pk]) for review in reviews]
