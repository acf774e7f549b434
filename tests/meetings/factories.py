"""Factories for weekly coordination and the goals rows its agenda shows."""

import datetime

import factory

from goals.models import CheckIn, Goal, PlanItem
from meetings.models import ActionItem, Ask, Meeting, WeeklyUpdate
from planbridge.periods import month_start, today, week_start

from ..factories import DepartmentFactory, UserFactory


def this_week() -> datetime.date:
    return week_start(today())


class PlanItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanItem

    department = factory.SubFactory(DepartmentFactory)
    month = factory.LazyFunction(lambda: month_start(today()))
    title = factory.Sequence(lambda n: f"Plan item {n}")
    start = factory.LazyAttribute(lambda item: item.month)
    due = factory.LazyFunction(lambda: today() + datetime.timedelta(days=7))


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    title = factory.Sequence(lambda n: f"Reach 100 signups {n}")
    metric = "signups"
    unit = "users"
    baseline = 0
    target = 100
    start = factory.LazyFunction(lambda: today() - datetime.timedelta(days=60))
    due = factory.LazyFunction(lambda: today() + datetime.timedelta(days=30))
    owner = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)


class CheckInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckIn

    goal = factory.SubFactory(GoalFactory)
    date = factory.LazyFunction(today)
    value = 10
    confidence = 5
    author = factory.SelfAttribute("goal.owner")


class WeeklyUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WeeklyUpdate

    department = factory.SubFactory(DepartmentFactory)
    week = factory.LazyFunction(this_week)
    progress = factory.Sequence(lambda n: f"Progress {n}")
    next_week = "Next steps"
    problems = ""
    author = factory.SubFactory(UserFactory)


class AskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ask

    from_department = factory.SubFactory(DepartmentFactory)
    to_department = factory.SubFactory(DepartmentFactory)
    what = factory.Sequence(lambda n: f"Need thing {n}")
    why = "Because"
    needed_by = factory.LazyFunction(lambda: today() + datetime.timedelta(days=7))
    created_by = factory.SubFactory(UserFactory)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    date = factory.LazyFunction(today)
    week = factory.LazyAttribute(lambda meeting: week_start(meeting.date))
    facilitator = factory.SubFactory(UserFactory)


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    meeting = factory.SubFactory(MeetingFactory)
    title = factory.Sequence(lambda n: f"Action {n}")
    owner = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)
    due = factory.LazyAttribute(lambda item: item.meeting.date + datetime.timedelta(days=7))
