"""The outbox's robot channel (docs/architecture.md "Chat robots"): posts one outbox message
to its robot, split into parts under the platform's limit and in order, each part signed
afresh and throttled per robot. The outbox (planbridge.outbox) claims the row before and
records the outcome after."""

import datetime
import time

from django.utils import timezone

from ..models import ChatRobot, OutboxMessage
from . import answers, formats
from .signing import dingtalk_signed_url, feishu_sign
from .throttle import robot_post_slot
from .transport import MaybeSent, NotSent, post_json

# A throttle wait this short is slept through while holding the claim (Slack's one a second
# between the parts of a split message); a longer one hands the row back to the queue.
SLEEP_AT_MOST = 2.0


# The key, in the row's headers, of the part being posted right now.
POSTING = "posting"


class RobotError(Exception):
    """What the platform (or the way to it) said, as recorded on the outbox row."""


def robot_deliver(message: OutboxMessage):
    """Posts the message's remaining parts; the outbox's outcome (see planbridge.outbox)."""
    from .. import outbox  # the outbox dispatches here

    robot = ChatRobot.objects.get(pk=message.robot_id or 0)
    lines = formats.lines_load(message.text)
    parts = formats.split(robot.kind, message.subject, lines, robot.language)
    mine = OutboxMessage.objects.filter(
        pk=message.pk, state=OutboxMessage.State.SENDING, attempts=message.attempts
    )
    for index in range(message.parts_done, len(parts)):
        wait = robot_post_slot(robot_pk=robot.pk, now=timezone.now())
        while 0 < wait <= SLEEP_AT_MOST:
            time.sleep(wait)
            wait = robot_post_slot(robot_pk=robot.pk, now=timezone.now())
        if wait > 0:
            return outbox.Throttled(wait)
        title = formats.part_title(message.subject, index + 1, len(parts))
        body = formats.part_body(robot.kind, title, parts[index], robot.language)
        url = robot.url
        # Signed at every attempt: both platforms refuse a timestamp an hour old.
        now = timezone.now()
        if robot.kind == formats.DINGTALK and robot.secret:
            url = dingtalk_signed_url(
                url, secret=robot.secret, timestamp_ms=int(now.timestamp() * 1000)
            )
        if robot.kind == formats.FEISHU and robot.secret:
            timestamp = int(now.timestamp())
            body = {
                "timestamp": str(timestamp),
                "sign": feishu_sign(secret=robot.secret, timestamp_s=timestamp),
                **body,
            }
        # Committed before the request goes out: a worker killed from here until the answer is
        # recorded leaves the marker, and the outbox then records the outcome as unknown
        # instead of posting the part again (outbox.outbox_recover).
        mine.update(headers={POSTING: index})
        try:
            response = post_json(url, formats.body_bytes(body))
        except NotSent as exc:
            mine.update(headers={})
            return outbox.Refused(RobotError(str(exc)), permanent=False)
        except MaybeSent as exc:
            return outbox.Broken(RobotError(str(exc)))
        answer = answers.classify(robot.kind, response.status, response.headers, response.body)
        if answer.outcome == answers.OK:
            mine.update(parts_done=index + 1, headers={"answer": answer.message})
            continue
        mine.update(headers={})
        error = RobotError(answer.message)
        if answer.outcome == answers.RATE_LIMITED:
            return outbox.Refused(error, permanent=False, wait=answer.back_off)
        if answer.outcome == answers.REFUSED:
            robot_refusal_record(robot=robot, message=answer.message, now=now)
            return outbox.Refused(error, permanent=True)
        return outbox.Refused(error, permanent=False)
    return None


def robot_refusal_record(*, robot: ChatRobot, message: str, now: datetime.datetime) -> None:
    """Keeps the platform's refusal on the robot (its list and settings page show it) and
    tells the robot's owner, once a day per robot."""
    from .services import robot_owner_notify

    ChatRobot.objects.filter(pk=robot.pk).update(last_error=message[:2000], last_error_at=now)
    robot_owner_notify(robot=robot, error=message, now=now)
