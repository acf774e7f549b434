from django import template

from planbridge import periods

register = template.Library()


@register.filter
def quarter_label(day) -> str:
    return periods.quarter_label(day) if day else ""


@register.inclusion_tag("goals/_plan_rhythm.html")
def plan_rhythm_conflicts(plan):
    """Links to the plan's timeline, items and document, and a panel that loads the plan's
    live rhythm conflicts (htmx), so the plan page itself runs no goals query."""
    return {"plan": plan}
