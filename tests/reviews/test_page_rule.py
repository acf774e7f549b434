"""The review pages the other files leave out of the page rule (docs/contributing.md "The tests
every page gets"): the review list, opening and closing through the page, findings made from
evidence, editing, deleting and dismissing a finding, accepting and declining carries and
proposals, the finding page, the plan item fragment and the trace: who may, bad input, query
bounds."""

import datetime

import pytest
from django.urls import reverse

from goals.models import PlanItem
from planbridge.periods import add_months
from reviews import services
from reviews.models import Carryover, CarryProposal, Finding, Review
from tests.goals.factories import PlanItemFactory

from .conftest import APRIL, MARCH
from .factories import (
    CarryoverFactory,
    FindingFactory,
    ReviewFactory,
    make_evidence,
)

HUGE = "99999999999999999999"


def person(request, name):
    return request.getfixturevalue(name)


# ------------------------------------------------------------------------- the review list


def test_everyone_logged_in_reads_the_review_list_and_only_pms_may_run_reviews(
    client_for, pm, sales_member, review
):
    member_page = client_for(sales_member).get(reverse("reviews:review_list"))
    pm_page = client_for(pm).get(reverse("reviews:review_list"))
    assert member_page.status_code == 200 and pm_page.status_code == 200
    assert reverse("reviews:review_detail", args=[review.pk]) in member_page.content.decode()
    assert member_page.context["may_create_review"] is False
    assert pm_page.context["may_create_review"] is True
    assert reverse("reviews:review_create") not in member_page.content.decode()


@pytest.mark.parametrize("size", [3, 60])
def test_the_review_list_takes_a_fixed_number_of_queries(
    client_for,
    pm,
    plan,
    departments,
    dev_coordinator,
    marketing_coordinator,
    size,
    django_assert_max_num_queries,
):
    for n in range(size):
        review = ReviewFactory(month=add_months(datetime.date(2020, 1, 1), n), facilitator=pm)
        FindingFactory.create_batch(2, review=review, department=departments["dev"])
    # Carries and proposals waiting for Marketing, the coordinator's "waiting for you" lists.
    march = ReviewFactory(month=MARCH, plan=plan, facilitator=pm)
    for n in range(size):
        finding = FindingFactory(review=march, department=departments["dev"])
        CarryoverFactory(
            finding=finding,
            plan_item__plan=plan,
            plan_item__department=departments["marketing"],
            created_by=dev_coordinator,
            accepted_by=None,
            accepted_at=None,
        )
        services.finding_propose_item(
            actor=dev_coordinator,
            finding=finding,
            department=departments["marketing"],
            title=f"Proposal {n}",
        )
    client = client_for(marketing_coordinator)
    # session, user, profile (language), PM group, coordinated departments, the
    # asks-to-us badge, pending carries, pending proposals, the count of reviews for the
    # pages, one page of reviews with plan and facilitator, the finding counts of that page's
    # reviews, the navigation's unread-notifications count: twelve at either size.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("reviews:review_list"))
    assert response.status_code == 200
    assert len(response.context["reviews"]) == min(size + 1, 24)
    assert len(response.context["pending_carryovers"]) == size
    assert len(response.context["pending_proposals"]) == size


def test_the_review_list_counts_each_reviews_findings_by_disposition(
    client_for, pm, plan, departments
):
    from django.utils import timezone

    counted = ReviewFactory(month=MARCH, plan=plan, facilitator=pm)
    empty = ReviewFactory(month=add_months(MARCH, -1), facilitator=pm)
    dev = departments["dev"]
    FindingFactory(review=counted, department=dev)
    FindingFactory(
        review=counted, department=dev, dismissed_at=timezone.now(), dismissal_reason="Solved"
    )
    FindingFactory(review=counted, department=dev, flagged_at=timezone.now())
    carried = FindingFactory(review=counted, department=dev)
    CarryoverFactory(finding=carried, plan_item__plan=plan, plan_item__department=dev)
    CarryoverFactory(finding=carried, plan_item__plan=plan, plan_item__department=dev)
    waiting = FindingFactory(review=counted, department=dev)
    CarryoverFactory(
        finding=waiting,
        plan_item__plan=plan,
        plan_item__department=dev,
        accepted_by=None,
        accepted_at=None,
    )
    response = client_for(pm).get(reverse("reviews:review_list"))
    reviews = {review.pk: review for review in response.context["reviews"]}
    figures = ("finding_count", "carried_count", "dismissed_count", "flagged_count")
    assert [getattr(reviews[counted.pk], name) for name in figures] == [5, 1, 1, 1]
    assert [getattr(reviews[empty.pk], name) for name in figures] == [0, 0, 0, 0]


# ------------------------------------------------------------- opening and closing a review


@pytest.mark.parametrize("name", ["dev_coordinator", "sales_member"])
def test_only_a_pm_opens_or_closes_a_review_through_the_page(request, client_for, pm, plan, name):
    draft = ReviewFactory(
        month=APRIL, plan=plan, facilitator=pm, status=Review.Status.DRAFT, opened_at=None
    )
    client = client_for(person(request, name))
    assert client.post(reverse("reviews:review_open", args=[draft.pk])).status_code == 403
    draft.refresh_from_db()
    assert draft.status == Review.Status.DRAFT and draft.opened_at is None
    client_for(pm).post(reverse("reviews:review_open", args=[draft.pk]))
    assert client.post(reverse("reviews:review_close", args=[draft.pk])).status_code == 403
    draft.refresh_from_db()
    assert draft.status == Review.Status.OPEN and draft.closed_at is None


def test_opening_an_open_review_or_closing_a_draft_is_refused_with_a_message(
    client_for, pm, plan, review
):
    draft = ReviewFactory(
        month=APRIL, plan=plan, facilitator=pm, status=Review.Status.DRAFT, opened_at=None
    )
    client = client_for(pm)
    reopened = client.post(reverse("reviews:review_open", args=[review.pk]), follow=True)
    assert "Only a draft review can be opened." in reopened.content.decode()
    closed = client.post(reverse("reviews:review_close", args=[draft.pk]), follow=True)
    assert "Only an open review can be closed." in closed.content.decode()
    review.refresh_from_db()
    draft.refresh_from_db()
    assert review.status == Review.Status.OPEN and draft.status == Review.Status.DRAFT
    assert draft.closed_at is None


def test_opening_or_closing_an_unknown_review_is_not_found(client_for, pm):
    client = client_for(pm)
    for name in ("reviews:review_open", "reviews:review_close", "reviews:finding_from_evidence"):
        assert client.post(reverse(name, args=[999999])).status_code == 404, name


# ------------------------------------------------------------------ findings from evidence


@pytest.fixture
def late_item(review, plan, departments, pm):
    """A Development plan item of March left blocked: an evidence line of the review."""
    return make_evidence(plan=plan, departments=departments, author=pm, month=MARCH)["plan_item"][0]


def evidence_finding(line, **overrides):
    """The evidence finding form as posted: its prefilled values, changed by `overrides`."""
    return {**{key: "" if value is None else value for key, value in line.items()}, **overrides}


@pytest.mark.parametrize("name", ["dev_coordinator", "sales_member"])
def test_only_a_pm_records_a_finding_from_an_evidence_line(
    request, client_for, review, late_item, name, departments
):
    line = {"evidence_kind": "plan_item", "evidence_object_id": late_item.pk}
    url = reverse("reviews:finding_from_evidence", args=[review.pk])
    client = client_for(person(request, name))
    assert client.get(url, line).status_code == 403
    posted = evidence_finding(
        line, kind="problem", title="x", department=departments["dev"].pk, severity="low"
    )
    assert client.post(url, posted).status_code == 403
    assert not Finding.objects.exists()


def test_make_a_finding_opens_the_form_prefilled_from_the_line(client_for, pm, review, late_item):
    url = reverse("reviews:finding_from_evidence", args=[review.pk])
    response = client_for(pm).get(
        url, {"evidence_kind": "plan_item", "evidence_object_id": late_item.pk}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["title"] == (
        f"Overdue: {late_item.title} (Product Development), due {late_item.due.isoformat()}, "
        "still blocked"
    )
    assert form.initial["department"] == late_item.department_id
    assert (form.initial["evidence_kind"], form.initial["evidence_object_id"]) == (
        "plan_item",
        late_item.pk,
    )
    assert not Finding.objects.exists()


def test_a_pm_records_a_finding_from_an_evidence_line_with_an_edited_title(
    client_for, pm, review, late_item
):
    client = client_for(pm)
    url = reverse("reviews:finding_from_evidence", args=[review.pk])
    line = {"evidence_kind": "plan_item", "evidence_object_id": late_item.pk}
    initial = client.get(url, line).context["form"].initial
    response = client.post(
        url, evidence_finding(initial, title="The beta slipped: testing blocked", severity="low")
    )
    finding = Finding.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:finding_detail", args=[finding.pk])
    assert finding.title == "The beta slipped: testing blocked"
    assert finding.severity == "low"
    assert (finding.evidence_kind, finding.evidence_object_id) == ("plan_item", late_item.pk)
    assert finding.department == late_item.department


@pytest.mark.parametrize("object_id", ["abc", "-1", HUGE, ""])
def test_a_typed_evidence_id_is_refused_with_a_message(
    client_for, pm, review, late_item, departments, object_id
):
    client = client_for(pm)
    url = reverse("reviews:finding_from_evidence", args=[review.pk])
    line = {"evidence_kind": "plan_item", "evidence_object_id": object_id}
    opened = client.get(url, line, follow=True)
    assert opened.status_code == 200
    assert "not part of this review" in opened.content.decode()
    posted = client.post(
        url,
        evidence_finding(
            line, kind="problem", title="x", department=departments["dev"].pk, severity="low"
        ),
    )
    assert posted.status_code == 400
    assert "not part of this review" in posted.content.decode()
    assert not Finding.objects.exists()


def test_an_empty_title_from_an_evidence_line_is_refused_and_the_form_kept(
    client_for, pm, review, late_item
):
    client = client_for(pm)
    url = reverse("reviews:finding_from_evidence", args=[review.pk])
    line = {"evidence_kind": "plan_item", "evidence_object_id": late_item.pk}
    initial = client.get(url, line).context["form"].initial
    response = client.post(url, evidence_finding(initial, title="  ", kind="gossip"))
    assert response.status_code == 400
    assert response.context["line"].object_id == late_item.pk
    assert response.context["form"].errors.keys() >= {"title", "kind"}
    assert not Finding.objects.exists()


# ------------------------------------------------------------- editing, deleting, dismissing


def finding_payload(finding, **overrides):
    payload = {
        "kind": finding.kind,
        "title": finding.title,
        "detail": finding.detail,
        "department": finding.department_id,
        "severity": finding.severity,
    }
    payload.update(overrides)
    return payload


def test_a_pm_edits_a_finding_through_the_page(client_for, pm, dev_finding, departments):
    response = client_for(pm).post(
        reverse("reviews:finding_edit", args=[dev_finding.pk]),
        finding_payload(
            dev_finding, title="Beta slipped", department=departments["marketing"].pk, kind="risk"
        ),
    )
    assert response.status_code == 302
    dev_finding.refresh_from_db()
    assert (dev_finding.title, dev_finding.kind) == ("Beta slipped", "risk")
    assert dev_finding.department == departments["marketing"]


@pytest.mark.parametrize("name", ["dev_coordinator", "sales_member"])
def test_only_a_pm_edits_a_finding_even_of_the_own_department(
    request, client_for, dev_finding, name
):
    response = client_for(person(request, name)).post(
        reverse("reviews:finding_edit", args=[dev_finding.pk]),
        finding_payload(dev_finding, title="Renamed"),
    )
    assert response.status_code == 403
    dev_finding.refresh_from_db()
    assert dev_finding.title == "Development slipped two weeks"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"kind": "gossip"}, "kind"),
        ({"severity": "apocalyptic"}, "severity"),
        ({"department": "abc"}, "department"),
        ({"department": HUGE}, "department"),
    ],
)
def test_a_bad_finding_edit_shows_a_clear_error_and_saves_nothing(
    client_for, pm, dev_finding, overrides, field
):
    response = client_for(pm).post(
        reverse("reviews:finding_edit", args=[dev_finding.pk]),
        finding_payload(dev_finding, **{"title": "Changed", **overrides}),
    )
    assert response.status_code == 400
    assert field in response.context["edit_form"].errors
    dev_finding.refresh_from_db()
    assert dev_finding.title == "Development slipped two weeks"


def test_findings_of_a_closed_review_are_neither_edited_nor_deleted_through_the_page(
    client_for, pm, plan, departments
):
    closed = ReviewFactory(month=MARCH, plan=plan, facilitator=pm, closed=True)
    finding = FindingFactory(review=closed, department=departments["dev"], title="Kept")
    client = client_for(pm)
    edit = client.post(
        reverse("reviews:finding_edit", args=[finding.pk]),
        finding_payload(finding, title="Changed"),
    )
    assert edit.status_code == 400 and "can no longer be edited" in edit.content.decode()
    delete = client.post(reverse("reviews:finding_delete", args=[finding.pk]), follow=True)
    assert "cannot be deleted" in delete.content.decode()
    finding.refresh_from_db()
    assert finding.title == "Kept"


def test_a_pm_deletes_a_finding_and_the_departments_coordinator_may_not(
    client_for, pm, dev_coordinator, dev_finding
):
    url = reverse("reviews:finding_delete", args=[dev_finding.pk])
    assert client_for(dev_coordinator).post(url).status_code == 403
    assert Finding.objects.filter(pk=dev_finding.pk).exists()
    response = client_for(pm).post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:review_detail", args=[dev_finding.review_id])
    assert not Finding.objects.filter(pk=dev_finding.pk).exists()


def test_a_pm_dismisses_a_finding_through_the_page_once(client_for, pm, dev_finding):
    url = reverse("reviews:finding_dismiss", args=[dev_finding.pk])
    client = client_for(pm)
    assert client.post(url, {"reason": "Solved by itself"}).status_code == 302
    dev_finding.refresh_from_db()
    assert dev_finding.dismissal_reason == "Solved by itself" and dev_finding.dismissed_by == pm
    again = client.post(url, {"reason": "Still solved"})
    assert again.status_code == 400 and "already been dismissed" in again.content.decode()
    dev_finding.refresh_from_db()
    assert dev_finding.dismissal_reason == "Solved by itself"


# ------------------------------------------------------- carries and proposals between teams


@pytest.fixture
def proposed_carry(dev_coordinator, marketing_coordinator, dev_finding, item_factory, departments):
    """Dana carries the Development finding into a Marketing item of April: a proposal
    until Marketing accepts it."""
    carryover = services.finding_carry(
        actor=dev_coordinator,
        finding=dev_finding,
        plan_item=item_factory(departments["marketing"], title="Delay the campaign"),
    )
    assert carryover.accepted_at is None
    return carryover


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("pm", True),
        ("marketing_coordinator", True),
        ("dev_coordinator", False),  # the proposer cannot accept their own proposal
        ("sales_coordinator", False),
        ("sales_member", False),
    ],
)
def test_only_the_receiving_coordinator_or_a_pm_accepts_a_carry(
    request, client_for, proposed_carry, name, allowed
):
    user = person(request, name)
    response = client_for(user).post(reverse("reviews:carryover_accept", args=[proposed_carry.pk]))
    proposed_carry.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert response["Location"] == reverse(
            "reviews:finding_detail", args=[proposed_carry.finding_id]
        )
        assert proposed_carry.accepted_by == user and proposed_carry.accepted_at is not None
    else:
        assert response.status_code == 403
        assert proposed_carry.accepted_at is None


def test_accepting_a_carry_twice_is_refused_with_a_message(
    client_for, marketing_coordinator, pm, proposed_carry
):
    url = reverse("reviews:carryover_accept", args=[proposed_carry.pk])
    client_for(marketing_coordinator).post(url)
    again = client_for(pm).post(url, follow=True)
    assert "This proposal has already been accepted." in again.content.decode()
    proposed_carry.refresh_from_db()
    assert proposed_carry.accepted_by == marketing_coordinator


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("dev_coordinator", True),  # the proposer withdraws it
        ("marketing_coordinator", True),
        ("pm", True),
        ("sales_coordinator", False),
        ("sales_member", False),
    ],
)
def test_the_proposer_or_the_receiving_coordinator_declines_a_carry_and_nobody_else(
    request, client_for, proposed_carry, name, allowed
):
    response = client_for(person(request, name)).post(
        reverse("reviews:carryover_decline", args=[proposed_carry.pk])
    )
    assert response.status_code == (302 if allowed else 403)
    assert Carryover.objects.filter(pk=proposed_carry.pk).exists() is not allowed


def test_an_accepted_carry_cannot_be_declined(client_for, marketing_coordinator, proposed_carry):
    client = client_for(marketing_coordinator)
    client.post(reverse("reviews:carryover_accept", args=[proposed_carry.pk]))
    response = client.post(
        reverse("reviews:carryover_decline", args=[proposed_carry.pk]), follow=True
    )
    assert "An accepted carryover cannot be withdrawn." in response.content.decode()
    assert Carryover.objects.filter(pk=proposed_carry.pk).exists()


def test_accepting_a_carry_its_proposer_withdrew_since_says_so(
    client_for, dev_coordinator, marketing_coordinator, proposed_carry
):
    client_for(dev_coordinator).post(reverse("reviews:carryover_decline", args=[proposed_carry.pk]))
    response = client_for(marketing_coordinator).post(
        reverse("reviews:carryover_accept", args=[proposed_carry.pk])
    )
    assert response.status_code == 409
    assert "Dana already withdrew this proposal" in response.content.decode()
    assert response.context["finding"].pk == proposed_carry.finding_id
    assert not Carryover.objects.filter(pk=proposed_carry.pk).exists()


# Where new carried items land (plan, owner, month): tests/reviews/test_page_carrying.py.


def test_carrying_a_finding_dismissed_meanwhile_is_refused_with_a_message(
    client_for, pm, dev_coordinator, dev_finding, item_factory, departments
):
    item = item_factory(departments["dev"])
    services.finding_dismiss(actor=pm, finding=dev_finding, reason="Solved by itself")
    # Dana's page was opened before the dismissal; the carry form is gone from the answer.
    response = client_for(dev_coordinator).post(
        reverse("reviews:finding_carry", args=[dev_finding.pk]), {"plan_item": item.pk}
    )
    assert response.status_code == 400
    assert "This finding was dismissed; it cannot be carried." in response.content.decode()
    assert not Carryover.objects.exists()


def test_unknown_carries_and_proposals_are_not_found(client_for, pm):
    client = client_for(pm)
    for name in (
        "reviews:carryover_accept",
        "reviews:carryover_decline",
        "reviews:proposal_accept",
        "reviews:proposal_decline",
    ):
        assert client.post(reverse(name, args=[999999])).status_code == 404, name


# ------------------------------------------------------------------- pages and their bounds


@pytest.mark.parametrize("size", [3, 60])
def test_the_finding_page_takes_a_fixed_number_of_queries(
    client_for,
    dev_coordinator,
    dev_finding,
    item_factory,
    departments,
    pm,
    size,
    django_assert_max_num_queries,
):
    for n in range(size):
        # Items it may be carried into, items it was carried into, and proposals.
        item_factory(departments["dev"], title=f"Target {n}")
        CarryoverFactory(
            finding=dev_finding, plan_item=item_factory(departments["marketing"]), created_by=pm
        )
        CarryProposal.objects.create(
            finding=dev_finding,
            department=departments["sales"],
            month=APRIL,
            title=f"Proposal {n}",
            proposed_by=pm,
        )
    client = client_for(dev_coordinator)
    # session, user, profile, the finding with its review, plan and department, its
    # carryovers and its proposals (prefetched), PM group, roles, the carry targets, the
    # asks-to-us badge, the departments (picker and forms), the plans owning the new item's
    # month and its possible owners, its audit trail (with the actors), the navigation's
    # unread-notifications count: about sixteen at either size.
    with django_assert_max_num_queries(16):
        response = client.get(reverse("reviews:finding_detail", args=[dev_finding.pk]))
    assert response.status_code == 200
    assert len(response.context["targets"]) == size


@pytest.mark.parametrize("size", [3, 60])
def test_the_plan_item_fragment_takes_a_fixed_number_of_queries(
    client_for,
    sales_member,
    pm,
    plan,
    departments,
    item_factory,
    size,
    django_assert_max_num_queries,
):
    item = item_factory(departments["dev"], month=datetime.date(2026, 6, 1))
    for n in range(size):
        review = ReviewFactory(month=add_months(datetime.date(2020, 1, 1), n))
        finding = FindingFactory(review=review, department=departments["dev"])
        Carryover.objects.create(finding=finding, plan_item=item, created_by=pm)
    client = client_for(sales_member)
    # session, user, profile, the carryovers with finding, review, plan and department
    # (one query), and the context processors' PM group, asks-to-us and unread
    # notifications counts.
    with django_assert_max_num_queries(7):
        response = client.get(reverse("reviews:plan_item_findings", args=[item.pk]))
    assert response.status_code == 200
    assert response.content.decode().count("review of") == size


def test_the_plan_item_fragment_of_an_unknown_item_is_empty_not_an_error(client_for, sales_member):
    response = client_for(sales_member).get(reverse("reviews:plan_item_findings", args=[999999]))
    assert response.status_code in (200, 404)


def test_members_read_the_findings_list(client_for, sales_member, dev_finding):
    response = client_for(sales_member).get(reverse("reviews:finding_list"))
    assert response.status_code == 200
    assert dev_finding.title in response.content.decode()


@pytest.mark.parametrize("kind", ["objective", "goal", "item", "finding"])
@pytest.mark.parametrize("size", [3, 40])
def test_the_trace_takes_a_fixed_number_of_queries(
    client_for, sales_member, pm, plan, departments, kind, size, django_assert_max_num_queries
):
    from goals.models import Goal, Objective
    from tests.goals.factories import GoalFactory

    objective = Objective.objects.create(
        title="Launch", quarter=datetime.date(2026, 1, 1), owner=pm, plan=plan
    )
    review = ReviewFactory(month=MARCH, plan=plan, facilitator=pm, closed=True)
    for n in range(size):
        goal = GoalFactory(objective=objective, department=departments["dev"], owner=pm, plan=plan)
        item = PlanItemFactory(
            plan=plan, department=departments["dev"], goal=goal, month=MARCH, title=f"Item {n}"
        )
        finding = FindingFactory(
            review=review,
            department=departments["dev"],
            evidence_kind="plan_item",
            evidence_object_id=item.pk,
        )
        CarryoverFactory(finding=finding, plan_item__plan=plan, plan_item__title=f"Next {n}")
    first_goal = Goal.objects.order_by("pk").first()
    focus = {
        "objective": objective.pk,
        "goal": first_goal.pk,
        "item": PlanItem.objects.filter(goal=first_goal).get().pk,
        "finding": Finding.objects.order_by("pk").first().pk,
    }[kind]
    client = client_for(sales_member)
    # session, user, profile; the trace's seven at most (the focus, goals, items,
    # findings, carryovers in, carryovers out); the navigation's PM group and asks-to-us
    # badge.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("trace", args=[kind, focus]))
    assert response.status_code == 200
    if kind == "objective":
        assert len(response.context["trace"].items) == size


def test_the_review_list_is_paged_and_a_bad_page_falls_back(client_for, pm):
    for n in range(30):
        ReviewFactory(month=add_months(datetime.date(2020, 1, 1), n), facilitator=pm)
    client = client_for(pm)
    second = client.get(reverse("reviews:review_list") + "?page=2")
    assert [review.month for review in second.context["reviews"]] == [
        add_months(datetime.date(2020, 1, 1), n) for n in range(5, -1, -1)
    ]
    assert "Page 2 of 2" in second.content.decode()
    for bad in ("abc", "-3", "999"):
        assert client.get(reverse("reviews:review_list") + f"?page={bad}").status_code == 200
