"""A finding's page (where it is carried or dismissed), its actions, proposals between
departments, the bridge list behind the dashboard numbers, and the plan item fragment."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from planbridge import rules as core_rules
from planbridge.forms import ConfirmForm
from planbridge.models import Department
from planbridge.once import AlreadySubmitted, form_submitted_once, resubmitted
from planbridge.pages import apply_form_errors, id_or_none, load_or_404, query_without_page
from planbridge.plan_scope import ALL_PLANS

from .. import links, rules, selectors, services
from ..forms import (
    CarryExistingForm,
    CarryNewItemForm,
    CarryProposalAcceptForm,
    DismissForm,
    FindingFilterForm,
    FindingForm,
)
from ..models import Carryover, CarryProposal

# The context flag under which the finding page shows each of its forms.
SECTION_SHOWN_BY = {
    "new": "may_carry",
    "existing": "may_carry",
    "dismiss": "may_dismiss",
    "edit": "may_edit",
}


def _finding_page(request, finding, *, forms=None, accept_forms=None, status=200):
    user = request.user
    target_department = id_or_none(request.GET.get("department"))
    targets = list(selectors.carry_targets(finding, department_id=target_department))
    disposition = selectors.finding_disposition(finding)
    forms = forms or {}
    accept_forms = accept_forms or {}
    choices: dict = {}  # the accept forms of proposals for one department share choices
    context = {
        "finding": finding,
        "review": finding.review,
        "disposition": disposition,
        "evidence_url": selectors.evidence_url(finding),
        "trace_url": links.trace_url("finding", finding.pk),
        "audit_trail": selectors.finding_audit_trail(finding),
        # Each form is offered only when its service would accept it (reviews/rules.py).
        "may_carry": rules.can_carry_finding(user, finding) and rules.finding_is_carriable(finding),
        "may_dismiss": rules.can_dismiss_finding(user, finding)
        and rules.finding_is_dismissible(finding),
        "may_edit": rules.can_edit_finding(user, finding) and rules.finding_is_editable(finding),
        "may_delete": rules.can_delete_finding(user, finding)
        and rules.finding_is_deletable(finding),
        "pending_carryovers": [
            {
                "carryover": carryover,
                "may_answer": rules.can_accept_carryover(user, carryover),
                "may_withdraw": rules.can_decline_carryover(user, carryover),
            }
            for carryover in disposition.proposed
        ],
        "pending_proposals": [
            _pending_proposal(user, proposal, accept_forms.get(proposal.pk), choices)
            for proposal in finding.proposals.all()
        ],
        "departments": Department.objects.filter(core_rules.current_departments_q()).order_by(
            "name"
        ),
        "target_department": target_department,
        "targets": targets,
        "new_item_form": forms.get("new")
        or CarryNewItemForm(
            initial={
                "department": finding.department_id,
                "title": finding.title,
                "description": finding.detail,
            },
            finding=finding,
            actor=user,
        ),
        "existing_form": forms.get("existing") or CarryExistingForm(targets=targets),
        "dismiss_form": forms.get("dismiss") or DismissForm(),
        "edit_form": forms.get("edit") or FindingForm(instance=finding),
    }
    # A refused form whose section the page no longer shows (the finding was dismissed or
    # its review closed meanwhile) still says why, as a message.
    for name, form in forms.items():
        if not context[SECTION_SHOWN_BY[name]]:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
    return render(request, "reviews/finding_detail.html", context, status=status)


def _pending_proposal(user, proposal, accept_form, choices) -> dict:
    may_answer = rules.can_accept_proposal(user, proposal)
    if may_answer and accept_form is None:
        accept_form = CarryProposalAcceptForm(proposal=proposal, actor=user, cache=choices)
    return {
        "proposal": proposal,
        "may_answer": may_answer,
        "may_withdraw": rules.can_decline_proposal(user, proposal),
        "accept_form": accept_form if may_answer else None,
    }


def finding_detail(request, pk):
    return _finding_page(request, load_or_404(selectors.finding_detail, pk))


@require_POST
def finding_carry_new(request, pk):
    finding = load_or_404(selectors.finding_detail, pk)
    if not rules.can_carry_finding(request.user, finding):
        raise PermissionDenied(
            _("Only a PM or a coordinator of the finding's department can carry it.")
        )
    form = CarryNewItemForm(request.POST, finding=finding, actor=request.user)
    if form.is_valid():
        data = form.cleaned_data
        department = data["department"]
        try:
            # A second submit of this form is shown the first one's result (docs/architecture.md
            # "Idempotent writes").
            with form_submitted_once(request, form) as receipt:
                if rules.can_plan_for_department(request.user, department.pk):
                    carryover = services.finding_carry_new_item(
                        actor=request.user,
                        finding=finding,
                        department=department,
                        title=data["title"],
                        description=data["description"],
                        month=data["month"],
                        start=data["start"],
                        due=data["due"],
                        **form.carried_work(),
                    )
                    done = _("The finding was carried into the new plan item “%(item)s”.") % {
                        "item": carryover.plan_item.title
                    }
                else:
                    services.finding_propose_item(
                        actor=request.user,
                        finding=finding,
                        department=department,
                        title=data["title"],
                        description=data["description"],
                        month=data["month"],
                    )
                    done = _(
                        "The item was proposed to %(department)s; it counts once they accept it."
                    ) % {"department": department.name}
                receipt.done(reverse("reviews:finding_detail", args=[finding.pk]))
        except AlreadySubmitted as submitted:
            return submitted.redirect(request)
        except ValidationError as exc:
            apply_form_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(receipt.result_url)
    return _finding_page(request, finding, forms={"new": form}, status=400)


@require_POST
def finding_carry(request, pk):
    finding = load_or_404(selectors.finding_detail, pk)
    form = CarryExistingForm(request.POST, targets=selectors.carry_targets(finding))
    if form.is_valid():
        try:
            carryover = services.finding_carry(
                actor=request.user, finding=finding, plan_item=form.cleaned_data["plan_item"]
            )
        except ValidationError as exc:
            apply_form_errors(form, exc)
        else:
            if carryover.accepted_at:
                messages.success(request, _("The finding was carried."))
            else:
                messages.success(
                    request,
                    _("The carry was proposed to %(department)s; it counts once they accept it.")
                    % {"department": carryover.plan_item.department.name},
                )
            return redirect("reviews:finding_detail", pk=finding.pk)
    return _finding_page(request, finding, forms={"existing": form}, status=400)


@require_POST
def finding_dismiss(request, pk):
    finding = load_or_404(selectors.finding_detail, pk)
    if not rules.can_dismiss_finding(request.user, finding):
        raise PermissionDenied(_("Only project managers can dismiss findings."))
    form = DismissForm(request.POST)
    if form.is_valid():
        try:
            services.finding_dismiss(
                actor=request.user, finding=finding, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_form_errors(form, exc)
        else:
            messages.success(request, _("The finding was dismissed."))
            return redirect("reviews:finding_detail", pk=finding.pk)
    return _finding_page(request, finding, forms={"dismiss": form}, status=400)


@require_POST
def finding_edit(request, pk):
    finding = load_or_404(selectors.finding_detail, pk)
    if not rules.can_edit_finding(request.user, finding):
        raise PermissionDenied(_("Only project managers can change findings."))
    form = FindingForm(request.POST, instance=finding)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.finding_update(
                actor=request.user,
                finding=finding,
                kind=data["kind"],
                title=data["title"],
                detail=data["detail"],
                department=data["department"],
                severity=data["severity"],
            )
        except ValidationError as exc:
            apply_form_errors(form, exc)
        else:
            messages.success(request, _("The finding was saved."))
            return redirect("reviews:finding_detail", pk=finding.pk)
    finding = load_or_404(selectors.finding_detail, pk)
    return _finding_page(request, finding, forms={"edit": form}, status=400)


FINDING_DELETE = "reviews.finding_delete"


@require_http_methods(["GET", "POST"])
def finding_delete(request, pk):
    """The confirmation page of deleting a finding (GET), naming what goes with it, and the
    deletion (the page's POST, with its one-time token, docs/architecture.md
    "Confirmations")."""
    if request.method == "POST" and (done := resubmitted(request, FINDING_DELETE)) is not None:
        return done.redirect(request)
    finding = load_or_404(selectors.finding_detail, pk)
    if not rules.can_delete_finding(request.user, finding):
        raise PermissionDenied(_("Only project managers can delete findings."))
    posted = request.method == "POST"
    form = ConfirmForm(request.POST if posted else None, submission_form=FINDING_DELETE)
    if posted and form.is_valid():
        try:
            with form_submitted_once(request, form) as receipt:
                services.finding_delete(actor=request.user, finding=finding)
                receipt.done(reverse("reviews:review_detail", args=[finding.review_id]))
        except AlreadySubmitted as submitted:
            return submitted.redirect(request)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("reviews:finding_detail", pk=finding.pk)
        messages.success(request, _("The finding was deleted."))
        return redirect(receipt.result_url)
    refusal = rules.finding_delete_refusal(finding)
    if refusal is not None:
        messages.error(request, refusal)
        return redirect("reviews:finding_detail", pk=finding.pk)
    return render(
        request,
        "reviews/finding_delete.html",
        {
            "finding": finding,
            "review": finding.review,
            "form": form,
            "preview": selectors.finding_delete_preview(finding),
        },
        status=400 if posted else 200,
    )


def _answered_proposal(queryset, pk):
    """The proposal to answer, or the refusal saying who answered it since the page was
    opened (it is removed then), or 404 if there never was one."""
    proposal = queryset.filter(pk=pk).first()
    if proposal is not None:
        return proposal
    answered = services.proposal_answered(queryset.model, pk)
    if answered is None:
        raise Http404
    raise answered


def _already_answered(request, exc):
    """The finding as it is now with the refusal of a second answer (409)."""
    messages.error(request, " ".join(exc.messages))
    finding = load_or_404(selectors.finding_detail, exc.finding_id)
    return _finding_page(request, finding, status=409)


@require_POST
def carryover_accept(request, pk):
    try:
        carryover = _answered_proposal(Carryover.objects.all(), pk)
        services.carryover_accept(actor=request.user, carryover=carryover)
    except services.ProposalAnswered as exc:
        return _already_answered(request, exc)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The carry was accepted."))
    return redirect("reviews:finding_detail", pk=carryover.finding_id)


def _declined_message(user, proposer_id) -> str:
    if user.pk == proposer_id:
        return _("The proposal was withdrawn.")
    return _("The proposal was declined.")


@require_POST
def carryover_decline(request, pk):
    try:
        carryover = _answered_proposal(Carryover.objects.all(), pk)
        services.carryover_decline(actor=request.user, carryover=carryover)
    except services.ProposalAnswered as exc:
        return _already_answered(request, exc)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _declined_message(request.user, carryover.created_by_id))
    return redirect("reviews:finding_detail", pk=carryover.finding_id)


@require_POST
def carry_proposal_accept(request, pk):
    try:
        proposal = _answered_proposal(
            CarryProposal.objects.select_related("finding__review__plan"), pk
        )
    except services.ProposalAnswered as exc:
        return _already_answered(request, exc)
    if not rules.can_accept_proposal(request.user, proposal):
        raise PermissionDenied(
            _("Only a PM or a coordinator of the proposed department can accept this proposal.")
        )
    form = CarryProposalAcceptForm(request.POST, proposal=proposal, actor=request.user)
    if form.is_valid():
        try:
            carryover = services.carry_proposal_accept(
                actor=request.user,
                proposal=proposal,
                month=form.cleaned_data["month"],
                **form.carried_work(),
            )
        except services.ProposalAnswered as exc:
            return _already_answered(request, exc)
        except ValidationError as exc:
            apply_form_errors(form, exc)
        else:
            messages.success(
                request,
                _("The plan item “%(item)s” was created and the finding carried into it.")
                % {"item": carryover.plan_item.title},
            )
            return redirect("reviews:finding_detail", pk=proposal.finding_id)
    finding = load_or_404(selectors.finding_detail, proposal.finding_id)
    return _finding_page(request, finding, accept_forms={proposal.pk: form}, status=400)


@require_POST
def carry_proposal_decline(request, pk):
    try:
        proposal = _answered_proposal(CarryProposal.objects.all(), pk)
        services.carry_proposal_decline(actor=request.user, proposal=proposal)
    except services.ProposalAnswered as exc:
        return _already_answered(request, exc)
    messages.success(request, _declined_message(request.user, proposal.proposed_by_id))
    return redirect("reviews:finding_detail", pk=proposal.finding_id)


FINDINGS_PER_PAGE = 50


def finding_list(request):
    """The findings behind a dashboard number: filtered by plan, department, month range
    and bridge state; bad filters are reported, not a 500."""
    form = FindingFilterForm(request.GET or None, states=selectors.STATES.items())
    filters = form.cleaned_data if form.is_valid() else {}
    findings = selectors.bridge_findings(
        scope=filters.get("plan") or ALL_PLANS,
        month_from=filters.get("month_from"),
        month_to=filters.get("month_to"),
        department_ids=[filters["department"].pk] if filters.get("department") else None,
        state=filters.get("state") or None,
    ).select_related("review__plan", "department")
    if filters.get("review"):
        findings = findings.filter(review=filters["review"])
    findings = findings.order_by("-review__month", "department__name", "pk")
    page = Paginator(findings, FINDINGS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/finding_list.html",
        {
            "form": form,
            "page": page,
            "state_label": selectors.STATES.get(filters.get("state") or "", ""),
            "filters": filters,
            "query": query_without_page(request),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def plan_item_findings(request, pk):
    """Fragment for a plan item's page: the findings it came from and their reviews."""
    return render(
        request,
        "reviews/_plan_item_findings.html",
        {"carryovers": selectors.plan_item_findings(pk), "trace_url": links.trace_url("item", pk)},
    )
