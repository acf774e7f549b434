"""Notifications (docs/architecture.md "Notifications"): one row per event and recipient,
shown in-app and e-mailed according to the recipient's preference for the kind.

Apps record events with notify() (one object) or notify_many() (a set of objects, e.g. the
flag job), from their services and in the same transaction, so an event is recorded exactly
when its change commits. The actor is never notified of their own action. The core imports no
app: callers pass the object's app label, id, link and title.
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from . import outbox
from .models import Membership, Notification, NotificationPreference, Profile
from .people import person_name

Kind = Notification.Kind
Delivery = Notification.Delivery

NOTIFICATION_EMAIL_KIND = "notification"

# What a user gets without a preference row: the events that wait for them at once, the
# flag job's findings (already in the daily digest's list) with the digest.
DEFAULT_DELIVERY: dict[str, str] = {
    Kind.ASK_RAISED: Delivery.IMMEDIATE,
    Kind.ASK_ACCEPTED: Delivery.IMMEDIATE,
    Kind.ASK_DECLINED: Delivery.IMMEDIATE,
    Kind.ASK_DONE: Delivery.DIGEST,
    Kind.PROPOSAL_MADE: Delivery.IMMEDIATE,
    Kind.PROPOSAL_ACCEPTED: Delivery.IMMEDIATE,
    Kind.PROPOSAL_DECLINED: Delivery.IMMEDIATE,
    Kind.ACTION_ITEM_ASSIGNED: Delivery.IMMEDIATE,
    Kind.FINDING_FLAGGED: Delivery.DIGEST,
    Kind.REVIEW_CLOSED: Delivery.DIGEST,
}

# The sentence of each kind, rendered in the reader's language around the stored title.
SENTENCES: dict[str, Any] = {
    Kind.ASK_RAISED: _("%(actor)s raised an ask to %(department)s: %(title)s"),
    Kind.ASK_ACCEPTED: _("%(actor)s accepted the ask of %(department)s: %(title)s"),
    Kind.ASK_DECLINED: _("%(actor)s declined the ask of %(department)s: %(title)s"),
    Kind.ASK_DONE: _("%(actor)s marked the ask of %(department)s done: %(title)s"),
    Kind.PROPOSAL_MADE: _("%(actor)s proposed work for %(department)s: %(title)s"),
    Kind.PROPOSAL_ACCEPTED: _("%(actor)s accepted the proposal for %(department)s: %(title)s"),
    Kind.PROPOSAL_DECLINED: _("%(actor)s declined the proposal for %(department)s: %(title)s"),
    Kind.ACTION_ITEM_ASSIGNED: _("%(actor)s assigned an action item to you: %(title)s"),
    Kind.FINDING_FLAGGED: _(
        "A finding of %(department)s was flagged, neither carried nor dismissed in time: %(title)s"
    ),
    Kind.REVIEW_CLOSED: _("%(actor)s closed the review %(title)s with findings of %(department)s"),
}


@dataclass(frozen=True)
class Event:
    """One object an event concerns and who should hear of it."""

    recipient_ids: Collection[int]
    app_label: str
    object_id: int
    url: str  # the object's page, a path
    title: str
    department_name: str = ""


def notify(
    *,
    kind: str,
    recipient_ids: Collection[int],
    actor: User | None,
    app_label: str,
    object_id: int,
    url: str,
    title: str,
    department_name: str = "",
) -> list[Notification]:
    """Records the event for each active recipient except the actor, and queues the e-mail of
    those who want it at once; call it inside the service's transaction."""
    event = Event(
        recipient_ids=recipient_ids,
        app_label=app_label,
        object_id=object_id,
        url=url,
        title=title,
        department_name=department_name,
    )
    return notify_many(kind=kind, events=[event], actor=actor)


@transaction.atomic
def notify_many(*, kind: str, events: Iterable[Event], actor: User | None) -> list[Notification]:
    """Records one kind of event for a set of objects in a fixed number of queries (the
    recipients, their preferences, one insert, one update of the e-mailed ones) plus one
    outbox row per e-mail sent at once; the actor and inactive users get nothing."""
    if kind not in SENTENCES:
        raise ValueError(f"Unknown notification kind {kind!r}.")
    events = list(events)
    wanted = {pk for event in events for pk in event.recipient_ids}
    if actor is not None:
        wanted.discard(actor.pk)
    if not wanted:
        return []
    users = {
        user.pk: user
        for user in get_user_model()
        .objects.filter(pk__in=wanted, is_active=True)
        .select_related("profile")
    }
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=users, kind=kind).values_list(
            "user_id", "delivery"
        )
    )
    now = timezone.now()
    rows = []
    for event in events:
        for pk in sorted(set(event.recipient_ids) & users.keys()):
            rows.append(
                Notification(
                    recipient_id=pk,
                    kind=kind,
                    actor=actor,
                    app_label=event.app_label,
                    object_id=event.object_id,
                    url=event.url[:500],
                    title=event.title[:300],
                    department_name=event.department_name[:120],
                    delivery=chosen.get(pk, DEFAULT_DELIVERY[kind]),
                    created_at=now,
                )
            )
    created = Notification.objects.bulk_create(rows)
    emailed = []
    for notification in created:
        user = users[notification.recipient_id]
        if notification.delivery != Delivery.IMMEDIATE or not user.email:
            continue
        notification.recipient = user
        rendered = notification_email_render(notification=notification)
        outbox.outbox_enqueue(
            recipient_id=user.pk,
            address=user.email,
            kind=NOTIFICATION_EMAIL_KIND,
            dedupe_key=f"{NOTIFICATION_EMAIL_KIND}:{notification.pk}",
            subject=rendered[0],
            text=rendered[1],
            html=rendered[2],
            headers={"Auto-Submitted": "auto-generated"},
        )
        emailed.append(notification.pk)
    if emailed:
        Notification.objects.filter(pk__in=emailed).update(emailed_at=now)
    return created


def user_language(user: User) -> str:
    try:
        return user.profile.language
    except Profile.DoesNotExist:
        return settings.LANGUAGE_CODE


def actor_name(user: User | None) -> str:
    if user is None:
        return "PlanBridge"
    return person_name(user)


def notification_text(notification: Notification) -> str:
    """The notification's sentence in the active language."""
    return SENTENCES[notification.kind] % {
        "actor": actor_name(notification.actor),
        "department": notification.department_name or "—",
        "title": notification.title,
    }


def absolute_url(path: str) -> str:
    return settings.SITE_URL + path


def notification_email_render(*, notification: Notification) -> tuple[str, str, str]:
    """Subject, text and HTML of the e-mail of one notification, in the recipient's language."""
    from django.urls import reverse

    user = notification.recipient
    with translation.override(user_language(user)):
        context = {
            "user": user,
            "sentence": notification_text(notification),
            "url": absolute_url(notification.url),
            "settings_url": absolute_url(reverse("notification_settings")),
            "list_url": absolute_url(reverse("notification_list")),
        }
        subject = " ".join(
            render_to_string("planbridge/email/notification_subject.txt", context).split()
        )[:255]
        text = render_to_string("planbridge/email/notification.txt", context)
        html = render_to_string("planbridge/email/notification.html", context)
    return subject, text, html


def department_coordinator_ids(department_ids: Collection[int]) -> list[int]:
    """Ids of the coordinators of these departments (one query), the usual recipients."""
    return list(
        Membership.objects.filter(
            department_id__in=department_ids, role=Membership.Role.COORDINATOR
        )
        .order_by()
        .values_list("user_id", flat=True)
        .distinct()
    )


# Reads -----------------------------------------------------------------------------------


def unread_count(user: User) -> int:
    """The number of the user's unread notifications (one query)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_list(*, user: User) -> QuerySet[Notification]:
    """The user's notifications, newest first, with their actors."""
    return Notification.objects.filter(recipient=user).select_related("actor")


def digest_notifications(*, user: User) -> list[Notification]:
    """The user's notifications waiting for the daily digest (preference "digest", not yet
    e-mailed), oldest first, with their actors (one query)."""
    return list(
        Notification.objects.filter(
            recipient=user, delivery=Delivery.DIGEST, emailed_at__isnull=True
        )
        .select_related("actor")
        .order_by("created_at", "pk")
    )


def digest_notification_user_ids() -> QuerySet:
    """Ids of users with notifications waiting for the daily digest."""
    return (
        Notification.objects.filter(delivery=Delivery.DIGEST, emailed_at__isnull=True)
        .order_by()
        .values("recipient_id")
    )


def notifications_mark_digested(*, notification_ids: Collection[int]) -> int:
    """Marks notifications as carried by a digest e-mail; returns how many changed."""
    return Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )


# Writes of the pages ---------------------------------------------------------------------


@transaction.atomic
def notification_mark_read(*, user: User, notification_id: int) -> bool:
    """Marks one of the user's notifications read (another user's is not found: False)."""
    found = Notification.objects.filter(pk=notification_id, recipient=user)
    if not found.exists():
        return False
    found.filter(read_at__isnull=True).update(read_at=timezone.now())
    return True


@transaction.atomic
def notifications_mark_all_read(*, user: User) -> int:
    """Marks every unread notification of the user read; returns how many."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def notification_preferences_save(*, user: User, deliveries: dict[str, str]) -> None:
    """Stores the user's e-mail choice per kind (unknown kinds or choices are refused)."""
    from django.core.exceptions import ValidationError

    for kind, delivery in deliveries.items():
        if kind not in SENTENCES or delivery not in Delivery.values:
            raise ValidationError(_("Choose one of the offered options."))
    for kind, delivery in deliveries.items():
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"delivery": delivery}
        )


def notification_preferences(*, user: User) -> dict[str, str]:
    """The user's e-mail choice for every kind, defaults filled in (one query)."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: chosen.get(kind, DEFAULT_DELIVERY[kind]) for kind in Kind.values}
