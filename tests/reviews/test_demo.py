"""The month-5 review of the seed story, and that seeding twice changes nothing."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from reviews.models import Carryover, Finding, Review
from reviews.selectors import bridge_counts, finding_disposition, finding_queryset


@pytest.mark.django_db
def test_the_demo_has_the_month_five_review_with_every_kind_of_disposition():
    call_command("seed_demo", "--lang", "en", stdout=io.StringIO())
    call_command("seed_demo", "--lang", "en", stdout=io.StringIO())
    closed = Review.objects.get(status=Review.Status.CLOSED)
    assert Review.objects.filter(status=Review.Status.DRAFT).count() == 1
    states = {
        f.title: finding_disposition(f).state for f in finding_queryset().filter(review=closed)
    }
    assert states == {
        "Core functions slipped by a month": "carried",
        "Dependencies surfaced only at the monthly review": "carried",
        "Market research finished on time": "dismissed",
        "Sales material not ready for the launch": "open",
    }
    delay = Finding.objects.get(title="Core functions slipped by a month")
    departments = set(delay.carryovers.values_list("plan_item__department__slug", flat=True))
    assert departments == {"development", "marketing"}
    assert all(c.plan_item.month > closed.month for c in Carryover.objects.all())
    left_open = finding_disposition(
        finding_queryset().get(title="Sales material not ready for the launch"),
        now=timezone.now(),
    )
    assert left_open.overdue
    rate = bridge_counts().rate()
    assert (rate.in_time, rate.due) == (3, 4)
    # The delay was recorded from the month's late item, so its trace reaches the goal.
    from reviews.selectors import trace

    chain = trace("finding", delay.pk)
    assert [item.title for item in chain.items] == ["Develop the core functions"]
    assert chain.goals and chain.objectives
    assert {c.plan_item.department.slug for c in chain.next_items} == {"development", "marketing"}


@pytest.mark.django_db
def test_the_demo_in_chinese_uses_chinese_titles():
    call_command("seed_demo", "--lang", "zh-hans", stdout=io.StringIO())
    assert Finding.objects.filter(title="核心功能开发延期一个月").exists()
