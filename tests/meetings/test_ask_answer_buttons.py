"""Answering an ask on its page is one of three buttons, each posting its answer through
meetings.services.ask_answer: Accept, Decline (a reply is required) and Mark done; only the
answers the ask still takes in its state are offered."""

import pytest
from django.urls import reverse

from meetings.models import Ask
from meetings.services import ask_answer
from planbridge.models import Notification, Profile

from .factories import AskFactory


@pytest.fixture
def ask(departments, dev_coordinator):
    return AskFactory(
        what="Launch checklist review",
        from_department=departments["dev"],
        to_department=departments["marketing"],
        created_by=dev_coordinator,
    )


def _url(ask):
    return reverse("meetings:ask_detail", args=[ask.pk])


def _buttons(body: str) -> list[str]:
    form = body[body.index('data-testid="ask-answer-form"') :]
    form = form[: form.index("</form>")]
    return [part.split('"', 1)[0] for part in form.split('data-testid="answer-')[1:]]


def test_an_open_ask_offers_accept_decline_and_mark_done_and_no_dropdown(
    client_for, marketing_coordinator, ask
):
    body = client_for(marketing_coordinator).get(_url(ask)).content.decode()
    assert _buttons(body) == ["accept", "decline", "done"]
    form = body[body.index('data-testid="ask-answer-form"') :]
    form = form[: form.index("</form>")]
    assert "<select" not in form
    assert 'name="answer" value="decline"' in form
    assert 'name="seen_state" value="open"' in form


def test_an_accepted_ask_offers_decline_and_mark_done(client_for, marketing_coordinator, ask):
    ask_answer(actor=marketing_coordinator, ask=ask, answer="accept")
    body = client_for(marketing_coordinator).get(_url(ask)).content.decode()
    assert _buttons(body) == ["decline", "done"]


@pytest.mark.parametrize("who", ["dev_coordinator", "sales_member", "pm"])
def test_only_the_receiving_coordinators_see_the_buttons_and_may_post(
    request, client_for, ask, who
):
    client = client_for(request.getfixturevalue(who))
    assert 'data-testid="answer-accept"' not in client.get(_url(ask)).content.decode()
    response = client.post(_url(ask), {"answer": "accept", "seen_state": "open"})
    assert response.status_code == 403
    ask.refresh_from_db()
    assert ask.state == Ask.State.OPEN


def test_anonymous_visitors_are_sent_to_login(anon, ask):
    response = anon.post(_url(ask), {"answer": "accept", "seen_state": "open"})
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("reply", ["", "  "])
def test_decline_without_a_reply_says_so_and_saves_and_notifies_nothing(
    client_for, marketing_coordinator, ask, reply
):
    response = client_for(marketing_coordinator).post(
        _url(ask), {"answer": "decline", "reply": reply, "seen_state": "open"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Say why the ask is declined: a reply is required." in body
    # The buttons are offered again, for the same state.
    assert _buttons(body) == ["accept", "decline", "done"]
    ask.refresh_from_db()
    assert (ask.state, ask.reply, ask.answered_by) == (Ask.State.OPEN, "", None)
    assert not Notification.objects.filter(kind=Notification.Kind.ASK_DECLINED).exists()


def test_decline_without_a_reply_is_refused_in_chinese(client_for, marketing_coordinator, ask):
    Profile.objects.update_or_create(user=marketing_coordinator, defaults={"language": "zh-hans"})
    response = client_for(marketing_coordinator).post(
        _url(ask), {"answer": "decline", "reply": "", "seen_state": "open"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "拒绝" in body and "接受" in body and "标记为完成" in body
    assert "Say why the ask is declined" not in body
    ask.refresh_from_db()
    assert ask.state == Ask.State.OPEN


def test_a_post_without_a_pressed_button_asks_for_an_answer(client_for, marketing_coordinator, ask):
    response = client_for(marketing_coordinator).post(
        _url(ask), {"reply": "Fine", "seen_state": "open"}
    )
    assert response.status_code == 400
    assert "Choose an answer: Accept, Decline or Mark done." in response.content.decode()
    ask.refresh_from_db()
    assert ask.state == Ask.State.OPEN


@pytest.mark.parametrize(
    "answer, state, kind",
    [
        ("accept", Ask.State.ACCEPTED, Notification.Kind.ASK_ACCEPTED),
        ("decline", Ask.State.DECLINED, Notification.Kind.ASK_DECLINED),
        ("done", Ask.State.DONE, Notification.Kind.ASK_DONE),
    ],
)
def test_each_button_saves_its_answer_and_notifies_the_asking_department(
    client_for, marketing_coordinator, dev_coordinator, ask, answer, state, kind
):
    response = client_for(marketing_coordinator).post(
        _url(ask), {"answer": answer, "reply": "Not before the freeze", "seen_state": "open"}
    )
    assert response.status_code == 302
    ask.refresh_from_db()
    assert (ask.state, ask.reply, ask.answered_by) == (
        state,
        "Not before the freeze",
        marketing_coordinator,
    )
    assert Notification.objects.filter(kind=kind, recipient=dev_coordinator).count() == 1


def test_a_refused_answer_to_a_closed_ask_is_a_message(client_for, marketing_coordinator, ask):
    ask_answer(actor=marketing_coordinator, ask=ask, answer="done")
    response = client_for(marketing_coordinator).post(
        _url(ask), {"answer": "accept", "seen_state": "done"}
    )
    assert response.status_code == 400
    assert "This ask is already done and cannot be changed that way." in response.content.decode()


@pytest.mark.parametrize("history", [1, 40])
def test_the_ask_page_with_its_buttons_runs_a_bounded_number_of_queries(
    client_for, marketing_coordinator, ask, django_assert_max_num_queries, history
):
    for n in range(history):  # each save adds a row to the ask's history
        ask.why = f"Reason {n}"
        ask.save()
    client = client_for(marketing_coordinator)
    # session, user, profile (middleware), the ask with its departments, plan item and update,
    # the user's memberships (roles), asks badge, PM group, unread notifications, history (at
    # most 20 rows): 9, whatever the history; two to spare.
    with django_assert_max_num_queries(11):
        response = client.get(_url(ask))
    assert response.status_code == 200
    assert _buttons(response.content.decode()) == ["accept", "decline", "done"]
