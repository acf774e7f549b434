"""Links from weekly coordination's pages to goals' pages. Meetings templates name no other
app's URL (docs/architecture.md "Apps and the one-way rule"): their views pass these in."""

from django.urls import reverse

from goals.models import Goal, PlanItem


def goal_url(goal: Goal) -> str:
    return reverse("goals:goal_detail", args=[goal.pk])


def plan_item_url(item: PlanItem) -> str:
    return reverse("goals:plan_item_detail", args=[item.pk])
