"""State changes of reviews: the review lifecycle, findings, and their dispositions under
the bridge rule (DESIGN.md): carried into a later month's plan item, or dismissed by a PM
with a reason. Each function runs in one transaction and re-checks its rule there."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from goals import services as goals_services
from goals.models import PlanItem
from planbridge import permissions
from planbridge.models import Department, Plan
from planbridge.periods import add_months, month_end, month_start

from .models import Carryover, CarryProposal, Finding, Review


def _require_pm(actor, message: str) -> None:
    if not permissions.is_pm(actor):
        raise PermissionDenied(message)


def _locked_review(review: Review) -> Review:
    return Review.objects.select_for_update().get(pk=review.pk)


def _locked_finding(finding: Finding) -> Finding:
    # Carry, dismiss and delete of one finding serialize on its row, so a dismissal cannot
    # slip in between a carry's checks and its insert.
    return Finding.objects.select_for_update().select_related("review").get(pk=finding.pk)


# --- reviews ------------------------------------------------------------------------------


@transaction.atomic
def review_create(*, actor, month: datetime.date, plan: Plan | None = None) -> Review:
    """A draft review for the month (stored as its first day), facilitated by the PM;
    one review per month and plan."""
    _require_pm(actor, _("Only project managers can run reviews."))
    month = month_start(month)
    duplicates = Review.objects.filter(month=month, plan=plan)
    if duplicates.exists():
        raise ValidationError(_("There is already a review for this month and plan."))
    if plan is not None and not (month_start(plan.start) <= month <= month_start(plan.end)):
        raise ValidationError(_("The month is outside the plan's period."))
    review = Review(month=month, plan=plan, facilitator=actor)
    review.full_clean()
    review.save()
    return review


@transaction.atomic
def review_open(*, actor, review: Review) -> Review:
    """Moves a draft review to open (recording opened_at)."""
    _require_pm(actor, _("Only project managers can run reviews."))
    review = _locked_review(review)
    if review.status != Review.Status.DRAFT:
        raise ValidationError(_("Only a draft review can be opened."))
    review.status = Review.Status.OPEN
    review.opened_at = timezone.now()
    review.save(update_fields=["status", "opened_at"])
    return review


@transaction.atomic
def review_close(*, actor, review: Review) -> Review:
    """Moves an open review to closed and records closed_at, from which the grace period of
    the bridge rule runs."""
    _require_pm(actor, _("Only project managers can run reviews."))
    review = _locked_review(review)
    if review.status != Review.Status.OPEN:
        raise ValidationError(_("Only an open review can be closed."))
    review.status = Review.Status.CLOSED
    review.closed_at = timezone.now()
    review.save(update_fields=["status", "closed_at"])
    return review


# --- findings -----------------------------------------------------------------------------


@transaction.atomic
def finding_create(
    *,
    actor,
    review: Review,
    kind: str,
    title: str,
    department: Department,
    detail: str = "",
    severity: str = Finding.Severity.MEDIUM,
    evidence_kind: str = "",
    evidence_object_id: int | None = None,
) -> Finding:
    """Records a finding in a review that is not closed yet (a closed review's findings are
    what the carry-over rate is measured on, so none are added afterwards)."""
    _require_pm(actor, _("Only project managers can record findings."))
    review = _locked_review(review)
    if review.status == Review.Status.CLOSED:
        raise ValidationError(_("This review is closed; no findings can be added."))
    if bool(evidence_kind) != (evidence_object_id is not None):
        raise ValidationError(_("An evidence link needs both its kind and its object."))
    finding = Finding(
        review=review,
        kind=kind,
        title=title.strip(),
        detail=detail.strip(),
        department=department,
        severity=severity,
        evidence_kind=evidence_kind,
        evidence_object_id=evidence_object_id,
        created_by=actor,
    )
    finding.full_clean()
    finding.save()
    return finding


@transaction.atomic
def finding_update(
    *,
    actor,
    finding: Finding,
    kind: str,
    title: str,
    department: Department,
    detail: str = "",
    severity: str = Finding.Severity.MEDIUM,
) -> Finding:
    """Changes a finding's wording, kind, severity or owner while its review is not closed."""
    _require_pm(actor, _("Only project managers can change findings."))
    finding = _locked_finding(finding)
    if finding.review.status == Review.Status.CLOSED:
        raise ValidationError(_("This review is closed; its findings can no longer be edited."))
    if finding.department_id != department.pk and finding.carryovers.exists():
        raise ValidationError(
            _("This finding has been carried already; its department can no longer change.")
        )
    finding.kind, finding.title, finding.detail = kind, title.strip(), detail.strip()
    finding.department, finding.severity = department, severity
    finding.full_clean()
    finding.save()
    return finding


@transaction.atomic
def finding_delete(*, actor, finding: Finding) -> None:
    """Deletes a finding of a review that is not closed, unless it has carryovers."""
    _require_pm(actor, _("Only project managers can delete findings."))
    finding = _locked_finding(finding)
    if finding.carryovers.exists():
        raise ValidationError(
            _("This finding has been carried into plan items and cannot be deleted.")
        )
    if finding.review.status == Review.Status.CLOSED:
        raise ValidationError(_("This review is closed; its findings cannot be deleted."))
    finding.delete()


@transaction.atomic
def finding_dismiss(*, actor, finding: Finding, reason: str) -> Finding:
    """Dismisses a finding with a written reason (PM only) and clears its flag."""
    _require_pm(actor, _("Only project managers can dismiss findings."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Write why the finding is dismissed."))
    finding = _locked_finding(finding)
    if finding.dismissed_at is not None:
        raise ValidationError(_("This finding has already been dismissed."))
    if finding.carryovers.exists() or finding.proposals.exists():
        raise ValidationError(
            _(
                "This finding has been carried or proposed into a plan item; "
                "withdraw the proposal before dismissing it."
            )
        )
    finding.dismissed_at = timezone.now()
    finding.dismissed_by = actor
    finding.dismissal_reason = reason
    finding.flagged_at = None
    finding.save(update_fields=["dismissed_at", "dismissed_by", "dismissal_reason", "flagged_at"])
    return finding


# --- carrying -----------------------------------------------------------------------------


def _check_carry(actor, finding: Finding, plan_item: PlanItem) -> bool:
    """Checks the bridge rule and the actor's right; True when the carry is accepted at
    once, False when it is a proposal for another department's coordinator."""
    if finding.dismissed_at is not None:
        raise ValidationError(_("This finding was dismissed; it cannot be carried."))
    review_month = month_start(finding.review.month)
    if month_start(plan_item.month) <= review_month:
        raise ValidationError(
            _(
                "A finding of %(month)s can only be carried into a plan item of a later "
                "month; “%(item)s” is planned for %(item_month)s."
            )
            % {
                "month": review_month.strftime("%Y-%m"),
                "item": plan_item.title,
                "item_month": plan_item.month.strftime("%Y-%m"),
            }
        )
    if permissions.is_pm(actor):
        return True
    if not permissions.is_coordinator_of(actor, finding.department_id):
        raise PermissionDenied(
            _("Only a PM or a coordinator of the finding's department can carry it.")
        )
    return permissions.is_coordinator_of(actor, plan_item.department_id)


def _add_carryover(actor, finding: Finding, plan_item: PlanItem, accepted: bool) -> Carryover:
    if Carryover.objects.filter(finding=finding, plan_item=plan_item).exists():
        raise ValidationError(_("This finding is already linked to that plan item."))
    now = timezone.now()
    carryover = Carryover.objects.create(
        finding=finding,
        plan_item=plan_item,
        created_by=actor,
        accepted_by=actor if accepted else None,
        accepted_at=now if accepted else None,
    )
    if accepted:
        # An accepted carry is a disposition (DESIGN.md "The bridge rule"): unflag.
        Finding.objects.filter(pk=finding.pk).update(flagged_at=None)
        finding.flagged_at = None
    return carryover


@transaction.atomic
def finding_carry(*, actor, finding: Finding, plan_item: PlanItem) -> Carryover:
    """Carries a finding into an existing plan item of a later month. PMs and coordinators
    carrying into their own department's items are accepted at once (clearing the flag); a
    coordinator carrying into another department's item proposes it to that department."""
    finding = _locked_finding(finding)
    plan_item = PlanItem.objects.get(pk=plan_item.pk)
    accepted = _check_carry(actor, finding, plan_item)
    return _add_carryover(actor, finding, plan_item, accepted)


@transaction.atomic
def finding_carry_new_item(
    *,
    actor,
    finding: Finding,
    department: Department,
    title: str,
    description: str = "",
    month: datetime.date | None = None,
    start: datetime.date | None = None,
    due: datetime.date | None = None,
    owner=None,
) -> Carryover:
    """Creates a plan item from a finding (by default in the month after the review's, in the
    review's plan) and carries the finding into it, in one step and one transaction. Only
    for those who may plan for the department (a coordinator of another department uses
    finding_propose_item)."""
    finding = _locked_finding(finding)
    month = month_start(month or add_months(finding.review.month, 1))
    start = start or month
    due = due or month_end(month)
    probe = PlanItem(month=month, department=department, title=title)
    accepted = _check_carry(actor, finding, probe)
    if not accepted:
        raise PermissionDenied(
            _("Propose the item to that department's coordinator instead of creating it.")
        )
    item = goals_services.plan_item_create(
        actor=actor,
        plan=finding.review.plan,
        department=department,
        month=month,
        title=title,
        description=description,
        owner=owner,
        start=start,
        due=due,
    )
    return _add_carryover(actor, finding, item, accepted)


@transaction.atomic
def carryover_accept(*, actor, carryover: Carryover) -> Carryover:
    """Accepts a proposed carryover (a PM or a coordinator of the item's department); from
    then it counts as the finding's disposition and the finding's flag is cleared."""
    carryover = (
        Carryover.objects.select_for_update()
        .select_related("plan_item", "finding__review")
        .get(pk=carryover.pk)
    )
    if not permissions.can_manage_department(actor, carryover.plan_item.department_id):
        raise PermissionDenied(
            _("Only a coordinator of the plan item's department can accept this proposal.")
        )
    if carryover.accepted_at is not None:
        raise ValidationError(_("This proposal has already been accepted."))
    finding = _locked_finding(carryover.finding)
    if finding.dismissed_at is not None:
        raise ValidationError(_("This finding was dismissed; it cannot be carried."))
    carryover.accepted_at = timezone.now()
    carryover.accepted_by = actor
    carryover.save(update_fields=["accepted_at", "accepted_by"])
    Finding.objects.filter(pk=finding.pk).update(flagged_at=None)
    return carryover


@transaction.atomic
def carryover_decline(*, actor, carryover: Carryover) -> None:
    """Removes a carryover proposal that was not accepted (its proposer withdraws it, or a
    PM or coordinator of the item's department declines it)."""
    carryover = (
        Carryover.objects.select_for_update().select_related("plan_item").get(pk=carryover.pk)
    )
    if carryover.accepted_at is not None:
        raise ValidationError(_("An accepted carryover cannot be withdrawn."))
    allowed = carryover.created_by_id == actor.pk or permissions.can_manage_department(
        actor, carryover.plan_item.department_id
    )
    if not allowed:
        raise PermissionDenied(_("You may not decline this proposal."))
    carryover.delete()


@transaction.atomic
def finding_propose_item(
    *,
    actor,
    finding: Finding,
    department: Department,
    title: str,
    description: str = "",
    month: datetime.date | None = None,
) -> CarryProposal:
    """A coordinator of the finding's department proposes a new plan item for another
    department (month after the review's by default); nothing counts as carried until that
    department's coordinator accepts it."""
    finding = _locked_finding(finding)
    month = month_start(month or add_months(finding.review.month, 1))
    probe = PlanItem(month=month, department=department, title=title)
    _check_carry(actor, finding, probe)
    if not title.strip():
        raise ValidationError(_("Give the proposed plan item a title."))
    # Checked now, not only when the item is created on acceptance: the proposer can still
    # choose another month.
    goals_services.plan_item_month_check(plan=finding.review.plan, month=month)
    proposal = CarryProposal(
        finding=finding,
        department=department,
        month=month,
        title=title.strip(),
        description=description.strip(),
        proposed_by=actor,
    )
    proposal.full_clean()
    proposal.save()
    return proposal


@transaction.atomic
def carry_proposal_accept(
    *,
    actor,
    proposal: CarryProposal,
    start: datetime.date | None = None,
    due: datetime.date | None = None,
    owner=None,
) -> Carryover:
    """The receiving department's coordinator (or a PM) accepts a proposed item: the item is
    created through goals.services.plan_item_create and the finding carried into it,
    accepted at once (clearing the flag); the proposal is removed."""
    proposal = (
        CarryProposal.objects.select_for_update()
        .select_related("finding__review", "department")
        .get(pk=proposal.pk)
    )
    if not permissions.can_manage_department(actor, proposal.department_id):
        raise PermissionDenied(
            _("Only a coordinator of the proposed department can accept this proposal.")
        )
    finding = _locked_finding(proposal.finding)
    if finding.dismissed_at is not None:
        raise ValidationError(_("This finding was dismissed; it cannot be carried."))
    item = goals_services.plan_item_create(
        actor=actor,
        plan=finding.review.plan,
        department=proposal.department,
        month=proposal.month,
        title=proposal.title,
        description=proposal.description,
        owner=owner,
        start=start or proposal.month,
        due=due or month_end(proposal.month),
    )
    carryover = Carryover.objects.create(
        finding=finding,
        plan_item=item,
        created_by=proposal.proposed_by,
        accepted_by=actor,
        accepted_at=timezone.now(),
    )
    Finding.objects.filter(pk=finding.pk).update(flagged_at=None)
    proposal.delete()
    return carryover


@transaction.atomic
def carry_proposal_decline(*, actor, proposal: CarryProposal) -> None:
    """The receiving department's coordinator (or a PM) declines a proposed item, or its
    proposer withdraws it."""
    proposal = CarryProposal.objects.select_for_update().get(pk=proposal.pk)
    allowed = proposal.proposed_by_id == actor.pk or permissions.can_manage_department(
        actor, proposal.department_id
    )
    if not allowed:
        raise PermissionDenied(_("You may not decline this proposal."))
    proposal.delete()
