"""Meetings' events notify exactly the right people (docs/architecture.md "Notifications"):
a raised ask the receiving department's coordinators, an answer the asking department's, an
action item its owner; never the actor, each in their language."""

import datetime

import pytest

from meetings.services import action_item_create, ask_answer, ask_raise
from planbridge.models import Membership, Notification, OutboxMessage, Profile
from planbridge.periods import today

from ..factories import MembershipFactory, UserFactory
from .factories import AskFactory, MeetingFactory

Kind = Notification.Kind


def notified(kind):
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


@pytest.fixture
def second_marketing_coordinator(departments):
    user = UserFactory(username="max.marketing", first_name="Max")
    MembershipFactory(
        user=user, department=departments["marketing"], role=Membership.Role.COORDINATOR
    )
    Profile.objects.update_or_create(user=user, defaults={"language": "zh-hans"})
    return user


def test_a_raised_ask_notifies_the_receiving_coordinators_in_their_language(
    dev_coordinator,
    marketing_coordinator,
    second_marketing_coordinator,
    sales_coordinator,
    sales_member,
    departments,
):
    ask = ask_raise(
        actor=dev_coordinator,
        from_department=departments["dev"],
        to_department=departments["marketing"],
        what="Launch copy",
        needed_by=today() + datetime.timedelta(days=7),
    )
    assert notified(Kind.ASK_RAISED) == {"mia.marketing", "max.marketing"}
    row = Notification.objects.get(recipient=marketing_coordinator)
    assert (row.actor, row.object_id, row.url) == (
        dev_coordinator,
        ask.pk,
        f"/weekly/asks/{ask.pk}/",
    )
    chinese = OutboxMessage.objects.get(recipient=second_marketing_coordinator)
    assert chinese.subject == "[PlanBridge] Dana 向 Marketing 提出了请求：Launch copy"
    assert "你的全部通知" in chinese.text
    english = OutboxMessage.objects.get(recipient=marketing_coordinator)
    assert english.subject == "[PlanBridge] Dana raised an ask to Marketing: Launch copy"


@pytest.mark.parametrize(
    ("answer", "kind"),
    [("accept", Kind.ASK_ACCEPTED), ("decline", Kind.ASK_DECLINED), ("done", Kind.ASK_DONE)],
)
def test_an_answer_notifies_the_asking_coordinators_and_not_the_answerer(
    answer, kind, dev_coordinator, marketing_coordinator, second_marketing_coordinator, departments
):
    second_dev = UserFactory(username="dora.dev", first_name="Dora")
    MembershipFactory(
        user=second_dev, department=departments["dev"], role=Membership.Role.COORDINATOR
    )
    ask = AskFactory(
        from_department=departments["dev"],
        to_department=departments["marketing"],
        created_by=dev_coordinator,
    )
    ask_answer(actor=marketing_coordinator, ask=ask, answer=answer, reply="No budget")
    assert notified(kind) == {"dana.dev", "dora.dev"}
    assert Notification.objects.count() == 2


def test_a_coordinator_of_both_departments_is_not_told_of_their_own_answer(
    dev_coordinator, marketing_coordinator, departments
):
    MembershipFactory(
        user=marketing_coordinator, department=departments["dev"], role=Membership.Role.COORDINATOR
    )
    ask = AskFactory(
        from_department=departments["dev"],
        to_department=departments["marketing"],
        created_by=dev_coordinator,
    )
    ask_answer(actor=marketing_coordinator, ask=ask, answer="accept")
    assert notified(Kind.ASK_ACCEPTED) == {"dana.dev"}


def test_a_refused_answer_notifies_nobody(dev_coordinator, sales_coordinator, departments):
    from django.core.exceptions import PermissionDenied

    ask = AskFactory(
        from_department=departments["dev"],
        to_department=departments["marketing"],
        created_by=dev_coordinator,
    )
    with pytest.raises(PermissionDenied):
        ask_answer(actor=sales_coordinator, ask=ask, answer="accept")
    assert not Notification.objects.exists()


def test_an_action_item_notifies_its_owner_only(pm, dev_coordinator, dev_member, departments):
    meeting = MeetingFactory(facilitator=pm)
    item = action_item_create(
        actor=pm,
        meeting=meeting,
        title="Send the brochure",
        owner=dev_member,
        department=departments["dev"],
        due=meeting.date + datetime.timedelta(days=7),
    )
    row = Notification.objects.get()
    assert (row.recipient, row.kind, row.object_id) == (
        dev_member,
        Kind.ACTION_ITEM_ASSIGNED,
        item.pk,
    )
    assert row.url == f"/weekly/meetings/{meeting.pk}/"


def test_an_action_item_the_facilitator_takes_on_notifies_nobody(pm, departments):
    meeting = MeetingFactory(facilitator=pm)
    action_item_create(
        actor=pm,
        meeting=meeting,
        title="Book the room",
        owner=pm,
        department=departments["dev"],
        due=meeting.date + datetime.timedelta(days=7),
    )
    assert not Notification.objects.exists()
