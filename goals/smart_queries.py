"""The SMART check's letters as database expressions, so the goal list can filter by a
failed letter without loading every goal: a page's queries must not grow with the data.

M, A, R and T are exact translations of goals.smart into SQL. S depends on word
boundaries and Chinese numerals, which SQLite and PostgreSQL regular expressions do not
express alike, so the database only narrows S to candidates (an empty title or a vague
word's stem anywhere) and goals.smart decides on those. tests/goals/test_smart_queries.py
keeps the two in step.
"""

from functools import reduce
from operator import or_

from django.db.models import BooleanField, Case, F, Q, QuerySet, Value, When
from django.db.models.functions import Trim, TruncQuarter
from django.db.models.lookups import Exact

from .models import Goal
from .smart import ABSURD_FACTOR, VAGUE_CHINESE, check_specific

# Stems of goals.smart.VAGUE_ENGLISH: every vague English word contains one of them.
VAGUE_ENGLISH_STEMS = ("improv", "better", "enhanc", "optimi", "strengthen", "boost", "more")
FAILS = {
    "M": "smart_fails_m",
    "A": "smart_fails_a",
    "R": "smart_fails_r",
    "T": "smart_fails_t",
}


def _case(*conditions: Q) -> Case:
    """True when any condition holds. SQL CASE treats a NULL condition as not met, so each
    condition is only read where its columns are set."""
    return Case(
        *(When(condition, then=Value(True)) for condition in conditions),
        default=Value(False),
        output_field=BooleanField(),
    )


def fails_measurable() -> Case:
    return _case(
        Q(Exact(Trim("metric"), "")),
        Q(Exact(Trim("unit"), "")),
        Q(target__isnull=True),
    )


def fails_achievable() -> Case:
    down = Q(direction=Goal.Direction.DOWN)
    up = ~Q(direction=Goal.Direction.DOWN)
    return _case(
        Q(baseline__isnull=True),
        Q(target__isnull=True),
        down & Q(target__gte=F("baseline")),
        down & Q(target__lt=0, baseline__gte=0),
        up & Q(target__lte=F("baseline")),
        up & Q(baseline__gt=0, target__gt=F("baseline") * ABSURD_FACTOR),
    )


def fails_relevant() -> Case:
    return _case(Q(objective__isnull=True))


def fails_time_bound() -> Case:
    # goals.smart.check_time_bound: the due date must lie in the plan's window or the
    # objective's quarter when either exists. Objective.quarter is the quarter's first day
    # (a database constraint), so "in the quarter" is TruncQuarter(due) = quarter.
    inside_plan = Q(plan__isnull=False, plan__start__lte=F("due"), plan__end__gte=F("due"))
    inside_quarter = Q(objective__isnull=False) & Q(
        Exact(TruncQuarter("due"), F("objective__quarter"))
    )
    return Case(
        When(due__isnull=True, then=Value(True)),
        When(inside_plan, then=Value(False)),
        When(inside_quarter, then=Value(False)),
        When(Q(plan__isnull=True, objective__isnull=True), then=Value(False)),
        default=Value(True),
        output_field=BooleanField(),
    )


def may_fail_specific() -> Q:
    """Goals that might fail S: an empty title or a vague stem in the title or description."""
    stems = VAGUE_ENGLISH_STEMS + VAGUE_CHINESE
    return reduce(
        or_,
        [Q(Exact(Trim("title"), ""))]
        + [Q(title__icontains=stem) | Q(description__icontains=stem) for stem in stems],
    )


def with_failed_letters(goals: QuerySet[Goal]) -> QuerySet[Goal]:
    """`goals` with smart_fails_m/a/r/t aliased for filtering."""
    return goals.alias(
        smart_fails_m=fails_measurable(),
        smart_fails_a=fails_achievable(),
        smart_fails_r=fails_relevant(),
        smart_fails_t=fails_time_bound(),
    )


def failing_goal_ids(goals: QuerySet[Goal], letter: str) -> list[int]:
    """Ids of `goals` (in their order) failing `letter` ("S", "M", "A", "R", "T") or, for
    "any", failing at least one letter. One query; memory holds only the matching ids and one
    chunk of candidate rows (title and description only where S must be decided)."""
    goals = with_failed_letters(goals)
    if letter in FAILS:
        return list(goals.filter(**{FAILS[letter]: True}).values_list("pk", flat=True))
    if letter == "S":
        candidates = goals.filter(may_fail_specific()).annotate(sure=Value(False))
    elif letter == "any":
        sure = Q(smart_fails_m=True) | Q(smart_fails_a=True)
        sure |= Q(smart_fails_r=True) | Q(smart_fails_t=True)
        candidates = goals.filter(sure | may_fail_specific()).annotate(
            sure=Case(When(sure, then=Value(True)), default=Value(False))
        )
    else:
        raise ValueError(f"unknown SMART letter: {letter!r}")
    rows = candidates.values_list("pk", "sure", "title", "description")
    return [
        pk
        for pk, sure, title, description in rows.iterator(chunk_size=2000)
        if sure or not check_specific(title, description).passed
    ]
