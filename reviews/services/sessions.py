"""The review lifecycle: draft → open → closed (closing starts the grace period)."""

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from planbridge import rules as core_rules
from planbridge.models import Plan
from planbridge.people import person_name
from planbridge.periods import check_dates_in_range, month_start
from planbridge.services import refuse_archived

from .. import rules
from ..models import Review
from .locking import _locked_review
from .notifying import review_closed_notify

ONLY_PMS_RUN_REVIEWS = gettext_lazy("Only project managers can run reviews.")


@transaction.atomic
def review_create(*, actor: User, month: datetime.date, plan: Plan | None = None) -> Review:
    """A draft review for the month (stored as its first day), facilitated by the PM;
    one review per month and plan, of a month the plan owns that has begun."""
    if not rules.can_run_review(actor):
        raise PermissionDenied(ONLY_PMS_RUN_REVIEWS)
    refuse_archived(plan=plan)
    check_dates_in_range(month=month, months=("month",))
    month = month_start(month)
    if plan is not None and not core_rules.month_in_plan(plan, month):
        raise ValidationError(
            {
                "month": _(
                    "The month is outside the months the plan “%(plan)s” owns (%(first)s – "
                    "%(last)s: from the month it was created or started to the month after its "
                    "end)."
                )
                % {
                    "plan": plan.title,
                    "first": core_rules.plan_first_day(plan).strftime("%Y-%m"),
                    "last": core_rules.plan_last_day(plan).strftime("%Y-%m"),
                }
            }
        )
    if not rules.review_month_has_begun(month):
        # Its evidence does not exist yet, and closing it would start a grace period early.
        raise ValidationError(
            {
                "month": rules.REVIEW_MONTH_NOT_BEGUN_MESSAGE
                % {"month": month.strftime("%Y-%m"), "first": month.isoformat()}
            }
        )
    review = Review(month=month, plan=plan, facilitator=actor)
    review.full_clean(validate_constraints=False)
    try:
        # The unique constraints of Review hold "one review per month and plan", also
        # against a concurrent create that no check before the insert could see.
        with transaction.atomic():
            review.save()
    except IntegrityError:
        raise ValidationError(_("There is already a review for this month and plan.")) from None
    return review


def _refuse_if_changed_since_seen(review: Review, seen_status: str | None) -> None:
    """Refuses, naming who moved the (locked) review to its status and when, if that status
    is not the one the page showed."""
    if seen_status is None or rules.review_is_as_seen(review, seen_status):
        return
    change = (
        review.history.filter(status=review.status)
        .select_related("history_user")
        .order_by("history_date")
        .first()
    )
    user = change.history_user if change is not None else None
    who = person_name(user) if user is not None else _("A colleague")
    at = review.closed_at if review.status == Review.Status.CLOSED else review.opened_at
    when = timezone.localtime(at).strftime("%Y-%m-%d %H:%M") if at else ""
    raise ValidationError(
        _(
            "%(who)s already changed this review to “%(status)s” at %(when)s; the page now "
            "shows it. Nothing was changed."
        )
        % {"who": who, "status": review.get_status_display(), "when": when},
        code="stale",
    )


@transaction.atomic
def review_open(*, actor: User, review: Review, seen_status: str | None = None) -> Review:
    """Moves a draft review to open (recording opened_at). `seen_status` is the status the
    page showed (the review page posts it): a colleague's change since is refused by name."""
    if not rules.can_run_review(actor, review):
        raise PermissionDenied(ONLY_PMS_RUN_REVIEWS)
    review = _locked_review(review)
    _refuse_if_changed_since_seen(review, seen_status)
    if not rules.review_can_open(review):
        raise ValidationError(_("Only a draft review can be opened."))
    review.status = Review.Status.OPEN
    review.opened_at = timezone.now()
    # The history names who opened it, also outside a request (the stale refusal says so).
    review._history_user = actor  # type: ignore[attr-defined]
    review.save(update_fields=["status", "opened_at"])
    return review


@transaction.atomic
def review_close(*, actor: User, review: Review, seen_status: str | None = None) -> Review:
    """Moves an open review to closed and records closed_at, from which the grace period of
    the bridge rule runs; not before the last days of its month (rules.review_first_close_day).
    `seen_status` as for review_open: a second close never moves closed_at."""
    if not rules.can_run_review(actor, review):
        raise PermissionDenied(ONLY_PMS_RUN_REVIEWS)
    review = _locked_review(review)
    _refuse_if_changed_since_seen(review, seen_status)
    if not rules.review_can_close(review):
        raise ValidationError(_("Only an open review can be closed."))
    if not rules.review_close_day_has_come(review):
        raise ValidationError(
            rules.REVIEW_CLOSES_LATER_MESSAGE
            % {
                "days": rules.REVIEW_CLOSE_DAYS,
                "month": review.month.strftime("%Y-%m"),
                "day": rules.review_first_close_day(review.month).isoformat(),
            },
            code="too_early",
        )
    review.status = Review.Status.CLOSED
    review.closed_at = timezone.now()
    review._history_user = actor  # type: ignore[attr-defined]
    review.save(update_fields=["status", "closed_at"])
    review_closed_notify(actor=actor, review=review)
    return review
