"""The goal list filters failed SMART letters in the database (goals.smart_queries); these
tests keep that filter in step with goals.smart, goal by goal, on the edge cases."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from goals.models import Goal
from goals.smart import LETTERS, failed_letters, goal_smart_check
from goals.smart_queries import failing_goal_ids
from tests.factories import PlanFactory

from .factories import GoalFactory, ObjectiveFactory
from .test_smart import SPECIFIC_CASES


def _variants(plan, objective, other_plan, q2_objective):
    """Goal field overrides covering each letter's edges."""
    cases = [{"title": title, "description": text} for title, text, _passes in SPECIFIC_CASES]
    cases += [
        {"title": "   "},
        {"title": "Furthermore, ship 3 features"},  # "more" inside a word is not vague
        {"title": "Baltimore office opening"},
        {"title": "More customers", "description": "reach 40 new ones"},
        {"metric": ""},
        {"metric": "   "},
        {"unit": ""},
        {"target": None},
        {"baseline": None},
        {"baseline": Decimal(0), "target": Decimal(0)},
        {"baseline": Decimal(100), "target": Decimal(1000)},  # exactly 10x: achievable
        {"baseline": Decimal(100), "target": Decimal("1000.01")},
        {"baseline": Decimal(-50), "target": Decimal(5000)},
        {"direction": "down", "baseline": Decimal(40), "target": Decimal(10)},
        {"direction": "down", "baseline": Decimal(40), "target": Decimal(40)},
        {"direction": "down", "baseline": Decimal(0), "target": Decimal(-1)},
        {"direction": "down", "baseline": Decimal(-5), "target": Decimal(-10)},
        {"objective": None},
        {"objective": None, "plan": None},
        {"due": None},
        {"due": datetime.date(2026, 3, 31)},  # last day of the quarter
        {"due": datetime.date(2026, 4, 1)},  # outside the quarter, inside the plan
        {"due": datetime.date(2026, 4, 1), "plan": None},
        {"due": datetime.date(2026, 7, 1)},  # outside both
        {"due": datetime.date(2026, 5, 15), "objective": q2_objective, "plan": None},
        {"due": datetime.date(2026, 9, 1), "objective": None, "plan": None},
        {"due": datetime.date(2026, 9, 1), "objective": None, "plan": other_plan},
        {"due": datetime.date(2026, 12, 31), "objective": None, "plan": other_plan},
        {"start": datetime.date(2026, 1, 1), "due": datetime.date(2026, 1, 1)},
    ]
    return cases


@pytest.fixture
def edge_goals(plan, pm, departments):
    objective = ObjectiveFactory(owner=pm, quarter=datetime.date(2026, 1, 1))
    q2_objective = ObjectiveFactory(owner=pm, quarter=datetime.date(2026, 4, 1))
    other_plan = PlanFactory(start=datetime.date(2026, 7, 1), end=datetime.date(2026, 12, 31))
    return [
        GoalFactory(
            **{"department": departments["dev"], "objective": objective, "plan": plan, **overrides}
        )
        for overrides in _variants(plan, objective, other_plan, q2_objective)
    ]


def _python_failing(goals, letter):
    reloaded = Goal.objects.select_related("plan", "objective").filter(
        pk__in=[goal.pk for goal in goals]
    )
    failing = set()
    for goal in reloaded:
        failed = failed_letters(goal_smart_check(goal))
        if (letter == "any" and failed) or letter in failed:
            failing.add(goal.pk)
    return failing


@pytest.mark.parametrize("letter", [*LETTERS, "any"])
def test_the_database_filter_agrees_with_the_smart_check_goal_by_goal(edge_goals, letter):
    expected = _python_failing(edge_goals, letter)
    assert set(failing_goal_ids(Goal.objects.all(), letter)) == expected
    # the table reaches both outcomes for every letter
    assert expected and expected != {goal.pk for goal in edge_goals}


def test_failing_ids_keep_the_querysets_order(edge_goals):
    goals = Goal.objects.order_by("-pk")
    ids = failing_goal_ids(goals, "any")
    assert ids == sorted(ids, reverse=True)


def test_an_unknown_letter_is_a_programming_error(db):
    with pytest.raises(ValueError):
        failing_goal_ids(Goal.objects.all(), "X")


def test_the_goal_list_pages_through_goals_failing_a_letter(client_for, sales_member, edge_goals):
    failing = _python_failing(edge_goals, "A")
    client = client_for(sales_member)
    seen = []
    for number in (1, 2, 3):
        page = client.get(reverse("goals:goal_list"), {"failed": "A", "page": number})
        seen += [row.goal.pk for row in page.context["page"].object_list]
    assert set(seen) == failing
