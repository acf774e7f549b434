"""Nothing with history is deleted (docs/architecture.md): plans are archived, users
deactivated, departments archived or merged. Each guard is exercised by calling the service
directly (docs/contributing.md "Guards")."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from goals.models import PlanItem
from meetings.models import Ask
from planbridge import services
from planbridge.models import Department, Membership, Plan
from reviews.models import CarryProposal, Finding
from tests.factories import DepartmentFactory, MembershipFactory, PlanFactory, UserFactory
from tests.goals.factories import GoalFactory, PlanItemFactory
from tests.meetings.factories import ActionItemFactory, AskFactory
from tests.reviews.factories import FindingFactory, ReviewFactory

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------- plans


def test_a_pm_archives_a_plan_and_brings_it_back(pm, plan):
    services.plan_archive(actor=pm, plan=plan)
    plan.refresh_from_db()
    assert plan.archived_at is not None
    services.plan_unarchive(actor=pm, plan=plan)
    plan.refresh_from_db()
    assert plan.archived_at is None


def test_the_plans_owner_archives_it(dev_coordinator):
    plan = PlanFactory(owner=dev_coordinator)
    services.plan_archive(actor=dev_coordinator, plan=plan)
    assert Plan.objects.get(pk=plan.pk).archived_at is not None


def test_a_coordinator_who_does_not_own_the_plan_cannot_archive_it(plan, dev_coordinator):
    with pytest.raises(PermissionDenied, match="owner"):
        services.plan_archive(actor=dev_coordinator, plan=plan)
    assert Plan.objects.get(pk=plan.pk).archived_at is None


def test_a_coordinator_who_does_not_own_the_plan_cannot_bring_it_back(pm, plan, dev_coordinator):
    services.plan_archive(actor=pm, plan=plan)
    with pytest.raises(PermissionDenied, match="owner"):
        services.plan_unarchive(actor=dev_coordinator, plan=plan)
    assert Plan.objects.get(pk=plan.pk).archived_at is not None


def test_archiving_an_archived_plan_is_refused_and_keeps_the_first_moment(pm, plan):
    first = services.plan_archive(actor=pm, plan=plan).archived_at
    with pytest.raises(ValidationError, match="archived already"):
        services.plan_archive(actor=pm, plan=plan)
    assert Plan.objects.get(pk=plan.pk).archived_at == first


def test_bringing_back_a_plan_that_is_not_archived_is_refused(pm, plan):
    with pytest.raises(ValidationError, match="not archived"):
        services.plan_unarchive(actor=pm, plan=plan)


# ---------------------------------------------------------------------------- users


def test_a_pm_deactivates_a_user_who_keeps_memberships_and_items(pm, dev_member, departments):
    item = PlanItemFactory(department=departments["dev"], owner=dev_member)
    services.user_deactivate(actor=pm, user=dev_member)
    dev_member.refresh_from_db()
    assert not dev_member.is_active
    assert Membership.objects.filter(user=dev_member, department=departments["dev"]).exists()
    assert PlanItem.objects.get(pk=item.pk).owner == dev_member


def test_a_staff_user_deactivates_a_user(dev_member):
    staff = UserFactory(username="stella.staff", is_staff=True)
    services.user_deactivate(actor=staff, user=dev_member)
    dev_member.refresh_from_db()
    assert not dev_member.is_active


def test_a_coordinator_cannot_deactivate_a_user(dev_coordinator, dev_member):
    with pytest.raises(PermissionDenied, match="Only project managers and staff"):
        services.user_deactivate(actor=dev_coordinator, user=dev_member)
    dev_member.refresh_from_db()
    assert dev_member.is_active


def test_nobody_deactivates_themselves(pm):
    with pytest.raises(ValidationError, match="yourself"):
        services.user_deactivate(actor=pm, user=pm)
    pm.refresh_from_db()
    assert pm.is_active


def test_deactivating_a_deactivated_user_is_refused(pm, dev_member):
    services.user_deactivate(actor=pm, user=dev_member)
    with pytest.raises(ValidationError, match="deactivated already"):
        services.user_deactivate(actor=pm, user=dev_member)


# ---------------------------------------------------------------------------- departments


@pytest.fixture
def support(db):
    return DepartmentFactory(name="Support", slug="support")


def test_a_pm_archives_a_department_without_open_work(pm, support):
    member = UserFactory(username="sue.support")
    MembershipFactory(user=member, department=support)
    PlanItemFactory(department=support, status=PlanItem.Status.DONE)
    services.department_archive(actor=pm, department=support)
    support.refresh_from_db()
    assert support.archived_at is not None and support.merged_into is None
    assert Membership.objects.filter(user=member, department=support).exists()


def test_a_coordinator_cannot_archive_their_department(dev_coordinator, departments):
    with pytest.raises(PermissionDenied, match="Only project managers"):
        services.department_archive(actor=dev_coordinator, department=departments["dev"])
    assert Department.objects.get(pk=departments["dev"].pk).archived_at is None


def test_archiving_a_department_with_open_work_is_refused_naming_it(pm, support, departments):
    PlanItemFactory(department=support, status=PlanItem.Status.IN_PROGRESS)
    AskFactory(from_department=departments["dev"], to_department=support)
    with pytest.raises(ValidationError) as refused:
        services.department_archive(actor=pm, department=support)
    message = " ".join(refused.value.messages)
    assert "open plan items: 1" in message
    assert "asks waiting for an answer or to be done: 1" in message
    assert "merge" in message
    assert Department.objects.get(pk=support.pk).archived_at is None


def test_a_finding_waiting_for_its_disposition_is_open_work(pm, support):
    FindingFactory(department=support, review=ReviewFactory(facilitator=pm, closed=True))
    with pytest.raises(ValidationError, match="findings waiting for a disposition: 1"):
        services.department_archive(actor=pm, department=support)


def test_archiving_an_archived_department_is_refused(pm, support):
    services.department_archive(actor=pm, department=support)
    with pytest.raises(ValidationError, match="archived already"):
        services.department_archive(actor=pm, department=support)


def test_a_merge_hands_open_work_and_people_over_and_keeps_history(pm, support, departments):
    dev = departments["dev"]
    coordinator = UserFactory(username="sue.support")
    MembershipFactory(user=coordinator, department=support, role=Membership.Role.COORDINATOR)
    both = UserFactory(username="bo.both")
    MembershipFactory(user=both, department=support, role=Membership.Role.COORDINATOR)
    MembershipFactory(user=both, department=dev, role=Membership.Role.MEMBER)
    open_item = PlanItemFactory(department=support, status=PlanItem.Status.BLOCKED)
    done_item = PlanItemFactory(department=support, status=PlanItem.Status.DONE)
    goal = GoalFactory(department=support)
    ask_in = AskFactory(from_department=departments["sales"], to_department=support)
    ask_between = AskFactory(from_department=dev, to_department=support)
    action = ActionItemFactory(department=support)
    closed_finding = FindingFactory(
        department=support,
        review=ReviewFactory(facilitator=pm, closed=True, month=datetime.date(2026, 2, 1)),
    )
    open_finding = FindingFactory(department=support, review=ReviewFactory(facilitator=pm))
    proposal = CarryProposal.objects.create(
        finding=FindingFactory(department=dev, review=open_finding.review),
        department=support,
        month=datetime.date(2026, 4, 1),
        title="Handle it",
        proposed_by=pm,
    )

    moved = services.department_merge(actor=pm, source=support, target=dev)

    support.refresh_from_db()
    assert support.archived_at is not None and support.merged_into == dev
    assert PlanItem.objects.get(pk=open_item.pk).department == dev
    assert PlanItem.objects.get(pk=done_item.pk).department == support
    goal.refresh_from_db()
    assert goal.department == dev
    assert Ask.objects.get(pk=ask_in.pk).to_department == dev
    assert Ask.objects.get(pk=ask_between.pk).to_department == support
    action.refresh_from_db()
    assert action.department == dev
    assert Finding.objects.get(pk=closed_finding.pk).department == support
    assert Finding.objects.get(pk=open_finding.pk).department == dev
    assert CarryProposal.objects.get(pk=proposal.pk).department == dev
    roles = dict(Membership.objects.filter(department=dev).values_list("user__username", "role"))
    assert roles["sue.support"] == roles["bo.both"] == Membership.Role.COORDINATOR
    assert Membership.objects.filter(department=support).count() == 2
    assert moved["goals.plan_items"] == 1 and moved["memberships"] == 2


def test_a_coordinator_cannot_merge_departments(dev_coordinator, support, departments):
    with pytest.raises(PermissionDenied, match="Only project managers"):
        services.department_merge(actor=dev_coordinator, source=support, target=departments["dev"])
    assert Department.objects.get(pk=support.pk).archived_at is None


def test_a_department_is_not_merged_into_itself(pm, support):
    with pytest.raises(ValidationError, match="itself"):
        services.department_merge(actor=pm, source=support, target=support)
    assert Department.objects.get(pk=support.pk).archived_at is None


def test_an_archived_department_is_not_merged_again(pm, support, departments):
    services.department_archive(actor=pm, department=support)
    with pytest.raises(ValidationError, match="archived already"):
        services.department_merge(actor=pm, source=support, target=departments["dev"])
    assert Department.objects.get(pk=support.pk).merged_into is None


def test_nothing_is_merged_into_an_archived_department(pm, support, departments):
    item = PlanItemFactory(department=departments["dev"])
    services.department_archive(actor=pm, department=support)
    with pytest.raises(ValidationError, match="choose a current department"):
        services.department_merge(actor=pm, source=departments["dev"], target=support)
    assert PlanItem.objects.get(pk=item.pk).department == departments["dev"]
    assert Department.objects.get(pk=departments["dev"].pk).archived_at is None


def test_new_work_in_an_archived_plan_or_department_is_refused_on_each_field(pm, plan, support):
    services.refuse_archived(plan=plan, department=support)
    plan = services.plan_archive(actor=pm, plan=plan)
    support = services.department_archive(actor=pm, department=support)
    with pytest.raises(ValidationError) as refused:
        services.refuse_archived(plan=plan, to_department=support, from_department=None)
    assert refused.value.message_dict == {
        "plan": ["This plan is archived and takes no new work."],
        "to_department": ["This department is archived and takes no new work."],
    }
