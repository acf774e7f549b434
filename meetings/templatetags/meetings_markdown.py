"""Filters for the Markdown minutes."""

from django import template

register = template.Library()


@register.filter
def md_list_text(value, indent: int = 2) -> str:
    """Text placed after a list bullet: continuation lines are indented so that a multi-line
    update stays inside its list item instead of breaking the list (blank lines dropped)."""
    lines = [line.rstrip() for line in str(value or "").splitlines() if line.strip()]
    return ("\n" + " " * int(indent)).join(lines)
