"""The dashboard's plan choice (planbridge/plan_scope.py): "All plans", each plan and
"Company-wide (no plan)". A company-wide review's findings count under company-wide and
under all plans, never under a plan; every number links to the findings or detail list of
the same choice, which shows as many rows; the month range defaults to the months up to the
scope's latest closed review; a choice that cannot be read is reported, never a 500."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from planbridge import periods
from reviews.models import Review
from tests.factories import PlanFactory

from .factories import CarryoverFactory, FindingFactory, ReviewFactory
from .test_bridge_lists import _links, _rows_behind


def _months_ago(count):
    return periods.add_months(periods.month_start(periods.today()), -count)


@pytest.fixture
def running_plan(pm, dev_coordinator, marketing_coordinator, sales_coordinator):
    """A plan running today: from four months ago to two months ahead."""
    plan = PlanFactory(
        title="New product R&D and launch",
        owner=pm,
        start=_months_ago(4),
        end=periods.month_end(periods.add_months(periods.today(), 2)),
    )
    plan.team.set([pm, dev_coordinator, marketing_coordinator, sales_coordinator])
    return plan


def _closed_review(pm, plan, month, days_ago=20):
    return ReviewFactory(
        month=month,
        plan=plan,
        facilitator=pm,
        status=Review.Status.CLOSED,
        closed_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


def _findings(review, department, count, carried):
    """`count` findings of the department, the first `carried` carried in time; the rest
    are past the deadline (the review closed 20 days ago)."""
    for n in range(count):
        finding = FindingFactory(review=review, department=department, title=f"F{n}")
        if n < carried:
            CarryoverFactory(finding=finding, accepted_at=review.closed_at)


@pytest.fixture
def story(pm, running_plan, departments):
    """A plan review with 2 of 4 in time, a company-wide review with 1 of 3 in time, both
    two months ago and three months ago, and an open company-wide review of last month."""
    for months_ago in (2, 3):
        month = _months_ago(months_ago)
        _findings(_closed_review(pm, running_plan, month), departments["dev"], 4, carried=2)
        _findings(_closed_review(pm, None, month), departments["marketing"], 3, carried=1)
    draft = ReviewFactory(month=_months_ago(1), plan=None, facilitator=pm)
    FindingFactory(review=draft, department=departments["sales"])
    return running_plan


def _span():
    return {"month_from": f"{_months_ago(4):%Y-%m}", "month_to": f"{_months_ago(1):%Y-%m}"}


def _total(response):
    total = response.context["total"]
    return total.in_time, total.due


def test_the_company_wide_choice_counts_the_company_wide_review(client_for, pm, story):
    response = client_for(pm).get(reverse("dashboard"), {"plan": "none", **_span()})
    assert response.status_code == 200
    assert _total(response) == (2, 6)
    marketing = next(r for r in response.context["rows"] if r.department.slug == "marketing")
    assert (marketing.rate.in_time, marketing.rate.due) == (2, 6)
    # The draft review's finding is open, not due.
    sales = next(r for r in response.context["rows"] if r.department.slug == "sales")
    assert sales.open == 1 and sales.rate.due == 0
    assert 'data-testid="dashboard-scope">Company-wide (no plan)' in response.content.decode()


def test_a_plan_leaves_the_company_wide_review_out(client_for, pm, story):
    response = client_for(pm).get(reverse("dashboard"), {"plan": story.pk, **_span()})
    assert _total(response) == (4, 8)


def test_all_plans_counts_the_plan_and_the_company_wide_reviews(client_for, pm, story, departments):
    other = PlanFactory(title="Another plan", owner=pm)
    _findings(_closed_review(pm, other, _months_ago(2)), departments["sales"], 2, carried=2)
    response = client_for(pm).get(reverse("dashboard"), {"plan": "all", **_span()})
    assert _total(response) == (4 + 2 + 2, 8 + 6 + 2)


def test_the_plan_filter_offers_all_company_wide_and_each_plan(client_for, pm, story):
    html = client_for(pm).get(reverse("dashboard")).content.decode()
    assert '<option value="all">All plans</option>' in html
    assert '<option value="none">Company-wide (no plan)</option>' in html
    # Nothing chosen: the running plan, shown as chosen.
    assert f'<option value="{story.pk}" selected>{escape(story.title)}</option>' in html


def test_all_plans_is_shown_as_chosen(client_for, pm, story):
    response = client_for(pm).get(reverse("dashboard"), {"plan": "all"})
    assert '<option value="all" selected>All plans</option>' in response.content.decode()
    assert response.context["scope"].is_all


def test_without_plans_the_dashboard_shows_all_plans(client_for, pm, departments):
    _findings(_closed_review(pm, None, _months_ago(1)), departments["dev"], 2, carried=1)
    response = client_for(pm).get(reverse("dashboard"))
    assert response.context["scope"].is_all
    assert _total(response) == (1, 2)


@pytest.mark.parametrize("choice", ["none", "all", "plan"])
def test_the_months_default_to_those_up_to_the_latest_closed_review(client_for, pm, story, choice):
    plan = "none" if choice == "none" else "all" if choice == "all" else story.pk
    months = client_for(pm).get(reverse("dashboard"), {"plan": plan}).context["months"]
    # The open company-wide review of last month is not closed: the range ends before it.
    assert months[-1] == _months_ago(2)
    # It starts at the scope's first month: the plan's first month, else its first review.
    assert months[0] == (_months_ago(4) if choice == "plan" else _months_ago(3))


def test_the_default_range_is_at_most_24_months(client_for, pm, departments):
    for months_ago in (1, 30):
        _findings(_closed_review(pm, None, _months_ago(months_ago)), departments["dev"], 1, 1)
    months = client_for(pm).get(reverse("dashboard"), {"plan": "none"}).context["months"]
    assert len(months) == 24 and months[-1] == _months_ago(1)


@pytest.mark.parametrize("choice", ["none", "all", "plan"])
def test_every_number_links_to_a_list_of_the_same_choice_with_as_many_rows(
    client_for, pm, story, departments, choice
):
    plan = "none" if choice == "none" else "all" if choice == "all" else story.pk
    client = client_for(pm)
    response = client.get(reverse("dashboard"), {"plan": plan, **_span()})
    links = _links(response.content.decode())
    assert any(number > 0 for number, _href in links)
    for number, href in links:
        assert f"plan={plan}" in href, href
        assert _rows_behind(client, href) == number, href


def test_the_findings_list_takes_the_company_wide_choice(client_for, pm, story, departments):
    client = client_for(pm)
    response = client.get(reverse("reviews:finding_list"), {"plan": "none", "state": "due"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 6
    assert {f.review.plan_id for f in response.context["page"]} == {None}
    assert "Company-wide (no plan)" in response.content.decode()
    everything = client.get(reverse("reviews:finding_list"), {"plan": "all", "state": "due"})
    assert everything.context["page"].paginator.count == 14


@pytest.mark.parametrize("value", ["nope", "-1", "0", "99999999999999999999", "all ", "None"])
def test_a_plan_choice_that_cannot_be_read_is_reported_not_a_500(
    client_for, pm, story, departments, value
):
    client = client_for(pm)
    response = client.get(reverse("dashboard"), {"plan": value})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="dashboard-errors"' in html and "Plan: Select a valid choice" in html
    listed = client.get(reverse("reviews:finding_list"), {"plan": value})
    assert listed.status_code == 400
    assert 'data-testid="filter-errors"' in listed.content.decode()
    detail = client.get(
        reverse("dashboard_detail", args=["updates"]),
        {"plan": value, "department": departments["dev"].pk},
    )
    assert detail.status_code == 400


@pytest.mark.parametrize("size", [5, 120])
@pytest.mark.parametrize("plan", ["none", "all", None])
def test_the_dashboard_of_any_choice_takes_a_fixed_number_of_queries(
    client_for, pm, running_plan, departments, size, plan, django_assert_max_num_queries
):
    for months_ago in (2, 3):
        for review_plan in (running_plan, None):
            review = _closed_review(pm, review_plan, _months_ago(months_ago))
            for department in departments.values():
                _findings(review, department, size // 5 + 1, carried=size // 10)
    client = client_for(pm)
    query = {} if plan is None else {"plan": plan}
    # As test_dashboard.py (16 with a plan and months chosen), and with nothing chosen the
    # running plan and the scope's review months for the default range.
    with django_assert_max_num_queries(18):
        response = client.get(reverse("dashboard"), query)
    assert response.status_code == 200
    assert response.context["total"].due > 0
