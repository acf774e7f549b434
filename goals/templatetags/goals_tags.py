from django import template

from planbridge import periods

from .. import selectors

register = template.Library()


@register.filter
def quarter_label(day) -> str:
    return periods.quarter_label(day) if day else ""


@register.inclusion_tag("goals/_plan_rhythm.html", takes_context=True)
def plan_rhythm_conflicts(context, plan):
    """The plan's live rhythm conflicts with links to its timeline, items and document."""
    return {"plan": plan, "conflicts": selectors.rhythm_conflicts(plan=plan)}
