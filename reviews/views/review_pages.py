"""Review sessions: the list, creating one, the session page (findings with their
disposition, the month's evidence), opening and closing, recording findings."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from planbridge import rules as core_rules
from planbridge.once import AlreadySubmitted, form_submitted_once
from planbridge.pages import apply_form_errors, load_or_404

from .. import links, rules, selectors, services
from ..forms import (
    EVIDENCE_NOT_IN_MONTH,
    EvidenceFindingForm,
    EvidenceLineForm,
    FindingCreateForm,
    ReviewCloseForm,
    ReviewForm,
)

REVIEWS_PER_PAGE = 24


def review_list(request):
    user = request.user
    coordinated = core_rules.coordinated_department_ids(user)
    reviews = Paginator(selectors.review_list(), REVIEWS_PER_PAGE).get_page(request.GET.get("page"))
    reviews.object_list = selectors.reviews_counted(reviews.object_list)
    return render(
        request,
        "reviews/review_list.html",
        {
            "reviews": reviews,
            # Posted to review_create, which re-renders its own page on errors.
            "form": ReviewForm(),
            "may_create_review": rules.can_run_review(user),
            "pending_carryovers": selectors.pending_carryovers(department_ids=coordinated)
            if coordinated
            else [],
            "pending_proposals": selectors.pending_proposals(department_ids=coordinated)
            if coordinated
            else [],
        },
    )


def review_create(request):
    if not rules.can_run_review(request.user):
        raise PermissionDenied(_("Only project managers can run reviews."))
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.review_create(
                actor=request.user, month=form.cleaned_data["month"], plan=form.cleaned_data["plan"]
            )
        except ValidationError as exc:
            apply_form_errors(form, exc)
        else:
            messages.success(request, _("The review was created as a draft."))
            return redirect("reviews:review_detail", pk=review.pk)
    return render(
        request, "reviews/review_form.html", {"form": form}, status=400 if form.errors else 200
    )


def _review_page(request, review, *, finding_form=None, status=200):
    user = request.user
    may_run = rules.can_run_review(user, review)
    # Until the last days of its month the page says when the review can be closed instead
    # of offering the button (the service refuses it the same way).
    too_early = not rules.review_is_closed(review) and not rules.review_close_day_has_come(review)
    return render(
        request,
        "reviews/review_detail.html",
        {
            "review": review,
            "plan_url": links.plan_url(review.plan_id) if review.plan_id else "",
            "findings": selectors.review_findings(review),
            "evidence": selectors.review_evidence(review),
            "finding_form": finding_form or FindingCreateForm(),
            "may_open": may_run and rules.review_can_open(review),
            "may_close": may_run and rules.review_can_close(review) and not too_early,
            "closes_from": rules.review_first_close_day(review.month)
            if may_run and too_early
            else None,
            "is_closed": rules.review_is_closed(review),
            "may_record": rules.can_record_finding(user, review)
            and rules.review_accepts_findings(review),
            "grace_days": selectors.grace_period().days,
        },
        status=status,
    )


def review_detail(request, pk):
    return _review_page(request, load_or_404(selectors.review_detail, pk))


def _changed_since_seen(request, pk, exc):
    """The review page as it is now with the refusal, when a colleague opened or closed the
    review after this page was loaded (the services' code "stale")."""
    if getattr(exc, "code", None) != "stale":
        return None
    messages.error(request, " ".join(exc.messages))
    return _review_page(request, load_or_404(selectors.review_detail, pk), status=409)


@require_POST
def review_open(request, pk):
    review = load_or_404(selectors.review_detail, pk)
    try:
        services.review_open(
            actor=request.user, review=review, seen_status=request.POST.get("seen_status") or None
        )
    except ValidationError as exc:
        if (page := _changed_since_seen(request, pk, exc)) is not None:
            return page
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The review is open."))
    return redirect("reviews:review_detail", pk=review.pk)


def _close_refusal(review) -> str | None:
    """Why the review cannot be closed now, in the words its service refuses with; None when
    it can."""
    if rules.review_is_closed(review):
        return _("This review is closed already; nothing was changed.")
    if not rules.review_can_close(review):
        return _("Only an open review can be closed.")
    if not rules.review_close_day_has_come(review):
        return rules.review_closes_later_message(review)
    return None


@require_http_methods(["GET", "POST"])
def review_close(request, pk):
    """The confirmation page of closing a review (GET), naming the findings whose grace
    period it starts and the day it ends, and the closing (the page's POST, with its
    one-time token, docs/architecture.md "Confirmations")."""
    review = load_or_404(selectors.review_detail, pk)
    if not rules.can_run_review(request.user, review):
        raise PermissionDenied(_("Only project managers can run reviews."))
    posted = request.method == "POST"
    form = ReviewCloseForm(request.POST if posted else None, initial={"seen_status": review.status})
    if posted and form.is_valid():
        try:
            with form_submitted_once(request, form) as receipt:
                services.review_close(
                    actor=request.user,
                    review=review,
                    seen_status=form.cleaned_data["seen_status"] or None,
                )
                receipt.done(reverse("reviews:review_detail", args=[review.pk]))
        except AlreadySubmitted as submitted:
            return submitted.redirect(request)
        except ValidationError as exc:
            if (page := _changed_since_seen(request, pk, exc)) is not None:
                return page
            messages.error(request, " ".join(exc.messages))
            return redirect("reviews:review_detail", pk=review.pk)
        messages.success(
            request,
            _(
                "The review is closed. Every finding must now be carried or dismissed "
                "within %(days)s days."
            )
            % {"days": selectors.grace_period().days},
        )
        return redirect(receipt.result_url)
    refusal = _close_refusal(review)
    if refusal is not None:
        messages.error(request, refusal)
        return redirect("reviews:review_detail", pk=review.pk)
    return render(
        request,
        "reviews/review_close.html",
        {"review": review, "form": form, "preview": selectors.review_close_preview(review)},
        status=400 if posted else 200,
    )


@require_POST
def finding_create(request, pk):
    review = load_or_404(selectors.review_detail, pk)
    if not rules.can_record_finding(request.user, review):
        raise PermissionDenied(_("Only project managers can record findings."))
    form = FindingCreateForm(request.POST)
    try:
        finding = _record_finding(request, review, form)
    except AlreadySubmitted as submitted:
        return submitted.redirect(request)
    if finding is not None:
        messages.success(request, _("The finding was recorded."))
        return redirect("reviews:finding_detail", pk=finding.pk)
    return _review_page(request, review, finding_form=form, status=400)


FINDING_FIELDS = ("kind", "title", "detail", "department", "severity")
EVIDENCE_FIELDS = ("evidence_kind", "evidence_object_id")


def _record_finding(request, review, form):
    """The finding saved from a valid form through finding_create, or None with the form's
    errors set (typed findings and those made from an evidence line); AlreadySubmitted for a
    second submit of the form (docs/architecture.md "Idempotent writes")."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    fields = {name: data[name] for name in FINDING_FIELDS + EVIDENCE_FIELDS if name in data}
    try:
        with form_submitted_once(request, form) as receipt:
            finding = services.finding_create(actor=request.user, review=review, **fields)
            receipt.done(reverse("reviews:finding_detail", args=[finding.pk]))
    except ValidationError as exc:
        apply_form_errors(form, exc)
        return None
    return finding


def _evidence_line(review, data):
    """The line of the review's evidence that `data` names, or None."""
    named = EvidenceLineForm(data)
    if not named.is_valid():
        return None
    return selectors.review_evidence(review).find(
        named.cleaned_data["evidence_kind"], named.cleaned_data["evidence_object_id"]
    )


@require_http_methods(["GET", "POST"])
def finding_from_evidence(request, pk):
    """The page behind an evidence line's "Make a finding": the finding form prefilled from
    the line as the server assembles it (the query only names the line), editable before it
    is saved with its link to the line."""
    review = load_or_404(selectors.review_detail, pk)
    if not rules.can_record_finding(request.user, review):
        raise PermissionDenied(_("Only project managers can record findings."))
    if request.method == "GET":
        line = _evidence_line(review, request.GET)
        if line is None:
            messages.error(request, EVIDENCE_NOT_IN_MONTH)
            return redirect("reviews:review_detail", pk=review.pk)
        form = EvidenceFindingForm(initial=line.finding_initial())
        return _evidence_finding_page(request, review, line, form)
    form = EvidenceFindingForm(request.POST)
    # The page shows the line the form is made from; a line no longer in the evidence is
    # said once, whatever else is wrong (the service checks it again when saving).
    line = _evidence_line(review, request.POST)
    if line is None and EVIDENCE_NOT_IN_MONTH not in form.non_field_errors():
        form.add_error(None, EVIDENCE_NOT_IN_MONTH)
    try:
        finding = _record_finding(request, review, form)
    except AlreadySubmitted as submitted:
        return submitted.redirect(request)
    if finding is not None:
        messages.success(request, _("The finding was recorded from the evidence."))
        return redirect("reviews:finding_detail", pk=finding.pk)
    return _evidence_finding_page(request, review, line, form, status=400)


def _evidence_finding_page(request, review, line, form, *, status=200):
    return render(
        request,
        "reviews/finding_from_evidence.html",
        {
            "review": review,
            "line": line,
            "form": form,
            "may_record": rules.review_accepts_findings(review),
        },
        status=status,
    )
