"""A meeting's agenda summary is posted to the robots posting agendas on the meeting's
morning, once per robot and meeting, in the robot's language (docs/architecture.md "Chat
robots")."""

import datetime
import zoneinfo

import time_machine

from meetings.robot_posts import agenda_robots_post
from meetings.tasks import post_meeting_agendas
from planbridge import outbox
from planbridge.models import ChatRobot, OutboxMessage
from planbridge.periods import week_start
from tests.factories import PlanFactory
from tests.robot_servers import RobotServer

from .factories import MeetingFactory


def test_the_agenda_is_posted_on_the_meetings_morning_once(settings, pm):
    settings.PLANBRIDGE_ALLOW_PRIVATE_WEBHOOKS = True
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    day = datetime.date(2026, 12, 3)
    plan = PlanFactory(
        owner=pm, start=day - datetime.timedelta(days=30), end=day + datetime.timedelta(days=30)
    )
    with time_machine.travel(datetime.datetime(2026, 12, 3, 7, 30, tzinfo=zone), tick=False):
        meeting = MeetingFactory(
            plan=plan,
            date=day,
            week=week_start(day),
            facilitator=pm,
            place="Room 3",
            link="https://meet.example.com/weekly",
        )
        with RobotServer("wecom") as server:
            ChatRobot.objects.create(
                plan=plan, kind="wecom", url=server.url, language="en", posts=["agenda"],
                created_by=pm,
            )  # fmt: skip
            ChatRobot.objects.create(
                plan=plan, kind="wecom", url=server.url, language="en", posts=["digest"],
                created_by=pm,
            )  # fmt: skip
            assert agenda_robots_post() == []  # before the morning
            morning = datetime.datetime(2026, 12, 3, 9, 0, tzinfo=zone)
            with time_machine.travel(morning, tick=False):
                assert post_meeting_agendas() == 1
                assert post_meeting_agendas() == 0
                (message,) = OutboxMessage.objects.filter(kind="robot_agenda")
                assert outbox.outbox_message_send(message_pk=message.pk) == outbox.SENT
    (body,) = server.received
    content = body["markdown"]["content"]
    assert "today's coordination meeting 2026-12-03" in content
    assert f"10:00–11:00 ({settings.TIME_ZONE}) at Room 3" in content
    assert "https://meet.example.com/weekly" in content
    assert f"/weekly/meetings/{meeting.pk}/" in content or f"meetings/{meeting.pk}/" in content
    assert "Open asks: 0" in content
