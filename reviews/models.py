"""Monthly reviews, their findings and where findings were carried (digests go through the
core's outbox, planbridge.models.OutboxMessage).

The bridge rule (docs/architecture.md): every finding of a closed review gets a disposition, carried
(an accepted Carryover into a later month's plan item) or dismissed with a reason; one
left without either past the grace period is flagged by reviews.tasks.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from goals.models import PlanItem
from planbridge.models import Department, Plan


class Review(models.Model):
    """A monthly review session (`month` holds the month's first day)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    month = models.DateField(_("month"))
    plan = models.ForeignKey(
        Plan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
        verbose_name=_("plan"),
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="facilitated_reviews",
        verbose_name=_("facilitator"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-month", "plan__title"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="review_month_is_first_day"),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False),
                name="review_closed_has_closed_at",
            ),
            # One review per month and plan; reviews without a plan are one per month too
            # (two partial indexes, because NULL plans would otherwise never collide).
            models.UniqueConstraint(
                fields=["month", "plan"],
                condition=Q(plan__isnull=False),
                name="review_one_per_month_and_plan",
            ),
            models.UniqueConstraint(
                fields=["month"],
                condition=Q(plan__isnull=True),
                name="review_one_per_month_without_plan",
            ),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m}"


class Finding(models.Model):
    class Kind(models.TextChoices):
        PROBLEM = "problem", _("Problem")
        LESSON = "lesson", _("Lesson")
        SUCCESS = "success", _("Success")
        RISK = "risk", _("Risk")

    class Severity(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    class EvidenceKind(models.TextChoices):
        GOAL = "goal", _("Goal behind expectation")
        PLAN_ITEM = "plan_item", _("Plan item not done")
        WEEKLY_UPDATE = "weekly_update", _("Problem from a weekly update")
        ASK = "ask", _("Ask declined or overdue")
        ACTION_ITEM = "action_item", _("Overdue action item")
        CONFLICT = "conflict", _("Rhythm conflict")

    review = models.ForeignKey(
        Review, on_delete=models.PROTECT, related_name="findings", verbose_name=_("review")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    detail = models.TextField(_("detail"), blank=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="findings",
        verbose_name=_("owning department"),
    )
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM
    )
    evidence_kind = models.CharField(
        _("evidence"), max_length=20, choices=EvidenceKind.choices, blank=True
    )
    evidence_object_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="findings_recorded",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    dismissed_at = models.DateTimeField(_("dismissed at"), null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings_dismissed",
        verbose_name=_("dismissed by"),
    )
    dismissal_reason = models.TextField(_("reason for dismissal"), blank=True)
    # Set by the flag job (one UPDATE), cleared by carrying or dismissing (reviews.services).
    flagged_at = models.DateTimeField(_("flagged at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "department__name", "created_at"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        constraints = [
            models.CheckConstraint(
                condition=Q(dismissed_at__isnull=True) | ~Q(dismissal_reason=""),
                name="finding_dismissal_has_reason",
            ),
        ]
        indexes = [
            models.Index(
                fields=["review"],
                condition=Q(dismissed_at__isnull=True, flagged_at__isnull=True),
                name="finding_undisposed_unflagged",
            ),
            models.Index(
                fields=["flagged_at"], condition=Q(flagged_at__isnull=False), name="finding_flagged"
            ),
            models.Index(fields=["department", "review"], name="finding_department_review"),
        ]

    def __str__(self):
        return self.title


class Carryover(models.Model):
    """A finding carried into a plan item of a later month.

    A coordinator may propose an item for another department; the carryover counts as a
    disposition only once accepted (`accepted_at` set). Direct carries are accepted at once.
    """

    finding = models.ForeignKey(
        Finding, on_delete=models.PROTECT, related_name="carryovers", verbose_name=_("finding")
    )
    plan_item = models.ForeignKey(
        PlanItem, on_delete=models.PROTECT, related_name="carryovers", verbose_name=_("plan item")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="carryovers_made",
        verbose_name=_("carried by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carryovers_accepted",
        verbose_name=_("accepted by"),
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("carryover")
        verbose_name_plural = _("carryovers")
        constraints = [
            models.UniqueConstraint(fields=["finding", "plan_item"], name="carryover_unique"),
        ]
        indexes = [
            models.Index(
                fields=["finding"],
                condition=Q(accepted_at__isnull=False),
                name="carryover_accepted",
            ),
        ]

    def __str__(self):
        return f"{self.finding} → {self.plan_item}"


class CarryProposal(models.Model):
    """A coordinator's proposal of a new plan item for another department, made from a
    finding of their own department. The receiving department's coordinator accepts it
    (creating the item and an accepted Carryover) or declines it; either way it is removed.
    Proposals into existing items are Carryovers with accepted_at unset."""

    finding = models.ForeignKey(
        Finding, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("finding")
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="carry_proposals",
        verbose_name=_("department"),
    )
    month = models.DateField(_("month"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="carry_proposals",
        verbose_name=_("proposed by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Proposals are removed when answered; the history keeps who proposed and who answered.
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("carry proposal")
        verbose_name_plural = _("carry proposals")
        constraints = [
            models.CheckConstraint(
                condition=Q(month__day=1), name="carryproposal_month_is_first_day"
            ),
        ]

    def __str__(self):
        return self.title
