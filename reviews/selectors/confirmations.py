"""What the confirmation pages of reviews name before anything changes (docs/architecture.md
"Confirmations"): what closing a review sets going, and what goes with a deleted finding."""

import datetime
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from .. import rules
from ..models import Finding, Review


@dataclass(frozen=True)
class ReviewClosePreview:
    """Closing the review now: how many findings it has, how many of them still need a
    disposition, by which day and whose coordinators are told."""

    findings: int
    undisposed: int
    grace_days: int
    deadline: datetime.date
    department_names: list[str]


def review_close_preview(review: Review) -> ReviewClosePreview:
    """The figures of closing `review` at this moment, from the bridge rule (two queries:
    the counts, the departments)."""
    now = timezone.now()
    findings = rules.with_bridge_state(Finding.objects.filter(review=review), now=now, select=False)
    counts = findings.aggregate(
        findings=Count("pk"),
        # Closing changes no disposition: a finding disposed while the review was open stays
        # disposed in time, every other one starts its grace period.
        undisposed=Count("pk", filter=~rules.in_states(*rules.DISPOSED)),
    )
    names = list(
        Finding.objects.filter(review=review)
        .order_by("department__name")
        .values_list("department__name", flat=True)
        .distinct()
    )
    deadline = rules.deadline_after(now)
    assert deadline is not None  # a moment always has a deadline after it
    return ReviewClosePreview(
        findings=counts["findings"],
        undisposed=counts["undisposed"],
        grace_days=rules.grace_period().days,
        deadline=timezone.localtime(deadline).date(),
        department_names=names,
    )


@dataclass(frozen=True)
class FindingDeletePreview:
    """What goes with a deleted finding: its pending carry proposals and its dismissal (a
    deletable finding has no carryover, rules.finding_is_deletable)."""

    proposals: int
    dismissed: bool


def finding_delete_preview(finding: Finding) -> FindingDeletePreview:
    """What deleting the finding (loaded by finding_detail, whose prefetch it reads, so no
    query) takes with it."""
    return FindingDeletePreview(
        proposals=len(finding.proposals.all()), dismissed=rules.finding_is_dismissed(finding)
    )
