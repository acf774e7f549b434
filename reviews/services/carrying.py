"""Carrying findings into later months' plan items (docs/architecture.md "The bridge rule"): direct
carries, carries proposed to another department and their acceptance. Only accepted
carries count as a disposition; accepting one clears the flag."""

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from goals import selectors as goals_selectors
from goals import services as goals_services
from goals.models import PlanItem
from planbridge.models import Department
from planbridge.periods import add_months, check_dates_in_range, month_end, month_start

from .. import rules
from ..models import Carryover, CarryProposal, Finding
from .locking import _locked_finding


def _check_carry(actor: User, finding: Finding, plan_item: PlanItem) -> bool:
    """Checks the bridge rule and the actor's right; True when the carry is accepted at
    once, False when it is a proposal for another department's coordinator."""
    if not rules.finding_is_carriable(finding):
        raise ValidationError(_("This finding was dismissed; it cannot be carried."))
    review_month = month_start(finding.review.month)
    if not rules.carry_month_is_later(finding, plan_item.month):
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
    if not rules.can_carry_finding(actor, finding):
        raise PermissionDenied(
            _("Only a PM or a coordinator of the finding's department can carry it.")
        )
    return rules.can_plan_for_department(actor, plan_item.department_id)


def _add_carryover(actor: User, finding: Finding, plan_item: PlanItem, accepted: bool) -> Carryover:
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
        _unflag_carried(finding)
    return carryover


def _unflag_carried(finding: Finding) -> None:
    # An accepted carry is a disposition (docs/architecture.md "The bridge rule"): unflag.
    # The UPDATE runs even when the finding is not flagged: it touches the row, so a flag job
    # whose snapshot predates this carry fails to serialize and retries instead of flagging.
    Finding.objects.filter(pk=finding.pk).update(flagged_at=None)
    finding.flagged_at = None


@transaction.atomic
def finding_carry(*, actor: User, finding: Finding, plan_item: PlanItem) -> Carryover:
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
    actor: User,
    finding: Finding,
    department: Department,
    title: str,
    description: str = "",
    month: datetime.date | None = None,
    start: datetime.date | None = None,
    due: datetime.date | None = None,
    owner: User | None = None,
) -> Carryover:
    """Creates a plan item from a finding (by default in the month after the review's; in the
    review's plan while it lasts, else in the plan covering that month) and carries the
    finding into it, in one step and one transaction. Only for those who may plan for the
    department (a coordinator of another department uses finding_propose_item)."""
    check_dates_in_range(month=month, start=start, due=due, months=("month",))
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
        plan=goals_selectors.plan_for_month(preferred=finding.review.plan, month=month),
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
def carryover_accept(*, actor: User, carryover: Carryover) -> Carryover:
    """Accepts a proposed carryover (a PM or a coordinator of the item's department); from
    then it counts as the finding's disposition and the finding's flag is cleared."""
    carryover = (
        Carryover.objects.select_for_update()
        .select_related("plan_item", "finding__review")
        .get(pk=carryover.pk)
    )
    if not rules.can_accept_carryover(actor, carryover):
        raise PermissionDenied(
            _("Only a PM or a coordinator of the plan item's department can accept this proposal.")
        )
    if not rules.carryover_is_pending(carryover):
        raise ValidationError(_("This proposal has already been accepted."))
    finding = _locked_finding(carryover.finding)
    if not rules.finding_is_carriable(finding):
        raise ValidationError(_("This finding was dismissed; it cannot be carried."))
    carryover.accepted_at = timezone.now()
    carryover.accepted_by = actor
    carryover.save(update_fields=["accepted_at", "accepted_by"])
    _unflag_carried(finding)
    return carryover


@transaction.atomic
def carryover_decline(*, actor: User, carryover: Carryover) -> None:
    """Removes a carryover proposal that was not accepted (its proposer withdraws it, or a
    PM or coordinator of the item's department declines it)."""
    carryover = (
        Carryover.objects.select_for_update().select_related("plan_item").get(pk=carryover.pk)
    )
    if not rules.carryover_is_pending(carryover):
        raise ValidationError(_("An accepted carryover cannot be withdrawn."))
    if not rules.can_decline_carryover(actor, carryover):
        raise PermissionDenied(
            _(
                "Only a PM, a coordinator of the plan item's department or the one who "
                "proposed it can decline this proposal."
            )
        )
    carryover.delete()


@transaction.atomic
def finding_propose_item(
    *,
    actor: User,
    finding: Finding,
    department: Department,
    title: str,
    description: str = "",
    month: datetime.date | None = None,
) -> CarryProposal:
    """A coordinator of the finding's department proposes a new plan item for another
    department (month after the review's by default); nothing counts as carried until that
    department's coordinator accepts it."""
    check_dates_in_range(month=month, months=("month",))
    finding = _locked_finding(finding)
    month = month_start(month or add_months(finding.review.month, 1))
    probe = PlanItem(month=month, department=department, title=title)
    _check_carry(actor, finding, probe)
    if not title.strip():
        raise ValidationError(_("Give the proposed plan item a title."))
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
    actor: User,
    proposal: CarryProposal,
    start: datetime.date | None = None,
    due: datetime.date | None = None,
    owner: User | None = None,
) -> Carryover:
    """The receiving department's coordinator (or a PM) accepts a proposed item: the item is
    created through goals.services.plan_item_create and the finding carried into it,
    accepted at once (clearing the flag); the proposal is removed. The dates are checked
    by plan_item_create, with the same refusal as any plan item's."""
    proposal = (
        CarryProposal.objects.select_for_update()
        .select_related("finding__review", "department")
        .get(pk=proposal.pk)
    )
    if not rules.can_accept_proposal(actor, proposal):
        raise PermissionDenied(
            _("Only a PM or a coordinator of the proposed department can accept this proposal.")
        )
    finding = _locked_finding(proposal.finding)
    if not rules.finding_is_carriable(finding):
        raise ValidationError(_("This finding was dismissed; it cannot be carried."))
    item = goals_services.plan_item_create(
        actor=actor,
        plan=goals_selectors.plan_for_month(preferred=finding.review.plan, month=proposal.month),
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
    _unflag_carried(finding)
    proposal.delete()
    return carryover


@transaction.atomic
def carry_proposal_decline(*, actor: User, proposal: CarryProposal) -> None:
    """The receiving department's coordinator (or a PM) declines a proposed item, or its
    proposer withdraws it."""
    proposal = CarryProposal.objects.select_for_update().get(pk=proposal.pk)
    if not rules.can_decline_proposal(actor, proposal):
        raise PermissionDenied(
            _(
                "Only a PM, a coordinator of the proposed department or the one who "
                "proposed it can decline this proposal."
            )
        )
    proposal.delete()
