"""The other apps' pages that review pages link to. Reviews templates name only reviews'
own URLs (docs/architecture.md "Where code goes"); a link into another app is built here,
by a view into its context or by the `reviews_links` template filters."""

from django.urls import reverse


def plan_url(plan_id: int) -> str:
    return reverse("plan_detail", args=[plan_id])


def plan_item_url(plan_item_id: int) -> str:
    return reverse("goals:plan_item_detail", args=[plan_item_id])


def trace_url(kind: str, pk: int) -> str:
    """The trace page around an objective, goal, item or finding."""
    return reverse("trace", args=[kind, pk])
