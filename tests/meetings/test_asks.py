"""Asks between departments: raised by a coordinator of the asking department, answered
(accept, decline with a reply, done) only by a coordinator of the receiving department,
overdue past their needed-by date in the configured time zone."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from meetings.models import Ask
from meetings.selectors import ask_list, asks_to_us_count
from meetings.services import ask_answer, ask_raise
from planbridge.periods import today

from ..goals.factories import PlanItemFactory
from .factories import AskFactory, WeeklyUpdateFactory

CREATE = reverse("meetings:ask_create")


def ask_data(departments, **overrides):
    data = {
        "from_department": departments["marketing"].pk,
        "to_department": departments["dev"].pk,
        "what": "Feature-freeze date",
        "why": "Campaign planning",
        "needed_by": (today() + datetime.timedelta(days=5)).isoformat(),
        "plan_item": "",
    }
    data.update(overrides)
    return data


def test_a_coordinator_raises_an_ask_to_another_department(
    client_for, marketing_coordinator, departments
):
    item = PlanItemFactory(department=departments["dev"], title="Core function")
    response = client_for(marketing_coordinator).post(
        CREATE, ask_data(departments, plan_item=item.pk)
    )

    ask = Ask.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("meetings:ask_detail", args=[ask.pk])
    assert (ask.from_department, ask.to_department, ask.state) == (
        departments["marketing"],
        departments["dev"],
        Ask.State.OPEN,
    )
    assert ask.plan_item == item
    assert ask.created_by == marketing_coordinator


def test_an_ask_can_be_raised_from_the_week_update(client_for, dev_coordinator, departments):
    update = WeeklyUpdateFactory(department=departments["dev"], author=dev_coordinator)
    response = client_for(dev_coordinator).post(
        CREATE + f"?update={update.pk}",
        ask_data(
            departments,
            from_department=departments["dev"].pk,
            to_department=departments["marketing"].pk,
        ),
    )
    assert response.status_code == 302
    assert Ask.objects.get().weekly_update == update


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"needed_by": "2020-01-01"}, "cannot be in the past"),
        ({"needed_by": "31/31/2026"}, "Enter a valid date"),
        ({"to_department": "marketing"}, "Select a valid choice"),
        ({"what": ""}, "This field is required"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_saved(
    client_for, marketing_coordinator, departments, overrides, message
):
    response = client_for(marketing_coordinator).post(CREATE, ask_data(departments, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Ask.objects.exists()


def test_an_ask_to_the_own_department_is_refused(client_for, marketing_coordinator, departments):
    response = client_for(marketing_coordinator).post(
        CREATE, ask_data(departments, to_department=departments["marketing"].pk)
    )
    assert response.status_code == 400
    assert "An ask goes to another department." in response.content.decode()
    assert not Ask.objects.exists()


def test_asking_on_behalf_of_a_department_one_does_not_coordinate_is_refused(
    client_for, marketing_coordinator, departments
):
    response = client_for(marketing_coordinator).post(
        CREATE,
        ask_data(
            departments,
            from_department=departments["sales"].pk,
            to_department=departments["dev"].pk,
        ),
    )
    assert response.status_code == 400
    assert not Ask.objects.exists()


@pytest.mark.parametrize("who", ["sales_member", "pm"])
def test_only_coordinators_raise_asks(request, client_for, departments, who):
    user = request.getfixturevalue(who)
    assert client_for(user).get(CREATE).status_code == 403
    assert client_for(user).post(CREATE, ask_data(departments)).status_code == 403
    assert not Ask.objects.exists()


def test_raising_from_another_department_update_is_not_found(
    client_for, marketing_coordinator, departments
):
    update = WeeklyUpdateFactory(department=departments["dev"])
    client = client_for(marketing_coordinator)
    assert client.get(CREATE + f"?update={update.pk}").status_code == 404
    assert client.get(CREATE + "?update=abc").status_code == 404


def test_the_ask_lifecycle_accept_then_done(dev_coordinator, marketing_coordinator, departments):
    ask = AskFactory(
        from_department=departments["marketing"],
        to_department=departments["dev"],
        created_by=marketing_coordinator,
    )
    ask_answer(actor=dev_coordinator, ask=ask, answer="accept", reply="Freeze on the 20th")
    ask.refresh_from_db()
    assert ask.state == Ask.State.ACCEPTED
    assert ask.reply == "Freeze on the 20th"
    assert ask.answered_by == dev_coordinator

    ask_answer(actor=dev_coordinator, ask=ask, answer="done")
    ask.refresh_from_db()
    assert ask.state == Ask.State.DONE
    assert ask.done_at is not None

    with pytest.raises(ValidationError, match="already done"):
        ask_answer(actor=dev_coordinator, ask=ask, answer="decline", reply="Too late")


def test_declining_without_a_reply_is_refused(client_for, dev_coordinator, departments):
    ask = AskFactory(from_department=departments["marketing"], to_department=departments["dev"])
    with pytest.raises(ValidationError, match="a reply is required"):
        ask_answer(actor=dev_coordinator, ask=ask, answer="decline", reply="  ")

    response = client_for(dev_coordinator).post(
        reverse("meetings:ask_detail", args=[ask.pk]),
        {"answer": "decline", "reply": "", "seen_state": "open"},
    )
    assert response.status_code == 400
    assert "a reply is required" in response.content.decode()
    ask.refresh_from_db()
    assert ask.state == Ask.State.OPEN


def test_a_declined_ask_shows_the_reply_to_the_asking_department(
    client_for, dev_coordinator, marketing_coordinator, departments
):
    ask = AskFactory(from_department=departments["marketing"], to_department=departments["dev"])
    response = client_for(dev_coordinator).post(
        reverse("meetings:ask_detail", args=[ask.pk]),
        {
            "answer": "decline",
            "reply": "No freeze before the performance fix",
            "seen_state": "open",
        },
    )
    assert response.status_code == 302

    marketing = client_for(marketing_coordinator)
    our_asks = marketing.get(reverse("meetings:ask_list") + "?box=from_us").content.decode()
    assert "No freeze before the performance fix" in our_asks
    this_week = marketing.get(reverse("meetings:this_week")).content.decode()
    assert "No freeze before the performance fix" in this_week


@pytest.mark.parametrize("who", ["marketing_coordinator", "dev_member", "pm"])
def test_answering_an_ask_of_another_department_is_refused(request, client_for, departments, who):
    user = request.getfixturevalue(who)
    ask = AskFactory(from_department=departments["marketing"], to_department=departments["dev"])
    with pytest.raises(PermissionDenied):
        ask_answer(actor=user, ask=ask, answer="accept")
    response = client_for(user).post(
        reverse("meetings:ask_detail", args=[ask.pk]),
        {"answer": "accept", "reply": "", "seen_state": "open"},
    )
    assert response.status_code == 403
    ask.refresh_from_db()
    assert ask.state == Ask.State.OPEN


def test_an_unknown_answer_is_a_form_error(client_for, dev_coordinator, departments):
    ask = AskFactory(from_department=departments["marketing"], to_department=departments["dev"])
    response = client_for(dev_coordinator).post(
        reverse("meetings:ask_detail", args=[ask.pk]), {"answer": "maybe", "seen_state": "open"}
    )
    assert response.status_code == 400
    ask.refresh_from_db()
    assert ask.state == Ask.State.OPEN


def test_the_service_refuses_a_past_needed_by_date(marketing_coordinator, departments):
    with pytest.raises(ValidationError, match="past"):
        ask_raise(
            actor=marketing_coordinator,
            from_department=departments["marketing"],
            to_department=departments["dev"],
            what="Freeze date",
            needed_by=today() - datetime.timedelta(days=1),
        )


def test_overdue_is_computed_in_the_configured_time_zone(settings, departments):
    # 20:00 UTC on 10 March is already 11 March in Shanghai, still 10 March in UTC.
    moment = datetime.datetime(2026, 3, 10, 20, 0, tzinfo=datetime.UTC)
    ask = AskFactory(
        from_department=departments["marketing"],
        to_department=departments["dev"],
        needed_by=datetime.date(2026, 3, 10),
    )
    with mock.patch.object(timezone, "now", return_value=moment):
        settings.TIME_ZONE = "Asia/Shanghai"
        assert ask_list().get(pk=ask.pk).overdue is True
        settings.TIME_ZONE = "UTC"
        assert ask_list().get(pk=ask.pk).overdue is False


def test_answered_asks_are_not_overdue(departments):
    ask = AskFactory(
        from_department=departments["marketing"],
        to_department=departments["dev"],
        needed_by=today() - datetime.timedelta(days=3),
        state=Ask.State.DECLINED,
        reply="No",
    )
    assert ask_list().get(pk=ask.pk).overdue is False


def test_the_navigation_counts_open_asks_to_the_coordinator_departments(
    client_for, dev_coordinator, dev_member, departments
):
    for _n in range(3):
        AskFactory(from_department=departments["marketing"], to_department=departments["dev"])
    AskFactory(
        from_department=departments["sales"],
        to_department=departments["dev"],
        state=Ask.State.ACCEPTED,
    )
    AskFactory(from_department=departments["dev"], to_department=departments["sales"])

    assert asks_to_us_count(dev_coordinator) == 3
    page = client_for(dev_coordinator).get(reverse("meetings:ask_list"))
    assert page.context["asks_to_us_count"] == 3
    assert 'data-testid="weekly-badge">3<' in page.content.decode()
    # Members read asks but do not answer them: no badge.
    assert client_for(dev_member).get(reverse("meetings:ask_list")).context["asks_to_us_count"] == 0


def test_the_ask_list_filters_and_survives_bad_filters(client_for, dev_coordinator, departments):
    AskFactory(
        from_department=departments["marketing"], to_department=departments["dev"], what="Open one"
    )
    AskFactory(
        from_department=departments["marketing"],
        to_department=departments["dev"],
        what="Done one",
        state=Ask.State.DONE,
    )
    client = client_for(dev_coordinator)
    url = reverse("meetings:ask_list")
    open_only = client.get(url + "?box=to_us&state=open").content.decode()
    assert "Open one" in open_only and "Done one" not in open_only

    bad = client.get(url + "?box=nowhere&state=lost&page=abc")
    assert bad.status_code == 200
    assert "That filter is not valid" in bad.content.decode()


def test_anonymous_visitors_are_sent_to_login_from_ask_pages(anon, departments):
    ask = AskFactory(from_department=departments["marketing"], to_department=departments["dev"])
    for url in [
        reverse("meetings:ask_list"),
        CREATE,
        reverse("meetings:ask_detail", args=[ask.pk]),
    ]:
        response = anon.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_an_unknown_ask_is_not_found(client_for, dev_coordinator):
    assert client_for(dev_coordinator).get("/weekly/asks/999999/").status_code == 404


@pytest.mark.parametrize("size", [10, 300])
def test_the_ask_list_runs_a_bounded_number_of_queries(
    client_for, dev_coordinator, departments, django_assert_max_num_queries, size
):
    AskFactory.create_batch(
        size, from_department=departments["marketing"], to_department=departments["dev"]
    )
    client = client_for(dev_coordinator)
    # session, user, profile, roles (member ids), counts, page count, page rows, PM group,
    # asks badge: 9 or so, and pagination keeps the rows per page fixed.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("meetings:ask_list") + "?box=to_us")
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="ask-row"') == min(size, 50)


@pytest.mark.parametrize("size", [1, 50])
def test_the_ask_page_runs_a_bounded_number_of_queries(
    client_for, dev_coordinator, departments, django_assert_max_num_queries, size
):
    ask = AskFactory(from_department=departments["marketing"], to_department=departments["dev"])
    for n in range(size):
        Ask.objects.filter(pk=ask.pk).update(what=f"Edit {n}")
        ask.refresh_from_db()
        ask.save()
    client = client_for(dev_coordinator)
    # session, user, profile, ask with relations, roles, history, PM group, badge.
    with django_assert_max_num_queries(10):
        assert client.get(reverse("meetings:ask_detail", args=[ask.pk])).status_code == 200


def test_an_open_ask_reads_as_waiting_for_an_answer_in_chinese():
    from django.utils import translation

    from meetings.models import ActionItem

    with translation.override("zh-hans"):
        assert Ask(state=Ask.State.OPEN).get_state_display() == "待答复"
        # An open action item is still "in progress"; only the ask has its own wording.
        assert ActionItem(status=ActionItem.Status.OPEN).get_status_display() != "待答复"
