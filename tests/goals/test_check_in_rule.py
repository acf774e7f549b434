"""The rule "a goal without a check-in this month" (goals.rules.goal_needs_check_in and its Q, which
My work lists): the predicate and the filter agree on every case (docs/architecture.md "Where
code goes"). Dates are relative to today's month."""

import datetime

import pytest

from goals import rules
from goals.models import Goal
from planbridge.periods import month_start, today

from .factories import CheckInFactory, GoalFactory

DAY = datetime.timedelta(days=1)


def _cases():
    first = month_start(today())
    last_month = first - DAY
    # (name, start, due, check-in dates, needs a check-in)
    return [
        ("running, never checked in", first - 40 * DAY, today() + 30 * DAY, [], True),
        ("checked in last month only", first - 40 * DAY, None, [last_month], True),
        ("checked in on the first", first - 40 * DAY, today() + 30 * DAY, [first], False),
        ("checked in today", first - 40 * DAY, today() + 30 * DAY, [today()], False),
        ("due before this month", first - 90 * DAY, last_month, [], False),
        ("due on the month's first day", first - 40 * DAY, first, [], True),
        ("not started yet", today() + DAY, today() + 30 * DAY, [], False),
        ("starting today", today(), today() + 30 * DAY, [], True),
    ]


@pytest.mark.parametrize("case", _cases(), ids=lambda case: case[0])
def test_the_check_in_rule_and_its_filter_agree(case, departments, dev_member):
    _name, start, due, dates, expected = case
    goal = GoalFactory(owner=dev_member, department=departments["dev"], start=start, due=due)
    for day in dates:
        CheckInFactory(goal=goal, date=day)
    assert rules.goal_needs_check_in(goal, dates) is expected
    listed = Goal.objects.filter(rules.goal_needs_check_in_q(), pk=goal.pk).exists()
    assert listed is expected
