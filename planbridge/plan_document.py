"""The plan document (laid out like a quarterly work plan): background, goals
per department, communication mechanism, team, monthly action plan per department and
review cadence, as a printable page and as Markdown; and a plan's items as CSV."""

import csv

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.text import slugify

from goals import selectors as goal_selectors

from . import registry, selectors
from .people import person_name


def _document_context(request, plan, *, format: str) -> dict:
    departments = goal_selectors.plan_document(plan)
    return {
        "plan": plan,
        "team_by_department": selectors.plan_team_by_department(plan),
        # Sections 2 and 5 list only the departments with goals / with items.
        "goal_groups": [group for group in departments if group.goals],
        "action_groups": [group for group in departments if group.actions],
        # "Summary and feedback" ends with what other apps add (the reviews of the plan).
        "summary_sections": registry.render_sections(
            "plan_document_summary", plan, format=format, request=request
        ),
    }


def _filename(plan, extension: str) -> str:
    return f"{slugify(plan.title) or 'plan'}-{plan.pk}.{extension}"


def plan_document(request, pk):
    plan = get_object_or_404(selectors.plan_list(), pk=pk)
    return render(
        request, "planbridge/plan_document.html", _document_context(request, plan, format="html")
    )


def plan_document_markdown(request, pk):
    plan = get_object_or_404(selectors.plan_list(), pk=pk)
    context = _document_context(request, plan, format="md")
    text = render_to_string("planbridge/plan_document.md", context, request)
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(plan, "md")}"'
    return response


CSV_COLUMNS = (
    "id",
    "department",
    "month",
    "title",
    "description",
    "owner",
    "start",
    "due",
    "status",
    "goal",
    "depends_on",
)


def _csv_cell(value) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def plan_items_csv(request, pk):
    plan = get_object_or_404(selectors.plan_list(), pk=pk)
    items = goal_selectors.plan_item_list(plan_id=plan.pk).prefetch_related("depends_on")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(plan, "csv")}"'
    response.write("\ufeff")  # so spreadsheet programs read UTF-8 (Chinese titles)
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for item in items.order_by("month", "department__name", "start", "title"):
        owner = person_name(item.owner) if item.owner else ""
        writer.writerow(
            [
                _csv_cell(value)
                for value in (
                    item.pk,
                    item.department.name,
                    item.month.strftime("%Y-%m"),
                    item.title,
                    item.description,
                    owner,
                    item.start.isoformat(),
                    item.due.isoformat(),
                    item.status,
                    item.goal.title if item.goal else "",
                    " ".join(str(dependency.pk) for dependency in item.depends_on.all()),
                )
            ]
        )
    return response
