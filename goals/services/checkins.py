"""Writes of a goal's check-ins."""

import datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from planbridge import periods

from .. import rules
from ..models import CheckIn, Goal


def _check_checkin_values(*, date: datetime.date, confidence: int) -> None:
    periods.check_dates_in_range(date=date)
    if date > periods.today():
        raise ValidationError({"date": _("A check-in cannot be dated in the future.")})
    if not 1 <= confidence <= 10:
        raise ValidationError({"confidence": _("Confidence is a number from 1 to 10.")})


@transaction.atomic
def checkin_create(
    *,
    actor: User,
    goal: Goal,
    date: datetime.date,
    value: Decimal,
    confidence: int,
    note: str = "",
) -> CheckIn:
    """Records a check-in; the goal's owner, coordinators of its department and PMs only."""
    if not rules.can_check_in_goal(actor, goal):
        raise PermissionDenied(
            _("Only the goal's owner, its department's coordinators and PMs record check-ins.")
        )
    _check_checkin_values(date=date, confidence=confidence)
    checkin = CheckIn(
        goal=goal, date=date, value=value, confidence=confidence, note=note, author=actor
    )
    checkin.full_clean()
    checkin.save()
    return checkin


@transaction.atomic
def checkin_update(
    *,
    actor: User,
    checkin: CheckIn,
    date: datetime.date,
    value: Decimal,
    confidence: int,
    note: str = "",
) -> CheckIn:
    """Corrects a check-in's date, value, confidence and note; the goal's owner, coordinators
    of its department and PMs only. The author stays the person who recorded it."""
    current = (
        CheckIn.objects.select_for_update(of=("self",)).select_related("goal").get(pk=checkin.pk)
    )
    if not rules.can_check_in_goal(actor, current.goal):
        raise PermissionDenied(
            _("Only the goal's owner, its department's coordinators and PMs edit its check-ins.")
        )
    _check_checkin_values(date=date, confidence=confidence)
    current.date, current.value, current.confidence, current.note = date, value, confidence, note
    current.full_clean(exclude=["goal", "author"])  # neither changes
    current.save()
    return current


@transaction.atomic
def checkin_delete(*, actor: User, checkin: CheckIn) -> None:
    """Deletes a check-in (its history row stays); the goal's owner, coordinators of its
    department and PMs only."""
    goal = Goal.objects.get(pk=checkin.goal_id)
    if not rules.can_check_in_goal(actor, goal):
        raise PermissionDenied(
            _("Only the goal's owner, its department's coordinators and PMs delete its check-ins.")
        )
    CheckIn.objects.filter(pk=checkin.pk).delete()
