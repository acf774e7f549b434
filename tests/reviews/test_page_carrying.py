"""The carry forms of the finding page (docs/architecture.md "Periods at the edges"): the new
item's owner, month and plan are offered and defaulted as the rules say, bad input is
refused on the form with nothing saved (never a 5xx), accepting a proposal settles the same,
and the digest's link still carries in one step. Dates are relative to today."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from goals.models import PlanItem
from planbridge.periods import add_months, month_end
from reviews import services
from reviews.forms import NO_PLAN
from reviews.models import Carryover, CarryProposal
from reviews.selectors.digests import digest_items
from tests.factories import PlanFactory

from .factories import FindingFactory, ReviewFactory


def _page(client, finding):
    return client.get(reverse("reviews:finding_detail", args=[finding.pk]))


def _as_posted(form) -> dict:
    """What the browser posts for an untouched form: each field's initial value."""
    return {name: "" if form[name].value() is None else form[name].value() for name in form.fields}


def _carry_new(client, finding, data):
    return client.post(reverse("reviews:finding_carry_new", args=[finding.pk]), data)


def _nothing_written():
    return not PlanItem.objects.exists() and not Carryover.objects.exists()


@pytest.fixture
def late_finding(pm, running_plan, departments, this_month):
    """A Development problem of a review held late: three months ago, in the running plan."""
    review = ReviewFactory(month=add_months(this_month, -3), plan=running_plan, facilitator=pm)
    return FindingFactory(review=review, department=departments["dev"], title="Beta slipped")


@pytest.fixture
def company_wide_finding(pm, departments, this_month):
    review = ReviewFactory(month=add_months(this_month, -1), plan=None, facilitator=pm)
    return FindingFactory(review=review, department=departments["dev"], title="Hiring is slow")


# ------------------------------------------------------------------------- what is offered


def test_the_form_offers_the_departments_members_and_the_plan_team_a_coordinator_first(
    client_for,
    pm,
    late_finding,
    running_plan,
    dev_coordinator,
    dev_member,
    marketing_coordinator,
    sales_member,
    this_month,
):
    form = _page(client_for(pm), late_finding).context["new_item_form"]
    owners = {value for value, _label in form.fields["owner"].choices if value}
    assert {str(dev_coordinator.pk), str(dev_member.pk), str(marketing_coordinator.pk)} <= owners
    assert str(sales_member.pk) not in owners  # neither Development nor on the team
    assert form["owner"].value() == str(dev_coordinator.pk)
    # A review held late: the first month after it that has not ended is this one.
    assert form["month"].value() == this_month
    assert [value for value, _label in form.fields["plan"].choices] == [str(running_plan.pk)]


def test_the_untouched_form_carries_into_the_plan_with_an_owner_and_a_month_not_over(
    client_for, pm, late_finding, running_plan, dev_coordinator, this_month
):
    client = client_for(pm)
    data = _as_posted(_page(client, late_finding).context["new_item_form"])
    assert _carry_new(client, late_finding, data).status_code == 302
    item = Carryover.objects.get().plan_item
    assert (item.plan, item.owner, item.month) == (running_plan, dev_coordinator, this_month)


def test_a_month_already_over_is_refused_on_the_form(client_for, pm, late_finding, this_month):
    client = client_for(pm)
    data = _as_posted(_page(client, late_finding).context["new_item_form"])
    data["month"] = f"{add_months(this_month, -1):%Y-%m}"
    response = _carry_new(client, late_finding, data)
    assert response.status_code == 400
    assert "is already over" in str(response.context["new_item_form"].errors["month"])
    assert _nothing_written()


@pytest.mark.parametrize("who", ["sales_member", "nobody"])
def test_an_owner_outside_the_department_and_team_or_none_is_refused_on_the_form(
    request, client_for, pm, late_finding, who
):
    client = client_for(pm)
    data = _as_posted(_page(client, late_finding).context["new_item_form"])
    data["owner"] = request.getfixturevalue(who).pk if who != "nobody" else ""
    response = _carry_new(client, late_finding, data)
    assert response.status_code == 400
    errors = str(response.context["new_item_form"].errors["owner"])
    assert ("Choose the owner from the list" if who != "nobody" else "Choose who owns") in errors
    assert _nothing_written()


def test_choosing_another_department_offers_its_members_on_the_refused_form(
    client_for, pm, late_finding, departments, dev_member, sales_member
):
    client = client_for(pm)
    data = _as_posted(_page(client, late_finding).context["new_item_form"])
    data.update(department=departments["sales"].pk, owner=dev_member.pk)
    response = _carry_new(client, late_finding, data)
    assert response.status_code == 400 and _nothing_written()
    owners = {value for value, _label in response.context["new_item_form"].fields["owner"].choices}
    assert str(sales_member.pk) in owners and str(dev_member.pk) not in owners


def test_a_coordinator_proposing_to_another_department_leaves_the_owner_to_it(
    client_for, dev_coordinator, late_finding, departments, this_month
):
    client = client_for(dev_coordinator)
    data = _as_posted(_page(client, late_finding).context["new_item_form"])
    data.update(department=departments["marketing"].pk, owner="")
    assert _carry_new(client, late_finding, data).status_code == 302
    assert late_finding.proposals.get().month == this_month and _nothing_written()


# -------------------------------------------------------------- company-wide and late reviews


def test_a_company_wide_review_offers_the_plans_with_the_department_and_no_plan(
    client_for, pm, running_plan, dev_coordinator, company_wide_finding, this_month
):
    other = PlanFactory(title="Platform", owner=pm, start=this_month, end=month_end(this_month))
    other.team.set([dev_coordinator])
    client = client_for(pm)
    form = _page(client, company_wide_finding).context["new_item_form"]
    choices = [value for value, _label in form.fields["plan"].choices]
    assert choices == ["", str(running_plan.pk), str(other.pk), NO_PLAN]
    assert form["plan"].value() == ""  # several: the user chooses
    data = _as_posted(form)
    refused = _carry_new(client, company_wide_finding, data)
    assert refused.status_code == 400 and _nothing_written()
    assert "Several plans own" in str(refused.context["new_item_form"].errors["plan"])
    data["plan"] = str(other.pk)
    assert _carry_new(client, company_wide_finding, data).status_code == 302
    assert Carryover.objects.get().plan_item.plan == other


def test_a_company_wide_review_without_a_plan_says_no_plan_and_carries_outside_one(
    client_for, pm, dev_coordinator, company_wide_finding
):
    client = client_for(pm)
    form = _page(client, company_wide_finding).context["new_item_form"]
    assert [value for value, _label in form.fields["plan"].choices] == [NO_PLAN]
    assert _carry_new(client, company_wide_finding, _as_posted(form)).status_code == 302
    item = Carryover.objects.get().plan_item
    assert item.plan is None and item.owner == dev_coordinator


@pytest.mark.parametrize("name", ["pm", "dev_coordinator"])
def test_after_its_plan_a_late_finding_goes_into_the_plan_owning_the_month(
    request, client_for, pm, dev_coordinator, departments, this_month, name
):
    ended = PlanFactory(
        title="Last half-year",
        owner=pm,
        start=add_months(this_month, -8),
        end=month_end(add_months(this_month, -3)),
    )
    review = ReviewFactory(month=add_months(this_month, -3), plan=ended, facilitator=pm)
    finding = FindingFactory(review=review, department=departments["dev"])
    successor = PlanFactory(
        title="This half-year",
        owner=pm,
        start=add_months(this_month, -2),
        end=month_end(add_months(this_month, 3)),
    )
    successor.team.set([dev_coordinator])
    client = client_for(request.getfixturevalue(name))
    form = _page(client, finding).context["new_item_form"]
    assert form["plan"].value() == str(successor.pk)
    assert _carry_new(client, finding, _as_posted(form)).status_code == 302
    item = Carryover.objects.get().plan_item
    # Never an item of a plan outside that plan's months: the plan owning the month takes it.
    assert item.plan == successor and item.month == this_month


def test_no_plan_for_a_plans_finding_needs_to_be_chosen_explicitly(
    client_for, pm, dev_coordinator, departments, this_month
):
    ended = PlanFactory(
        title="Last half-year",
        owner=pm,
        start=add_months(this_month, -8),
        end=month_end(add_months(this_month, -3)),
    )
    review = ReviewFactory(month=add_months(this_month, -3), plan=ended, facilitator=pm)
    finding = FindingFactory(review=review, department=departments["dev"])
    client = client_for(pm)
    form = _page(client, finding).context["new_item_form"]
    assert form["plan"].value() == ""  # never outside the plan without being asked
    data = _as_posted(form)
    refused = _carry_new(client, finding, data)
    assert refused.status_code == 400 and _nothing_written()
    assert "No plan owns" in refused.content.decode()
    data["plan"] = NO_PLAN
    assert _carry_new(client, finding, data).status_code == 302
    assert Carryover.objects.get().plan_item.plan is None


# ----------------------------------------------------------------------- accepting proposals


@pytest.fixture
def proposal(dev_coordinator, late_finding, departments):
    return services.finding_propose_item(
        actor=dev_coordinator,
        finding=late_finding,
        department=departments["marketing"],
        title="Move the launch event",
    )


def _accept_form(client, proposal):
    pending = _page(client, proposal.finding).context["pending_proposals"]
    return next(p["accept_form"] for p in pending if p["proposal"].pk == proposal.pk)


def test_the_receiving_coordinator_accepts_with_the_forms_defaults(
    client_for, marketing_coordinator, proposal, running_plan, this_month
):
    client = client_for(marketing_coordinator)
    form = _accept_form(client, proposal)
    assert form["owner"].value() == str(marketing_coordinator.pk)
    response = client.post(reverse("reviews:proposal_accept", args=[proposal.pk]), _as_posted(form))
    assert response.status_code == 302
    item = Carryover.objects.get().plan_item
    assert (item.plan, item.owner, item.month) == (running_plan, marketing_coordinator, this_month)
    assert not CarryProposal.objects.exists()


@pytest.mark.parametrize(
    "change",
    [{"owner": ""}, {"month": "someday"}, {"month": "1999-01"}, {"owner": "999999999"}],
)
def test_a_bad_acceptance_is_refused_on_the_form_and_keeps_the_proposal(
    client_for, marketing_coordinator, proposal, change
):
    client = client_for(marketing_coordinator)
    data = {**_as_posted(_accept_form(client, proposal)), **change}
    response = client.post(reverse("reviews:proposal_accept", args=[proposal.pk]), data)
    assert response.status_code == 400
    assert response.context["pending_proposals"][0]["accept_form"].errors
    assert CarryProposal.objects.filter(pk=proposal.pk).exists() and _nothing_written()


def test_an_acceptance_into_a_month_already_over_says_so(
    client_for, marketing_coordinator, proposal, this_month
):
    client = client_for(marketing_coordinator)
    data = _as_posted(_accept_form(client, proposal))
    data["month"] = f"{add_months(this_month, -1):%Y-%m}"
    response = client.post(reverse("reviews:proposal_accept", args=[proposal.pk]), data)
    assert response.status_code == 400 and "is already over" in response.content.decode()
    assert _nothing_written()


def test_accepting_a_proposal_after_the_plan_was_cut_short_asks_for_no_plan(
    client_for, pm, marketing_coordinator, proposal, running_plan, this_month
):
    # The plan is cut short after the proposal was made: it no longer owns this month.
    running_plan.end = month_end(add_months(this_month, -2))
    running_plan.save()
    client = client_for(marketing_coordinator)
    data = _as_posted(_accept_form(client, proposal))
    assert data["plan"] == ""
    url = reverse("reviews:proposal_accept", args=[proposal.pk])
    refused = client.post(url, data)
    assert refused.status_code == 400 and "No plan owns" in refused.content.decode()
    assert _nothing_written()
    data["plan"] = NO_PLAN
    assert client.post(url, data).status_code == 302
    assert Carryover.objects.get().plan_item.plan is None


def test_only_the_receiving_department_or_a_pm_gets_the_accept_form(
    client_for, dev_coordinator, sales_coordinator, proposal
):
    for user in (dev_coordinator, sales_coordinator):
        pending = _page(client_for(user), proposal.finding).context["pending_proposals"]
        assert pending[0]["accept_form"] is None
    response = client_for(sales_coordinator).post(
        reverse("reviews:proposal_accept", args=[proposal.pk]), {}
    )
    assert response.status_code == 403 and CarryProposal.objects.exists()


@pytest.mark.parametrize("size", [3, 60])
def test_the_finding_page_with_proposals_to_accept_takes_a_fixed_number_of_queries(
    client_for,
    pm,
    dev_coordinator,
    late_finding,
    departments,
    size,
    django_assert_max_num_queries,
):
    for n in range(size):
        services.finding_propose_item(
            actor=dev_coordinator,
            finding=late_finding,
            department=departments["marketing"],
            title=f"Proposal {n}",
        )
    client = client_for(pm)
    # session, user, profile, the finding with its review, plan and department, its
    # carryovers and proposals (prefetched), PM group, roles, the carry targets, the
    # asks-to-us badge, the departments (three); the new item's owners and default owner;
    # the accept forms' owners and default owner, shared by the proposals of one department
    # and month; its audit trail (with the actors); the navigation's unread-notifications
    # count: nineteen at either size.
    with django_assert_max_num_queries(19):
        response = _page(client, late_finding)
    assert response.status_code == 200
    assert len(response.context["pending_proposals"]) == size


# ---------------------------------------------------------------------------- the digest


def test_a_coordinator_carries_a_flagged_finding_from_the_digest_link(
    client_for, pm, dev_coordinator, running_plan, departments, this_month
):
    review = ReviewFactory(
        month=add_months(this_month, -1),
        plan=running_plan,
        facilitator=pm,
        closed=True,
        closed_at=timezone.now()
        - datetime.timedelta(days=settings.PLANBRIDGE_CARRY_GRACE_DAYS + 3),
    )
    finding = FindingFactory(
        review=review, department=departments["dev"], flagged_at=timezone.now()
    )
    (item,) = digest_items(user=dev_coordinator)
    path = item.url.removeprefix(settings.SITE_URL)
    client = client_for(dev_coordinator)
    page = client.get(path)
    assert page.status_code == 200 and page.context["may_carry"]
    response = client.post(
        reverse("reviews:finding_carry_new", args=[finding.pk]),
        _as_posted(page.context["new_item_form"]),
    )
    assert response.status_code == 302
    carried = Carryover.objects.get()
    assert carried.accepted_at is not None and carried.plan_item.plan == running_plan
    assert carried.plan_item.owner == dev_coordinator
    assert carried.plan_item.month == this_month
    finding.refresh_from_db()
    assert finding.flagged_at is None


# Two coordinators answering the same proposal: the second gets the finding as it is now with
# who answered it (409), never a 404 or a second item.


def test_accepting_a_proposal_a_colleague_declined_shows_the_decline(
    client_for, pm, marketing_coordinator, proposal
):
    pm_client = client_for(pm)
    data = _as_posted(_accept_form(pm_client, proposal))
    declined = client_for(marketing_coordinator).post(
        reverse("reviews:proposal_decline", args=[proposal.pk])
    )
    assert declined.status_code == 302
    response = pm_client.post(reverse("reviews:proposal_accept", args=[proposal.pk]), data)
    assert response.status_code == 409
    assert "Mia already declined this proposal" in response.content.decode()
    assert response.context["finding"].pk == proposal.finding_id
    assert response.context["pending_proposals"] == []
    assert not PlanItem.objects.exists() and not Carryover.objects.exists()


def test_declining_a_proposal_a_colleague_accepted_shows_the_accept(
    client_for, pm, marketing_coordinator, proposal
):
    client = client_for(marketing_coordinator)
    data = _as_posted(_accept_form(client, proposal))
    assert client.post(reverse("reviews:proposal_accept", args=[proposal.pk]), data).status_code
    response = client_for(pm).post(reverse("reviews:proposal_decline", args=[proposal.pk]))
    assert response.status_code == 409
    assert "Mia already accepted this proposal" in response.content.decode()
    assert Carryover.objects.get().accepted_by == marketing_coordinator
    assert PlanItem.objects.count() == 1


def test_the_answered_proposal_refusal_is_translated(
    client_for, pm, marketing_coordinator, proposal
):
    from planbridge.models import Profile

    services.carry_proposal_decline(actor=marketing_coordinator, proposal=proposal)
    Profile.objects.update_or_create(user=pm, defaults={"language": "zh-hans"})
    response = client_for(pm).post(reverse("reviews:proposal_decline", args=[proposal.pk]))
    assert response.status_code == 409
    assert "拒绝此提议" in response.content.decode()
