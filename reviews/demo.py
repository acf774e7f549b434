"""Monthly reviews in the seed story (run by `seed_demo` after goals.demo and
meetings.demo).

The month-5 review was closed more than the grace period ago, but not before its month's
last days, when a review can first be closed: Development's delay was recorded as a problem
and carried into month-6 items of Development and Marketing, a lesson about the weekly
meeting was carried, a success was dismissed with a reason, and Sales' material risk was
left without a disposition past its deadline (the flag job flags it; in a month's first
days it is still inside its grace period). The month-6 review is a draft of the current
month that the PM opens, and closes in the month's last days, on this month's evidence.

Rows are looked up by month and plan, findings and items by their titles in both languages,
so a second run changes nothing.
"""

import datetime

from django.conf import settings
from django.utils import timezone

from goals import services as goals_services
from goals.models import PlanItem
from planbridge.periods import month_end

from . import rules as review_rules
from .models import Carryover, Finding, Review

DEV_TESTING = ("Internal testing and adjustment", "完成内部测试和调整")
# The month-5 item the delay was recorded from, so the trace runs goal → item → finding.
DEV_CORE = ("Develop the core functions", "完成核心功能开发")

NEW_ITEMS = {
    "marketing_retime": (
        "marketing",
        (
            "Re-time the warm-up campaign to the new release date",
            "按新的发布日期调整预热宣传节奏",
        ),
        (
            "Show only finished functions; move the launch event after internal testing.",
            "只展示已完成的功能；发布活动移到内部测试之后。",
        ),
    ),
    "marketing_weekly": (
        "marketing",
        (
            "Bring cross-department dependencies to the weekly meeting",
            "把跨部门依赖带到每周协调会上讨论",
        ),
        (
            "Every dependency on another department is raised as an ask in the weekly "
            "meeting, with a date.",
            "对其他部门的每个依赖都在每周协调会上以需求的形式提出，并注明日期。",
        ),
    ),
}

# key, kind, severity, department slug, (en, zh) title, (en, zh) detail
FINDINGS = [
    (
        "delay",
        Finding.Kind.PROBLEM,
        Finding.Severity.HIGH,
        "development",
        ("Core functions slipped by a month", "核心功能开发延期一个月"),
        (
            "The sync engine was slower than planned; two core functions were not finished "
            "in month 5, and the warm-up campaign had nothing to show.",
            "同步引擎性能不达预期，两个核心功能在第五个月没有完成，预热宣传没有可展示的内容。",
        ),
    ),
    (
        "weekly",
        Finding.Kind.LESSON,
        Finding.Severity.MEDIUM,
        "marketing",
        (
            "Dependencies surfaced only at the monthly review",
            "部门间依赖直到月度总结会才暴露",
        ),
        (
            "Marketing learnt of the delay at the review; the weekly meeting should have "
            "raised it three weeks earlier.",
            "市场推广部在总结会上才得知延期；每周协调会本应提前三周发现。",
        ),
    ),
    (
        "research",
        Finding.Kind.SUCCESS,
        Finding.Severity.LOW,
        "marketing",
        ("Market research finished on time", "市场调研按时完成"),
        ("", ""),
    ),
    (
        "material",
        Finding.Kind.RISK,
        Finding.Severity.HIGH,
        "sales",
        ("Sales material not ready for the launch", "销售资料尚未为发布准备好"),
        (
            "Sales still waits for product screenshots and a feature list from Marketing.",
            "销售部仍在等待市场推广部提供产品截图和功能清单。",
        ),
    ),
]
DISMISSAL = (
    "A success to keep doing; it needs no follow-up work.",
    "值得保持的成功经验，不需要后续工作。",
)


def _item(ctx, key) -> PlanItem:
    slug, titles, description = NEW_ITEMS[key]
    item = PlanItem.objects.filter(plan=ctx.plan, title__in=titles).first()
    if item is None:
        month = ctx.month(6)
        item = goals_services.plan_item_create(
            actor=ctx.users["pm"],
            plan=ctx.plan,
            department=ctx.departments[slug],
            month=month,
            title=ctx.text(*titles),
            description=ctx.text(*description),
            owner=ctx.users[f"{slug}.coordinator"],
            start=month,
            due=month_end(month),
        )
    return item


def _carry(finding, item, actor, at) -> None:
    Carryover.objects.get_or_create(
        finding=finding,
        plan_item=item,
        defaults={"created_by": actor, "accepted_by": actor, "accepted_at": at},
    )


def seed(ctx) -> None:
    """The closed month-5 review with its four findings and the draft month-6 review."""
    pm = ctx.users["pm"]
    now = timezone.now()
    # Closed long enough ago that the grace period is over for the finding left open, but
    # not before its month's last days, when a review can first be closed: in a month's
    # first days the finding left open is still inside its grace period.
    long_ago = now - datetime.timedelta(days=settings.PLANBRIDGE_CARRY_GRACE_DAYS + 3)
    first_close = datetime.datetime.combine(
        review_rules.review_first_close_day(ctx.month(5)), datetime.time(9)
    )
    closed_at = max(long_ago, timezone.make_aware(first_close))
    review, created = Review.objects.get_or_create(
        month=ctx.month(5),
        plan=ctx.plan,
        defaults={
            "facilitator": pm,
            "status": Review.Status.CLOSED,
            "opened_at": closed_at - datetime.timedelta(hours=2),
            "closed_at": closed_at,
        },
    )
    findings = {}
    for key, kind, severity, slug, titles, detail in FINDINGS:
        finding = Finding.objects.filter(review=review, title__in=titles).first()
        if finding is None:
            finding = Finding.objects.create(
                review=review,
                kind=kind,
                severity=severity,
                department=ctx.departments[slug],
                title=ctx.text(*titles),
                detail=ctx.text(*detail),
                created_by=pm,
            )
        findings[key] = finding

    core = PlanItem.objects.filter(plan=ctx.plan, title__in=DEV_CORE).first()
    if core is not None:
        Finding.objects.filter(pk=findings["delay"].pk, evidence_kind="").update(
            evidence_kind=Finding.EvidenceKind.PLAN_ITEM, evidence_object_id=core.pk
        )

    carried_at = closed_at + datetime.timedelta(days=1)
    testing = PlanItem.objects.filter(plan=ctx.plan, title__in=DEV_TESTING).first()
    if testing is not None:
        _carry(findings["delay"], testing, ctx.users["dev.coordinator"], carried_at)
    _carry(findings["delay"], _item(ctx, "marketing_retime"), pm, carried_at)
    _carry(findings["weekly"], _item(ctx, "marketing_weekly"), pm, carried_at)
    research = findings["research"]
    if research.dismissed_at is None:
        Finding.objects.filter(pk=research.pk).update(
            dismissed_at=closed_at + datetime.timedelta(days=2),
            dismissed_by=pm,
            dismissal_reason=ctx.text(*DISMISSAL),
        )

    Review.objects.get_or_create(
        month=ctx.month(6),
        plan=ctx.plan,
        defaults={"facilitator": pm, "status": Review.Status.DRAFT},
    )
