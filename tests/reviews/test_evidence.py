"""Evidence assembly: each source present and absent, links to the sources, and a query
bound that holds at two data sizes."""

import datetime

import pytest
from django.urls import reverse

from reviews.selectors import review_evidence

from .conftest import MARCH
from .factories import FindingFactory, make_evidence

SOURCES = ["goal", "plan_item", "weekly_update", "ask", "action_item", "conflict"]


def _by_kind(evidence):
    return {kind: lines for kind, _label, lines in evidence.sections()}


def test_a_month_without_activity_has_no_evidence(review, django_assert_max_num_queries):
    # 1 goals at risk, 1 items due, 1 updates, 1 asks, 1 action items, 1 conflicts,
    # 1 findings already made from evidence.
    with django_assert_max_num_queries(7):
        evidence = review_evidence(review)
    assert all(lines == [] for lines in _by_kind(evidence).values())


def test_every_source_of_the_month_appears_with_a_link(review, plan, departments, pm):
    made = make_evidence(plan=plan, departments=departments, author=pm, month=MARCH)
    evidence = _by_kind(review_evidence(review))
    for kind in SOURCES:
        assert [line.object_id for line in evidence[kind]] == [made[kind][0].pk], kind
    assert evidence["goal"][0].url == reverse("goals:goal_detail", args=[made["goal"][0].pk])
    assert evidence["ask"][0].url == reverse("meetings:ask_detail", args=[made["ask"][0].pk])
    assert evidence["weekly_update"][0].title == "Testing environment down 0"
    assert evidence["action_item"][0].url == reverse(
        "meetings:meeting_detail", args=[made["action_item"][0].meeting_id]
    )


def test_another_months_activity_is_not_evidence(review, plan, departments, pm):
    make_evidence(plan=plan, departments=departments, author=pm, month=datetime.date(2026, 5, 1))
    evidence = _by_kind(review_evidence(review))
    for kind in ["plan_item", "weekly_update", "ask", "action_item", "conflict"]:
        assert evidence[kind] == [], kind


def test_resolved_sources_are_not_evidence(review, plan, departments, pm):
    made = make_evidence(plan=plan, departments=departments, author=pm, month=MARCH)
    made["plan_item"][0].__class__.objects.filter(pk=made["plan_item"][0].pk).update(status="done")
    made["ask"][0].__class__.objects.filter(pk=made["ask"][0].pk).update(state="done")
    made["action_item"][0].__class__.objects.filter(pk=made["action_item"][0].pk).update(
        status="done", done_at=datetime.datetime(2026, 3, 2, tzinfo=datetime.UTC)
    )
    made["weekly_update"][0].__class__.objects.update(problems="")
    evidence = _by_kind(review_evidence(review))
    for kind in ["plan_item", "ask", "action_item", "weekly_update", "conflict"]:
        assert evidence[kind] == [], kind


def test_evidence_of_another_plan_is_left_out(review, departments, pm):
    from tests.factories import PlanFactory

    other = PlanFactory(title="Other plan", owner=pm)
    make_evidence(plan=other, departments=departments, author=pm, month=MARCH)
    assert review_evidence(review).lines() == []


def test_lines_show_the_findings_already_made_from_them(review, plan, departments, pm):
    made = make_evidence(plan=plan, departments=departments, author=pm, month=MARCH)
    finding = FindingFactory(
        review=review,
        department=departments["dev"],
        evidence_kind="ask",
        evidence_object_id=made["ask"][0].pk,
    )
    line = review_evidence(review).find("ask", made["ask"][0].pk)
    assert line.finding_ids == [finding.pk]


@pytest.mark.parametrize("size", [5, 60])
def test_evidence_takes_a_fixed_number_of_queries(
    review, plan, departments, pm, size, django_assert_max_num_queries
):
    make_evidence(plan=plan, departments=departments, author=pm, month=MARCH, count=size)
    # 1 goals at risk (latest check-in as a subquery), 1 items due, 1 updates, 1 asks,
    # 1 action items, 1 conflicts, 1 findings already made from evidence.
    with django_assert_max_num_queries(7):
        evidence = review_evidence(review)
    assert all(len(lines) == size for lines in _by_kind(evidence).values())


@pytest.mark.parametrize("size", [5, 60])
def test_the_review_page_takes_a_fixed_number_of_queries(
    client_for, review, plan, departments, pm, size, django_assert_max_num_queries
):
    make_evidence(plan=plan, departments=departments, author=pm, month=MARCH, count=size)
    for n in range(size):
        FindingFactory(review=review, department=departments["dev"], title=f"F{n}")
    client = client_for(pm)
    # session + user + pm group, 1 review, 4 findings (+carryovers, proposals),
    # 7 evidence, departments of the finding form; messages / context processors.
    with django_assert_max_num_queries(20):
        response = client.get(reverse("reviews:review_detail", args=[review.pk]))
    assert response.status_code == 200


def test_an_accepted_ask_past_its_date_is_evidence_as_it_is_overdue_everywhere(
    review, plan, departments, pm
):
    # One definition of an overdue ask (meetings.rules): still waiting, accepted included.
    made = make_evidence(plan=plan, departments=departments, author=pm, month=MARCH)
    ask = made["ask"][0]
    ask.__class__.objects.filter(pk=ask.pk).update(state="accepted")
    lines = _by_kind(review_evidence(review))["ask"]
    assert [line.object_id for line in lines] == [ask.pk]
    assert "accepted but not done" in lines[0].detail
