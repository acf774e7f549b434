"""Robot messages through the outbox to local servers implementing each platform's contract
(tests/robot_servers.py): format and language, signatures checked by the server, refusals not
retried, rate limits retried after the back-off, long messages split in order, the per-robot
throttle, and a timeout after the platform had the message recorded as unknown
(docs/architecture.md "Chat robots")."""

import datetime
import json

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from planbridge import outbox
from planbridge.models import OutboxMessage
from planbridge.robots import transport
from planbridge.robots.formats import Line
from planbridge.robots.services import robot_add, robot_message_enqueue
from tests.robot_servers import RobotServer

KINDS = ["wecom", "dingtalk", "feishu", "slack"]
SECRETS = {"dingtalk": "SECdingsecret", "feishu": "feishusecret"}
State = OutboxMessage.State


@pytest.fixture(autouse=True)
def _private_webhooks(settings):
    settings.PLANBRIDGE_ALLOW_PRIVATE_WEBHOOKS = True


def _robot(server, owner, department, *, secret=None, language="zh-hans"):
    return robot_add(
        actor=owner,
        department=department,
        kind=server.kind,
        url=server.url,
        secret=SECRETS.get(server.kind, "") if secret is None else secret,
        language=language,
        posts=["digest", "asks"],
    )


def _post(robot, key, title="每日摘要", lines=None):
    message = robot_message_enqueue(
        robot=robot,
        kind="digest",
        dedupe_key=key,
        title=title,
        lines=lines or [Line("逾期：产品发布"), Line("打开", "https://pb.example/f/1")],
        queue=False,
    )
    return message, outbox.outbox_message_send(message_pk=message.pk)


def _text_of(kind, body):
    if kind == "wecom":
        return body["markdown"]["content"]
    if kind == "dingtalk":
        return body["markdown"]["text"]
    if kind == "feishu":
        return json.dumps(body["content"], ensure_ascii=False)
    return body["blocks"][0]["text"]["text"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_message_arrives_once_in_the_platforms_format(kind, departments, dev_coordinator):
    with RobotServer(kind, secret=SECRETS.get(kind, "")) as server:
        robot = _robot(server, dev_coordinator, departments["dev"])
        message, outcome = _post(robot, "m1")
    assert outcome == outbox.SENT
    assert len(server.received) == 1
    body = server.received[0]
    assert "逾期：产品发布" in _text_of(kind, body)
    if kind == "feishu":
        assert list(body["content"]["post"]) == ["zh_cn"]
    message.refresh_from_db()
    assert (message.state, message.parts_done, message.attempts) == (State.SENT, 1, 1)


@pytest.mark.parametrize("kind", ["dingtalk", "feishu"])
def test_a_refused_signature_is_not_retried_and_the_owner_hears_of_it(
    kind, departments, dev_coordinator
):
    with RobotServer(kind, secret=SECRETS[kind]) as server:
        robot = _robot(server, dev_coordinator, departments["dev"], secret="wrong-secret")
        message, outcome = _post(robot, "m1")
        again = outbox.outbox_message_send(message_pk=message.pk)
    assert (outcome, again) == (outbox.FAILED, outbox.SKIPPED)
    assert server.requests == 1 and server.received == []
    robot.refresh_from_db()
    assert robot.last_error.startswith("310000" if kind == "dingtalk" else "19021")
    warning = OutboxMessage.objects.get(kind="robot_error")
    assert warning.recipient == dev_coordinator
    assert robot.last_error in warning.text


def test_a_refused_robot_keeps_its_other_messages_going(departments, dev_coordinator):
    with RobotServer("dingtalk", secret=SECRETS["dingtalk"], keyword="PlanBridge") as server:
        robot = _robot(server, dev_coordinator, departments["dev"])
        _message, refused = _post(robot, "m1", title="摘要")
        _message, sent = _post(robot, "m2", title="PlanBridge 摘要")
    assert (refused, sent) == (outbox.FAILED, outbox.SENT)
    assert len(server.received) == 1
    robot.refresh_from_db()
    assert robot.last_error == "310000: keywords not in content"


RATE_LIMITED = {
    "wecom": (200, json.dumps({"errcode": 45009, "errmsg": "api freq out of limit"}), 60),
    "dingtalk": (200, json.dumps({"errcode": 130101, "errmsg": "send too fast"}), 600),
    "feishu": (200, json.dumps({"code": 11232, "msg": "frequency limited psm"}), 60),
    "slack": (429, "rate_limited", 1),
}


@pytest.mark.parametrize("kind", KINDS)
def test_a_rate_limit_answer_is_retried_after_the_platforms_back_off(
    kind, departments, dev_coordinator
):
    status, body, back_off = RATE_LIMITED[kind]
    with RobotServer(kind, secret=SECRETS.get(kind, "")) as server:
        robot = _robot(server, dev_coordinator, departments["dev"])
        server.force = [(status, body)]
        message, outcome = _post(robot, "m1")
        assert outcome == outbox.RETRY
        message.refresh_from_db()
        assert message.state == State.PENDING
        wait = (message.retry_after - timezone.now()).total_seconds()
        assert back_off - 2 < wait <= back_off
        assert outbox.retry_wait(message.pk) == pytest.approx(wait, abs=1)
        # Not before the back-off, whoever asks (a duplicate task, a recovery run).
        assert outbox.outbox_message_send(message_pk=message.pk) == outbox.SKIPPED
        with time_machine.travel(message.retry_after + datetime.timedelta(seconds=1)):
            # Signed afresh: the server checks the timestamp against the moved clock.
            assert outbox.outbox_message_send(message_pk=message.pk) == outbox.SENT
    assert server.requests == 2 and len(server.received) == 1


@pytest.mark.parametrize("kind", KINDS)
def test_a_message_over_the_size_limit_arrives_split_in_order(kind, departments, dev_coordinator):
    lines = [Line(f"第{n:03d}条 发现 finding {n} " + "内容" * 30) for n in range(300)]
    with RobotServer(kind, secret=SECRETS.get(kind, ""), rate=1000) as server:
        robot = _robot(server, dev_coordinator, departments["dev"])
        _message, outcome = _post(robot, "long", lines=lines)
    assert outcome == outbox.SENT
    assert len(server.received) > 1
    texts = [_text_of(kind, body) for body in server.received]
    positions = []
    for n in range(300):
        found = [i for i, text in enumerate(texts) if f"第{n:03d}条" in text]
        assert len(found) == 1, n
        positions.append(found[0])
    assert positions == sorted(positions)


def test_the_robots_throttle_holds_back_the_twenty_first_message_of_a_minute(
    departments, dev_coordinator
):
    with RobotServer("wecom") as server:
        robot = _robot(server, dev_coordinator, departments["dev"])
        outcomes = [_post(robot, f"m{n}")[1] for n in range(21)]
        held = OutboxMessage.objects.get(dedupe_key="m20")
    assert outcomes == [outbox.SENT] * 20 + [outbox.RETRY]
    # Held back by us, not refused by the platform: no request, no attempt used.
    assert server.requests == 20
    assert held.attempts == 0 and held.state == State.PENDING
    assert 55 < (held.retry_after - timezone.now()).total_seconds() <= 61


def test_a_timeout_after_the_platform_took_the_message_is_unknown_and_not_repeated(
    departments, dev_coordinator, monkeypatch
):
    monkeypatch.setattr(transport, "TIMEOUT_SECONDS", 0.5)
    with RobotServer("wecom") as server:
        robot = _robot(server, dev_coordinator, departments["dev"])
        server.hanging = True
        message, outcome = _post(robot, "m1")
        assert outcome == outbox.UNKNOWN
        later = timezone.now() + datetime.timedelta(hours=2)
        assert outbox.outbox_recover(now=later) == []
        assert outbox.outbox_message_send(message_pk=message.pk) == outbox.SKIPPED
    assert len(server.received) == 1
    message.refresh_from_db()
    assert message.state == State.UNKNOWN


def test_an_unreachable_platform_is_retried(departments, dev_coordinator):
    with RobotServer("wecom") as server:
        robot = _robot(server, dev_coordinator, departments["dev"])
    # The server is gone: nothing was posted.
    _message, outcome = _post(robot, "m1")
    assert outcome == outbox.RETRY


def test_robot_urls_must_be_https_on_a_public_host(settings):
    settings.PLANBRIDGE_ALLOW_PRIVATE_WEBHOOKS = False
    with pytest.raises(ValidationError, match="https://"):
        transport.url_check("http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K")
    with pytest.raises(ValidationError, match="not on the public internet"):
        transport.url_check("https://127.0.0.1/hook")
    with pytest.raises(ValidationError, match="not on the public internet"):
        transport.url_check("https://10.1.2.3/hook")
    with pytest.raises(transport.NotSent):
        transport.post_json("https://127.0.0.1:9/hook", b"{}")


def test_a_dead_workers_message_out_with_the_platform_is_unknown_not_resent(
    departments, dev_coordinator
):
    with RobotServer("wecom") as server:
        robot = _robot(server, dev_coordinator, departments["dev"])
        out = robot_message_enqueue(
            robot=robot, kind="digest", dedupe_key="out", title="T", lines=[Line("a")], queue=False
        )
        before = robot_message_enqueue(
            robot=robot, kind="digest", dedupe_key="before", title="T", lines=[Line("b")],
            queue=False,
        )  # fmt: skip
        now = timezone.now()
        # Both claimed by a worker that died: one while its part was out with the platform,
        # the other before it posted anything.
        for message in (out, before):
            outbox.outbox_message_claim(message_pk=message.pk, now=now)
        OutboxMessage.objects.filter(pk=out.pk).update(headers={"posting": 0})
        later = now + outbox.lease_length() + datetime.timedelta(seconds=1)
        assert outbox.outbox_message_claim(message_pk=out.pk, now=later) is None
        assert outbox.outbox_recover(now=later) == [before.pk]
        out.refresh_from_db()
        assert out.state == State.UNKNOWN and "may have been posted" in out.last_error
        with time_machine.travel(later):
            assert outbox.outbox_message_send(message_pk=before.pk) == outbox.SENT
    assert len(server.received) == 1
