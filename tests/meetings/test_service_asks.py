"""The ask services refuse on their own what the forms and views refuse first: each guard of
ask_raise and ask_answer is hit by a direct call, and nothing is written."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from meetings.models import Ask
from meetings.services import ask_answer, ask_raise
from planbridge.periods import today

from .factories import AskFactory, WeeklyUpdateFactory


def _raise(actor, departments, **overrides):
    arguments = {
        "actor": actor,
        "from_department": departments["dev"],
        "to_department": departments["marketing"],
        "what": "Launch copy",
        "needed_by": today() + datetime.timedelta(days=7),
    }
    arguments.update(overrides)
    return ask_raise(**arguments)


def test_a_coordinator_raises_an_ask_from_their_department(dev_coordinator, departments):
    ask = _raise(dev_coordinator, departments)
    assert ask.state == Ask.State.OPEN and ask.created_by == dev_coordinator


def test_raising_an_ask_from_a_department_one_does_not_coordinate_is_refused(
    marketing_coordinator, dev_member, departments
):
    for actor in (marketing_coordinator, dev_member):
        with pytest.raises(PermissionDenied, match="Only coordinators of the asking department"):
            _raise(actor, departments)
    assert not Ask.objects.exists()


def test_an_ask_to_the_asking_department_itself_is_refused(dev_coordinator, departments):
    with pytest.raises(ValidationError, match="An ask goes to another department"):
        _raise(dev_coordinator, departments, to_department=departments["dev"])
    assert not Ask.objects.exists()


def test_an_ask_that_says_nothing_is_refused(dev_coordinator, departments):
    with pytest.raises(ValidationError, match="Say what is needed"):
        _raise(dev_coordinator, departments, what="   ")
    assert not Ask.objects.exists()


def test_a_needed_by_date_outside_the_accepted_years_is_refused(dev_coordinator, departments):
    with pytest.raises(ValidationError, match="Enter a date between 2000-01-01 and 2100-12-31"):
        _raise(dev_coordinator, departments, needed_by=datetime.date(2101, 1, 1))
    assert not Ask.objects.exists()


def test_a_needed_by_date_in_the_past_is_refused(dev_coordinator, departments):
    with pytest.raises(ValidationError, match="cannot be in the past"):
        _raise(dev_coordinator, departments, needed_by=today() - datetime.timedelta(days=1))
    assert not Ask.objects.exists()


def test_an_ask_from_another_department_s_update_is_refused(
    dev_coordinator, marketing_coordinator, departments
):
    update = WeeklyUpdateFactory(department=departments["marketing"], author=marketing_coordinator)
    with pytest.raises(ValidationError, match="comes from that update's department"):
        _raise(
            dev_coordinator, departments, to_department=departments["sales"], weekly_update=update
        )
    assert not Ask.objects.exists()


@pytest.fixture
def ask_to_marketing(departments, dev_coordinator):
    return AskFactory(
        from_department=departments["dev"],
        to_department=departments["marketing"],
        created_by=dev_coordinator,
    )


def test_an_unknown_answer_is_refused(marketing_coordinator, ask_to_marketing):
    with pytest.raises(ValidationError, match="Unknown answer"):
        ask_answer(actor=marketing_coordinator, ask=ask_to_marketing, answer="maybe")
    ask_to_marketing.refresh_from_db()
    assert ask_to_marketing.state == Ask.State.OPEN


def test_only_the_receiving_department_s_coordinators_answer(
    pm, dev_coordinator, sales_coordinator, ask_to_marketing
):
    for actor in (pm, dev_coordinator, sales_coordinator):
        with pytest.raises(PermissionDenied, match="receiving department"):
            ask_answer(actor=actor, ask=ask_to_marketing, answer="accept")
    ask_to_marketing.refresh_from_db()
    assert ask_to_marketing.state == Ask.State.OPEN and ask_to_marketing.answered_by is None


def test_a_done_ask_cannot_be_accepted_again(marketing_coordinator, ask_to_marketing):
    ask_answer(actor=marketing_coordinator, ask=ask_to_marketing, answer="done")
    with pytest.raises(ValidationError, match="already done and cannot be changed"):
        ask_answer(actor=marketing_coordinator, ask=ask_to_marketing, answer="accept")
    ask_to_marketing.refresh_from_db()
    assert ask_to_marketing.state == Ask.State.DONE


def test_a_decline_without_a_reply_is_refused(marketing_coordinator, ask_to_marketing):
    with pytest.raises(ValidationError, match="a reply is required"):
        ask_answer(actor=marketing_coordinator, ask=ask_to_marketing, answer="decline", reply="  ")
    ask_to_marketing.refresh_from_db()
    assert ask_to_marketing.state == Ask.State.OPEN


def _second_dev_coordinator(departments):
    from planbridge.models import Membership
    from tests.factories import MembershipFactory, UserFactory

    user = UserFactory(username="lee.dev", first_name="Mia", last_name="Lee")
    MembershipFactory(user=user, department=departments["dev"], role=Membership.Role.COORDINATOR)
    return user


def test_an_answer_to_a_state_a_colleague_changed_since_is_refused(dev_coordinator, departments):
    colleague = _second_dev_coordinator(departments)
    ask = AskFactory(from_department=departments["marketing"], to_department=departments["dev"])
    ask_answer(actor=colleague, ask=ask, answer="accept", seen_state="open")
    # Declining is allowed from accepted, but this coordinator saw the ask open.
    with pytest.raises(ValidationError, match="Mia Lee already changed this ask to “Accepted”"):
        ask_answer(actor=dev_coordinator, ask=ask, answer="decline", reply="No", seen_state="open")
    ask.refresh_from_db()
    assert ask.state == Ask.State.ACCEPTED and ask.answered_by == colleague and ask.reply == ""


def test_an_answer_to_the_state_seen_is_saved(dev_coordinator, departments):
    ask = AskFactory(
        from_department=departments["marketing"],
        to_department=departments["dev"],
        state=Ask.State.ACCEPTED,
    )
    ask = ask_answer(actor=dev_coordinator, ask=ask, answer="done", seen_state="accepted")
    assert ask.state == Ask.State.DONE
