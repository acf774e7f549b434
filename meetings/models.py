"""Weekly coordination: department updates, asks between departments, meetings and their
action items. Agendas are assembled in meetings.selectors, never stored."""

import datetime

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from goals.models import PlanItem
from planbridge.models import Department, Plan


class WeeklyUpdate(models.Model):
    """A department's update for a week (`week` holds its Monday), optionally per plan."""

    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="weekly_updates",
        verbose_name=_("department"),
    )
    week = models.DateField(_("week"))
    plan = models.ForeignKey(
        Plan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="weekly_updates",
        verbose_name=_("plan"),
    )
    progress = models.TextField(_("progress this week"), blank=True)
    next_week = models.TextField(_("plans for next week"), blank=True)
    problems = models.TextField(_("problems and blockers"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="weekly_updates",
        verbose_name=_("author"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-week", "department__name"]
        verbose_name = _("weekly update")
        verbose_name_plural = _("weekly updates")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "week", "plan"],
                condition=Q(plan__isnull=False),
                name="weeklyupdate_unique_per_plan",
            ),
            models.UniqueConstraint(
                fields=["department", "week"],
                condition=Q(plan__isnull=True),
                name="weeklyupdate_unique_without_plan",
            ),
        ]
        indexes = [models.Index(fields=["week", "department"], name="weeklyupdate_week_dept")]

    def __str__(self):
        return f"{self.department} · {self.week}"


class Ask(models.Model):
    """A request from one department to another that must be answered."""

    class State(models.TextChoices):
        # "Open" of an ask means "waiting for an answer", not "in progress" as for other
        # open things: its own context lets the translation say so (zh: 待答复).
        OPEN = "open", pgettext_lazy("ask state", "Open")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        DONE = "done", _("Done")

    from_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="asks_sent",
        verbose_name=_("from department"),
    )
    to_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="asks_received",
        verbose_name=_("to department"),
    )
    plan = models.ForeignKey(
        Plan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="asks",
        verbose_name=_("plan"),
    )
    plan_item = models.ForeignKey(
        PlanItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="asks",
        verbose_name=_("plan item"),
    )
    weekly_update = models.ForeignKey(
        WeeklyUpdate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="asks",
        verbose_name=_("raised in update"),
    )
    what = models.CharField(_("what is needed"), max_length=300)
    why = models.TextField(_("why"), blank=True)
    needed_by = models.DateField(_("needed by"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    reply = models.TextField(_("reply"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="asks_raised",
        verbose_name=_("raised by"),
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="asks_answered",
        verbose_name=_("answered by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["needed_by", "created_at"]
        verbose_name = _("ask")
        verbose_name_plural = _("asks")
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_department=F("to_department")), name="ask_to_another_department"
            ),
            models.CheckConstraint(
                condition=~Q(state="declined") | ~Q(reply=""), name="ask_decline_has_reply"
            ),
        ]
        indexes = [
            models.Index(fields=["to_department", "state"], name="ask_to_state"),
            models.Index(fields=["state", "needed_by"], name="ask_state_needed_by"),
        ]

    def __str__(self):
        return self.what


# What a new meeting (and every meeting from before times were kept) starts and ends at.
DEFAULT_START = datetime.time(10, 0)
DEFAULT_END = datetime.time(11, 0)
# A meeting's link is opened by everyone invited: a web address, never javascript: or file:.
LINK_SCHEMES = ["http", "https"]
LINK_VALIDATOR = URLValidator(
    schemes=LINK_SCHEMES, message=_("Enter a web address starting with http:// or https://.")
)


class Meeting(models.Model):
    """The weekly cross-department coordination meeting (`week` holds its Monday)."""

    plan = models.ForeignKey(
        Plan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("plan"),
    )
    date = models.DateField(_("date"))
    # Wall-clock times in TIME_ZONE on `date` (docs/architecture.md "Periods"): a meeting
    # happens at 10:00 where the company is, whatever the server's zone.
    start_time = models.TimeField(_("starts at"), default=DEFAULT_START)
    end_time = models.TimeField(_("ends at"), default=DEFAULT_END)
    place = models.CharField(_("place"), max_length=200, blank=True)
    link = models.URLField(
        _("link"),
        max_length=500,
        blank=True,
        validators=[LINK_VALIDATOR],
        help_text=_("A video call or document link (http or https)."),
    )
    # Raised by the meetings services each time the date, times, place or link change, so a
    # calendar client replaces its copy of the event (RFC 5545 3.8.7.4 SEQUENCE).
    sequence = models.PositiveIntegerField(default=0, editable=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, editable=False)
    week = models.DateField(_("week"))
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="facilitated_meetings",
        verbose_name=_("facilitator"),
    )
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="attended_meetings",
        blank=True,
        verbose_name=_("attendees"),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[attendees])

    class Meta:
        ordering = ["-date"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        # One coordination meeting per plan (or without plan) and week, as in the service;
        # the constraint also covers two company-wide meetings created at the same moment.
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "week"],
                condition=Q(plan__isnull=False),
                name="meeting_one_per_plan_week",
            ),
            models.UniqueConstraint(
                fields=["week"], condition=Q(plan__isnull=True), name="meeting_one_per_week"
            ),
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")), name="meeting_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["plan", "week"], name="meeting_plan_week")]

    def __str__(self):
        return f"{self.date}"


class ActionItem(models.Model):
    """An action agreed in a meeting; it stays on every later agenda until done."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="action_items", verbose_name=_("meeting")
    )
    title = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="action_items",
        verbose_name=_("owner"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="action_items",
        verbose_name=_("department"),
    )
    due = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due", "created_at"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        indexes = [models.Index(fields=["status", "due"], name="actionitem_status_due")]

    def __str__(self):
        return self.title
