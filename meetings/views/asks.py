from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from planbridge import rules as core_rules
from planbridge.models import Department
from planbridge.once import AlreadySubmitted, form_submitted_once
from planbridge.pages import apply_form_errors, id_or_404

from .. import rules, selectors, services
from ..forms import AskAnswerForm, AskFilterForm, AskForm
from ..models import WeeklyUpdate

PAGE_SIZE = 50


def ask_list(request):
    """Asks to the user's departments, from them, or all, filtered by state, paginated."""
    member_of = core_rules.member_department_ids(request.user)
    filters = AskFilterForm(request.GET or None)
    box = "to_us" if member_of else "all"
    state = ""
    if filters.is_valid():
        box = filters.cleaned_data["box"] or box
        state = filters.cleaned_data["state"]
    states = [state] if state else None
    if state == "waiting":
        states = list(rules.ASK_WAITING_STATES)
    if box == "to_us":
        asks = selectors.ask_list(to_department_ids=member_of, states=states)
    elif box == "from_us":
        asks = selectors.ask_list(from_department_ids=member_of, states=states)
    else:
        asks = selectors.ask_list(states=states)
    page = Paginator(asks, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/ask_list.html",
        {
            "page": page,
            "filters": filters,
            "box": box,
            "state": state,
            "counts": selectors.ask_counts_by_box(request.user),
            "may_raise": rules.can_raise_any_ask(request.user),
        },
    )


def ask_create(request):
    """A coordinator raises an ask, on its own or from their department's weekly update."""
    if not rules.can_raise_any_ask(request.user):
        raise PermissionDenied(_("Only coordinators of the asking department can raise an ask."))
    coordinated = core_rules.coordinated_department_ids(request.user)
    update = None
    update_id = id_or_404(request.GET.get("update"))
    if update_id is not None:
        update = get_object_or_404(
            WeeklyUpdate.objects.select_related("department", "plan"),
            pk=update_id,
            department_id__in=coordinated,
        )
    from_departments = Department.objects.filter(
        core_rules.current_departments_q(), pk__in=coordinated
    ).order_by("name")
    initial = {}
    if update is not None:
        initial["from_department"] = update.department_id
    elif len(coordinated) == 1:
        initial["from_department"] = next(iter(coordinated))
    to_id = id_or_404(request.GET.get("to"))
    if to_id is not None:
        initial["to_department"] = to_id
    form = AskForm(request.POST or None, initial=initial, from_departments=from_departments)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # A second submit is shown the first one's ask (docs/architecture.md "Idempotent
            # writes").
            with form_submitted_once(request, form) as receipt:
                ask = services.ask_raise(
                    actor=request.user,
                    from_department=data["from_department"],
                    to_department=data["to_department"],
                    what=data["what"],
                    why=data["why"],
                    needed_by=data["needed_by"],
                    plan_item=data["plan_item"],
                    weekly_update=update,
                )
                receipt.done(reverse("meetings:ask_detail", args=[ask.pk]))
        except AlreadySubmitted as submitted:
            return submitted.redirect(request)
        except ValidationError as error:
            apply_form_errors(form, error)
        else:
            messages.success(
                request,
                _("Your ask was sent to %(department)s.") % {"department": ask.to_department},
            )
            return redirect(receipt.result_url)
    return render(
        request,
        "meetings/ask_form.html",
        {"form": form, "update": update},
        status=400 if request.method == "POST" else 200,
    )


def ask_detail(request, pk):
    """The ask and its answer; the receiving department's coordinators answer it here."""
    ask = get_object_or_404(selectors.ask_detail_queryset(), pk=pk)
    can_answer = rules.can_answer_ask(request.user, ask)
    seen = {"seen_state": ask.state}
    form = AskAnswerForm(request.POST or None, initial=seen, ask=ask) if can_answer else None
    status = 400 if request.method == "POST" else 200
    if request.method == "POST":
        if not can_answer:
            raise PermissionDenied(
                _("Only coordinators of the receiving department can answer this ask.")
            )
        if form.is_valid():
            try:
                services.ask_answer(
                    actor=request.user,
                    ask=ask,
                    answer=form.cleaned_data["answer"],
                    reply=form.cleaned_data["reply"],
                    seen_state=form.cleaned_data["seen_state"],
                )
            except ValidationError as error:
                if getattr(error, "code", None) != "stale":
                    apply_form_errors(form, error)
                else:
                    # A colleague answered since the page was opened: show the ask as it is
                    # now, with a form for its current state.
                    messages.error(request, " ".join(error.messages))
                    ask = get_object_or_404(selectors.ask_detail_queryset(), pk=pk)
                    form = AskAnswerForm(initial={"seen_state": ask.state}, ask=ask)
                    status = 409
            else:
                messages.success(request, _("Your answer was saved."))
                return redirect("meetings:ask_detail", pk=ask.pk)
    history = ask.history.select_related("history_user").order_by("-history_date")[:20]
    return render(
        request,
        "meetings/ask_detail.html",
        {
            "ask": ask,
            "form": form,
            # The form is offered while an answer can still change the ask; a POST on a
            # closed ask reaches the service, which says why it is refused.
            "may_answer": can_answer and not rules.ask_is_closed(ask),
            "history": history,
        },
        status=status,
    )
