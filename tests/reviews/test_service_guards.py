"""Reviews' services protect themselves (docs/contributing.md "Guards"): each refusal is
asked of the service directly, not through a page or form that would refuse first, and
each test checks that nothing was written."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from goals.models import PlanItem
from reviews import services
from reviews.models import Carryover, CarryProposal, Finding, Review

from .conftest import MARCH
from .factories import CarryoverFactory, FindingFactory, ReviewFactory

BEFORE_RANGE = datetime.date(1999, 12, 1)
OUT_OF_RANGE = "between 2000"


@pytest.fixture
def proposed_carry(dev_coordinator, dev_finding, item_factory, departments):
    """Dana's carry of the Development finding into a Marketing item, not accepted yet."""
    item = item_factory(departments["marketing"])
    return services.finding_carry(actor=dev_coordinator, finding=dev_finding, plan_item=item)


@pytest.fixture
def proposal(dev_coordinator, dev_finding, departments):
    """Dana's proposal of a new item for Marketing (in the first month not over yet)."""
    return services.finding_propose_item(
        actor=dev_coordinator,
        finding=dev_finding,
        department=departments["marketing"],
        title="Announce the new beta date",
    )


def _dismiss_behind_the_services_back(finding):
    # The services never let a carried or proposed finding be dismissed; a row changed
    # meanwhile by an older version or by hand must still stop the carry.
    Finding.objects.filter(pk=finding.pk).update(
        dismissed_at=timezone.now(), dismissal_reason="Handled elsewhere"
    )


# ---------------------------------------------------------------------------- the lifecycle


def test_a_review_month_outside_the_accepted_years_is_refused(pm):
    with pytest.raises(ValidationError, match=OUT_OF_RANGE):
        services.review_create(actor=pm, month=BEFORE_RANGE)
    assert not Review.objects.exists()


def test_only_pms_open_a_review(dev_coordinator, pm):
    draft = ReviewFactory(month=MARCH, facilitator=pm, status=Review.Status.DRAFT, opened_at=None)
    with pytest.raises(PermissionDenied, match="Only project managers can run reviews"):
        services.review_open(actor=dev_coordinator, review=draft)
    draft.refresh_from_db()
    assert draft.status == Review.Status.DRAFT and draft.opened_at is None


def test_only_pms_close_a_review(dev_coordinator, review):
    with pytest.raises(PermissionDenied, match="Only project managers can run reviews"):
        services.review_close(actor=dev_coordinator, review=review)
    review.refresh_from_db()
    assert review.status == Review.Status.OPEN and review.closed_at is None


def test_an_open_review_cannot_be_opened_again(pm, review):
    opened_at = review.opened_at
    with pytest.raises(ValidationError, match="Only a draft review can be opened"):
        services.review_open(actor=pm, review=review)
    review.refresh_from_db()
    assert review.opened_at == opened_at


def test_a_closed_review_cannot_be_closed_again(pm, plan):
    closed = ReviewFactory(month=MARCH, plan=plan, facilitator=pm, closed=True)
    closed_at = closed.closed_at
    with pytest.raises(ValidationError, match="Only an open review can be closed"):
        services.review_close(actor=pm, review=closed)
    closed.refresh_from_db()
    assert closed.closed_at == closed_at


def _other_pm():
    from tests.factories import make_pm

    colleague = make_pm("mia.pm")
    colleague.last_name = "Lee"
    colleague.first_name = "Mia"
    colleague.save()
    return colleague


def test_closing_a_review_a_colleague_closed_since_is_refused_by_name(pm, review):
    closed = services.review_close(actor=_other_pm(), review=review, seen_status="open")
    with pytest.raises(ValidationError, match="Mia Lee already changed this review to “Closed”"):
        services.review_close(actor=pm, review=review, seen_status="open")
    review.refresh_from_db()
    assert review.closed_at == closed.closed_at and review.history.count() == 2


def test_opening_a_review_a_colleague_opened_since_is_refused_by_name(pm):
    draft = ReviewFactory(month=MARCH, facilitator=pm, status=Review.Status.DRAFT, opened_at=None)
    opened = services.review_open(actor=_other_pm(), review=draft, seen_status="draft")
    with pytest.raises(ValidationError, match="Mia Lee already changed this review to “Open”"):
        services.review_open(actor=pm, review=draft, seen_status="draft")
    draft.refresh_from_db()
    assert draft.opened_at == opened.opened_at and draft.status == Review.Status.OPEN


# ---------------------------------------------------------------------------- findings


def test_only_pms_record_findings(dev_coordinator, review, departments):
    with pytest.raises(PermissionDenied, match="Only project managers can record findings"):
        services.finding_create(
            actor=dev_coordinator,
            review=review,
            kind=Finding.Kind.PROBLEM,
            title="Recorded by a coordinator",
            department=departments["dev"],
        )
    assert not Finding.objects.exists()


def test_only_pms_change_findings(dev_coordinator, dev_finding, departments):
    with pytest.raises(PermissionDenied, match="Only project managers can change findings"):
        services.finding_update(
            actor=dev_coordinator,
            finding=dev_finding,
            kind=Finding.Kind.LESSON,
            title="Reworded",
            department=departments["dev"],
        )
    dev_finding.refresh_from_db()
    assert dev_finding.title == "Development slipped two weeks"


def test_findings_of_a_closed_review_cannot_be_edited(pm, plan, departments):
    finding = FindingFactory(
        review=ReviewFactory(month=MARCH, plan=plan, facilitator=pm, closed=True),
        department=departments["dev"],
    )
    with pytest.raises(ValidationError, match="can no longer be edited"):
        services.finding_update(
            actor=pm,
            finding=finding,
            kind=finding.kind,
            title="Reworded after closing",
            department=departments["dev"],
        )
    finding.refresh_from_db()
    assert finding.title != "Reworded after closing"


def test_a_carried_finding_keeps_its_department(pm, dev_finding, departments):
    CarryoverFactory(finding=dev_finding)
    with pytest.raises(ValidationError, match="its department can no longer change"):
        services.finding_update(
            actor=pm,
            finding=dev_finding,
            kind=dev_finding.kind,
            title=dev_finding.title,
            department=departments["marketing"],
        )
    dev_finding.refresh_from_db()
    assert dev_finding.department == departments["dev"]


def test_a_carried_finding_is_still_reworded(pm, dev_finding, departments):
    CarryoverFactory(finding=dev_finding)
    services.finding_update(
        actor=pm,
        finding=dev_finding,
        kind=dev_finding.kind,
        title="Development slipped three weeks",
        department=departments["dev"],
    )
    dev_finding.refresh_from_db()
    assert dev_finding.title == "Development slipped three weeks"


def test_only_pms_delete_findings(dev_coordinator, dev_finding):
    with pytest.raises(PermissionDenied, match="Only project managers can delete findings"):
        services.finding_delete(actor=dev_coordinator, finding=dev_finding)
    assert Finding.objects.filter(pk=dev_finding.pk).exists()


def test_a_carried_finding_is_not_deleted_and_the_refusal_says_why(pm, dev_finding):
    CarryoverFactory(finding=dev_finding, accepted_at=None, accepted_by=None)
    with pytest.raises(ValidationError, match="carried into plan items and cannot be deleted"):
        services.finding_delete(actor=pm, finding=dev_finding)
    assert Finding.objects.filter(pk=dev_finding.pk).exists()


def test_a_dismissed_finding_is_not_dismissed_again(pm, dev_finding):
    services.finding_dismiss(actor=pm, finding=dev_finding, reason="Out of scope")
    first = Finding.objects.get(pk=dev_finding.pk)
    with pytest.raises(ValidationError, match="already been dismissed"):
        services.finding_dismiss(actor=pm, finding=dev_finding, reason="Another reason")
    again = Finding.objects.get(pk=dev_finding.pk)
    assert (again.dismissed_at, again.dismissal_reason) == (first.dismissed_at, "Out of scope")


def test_a_finding_with_a_pending_proposal_is_not_dismissed(pm, proposal):
    with pytest.raises(ValidationError, match="withdraw the proposal"):
        services.finding_dismiss(actor=pm, finding=proposal.finding, reason="Out of scope")
    assert Finding.objects.get(pk=proposal.finding_id).dismissed_at is None


# ---------------------------------------------------------------------------- carrying


def test_carrying_into_a_new_item_of_a_month_outside_the_accepted_years_is_refused(
    pm, dev_finding, departments
):
    with pytest.raises(ValidationError, match=OUT_OF_RANGE):
        services.finding_carry_new_item(
            actor=pm,
            finding=dev_finding,
            department=departments["dev"],
            title="Too early",
            owner=pm,
            month=BEFORE_RANGE,
        )
    assert not PlanItem.objects.exists() and not Carryover.objects.exists()


def test_a_coordinator_does_not_create_another_departments_item_from_a_finding(
    dev_coordinator, dev_finding, departments
):
    with pytest.raises(PermissionDenied, match="Propose the item"):
        services.finding_carry_new_item(
            actor=dev_coordinator,
            finding=dev_finding,
            department=departments["marketing"],
            title="Marketing's item",
            owner=dev_coordinator,
        )
    assert not PlanItem.objects.exists() and not Carryover.objects.exists()


def test_an_accepted_carry_is_not_accepted_again(pm, marketing_coordinator, proposed_carry):
    services.carryover_accept(actor=marketing_coordinator, carryover=proposed_carry)
    accepted_at = Carryover.objects.get(pk=proposed_carry.pk).accepted_at
    with pytest.raises(ValidationError, match="already been accepted"):
        services.carryover_accept(actor=pm, carryover=proposed_carry)
    carryover = Carryover.objects.get(pk=proposed_carry.pk)
    assert carryover.accepted_at == accepted_at and carryover.accepted_by == marketing_coordinator


def test_a_carry_of_a_dismissed_finding_is_not_accepted(marketing_coordinator, proposed_carry):
    _dismiss_behind_the_services_back(proposed_carry.finding)
    with pytest.raises(ValidationError, match="dismissed; it cannot be carried"):
        services.carryover_accept(actor=marketing_coordinator, carryover=proposed_carry)
    assert Carryover.objects.get(pk=proposed_carry.pk).accepted_at is None


def test_an_accepted_carry_cannot_be_withdrawn(pm, dev_finding, item_factory, departments):
    carryover = services.finding_carry(
        actor=pm, finding=dev_finding, plan_item=item_factory(departments["dev"])
    )
    with pytest.raises(ValidationError, match="cannot be withdrawn"):
        services.carryover_decline(actor=pm, carryover=carryover)
    assert Carryover.objects.filter(pk=carryover.pk).exists()


def test_only_the_receiving_department_a_pm_or_the_proposer_declines_a_carry(
    sales_coordinator, proposed_carry
):
    with pytest.raises(
        PermissionDenied,
        match="Only a PM, a coordinator of the plan item's department or the one who proposed it",
    ):
        services.carryover_decline(actor=sales_coordinator, carryover=proposed_carry)
    assert Carryover.objects.filter(pk=proposed_carry.pk).exists()


def test_the_proposer_withdraws_a_carry(dev_coordinator, proposed_carry):
    services.carryover_decline(actor=dev_coordinator, carryover=proposed_carry)
    assert not Carryover.objects.filter(pk=proposed_carry.pk).exists()


def test_proposing_an_item_for_a_month_outside_the_accepted_years_is_refused(
    dev_coordinator, dev_finding, departments
):
    with pytest.raises(ValidationError, match=OUT_OF_RANGE):
        services.finding_propose_item(
            actor=dev_coordinator,
            finding=dev_finding,
            department=departments["marketing"],
            title="Too early",
            month=BEFORE_RANGE,
        )
    assert not CarryProposal.objects.exists()


def test_a_proposal_for_a_dismissed_finding_is_refused(dev_coordinator, dev_finding, departments):
    _dismiss_behind_the_services_back(dev_finding)
    with pytest.raises(ValidationError, match="dismissed; it cannot be carried"):
        services.finding_propose_item(
            actor=dev_coordinator,
            finding=dev_finding,
            department=departments["marketing"],
            title="For a dismissed finding",
        )
    assert not CarryProposal.objects.exists()


def test_a_proposal_needs_a_title(dev_coordinator, dev_finding, departments):
    with pytest.raises(ValidationError, match="Give the proposed plan item a title"):
        services.finding_propose_item(
            actor=dev_coordinator,
            finding=dev_finding,
            department=departments["marketing"],
            title="   ",
        )
    assert not CarryProposal.objects.exists()


def test_only_the_proposed_department_or_a_pm_accepts_a_proposal(sales_coordinator, proposal):
    with pytest.raises(PermissionDenied, match="coordinator of the proposed department"):
        services.carry_proposal_accept(
            actor=sales_coordinator, proposal=proposal, owner=sales_coordinator
        )
    assert CarryProposal.objects.filter(pk=proposal.pk).exists()
    assert not PlanItem.objects.exists()


def test_a_proposal_for_a_dismissed_finding_is_not_accepted(marketing_coordinator, proposal):
    _dismiss_behind_the_services_back(proposal.finding)
    with pytest.raises(ValidationError, match="dismissed; it cannot be carried"):
        services.carry_proposal_accept(
            actor=marketing_coordinator, proposal=proposal, owner=marketing_coordinator
        )
    assert CarryProposal.objects.filter(pk=proposal.pk).exists()
    assert not PlanItem.objects.exists()


def test_accepting_a_proposal_with_a_due_date_outside_the_accepted_years_is_refused(
    marketing_coordinator, proposal
):
    with pytest.raises(ValidationError, match=OUT_OF_RANGE):
        services.carry_proposal_accept(
            actor=marketing_coordinator,
            proposal=proposal,
            owner=marketing_coordinator,
            due=datetime.date(2101, 1, 31),
        )
    assert CarryProposal.objects.filter(pk=proposal.pk).exists()
    assert not PlanItem.objects.exists()


def test_only_the_proposed_department_a_pm_or_the_proposer_declines_a_proposal(
    sales_coordinator, proposal
):
    with pytest.raises(
        PermissionDenied,
        match="Only a PM, a coordinator of the proposed department or the one who proposed it",
    ):
        services.carry_proposal_decline(actor=sales_coordinator, proposal=proposal)
    assert CarryProposal.objects.filter(pk=proposal.pk).exists()


def test_the_decline_refusals_say_who_may_in_chinese_too(
    sales_coordinator, proposal, proposed_carry
):
    with translation.override("zh-hans"):
        with pytest.raises(PermissionDenied, match="被提议部门的协调人或提议人"):
            services.carry_proposal_decline(actor=sales_coordinator, proposal=proposal)
        with pytest.raises(PermissionDenied, match="所属部门的协调人或提议人"):
            services.carryover_decline(actor=sales_coordinator, carryover=proposed_carry)


def test_the_receiving_department_declines_a_proposal(marketing_coordinator, proposal):
    services.carry_proposal_decline(actor=marketing_coordinator, proposal=proposal)
    assert not CarryProposal.objects.filter(pk=proposal.pk).exists()


def test_carrying_into_a_new_item_defaults_to_the_month_after_the_review(
    pm, dev_coordinator, recent_finding, departments, this_month
):
    # The review is last month's: the month after it is this one, the first not yet over.
    carryover = services.finding_carry_new_item(
        actor=pm,
        finding=recent_finding,
        department=departments["dev"],
        title="Catch up",
        owner=dev_coordinator,
    )
    assert carryover.plan_item.month == this_month and carryover.accepted_at is not None
