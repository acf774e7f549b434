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

from planbridge import outbox, periods
from planbridge.models import OutboxMessage, Profile

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
        if not items:
            continue
        digest = digest_render(user=user, items=items)
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
    logger.info("Digests: %d recipient(s), %d new digest(s).", len(recipients), len(message_ids))
    return message_ids


def digest_render(*, user: User, items: list[DigestItem]) -> RenderedDigest:
    """The digest's subject, text and HTML in the user's preferred language."""
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
        subject = " ".join(render_to_string("reviews/email/digest_subject.txt", context).split())
        text = render_to_string("reviews/email/digest.txt", context)
        html = render_to_string("reviews/email/digest.html", context)
    headers = {"List-Unsubscribe": f"<{profile_url}>", "Auto-Submitted": "auto-generated"}
    return RenderedDigest(subject=subject, text=text, html=html, headers=headers)


def _loaded_profile(user: User) -> Profile | None:
    """The user's profile as loaded by select_related("profile"), None if they have none."""
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None
