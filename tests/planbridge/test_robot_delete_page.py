"""Removing a chat robot asks first (docs/architecture.md "Confirmations"): who may open and
confirm the page, the page naming the robot and its messages not posted yet, nothing removed
before its POST with its token, and the same queries at two sizes."""

import pytest
from django.test import Client
from django.urls import reverse

from planbridge.models import ChatRobot, OutboxMessage
from tests.goals.test_query_counts import REQUEST_OVERHEAD

pytestmark = pytest.mark.django_db

URL = "https://oapi.dingtalk.com/robot/send?access_token=topsecrettoken9876"


@pytest.fixture
def robot(departments, dev_coordinator):
    return ChatRobot.objects.create(
        department=departments["dev"], kind="dingtalk", url=URL, secret="SECverysecret42",
        posts=["digest"], created_by=dev_coordinator,
    )  # fmt: skip


def _url(robot):
    return reverse("robots:delete", args=[robot.pk])


def _waiting(robot, count):
    OutboxMessage.objects.bulk_create(
        OutboxMessage(
            channel=OutboxMessage.Channel.ROBOT,
            robot=robot,
            address="robot",
            kind="digest",
            dedupe_key=f"test:{robot.pk}:{index}",
            subject="Digest",
            text="text",
            message_id=f"<{index}@test>",
        )  # fmt: skip
        for index in range(count)
    )


@pytest.mark.parametrize("who", ["marketing_coordinator", "dev_member"])
def test_others_get_403_and_nothing_is_removed(request, client_for, robot, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(_url(robot)).status_code == 403
    assert client.post(_url(robot)).status_code == 403
    assert ChatRobot.objects.filter(pk=robot.pk).exists()


def test_the_page_names_the_robot_and_the_messages_that_go_with_it(
    client_for, dev_coordinator, robot
):
    _waiting(robot, 3)
    text = client_for(dev_coordinator).get(_url(robot)).content.decode()
    assert "Remove the DingTalk robot of Product Development?" in text
    assert "Its 3 messages not posted yet are dropped." in text
    assert "This cannot be undone" in text
    assert "topsecrettoken9876" not in text and "SECverysecret42" not in text
    assert ChatRobot.objects.filter(pk=robot.pk).exists()


def test_the_pages_post_removes_and_a_post_without_its_token_does_not(
    client_for, dev_coordinator, robot
):
    raw = Client()
    raw.force_login(dev_coordinator)
    response = raw.post(_url(robot))
    assert response.status_code == 400 and "lost its one-time token" in response.content.decode()
    assert ChatRobot.objects.filter(pk=robot.pk).exists()
    client = client_for(dev_coordinator)
    token = client.get(_url(robot)).context["form"]["submission_token"].value()
    response = client.post(_url(robot), {"submission_token": token})
    assert response.status_code == 302
    assert response["Location"] == reverse("robots:department", args=["development"])
    assert not ChatRobot.objects.exists()
    again = client.post(_url(robot), {"submission_token": token})
    assert again.status_code == 302 and again["Location"] == response["Location"]


def test_an_unknown_robot_is_404(client_for, pm):
    assert client_for(pm).get(reverse("robots:delete", args=[999999])).status_code == 404


@pytest.mark.parametrize("size", [2, 60])
def test_the_page_runs_the_same_queries_at_two_sizes(
    client_for, dev_coordinator, robot, django_assert_max_num_queries, size
):
    _waiting(robot, size)
    client = client_for(dev_coordinator)
    client.get(_url(robot))
    # the request's overhead, the robot with its department and plan, its waiting messages'
    # count
    with django_assert_max_num_queries(REQUEST_OVERHEAD + 2):
        response = client.get(_url(robot))
    assert response.context["waiting"] == size
