"""Pages show an action only to who may take it: the buttons follow meetings.rules (computed
by the view), so that a button never leads to a refusal."""

import datetime

from django.urls import reverse

from meetings.models import Ask
from planbridge.periods import today

from ..factories import UserFactory
from .factories import ActionItemFactory, AskFactory, MeetingFactory

WEEK = datetime.timedelta(days=7)


def _status_forms(body: str, item) -> int:
    return body.count(reverse("meetings:action_item_status", args=[item.pk]))


def test_a_carried_action_s_button_follows_who_may_set_its_status(
    client_for, dev_coordinator, marketing_coordinator, sales_member, pm
):
    # Without a plan: the earlier meeting was run by Marketing, this one by Development.
    earlier = MeetingFactory(date=today() - 2 * WEEK, facilitator=marketing_coordinator)
    meeting = MeetingFactory(date=today(), facilitator=dev_coordinator)
    carried = ActionItemFactory(meeting=earlier, owner=sales_member, due=today() - WEEK)
    page = reverse("meetings:meeting_detail", args=[meeting.pk])
    shown = {
        user.username: _status_forms(client_for(user).get(page).content.decode(), carried)
        for user in (dev_coordinator, marketing_coordinator, sales_member, pm)
    }
    # This meeting's facilitator did not run the meeting that agreed the action.
    assert shown == {
        dev_coordinator.username: 0,
        marketing_coordinator.username: 1,
        sales_member.username: 1,
        pm.username: 1,
    }
    refused = client_for(dev_coordinator).post(
        reverse("meetings:action_item_status", args=[carried.pk]), {"status": "done"}
    )
    assert refused.status_code == 403


def test_the_carried_action_is_marked_overdue_by_the_rule(client_for, pm, sales_member):
    earlier = MeetingFactory(date=today() - 2 * WEEK, facilitator=pm)
    meeting = MeetingFactory(date=today(), facilitator=pm)
    ActionItemFactory(meeting=earlier, owner=sales_member, due=today() - WEEK)
    ActionItemFactory(meeting=earlier, owner=sales_member, due=today() + WEEK)
    body = client_for(pm).get(reverse("meetings:meeting_detail", args=[meeting.pk])).content
    assert body.decode().count('data-testid="action-overdue"') == 1


def test_a_closed_ask_offers_no_answer_form_even_to_its_coordinators(
    client_for, departments, marketing_coordinator
):
    for state in (Ask.State.DONE, Ask.State.DECLINED):
        ask = AskFactory(
            from_department=departments["dev"],
            to_department=departments["marketing"],
            state=state,
            reply="No capacity",
            created_by=UserFactory(),
        )
        body = client_for(marketing_coordinator).get(reverse("meetings:ask_detail", args=[ask.pk]))
        assert 'data-testid="ask-answer-form"' not in body.content.decode(), state
