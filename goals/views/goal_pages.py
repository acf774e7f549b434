"""Pages of objectives, goals, check-ins and the alignment view."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from planbridge import periods
from planbridge import rules as core_rules
from planbridge.forms import ConfirmForm
from planbridge.once import AlreadySubmitted, form_submitted_once, resubmitted
from planbridge.pages import apply_form_errors, id_or_none, query_without_page

from .. import rules, selectors, services
from ..forms import CheckInCreateForm, CheckInForm, GoalFilterForm, GoalForm, ObjectiveForm
from ..models import CheckIn, Goal, Objective
from ..smart import goal_smart_check

PAGE_SIZE = 50


def goal_list(request):
    form = GoalFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    if form.is_bound and form.errors:
        messages.error(request, _("Some filters were not understood and are ignored."))
    page = selectors.goal_rows_page(
        plan_id=filters.get("plan") and filters["plan"].pk,
        department_id=filters.get("department") and filters["department"].pk,
        failed_letter=filters.get("failed") or None,
        page_number=request.GET.get("page"),
        per_page=PAGE_SIZE,
    )
    return render(
        request,
        "goals/goal_list.html",
        {
            "form": form,
            "page": page,
            "may_create": rules.can_create_any_goal(request.user),
            "query": query_without_page(request),
        },
    )


def _goal_from_form(form: GoalForm, base: Goal | None = None) -> Goal:
    """An unsaved goal with whatever the form cleaned, for the SMART check."""
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    goal = Goal(pk=base.pk if base else None)
    for name in ("title", "description", "metric", "unit"):
        setattr(goal, name, data.get(name) or "")
    for name in ("baseline", "target", "start", "due"):
        setattr(goal, name, data.get(name))
    goal.direction = data.get("direction") or Goal.Direction.UP
    goal.objective = data.get("objective")
    goal.plan = data.get("plan")
    return goal


def _goal_form_page(request, form: GoalForm, goal: Goal | None, conflict=None, status=200):
    if form.is_bound:
        letters = goal_smart_check(_goal_from_form(form, goal))
    elif goal is not None:
        letters = goal_smart_check(goal)
    else:
        letters = None
    return render(
        request,
        "goals/goal_form.html",
        {"form": form, "goal": goal, "letters": letters, "conflict": conflict},
        status=status,
    )


def goal_create(request):
    if not rules.can_create_any_goal(request.user):
        raise PermissionDenied(
            _("Only project managers and the department's coordinators can create goals.")
        )
    initial = {"owner": request.user.pk, "start": periods.today()}
    coordinated = core_rules.coordinated_department_ids(request.user)
    if len(coordinated) == 1:
        initial["department"] = next(iter(coordinated))
    form = GoalForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        try:
            goal = services.goal_create(actor=request.user, **fields)
        except ValidationError as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, _("The goal was saved."))
            return redirect("goals:goal_detail", pk=goal.pk)
    return _goal_form_page(request, form, None)


def goal_edit(request, pk):
    goal = get_object_or_404(Goal.objects.select_related("plan", "objective"), pk=pk)
    if not rules.can_edit_goal(request.user, goal):
        raise PermissionDenied(
            _("Only project managers and the coordinators of the goal's department can change it.")
        )
    form = GoalForm(request.POST or None, instance=goal, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        version = fields.pop("version")
        try:
            saved = services.goal_update(actor=request.user, goal=goal, version=version, **fields)
        except services.VersionConflict as conflict:
            form.add_error(None, conflict.messages[0])
            # Saving again, after reading the current values, replaces them on purpose.
            data = request.POST.copy()
            data["version"] = conflict.current.version
            form.data = data
            current = Goal.objects.select_related("department", "owner", "objective", "plan").get(
                pk=goal.pk
            )
            return _goal_form_page(
                request, form, goal, conflict=form.stored_values(current), status=409
            )
        except ValidationError as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, _("The goal was saved."))
            return redirect("goals:goal_detail", pk=saved.pk)
    return _goal_form_page(request, form, goal)


@require_POST
def smart_check(request):
    """The SMART panel for what is typed in the goal form (htmx)."""
    goal = None
    if request.POST.get("goal"):
        goal = Goal.objects.filter(pk=id_or_none(request.POST.get("goal"))).first()
    form = GoalForm(request.POST, instance=goal, user=request.user)
    letters = goal_smart_check(_goal_from_form(form, goal))
    return render(request, "goals/_smart.html", {"letters": letters})


def _goal_page(request, goal_pk, checkin_form=None, status=200):
    try:
        goal = selectors.goal_detail(goal_pk)
    except Goal.DoesNotExist:
        raise Http404 from None
    checkins = list(selectors.goal_checkins(goal))
    may_check_in = rules.can_check_in_goal(request.user, goal)
    if checkin_form is None and may_check_in:
        checkin_form = CheckInCreateForm(initial={"date": periods.today(), "confidence": 7})
    return render(
        request,
        "goals/goal_detail.html",
        {
            "goal": goal,
            "progress": selectors.goal_progress(goal, latest_value=selectors.latest_value_of(goal)),
            "letters": goal_smart_check(goal),
            "checkins": checkins,
            "chart": selectors.goal_chart_data(goal, checkins),
            "plan_items": selectors.goal_plan_items(goal),
            "may_edit": rules.can_edit_goal(request.user, goal),
            "may_check_in": may_check_in,
            "checkin_form": checkin_form,
        },
        status=status,
    )


def goal_detail(request, pk):
    return _goal_page(request, pk)


@require_POST
def checkin_create(request, pk):
    goal = get_object_or_404(Goal, pk=pk)
    if not rules.can_check_in_goal(request.user, goal):
        raise PermissionDenied(
            _("Only the goal's owner, its department's coordinators and PMs record check-ins.")
        )
    form = CheckInCreateForm(request.POST)
    if form.is_valid():
        try:
            # A second submit is shown the first one's result (docs/architecture.md
            # "Idempotent writes").
            with form_submitted_once(request, form) as receipt:
                services.checkin_create(
                    actor=request.user, goal=goal, **form.cleaned_data_without_token()
                )
                receipt.done(reverse("goals:goal_detail", args=[goal.pk]))
        except AlreadySubmitted as submitted:
            return submitted.redirect(request)
        except ValidationError as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, _("The check-in was recorded."))
            return redirect(receipt.result_url)
    return _goal_page(request, goal.pk, checkin_form=form, status=400)


def _checkin_of_goal(request, goal_pk, checkin_pk, *, refusal: str) -> CheckIn:
    checkin = get_object_or_404(
        CheckIn.objects.select_related("goal", "author"), pk=checkin_pk, goal_id=goal_pk
    )
    if not rules.can_check_in_goal(request.user, checkin.goal):
        raise PermissionDenied(refusal)
    return checkin


def checkin_edit(request, pk, checkin_pk):
    checkin = _checkin_of_goal(
        request,
        pk,
        checkin_pk,
        refusal=_(
            "Only the goal's owner, its department's coordinators and PMs edit its check-ins."
        ),
    )
    form = CheckInForm(request.POST or None, instance=checkin)
    if request.method == "POST" and form.is_valid():
        try:
            services.checkin_update(actor=request.user, checkin=checkin, **form.cleaned_data)
        except ValidationError as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, _("The check-in was saved."))
            return redirect("goals:goal_detail", pk=checkin.goal_id)
    return render(
        request,
        "goals/checkin_form.html",
        {"form": form, "checkin": checkin, "goal": checkin.goal},
        status=400 if form.is_bound else 200,
    )


CHECKIN_DELETE = "goals.checkin_delete"


@require_http_methods(["GET", "POST"])
def checkin_delete(request, pk, checkin_pk):
    """The confirmation page of deleting a check-in (GET), naming the check-ins the goal's
    progress is then read from, and the deletion (the page's POST, with its one-time token,
    docs/architecture.md "Confirmations")."""
    if request.method == "POST" and (done := resubmitted(request, CHECKIN_DELETE)) is not None:
        return done.redirect(request)
    checkin = _checkin_of_goal(
        request,
        pk,
        checkin_pk,
        refusal=_(
            "Only the goal's owner, its department's coordinators and PMs delete its check-ins."
        ),
    )
    posted = request.method == "POST"
    form = ConfirmForm(request.POST if posted else None, submission_form=CHECKIN_DELETE)
    if posted and form.is_valid():
        try:
            with form_submitted_once(request, form) as receipt:
                services.checkin_delete(actor=request.user, checkin=checkin)
                receipt.done(reverse("goals:goal_detail", args=[checkin.goal_id]))
        except AlreadySubmitted as submitted:
            return submitted.redirect(request)
        except ValidationError as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, _("The check-in was deleted."))
            return redirect(receipt.result_url)
    return render(
        request,
        "goals/checkin_delete.html",
        {
            "checkin": checkin,
            "goal": checkin.goal,
            "form": form,
            "preview": selectors.checkin_delete_preview(checkin),
        },
        status=400 if posted else 200,
    )


OBJECTIVES_PER_PAGE = 50


def objective_list(request):
    may_save = rules.can_save_objective(request.user)
    form = None
    if may_save:
        form = ObjectiveForm(
            request.POST or None, initial={"quarter": periods.quarter_start(periods.today())}
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.objective_save(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_form_errors(form, error)
            else:
                messages.success(request, _("The objective was saved."))
                return redirect("goals:objective_list")
    elif request.method == "POST":
        raise PermissionDenied(_("Only project managers can create or change objectives."))
    return render(
        request,
        "goals/objective_list.html",
        {
            "objectives": Paginator(selectors.objective_list(), OBJECTIVES_PER_PAGE).get_page(
                request.GET.get("page")
            ),
            "form": form,
            "may_edit": may_save,
        },
        status=400 if form is not None and form.is_bound else 200,
    )


def objective_edit(request, pk):
    objective = get_object_or_404(Objective, pk=pk)
    if not rules.can_save_objective(request.user, objective):
        raise PermissionDenied(_("Only project managers can create or change objectives."))
    form = ObjectiveForm(request.POST or None, instance=objective)
    if request.method == "POST" and form.is_valid():
        try:
            services.objective_save(actor=request.user, objective=objective, **form.cleaned_data)
        except ValidationError as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, _("The objective was saved."))
            return redirect("goals:objective_list")
    return render(request, "goals/objective_form.html", {"form": form, "objective": objective})


def alignment(request):
    quarter = None
    raw = request.GET.get("quarter")
    if raw:
        try:
            day = datetime.date.fromisoformat(raw)
        except ValueError:
            day = None
        if day is not None and periods.in_range(day):
            quarter = periods.quarter_start(day)
        else:
            messages.error(request, _("Unknown quarter; showing every quarter."))
    data = selectors.alignment(quarter=quarter, plan_id=id_or_none(request.GET.get("plan")))
    quarters = Objective.objects.order_by("-quarter").values_list("quarter", flat=True).distinct()
    return render(
        request,
        "goals/alignment.html",
        {
            "alignment": data,
            "quarter": quarter,
            "quarters": quarters,
        },
    )
