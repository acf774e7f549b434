"""The bridge disposition has one SQL form and one Python form (reviews.rules); both give the
same state on every case of the table, including the boundaries."""

import datetime

import pytest

from reviews import rules
from reviews.models import Finding
from reviews.rules import BridgeState
from reviews.selectors import finding_disposition, finding_queryset

from .factories import CarryoverFactory, FindingFactory, ReviewFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 5, 20, 12, 0, tzinfo=datetime.UTC)
GRACE = datetime.timedelta(days=7)
SECOND = datetime.timedelta(seconds=1)
LONG_AGO = NOW - datetime.timedelta(days=10)  # a review closed then is past its deadline
DEADLINE = LONG_AGO + GRACE

# name: (review status, days since closing or None, dismissed at, accepted carries
#        (accepted_at, None for a proposal), flagged at, expected state)
CASES = {
    "draft review, nothing done": ("draft", None, None, [], None, BridgeState.IN_REVIEW),
    "open review, flagged before it was reopened": (
        "open",
        None,
        None,
        [],
        NOW,
        BridgeState.IN_REVIEW,
    ),
    "open review, carried": ("open", None, None, [NOW], None, BridgeState.CARRIED_IN_TIME),
    "open review, dismissed": ("open", None, NOW, [], None, BridgeState.DISMISSED_IN_TIME),
    "closed three days ago, nothing done": ("closed", 3, None, [], None, BridgeState.OPEN),
    "deadline one second ahead": ("closed", "almost", None, [], None, BridgeState.OPEN),
    "exactly at the deadline": ("closed", 7, None, [], None, BridgeState.TO_FLAG),
    "past the deadline, not flagged": ("closed", 10, None, [], None, BridgeState.TO_FLAG),
    "past the deadline, flagged": ("closed", 10, None, [], NOW, BridgeState.FLAGGED),
    "only a pending proposal": ("closed", 10, None, [None], None, BridgeState.TO_FLAG),
    "pending proposal, flagged": ("closed", 10, None, [None], NOW, BridgeState.FLAGGED),
    "carried exactly at the deadline": (
        "closed",
        10,
        None,
        [DEADLINE],
        None,
        BridgeState.CARRIED_IN_TIME,
    ),
    "carried one second late": (
        "closed",
        10,
        None,
        [DEADLINE + SECOND],
        None,
        BridgeState.CARRIED_LATE,
    ),
    "first carry in time, a second one late": (
        "closed",
        10,
        None,
        [DEADLINE + GRACE, DEADLINE - SECOND],
        None,
        BridgeState.CARRIED_IN_TIME,
    ),
    "flagged, then carried late with the flag left": (
        "closed",
        10,
        None,
        [NOW],
        DEADLINE,
        BridgeState.CARRIED_LATE,
    ),
    "dismissed exactly at the deadline": (
        "closed",
        10,
        DEADLINE,
        [],
        None,
        BridgeState.DISMISSED_IN_TIME,
    ),
    "dismissed after the deadline": (
        "closed",
        10,
        DEADLINE + SECOND,
        [],
        None,
        BridgeState.DISMISSED_LATE,
    ),
    "carried inside the grace period": (
        "closed",
        3,
        None,
        [NOW - SECOND],
        None,
        BridgeState.CARRIED_IN_TIME,
    ),
    "flagged while still inside a lengthened grace period": (
        "closed",
        3,
        None,
        [],
        NOW,
        BridgeState.FLAGGED,
    ),
}


def _finding(month: datetime.date, case) -> Finding:
    status, days, dismissed_at, carries, flagged_at, _expected = case
    if days == "almost":
        closed_at = NOW - GRACE + SECOND
    else:
        closed_at = None if days is None else NOW - datetime.timedelta(days=days)
    review = ReviewFactory(month=month, status=status, closed_at=closed_at)
    finding = FindingFactory(
        review=review,
        dismissed_at=dismissed_at,
        dismissal_reason="Not ours" if dismissed_at else "",
        flagged_at=flagged_at,
    )
    for accepted_at in carries:
        CarryoverFactory(
            finding=finding,
            accepted_at=accepted_at,
            accepted_by=finding.created_by if accepted_at else None,
        )
    return finding


def test_every_state_of_the_bridge_has_a_case():
    assert {case[-1] for case in CASES.values()} == set(BridgeState)


def test_the_sql_and_python_dispositions_agree_on_every_case(settings):
    settings.PLANBRIDGE_CARRY_GRACE_DAYS = 7
    made = {}
    for n, (name, case) in enumerate(CASES.items()):
        month = datetime.date(2020 + n // 12, n % 12 + 1, 1)
        made[name] = _finding(month, case).pk

    in_sql = dict(
        rules.with_bridge_state(Finding.objects.all(), now=NOW).values_list("pk", "bridge_state")
    )
    loaded = {finding.pk: finding for finding in finding_queryset()}
    for name, pk in made.items():
        expected = CASES[name][-1]
        in_python = finding_disposition(loaded[pk], now=NOW).bridge_state
        assert (name, in_sql[pk], in_python) == (name, expected, expected)
