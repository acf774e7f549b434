"""Asks posted to chat robots as they happen (docs/architecture.md "Chat robots"): when an
ask is raised or changes state, the robots of its two departments (and of its plan) that post
asks get one message each, in their language. Connected to the Ask's post_save in
MeetingsConfig.ready(), so every path that saves an ask posts it; the outbox's key (robot,
ask, state) keeps it to one post per state, however often the row is saved."""

import datetime

from django.conf import settings
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils import timezone, translation
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


ROBOT_AGENDA_KIND = "robot_agenda"
# The meeting's morning, local time (TIME_ZONE): its agenda is posted from this hour on.
AGENDA_HOUR = 8


def agenda_robots_post(*, now: datetime.datetime | None = None) -> list[int]:
    """On a meeting's morning (from AGENDA_HOUR local time), hands a summary of its agenda to
    the robots posting agendas of its plan and of the departments on the agenda, once per
    robot and meeting; returns the new outbox messages' ids."""
    from .selectors.agenda import meeting_agenda, meeting_queryset

    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < AGENDA_HOUR:
        return []
    ids = []
    for meeting in meeting_queryset().filter(date=local.date()):
        agenda = meeting_agenda(meeting)
        department_ids = {u.department_id for u in agenda.updates} | {
            d.pk for d in agenda.missing_departments
        }
        robots = robots_posting(
            post=ChatRobot.Post.AGENDA,
            department_ids=department_ids,
            plan_ids=[meeting.plan_id] if meeting.plan_id else [],
        )
        for robot in robots:
            with translation.override(robot.language):
                title, lines = _agenda_lines(agenda)
            message = robot_message_enqueue(
                robot=robot,
                kind=ROBOT_AGENDA_KIND,
                dedupe_key=f"{ROBOT_AGENDA_KIND}:{robot.pk}:{meeting.pk}",
                title=title,
                lines=lines,
            )
            if message is not None:
                ids.append(message.pk)
    return ids


def _agenda_lines(agenda) -> tuple[str, list[Line]]:
    meeting = agenda.meeting
    title = _("PlanBridge: today's coordination meeting %(date)s") % {
        "date": meeting.date.isoformat()
    }
    when = _("%(start)s–%(end)s (%(zone)s)") % {
        "start": meeting.start_time.strftime("%H:%M"),
        "end": meeting.end_time.strftime("%H:%M"),
        "zone": settings.TIME_ZONE,
    }
    if meeting.place:
        when = _("%(when)s at %(place)s") % {"when": when, "place": meeting.place}
    lines = [Line(when)]
    if meeting.link:
        lines.append(Line(_("Meeting link"), meeting.link))
    lines += [
        Line(_("Weekly updates submitted: %(count)d") % {"count": len(agenda.updates)}),
    ]
    if agenda.missing_departments:
        names = ", ".join(d.name for d in agenda.missing_departments)
        lines.append(Line(_("No update yet: %(names)s") % {"names": names}))
    lines += [
        Line(_("Open asks: %(count)d") % {"count": len(agenda.open_asks)}),
        Line(_("Open action items: %(count)d") % {"count": len(agenda.carried_action_items)}),
        Line(_("Rhythm conflicts: %(count)d") % {"count": len(agenda.rhythm_conflicts)}),
        Line(_("Goals at risk: %(count)d") % {"count": len(agenda.goals_at_risk)}),
        Line(_("Plan items due this week: %(count)d") % {"count": len(agenda.items_due)}),
        Line(_("Open the agenda"), _site(reverse("meetings:meeting_detail", args=[meeting.pk]))),
    ]
    return title, lines
