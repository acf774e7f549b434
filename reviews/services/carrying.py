"""Carrying findings into later months' plan items (docs/architecture.md "The bridge rule"): direct
carries, carries proposed to another department and their acceptance. Only accepted
carries count as a disposition; accepting one clears the flag."""

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from goals import rules as goal_rules
from goals import services as goals_services
from goals.models import PlanItem
from planbridge import periods
from planbridge.models import Department, Plan
from planbridge.people import person_name
from planbridge.periods import check_dates_in_range, month_end, month_start

from .. import rules, selectors
from ..audit import CARRIED
from ..models import Carryover, CarryProposal, Finding
from .auditing import disposition_record, flag_cleared_record
from .locking import _locked_finding
from .notifying import proposal_answered_notify, proposal_made_notify


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
        _unflag_carried(actor, finding, carryover)
    else:
        department = Department.objects.get(pk=plan_item.department_id)
        proposal_made_notify(
            actor=actor,
            finding=finding,
            department_id=department.pk,
            department_name=department.name,
            item_title=plan_item.title,
        )
    return carryover


def _unflag_carried(actor: User, finding: Finding, carryover: Carryover) -> None:
    """`finding` (locked) has just been carried by `carryover`, accepted: its flag is cleared
    and the change of flag and disposition recorded (docs/architecture.md "Audit")."""
    # An accepted carry is a disposition (docs/architecture.md "The bridge rule"): unflag.
    # The UPDATE runs even when the finding is not flagged: it touches the row, so a flag job
    # whose snapshot predates this carry fails to serialize and retries instead of flagging.
    Finding.objects.filter(pk=finding.pk).update(flagged_at=None)
    at = carryover.accepted_at or timezone.now()
    flag_cleared_record(actor=actor, finding=finding, flagged_at=finding.flagged_at, at=at)
    finding.flagged_at = None
    carried_before = (
        finding.carryovers.filter(accepted_at__isnull=False).exclude(pk=carryover.pk).exists()
    )
    disposition_record(
        actor=actor, finding=finding, old=CARRIED if carried_before else None, new=CARRIED, at=at
    )


def _check_month_not_over(month: datetime.date) -> None:
    """New carried work never goes into a month already over (docs/architecture.md "Periods
    at the edges")."""
    if not rules.carry_month_has_not_ended(month):
        raise ValidationError(
            {
                "month": rules.CARRY_MONTH_OVER_MESSAGE
                % {
                    "month": month.strftime("%Y-%m"),
                    "current": month_start(periods.today()).strftime("%Y-%m"),
                }
            }
        )


def _carry_plan(
    finding: Finding,
    *,
    department: Department,
    month: datetime.date,
    plan: Plan | None,
    no_plan: bool,
) -> Plan | None:
    """The plan new carried work belongs to (selectors.carry_plans): the review's plan when
    it owns the month — no other choice is taken then. Otherwise (a company-wide review, or a
    month after the one following the plan's end) a plan owning the month with someone of the
    department on its team: the chosen one, or the only one; none only when `no_plan` says
    so. Several candidates and no choice, or none and no `no_plan`, are refused: the item
    never leaves a plan unasked."""
    options = selectors.carry_plans(finding, department_id=department.pk, month=month)
    label = month.strftime("%Y-%m")
    if plan is not None and no_plan:
        raise ValidationError({"plan": _("Choose a plan or “No plan”, not both.")})
    if options.fixed is not None:
        if no_plan or (plan is not None and plan.pk != options.fixed.pk):
            raise ValidationError(
                {
                    "plan": _(
                        "A finding of the review of “%(plan)s” is carried into that plan, "
                        "which owns %(month)s."
                    )
                    % {"plan": options.fixed.title, "month": label}
                }
            )
        return options.fixed
    if no_plan:
        return None
    if plan is not None:
        if plan.pk not in {candidate.pk for candidate in options.candidates}:
            raise ValidationError(
                {
                    "plan": _(
                        "“%(plan)s” does not own %(month)s with someone of %(department)s on "
                        "its team; choose one of the plans offered."
                    )
                    % {"plan": plan.title, "month": label, "department": department.name}
                }
            )
        return plan
    if len(options.candidates) == 1:
        return options.candidates[0]
    if options.candidates:
        raise ValidationError(
            {
                "plan": _(
                    "Several plans own %(month)s with someone of %(department)s on their "
                    "team: choose the one the new item belongs to, or “No plan (company-wide)”."
                )
                % {"month": label, "department": department.name}
            }
        )
    raise ValidationError(
        {
            "plan": _(
                "No plan owns %(month)s with someone of %(department)s on its team: choose "
                "“No plan (company-wide)” to carry it outside any plan."
            )
            % {"month": label, "department": department.name}
        }
    )


def _check_owner(owner: User | None, *, department: Department, plan: Plan | None) -> None:
    if owner is None:
        raise ValidationError({"owner": _("Choose who owns the new plan item.")})
    if not goal_rules.plan_item_owner_is_allowed(owner, department_id=department.pk, plan=plan):
        message = rules.CARRY_OWNER_MESSAGE if plan else rules.CARRY_OWNER_NO_PLAN_MESSAGE
        raise ValidationError(
            {
                "owner": message
                % {
                    "owner": person_name(owner),
                    "department": department.name,
                }
            }
        )


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
    owner: User | None,
    description: str = "",
    month: datetime.date | None = None,
    plan: Plan | None = None,
    no_plan: bool = False,
    start: datetime.date | None = None,
    due: datetime.date | None = None,
) -> Carryover:
    """Creates a plan item from a finding and carries the finding into it, in one step and
    one transaction: in a month after the review's that has not ended (by default the first
    such month), in the plan _carry_plan gives (the review's while it owns the month), owned
    by a member of the department or of that plan's team. Only for those who may plan for
    the department (a coordinator of another department uses finding_propose_item)."""
    check_dates_in_range(month=month, start=start, due=due, months=("month",))
    finding = _locked_finding(finding)
    month = month_start(month) if month else rules.default_carry_month(finding)
    probe = PlanItem(month=month, department=department, title=title)
    accepted = _check_carry(actor, finding, probe)
    if not accepted:
        raise PermissionDenied(
            _("Propose the item to that department's coordinator instead of creating it.")
        )
    _check_month_not_over(month)
    item_plan = _carry_plan(finding, department=department, month=month, plan=plan, no_plan=no_plan)
    _check_owner(owner, department=department, plan=item_plan)
    item = goals_services.plan_item_create(
        actor=actor,
        plan=item_plan,
        department=department,
        month=month,
        title=title,
        description=description,
        owner=owner,
        start=start or month,
        due=due or month_end(month),
    )
    return _add_carryover(actor, finding, item, accepted)


# How a removed proposal was answered, kept on its last history record (history_change_reason)
# so that a second answer can say what happened instead of a 404.
ANSWERED_ACCEPTED = "accepted"
ANSWERED_DECLINED = "declined"
ANSWERED_WITHDRAWN = "withdrawn"


def _removed_as(proposal: Carryover | CarryProposal, actor: User, proposer_id: int | None) -> None:
    """Records on the row's last history record who removed it and as what."""
    proposal._history_user = actor  # type: ignore[union-attr]
    proposal._change_reason = (  # type: ignore[union-attr]
        ANSWERED_WITHDRAWN if actor.pk == proposer_id else ANSWERED_DECLINED
    )


def _answered_message(how: str, who: str, when: str) -> str:
    messages = {
        ANSWERED_ACCEPTED: _(
            "%(who)s already accepted this proposal at %(when)s; the page now shows it."
        ),
        ANSWERED_DECLINED: _(
            "%(who)s already declined this proposal at %(when)s; the page now shows it."
        ),
        ANSWERED_WITHDRAWN: _(
            "%(who)s already withdrew this proposal at %(when)s; the page now shows it."
        ),
    }
    return messages.get(how, messages[ANSWERED_DECLINED]) % {"who": who, "when": when}


def _name(user: User | None) -> str:
    return person_name(user) if user is not None else _("A colleague")


def _local(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


class ProposalAnswered(ValidationError):
    """A second answer to a proposal answered since the page was opened (code "stale"), with
    the finding whose page shows it as it is now."""

    def __init__(self, message: str, finding_id: int) -> None:
        super().__init__(message, code="stale")
        self.finding_id = finding_id


def proposal_answered(
    model: type[Carryover] | type[CarryProposal], pk: int
) -> ProposalAnswered | None:
    """For a proposal (a pending Carryover or a CarryProposal) that is gone because it was
    answered: the refusal saying who answered it, how and when; None if there never was
    such a proposal."""
    removal = (
        model.history.filter(id=pk, history_type="-")
        .select_related("history_user")
        .order_by("-history_date")
        .first()
    )
    if removal is None:
        return None
    return ProposalAnswered(
        _answered_message(
            removal.history_change_reason or ANSWERED_DECLINED,
            _name(removal.history_user),
            _local(removal.history_date),
        ),
        removal.finding_id,
    )


def _gone(model: type[Carryover] | type[CarryProposal], pk: int) -> ValidationError:
    return proposal_answered(model, pk) or ValidationError(
        _("This proposal no longer exists."), code="stale"
    )


def _accepted(carryover: Carryover, refusal: str | None = None) -> ValidationError:
    """The refusal of a second answer to a carryover that is accepted, saying by whom and
    when (code "stale": the page shows the finding as it is now)."""
    said = _answered_message(
        ANSWERED_ACCEPTED, _name(carryover.accepted_by), _local(carryover.accepted_at)
    )
    return ProposalAnswered(
        f"{refusal or _('This proposal has already been accepted.')} {said}",
        carryover.finding_id,
    )


@transaction.atomic
def carryover_accept(*, actor: User, carryover: Carryover) -> Carryover:
    """Accepts a proposed carryover (a PM or a coordinator of the item's department); from
    then it counts as the finding's disposition and the finding's flag is cleared."""
    pk = carryover.pk
    locked = (
        Carryover.objects.select_for_update(of=("self",))
        .select_related("plan_item__department", "finding__review")
        .filter(pk=pk)
        .first()
    )
    if locked is None:
        raise _gone(Carryover, pk)
    carryover = locked
    if not rules.can_accept_carryover(actor, carryover):
        raise PermissionDenied(
            _("Only a PM or a coordinator of the plan item's department can accept this proposal.")
        )
    if not rules.carryover_is_pending(carryover):
        raise _accepted(carryover)
    finding = _locked_finding(carryover.finding)
    if not rules.finding_is_carriable(finding):
        raise ValidationError(_("This finding was dismissed; it cannot be carried."))
    carryover.accepted_at = timezone.now()
    carryover.accepted_by = actor
    carryover.save(update_fields=["accepted_at", "accepted_by"])
    _unflag_carried(actor, finding, carryover)
    proposal_answered_notify(
        actor=actor,
        accepted=True,
        proposer_id=carryover.created_by_id,
        finding=finding,
        department_name=carryover.plan_item.department.name,
        item_title=carryover.plan_item.title,
    )
    return carryover


@transaction.atomic
def carryover_decline(*, actor: User, carryover: Carryover) -> None:
    """Removes a carryover proposal that was not accepted (its proposer withdraws it, or a
    PM or coordinator of the item's department declines it)."""
    pk = carryover.pk
    locked = (
        Carryover.objects.select_for_update(of=("self",))
        .select_related("plan_item__department", "finding")
        .filter(pk=pk)
        .first()
    )
    if locked is None:
        raise _gone(Carryover, pk)
    carryover = locked
    if not rules.carryover_is_pending(carryover):
        raise _accepted(carryover, _("An accepted carryover cannot be withdrawn."))
    if not rules.can_decline_carryover(actor, carryover):
        raise PermissionDenied(
            _(
                "Only a PM, a coordinator of the plan item's department or the one who "
                "proposed it can decline this proposal."
            )
        )
    _removed_as(carryover, actor, carryover.created_by_id)
    proposal_answered_notify(
        actor=actor,
        accepted=False,
        proposer_id=carryover.created_by_id,
        finding=carryover.finding,
        department_name=carryover.plan_item.department.name,
        item_title=carryover.plan_item.title,
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
    department, in a month after the review's that has not ended (by default the first such
    month); nothing counts as carried until that department's coordinator accepts it, and
    chooses the item's owner (and its plan, when there is a choice)."""
    check_dates_in_range(month=month, months=("month",))
    finding = _locked_finding(finding)
    month = month_start(month) if month else rules.default_carry_month(finding)
    probe = PlanItem(month=month, department=department, title=title)
    _check_carry(actor, finding, probe)
    _check_month_not_over(month)
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
    proposal_made_notify(
        actor=actor,
        finding=finding,
        department_id=department.pk,
        department_name=department.name,
        item_title=proposal.title,
    )
    return proposal


@transaction.atomic
def carry_proposal_accept(
    *,
    actor: User,
    proposal: CarryProposal,
    owner: User | None,
    month: datetime.date | None = None,
    plan: Plan | None = None,
    no_plan: bool = False,
    start: datetime.date | None = None,
    due: datetime.date | None = None,
) -> Carryover:
    """The receiving department's coordinator (or a PM) accepts a proposed item: the item is
    created through goals.services.plan_item_create — in the proposed month (or the one given
    instead, later than the review's), which must not have ended, in the plan _carry_plan
    gives, owned by a member of the department or of that plan's team — and the finding
    carried into it, accepted at once (clearing the flag); the proposal is removed. The dates
    are checked by plan_item_create, with the same refusal as any plan item's."""
    check_dates_in_range(month=month, start=start, due=due, months=("month",))
    pk = proposal.pk
    locked = (
        CarryProposal.objects.select_for_update()
        .select_related("finding__review", "department")
        .filter(pk=pk)
        .first()
    )
    if locked is None:
        raise _gone(CarryProposal, pk)
    proposal = locked
    if not rules.can_accept_proposal(actor, proposal):
        raise PermissionDenied(
            _("Only a PM or a coordinator of the proposed department can accept this proposal.")
        )
    finding = _locked_finding(proposal.finding)
    if not rules.finding_is_carriable(finding):
        raise ValidationError(_("This finding was dismissed; it cannot be carried."))
    month = month_start(month) if month else proposal.month
    if not rules.carry_month_is_later(finding, month):
        raise ValidationError(
            {
                "month": _("A finding of %(month)s is carried into a later month.")
                % {"month": month_start(finding.review.month).strftime("%Y-%m")}
            }
        )
    _check_month_not_over(month)
    department = proposal.department
    item_plan = _carry_plan(finding, department=department, month=month, plan=plan, no_plan=no_plan)
    _check_owner(owner, department=department, plan=item_plan)
    item = goals_services.plan_item_create(
        actor=actor,
        plan=item_plan,
        department=department,
        month=month,
        title=proposal.title,
        description=proposal.description,
        owner=owner,
        start=start or month,
        due=due or month_end(month),
    )
    carryover = Carryover.objects.create(
        finding=finding,
        plan_item=item,
        created_by=proposal.proposed_by,
        accepted_by=actor,
        accepted_at=timezone.now(),
    )
    _unflag_carried(actor, finding, carryover)
    proposal_answered_notify(
        actor=actor,
        accepted=True,
        proposer_id=proposal.proposed_by_id,
        finding=finding,
        department_name=department.name,
        item_title=proposal.title,
    )
    proposal._history_user = actor  # type: ignore[attr-defined]
    proposal._change_reason = ANSWERED_ACCEPTED  # type: ignore[attr-defined]
    proposal.delete()
    return carryover


@transaction.atomic
def carry_proposal_decline(*, actor: User, proposal: CarryProposal) -> None:
    """The receiving department's coordinator (or a PM) declines a proposed item, or its
    proposer withdraws it."""
    pk = proposal.pk
    locked = (
        CarryProposal.objects.select_for_update(of=("self",))
        .select_related("finding", "department")
        .filter(pk=pk)
        .first()
    )
    if locked is None:
        raise _gone(CarryProposal, pk)
    proposal = locked
    if not rules.can_decline_proposal(actor, proposal):
        raise PermissionDenied(
            _(
                "Only a PM, a coordinator of the proposed department or the one who "
                "proposed it can decline this proposal."
            )
        )
    _removed_as(proposal, actor, proposal.proposed_by_id)
    proposal_answered_notify(
        actor=actor,
        accepted=False,
        proposer_id=proposal.proposed_by_id,
        finding=proposal.finding,
        department_name=proposal.department.name,
        item_title=proposal.title,
    )
    proposal.delete()
