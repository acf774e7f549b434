"""Asks posted to chat robots as they happen (docs/architecture.md "Chat robots"): when an
ask is raised or changes state, the robots of its two departments (and of its plan) that post
asks get one message each, in their language. Connected to the Ask's post_save in
MeetingsConfig.ready(), so every path that saves an ask posts it; the outbox's key (robot,
ask, state) keeps it to one post per state, however often the row is saved."""

from django.db.models.signals import post_save
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from planbridge.models import ChatRobot
from planbridge.robots.formats import Line
from planbridge.robots.services import robot_message_enqueue, robots_posting

from .models import Ask

ROBOT_ASK_KIND = "robot_ask"


def ask_robot_title(ask: Ask) -> str:
    """The message's first line for the ask's state, in the active language."""
    names = {"from": ask.from_department.name, "to": ask.to_department.name, "what": ask.what}
    if ask.state == Ask.State.OPEN:
        return _("Ask from %(from)s to %(to)s: %(what)s") % names
    if ask.state == Ask.State.ACCEPTED:
        return _("%(to)s accepted the ask of %(from)s: %(what)s") % names
    if ask.state == Ask.State.DECLINED:
        return _("%(to)s declined the ask of %(from)s: %(what)s") % names
    return _("%(to)s has done the ask of %(from)s: %(what)s") % names


def ask_robots_post(ask: Ask) -> list[int]:
    """Hands the ask's current state to every robot posting asks of its departments or plan
    (once per robot and state); returns the new outbox messages' ids."""
    robots = robots_posting(
        post=ChatRobot.Post.ASKS,
        department_ids=[ask.from_department_id, ask.to_department_id],
        plan_ids=[ask.plan_id] if ask.plan_id else [],
    )
    ids = []
    for robot in robots:
        with translation.override(robot.language):
            title = ask_robot_title(ask)
            lines = []
            if ask.state == Ask.State.OPEN:
                lines.append(Line(_("Needed by %(date)s") % {"date": ask.needed_by.isoformat()}))
                if ask.why:
                    lines.append(Line(ask.why))
            elif ask.reply:
                lines.append(Line(_("Reply: %(reply)s") % {"reply": ask.reply}))
            lines.append(
                Line(_("Open the ask"), _site(reverse("meetings:ask_detail", args=[ask.pk])))
            )
        message = robot_message_enqueue(
            robot=robot,
            kind=ROBOT_ASK_KIND,
            dedupe_key=f"{ROBOT_ASK_KIND}:{robot.pk}:{ask.pk}:{ask.state}",
            title=title,
            lines=lines,
        )
        if message is not None:
            ids.append(message.pk)
    return ids


def _site(path: str) -> str:
    from django.conf import settings

    return settings.SITE_URL + path


def _ask_saved(sender, instance: Ask, raw: bool = False, **kwargs) -> None:
    if raw:  # loaddata
        return
    ask_robots_post(instance)


def connect() -> None:
    post_save.connect(_ask_saved, sender=Ask, dispatch_uid="meetings.ask_robots_post")
