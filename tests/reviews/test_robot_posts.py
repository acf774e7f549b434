"""What robots post, through the outbox to the platforms' contract servers: each
department's digest of flagged findings once a day, asks as they are raised and answered, and
closed reviews, in each platform's format and the robot's language (docs/architecture.md
"Chat robots")."""

import datetime
import json

import pytest
from django.core.management import call_command

from meetings.services.asks import ask_answer, ask_raise
from planbridge import outbox, periods
from planbridge.models import ChatRobot, OutboxMessage
from reviews.models import Review
from reviews.services.robot_posts import digest_robots_post
from tests.reviews.factories import FindingFactory, ReviewFactory
from tests.reviews.factories_flags import closed_review, flagged_finding
from tests.robot_servers import RobotServer

KINDS = ["wecom", "dingtalk", "feishu", "slack"]
SECRETS = {"dingtalk": "SECdingsecret", "feishu": "feishusecret"}


@pytest.fixture(autouse=True)
def _private_webhooks(settings):
    settings.PLANBRIDGE_ALLOW_PRIVATE_WEBHOOKS = True


def _robot(server, department, owner, language, posts):
    return ChatRobot.objects.create(
        department=department,
        kind=server.kind,
        url=server.url,
        secret=SECRETS.get(server.kind, ""),
        language=language,
        posts=posts,
        created_by=owner,
    )


def _send_all_robot_messages():
    pks = OutboxMessage.objects.filter(channel="robot").order_by("pk").values_list("pk", flat=True)
    return [outbox.outbox_message_send(message_pk=pk) for pk in pks]


def _text(kind, body):
    if kind == "wecom":
        return body["markdown"]["content"]
    if kind == "dingtalk":
        return body["markdown"]["title"] + "\n" + body["markdown"]["text"]
    if kind == "feishu":
        return json.dumps(body["content"], ensure_ascii=False)
    return body["text"] + "\n" + body["blocks"][0]["text"]["text"]


def _format_is_the_platforms(kind, body, language):
    if kind in ("wecom", "dingtalk"):
        return body["msgtype"] == "markdown"
    if kind == "feishu":
        locale = "zh_cn" if language == "zh-hans" else "en_us"
        return body["msg_type"] == "post" and list(body["content"]["post"]) == [locale]
    return body["blocks"][0]["type"] == "section"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_digest_and_an_ask_arrive_in_the_platforms_format_and_the_robots_language(
    kind, language, departments, dev_coordinator, marketing_coordinator, pm
):
    dev = departments["dev"]
    review = closed_review(facilitator=pm)
    flagged_finding(review=review, department=dev, title="Launch slipped")
    flagged_finding(review=review, department=departments["sales"], title="Not ours")
    with RobotServer(kind, secret=SECRETS.get(kind, "")) as server:
        _robot(server, dev, dev_coordinator, language, ["digest", "asks"])
        assert len(digest_robots_post(queue=False)) == 1
        # Once a day: a second run posts nothing.
        assert digest_robots_post(queue=False) == []
        ask_raise(
            actor=marketing_coordinator,
            from_department=departments["marketing"],
            to_department=dev,
            what="Screenshots for the launch",
            needed_by=periods.today() + datetime.timedelta(days=7),
        )
        assert _send_all_robot_messages() == [outbox.SENT, outbox.SENT]
    digest, ask = (_text(kind, body) for body in server.received)
    assert all(_format_is_the_platforms(kind, body, language) for body in server.received)
    assert "Launch slipped" in digest and "Not ours" not in digest
    assert "Screenshots for the launch" in ask
    if language == "zh-hans":
        assert "既未沿用也未驳回" in digest and "请求" in ask
    else:
        assert "neither carried nor dismissed" in digest
        assert "Ask from Marketing to Product Development" in ask


def test_an_answered_ask_is_posted_once_per_state(
    departments, dev_coordinator, marketing_coordinator
):
    with RobotServer("wecom") as server:
        _robot(server, departments["marketing"], marketing_coordinator, "en", ["asks"])
        ask = ask_raise(
            actor=marketing_coordinator,
            from_department=departments["marketing"],
            to_department=departments["dev"],
            what="Screenshots",
            needed_by=periods.today() + datetime.timedelta(days=7),
        )
        ask_answer(actor=dev_coordinator, ask=ask, answer="accept", reply="Friday")
        ask.refresh_from_db()
        ask.save()  # saved again in the same state: no second post
        _send_all_robot_messages()
    texts = [_text("wecom", body) for body in server.received]
    assert len(texts) == 2
    assert "Product Development accepted the ask of Marketing: Screenshots" in texts[1]
    assert "Reply: Friday" in texts[1]


def test_a_robot_not_posting_asks_gets_none(departments, dev_coordinator, marketing_coordinator):
    with RobotServer("wecom") as server:
        _robot(server, departments["dev"], dev_coordinator, "en", ["digest"])
        ask_raise(
            actor=marketing_coordinator,
            from_department=departments["marketing"],
            to_department=departments["dev"],
            what="Screenshots",
            needed_by=periods.today() + datetime.timedelta(days=7),
        )
    assert not OutboxMessage.objects.filter(channel="robot").exists()


def test_a_closed_review_is_posted_to_its_departments_robots(departments, dev_coordinator, pm):
    review = ReviewFactory(facilitator=pm, status=Review.Status.OPEN)
    FindingFactory(review=review, department=departments["dev"], title="Launch slipped")
    FindingFactory(review=review, department=departments["sales"], title="Not ours")
    with RobotServer("feishu", secret=SECRETS["feishu"]) as server:
        _robot(server, departments["dev"], dev_coordinator, "en", ["reviews"])
        review.status = Review.Status.CLOSED
        review.closed_at = review.created_at
        review.save()
        review.save()
        assert _send_all_robot_messages() == [outbox.SENT]
    text = _text("feishu", server.received[0])
    assert "closed with 1 finding" in text and "Launch slipped" in text and "Not ours" not in text


def test_send_digests_posts_the_robots_digest_from_the_same_run(
    departments, dev_coordinator, pm, capsys
):
    review = closed_review(facilitator=pm)
    flagged_finding(review=review, department=departments["dev"], title="Launch slipped")
    with RobotServer("slack") as server:
        _robot(server, departments["dev"], dev_coordinator, "en", ["digest"])
        call_command("send_digests")
    assert len(server.received) == 1
    assert "Launch slipped" in _text("slack", server.received[0])
