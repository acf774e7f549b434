"""`{{ user|person }}`: a person as every page and e-mail names them (planbridge/people.py)."""

from django import template

from planbridge.people import person_name

register = template.Library()


@register.filter
def person(user) -> str:
    return person_name(user)
