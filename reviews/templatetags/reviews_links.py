"""Links from reviews' partials into other apps, for rows a view does not visit one by one
(the carryovers of each finding's disposition)."""

from django import template

from reviews import links

register = template.Library()


@register.filter
def plan_item_url(plan_item_id: int) -> str:
    return links.plan_item_url(plan_item_id)
