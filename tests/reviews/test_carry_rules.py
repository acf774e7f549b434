"""The rules of carried work in reviews/rules.py (docs/architecture.md "Periods at the edges"):
who may own it — the predicate and its Q agree on a table of cases — and which months it may
go into."""

import datetime

import pytest
from django.contrib.auth.models import User

from goals import rules as goal_rules
from planbridge.periods import add_months
from reviews import rules
from tests.factories import UserFactory

from .factories import FindingFactory, ReviewFactory


@pytest.mark.parametrize(
    ("name", "department", "with_plan", "allowed"),
    [
        ("dev_member", "dev", True, True),  # a member of the department
        ("dev_member", "dev", False, True),
        ("dev_coordinator", "dev", False, True),
        ("marketing_coordinator", "dev", True, True),  # on the plan's team
        ("marketing_coordinator", "dev", False, False),  # no plan: no team
        ("sales_member", "dev", True, False),  # neither
        ("sales_member", "sales", False, True),
        ("pm", "dev", True, True),  # on the team
        ("pm", "dev", False, False),
        ("inactive", "dev", True, False),  # a member, but no longer active
    ],
)
def test_the_owner_rule_and_its_filter_agree(
    request, running_plan, departments, dev_member, name, department, with_plan, allowed
):
    if name == "inactive":
        user = UserFactory(username="ian.inactive", is_active=False)
        user.memberships.create(department=departments["dev"], role="member")
    else:
        user = request.getfixturevalue(name)
    plan = running_plan if with_plan else None
    department_id = departments[department].pk
    assert (
        goal_rules.plan_item_owner_is_allowed(user, department_id=department_id, plan=plan)
        is allowed
    )
    plan_ids = [plan.pk] if plan else []
    in_filter = (
        User.objects.filter(
            goal_rules.plan_item_owners_q(department_ids=[department_id], plan_ids=plan_ids)
        )
        .filter(pk=user.pk)
        .exists()
    )
    assert in_filter is allowed


@pytest.mark.parametrize(
    ("review_months_ago", "expected_months_ahead"),
    [(1, 0), (3, 0), (0, 1)],  # a late review defaults to this month, never one that is over
)
def test_the_default_carry_month_is_the_first_after_the_review_not_over(
    this_month, review_months_ago, expected_months_ahead
):
    review = ReviewFactory.build(month=add_months(this_month, -review_months_ago))
    finding = FindingFactory.build(review=review)
    expected = add_months(this_month, expected_months_ahead)
    assert rules.default_carry_month(finding) == expected
    assert rules.carry_month_has_not_ended(expected)


def test_a_month_has_ended_once_the_next_has_begun():
    first_of_may = datetime.date(2026, 5, 1)
    assert rules.carry_month_has_not_ended(datetime.date(2026, 5, 1), on_date=first_of_may)
    assert rules.carry_month_has_not_ended(datetime.date(2026, 5, 31), on_date=first_of_may)
    assert not rules.carry_month_has_not_ended(datetime.date(2026, 4, 30), on_date=first_of_may)
