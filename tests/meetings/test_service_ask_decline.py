"""ask_answer refuses a decline without a reply by itself, whatever page posted it: from an
open ask and from an accepted one, nothing changes and nobody is notified."""

import pytest
from django.core.exceptions import ValidationError

from meetings.models import Ask
from meetings.services import ask_answer
from planbridge.models import Notification

from .factories import AskFactory


@pytest.mark.parametrize("reply", ["", "   ", "\n\t"])
def test_declining_an_accepted_ask_without_a_reply_is_refused_and_notifies_nobody(
    dev_coordinator, marketing_coordinator, departments, reply
):
    ask = AskFactory(
        from_department=departments["dev"],
        to_department=departments["marketing"],
        created_by=dev_coordinator,
    )
    ask_answer(actor=marketing_coordinator, ask=ask, answer="accept", reply="By Friday")
    notified = Notification.objects.count()

    with pytest.raises(ValidationError, match="a reply is required"):
        ask_answer(
            actor=marketing_coordinator,
            ask=ask,
            answer="decline",
            reply=reply,
            seen_state=Ask.State.ACCEPTED,
        )
    ask.refresh_from_db()
    assert (ask.state, ask.reply) == (Ask.State.ACCEPTED, "By Friday")
    assert Notification.objects.count() == notified
    assert not Notification.objects.filter(kind=Notification.Kind.ASK_DECLINED).exists()
