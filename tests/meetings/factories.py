"""Factories of weekly coordination models; the goals rows its agenda shows (goals, check-ins,
plan items) come from tests/goals/factories.py. Dates are relative to "today"."""

import datetime

import factory

from meetings.models import ActionItem, Ask, Meeting, WeeklyUpdate
from planbridge.periods import today, week_start

from ..factories import DepartmentFactory, UserFactory


def this_week() -> datetime.date:
    return week_start(today())


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
