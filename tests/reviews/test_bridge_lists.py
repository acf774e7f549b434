"""Every number of the bridge dashboard links to the list behind it, and that list shows
exactly that many rows; the median time to answer asks is computed by the database; bad
query strings on the dashboard and its lists are answered, never a 500."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Ask, WeeklyUpdate
from planbridge import periods
from planbridge.plan_scope import PlanScope
from reviews.models import Review
from reviews.selectors import answered_asks, ask_answer_medians
from reviews.selectors.bridge import _medians_in_python
from tests.goals.factories import PlanItemFactory

from .factories import CarryoverFactory, FindingFactory, ReviewFactory

HOUR = datetime.timedelta(hours=1)
MARCH = datetime.date(2026, 3, 1)
RANGE = {"month_from": "2026-01", "month_to": "2026-06"}


def _ask(pm, departments, *, to="dev", hours, created=None, plan=None):
    ask = Ask.objects.create(
        from_department=departments["marketing"],
        to_department=departments[to],
        plan=plan,
        what=f"Answered after {hours} h",
        needed_by=MARCH + datetime.timedelta(days=20),
        state=Ask.State.ACCEPTED,
        created_by=pm,
    )
    created = created or timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 0))
    Ask.objects.filter(pk=ask.pk).update(created_at=created, answered_at=created + hours * HOUR)
    return ask


def _story(pm, plan, departments, size=1):
    """Closed reviews with findings in every bridge state, asks answered, updates, a goal
    behind and a rhythm conflict — `size` times over."""
    from goals.models import CheckIn, Goal

    now = timezone.now()
    dev = departments["dev"]
    for month_index in range(size):
        month = periods.add_months(datetime.date(2026, 1, 1), month_index % 5)
        review, _new = Review.objects.get_or_create(
            month=month,
            plan=plan,
            defaults={
                "facilitator": pm,
                "status": Review.Status.CLOSED,
                "closed_at": now - datetime.timedelta(days=20),
            },
        )
        in_time = FindingFactory(review=review, department=dev)
        CarryoverFactory(finding=in_time, accepted_at=review.closed_at)
        late = FindingFactory(review=review, department=dev)
        CarryoverFactory(finding=late, accepted_at=now)
        FindingFactory(review=review, department=dev, flagged_at=now)  # overdue + flagged
        goal = Goal.objects.create(
            title=f"Beta sign-ups {month_index}",
            metric="sign-ups",
            unit="people",
            baseline=Decimal(0),
            target=Decimal(100),
            start=datetime.date(2026, 1, 1),
            due=datetime.date(2026, 12, 31),
            owner=pm,
            department=dev,
            plan=plan,
        )
        CheckIn.objects.create(
            goal=goal, date=datetime.date(2026, 1, 2), value=Decimal(0), confidence=2, author=pm
        )
        blocked = PlanItemFactory(plan=plan, department=departments["sales"], status="blocked")
        waiting = PlanItemFactory(plan=plan, department=dev)
        waiting.depends_on.add(blocked)
        _ask(pm, departments, hours=month_index + 1, plan=plan)
        WeeklyUpdate.objects.get_or_create(
            department=dev,
            week=periods.week_start(month + datetime.timedelta(days=7)),
            plan=plan,
            defaults={"problems": "", "author": pm},
        )


def _dashboard(client, plan):
    return client.get(reverse("dashboard"), {"plan": plan.pk, **RANGE})


def _links(html):
    """(number shown, href) for every link whose text is a number ("3", or "3 / 22" weeks
    submitted, where the list shows the 3)."""
    return [
        (int(text), href.replace("&amp;", "&"))
        for href, text in re.findall(r'<a href="([^"]+)"[^>]*>\s*(\d+)(?:\s*/\s*\d+)?\s*</a>', html)
    ]


def _rows_behind(client, href):
    response = client.get(href)
    assert response.status_code == 200, href
    context = response.context
    if "page" in context and hasattr(context["page"], "paginator"):
        return context["page"].paginator.count
    if "goals" in context and context.get("metric") == "goals":
        return len(context["goals"])
    if context.get("metric") == "conflicts":
        return len(context["conflicts"])
    if context.get("metric") == "updates":
        return context["submitted"]
    raise AssertionError(href)


def test_every_number_on_the_dashboard_links_to_exactly_that_many_rows(
    client_for, pm, plan, departments
):
    _story(pm, plan, departments, size=3)
    client = client_for(pm)
    html = _dashboard(client, plan).content.decode()
    links = _links(html)
    dev_links = [link for link in links if f"department={departments['dev'].pk}" in link[1]]
    # in time, due (rate table); open, flagged, overdue, goals, conflicts, updates.
    assert len(dev_links) == 8
    assert any(number > 0 for number, _href in dev_links)
    for number, href in links:
        assert _rows_behind(client, href) == number, href


def test_the_ask_median_links_to_the_asks_it_was_taken_over(client_for, pm, plan, departments):
    for hours in (1, 5, 9):
        _ask(pm, departments, hours=hours, plan=plan)
    client = client_for(pm)
    row = next(
        r for r in _dashboard(client, plan).context["rows"] if r.department == departments["dev"]
    )
    assert (row.ask_median_hours, row.asks_answered) == (5.0, 3)
    detail = client.get(row.links["asks"])
    assert detail.context["page"].paginator.count == 3
    assert detail.context["median_hours"] == 5.0


def test_the_median_time_to_answer_is_the_lower_middle_value(pm, departments, plan):
    for hours in (10, 2, 4, 30):
        _ask(pm, departments, hours=hours, plan=plan)
    _ask(pm, departments, to="sales", hours=7, plan=plan)
    medians = ask_answer_medians(
        scope=PlanScope.of(plan), start=MARCH, end=periods.month_end(MARCH)
    )
    assert medians[departments["dev"].pk] == (4 * HOUR, 4)
    assert medians[departments["sales"].pk] == (7 * HOUR, 1)
    asks = answered_asks(scope=PlanScope.of(plan), start=MARCH, end=periods.month_end(MARCH))
    assert _medians_in_python(asks) == medians, "the SQL median and the fallback agree"


def test_asks_raised_outside_the_range_are_left_out_of_the_median(pm, departments, plan):
    _ask(pm, departments, hours=3, plan=plan)
    _ask(
        pm,
        departments,
        hours=100,
        plan=plan,
        created=timezone.make_aware(datetime.datetime(2026, 4, 1, 0, 30)),
    )
    medians = ask_answer_medians(
        scope=PlanScope.of(plan), start=MARCH, end=periods.month_end(MARCH)
    )
    assert medians[departments["dev"].pk] == (3 * HOUR, 1)


@pytest.mark.requires_postgres
def test_on_postgresql_the_median_is_one_grouped_query_that_loads_no_ask(
    pm, departments, plan, django_assert_num_queries
):
    for hours in range(1, 40):
        _ask(pm, departments, hours=hours, plan=plan)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        medians = ask_answer_medians(
            scope=PlanScope.of(plan), start=MARCH, end=periods.month_end(MARCH)
        )
    assert len(queries) == 1 and "PERCENTILE_DISC" in queries[0]["sql"]
    assert medians[departments["dev"].pk] == (20 * HOUR, 39)


@pytest.mark.parametrize("metric", ["goals", "conflicts", "asks", "updates"])
def test_the_lists_behind_the_dashboard_need_a_login(anon, departments, metric):
    url = reverse("dashboard_detail", args=[metric]) + f"?department={departments['dev'].pk}"
    assert anon.get(url)["Location"].startswith("/login/")


@pytest.mark.parametrize("metric", ["goals", "conflicts", "asks", "updates"])
def test_members_read_the_lists_behind_the_dashboard(
    client_for, sales_member, plan, departments, metric
):
    url = reverse("dashboard_detail", args=[metric])
    response = client_for(sales_member).get(url, {"department": departments["dev"].pk})
    assert response.status_code == 200
    assert response.context["metric"] == metric
    assert response.context["department"] == departments["dev"]


@pytest.mark.parametrize(
    "query",
    ["", "?department=abc", "?department=99999999999999999999", "?department=-3"],
)
def test_a_list_behind_the_dashboard_without_a_real_department_is_not_found(client_for, pm, query):
    response = client_for(pm).get(reverse("dashboard_detail", args=["asks"]) + query)
    assert response.status_code == 404


def test_an_unknown_dashboard_list_is_not_found(client_for, pm, departments):
    url = reverse("dashboard_detail", args=["salaries"]) + f"?department={departments['dev'].pk}"
    assert client_for(pm).get(url).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        {"plan": "abc"},
        {"month_from": "garbage"},
        {"month_to": "9999-12"},
        {"month_from": "0001-01"},
        {"month_from": "9999-12", "month_to": "9999-12"},
        {"page": "zz"},
    ],
)
def test_bad_choices_on_a_list_behind_the_dashboard_are_reported(
    client_for, pm, plan, departments, query
):
    response = client_for(pm).get(
        reverse("dashboard_detail", args=["updates"]),
        {"department": departments["dev"].pk, **query},
    )
    assert response.status_code in (200, 400)
    if "page" not in query:
        assert response.status_code == 400 and b"not understood" in response.content


@pytest.mark.parametrize(
    "query",
    [
        {"month_to": "9999-12"},
        {"month_from": "9999-12", "month_to": "9999-12"},
        {"plan": "99999999999999999999"},
        {"month_from": "0001-01"},
    ],
)
def test_months_out_of_range_on_the_dashboard_are_reported_not_a_500(client_for, pm, plan, query):
    response = client_for(pm).get(reverse("dashboard"), query)
    assert response.status_code == 400 and b"not understood" in response.content


def test_one_month_far_from_the_default_keeps_the_range_to_at_most_24_months(client_for, pm, plan):
    months = client_for(pm).get(reverse("dashboard"), {"month_from": "2001-01"}).context["months"]
    assert len(months) == 24 and months[0] == datetime.date(2001, 1, 1)


@pytest.mark.parametrize("query", ["?department=%C2%B2", "?department=99999999999999999999"])
def test_odd_department_filters_on_a_finding_page_are_ignored(client_for, pm, query):
    finding = FindingFactory(review=ReviewFactory(facilitator=pm))
    response = client_for(pm).get(reverse("reviews:finding_detail", args=[finding.pk]) + query)
    assert response.status_code == 200
    # Ignored, not half-applied: no department is chosen, so every target is offered.
    assert response.context["target_department"] is None


@pytest.mark.parametrize("size", [2, 40])
@pytest.mark.parametrize("metric", ["goals", "conflicts", "asks", "updates"])
def test_each_list_behind_the_dashboard_takes_a_fixed_number_of_queries(
    client_for, pm, plan, departments, size, metric, django_assert_max_num_queries
):
    _story(pm, plan, departments, size=size)
    client = client_for(pm)
    # session, user, profile, pm group (nav), memberships, asks-to-us badge, plan, the
    # department; then goals at risk (1), conflicts (1), asks (count + page + medians) or
    # updates (1); the default plan when none is chosen.
    with django_assert_max_num_queries(12):
        response = client.get(
            reverse("dashboard_detail", args=[metric]),
            {"plan": plan.pk, "department": departments["dev"].pk, **RANGE},
        )
    assert response.status_code == 200


def _proposal_for_marketing(pm, plan, departments, dev_coordinator):
    from reviews import services

    # One review per month and plan: every proposal comes from a finding of the same review.
    review = Review.objects.filter(month=MARCH, plan=plan).first() or ReviewFactory(
        month=MARCH, plan=plan, facilitator=pm
    )
    finding = FindingFactory(review=review, department=departments["dev"])
    return services.finding_propose_item(
        actor=dev_coordinator,
        finding=finding,
        department=departments["marketing"],
        title="Delay the campaign",
    )


def test_a_coordinator_is_told_on_the_dashboard_that_a_proposal_waits_for_them(
    client_for, pm, plan, departments, dev_coordinator, marketing_coordinator
):
    _proposal_for_marketing(pm, plan, departments, dev_coordinator)
    waiting = client_for(marketing_coordinator).get(reverse("dashboard"))
    assert waiting.context["pending"] == 1
    assert reverse("reviews:review_list") in waiting.content.decode()
    for other in (dev_coordinator, pm):
        assert (
            b'data-testid="pending-proposals"'
            not in client_for(other).get(reverse("dashboard")).content
        )


@pytest.mark.parametrize("size", [1, 30])
def test_a_coordinators_dashboard_takes_a_fixed_number_of_queries(
    client_for,
    pm,
    plan,
    departments,
    dev_coordinator,
    marketing_coordinator,
    size,
    django_assert_max_num_queries,
):
    _story(pm, plan, departments, size=size)
    for _n in range(size):
        _proposal_for_marketing(pm, plan, departments, dev_coordinator)
    client = client_for(marketing_coordinator)
    # As for a PM (16, see test_dashboard.py), plus the two pending counts.
    with django_assert_max_num_queries(18):
        response = client.get(reverse("dashboard"), {"plan": plan.pk, **RANGE})
    assert response.context["pending"] == size
    assert response.context["rows"][0].department == departments["marketing"]
