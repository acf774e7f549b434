"""Factories for reviews (and the plan items, updates and asks their evidence reads)."""

import datetime

import factory
from django.utils import timezone

from goals.models import PlanItem
from reviews.models import Carryover, Finding, Review
from tests.factories import DepartmentFactory, UserFactory


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    month = datetime.date(2026, 3, 1)
    facilitator = factory.SubFactory(UserFactory)
    status = Review.Status.OPEN
    opened_at = factory.LazyFunction(timezone.now)

    class Params:
        closed = factory.Trait(
            status=Review.Status.CLOSED,
            closed_at=factory.LazyFunction(timezone.now),
        )


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    review = factory.SubFactory(ReviewFactory)
    kind = Finding.Kind.PROBLEM
    title = factory.Sequence(lambda n: f"Finding {n}")
    department = factory.SubFactory(DepartmentFactory)
    severity = Finding.Severity.MEDIUM
    created_by = factory.SelfAttribute("review.facilitator")


class PlanItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanItem
        skip_postgeneration_save = True

    department = factory.SubFactory(DepartmentFactory)
    month = datetime.date(2026, 4, 1)
    title = factory.Sequence(lambda n: f"Plan item {n}")
    start = factory.SelfAttribute("month")
    due = factory.LazyAttribute(lambda item: item.month + datetime.timedelta(days=27))
    status = PlanItem.Status.PLANNED


class CarryoverFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Carryover

    finding = factory.SubFactory(FindingFactory)
    plan_item = factory.SubFactory(
        PlanItemFactory, department=factory.SelfAttribute("..finding.department")
    )
    created_by = factory.SelfAttribute("finding.created_by")
    accepted_by = factory.SelfAttribute("created_by")
    accepted_at = factory.LazyFunction(timezone.now)
