"""The trace of the bridge: objective → goal → plan item → finding → next plan item, from
any of them, both ways, in a fixed number of queries."""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from goals import rules as goal_rules
from goals.models import Goal, Objective, PlanItem

from .. import rules
from ..models import Carryover, Finding

ITEM_EVIDENCE = [Finding.EvidenceKind.PLAN_ITEM, Finding.EvidenceKind.CONFLICT]
TRACE_KINDS = ("objective", "goal", "item", "finding")


@dataclass
class Trace:
    kind: str
    focus: object
    objectives: list = field(default_factory=list)
    goals: list = field(default_factory=list)
    items: list = field(default_factory=list)
    came_from: list = field(default_factory=list)  # Carryovers into the items: earlier findings
    findings: list = field(default_factory=list)  # findings about the items or goals
    next_items: list = field(default_factory=list)  # Carryovers out of the findings


def _findings() -> QuerySet[Finding]:
    return Finding.objects.select_related("review", "department")


def _carryovers() -> QuerySet[Carryover]:
    return (
        rules.with_is_pending(Carryover.objects.all())
        .select_related("finding__review", "finding__department", "plan_item__department")
        .annotate(plan_item_overdue=goal_rules.plan_item_overdue_flag(prefix="plan_item__"))
        .order_by("plan_item__month", "pk")
    )


def trace(kind: str, pk: int) -> Trace:
    """The chain around one objective, goal, plan item or finding; raises DoesNotExist
    for an unknown one. At most seven queries."""
    items_qs = PlanItem.objects.select_related("department", "goal").annotate(
        overdue=goal_rules.plan_item_overdue_flag()
    )
    goals_qs = Goal.objects.select_related("department", "objective")
    result: Trace
    if kind == "objective":
        objective = Objective.objects.get(pk=pk)
        result = Trace(kind, objective, objectives=[objective])
        result.goals = list(goals_qs.filter(objective=objective).order_by("department__name"))
        result.items = list(items_qs.filter(goal__in=result.goals).order_by("month", "title"))
    elif kind == "goal":
        goal = goals_qs.get(pk=pk)
        result = Trace(kind, goal, goals=[goal])
        result.items = list(items_qs.filter(goal=goal).order_by("month", "title"))
    elif kind == "item":
        item = items_qs.get(pk=pk)
        result = Trace(kind, item, items=[item])
        if item.goal_id:
            result.goals = list(goals_qs.filter(pk=item.goal_id))
    elif kind == "finding":
        finding = _findings().get(pk=pk)
        result = Trace(kind, finding, findings=[finding])
        evidence_id = finding.evidence_object_id
        if evidence_id is None:
            pass  # a finding without evidence starts the chain itself
        elif finding.evidence_kind in ITEM_EVIDENCE:
            result.items = list(items_qs.filter(pk=evidence_id))
            result.goals = list(
                goals_qs.filter(pk__in=[i.goal_id for i in result.items if i.goal_id])
            )
        elif finding.evidence_kind == Finding.EvidenceKind.GOAL:
            result.goals = list(goals_qs.filter(pk=evidence_id))
    else:
        raise Finding.DoesNotExist(kind)

    if kind != "objective":
        result.objectives = list(
            {g.objective.pk: g.objective for g in result.goals if g.objective}.values()
        )
    item_ids = [item.pk for item in result.items]
    goal_ids = [goal.pk for goal in result.goals]
    if kind != "finding":
        about = Q(evidence_kind__in=ITEM_EVIDENCE, evidence_object_id__in=item_ids)
        if kind in ("objective", "goal"):
            about |= Q(evidence_kind=Finding.EvidenceKind.GOAL, evidence_object_id__in=goal_ids)
        result.findings = list(_findings().filter(about).order_by("review__month", "pk"))
    result.came_from = list(_carryovers().filter(plan_item_id__in=item_ids))
    result.next_items = list(_carryovers().filter(finding__in=result.findings))
    return result
