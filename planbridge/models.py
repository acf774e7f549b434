"""Core models: departments and roles, plans (initiatives and their team), user profiles.

The core imports no app (docs/architecture.md "Apps and the one-way rule"): goals, meetings
and reviews point here.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

PM_GROUP = "pm"


class Department(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")
        MEMBER = "member", _("Member")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("department"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    history = HistoricalRecords()

    class Meta:
        ordering = ["department__name", "role", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "department"], name="membership_unique_user"),
            models.CheckConstraint(
                condition=Q(role__in=["coordinator", "member"]), name="membership_role_valid"
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.department} · {self.get_role_display()}"


class Plan(models.Model):
    """A cross-department initiative or quarterly work plan, with its team."""

    title = models.CharField(_("title"), max_length=200)
    background = models.TextField(_("background"), blank=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_plans",
        verbose_name=_("owner"),
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="plan_teams", blank=True, verbose_name=_("team")
    )
    communication_mechanism = models.TextField(_("communication mechanism"), blank=True)
    review_cadence = models.TextField(_("review cadence"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[team])

    class Meta:
        ordering = ["-start", "title"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="plan_end_after_start"),
        ]

    def __str__(self):
        return self.title


def new_calendar_token() -> str:
    return secrets.token_urlsafe(24)


class Profile(models.Model):
    """Per-user preferences: language of pages and emails, digest opt-out, calendar token."""

    class Language(models.TextChoices):
        EN = "en", "English"
        ZH_HANS = "zh-hans", "简体中文"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="profile",
        verbose_name=_("user"),
    )
    language = models.CharField(
        _("preferred language"), max_length=10, choices=Language.choices, default=Language.EN
    )
    digest_opt_out = models.BooleanField(
        _("no digest emails"),
        default=False,
        help_text=_("Do not send me the daily digest of findings that were not carried."),
    )
    calendar_token = models.CharField(
        _("calendar token"), max_length=64, unique=True, null=True, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self):
        return str(self.user)


class OutboxMessage(models.Model):
    """One message that leaves the system, on one channel, to one recipient (docs/architecture.md
    "Jobs"). Apps hand it rendered text and ids; the core claims it before sending (a lease),
    retries it with backoff and resends it when a worker died holding the lease. The dedupe key
    is unique: enqueueing the same message twice keeps the first."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        # The server may or may not have taken it (the connection broke after the message
        # data went out): not retried by itself, so that nobody gets it twice unasked.
        UNKNOWN = "unknown", _("Outcome unknown")

    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.EMAIL
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="outbox_messages",
        verbose_name=_("recipient"),
    )
    address = models.CharField(_("address"), max_length=254)
    kind = models.CharField(_("kind"), max_length=40)
    dedupe_key = models.CharField(_("dedupe key"), max_length=200)
    subject = models.CharField(_("subject"), max_length=255)
    text = models.TextField(_("text"))
    html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        constraints = [
            models.UniqueConstraint(fields=["dedupe_key"], name="outboxmessage_dedupe_key"),
        ]
        indexes = [
            models.Index(
                fields=["state", "updated_at"],
                condition=Q(state__in=["pending", "sending"]),
                name="outboxmessage_unfinished",
            ),
            models.Index(fields=["kind", "recipient"], name="outboxmessage_kind_recipient"),
        ]

    def __str__(self):
        return f"{self.kind} · {self.recipient} · {self.get_state_display()}"
