"""The bridge dashboard, the home page (docs/architecture.md "The bridge rule"): for a plan
scope (all plans, company-wide work without a plan, or one plan: planbridge/plan_scope.py) and
a month range, the carry-over rate per department and month, open and flagged findings, goals
at risk, rhythm conflicts, asks' median time to answer and weekly update submission. Every
number links to the list behind it, filtered the same way; a coordinator's own departments
come first."""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from goals import selectors as goals_selectors
from planbridge import periods, registry, rules
from planbridge.forms import MonthField, PlanScopeField
from planbridge.models import Department
from planbridge.pages import query_without_page
from planbridge.plan_scope import ALL_PLANS, PlanScope
from reviews import selectors as review_selectors

MAX_MONTHS = 24
# The dashboard's figures that come from goals and meetings, each with its list page.
DETAILS = ("goals", "conflicts", "asks", "updates")


class DashboardForm(forms.Form):
    plan = PlanScopeField(label=gettext_lazy("Plan"), required=False)
    month_from = MonthField(label=gettext_lazy("From month"), required=False)
    month_to = MonthField(label=gettext_lazy("To month"), required=False)

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("month_from"), cleaned.get("month_to")
        if first and last:
            if last < first:
                self.add_error("month_to", _("The last month must not be before the first."))
            elif len(periods.months_between(first, last)) > MAX_MONTHS:
                self.add_error(
                    "month_to",
                    _("Choose at most %(count)s months.") % {"count": MAX_MONTHS},
                )
        return cleaned


@dataclass
class DepartmentRow:
    department: Department
    own: bool
    rate: review_selectors.Rate
    month_rates: list = field(default_factory=list)  # (month, Rate | None)
    open: int = 0
    flagged: int = 0
    overdue: int = 0
    goals_at_risk: list = field(default_factory=list)
    conflicts: int = 0
    ask_median_hours: float | None = None
    ask_median_label: str = ""
    asks_answered: int = 0
    weeks_submitted: int = 0
    links: dict = field(default_factory=dict)
    archived: bool = False


def duration_label(span) -> str:
    """Hours below two days, days from then: "5.0 h", "7.3 days"."""
    hours = span.total_seconds() / 3600
    if hours < 48:
        return _("%(hours)s h") % {"hours": f"{hours:.1f}"}
    return _("%(days)s days") % {"days": f"{hours / 24:.1f}"}


def _url(name, **query) -> str:
    query = {key: value for key, value in query.items() if value not in (None, "")}
    return reverse(name) + ("?" + urlencode(query) if query else "")


def _choices(form) -> tuple[PlanScope, datetime.date, datetime.date]:
    """The chosen plan scope and months; a choice missing or not understood falls back to
    its default. The scope: the running plan, else all plans. The months: up to the month
    of the scope's latest closed review (without one, the current month, kept inside the
    plan), from the scope's first month (the plan's first month or its first review,
    whichever is earlier), at most MAX_MONTHS of them."""
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    scope = data.get("plan")
    if scope is None:
        running = goals_selectors.default_plan()
        scope = PlanScope.of(running) if running else ALL_PLANS
    month_from, month_to = data.get("month_from"), data.get("month_to")
    if month_from is None or month_to is None:
        default_from, default_to = _default_months(scope)
        if month_from is None and month_to is None:
            month_from, month_to = default_from, default_to
        elif month_from is None:
            month_from = min(default_from, month_to)
        else:
            month_to = max(default_to, month_from)
    if month_to < month_from:
        month_from, month_to = _default_months(scope)
    # One month given far from the default other end: keep the range the form allows.
    if len(periods.months_between(month_from, month_to)) > MAX_MONTHS:
        if data.get("month_from"):
            month_to = periods.add_months(month_from, MAX_MONTHS - 1)
        else:
            month_from = periods.add_months(month_to, -(MAX_MONTHS - 1))
    return scope, month_from, month_to


def _default_months(scope: PlanScope) -> tuple[datetime.date, datetime.date]:
    known = review_selectors.review_months(scope=scope)
    this_month = periods.month_start(periods.today())
    plan = scope.plan
    firsts = [known.first] if known.first else []
    if plan is not None:
        plan_first = periods.month_start(plan.start)
        firsts.append(plan_first)
        fallback_to = max(plan_first, min(periods.month_start(plan.end), this_month))
    else:
        fallback_to = this_month
    month_to = known.latest_closed or fallback_to
    month_from = min([*firsts, month_to]) if firsts else periods.add_months(month_to, -5)
    if len(periods.months_between(month_from, month_to)) > MAX_MONTHS:
        month_from = periods.add_months(month_to, -(MAX_MONTHS - 1))
    return month_from, month_to


def dashboard(request):
    form = DashboardForm(request.GET or None)
    scope, month_from, month_to = _choices(form)
    months = periods.months_between(month_from, month_to)
    range_end = periods.month_end(month_to)
    user = request.user
    own_ids = rules.member_department_ids(user)

    counts = review_selectors.bridge_counts(scope=scope, month_from=month_from, month_to=month_to)
    at_risk = goals_selectors.goals_at_risk(scope=scope)
    conflicts = goals_selectors.rhythm_conflicts(scope=scope)
    asks = review_selectors.ask_answer_medians(scope=scope, start=month_from, end=range_end)
    weeks, submitted = review_selectors.weekly_update_submission(
        scope=scope, start=month_from, end=range_end
    )
    # An archived department keeps its row while the months shown hold findings of it: its
    # past rates still count (docs/architecture.md "Nothing with history is deleted").
    with_findings = {dep for dep, _month in counts.rates} | set(counts.open)
    departments = sorted(
        (
            department
            for department in Department.objects.all()
            if not rules.department_is_archived(department) or department.pk in with_findings
        ),
        key=lambda d: (d.pk not in own_ids, d.name.lower()),
    )
    plan_id = scope.value
    span = {"month_from": f"{month_from:%Y-%m}", "month_to": f"{month_to:%Y-%m}"}
    rows = []
    for department in departments:
        pk = department.pk
        row = DepartmentRow(
            department=department,
            own=pk in own_ids,
            rate=counts.rate(pk),
            archived=rules.department_is_archived(department),
        )
        row.month_rates = [(month, counts.rates.get((pk, month))) for month in months]
        row.open = counts.open.get(pk, 0)
        row.flagged = counts.flagged.get(pk, 0)
        row.overdue = counts.overdue.get(pk, 0)
        row.goals_at_risk = [g for g in at_risk if g.goal.department_id == pk]
        row.conflicts = sum(1 for c in conflicts if c.item.department_id == pk)
        if pk in asks:
            median, row.asks_answered = asks[pk]
            row.ask_median_hours = round(median.total_seconds() / 3600, 1)
            row.ask_median_label = duration_label(median)
        row.weeks_submitted = submitted.get(pk, 0)
        findings = {"plan": plan_id, "department": pk, **span}
        row.links = {
            state: _url("reviews:finding_list", state=state, **findings)
            for state in ("due", "in_time", "open", "flagged", "overdue")
        }
        for metric in DETAILS:
            row.links[metric] = (
                reverse("dashboard_detail", args=[metric])
                + "?"
                + urlencode({"plan": plan_id, "department": pk, **span})
            )
        rows.append(row)

    total = counts.rate()
    chart = {
        "labels": [f"{month:%Y-%m}" for month in months],
        "datasets": [
            {
                "label": row.department.name,
                "data": [rate.percent if rate else None for _month, rate in row.month_rates],
            }
            for row in rows
        ]
        + [
            {
                "label": _("All departments"),
                "data": [counts.rate(month=month).percent for month in months],
            }
        ],
    }
    all_findings = {"plan": plan_id, **span}
    coordinated = rules.coordinated_department_ids(user)
    # A coordinator's home page says when another department waits for their answer.
    pending = (
        review_selectors.pending_carryovers(department_ids=coordinated).count()
        + review_selectors.pending_proposals(department_ids=coordinated).count()
        if coordinated
        else 0
    )
    return render(
        request,
        "planbridge/dashboard.html",
        {
            "form": form,
            "scope": scope,
            "month_from": month_from,
            "month_to": month_to,
            "months": months,
            "rows": rows,
            "total": total,
            "pending": pending,
            # The proposals are answered on the reviews pages.
            "pending_url": registry.nav_url("reviews"),
            "month_totals": [(month, counts.rate(month=month)) for month in months],
            "weeks": weeks,
            "conflict_count": len(conflicts),
            "at_risk_count": len(at_risk),
            "chart": chart,
            "total_links": {
                state: _url("reviews:finding_list", state=state, **all_findings)
                for state in ("due", "in_time")
            },
            "month_link_base": reverse("reviews:finding_list") + "?" + urlencode({"plan": plan_id}),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


class DetailForm(DashboardForm):
    department = forms.ModelChoiceField(
        label=gettext_lazy("Department"), queryset=Department.objects.all()
    )


DETAIL_TITLES = {
    "goals": gettext_lazy("Goals at risk"),
    "conflicts": gettext_lazy("Rhythm conflicts"),
    "asks": gettext_lazy("Asks answered, with their time to answer"),
    "updates": gettext_lazy("Weekly updates submitted"),
}
ASKS_PER_PAGE = 50


def dashboard_detail(request, metric):
    """The rows behind one of the dashboard's goal, conflict, ask and weekly-update figures
    for a department: the same plan, months and selectors, so the count matches."""
    if metric not in DETAILS:
        raise Http404
    form = DetailForm(request.GET)
    form.is_valid()
    department = form.cleaned_data.get("department")
    if department is None:
        raise Http404
    scope, month_from, month_to = _choices(form)
    range_end = periods.month_end(month_to)
    context = {
        "form": form,
        "metric": metric,
        "title": DETAIL_TITLES[metric],
        "department": department,
        "scope": scope,
        "month_from": month_from,
        "month_to": month_to,
        "back": _url(
            "dashboard",
            plan=scope.value,
            month_from=f"{month_from:%Y-%m}",
            month_to=f"{month_to:%Y-%m}",
        ),
    }
    if metric == "goals":
        context["goals"] = goals_selectors.goals_at_risk(
            scope=scope, department_ids=[department.pk]
        )
    elif metric == "conflicts":
        context["conflicts"] = [
            conflict
            for conflict in goals_selectors.rhythm_conflicts(
                scope=scope, department_ids=[department.pk]
            )
            if conflict.item.department_id == department.pk
        ]
    elif metric == "asks":
        asks = (
            review_selectors.answered_asks(scope=scope, start=month_from, end=range_end)
            .filter(to_department=department)
            .select_related("from_department", "to_department")
            .order_by("-answer_time", "pk")
        )
        page = Paginator(asks, ASKS_PER_PAGE).get_page(request.GET.get("page"))
        for ask in page:
            ask.answer_hours = round(ask.answer_time.total_seconds() / 3600, 1)
        context["page"] = page
        medians = review_selectors.ask_answer_medians(scope=scope, start=month_from, end=range_end)
        if department.pk in medians:
            context["median_hours"] = round(medians[department.pk][0].total_seconds() / 3600, 1)
            context["median_label"] = duration_label(medians[department.pk][0])
        context["query"] = query_without_page(request)
    else:
        context["weeks"] = review_selectors.weekly_update_weeks(
            department_id=department.pk, scope=scope, start=month_from, end=range_end
        )
        context["submitted"] = sum(1 for _week, updates in context["weeks"] if updates)
    return render(
        request,
        "planbridge/dashboard_detail.html",
        context,
        status=400 if form.errors else 200,
    )
