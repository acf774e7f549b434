"""Data for the flag job and digest tests (the reviews factories are in factories.py; these
build on them); the real SMTP server is tests/smtp.py's."""

import datetime

from django.utils import timezone

from planbridge.models import Profile
from reviews.models import Finding, Review
from tests.smtp import Mailbox, SMTPServer  # noqa: F401  (the digest tests' server)

from .factories import CarryoverFactory, FindingFactory, ReviewFactory

GRACE = datetime.timedelta(days=7)


def closed_review(*, facilitator, days_ago: float = 10, plan=None, month=None, now=None):
    """A review of `facilitator` closed `days_ago` days before `now`."""
    now = now or timezone.now()
    return ReviewFactory(
        facilitator=facilitator,
        plan=plan,
        month=month or datetime.date(2026, 3, 1),
        status=Review.Status.CLOSED,
        closed_at=now - datetime.timedelta(days=days_ago),
    )


def flagged_finding(*, review, department, title=None, flagged_at=None, **kwargs) -> Finding:
    """A finding of `review` already flagged (as the flag job would leave it)."""
    extra = {"title": title} if title else {}
    return FindingFactory(
        review=review,
        department=department,
        flagged_at=flagged_at or timezone.now(),
        **extra,
        **kwargs,
    )


def carried(finding, *, accepted=True):
    """An accepted carryover of `finding` (with accepted=False, a proposal not yet accepted)."""
    if accepted:
        return CarryoverFactory(finding=finding)
    return CarryoverFactory(finding=finding, accepted_at=None, accepted_by=None)


def set_profile(user, **fields) -> Profile:
    profile, _created = Profile.objects.get_or_create(user=user)
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.save()
    return profile
