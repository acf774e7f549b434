"""The SMART check is deterministic and bilingual: table-driven cases per letter, run in
English and in Simplified Chinese (docs/architecture.md "Domain")."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from goals.smart import failed_letters, goal_smart_check, has_number, smart_check, vague_words

PLAN = (datetime.date(2026, 1, 1), datetime.date(2026, 6, 30))
QUARTER = datetime.date(2026, 1, 1)

CONCRETE = {
    "title": "Collect 10,000 leads",
    "description": "",
    "metric": "Leads",
    "unit": "leads",
    "baseline": Decimal(0),
    "target": Decimal(10000),
    "direction": "up",
    "due": datetime.date(2026, 3, 31),
    "has_objective": True,
    "objective_quarter": QUARTER,
    "plan_window": PLAN,
}


def check(**overrides):
    return {item.letter: item for item in smart_check(**{**CONCRETE, **overrides})}


# (title, description, S passes?)
SPECIFIC_CASES = [
    ("Improve sales", "", False),
    ("Improve sales by 20%", "", True),
    ("Better onboarding", "", False),
    ("Better onboarding: cut setup to 2 days", "", True),
    ("Enhance and optimise the website", "", False),
    ("Strengthen team collaboration", "", False),
    ("Strengthen team collaboration", "Hold 2 joint workshops a month", True),
    ("Launch the product in Shanghai", "", True),
    ("提升销售", "", False),
    ("提升销售额至500万元", "", True),
    ("加强团队协作", "", False),
    ("加强团队协作", "每月组织两次团队建设活动", True),
    ("优化官网体验", "", False),
    ("在六个月内完成产品的核心功能开发", "", True),
    ("在一个月内获得10000个潜在客户的联系方式", "", True),
    ("提高一致性", "", False),
]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(("title", "description", "passes"), SPECIFIC_CASES)
def test_vague_only_wording_fails_s_and_a_number_makes_it_pass(
    language, title, description, passes
):
    with translation.override(language):
        letter = check(title=title, description=description)["S"]
    assert letter.passed is passes
    assert letter.reason


# (overrides, letter, passes)
LETTER_CASES = [
    ({}, "M", True),
    ({"metric": ""}, "M", False),
    ({"unit": ""}, "M", False),
    ({"target": None}, "M", False),
    ({}, "A", True),
    ({"baseline": None}, "A", False),
    ({"target": Decimal(0)}, "A", False),  # up, target not above baseline
    ({"baseline": Decimal(100), "target": Decimal(5000)}, "A", False),  # 50x the baseline
    ({"baseline": Decimal(100), "target": Decimal(900)}, "A", True),
    ({"direction": "down", "baseline": Decimal(40), "target": Decimal(10)}, "A", True),
    ({"direction": "down", "baseline": Decimal(40), "target": Decimal(60)}, "A", False),
    ({"direction": "down", "baseline": Decimal(40), "target": Decimal(-5)}, "A", False),
    ({}, "R", True),
    ({"has_objective": False, "objective_quarter": None}, "R", False),
    ({}, "T", True),
    ({"due": None}, "T", False),
    ({"due": datetime.date(2026, 6, 30)}, "T", True),  # inside the plan, outside the quarter
    ({"due": datetime.date(2026, 9, 1)}, "T", False),  # outside both
    ({"due": datetime.date(2026, 9, 1), "plan_window": None, "objective_quarter": None}, "T", True),
]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(("overrides", "letter", "passes"), LETTER_CASES)
def test_each_letter_passes_or_fails_by_the_rule(language, overrides, letter, passes):
    with translation.override(language):
        result = check(**overrides)[letter]
    assert result.passed is passes


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Vague wording (“Improve”) without a number"),
        ("zh-hans", "含糊的措辞（“Improve”）且没有数字"),
    ],
)
def test_the_reason_follows_the_active_language(language, expected):
    with translation.override(language):
        letters = smart_check(title="Improve sales")
    assert expected in letters[0].reason


@pytest.mark.parametrize(
    ("language", "letter", "expected"),
    [
        ("en", "M", "Missing: metric, unit, numeric target."),
        ("zh-hans", "M", "缺少：指标、单位、数值目标。"),
        ("en", "R", "Not aligned to a company objective."),
        ("zh-hans", "R", "没有对齐任何公司目标。"),
        ("en", "T", "No due date."),
        ("zh-hans", "T", "没有截止日期。"),
    ],
)
def test_failed_letters_explain_themselves_in_both_languages(language, letter, expected):
    with translation.override(language):
        result = {item.letter: item for item in smart_check(title="提升销售")}[letter]
    assert result.passed is False
    assert result.reason == expected


def test_the_check_is_deterministic():
    assert smart_check(**CONCRETE) == smart_check(**CONCRETE)


def test_a_fully_concrete_goal_passes_all_five_letters():
    assert failed_letters(smart_check(**CONCRETE)) == ""


def test_vague_words_are_whole_words_and_reported_once():
    assert vague_words("Improve, improve and improvement") == ["Improve", "improvement"]
    assert vague_words("More than a Moreau") == ["More"]
    assert vague_words("Betterment") == []
    assert vague_words("优化并加强") == ["加强", "优化"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20%", True),
        ("１０个", True),
        ("六个月", True),
        ("五百万元", True),
        ("一致", False),
        ("soon", False),
    ],
)
def test_numbers_are_digits_or_chinese_numerals_with_a_unit(text, expected):
    assert has_number(text) is expected


def test_a_goal_object_is_checked_against_its_plan_and_objective(dev_goal, plan):
    assert failed_letters(goal_smart_check(dev_goal)) == ""
    dev_goal.due = plan.end + datetime.timedelta(days=1)
    dev_goal.objective = None
    assert failed_letters(goal_smart_check(dev_goal)) == "RT"
