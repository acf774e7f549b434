import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from planbridge import rules as core_rules
from planbridge.models import Department, Plan
from planbridge.pages import apply_form_errors, id_or_404
from planbridge.periods import today, week_start

from .. import rules, selectors, services
from ..forms import WeeklyUpdateForm


def _chosen_department(request, departments):
    wanted = id_or_404(request.GET.get("department"))
    if wanted is None:
        return departments[0] if departments else None
    for department in departments:
        if department.pk == wanted:
            return department
    if core_rules.is_pm(request.user):
        return get_object_or_404(Department, pk=wanted)
    raise Http404


def _chosen_plan(request, department, week):
    wanted = request.GET.get("plan")
    if wanted == "none":
        return None
    plan_id = id_or_404(wanted)
    if plan_id is None:
        if department is None:
            return None
        return selectors.default_plan_for(department_id=department.pk, week=week)
    return get_object_or_404(selectors.plans_owning_week(week), pk=plan_id)


def this_week(request):
    """The coordinator's weekly update (with current plan-item statuses) and the week's asks,
    meetings and actions; others read the same page for their department."""
    week = week_start(today())
    departments = selectors.user_departments(request.user)
    department = _chosen_department(request, departments)
    plan = _chosen_plan(request, department, week)
    overview = selectors.this_week_overview(
        user=request.user, department=department, plan=plan, week=week
    )
    form = None
    if overview.may_write:
        initial = {"version": overview.update.version if overview.update else 0}
        if overview.update:
            initial.update(
                progress=overview.update.progress,
                next_week=overview.update.next_week,
                problems=overview.update.problems,
            )
        form = WeeklyUpdateForm(
            request.POST or None, initial=initial, plan_items=overview.plan_items
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(
                _("Only coordinators of the department write its weekly update.")
            )
        if form.is_valid():
            try:
                update = services.weekly_update_submit(
                    actor=request.user,
                    department=department,
                    week=week,
                    plan=plan,
                    progress=form.cleaned_data["progress"],
                    next_week=form.cleaned_data["next_week"],
                    problems=form.cleaned_data["problems"],
                    version=form.cleaned_data["version"],
                    item_statuses=form.item_statuses(),
                    statuses_shown=form.statuses_shown(),
                )
            except ValidationError as error:
                apply_form_errors(form, error)
            else:
                messages.success(request, _("The weekly update was saved."))
                query = f"?department={department.pk}&plan={plan.pk if plan else 'none'}"
                return redirect(f"{request.path}{query}#update-{update.pk}")
    return render(
        request,
        "meetings/this_week.html",
        {
            "overview": overview,
            "form": form,
            "departments": departments,
            "plans": list(selectors.plans_owning_week(week)),
            "week_end": week + datetime.timedelta(days=6),
            "may_create_meeting": rules.can_create_any_meeting(request.user),
        },
        status=400 if request.method == "POST" else 200,
    )


def update_detail(request, pk):
    """One weekly update with its asks and the history of its edits."""
    update = get_object_or_404(selectors.weekly_update_queryset(), pk=pk)
    history = update.history.select_related("history_user").order_by("-history_date")[:50]
    return render(
        request,
        "meetings/update_detail.html",
        {
            "update": update,
            "history": history,
            "may_edit": rules.can_edit_weekly_update(request.user, update),
            "plan_param": _plan_param(update.plan),
        },
    )


def _plan_param(plan: Plan | None) -> str:
    return str(plan.pk) if plan else "none"
