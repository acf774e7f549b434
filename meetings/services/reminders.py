"""The weekly-update reminder (docs/architecture.md "Jobs"): once the week's reminder moment
has passed, each coordinator whose department has not submitted the week's update is handed
one reminder, rendered in their language, to the core's outbox, which sends it. The outbox's
dedupe key (reminder_key) keeps it to one per coordinator and week, however often the hourly
job runs and even when two runs meet."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from planbridge import outbox
from planbridge.models import Department, OutboxMessage
from planbridge.periods import check_dates_in_range

from ..selectors import departments_missing_update_for

REMINDER_KIND = "weekly_reminder"


def reminder_key(user_id: int, week: datetime.date) -> str:
    """The outbox dedupe key of a coordinator's reminder of a week."""
    return f"reminder:{user_id}:{week.isoformat()}"


def reminder_deadline(week: datetime.date) -> datetime.datetime:
    """The moment of the week (in settings.TIME_ZONE) after which missing updates are reminded."""
    day = week + datetime.timedelta(days=settings.PLANBRIDGE_REMINDER_WEEKDAY)
    naive = datetime.datetime.combine(day, datetime.time(settings.PLANBRIDGE_REMINDER_HOUR))
    return timezone.make_aware(naive, timezone.get_default_timezone())


def reminder_enqueue(*, user_id: int, week: datetime.date) -> OutboxMessage | None:
    """Hands the user one reminder of the week's missing updates of the departments they
    coordinate to the outbox (sent after commit); None when they already have this week's,
    nothing of theirs is missing, or they have no email address."""
    check_dates_in_range(week=week)
    key = reminder_key(user_id, week)
    if OutboxMessage.objects.filter(dedupe_key=key).exists():
        # Rendering is skipped for an hourly rerun; the unique key alone decides a race.
        return None
    user = get_user_model().objects.select_related("profile").get(pk=user_id)
    departments = list(departments_missing_update_for(user_id=user_id, week=week))
    if not departments or not user.email:
        return None
    subject, text, html = _reminder_render(user, departments, week)
    return outbox.outbox_enqueue(
        recipient_id=user.pk,
        address=user.email,
        kind=REMINDER_KIND,
        dedupe_key=key,
        subject=subject,
        text=text,
        html=html,
        headers={"Auto-Submitted": "auto-generated"},
    )


def _reminder_render(
    user: User, departments: list[Department], week: datetime.date
) -> tuple[str, str, str]:
    language = getattr(getattr(user, "profile", None), "language", None) or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "user": user,
            "departments": departments,
            "week": week,
            "week_end": week + datetime.timedelta(days=6),
            "url": settings.SITE_URL + reverse("meetings:this_week"),
        }
        subject = " ".join(render_to_string("meetings/email/reminder_subject.txt", context).split())
        text = render_to_string("meetings/email/reminder.txt", context)
        html = render_to_string("meetings/email/reminder.html", context)
    return subject, text, html
