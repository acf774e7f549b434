"""Two coordinators answering the same ask at once: the answer is given to the state the
page showed, so the second one to arrive is refused with what happened instead of
overwriting (or silently following) the first."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from meetings.models import Ask
from meetings.services import ask_answer
from planbridge.models import Membership, Profile
from tests.factories import MembershipFactory, UserFactory

from .factories import AskFactory


def _colleague(departments, username="lee.dev"):
    user = UserFactory(username=username, first_name="Mia", last_name="Lee")
    MembershipFactory(user=user, department=departments["dev"], role=Membership.Role.COORDINATOR)
    return user


def _ask(departments):
    return AskFactory(from_department=departments["marketing"], to_department=departments["dev"])


def test_the_ask_page_carries_the_state_it_shows(client_for, dev_coordinator, departments):
    ask = _ask(departments)
    page = client_for(dev_coordinator).get(reverse("meetings:ask_detail", args=[ask.pk]))
    assert page.context["form"]["seen_state"].value() == "open"
    assert 'name="seen_state"' in page.content.decode()


def test_a_stale_decline_after_a_colleague_accepted_is_refused_and_shows_the_accept(
    client_for, dev_coordinator, departments
):
    ask = _ask(departments)
    colleague = _colleague(departments)
    url = reverse("meetings:ask_detail", args=[ask.pk])
    # Both opened the page while the ask was open; the colleague answers first.
    assert (
        client_for(colleague).post(url, {"answer": "accept", "seen_state": "open"}).status_code
        == 302
    )
    response = client_for(dev_coordinator).post(
        url, {"answer": "decline", "reply": "No capacity", "seen_state": "open"}
    )
    assert response.status_code == 409
    content = response.content.decode()
    assert "Mia Lee already changed this ask to “Accepted”" in content
    assert response.context["ask"].state == Ask.State.ACCEPTED
    # The form offered now answers the current state.
    assert response.context["form"]["seen_state"].value() == "accepted"
    ask.refresh_from_db()
    assert ask.state == Ask.State.ACCEPTED and ask.answered_by == colleague
    assert ask.reply == "" and ask.history.count() == 2


def test_a_post_without_the_state_seen_is_refused_and_nothing_saved(
    client_for, dev_coordinator, departments
):
    ask = _ask(departments)
    response = client_for(dev_coordinator).post(
        reverse("meetings:ask_detail", args=[ask.pk]), {"answer": "accept"}
    )
    assert response.status_code == 400
    assert "seen_state" in response.context["form"].errors
    ask.refresh_from_db()
    assert ask.state == Ask.State.OPEN


def test_the_stale_refusal_is_translated(client_for, dev_coordinator, departments):
    ask = _ask(departments)
    ask_answer(actor=_colleague(departments), ask=ask, answer="accept", seen_state="open")
    Profile.objects.update_or_create(user=dev_coordinator, defaults={"language": "zh-hans"})
    response = client_for(dev_coordinator).post(
        reverse("meetings:ask_detail", args=[ask.pk]),
        {"answer": "decline", "reply": "不行", "seen_state": "open"},
    )
    assert response.status_code == 409
    assert "将此请求改为“已接受”" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_accept_and_decline_at_once_let_exactly_one_win_every_time(departments):
    dev_coordinator = _colleague(departments, username="dana.race")
    colleague = _colleague(departments)
    for _round in range(20):
        ask = _ask(departments)
        barrier = threading.Barrier(2)
        outcomes = {}

        def answer(actor, verb, reply, ask=ask, barrier=barrier, outcomes=outcomes):
            try:
                barrier.wait()
                ask_answer(actor=actor, ask=ask, answer=verb, reply=reply, seen_state="open")
                outcomes[verb] = "saved"
            except Exception as error:  # noqa: BLE001 - the outcome is what the test checks
                outcomes[verb] = getattr(error, "code", repr(error))
            finally:
                connection.close()

        threads = [
            threading.Thread(target=answer, args=(colleague, "accept", "")),
            threading.Thread(target=answer, args=(dev_coordinator, "decline", "No")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes.values()) == ["saved", "stale"], outcomes
        ask.refresh_from_db()
        winner = next(verb for verb, outcome in outcomes.items() if outcome == "saved")
        assert ask.state == {"accept": Ask.State.ACCEPTED, "decline": Ask.State.DECLINED}[winner]
