"""The bridge dashboard (home page) and the trace page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.models import Review
from tests.goals.factories import PlanItemFactory

from .factories import CarryoverFactory, FindingFactory, ReviewFactory


def _closed_review(pm, plan, month, days_ago=20):
    return ReviewFactory(
        month=month,
        plan=plan,
        facilitator=pm,
        status=Review.Status.CLOSED,
        closed_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


def _findings(review, department, count, carried):
    for n in range(count):
        finding = FindingFactory(review=review, department=department, title=f"F{n}")
        if n < carried:
            CarryoverFactory(finding=finding, accepted_at=review.closed_at)


def test_anonymous_visitors_are_sent_to_login(anon):
    assert anon.get(reverse("dashboard"))["Location"].startswith("/login/")


def test_the_dashboard_shows_the_carry_over_rate_with_links(client_for, pm, plan, departments):
    review = _closed_review(pm, plan, datetime.date(2026, 3, 1))
    _findings(review, departments["dev"], 4, carried=3)
    response = client_for(pm).get(
        reverse("dashboard"), {"plan": plan.pk, "month_from": "2026-01", "month_to": "2026-06"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="rate-total">75%' in html
    assert "state=in_time" in html and f"department={departments['dev'].pk}" in html
    chart = response.context["chart"]
    assert chart["labels"][2] == "2026-03"
    dev_set = next(s for s in chart["datasets"] if s["label"] == "Product Development")
    assert dev_set["data"][2] == 75


def test_a_coordinator_sees_their_department_first(client_for, sales_coordinator, plan):
    rows = client_for(sales_coordinator).get(reverse("dashboard")).context["rows"]
    assert rows[0].department.slug == "sales" and rows[0].own


def test_members_read_the_dashboard(client_for, dev_member, plan, departments):
    response = client_for(dev_member).get(reverse("dashboard"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert {row.department for row in rows} == set(departments.values())
    assert rows[0].department == departments["dev"] and rows[0].own
    assert not any(row.own for row in rows[1:])


@pytest.mark.parametrize(
    "query",
    [
        {"month_from": "2026-13"},
        {"month_from": "2026-06", "month_to": "2026-01"},
        {"plan": "nope"},
        {"month_from": "2020-01", "month_to": "2026-01"},
    ],
)
def test_bad_choices_are_reported_and_defaults_shown(client_for, pm, plan, query):
    response = client_for(pm).get(reverse("dashboard"), query)
    assert response.status_code == 400
    assert b"not understood" in response.content


@pytest.mark.parametrize("size", [5, 120])
def test_the_dashboard_takes_a_fixed_number_of_queries(
    client_for, pm, plan, departments, size, django_assert_max_num_queries
):
    for month in (datetime.date(2026, 2, 1), datetime.date(2026, 3, 1)):
        review = _closed_review(pm, plan, month)
        for department in departments.values():
            _findings(review, department, size // 5 + 1, carried=size // 10)
    for _n in range(size // 5):
        PlanItemFactory(plan=plan, department=departments["sales"], month=datetime.date(2026, 3, 1))
    client = client_for(pm)
    # session, user, profile (language), chosen plan, memberships, bridge counts, goals at
    # risk, rhythm conflicts, asks answered, weekly updates, departments, pm group (nav),
    # asks-to-us badge, plan choices (count + rows).
    with django_assert_max_num_queries(16):
        response = client.get(
            reverse("dashboard"),
            {"plan": plan.pk, "month_from": "2026-01", "month_to": "2026-06"},
        )
    assert response.status_code == 200


@pytest.mark.parametrize("size", [5, 120])
def test_the_findings_list_takes_a_fixed_number_of_queries(
    client_for, pm, plan, departments, size, django_assert_max_num_queries
):
    _findings(_closed_review(pm, plan, datetime.date(2026, 3, 1)), departments["dev"], size, 1)
    client = client_for(pm)
    # session + user, the filter form's plan / department lookups, count, page of findings;
    # the navigation's unread-notifications count.
    with django_assert_max_num_queries(9):
        response = client.get(
            reverse("reviews:finding_list"), {"state": "due", "department": departments["dev"].pk}
        )
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(size, 50)


def test_the_trace_follows_goal_item_finding_and_next_item_both_ways(
    client_for, sales_member, pm, plan, departments
):
    from goals.models import Goal, Objective

    objective = Objective.objects.create(
        title="Win the market", quarter=datetime.date(2026, 1, 1), owner=pm
    )
    goal = Goal.objects.create(
        title="Ship the beta",
        start=datetime.date(2026, 1, 1),
        owner=pm,
        department=departments["dev"],
        objective=objective,
    )
    item = PlanItemFactory(
        plan=plan, department=departments["dev"], month=datetime.date(2026, 3, 1), goal=goal
    )
    review = _closed_review(pm, plan, datetime.date(2026, 3, 1))
    finding = FindingFactory(
        review=review,
        department=departments["dev"],
        title="Beta slipped",
        evidence_kind="plan_item",
        evidence_object_id=item.pk,
    )
    next_item = CarryoverFactory(finding=finding, plan_item__title="Stabilise the beta").plan_item
    client = client_for(sales_member)

    forward = client.get(reverse("trace", args=["objective", objective.pk])).context["trace"]
    assert forward.goals == [goal] and forward.items == [item]
    assert forward.findings == [finding]
    assert [c.plan_item for c in forward.next_items] == [next_item]

    backward = client.get(reverse("trace", args=["item", next_item.pk])).context["trace"]
    assert [c.finding for c in backward.came_from] == [finding]

    middle = client.get(reverse("trace", args=["finding", finding.pk])).context["trace"]
    assert middle.items == [item] and middle.goals == [goal] and middle.objectives == [objective]
