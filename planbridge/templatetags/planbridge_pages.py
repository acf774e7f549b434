"""`{{ row|page_url }}`: the page of a goal, plan item, finding, ask or weekly update, as its
app registered it (planbridge/registry.py), so that core templates name no app's URLs."""

from django import template
from django.db import models

from planbridge import registry

register = template.Library()


@register.filter
def page_url(row: models.Model) -> str:
    return registry.object_url(row)
