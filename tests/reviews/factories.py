"""Factories of reviews models, and the rows of every evidence source (make_evidence); plan
items come from tests/goals/factories.py."""

import datetime

import factory
from django.utils import timezone

from planbridge.periods import add_months
from reviews.models import Carryover, Finding, Review
from tests.factories import DepartmentFactory, UserFactory
from tests.goals.factories import PlanItemFactory


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


class CarryoverFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Carryover

    finding = factory.SubFactory(FindingFactory)
    # Carried into the month after the review's (the finding page's default; an earlier
    # month is refused by the service).
    plan_item = factory.SubFactory(
        PlanItemFactory,
        department=factory.SelfAttribute("..finding.department"),
        month=factory.LazyAttribute(
            lambda item: add_months(item.factory_parent.finding.review.month, 1)
        ),
    )
    created_by = factory.SelfAttribute("finding.created_by")
    accepted_by = factory.SelfAttribute("created_by")
    accepted_at = factory.LazyFunction(timezone.now)


def make_evidence(*, plan, departments, author, month, count=1):
    """`count` rows of every evidence source in `month` (a date, first of month): goals
    behind, items due and open, updates with problems, declined and overdue asks, overdue
    action items and rhythm conflicts. Returns a dict kind -> list of created rows."""
    from decimal import Decimal

    from goals.models import CheckIn, Goal
    from meetings.models import ActionItem, Ask, Meeting, WeeklyUpdate
    from planbridge import periods

    dev, marketing = departments["dev"], departments["marketing"]
    made = {key: [] for key in ("goal", "plan_item", "weekly_update", "ask", "action_item")}
    made["conflict"] = []
    for n in range(count):
        goal = Goal.objects.create(
            title=f"Beta sign-ups {n}",
            metric="sign-ups",
            unit="people",
            baseline=Decimal(0),
            target=Decimal(100),
            start=month - datetime.timedelta(days=60),
            due=month + datetime.timedelta(days=40),
            owner=author,
            department=dev,
            plan=plan,
        )
        CheckIn.objects.create(goal=goal, date=month, value=Decimal(1), confidence=3, author=author)
        made["goal"].append(goal)
        late = PlanItemFactory(
            plan=plan,
            department=dev,
            month=month,
            title=f"Finish the beta {n}",
            start=month,
            due=month + datetime.timedelta(days=20),
            status="blocked",
        )
        made["plan_item"].append(late)
        warmup = PlanItemFactory(
            plan=plan,
            department=marketing,
            month=month,
            title=f"Warm-up campaign {n}",
            start=month + datetime.timedelta(days=2),
            due=month + datetime.timedelta(days=40),
            status="planned",
        )
        warmup.depends_on.add(late)
        made["conflict"].append(warmup)
        team = dev if n == 0 else DepartmentFactory(name=f"Team {n}", slug=f"team-{n}")
        made["weekly_update"].append(
            WeeklyUpdate.objects.create(
                department=team,
                week=periods.week_start(month + datetime.timedelta(days=7)),
                plan=plan,
                problems=f"Testing environment down {n}",
                author=author,
            )
        )
        made["ask"].append(
            Ask.objects.create(
                from_department=marketing,
                to_department=dev,
                plan=plan,
                what=f"Release date {n}",
                needed_by=month + datetime.timedelta(days=5),
                state="declined",
                reply="Not known yet",
                created_by=author,
            )
        )
        # One coordination meeting per plan and week (a database constraint): the month's.
        meeting, _created = Meeting.objects.get_or_create(
            plan=plan, week=month, defaults={"date": month, "facilitator": author}
        )
        made["action_item"].append(
            ActionItem.objects.create(
                meeting=meeting,
                title=f"Send the spec {n}",
                owner=author,
                department=dev,
                due=month + datetime.timedelta(days=3),
            )
        )
    return made
