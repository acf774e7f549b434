"""The weekly-update reminder: one email per coordinator and week at most. The claim row
(ReminderDelivery, unique on user and week) is committed before the email is sent, so two
runs of the job, even at the same moment, cannot both send (docs/architecture.md "Jobs")."""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from planbridge.periods import check_dates_in_range

from ..models import ReminderDelivery
from ..selectors import departments_missing_update_for

logger = logging.getLogger(__name__)

# A failed send is retried by the next hourly run, at most this many attempts in all.
MAX_ATTEMPTS = 3


def reminder_deadline(week: datetime.date) -> datetime.datetime:
    """The moment of the week (in settings.TIME_ZONE) after which missing updates are reminded."""
    day = week + datetime.timedelta(days=settings.PLANBRIDGE_REMINDER_WEEKDAY)
    naive = datetime.datetime.combine(day, datetime.time(settings.PLANBRIDGE_REMINDER_HOUR))
    return timezone.make_aware(naive, timezone.get_default_timezone())


def reminder_claim(*, user_id: int, week: datetime.date) -> ReminderDelivery | None:
    """Claims the user's reminder of the week; None when another run holds or sent it."""
    try:
        # Committed at once (no outer transaction): a concurrent claimant's INSERT waits on
        # the unique index and then fails, so exactly one run goes on to send.
        with transaction.atomic():
            return ReminderDelivery.objects.create(user_id=user_id, week=week)
    except IntegrityError:
        pass
    reclaimed = ReminderDelivery.objects.filter(
        user_id=user_id,
        week=week,
        status=ReminderDelivery.Status.FAILED,
        attempts__lt=MAX_ATTEMPTS,
    ).update(status=ReminderDelivery.Status.SENDING, attempts=F("attempts") + 1)
    if reclaimed != 1:
        return None
    return ReminderDelivery.objects.get(user_id=user_id, week=week)


def _reminder_message(user, departments, week: datetime.date) -> EmailMultiAlternatives:
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
    message = EmailMultiAlternatives(subject, text, to=[user.email])
    message.attach_alternative(html, "text/html")
    return message


def reminder_deliver(*, user_id: int, week: datetime.date) -> bool:
    """Sends the user one reminder for the week's missing updates of the departments they
    coordinate; True only when this call sent it. Never sends twice for a user and week."""
    check_dates_in_range(week=week)
    delivery = reminder_claim(user_id=user_id, week=week)
    if delivery is None:
        return False
    user = get_user_model().objects.select_related("profile").get(pk=user_id)
    departments = list(departments_missing_update_for(user_id=user_id, week=week))
    if not departments or not user.email:
        # Submitted in the meantime (or nowhere to send): the claim stays, so no later run
        # of the same week sends either.
        delivery.status = ReminderDelivery.Status.SKIPPED
        delivery.save(update_fields=["status"])
        return False
    try:
        _reminder_message(user, departments, week).send()
    except Exception as exc:  # SMTP and connection errors of any kind: record, retry later
        logger.warning("Weekly reminder to user %s failed: %s", user_id, exc)
        delivery.status = ReminderDelivery.Status.FAILED
        delivery.error = f"{exc.__class__.__name__}: {exc}"[:2000]
        delivery.save(update_fields=["status", "error"])
        return False
    delivery.status = ReminderDelivery.Status.SENT
    delivery.sent_at = timezone.now()
    delivery.error = ""
    delivery.save(update_fields=["status", "sent_at", "error"])
    return True
