"""The daily digests (docs/architecture.md "Jobs"): each recipient's digest is rendered in
their language and handed to the core's outbox, which sends it; the outbox's dedupe key
(reviews.selectors.digests.digest_key) keeps it to one per user and day."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from planbridge import notifications, outbox, periods
from planbridge.models import Notification, OutboxMessage, Profile

from ..selectors.digests import (
    DIGEST_KIND,
    DigestItem,
    absolute_url,
    digest_items,
    digest_key,
    digest_recipients,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RenderedDigest:
    subject: str
    text: str
    html: str
    headers: dict[str, str]


@transaction.atomic
def digests_schedule(*, queue: bool = True) -> list[int]:
    """Hands today's digest of every recipient who has none yet to the outbox (with `queue`,
    its send is queued after commit) and returns the new outbox messages' ids; a second run
    the same day adds none, and a user with nothing flagged, or who opted out, gets none."""
    today = periods.today()
    now = timezone.now()
    recipients = list(digest_recipients(now=now))
    keys = {user.pk: digest_key(user.pk, today) for user in recipients}
    taken = set(
        OutboxMessage.objects.filter(dedupe_key__in=keys.values()).values_list(
            "dedupe_key", flat=True
        )
    )
    message_ids = []
    for user in recipients:
        if keys[user.pk] in taken:
            continue
        items = digest_items(user=user, now=now)
        # The same e-mail carries the notifications waiting for the digest, so a user gets
        # at most one digest a day (docs/architecture.md "Notifications").
        waiting = notifications.digest_notifications(user=user)
        notes = _not_listed_above(waiting, items)
        if not items and not notes:
            continue
        digest = digest_render(user=user, items=items, waiting=notes)
        message = outbox.outbox_enqueue(
            recipient_id=user.pk,
            address=user.email,
            kind=DIGEST_KIND,
            dedupe_key=keys[user.pk],
            subject=digest.subject,
            text=digest.text,
            html=digest.html,
            headers=digest.headers,
            queue=queue,
        )
        if message is not None:
            message_ids.append(message.pk)
        if message is not None and waiting:
            notifications.notifications_mark_digested(
                notification_ids=[notification.pk for notification in waiting]
            )
    logger.info("Digests: %d recipient(s), %d new digest(s).", len(recipients), len(message_ids))
    return message_ids


def digest_render(
    *, user: User, items: list[DigestItem], waiting: list[Notification] | None = None
) -> RenderedDigest:
    """The digest's subject, text and HTML in the user's preferred language: the flagged
    findings, then the notifications waiting for the digest."""
    waiting = waiting or []
    profile = _loaded_profile(user)
    language = profile.language if profile else settings.LANGUAGE_CODE
    profile_url = absolute_url(reverse("profile"))
    context = {
        "user": user,
        "items": items,
        "count": len(items),
        "grace_days": settings.PLANBRIDGE_CARRY_GRACE_DAYS,
        "my_digest_url": absolute_url(reverse("reviews:my_digest")),
        "profile_url": profile_url,
        "site_url": settings.SITE_URL,
    }
    with translation.override(language):
        context["notes"] = [
            (notifications.notification_text(notification), absolute_url(notification.url))
            for notification in waiting
        ]
        context["notes_count"] = len(waiting)
        subject = " ".join(render_to_string("reviews/email/digest_subject.txt", context).split())
        text = render_to_string("reviews/email/digest.txt", context)
        html = render_to_string("reviews/email/digest.html", context)
    headers = {"List-Unsubscribe": f"<{profile_url}>", "Auto-Submitted": "auto-generated"}
    return RenderedDigest(subject=subject, text=text, html=html, headers=headers)


def _not_listed_above(waiting: list[Notification], items: list[DigestItem]) -> list[Notification]:
    """The waiting notifications the digest still has to tell: a "finding flagged" one whose
    finding is among the digest's flagged findings is already there, so it is not said twice
    (it is still marked as carried by this digest)."""
    listed = {item.finding.pk for item in items}
    return [
        notification
        for notification in waiting
        if not (
            notification.kind == Notification.Kind.FINDING_FLAGGED
            and notification.app_label == "reviews"
            and notification.object_id in listed
        )
    ]


def _loaded_profile(user: User) -> Profile | None:
    """The user's profile as loaded by select_related("profile"), None if they have none."""
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None
