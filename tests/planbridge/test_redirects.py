"""A `next` sent back by the browser is followed only as a path on this site."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from meetings.models import ActionItem
from planbridge.redirects import redirect_to_next
from tests.meetings.factories import ActionItemFactory

DEFAULT = "/weekly/meetings/1/"


def _post(next_value, **extra):
    return RequestFactory().post("/weekly/actions/1/status/", {"next": next_value}, **extra)


@pytest.mark.parametrize(
    "next_value",
    [
        "1",
        "NaN",
        "meetings:meeting_detail",
        "https://evil.example/",
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http://testserver:81/",
        "\x00/",
        "/" + "x" * 100_000,
        "",
    ],
)
def test_a_next_that_is_no_path_of_this_site_goes_to_the_default(next_value):
    response = redirect_to_next(_post(next_value), DEFAULT)
    assert response.status_code == 302
    assert response["Location"] == DEFAULT


@pytest.mark.parametrize(
    ("next_value", "location"),
    [
        ("/weekly/?plan=3#updates", "/weekly/?plan=3#updates"),
        ("http://testserver/goals/", "/goals/"),
    ],
)
def test_a_path_of_this_site_is_followed(next_value, location):
    assert redirect_to_next(_post(next_value), DEFAULT)["Location"] == location


def test_an_http_next_is_refused_on_an_https_request():
    request = _post("http://testserver/goals/", secure=True)
    assert redirect_to_next(request, DEFAULT)["Location"] == DEFAULT


def test_a_next_in_the_query_string_is_checked_as_well():
    request = RequestFactory().get("/", {"next": "//evil.example"})
    assert redirect_to_next(request, DEFAULT)["Location"] == DEFAULT


@pytest.mark.parametrize("next_value", ["1", "NaN", "https://evil.example/", "//evil.example"])
def test_marking_an_action_done_with_a_bad_next_redirects_to_its_meeting(
    client_for, dev_coordinator, next_value
):
    item = ActionItemFactory(owner=dev_coordinator)
    response = client_for(dev_coordinator).post(
        reverse("meetings:action_item_status", args=[item.pk]),
        {"status": "done", "next": next_value},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:meeting_detail", args=[item.meeting_id])
    item.refresh_from_db()
    assert item.status == ActionItem.Status.DONE


def test_an_unknown_action_status_with_a_bad_next_saves_nothing(client_for, dev_coordinator):
    item = ActionItemFactory(owner=dev_coordinator)
    response = client_for(dev_coordinator).post(
        reverse("meetings:action_item_status", args=[item.pk]),
        {"status": "NaN", "next": "NaN"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:meeting_detail", args=[item.meeting_id])
    item.refresh_from_db()
    assert item.status == ActionItem.Status.OPEN and item.done_at is None


@pytest.mark.parametrize("next_value", ["1", "//evil.example", "https://evil.example/"])
def test_the_language_switch_with_a_bad_next_goes_home(anon, next_value):
    response = anon.post(reverse("set_language"), {"language": "zh-hans", "next": next_value})
    assert response.status_code == 302 and response["Location"] == "/"
