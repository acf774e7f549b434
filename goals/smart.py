"""The SMART check of a goal (docs/architecture.md "Domain"): deterministic and bilingual.

Pure functions over plain values, so the goal form can check what is typed before anything
is saved. Reasons come from gettext at call time, so they follow the active language.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from planbridge.periods import quarter_end, quarter_start

LETTERS = ("S", "M", "A", "R", "T")

# Vague-only wording fails S when no number makes it concrete. English words are matched
# as whole words (with their inflections), Chinese ones as substrings.
VAGUE_ENGLISH = re.compile(
    r"\b(improv\w*|better|enhanc\w*|optimi[sz]\w*|strengthen\w*|boost\w*|more)\b",
    re.IGNORECASE,
)
VAGUE_CHINESE = ("提升", "提高", "加强", "优化", "改善", "改进", "增强", "更好")
# A number: digits (ASCII or full-width), or Chinese numerals followed by a unit or measure
# word ("六个月", "五百万元"), so that "一致" or "统一" do not count as numbers.
NUMBER = re.compile(
    r"[0-9０-９]|[零一二三四五六七八九十百千万亿两]+(?:个|月|周|天|日|年|元|次|项|倍|名|家|份|%|％)"
)
# A target further than this factor from a positive baseline is not achievable (A).
ABSURD_FACTOR = Decimal(10)


@dataclass(frozen=True)
class SmartLetter:
    letter: str
    passed: bool
    reason: str


def vague_words(text: str) -> list[str]:
    """The vague words found in `text`, in order of appearance, without duplicates."""
    found = [match.group(0) for match in VAGUE_ENGLISH.finditer(text)]
    found += [word for word in VAGUE_CHINESE if word in text]
    seen: list[str] = []
    for word in found:
        if word.lower() not in [w.lower() for w in seen]:
            seen.append(word)
    return seen


def list_separator() -> str:
    """ ", " in English, "、" in Chinese."""
    return pgettext("list separator", ", ")


def has_number(text: str) -> bool:
    return bool(NUMBER.search(text))


def check_specific(title: str, description: str) -> SmartLetter:
    text = f"{title or ''}\n{description or ''}"
    if not (title or "").strip():
        return SmartLetter("S", False, _("The goal has no title."))
    words = vague_words(text)
    if words and not has_number(text):
        return SmartLetter(
            "S",
            False,
            _(
                "Vague wording (%(words)s) without a number: say what exactly changes "
                "and by how much."
            )
            % {"words": list_separator().join(f"“{w}”" for w in words)},
        )
    return SmartLetter("S", True, _("The title and description say concretely what is done."))


def check_measurable(metric: str, unit: str, target: Decimal | None) -> SmartLetter:
    missing = []
    if not (metric or "").strip():
        missing.append(_("metric"))
    if not (unit or "").strip():
        missing.append(_("unit"))
    if target is None:
        missing.append(_("numeric target"))
    if missing:
        return SmartLetter(
            "M", False, _("Missing: %(fields)s.") % {"fields": list_separator().join(missing)}
        )
    return SmartLetter("M", True, _("Measured by a metric with a unit and a numeric target."))


def check_achievable(
    baseline: Decimal | None, target: Decimal | None, direction: str
) -> SmartLetter:
    if baseline is None:
        return SmartLetter("A", False, _("No baseline: record where the metric stands today."))
    if target is None:
        return SmartLetter("A", False, _("No target to compare with the baseline."))
    if direction == "down":
        if target >= baseline:
            return SmartLetter(
                "A", False, _("A decreasing goal needs a target below its baseline.")
            )
        if target < 0 <= baseline:
            return SmartLetter("A", False, _("The target is below zero while the baseline is not."))
    else:
        if target <= baseline:
            return SmartLetter(
                "A", False, _("An increasing goal needs a target above its baseline.")
            )
        if baseline > 0 and target > baseline * ABSURD_FACTOR:
            return SmartLetter(
                "A",
                False,
                _("The target is more than %(factor)s times the baseline; it is not achievable.")
                % {"factor": ABSURD_FACTOR},
            )
    return SmartLetter("A", True, _("The target is a plausible step from the baseline."))


def check_relevant(has_objective: bool) -> SmartLetter:
    if not has_objective:
        return SmartLetter("R", False, _("Not aligned to a company objective."))
    return SmartLetter("R", True, _("Aligned to a company objective."))


def check_time_bound(
    due: datetime.date | None,
    *,
    plan_window: tuple[datetime.date, datetime.date] | None = None,
    objective_quarter: datetime.date | None = None,
) -> SmartLetter:
    if due is None:
        return SmartLetter("T", False, _("No due date."))
    windows = []
    if plan_window is not None:
        windows.append(plan_window)
    if objective_quarter is not None:
        windows.append((quarter_start(objective_quarter), quarter_end(objective_quarter)))
    if windows and not any(first <= due <= last for first, last in windows):
        return SmartLetter(
            "T",
            False,
            _("The due date %(due)s is outside the plan and the objective's quarter.")
            % {"due": due.isoformat()},
        )
    return SmartLetter("T", True, _("Due on %(due)s.") % {"due": due.isoformat()})


def smart_check(
    *,
    title: str,
    description: str = "",
    metric: str = "",
    unit: str = "",
    baseline: Decimal | None = None,
    target: Decimal | None = None,
    direction: str = "up",
    due: datetime.date | None = None,
    objective_quarter: datetime.date | None = None,
    has_objective: bool = False,
    plan_window: tuple[datetime.date, datetime.date] | None = None,
) -> list[SmartLetter]:
    """The five letters in order S, M, A, R, T, each passed or failed with its reason."""
    return [
        check_specific(title, description),
        check_measurable(metric, unit, target),
        check_achievable(baseline, target, direction),
        check_relevant(has_objective or objective_quarter is not None),
        check_time_bound(due, plan_window=plan_window, objective_quarter=objective_quarter),
    ]


def goal_smart_check(goal) -> list[SmartLetter]:
    """SMART letters of a Goal (or an unsaved one); reads goal.plan and goal.objective, so
    load them with select_related when checking many goals."""
    plan = goal.plan if goal.plan_id else None
    objective = goal.objective if goal.objective_id else None
    return smart_check(
        title=goal.title,
        description=goal.description,
        metric=goal.metric,
        unit=goal.unit,
        baseline=goal.baseline,
        target=goal.target,
        direction=goal.direction,
        due=goal.due,
        has_objective=objective is not None,
        objective_quarter=objective.quarter if objective else None,
        plan_window=(plan.start, plan.end) if plan else None,
    )


def failed_letters(letters: list[SmartLetter]) -> str:
    """The failed letters as a string, e.g. "SR"."""
    return "".join(item.letter for item in letters if not item.passed)
