"""Plan items and rhythm conflicts (docs/architecture.md "Domain"): lists, due and current
items, conflicts live on a date, dependency reachability. Bounded queries."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from planbridge import periods
from planbridge import rules as core_rules
from planbridge.models import Plan
from planbridge.plan_scope import PlanScope

from .. import rules
from ..models import PlanItem


def with_overdue(
    items: QuerySet[PlanItem], on_date: datetime.date | None = None
) -> QuerySet[PlanItem]:
    """Annotates `overdue` (goals.rules.plan_item_overdue_q) on `on_date`, default today:
    what every page showing plan items reads to say "Overdue"."""
    return items.annotate(overdue=rules.plan_item_overdue_flag(on_date))


def plan_item_queryset(*, on_date: datetime.date | None = None) -> QuerySet[PlanItem]:
    """Plan items with plan, department, owner and goal joined and `overdue` annotated (on
    `on_date`, default today)."""
    return with_overdue(
        PlanItem.objects.select_related("plan", "department", "owner", "goal"), on_date
    )


def plan_item_list(
    *,
    plan_id: int | None = None,
    department_id: int | None = None,
    month: datetime.date | None = None,
    status: str | None = None,
    owner_id: int | None = None,
    on_date: datetime.date | None = None,
) -> QuerySet[PlanItem]:
    """Plan items filtered by plan, department, month, status and owner, with relations and
    `overdue` on `on_date`."""
    items = plan_item_queryset(on_date=on_date)
    if plan_id:
        items = items.filter(plan_id=plan_id)
    if department_id:
        items = items.filter(department_id=department_id)
    if month is not None:
        items = items.filter(month=periods.month_start(month))
    if status:
        items = items.filter(status=status)
    if owner_id:
        items = items.filter(owner_id=owner_id)
    return items


def plan_item_detail(pk: int) -> PlanItem:
    """One plan item with its relations, dependencies and dependents (with departments),
    each with `overdue`."""
    related = with_overdue(PlanItem.objects.select_related("department", "owner"))
    return (
        plan_item_queryset()
        .prefetch_related(
            Prefetch("depends_on", queryset=related), Prefetch("dependents", queryset=related)
        )
        .get(pk=pk)
    )


def plan_items_due_between(
    *,
    start: datetime.date,
    end: datetime.date,
    plan: Plan | None = None,
    department_ids: Iterable[int] | None = None,
    open_only: bool = False,
    on_date: datetime.date | None = None,
) -> QuerySet[PlanItem]:
    """Items due in [start, end] (of a plan / departments; only open ones if asked), with
    `overdue` on `on_date`."""
    items = plan_item_queryset(on_date=on_date).filter(due__gte=start, due__lte=end)
    if plan is not None:
        items = items.filter(plan=plan)
    if department_ids is not None:
        items = items.filter(department_id__in=department_ids)
    if open_only:
        items = items.filter(rules.open_plan_item_q())
    return items.order_by("due", "department__name", "title")


def current_plan_items(
    *, department_id: int, on_date: datetime.date | None = None, plan: Plan | None = None
) -> QuerySet[PlanItem]:
    """Open items of the department whose month is in progress or that are due within 14
    days (or overdue), with `overdue`."""
    on_date = on_date or periods.today()
    items = plan_item_queryset(on_date=on_date).filter(
        rules.open_plan_item_q(), department_id=department_id
    )
    if plan is not None:
        items = items.filter(plan=plan)
    return items.filter(
        Q(month=periods.month_start(on_date)) | Q(due__lte=on_date + datetime.timedelta(days=14))
    ).order_by("due", "title")


# ---------------------------------------------------------------------------- conflicts


@dataclass(frozen=True)
class RhythmConflict:
    item: PlanItem
    dependency: PlanItem
    reason: str  # "starts_before_due" | "depends_on_blocked" | "depends_on_overdue"
    message: str


def _conflict_message(item: PlanItem, dependency: PlanItem, reason: str) -> str:
    values = {
        "item": item.title,
        "department": item.department.name,
        "dependency": dependency.title,
        "dependency_department": dependency.department.name,
        "start": item.start.isoformat(),
        "due": dependency.due.isoformat(),
    }
    if reason == "depends_on_blocked":
        return (
            _(
                "“%(item)s” (%(department)s) depends on “%(dependency)s” "
                "(%(dependency_department)s), which is blocked."
            )
            % values
        )
    if reason == "depends_on_overdue":
        return (
            _(
                "“%(item)s” (%(department)s) depends on “%(dependency)s” "
                "(%(dependency_department)s), which was due %(due)s and is not done."
            )
            % values
        )
    return (
        _(
            "“%(item)s” (%(department)s) starts %(start)s, before “%(dependency)s” "
            "(%(dependency_department)s), which it depends on, is due %(due)s."
        )
        % values
    )


def rhythm_conflicts(
    *,
    plan: Plan | None = None,
    scope: PlanScope | None = None,
    department_ids: Iterable[int] | None = None,
    month: datetime.date | None = None,
    on_date: datetime.date | None = None,
    item_ids: Iterable[int] | None = None,
) -> list[RhythmConflict]:
    """Conflicts live on `on_date` (default today) among open items (optionally of a plan
    or plan scope, departments — on either side of the dependency — or items whose month
    is `month`): an item starts before an open item it depends on is due, or depends on a
    blocked or overdue item. `item_ids` keeps conflicts involving those items on either
    side. One query; at most one conflict per dependency, the gravest."""
    on_date = on_date or periods.today()
    through = PlanItem.depends_on.through
    edges = through.objects.filter(
        rules.open_plan_item_q("from_planitem__"), rules.open_plan_item_q("to_planitem__")
    ).filter(
        Q(to_planitem__status=PlanItem.Status.BLOCKED)
        | Q(to_planitem__due__lt=on_date)
        | Q(from_planitem__start__lt=F("to_planitem__due"))
    )
    if plan is not None:
        edges = edges.filter(from_planitem__plan=plan)
    if scope is not None:
        edges = edges.filter(scope.q("from_planitem__plan"))
    if department_ids is not None:
        department_ids = list(department_ids)
        edges = edges.filter(
            Q(from_planitem__department_id__in=department_ids)
            | Q(to_planitem__department_id__in=department_ids)
        )
    if month is not None:
        edges = edges.filter(from_planitem__month=periods.month_start(month))
    if item_ids is not None:
        item_ids = list(item_ids)
        edges = edges.filter(Q(from_planitem_id__in=item_ids) | Q(to_planitem_id__in=item_ids))
    edges = edges.select_related(
        "from_planitem__department",
        "from_planitem__owner",
        "from_planitem__plan",
        "to_planitem__department",
        "to_planitem__owner",
        "to_planitem__plan",
    ).order_by(
        "from_planitem__month",
        "from_planitem__department__name",
        "from_planitem__start",
        "from_planitem__title",
        "to_planitem__due",
    )
    conflicts = []
    for edge in edges:
        item, dependency = edge.from_planitem, edge.to_planitem
        if dependency.status == PlanItem.Status.BLOCKED:
            reason = "depends_on_blocked"
        elif dependency.due < on_date:
            reason = "depends_on_overdue"
        else:
            reason = "starts_before_due"
        conflicts.append(
            RhythmConflict(
                item=item,
                dependency=dependency,
                reason=reason,
                message=_conflict_message(item, dependency, reason),
            )
        )
    return conflicts


def conflicts_by_item(conflicts: list[RhythmConflict]) -> dict[int, list[RhythmConflict]]:
    """Conflicts indexed by the id of both items involved."""
    index: dict[int, list[RhythmConflict]] = {}
    for conflict in conflicts:
        index.setdefault(conflict.item.pk, []).append(conflict)
        index.setdefault(conflict.dependency.pk, []).append(conflict)
    return index


def dependency_reaches(*, start_ids: Iterable[int], target_id: int) -> bool:
    """Whether `target_id` is reachable from any of `start_ids` along depends_on; one query
    per level of the dependency graph."""
    through = PlanItem.depends_on.through
    seen: set[int] = set()
    frontier = set(start_ids)
    while frontier:
        if target_id in frontier:
            return True
        seen |= frontier
        frontier = (
            set(
                through.objects.filter(from_planitem_id__in=frontier).values_list(
                    "to_planitem_id", flat=True
                )
            )
            - seen
        )
    return False


# ---------------------------------------------------------------------------- plans of a month


def plans_owning_month(
    *, month: datetime.date, team_department_id: int | None = None
) -> QuerySet[Plan]:
    """Plans owning the month (planbridge.rules.month_in_plan: from their creation month to
    the month after their end), with someone of the department on the team when one is given
    (the team-department join of meetings' default_plan_for); earliest start first."""
    # Archived plans take no new work (docs/architecture.md "Nothing with history is deleted").
    plans = Plan.objects.filter(
        core_rules.plans_owning_month_q(month), core_rules.current_plans_q()
    )
    if team_department_id is not None:
        plans = plans.filter(
            pk__in=Plan.team.through.objects.filter(
                user__memberships__department_id=team_department_id
            ).values("plan_id")
        )
    return plans.order_by("start", "title", "pk")
