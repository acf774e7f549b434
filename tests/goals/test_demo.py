"""seed_demo makes the seed's objectives, SMART goals with check-ins and the six-month action
plan with the dependencies that show rhythm conflicts; running it twice changes nothing."""

import io

import pytest
from django.core.management import call_command

from goals import selectors
from goals.demo import ACTIONS
from goals.models import CheckIn, Goal, Objective, PlanItem
from goals.smart import failed_letters, goal_smart_check


def demo_items():
    """The action plan of goals.demo (other apps' demos may add items of their own)."""
    return PlanItem.objects.filter(title__in=[titles[0] for _d, _k, titles, *_rest in ACTIONS])


def seed(lang="en"):
    call_command("seed_demo", "--lang", lang, stdout=io.StringIO())


def test_the_demo_has_the_seeds_goals_action_plan_and_a_visible_conflict(db):
    seed()
    smart = Goal.objects.exclude(title="Strengthen team collaboration")
    assert Objective.objects.count() == 3
    assert smart.count() == 3
    assert all(failed_letters(goal_smart_check(goal)) == "" for goal in smart)
    assert all(goal.checkins.exists() for goal in smart)
    assert failed_letters(goal_smart_check(Goal.objects.get(title__startswith="Strengthen")))
    assert demo_items().count() == 8
    plan = demo_items().first().plan
    assert all(plan.start <= item.month <= plan.end for item in demo_items())
    pairs = {
        (c.item.title, c.dependency.title, c.reason) for c in selectors.rhythm_conflicts(plan=plan)
    }
    assert (
        "Start the warm-up campaign and collect leads",
        "Develop the core functions",
        "depends_on_overdue",
    ) in pairs
    assert (
        "Launch: start selling and reach the sales target",
        "Internal testing and adjustment",
        "starts_before_due",
    ) in pairs


def test_seeding_twice_changes_nothing(db):
    seed()
    counts = [Objective.objects.count(), Goal.objects.count(), CheckIn.objects.count()]
    items = PlanItem.objects.count()
    edges = PlanItem.depends_on.through.objects.count()
    seed()
    assert [Objective.objects.count(), Goal.objects.count(), CheckIn.objects.count()] == counts
    assert PlanItem.objects.count() == items
    assert PlanItem.depends_on.through.objects.count() == edges


@pytest.mark.parametrize("lang", ["zh-hans"])
def test_the_chinese_demo_uses_the_seeds_own_words(db, lang):
    seed(lang)
    assert Goal.objects.filter(title="在六个月内完成产品的核心功能开发，并通过内部测试").exists()
    assert PlanItem.objects.filter(title="开始预热宣传，获取潜在客户联系方式").exists()
    assert selectors.rhythm_conflicts()
