"""The bridge rule in the services: carrying, dismissing, deleting, the review lifecycle."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reviews import services
from reviews.models import Carryover, Finding, Review

from .conftest import APRIL, MARCH
from .factories import CarryoverFactory, FindingFactory, ReviewFactory, make_evidence

FEBRUARY = datetime.date(2026, 2, 1)
MAY = datetime.date(2026, 5, 1)


def test_carrying_into_the_same_month_is_refused(pm, dev_finding, item_factory, departments):
    item = item_factory(departments["dev"], month=MARCH)
    with pytest.raises(ValidationError, match="later month"):
        services.finding_carry(actor=pm, finding=dev_finding, plan_item=item)
    assert not Carryover.objects.exists()


def test_carrying_into_an_earlier_month_is_refused(pm, dev_finding, item_factory, departments):
    item = item_factory(departments["dev"], month=FEBRUARY)
    with pytest.raises(ValidationError, match="later month"):
        services.finding_carry(actor=pm, finding=dev_finding, plan_item=item)
    assert not Carryover.objects.exists()


def test_carrying_into_a_later_month_is_accepted_at_once_and_clears_the_flag(
    pm, dev_finding, item_factory, departments
):
    Finding.objects.filter(pk=dev_finding.pk).update(flagged_at=datetime.datetime.now(datetime.UTC))
    item = item_factory(departments["dev"], month=APRIL)
    carryover = services.finding_carry(actor=pm, finding=dev_finding, plan_item=item)
    assert carryover.accepted_at is not None and carryover.accepted_by == pm
    dev_finding.refresh_from_db()
    assert dev_finding.flagged_at is None


def test_a_finding_can_be_carried_into_items_of_several_departments(
    pm, dev_finding, item_factory, departments
):
    dev_item = item_factory(departments["dev"], month=APRIL)
    marketing_item = item_factory(departments["marketing"], month=MAY)
    services.finding_carry(actor=pm, finding=dev_finding, plan_item=dev_item)
    services.finding_carry(actor=pm, finding=dev_finding, plan_item=marketing_item)
    linked = set(dev_finding.carryovers.values_list("plan_item__department__slug", flat=True))
    assert linked == {"development", "marketing"}


def test_carrying_twice_into_the_same_item_is_refused(pm, dev_finding, item_factory, departments):
    item = item_factory(departments["dev"])
    services.finding_carry(actor=pm, finding=dev_finding, plan_item=item)
    with pytest.raises(ValidationError, match="already linked"):
        services.finding_carry(actor=pm, finding=dev_finding, plan_item=item)


def test_the_month_rule_holds_whatever_the_caller_claims_about_the_item(
    pm, dev_finding, item_factory, departments
):
    # The service reloads the item: a stale in-memory month cannot sneak past the rule.
    item = item_factory(departments["dev"], month=MARCH)
    item.month = MAY
    with pytest.raises(ValidationError):
        services.finding_carry(actor=pm, finding=dev_finding, plan_item=item)


def test_a_coordinator_carries_their_departments_finding_into_their_own_item(
    dev_coordinator, dev_finding, item_factory, departments
):
    item = item_factory(departments["dev"])
    carryover = services.finding_carry(actor=dev_coordinator, finding=dev_finding, plan_item=item)
    assert carryover.accepted_at is not None


def test_a_coordinator_proposes_into_another_department_which_its_coordinator_accepts(
    dev_coordinator,
    marketing_coordinator,
    sales_coordinator,
    dev_finding,
    item_factory,
    departments,
):
    Finding.objects.filter(pk=dev_finding.pk).update(flagged_at=datetime.datetime.now(datetime.UTC))
    item = item_factory(departments["marketing"])
    proposal = services.finding_carry(actor=dev_coordinator, finding=dev_finding, plan_item=item)
    assert proposal.accepted_at is None
    dev_finding.refresh_from_db()
    assert dev_finding.flagged_at is not None, "a proposal is not a disposition yet"

    with pytest.raises(PermissionDenied):
        services.carryover_accept(actor=sales_coordinator, carryover=proposal)
    with pytest.raises(PermissionDenied):
        services.carryover_accept(actor=dev_coordinator, carryover=proposal)

    services.carryover_accept(actor=marketing_coordinator, carryover=proposal)
    proposal.refresh_from_db()
    dev_finding.refresh_from_db()
    assert proposal.accepted_by == marketing_coordinator and proposal.accepted_at is not None
    assert dev_finding.flagged_at is None


def test_a_declined_proposal_is_removed(
    dev_coordinator, marketing_coordinator, dev_finding, item_factory, departments
):
    item = item_factory(departments["marketing"])
    proposal = services.finding_carry(actor=dev_coordinator, finding=dev_finding, plan_item=item)
    services.carryover_decline(actor=marketing_coordinator, carryover=proposal)
    assert not Carryover.objects.exists()


def test_a_coordinator_of_another_department_cannot_carry_the_finding(
    marketing_coordinator, dev_finding, item_factory, departments
):
    item = item_factory(departments["marketing"])
    with pytest.raises(PermissionDenied):
        services.finding_carry(actor=marketing_coordinator, finding=dev_finding, plan_item=item)


def test_a_member_cannot_carry(dev_member, dev_finding, item_factory, departments):
    item = item_factory(departments["dev"])
    with pytest.raises(PermissionDenied):
        services.finding_carry(actor=dev_member, finding=dev_finding, plan_item=item)


def test_dismissing_without_a_reason_is_refused(pm, dev_finding):
    for reason in ["", "   "]:
        with pytest.raises(ValidationError, match="why"):
            services.finding_dismiss(actor=pm, finding=dev_finding, reason=reason)
    dev_finding.refresh_from_db()
    assert dev_finding.dismissed_at is None


def test_dismissing_records_the_reason_and_clears_the_flag(pm, dev_finding):
    Finding.objects.filter(pk=dev_finding.pk).update(flagged_at=datetime.datetime.now(datetime.UTC))
    services.finding_dismiss(actor=pm, finding=dev_finding, reason="Solved within the month.")
    dev_finding.refresh_from_db()
    assert dev_finding.dismissed_by == pm and dev_finding.dismissal_reason
    assert dev_finding.dismissed_at is not None and dev_finding.flagged_at is None


def test_only_a_pm_dismisses(dev_coordinator, dev_finding):
    with pytest.raises(PermissionDenied):
        services.finding_dismiss(actor=dev_coordinator, finding=dev_finding, reason="No.")


def test_a_dismissed_finding_cannot_be_carried(pm, dev_finding, item_factory, departments):
    services.finding_dismiss(actor=pm, finding=dev_finding, reason="Not worth it.")
    with pytest.raises(ValidationError, match="dismissed"):
        services.finding_carry(
            actor=pm, finding=dev_finding, plan_item=item_factory(departments["dev"])
        )


def test_a_carried_finding_cannot_be_dismissed(pm, dev_finding, item_factory, departments):
    services.finding_carry(
        actor=pm, finding=dev_finding, plan_item=item_factory(departments["dev"])
    )
    with pytest.raises(ValidationError, match="carried"):
        services.finding_dismiss(actor=pm, finding=dev_finding, reason="Changed my mind.")


def test_deleting_a_finding_with_carryovers_is_refused(pm, dev_finding, item_factory, departments):
    services.finding_carry(
        actor=pm, finding=dev_finding, plan_item=item_factory(departments["dev"])
    )
    with pytest.raises(ValidationError, match="cannot be deleted"):
        services.finding_delete(actor=pm, finding=dev_finding)
    assert Finding.objects.filter(pk=dev_finding.pk).exists()


def test_deleting_a_finding_with_only_a_pending_proposal_is_refused_too(
    dev_coordinator, pm, dev_finding, item_factory, departments
):
    item = item_factory(departments["marketing"])
    services.finding_carry(actor=dev_coordinator, finding=dev_finding, plan_item=item)
    with pytest.raises(ValidationError):
        services.finding_delete(actor=pm, finding=dev_finding)


def test_a_finding_without_carryovers_is_deleted(pm, dev_finding):
    services.finding_delete(actor=pm, finding=dev_finding)
    assert not Finding.objects.exists()


def test_a_review_goes_from_draft_to_open_to_closed_recording_the_times(pm, plan):
    review = services.review_create(actor=pm, month=datetime.date(2026, 3, 17), plan=plan)
    assert review.month == MARCH and review.status == Review.Status.DRAFT
    review = services.review_open(actor=pm, review=review)
    assert review.status == Review.Status.OPEN and review.opened_at is not None
    with pytest.raises(ValidationError):
        services.review_open(actor=pm, review=review)
    review = services.review_close(actor=pm, review=review)
    assert review.status == Review.Status.CLOSED and review.closed_at is not None
    with pytest.raises(ValidationError):
        services.review_close(actor=pm, review=review)


def test_a_draft_cannot_be_closed_without_being_opened(pm, plan):
    review = services.review_create(actor=pm, month=MARCH, plan=plan)
    with pytest.raises(ValidationError, match="open review"):
        services.review_close(actor=pm, review=review)


def test_only_pms_run_reviews(dev_coordinator, plan):
    with pytest.raises(PermissionDenied):
        services.review_create(actor=dev_coordinator, month=MARCH, plan=plan)


def test_a_second_review_of_the_same_month_and_plan_is_refused(pm, review):
    with pytest.raises(ValidationError, match="already a review"):
        services.review_create(actor=pm, month=MARCH, plan=review.plan)


def test_a_review_month_outside_the_plan_is_refused(pm, plan):
    with pytest.raises(ValidationError, match="outside"):
        services.review_create(actor=pm, month=datetime.date(2027, 1, 1), plan=plan)


def test_findings_are_recorded_with_their_evidence_link(pm, review, plan, departments):
    ask = make_evidence(plan=plan, departments=departments, author=pm, month=MARCH)["ask"][0]
    finding = services.finding_create(
        actor=pm,
        review=review,
        kind=Finding.Kind.RISK,
        title="  Sales has no material  ",
        department=departments["sales"],
        evidence_kind=Finding.EvidenceKind.ASK,
        evidence_object_id=ask.pk,
    )
    assert finding.title == "Sales has no material"
    assert (finding.evidence_kind, finding.evidence_object_id) == ("ask", ask.pk)


def test_an_evidence_link_to_a_line_not_in_the_reviews_evidence_is_refused(
    pm, review, plan, departments
):
    # An ask of a later month (May; the review is of March), and an id no row has.
    may = make_evidence(
        plan=plan, departments=departments, author=pm, month=datetime.date(2026, 5, 1)
    )["ask"][0]
    for object_id in (may.pk, 999999):
        with pytest.raises(ValidationError, match="not part of this review"):
            services.finding_create(
                actor=pm,
                review=review,
                kind=Finding.Kind.PROBLEM,
                title="Release date unknown",
                department=departments["dev"],
                evidence_kind=Finding.EvidenceKind.ASK,
                evidence_object_id=object_id,
            )
    assert not Finding.objects.exists()


def test_a_half_evidence_link_is_refused(pm, review, departments):
    with pytest.raises(ValidationError, match="both its kind and its object"):
        services.finding_create(
            actor=pm,
            review=review,
            kind=Finding.Kind.RISK,
            title="x",
            department=departments["sales"],
            evidence_kind=Finding.EvidenceKind.ASK,
        )


def test_no_findings_are_added_to_a_closed_review(pm, plan, departments):
    closed = ReviewFactory(month=MARCH, plan=plan, facilitator=pm, closed=True)
    with pytest.raises(ValidationError, match="closed"):
        services.finding_create(
            actor=pm, review=closed, kind="lesson", title="Late", department=departments["dev"]
        )


def test_a_wrong_kind_is_refused(pm, review, departments):
    with pytest.raises(ValidationError):
        services.finding_create(
            actor=pm, review=review, kind="gossip", title="x", department=departments["dev"]
        )
    assert not Finding.objects.exists()


def test_findings_of_a_closed_review_cannot_be_deleted(pm, plan, departments):
    finding = FindingFactory(
        review=ReviewFactory(plan=plan, facilitator=pm, closed=True), department=departments["dev"]
    )
    with pytest.raises(ValidationError, match="closed"):
        services.finding_delete(actor=pm, finding=finding)


def test_a_carryover_factory_links_an_accepted_item(db):
    # Guards the factory other tests rely on: accepted at creation, same department.
    carryover = CarryoverFactory()
    assert carryover.accepted_at is not None
    assert carryover.plan_item.department == carryover.finding.department


def test_proposing_an_item_in_the_review_month_is_refused(
    dev_coordinator, dev_finding, departments
):
    with pytest.raises(ValidationError, match="later month"):
        services.finding_propose_item(
            actor=dev_coordinator,
            finding=dev_finding,
            department=departments["marketing"],
            title="Too early",
            month=MARCH,
        )
    assert not dev_finding.proposals.exists()


def test_a_coordinator_of_another_department_cannot_propose_for_the_finding(
    sales_coordinator, dev_finding, departments
):
    with pytest.raises(PermissionDenied):
        services.finding_propose_item(
            actor=sales_coordinator,
            finding=dev_finding,
            department=departments["marketing"],
            title="Not ours",
        )
