"""Pages of plan items: list with filters, create/edit with dependencies, status, and the
timeline of a plan with its rhythm conflicts."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from planbridge import periods, registry
from planbridge import rules as core_rules
from planbridge.models import Department, Plan
from planbridge.pages import apply_form_errors, id_or_none, query_without_page

from .. import rules, selectors, services
from ..forms import PlanItemFilterForm, PlanItemForm, PlanItemStatusForm
from ..models import PlanItem

PAGE_SIZE = 50


def plan_item_list(request):
    form = PlanItemFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    if form.is_bound and form.errors:
        messages.error(request, _("Some filters were not understood and are ignored."))
    plan, department = filters.get("plan"), filters.get("department")
    items = selectors.plan_item_list(
        plan_id=plan and plan.pk,
        department_id=department and department.pk,
        month=filters.get("month"),
        status=filters.get("status") or None,
        owner_id=filters.get("owner") and filters["owner"].pk,
    )
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    conflicts = selectors.conflicts_by_item(
        selectors.rhythm_conflicts(item_ids=[item.pk for item in page.object_list])
    )
    return render(
        request,
        "goals/plan_item_list.html",
        {
            "form": form,
            "page": page,
            "rows": [(item, conflicts.get(item.pk, [])) for item in page.object_list],
            "may_create": rules.can_create_any_plan_item(request.user),
            "query": query_without_page(request),
            "csv_plan": plan,
        },
    )


def plan_item_create(request):
    if not rules.can_create_any_plan_item(request.user):
        raise PermissionDenied(
            _("Only project managers and the department's coordinators can create plan items.")
        )
    plan = Plan.objects.filter(pk=id_or_none(request.GET.get("plan"))).first()
    plan = plan or selectors.default_plan()
    initial = {"plan": plan, "owner": request.user.pk}
    month = periods.today()
    if plan and not core_rules.date_in_plan(plan, month):
        month = plan.start
    initial.update(month=periods.month_start(month), start=periods.month_start(month))
    initial["due"] = periods.month_end(periods.month_start(month))
    coordinated = core_rules.coordinated_department_ids(request.user)
    department_id = id_or_none(request.GET.get("department"))
    if department_id and core_rules.can_manage_department(request.user, department_id):
        initial["department"] = department_id
    elif len(coordinated) == 1:
        initial["department"] = next(iter(coordinated))
    form = PlanItemForm(request.POST or None, user=request.user, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.plan_item_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, _("The plan item was saved."))
            return redirect("goals:plan_item_detail", pk=item.pk)
    return render(
        request,
        "goals/plan_item_form.html",
        {"form": form, "item": None},
        status=400 if form.is_bound else 200,
    )


def plan_item_edit(request, pk):
    item = get_object_or_404(PlanItem.objects.select_related("plan"), pk=pk)
    if not rules.can_edit_plan_item(request.user, item):
        raise PermissionDenied(
            _("Only project managers and the coordinators of the item's department can change it.")
        )
    form = PlanItemForm(request.POST or None, instance=item, user=request.user)
    conflict, status = None, 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            fields = dict(form.cleaned_data)
            version = fields.pop("version")
            try:
                saved = services.plan_item_update(
                    actor=request.user, item=item, version=version, **fields
                )
            except services.VersionConflict as error:
                form.add_error(None, error.messages[0])
                # Saving again, after reading the current values, replaces them on purpose.
                data = request.POST.copy()
                data["version"] = error.current.version
                form.data = data
                current = selectors.plan_item_detail(item.pk)
                conflict, status = form.stored_values(current), 409
            except ValidationError as error:
                apply_form_errors(form, error)
            else:
                messages.success(request, _("The plan item was saved."))
                return redirect("goals:plan_item_detail", pk=saved.pk)
    return render(
        request,
        "goals/plan_item_form.html",
        {"form": form, "item": item, "conflict": conflict},
        status=status,
    )


def _item_page(request, pk, status_form=None, status=200):
    try:
        item = selectors.plan_item_detail(pk)
    except PlanItem.DoesNotExist:
        raise Http404 from None
    may_set_status = rules.can_set_plan_item_status(request.user, item)
    if status_form is None and may_set_status:
        status_form = PlanItemStatusForm(initial={"status": item.status})
    return render(
        request,
        "goals/plan_item_detail.html",
        {
            "item": item,
            "conflicts": selectors.rhythm_conflicts(item_ids=[item.pk]),
            "may_edit": rules.can_edit_plan_item(request.user, item),
            "may_set_status": may_set_status,
            "status_form": status_form,
            "panels": registry.panels("plan_item_detail", item.pk),
        },
        status=status,
    )


def plan_item_detail(request, pk):
    return _item_page(request, pk)


@require_POST
def plan_item_status(request, pk):
    item = get_object_or_404(PlanItem, pk=pk)
    if not rules.can_set_plan_item_status(request.user, item):
        raise PermissionDenied(
            _("Only the item's owner, its department's coordinators and PMs set its status.")
        )
    form = PlanItemStatusForm(request.POST)
    if form.is_valid():
        services.plan_item_set_status(
            actor=request.user, item=item, status=form.cleaned_data["status"]
        )
        messages.success(request, _("The status was saved."))
        return redirect("goals:plan_item_detail", pk=item.pk)
    return _item_page(request, item.pk, status_form=form, status=400)


def plan_conflicts(request, pk):
    """The plan's live rhythm conflicts, as a panel of the plan page (htmx)."""
    plan = get_object_or_404(Plan, pk=pk)
    return render(
        request, "goals/_conflicts.html", {"conflicts": selectors.rhythm_conflicts(plan=plan)}
    )


def timeline(request):
    plans = Plan.objects.order_by("-start", "title")
    plan_id = request.GET.get("plan")
    if plan_id:
        plan = plans.filter(pk=id_or_none(plan_id)).first()
        if plan is None:
            raise Http404(_("No such plan."))
    else:
        plan = selectors.default_plan()
    department_id = id_or_none(request.GET.get("department"))
    data = selectors.timeline(plan, department_id=department_id) if plan else None
    return render(
        request,
        "goals/timeline.html",
        {
            "timeline": data,
            "plans": plans,
            "plan": plan,
            "departments": Department.objects.order_by("name"),
            "department_id": department_id,
        },
    )
