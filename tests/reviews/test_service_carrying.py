"""Carried work lands in a plan, with an owner, in a month that has not ended
(docs/architecture.md "Periods at the edges"): the carry services asked directly, from the
plan's last month, from a review held late and from a company-wide review. Each refusal
checks that nothing was written. Dates are relative to today, so the tests hold at any
moment (PLANBRIDGE_TEST_NOW included)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from goals.models import PlanItem
from planbridge.periods import add_months, month_end
from reviews import services
from reviews.models import Carryover, CarryProposal
from tests.factories import PlanFactory, UserFactory

from .factories import FindingFactory, ReviewFactory


def _nothing_written():
    return not PlanItem.objects.exists() and not Carryover.objects.exists()


def _carry(actor, finding, department, **kwargs):
    """finding_carry_new_item, owned by default by a coordinator of the department."""
    kwargs.setdefault("title", "Catch up on core module B")
    if "owner" not in kwargs:
        kwargs["owner"] = department.memberships.get(role="coordinator").user
    return services.finding_carry_new_item(
        actor=actor, finding=finding, department=department, **kwargs
    )


def _shown_in_the_plan(client, plan, item):
    """The item is on the plan's timeline, its plan-filtered item list and its document."""
    timeline = client.get(reverse("goals:timeline"), {"plan": plan.pk})
    bars = [bar.item.pk for row in timeline.context["timeline"].rows for bar in row.bars]
    items = client.get(reverse("goals:plan_item_list"), {"plan": plan.pk}).content.decode()
    document = client.get(reverse("plan_document", args=[plan.pk])).content.decode()
    markdown = client.get(reverse("plan_document_markdown", args=[plan.pk])).content.decode()
    return {
        "timeline": item.pk in bars,
        "list": item.title in items,
        "document": item.title in document,
        "markdown": item.title in markdown,
    }


ALL_SHOWN = {"timeline": True, "list": True, "document": True, "markdown": True}


@pytest.fixture
def other_plan(pm, dev_coordinator, this_month):
    """A second plan owning this month with Development on its team."""
    plan = PlanFactory(
        title="Platform upgrade",
        owner=pm,
        start=add_months(this_month, -1),
        end=month_end(add_months(this_month, 3)),
    )
    plan.team.set([dev_coordinator])
    return plan


@pytest.fixture
def company_wide_finding(pm, departments, this_month):
    """A Development problem of last month's company-wide review (no plan)."""
    review = ReviewFactory(month=add_months(this_month, -1), plan=None, facilitator=pm)
    return FindingFactory(review=review, department=departments["dev"], title="Hiring is slow")


# ------------------------------------------------------------------- where the item lands


def test_a_finding_of_the_plans_last_month_is_carried_into_the_month_after_inside_the_plan(
    client_for, pm, dev_member, departments, this_month
):
    plan = PlanFactory(
        title="Ends this month",
        owner=pm,
        start=add_months(this_month, -2),
        end=month_end(this_month),
    )
    review = ReviewFactory(month=this_month, plan=plan, facilitator=pm, closed=True)
    finding = FindingFactory(review=review, department=departments["dev"])
    carryover = _carry(pm, finding, departments["dev"], owner=dev_member)
    item = carryover.plan_item
    assert item.month == add_months(this_month, 1) and item.month > plan.end
    assert item.plan == plan and item.owner == dev_member
    assert carryover.accepted_at is not None
    assert _shown_in_the_plan(client_for(pm), plan, item) == ALL_SHOWN


def test_a_review_held_late_carries_into_the_current_month_not_one_already_over(
    client_for, pm, running_plan, dev_coordinator, departments, this_month
):
    review = ReviewFactory(
        month=add_months(this_month, -3), plan=running_plan, facilitator=pm, closed=True
    )
    finding = FindingFactory(review=review, department=departments["dev"])
    item = _carry(dev_coordinator, finding, departments["dev"]).plan_item
    assert item.month == this_month
    assert item.plan == running_plan and item.owner == dev_coordinator
    assert _shown_in_the_plan(client_for(pm), running_plan, item) == ALL_SHOWN


def test_a_company_wide_finding_goes_into_the_plan_whose_team_has_the_department(
    client_for, pm, running_plan, company_wide_finding, departments, sales_member, this_month
):
    # A plan of this month without anybody of Development on its team is no candidate.
    sales_push = PlanFactory(
        title="Sales push", owner=pm, start=this_month, end=month_end(this_month)
    )
    sales_push.team.set([sales_member])
    item = _carry(pm, company_wide_finding, departments["dev"]).plan_item
    assert item.plan == running_plan and item.month == this_month
    assert item.owner.username == "dana.dev"
    assert _shown_in_the_plan(client_for(pm), running_plan, item) == ALL_SHOWN


def test_a_company_wide_finding_with_several_candidate_plans_needs_a_choice(
    pm, running_plan, other_plan, company_wide_finding, departments
):
    with pytest.raises(ValidationError, match="Several plans own"):
        _carry(pm, company_wide_finding, departments["dev"])
    assert _nothing_written()
    item = _carry(pm, company_wide_finding, departments["dev"], plan=other_plan).plan_item
    assert item.plan == other_plan


def test_a_company_wide_finding_goes_into_no_plan_only_when_said_so(
    pm, dev_coordinator, company_wide_finding, departments
):
    with pytest.raises(ValidationError, match="No plan owns"):
        _carry(pm, company_wide_finding, departments["dev"])
    assert _nothing_written()
    item = _carry(pm, company_wide_finding, departments["dev"], no_plan=True).plan_item
    assert item.plan is None and item.owner.username == "dana.dev"


def test_a_plan_that_is_no_candidate_is_not_chosen(
    pm, running_plan, company_wide_finding, departments, dev_coordinator, this_month
):
    ended = PlanFactory(
        title="Ended",
        owner=pm,
        start=add_months(this_month, -9),
        end=month_end(add_months(this_month, -4)),
    )
    ended.team.set([dev_coordinator])  # Development's, but the month is not its own
    others = PlanFactory(
        title="Others'", owner=pm, start=this_month, end=month_end(add_months(this_month, 1))
    )
    others.team.set([pm])  # it owns the month, but nobody of Development is on its team
    for plan in (ended, others):
        with pytest.raises(ValidationError, match="choose one of the plans offered"):
            _carry(pm, company_wide_finding, departments["dev"], plan=plan)
    assert _nothing_written()


def test_a_plan_and_no_plan_together_are_refused(
    pm, running_plan, company_wide_finding, departments
):
    with pytest.raises(ValidationError, match="not both"):
        _carry(pm, company_wide_finding, departments["dev"], plan=running_plan, no_plan=True)
    assert _nothing_written()


def test_a_plans_finding_stays_in_the_plan_while_it_owns_the_month(
    pm, recent_finding, other_plan, departments
):
    for choice in ({"plan": other_plan}, {"no_plan": True}):
        with pytest.raises(ValidationError, match="is carried into that plan"):
            _carry(pm, recent_finding, departments["dev"], **choice)
    assert _nothing_written()


def test_after_its_plan_a_late_finding_goes_into_the_plan_owning_the_month(
    pm, dev_coordinator, departments, this_month
):
    # The plan ended three months ago: it owns up to the month after, two months ago.
    ended = PlanFactory(
        title="Last half-year",
        owner=pm,
        start=add_months(this_month, -8),
        end=month_end(add_months(this_month, -3)),
    )
    review = ReviewFactory(month=add_months(this_month, -3), plan=ended, facilitator=pm)
    finding = FindingFactory(review=review, department=departments["dev"])
    with pytest.raises(ValidationError, match="No plan owns"):
        _carry(pm, finding, departments["dev"])
    assert _nothing_written()
    successor = PlanFactory(
        title="This half-year",
        owner=pm,
        start=add_months(this_month, -2),
        end=month_end(add_months(this_month, 3)),
    )
    successor.team.set([dev_coordinator])
    item = _carry(pm, finding, departments["dev"]).plan_item
    assert item.plan == successor and item.month == this_month


# ------------------------------------------------------------------------------- the month


def test_a_month_already_over_is_refused(pm, running_plan, departments, this_month):
    review = ReviewFactory(month=add_months(this_month, -3), plan=running_plan, facilitator=pm)
    finding = FindingFactory(review=review, department=departments["dev"])
    with pytest.raises(ValidationError, match="is already over") as refused:
        _carry(pm, finding, departments["dev"], month=add_months(this_month, -1))
    assert "month" in refused.value.message_dict
    assert _nothing_written()


def test_the_month_already_over_is_refused_in_chinese_too(
    pm, running_plan, departments, this_month
):
    review = ReviewFactory(month=add_months(this_month, -3), plan=running_plan, facilitator=pm)
    finding = FindingFactory(review=review, department=departments["dev"])
    with translation.override("zh-hans"), pytest.raises(ValidationError, match="已经结束"):
        _carry(pm, finding, departments["dev"], month=add_months(this_month, -1))
    assert _nothing_written()


def test_a_proposal_defaults_to_the_current_month_for_a_review_held_late(
    dev_coordinator, running_plan, pm, departments, this_month
):
    review = ReviewFactory(month=add_months(this_month, -3), plan=running_plan, facilitator=pm)
    finding = FindingFactory(review=review, department=departments["dev"])
    proposal = services.finding_propose_item(
        actor=dev_coordinator, finding=finding, department=departments["marketing"], title="Warm up"
    )
    assert proposal.month == this_month


def test_a_proposal_for_a_month_already_over_is_refused(
    dev_coordinator, running_plan, pm, departments, this_month
):
    review = ReviewFactory(month=add_months(this_month, -3), plan=running_plan, facilitator=pm)
    finding = FindingFactory(review=review, department=departments["dev"])
    with pytest.raises(ValidationError, match="is already over"):
        services.finding_propose_item(
            actor=dev_coordinator,
            finding=finding,
            department=departments["marketing"],
            title="Warm up",
            month=add_months(this_month, -1),
        )
    assert not CarryProposal.objects.exists()


# ------------------------------------------------------------------------------- the owner


def test_the_new_item_needs_an_owner(pm, recent_finding, departments):
    with pytest.raises(ValidationError, match="Choose who owns"):
        _carry(pm, recent_finding, departments["dev"], owner=None)
    assert _nothing_written()


def test_an_owner_from_another_department_not_on_the_plan_team_is_refused(
    pm, recent_finding, departments, sales_member
):
    with pytest.raises(ValidationError, match="only as a member of Product Development") as refused:
        _carry(pm, recent_finding, departments["dev"], owner=sales_member)
    assert "owner" in refused.value.message_dict
    assert _nothing_written()


def test_an_owner_on_the_plan_team_may_come_from_another_department(
    pm, recent_finding, departments, marketing_coordinator
):
    item = _carry(pm, recent_finding, departments["dev"], owner=marketing_coordinator).plan_item
    assert item.owner == marketing_coordinator


def test_without_a_plan_only_the_department_owns_it(
    pm, company_wide_finding, departments, marketing_coordinator, dev_member
):
    with pytest.raises(ValidationError, match="only as a member of Product Development\\."):
        _carry(
            pm, company_wide_finding, departments["dev"], no_plan=True, owner=marketing_coordinator
        )
    assert _nothing_written()
    item = _carry(pm, company_wide_finding, departments["dev"], no_plan=True, owner=dev_member)
    assert item.plan_item.owner == dev_member


def test_an_inactive_member_does_not_own_carried_work(pm, recent_finding, departments, dev_member):
    dev_member.is_active = False
    dev_member.save()
    with pytest.raises(ValidationError, match="only as a member"):
        _carry(pm, recent_finding, departments["dev"], owner=dev_member)
    assert _nothing_written()


# ------------------------------------------------------------------- accepting a proposal


@pytest.fixture
def proposal(dev_coordinator, recent_finding, departments):
    """Dana's proposal of a new item for Marketing, in this month (the default)."""
    return services.finding_propose_item(
        actor=dev_coordinator,
        finding=recent_finding,
        department=departments["marketing"],
        title="Move the launch event",
    )


def test_an_accepted_proposal_lands_in_the_plan_with_its_owner(
    client_for, pm, marketing_coordinator, proposal, running_plan, this_month
):
    carryover = services.carry_proposal_accept(
        actor=marketing_coordinator, proposal=proposal, owner=marketing_coordinator
    )
    item = carryover.plan_item
    assert item.plan == running_plan and item.owner == marketing_coordinator
    assert item.month == this_month and carryover.accepted_at is not None
    assert _shown_in_the_plan(client_for(pm), running_plan, item) == ALL_SHOWN


def test_accepting_a_proposal_needs_an_owner(marketing_coordinator, proposal):
    with pytest.raises(ValidationError, match="Choose who owns"):
        services.carry_proposal_accept(actor=marketing_coordinator, proposal=proposal, owner=None)
    assert CarryProposal.objects.filter(pk=proposal.pk).exists() and _nothing_written()


def test_accepting_a_proposal_with_an_owner_from_elsewhere_is_refused(
    marketing_coordinator, proposal, dev_member
):
    with pytest.raises(ValidationError, match="only as a member of Marketing"):
        services.carry_proposal_accept(
            actor=marketing_coordinator, proposal=proposal, owner=dev_member
        )
    assert CarryProposal.objects.filter(pk=proposal.pk).exists() and _nothing_written()


def test_a_proposal_is_not_accepted_into_the_reviews_month(
    marketing_coordinator, proposal, recent_finding
):
    with pytest.raises(ValidationError, match="carried into a later month"):
        services.carry_proposal_accept(
            actor=marketing_coordinator,
            proposal=proposal,
            owner=marketing_coordinator,
            month=recent_finding.review.month,
        )
    assert CarryProposal.objects.filter(pk=proposal.pk).exists() and _nothing_written()


def test_accepting_a_proposal_into_a_month_already_over_is_refused(
    marketing_coordinator, pm, running_plan, dev_coordinator, departments, this_month
):
    review = ReviewFactory(month=add_months(this_month, -3), plan=running_plan, facilitator=pm)
    finding = FindingFactory(review=review, department=departments["dev"])
    proposal = CarryProposal.objects.create(
        finding=finding,
        department=departments["marketing"],
        month=add_months(this_month, -1),
        title="Move the launch event",
        proposed_by=dev_coordinator,
    )
    with pytest.raises(ValidationError, match="is already over"):
        services.carry_proposal_accept(
            actor=marketing_coordinator, proposal=proposal, owner=marketing_coordinator
        )
    assert CarryProposal.objects.filter(pk=proposal.pk).exists() and _nothing_written()
    item = services.carry_proposal_accept(
        actor=marketing_coordinator,
        proposal=proposal,
        owner=marketing_coordinator,
        month=this_month,
    ).plan_item
    assert item.month == this_month and item.plan == running_plan


def test_a_company_wide_proposal_is_accepted_into_the_chosen_plan(
    pm, marketing_coordinator, dev_coordinator, departments, this_month
):
    review = ReviewFactory(month=add_months(this_month, -1), plan=None, facilitator=pm)
    finding = FindingFactory(review=review, department=departments["dev"])
    proposal = services.finding_propose_item(
        actor=dev_coordinator, finding=finding, department=departments["marketing"], title="Fair"
    )
    first, second = (
        PlanFactory(
            title=title, owner=pm, start=this_month, end=month_end(add_months(this_month, 1))
        )
        for title in ("Autumn fair", "Web shop")
    )
    first.team.set([marketing_coordinator])
    second.team.set([marketing_coordinator])
    with pytest.raises(ValidationError, match="Several plans own"):
        services.carry_proposal_accept(
            actor=marketing_coordinator, proposal=proposal, owner=marketing_coordinator
        )
    assert _nothing_written()
    item = services.carry_proposal_accept(
        actor=marketing_coordinator, proposal=proposal, owner=marketing_coordinator, plan=second
    ).plan_item
    assert item.plan == second


def test_the_default_owner_is_an_active_coordinator_of_the_department(
    pm, departments, sales_coordinator, dev_coordinator
):
    from reviews import selectors

    retired = UserFactory(username="aaron.retired", is_active=False)
    retired.memberships.create(department=departments["sales"], role="coordinator")
    sales = departments["sales"].pk
    assert selectors.default_carry_owner(department_id=sales, actor=pm) == sales_coordinator
    assert selectors.default_carry_owner(department_id=sales, actor=dev_coordinator) == (
        sales_coordinator
    )
    dev = departments["dev"].pk
    assert selectors.default_carry_owner(department_id=dev, actor=dev_coordinator) == (
        dev_coordinator
    )
    assert selectors.default_carry_owner(department_id=dev, actor=pm) == dev_coordinator


# A second answer to a proposal someone answered since the page was opened is refused with
# who answered it, how and when; it never creates a second item nor raises DoesNotExist.


def test_accepting_a_proposal_declined_since_is_refused_by_name(
    pm, marketing_coordinator, proposal
):
    services.carry_proposal_decline(actor=marketing_coordinator, proposal=proposal)
    with pytest.raises(services.ProposalAnswered, match="Mia already declined this proposal"):
        services.carry_proposal_accept(actor=pm, proposal=proposal, owner=marketing_coordinator)
    assert _nothing_written()


def test_declining_a_proposal_accepted_since_is_refused_by_name(
    pm, marketing_coordinator, proposal
):
    carryover = services.carry_proposal_accept(
        actor=marketing_coordinator, proposal=proposal, owner=marketing_coordinator
    )
    with pytest.raises(services.ProposalAnswered, match="Mia already accepted this proposal"):
        services.carry_proposal_decline(actor=pm, proposal=proposal)
    with pytest.raises(services.ProposalAnswered, match="Mia already accepted this proposal"):
        services.carry_proposal_accept(actor=pm, proposal=proposal, owner=marketing_coordinator)
    assert list(Carryover.objects.all()) == [carryover] and PlanItem.objects.count() == 1


def test_answering_a_proposal_withdrawn_since_says_so(
    dev_coordinator, marketing_coordinator, proposal
):
    services.carry_proposal_decline(actor=dev_coordinator, proposal=proposal)
    with pytest.raises(services.ProposalAnswered, match="Dana already withdrew this proposal"):
        services.carry_proposal_decline(actor=marketing_coordinator, proposal=proposal)


def test_answering_a_proposal_gone_without_a_trace_is_refused_not_a_crash(
    marketing_coordinator, proposal
):
    CarryProposal.objects.filter(pk=proposal.pk).delete()
    CarryProposal.history.all().delete()
    with pytest.raises(ValidationError, match="This proposal no longer exists"):
        services.carry_proposal_decline(actor=marketing_coordinator, proposal=proposal)
    with pytest.raises(ValidationError, match="This proposal no longer exists"):
        services.carry_proposal_accept(
            actor=marketing_coordinator, proposal=proposal, owner=marketing_coordinator
        )
    assert _nothing_written()


@pytest.fixture
def proposed_carry(dev_coordinator, recent_finding, departments, running_plan, this_month):
    """Dana's carry of the finding into an existing Marketing item, not accepted yet."""
    from tests.goals.factories import PlanItemFactory

    item = PlanItemFactory(plan=running_plan, department=departments["marketing"], month=this_month)
    return services.finding_carry(actor=dev_coordinator, finding=recent_finding, plan_item=item)


def test_accepting_a_carry_withdrawn_since_is_refused_by_name(
    dev_coordinator, marketing_coordinator, proposed_carry
):
    services.carryover_decline(actor=dev_coordinator, carryover=proposed_carry)
    with pytest.raises(services.ProposalAnswered, match="Dana already withdrew this proposal"):
        services.carryover_accept(actor=marketing_coordinator, carryover=proposed_carry)
    with pytest.raises(services.ProposalAnswered, match="Dana already withdrew this proposal"):
        services.carryover_decline(actor=marketing_coordinator, carryover=proposed_carry)
    assert not Carryover.objects.exists()


def test_a_second_answer_to_an_accepted_carry_names_who_accepted_it(
    pm, marketing_coordinator, proposed_carry
):
    services.carryover_accept(actor=marketing_coordinator, carryover=proposed_carry)
    with pytest.raises(services.ProposalAnswered, match="Mia already accepted this proposal"):
        services.carryover_accept(actor=pm, carryover=proposed_carry)
    with pytest.raises(services.ProposalAnswered, match="cannot be withdrawn. Mia already"):
        services.carryover_decline(actor=pm, carryover=proposed_carry)
    assert Carryover.objects.get().accepted_by == marketing_coordinator
