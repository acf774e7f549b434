"""The review pages offer an action exactly when its service would accept it: the views
pass may_* flags built from reviews/rules.py, and the templates show what they are given."""

import pytest
from django.urls import reverse

from reviews import services
from reviews.models import Review

from .conftest import MARCH
from .factories import CarryoverFactory, ReviewFactory

PEOPLE = ["pm", "dev_coordinator", "marketing_coordinator", "sales_coordinator", "sales_member"]


@pytest.fixture
def pending(dev_coordinator, dev_finding, item_factory, departments):
    """Dana's carry into a Marketing item and her proposal of a new Marketing item."""
    carry = services.finding_carry(
        actor=dev_coordinator,
        finding=dev_finding,
        plan_item=item_factory(departments["marketing"]),
    )
    proposal = services.finding_propose_item(
        actor=dev_coordinator,
        finding=dev_finding,
        department=departments["marketing"],
        title="Announce the new beta date",
    )
    return carry, proposal


# (may_answer, may_withdraw) of the pending carry and the proposal, by person.
ANSWERS = {
    "pm": (True, True),
    "dev_coordinator": (False, True),  # the proposer withdraws
    "marketing_coordinator": (True, True),  # the receiving department answers
    "sales_coordinator": (False, False),
    "sales_member": (False, False),
}


@pytest.mark.parametrize("who", PEOPLE)
def test_who_answers_or_withdraws_a_pending_carry_or_proposal(
    request, client_for, dev_finding, pending, who
):
    carry, proposal = pending
    page = client_for(request.getfixturevalue(who)).get(
        reverse("reviews:finding_detail", args=[dev_finding.pk])
    )
    [carry_row] = page.context["pending_carryovers"]
    [proposal_row] = page.context["pending_proposals"]
    assert (carry_row["may_answer"], carry_row["may_withdraw"]) == ANSWERS[who]
    assert (proposal_row["may_answer"], proposal_row["may_withdraw"]) == ANSWERS[who]
    html = page.content.decode()
    accept = reverse("reviews:carryover_accept", args=[carry.pk])
    decline = reverse("reviews:proposal_decline", args=[proposal.pk])
    assert (accept in html) is ANSWERS[who][0]
    assert (decline in html) is ANSWERS[who][1]


def test_a_carried_finding_offers_neither_dismissal_nor_deletion(client_for, pm, dev_finding):
    CarryoverFactory(finding=dev_finding)
    context = client_for(pm).get(reverse("reviews:finding_detail", args=[dev_finding.pk])).context
    assert context["may_carry"] and context["may_edit"]
    assert not context["may_dismiss"] and not context["may_delete"]


def test_a_dismissed_finding_offers_no_carry(client_for, pm, dev_coordinator, dev_finding):
    services.finding_dismiss(actor=pm, finding=dev_finding, reason="Out of scope")
    for person in (pm, dev_coordinator):
        page = client_for(person).get(reverse("reviews:finding_detail", args=[dev_finding.pk]))
        assert not page.context["may_carry"] and not page.context["may_dismiss"]
        assert b'data-testid="carry-new"' not in page.content


@pytest.mark.parametrize(
    ("status", "may_open", "may_close", "may_record"),
    [
        (Review.Status.DRAFT, True, False, True),
        (Review.Status.OPEN, False, True, True),
        (Review.Status.CLOSED, False, False, False),
    ],
)
def test_the_review_page_offers_the_next_step_of_the_lifecycle_to_pms_only(
    client_for, pm, dev_coordinator, plan, status, may_open, may_close, may_record
):
    review = ReviewFactory(
        month=MARCH, plan=plan, facilitator=pm, status=status, closed=status == "closed"
    )
    url = reverse("reviews:review_detail", args=[review.pk])
    pm_page = client_for(pm).get(url)
    assert (pm_page.context["may_open"], pm_page.context["may_close"]) == (may_open, may_close)
    assert pm_page.context["may_record"] is may_record
    assert pm_page.context["is_closed"] is (status == Review.Status.CLOSED)
    html = pm_page.content.decode()
    assert (reverse("reviews:review_open", args=[review.pk]) in html) is may_open
    assert (reverse("reviews:review_close", args=[review.pk]) in html) is may_close
    coordinator_page = client_for(dev_coordinator).get(url)
    assert not any(coordinator_page.context[flag] for flag in ("may_open", "may_close"))
    assert not coordinator_page.context["may_record"]
