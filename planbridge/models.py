"""Core models: departments and roles, plans (initiatives and their team), user profiles.

The core imports no app (docs/architecture.md "Apps and the one-way rule"): goals, meetings
and reviews point here.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from simple_history.models import HistoricalRecords

PM_GROUP = "pm"


class Department(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    # Archived departments leave every list of choices but keep their history and keep
    # counting in past carry-over rates; a merged one points to the department that took
    # over its work (docs/architecture.md "Nothing with history is deleted").
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_departments",
        verbose_name=_("merged into"),
    )
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
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("user"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
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
    # Archived plans leave the lists of current work and keep everything they hold.
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
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


def calendar_token_hash(token: str) -> str:
    """What is stored of a calendar token: its SHA-256, so that neither the table nor its
    history can be read back into a working feed address."""
    return hashlib.sha256(token.encode()).hexdigest()


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
    calendar_token_hash = models.CharField(
        _("calendar token (hashed)"), max_length=64, unique=True, null=True, blank=True
    )
    # When the user last opened My work: its "answers since I last looked" start here. Moved
    # on every visit, so it is kept out of the history (docs/architecture.md "My work").
    my_work_seen_at = models.DateTimeField(_("My work last seen at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["calendar_token_hash", "my_work_seen_at"])

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
        ROBOT = "robot", _("Chat robot")

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
    # An email has a user as recipient; a robot message has the robot (docs/architecture.md
    # "Chat robots").
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outbox_messages",
        verbose_name=_("recipient"),
    )
    robot = models.ForeignKey(
        "ChatRobot",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("chat robot"),
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
    # A robot message split into parts (each under the platform's size limit) posts them in
    # order; the parts the platform took are counted here, so a retry goes on from the next.
    parts_done = models.PositiveSmallIntegerField(_("parts posted"), default=0)
    # The earliest moment of the next attempt a platform asked for (a rate-limit answer) or
    # the robot's own throttle set.
    retry_after = models.DateTimeField(_("retry after"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        constraints = [
            models.UniqueConstraint(fields=["dedupe_key"], name="outboxmessage_dedupe_key"),
            models.CheckConstraint(
                condition=(Q(channel="email") & Q(recipient__isnull=False))
                | (Q(channel="robot") & Q(recipient__isnull=True)),
                name="outboxmessage_recipient_of_channel",
            ),
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
        return f"{self.kind} · {self.recipient or self.address} · {self.get_state_display()}"


class ChatRobot(models.Model):
    """A group robot of a department or of a plan on WeCom, DingTalk, Feishu or Slack
    (docs/architecture.md "Chat robots"). Its webhook URL and secret are credentials: stored,
    never shown again (pages show `url_hint`)."""

    class Kind(models.TextChoices):
        WECOM = "wecom", _("WeCom")
        DINGTALK = "dingtalk", _("DingTalk")
        FEISHU = "feishu", _("Feishu")
        SLACK = "slack", _("Slack")

    class Post(models.TextChoices):
        DIGEST = "digest", _("Daily digest of flagged findings")
        AGENDA = "agenda", _("Weekly meeting agenda")
        ASKS = "asks", _("Asks to and from the department")
        REVIEWS = "reviews", _("Review closed")

    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="chat_robots",
        verbose_name=_("department"),
    )
    plan = models.ForeignKey(
        Plan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="chat_robots",
        verbose_name=_("plan"),
    )
    kind = models.CharField(_("platform"), max_length=10, choices=Kind.choices)
    url = models.CharField(_("webhook URL"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=Profile.Language.choices, default="zh-hans"
    )
    posts = models.JSONField(_("posts"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="chat_robots",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The platform's last refusal that retrying cannot fix (signature, keyword, size).
    last_error = models.TextField(_("last error of the platform"), blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    # Moments of the latest posts (the throttle's window), kept on the row that serializes
    # them: a throttle in a cache is not correctness (STYLE.md "Jobs").
    recent_posts = models.JSONField(_("recent posts"), default=list, blank=True)
    # The credentials stay out of the history; the throttle's moments and the last error are
    # written with update() and change too often to be history.
    history = HistoricalRecords(
        excluded_fields=["url", "secret", "recent_posts", "last_error", "last_error_at"]
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("chat robot")
        verbose_name_plural = _("chat robots")
        constraints = [
            models.CheckConstraint(
                condition=(Q(department__isnull=False) & Q(plan__isnull=True))
                | (Q(department__isnull=True) & Q(plan__isnull=False)),
                name="chatrobot_department_or_plan",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["wecom", "dingtalk", "feishu", "slack"]),
                name="chatrobot_kind_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.url_hint}"

    @property
    def url_hint(self) -> str:
        """What pages show of the URL: its host and its last 4 characters."""
        from urllib.parse import urlparse

        host = urlparse(self.url).hostname or "?"
        return f"{host} …{self.url[-4:]}"

    @property
    def secret_hint(self) -> str:
        return f"…{self.secret[-4:]}" if self.secret else ""

    @property
    def posts_text(self) -> str:
        """What the robot posts, in words of the active language."""
        labels = dict(self.Post.choices)
        return pgettext("list separator", ", ").join(
            str(labels[post]) for post in self.posts if post in labels
        )


class AuditRecord(models.Model):
    """One change of an audited value: who (or which job), when, old and new value
    (docs/architecture.md "Audit"). Written next to the change, in the same transaction;
    the flag job writes its records with one set-based INSERT."""

    class Subject(models.TextChoices):
        FINDING = "finding", _("Finding")
        CALENDAR_TOKEN = "calendar_token", _("Calendar token")

    subject = models.CharField(_("subject"), max_length=30, choices=Subject.choices)
    object_id = models.PositiveBigIntegerField(_("object id"))
    field = models.CharField(_("field"), max_length=40)
    old_value = models.TextField(_("old value"), blank=True)
    new_value = models.TextField(_("new value"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_records",
        verbose_name=_("by"),
    )
    job = models.CharField(_("job"), max_length=80, blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        constraints = [
            models.CheckConstraint(
                condition=Q(actor__isnull=False) | ~Q(job=""), name="auditrecord_has_author"
            ),
        ]
        indexes = [
            models.Index(fields=["subject", "object_id", "at"], name="auditrecord_subject"),
        ]

    def __str__(self):
        return f"{self.subject} {self.object_id} · {self.field}"


class SubmissionToken(models.Model):
    """The one-time token of a submitted create form (docs/architecture.md "Idempotent
    writes"). Inserted in the transaction that creates the object, so a second submit of
    the same token waits for the first, then finds this row and shows its result."""

    token = models.UUIDField(_("token"), unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="submission_tokens",
        verbose_name=_("user"),
    )
    form = models.CharField(_("form"), max_length=60)
    result_url = models.CharField(_("result"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("submission token")
        verbose_name_plural = _("submission tokens")
        indexes = [models.Index(fields=["created_at"], name="submissiontoken_created")]

    def __str__(self):
        return f"{self.form} · {self.token}"


class Notification(models.Model):
    """One event for one user (docs/architecture.md "Notifications"): what happened (kind), who
    did it, and the object it concerns as app label, id, link and title, the title stored as
    typed (it is the user's text); the sentence around it is rendered in the reader's language.
    `delivery` is the user's preference for the kind when it was recorded; `emailed_at` is set
    when an e-mail (at once, or the daily digest) carried it."""

    class Kind(models.TextChoices):
        ASK_RAISED = "ask_raised", _("Ask raised to my department")
        ASK_ACCEPTED = "ask_accepted", _("Ask of my department accepted")
        ASK_DECLINED = "ask_declined", _("Ask of my department declined")
        ASK_DONE = "ask_done", _("Ask of my department done")
        PROPOSAL_MADE = "proposal_made", _("Proposal made to my department")
        PROPOSAL_ACCEPTED = "proposal_accepted", _("Proposal accepted")
        PROPOSAL_DECLINED = "proposal_declined", _("Proposal declined")
        ACTION_ITEM_ASSIGNED = "action_item_assigned", _("Action item assigned to me")
        FINDING_FLAGGED = "finding_flagged", _("Finding of my department flagged")
        REVIEW_CLOSED = "review_closed", _("Review closed with findings of my department")

    class Delivery(models.TextChoices):
        IMMEDIATE = "immediate", _("E-mail at once")
        DIGEST = "digest", _("In the daily digest")
        OFF = "off", _("No e-mail")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    app_label = models.CharField(_("app"), max_length=40)
    object_id = models.PositiveBigIntegerField(_("object id"))
    url = models.CharField(_("link"), max_length=500)
    title = models.CharField(_("title"), max_length=300)
    department_name = models.CharField(_("department"), max_length=120, blank=True)
    delivery = models.CharField(_("e-mail"), max_length=10, choices=Delivery.choices)
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient"),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(
                fields=["recipient"],
                condition=Q(delivery="digest", emailed_at__isnull=True),
                name="notification_digest_due",
            ),
        ]

    def __str__(self):
        return f"{self.kind} · {self.recipient} · {self.title}"


class NotificationPreference(models.Model):
    """How a user wants one kind of notification e-mailed; without a row the kind's default
    (planbridge.notifications.DEFAULT_DELIVERY) holds."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Notification.Kind.choices)
    delivery = models.CharField(_("e-mail"), max_length=10, choices=Notification.Delivery.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notificationpreference_once"),
        ]

    def __str__(self):
        return f"{self.user} · {self.kind} · {self.delivery}"
