"""The review lifecycle: draft → open → closed (closing starts the grace period)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from planbridge.models import Plan
from planbridge.periods import check_dates_in_range, month_start

from ..models import Review
from .locking import _locked_review, _require_pm


@transaction.atomic
def review_create(*, actor, month: datetime.date, plan: Plan | None = None) -> Review:
    """A draft review for the month (stored as its first day), facilitated by the PM;
    one review per month and plan."""
    _require_pm(actor, _("Only project managers can run reviews."))
    check_dates_in_range(month=month, months=("month",))
    month = month_start(month)
    duplicate = ValidationError(_("There is already a review for this month and plan."))
    if Review.objects.filter(month=month, plan=plan).exists():
        raise duplicate
    if plan is not None and not (month_start(plan.start) <= month <= month_start(plan.end)):
        raise ValidationError(_("The month is outside the plan's period."))
    review = Review(month=month, plan=plan, facilitator=actor)
    review.full_clean(validate_constraints=False)
    try:
        # The unique constraints catch what the check above cannot: a concurrent create.
        with transaction.atomic():
            review.save()
    except IntegrityError:
        raise duplicate from None
    return review


@transaction.atomic
def review_open(*, actor, review: Review) -> Review:
    """Moves a draft review to open (recording opened_at)."""
    _require_pm(actor, _("Only project managers can run reviews."))
    review = _locked_review(review)
    if review.status != Review.Status.DRAFT:
        raise ValidationError(_("Only a draft review can be opened."))
    review.status = Review.Status.OPEN
    review.opened_at = timezone.now()
    review.save(update_fields=["status", "opened_at"])
    return review


@transaction.atomic
def review_close(*, actor, review: Review) -> Review:
    """Moves an open review to closed and records closed_at, from which the grace period of
    the bridge rule runs."""
    _require_pm(actor, _("Only project managers can run reviews."))
    review = _locked_review(review)
    if review.status != Review.Status.OPEN:
        raise ValidationError(_("Only an open review can be closed."))
    review.status = Review.Status.CLOSED
    review.closed_at = timezone.now()
    review.save(update_fields=["status", "closed_at"])
    return review
