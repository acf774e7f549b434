"""Progress, expected progress and status of goals at their edges (docs/architecture.md
"Domain")."""

import datetime
from decimal import Decimal

import pytest

from goals import selectors
from goals.models import Goal

from .factories import CheckInFactory, GoalFactory

START, DUE = datetime.date(2026, 1, 1), datetime.date(2026, 4, 11)  # 100 days
MIDWAY = datetime.date(2026, 2, 20)  # 50 days in: expected 0.5


def record(goal, on_date=MIDWAY):
    [result] = selectors.goal_progress_list(department_ids=[goal.department_id], on_date=on_date)
    return result


@pytest.fixture
def goal(db):
    return GoalFactory(baseline=Decimal(0), target=Decimal(100), start=START, due=DUE)


def test_a_goal_without_check_ins_has_no_data(goal):
    result = record(goal)
    assert result.latest_value is None
    assert result.progress is None
    assert result.expected == pytest.approx(0.5)
    assert result.status == "no_data"


@pytest.mark.parametrize(
    ("value", "status"),
    [("50", "on_track"), ("41", "on_track"), ("30", "at_risk"), ("20", "off_track")],
)
def test_status_compares_progress_with_the_expected_share(goal, value, status):
    CheckInFactory(goal=goal, date=MIDWAY, value=Decimal(value))
    result = record(goal)
    assert result.progress == pytest.approx(int(value) / 100)
    assert result.status == status


def test_the_latest_check_in_on_or_before_the_day_counts(goal):
    CheckInFactory(goal=goal, date=datetime.date(2026, 1, 20), value=Decimal(10))
    CheckInFactory(goal=goal, date=datetime.date(2026, 2, 15), value=Decimal(45))
    CheckInFactory(goal=goal, date=datetime.date(2026, 3, 1), value=Decimal(90))
    assert record(goal).latest_value == Decimal(45)
    assert record(goal, on_date=datetime.date(2026, 3, 2)).latest_value == Decimal(90)


def test_a_down_goal_with_its_target_below_baseline_progresses_as_the_value_falls(db):
    goal = GoalFactory(
        direction=Goal.Direction.DOWN,
        baseline=Decimal(40),
        target=Decimal(10),
        start=START,
        due=DUE,
    )
    CheckInFactory(goal=goal, date=MIDWAY, value=Decimal(25))
    result = record(goal)
    assert result.progress == pytest.approx(0.5)
    assert result.status == "on_track"
    CheckInFactory(goal=goal, date=MIDWAY, value=Decimal(45))  # worse than baseline
    result = record(goal)
    assert result.progress < 0
    assert result.status == "off_track"


def test_when_the_due_date_passed_short_of_the_target_the_goal_is_off_track(goal):
    CheckInFactory(goal=goal, date=DUE, value=Decimal(95))
    result = record(goal, on_date=DUE + datetime.timedelta(days=1))
    assert result.expected == 1.0
    assert result.status == "off_track"


def test_a_reached_target_is_on_track_even_after_the_due_date(goal):
    CheckInFactory(goal=goal, date=DUE, value=Decimal(100))
    assert record(goal, on_date=DUE + datetime.timedelta(days=30)).status == "on_track"


def test_expected_progress_is_zero_before_the_start_and_none_without_a_due_date(goal):
    assert record(goal, on_date=START - datetime.timedelta(days=5)).expected == 0.0
    Goal.objects.filter(pk=goal.pk).update(due=None)
    result = record(goal)
    assert result.expected is None
    assert result.status == "no_data"


def test_a_target_equal_to_the_baseline_has_no_progress(db):
    goal = GoalFactory(baseline=Decimal(5), target=Decimal(5), start=START, due=DUE)
    CheckInFactory(goal=goal, date=MIDWAY, value=Decimal(5))
    assert record(goal).progress is None


def test_goals_at_risk_lists_only_at_risk_and_off_track_goals(db):
    on_track, at_risk, off_track, no_data = (
        GoalFactory(baseline=Decimal(0), target=Decimal(100), start=START, due=DUE)
        for _ in range(4)
    )
    CheckInFactory(goal=on_track, date=MIDWAY, value=Decimal(60))
    CheckInFactory(goal=at_risk, date=MIDWAY, value=Decimal(30))
    CheckInFactory(goal=off_track, date=MIDWAY, value=Decimal(5))
    risky = selectors.goals_at_risk(on_date=MIDWAY)
    assert {r.goal.pk: r.status for r in risky} == {
        at_risk.pk: "at_risk",
        off_track.pk: "off_track",
    }


def test_goal_progress_list_runs_one_query(django_assert_num_queries, db):
    for _ in range(20):
        CheckInFactory(goal=GoalFactory(), date=MIDWAY)
    with django_assert_num_queries(1):  # goals joined with relations + latest value subquery
        assert len(selectors.goal_progress_list(on_date=MIDWAY)) == 20
