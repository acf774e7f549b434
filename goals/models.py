"""Objectives, SMART goals with check-ins, and monthly plan items with dependencies.

Derived values (progress, SMART letters, rhythm conflicts) are computed in goals.selectors
and goals.smart, never stored.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from planbridge.models import Department, Plan

# "The due date is not before the start", as the database checks it (goals/rules.py holds
# its Python twin `due_not_before_start` and the message).
DUE_NOT_BEFORE_START = Q(due__gte=F("start"))


class Objective(models.Model):
    """A company-level objective for a quarter (`quarter` holds the quarter's first day)."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    quarter = models.DateField(_("quarter"))
    plan = models.ForeignKey(
        Plan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="objectives",
        verbose_name=_("plan"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_objectives",
        verbose_name=_("owner"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-quarter", "title"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        constraints = [
            models.CheckConstraint(
                condition=Q(quarter__day=1, quarter__month__in=[1, 4, 7, 10]),
                name="objective_quarter_is_first_day",
            ),
        ]

    def __str__(self):
        return self.title


class Goal(models.Model):
    class Direction(models.TextChoices):
        UP = "up", _("Increase to target")
        DOWN = "down", _("Decrease to target")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    metric = models.CharField(_("metric"), max_length=120, blank=True)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    baseline = models.DecimalField(
        _("baseline"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    target = models.DecimalField(
        _("target"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    direction = models.CharField(
        _("direction"), max_length=4, choices=Direction.choices, default=Direction.UP
    )
    start = models.DateField(_("start"))
    due = models.DateField(_("due"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_goals",
        verbose_name=_("owner"),
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="goals", verbose_name=_("department")
    )
    objective = models.ForeignKey(
        Objective,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="goals",
        verbose_name=_("aligned objective"),
    )
    plan = models.ForeignKey(
        Plan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="goals",
        verbose_name=_("plan"),
    )
    # Optimistic lock: a save must name the version it was read at (goals.services).
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["department__name", "due", "title"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [
            models.CheckConstraint(
                condition=Q(due__isnull=True) | DUE_NOT_BEFORE_START, name="goal_due_after_start"
            ),
        ]

    def __str__(self):
        return self.title


class CheckIn(models.Model):
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="checkins", verbose_name=_("goal")
    )
    date = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    confidence = models.PositiveSmallIntegerField(_("confidence (1–10)"))
    note = models.TextField(_("note"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="checkins",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["goal", "date", "created_at"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [
            models.CheckConstraint(
                condition=Q(confidence__gte=1, confidence__lte=10), name="checkin_confidence_1_10"
            ),
        ]
        indexes = [models.Index(fields=["goal", "-date"], name="checkin_goal_date")]

    def __str__(self):
        return f"{self.goal} · {self.date}: {self.value}"


class PlanItem(models.Model):
    """One department's piece of work in a month (`month` holds the month's first day)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        BLOCKED = "blocked", _("Blocked")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    plan = models.ForeignKey(
        Plan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("plan"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="plan_items",
        verbose_name=_("department"),
    )
    month = models.DateField(_("month"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_plan_items",
        verbose_name=_("owner"),
    )
    start = models.DateField(_("start"))
    due = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    goal = models.ForeignKey(
        Goal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_items",
        verbose_name=_("goal served"),
    )
    depends_on = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="dependents",
        blank=True,
        verbose_name=_("depends on"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[depends_on])

    class Meta:
        ordering = ["month", "department__name", "start", "title"]
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        constraints = [
            models.CheckConstraint(condition=DUE_NOT_BEFORE_START, name="planitem_due_after_start"),
            models.CheckConstraint(condition=Q(month__day=1), name="planitem_month_is_first_day"),
        ]
        indexes = [
            models.Index(fields=["plan", "month"], name="planitem_plan_month"),
            models.Index(fields=["department", "month"], name="planitem_department_month"),
            models.Index(fields=["due", "status"], name="planitem_due_status"),
        ]

    def __str__(self):
        return self.title
