"""Demo data of goals (seed write-up, "工作计划范文"): company objectives, the three SMART goals
with check-ins, and the six-month action plan per department with the dependencies that
make its story visible — development's core functions run late, marketing's warm-up waits
on them, and sales' launch starts before internal testing is due — so the timeline shows
rhythm conflicts. Rows are looked up by their title in both languages, so a second run
changes nothing."""

import datetime
from decimal import Decimal

from planbridge.periods import add_months, month_end, quarter_start

from .models import CheckIn, Goal, Objective, PlanItem

OBJECTIVES = {
    "launch": (
        "Launch a competitive, innovative new product",
        "推出具有市场竞争力的创新产品",
    ),
    "share": ("Grow market share with the new product", "借助新产品扩大市场份额"),
    "support": (
        "Answer every customer request within one working day",
        "在一个工作日内回复每一个客户请求",
    ),
}

GOALS = {
    "development": (
        "Complete the product's core functions within six months and pass internal testing",
        "在六个月内完成产品的核心功能开发，并通过内部测试",
    ),
    "marketing": (
        "Start the warm-up two months before launch and collect 10,000 leads within one month",
        "在新产品发布前两个月开始预热宣传，并在一个月内获得10000个潜在客户的联系方式",
    ),
    "sales": (
        "Reach 5,000,000 yuan of sales within three months of launch",
        "在产品发布后的三个月内，实现销售额500万元",
    ),
    "teamwork": ("Strengthen team collaboration", "加强团队协作"),
}

# department, key, (en, zh) title, first month, last month, status, owner, start day
ACTIONS = [
    (
        "development",
        "design",
        ("Requirements analysis and product design", "完成需求分析和产品设计"),
        1,
        1,
        PlanItem.Status.DONE,
        "dev.coordinator",
        1,
    ),
    (
        "development",
        "core",
        ("Develop the core functions", "完成核心功能开发"),
        2,
        5,
        PlanItem.Status.IN_PROGRESS,
        "dev.member",
        1,
    ),
    (
        "development",
        "testing",
        ("Internal testing and adjustment", "完成内部测试和调整"),
        6,
        6,
        PlanItem.Status.PLANNED,
        "dev.member",
        1,
    ),
    (
        "marketing",
        "research",
        ("Market research and user analysis", "进行市场调研和用户分析"),
        1,
        3,
        PlanItem.Status.DONE,
        "marketing.member",
        1,
    ),
    (
        "marketing",
        "strategy",
        ("Draw up the promotion strategy and plan", "制定推广策略和计划"),
        4,
        4,
        PlanItem.Status.DONE,
        "marketing.coordinator",
        1,
    ),
    (
        "marketing",
        "warmup",
        (
            "Start the warm-up campaign and collect leads",
            "开始预热宣传，获取潜在客户联系方式",
        ),
        5,
        6,
        PlanItem.Status.IN_PROGRESS,
        "marketing.member",
        10,
    ),
    (
        "sales",
        "material",
        (
            "Prepare sales material and training with Marketing",
            "配合市场推广部门，准备销售资料和培训",
        ),
        1,
        5,
        PlanItem.Status.IN_PROGRESS,
        "sales.member",
        1,
    ),
    (
        "sales",
        "launch",
        (
            "Launch: start selling and reach the sales target",
            "产品发布后，开始销售活动，实现销售额目标",
        ),
        6,
        6,
        PlanItem.Status.PLANNED,
        "sales.coordinator",
        10,
    ),
]

# item key -> keys of the items it depends on (any department)
DEPENDENCIES = {
    "core": ["design"],
    "testing": ["core"],
    "strategy": ["research"],
    "warmup": ["core", "strategy"],
    "launch": ["testing", "material"],
}

ACTION_DESCRIPTIONS = {
    "warmup": (
        "The warm-up shows the product's core functions, so it needs them finished.",
        "预热宣传要展示产品的核心功能，需要核心功能开发完成。",
    ),
    "launch": (
        "Selling starts once the product has passed internal testing.",
        "产品通过内部测试后开始销售。",
    ),
}


def _objective(ctx, key, quarter):
    titles = OBJECTIVES[key]
    objective = Objective.objects.filter(title__in=titles).first()
    if objective is None:
        objective = Objective.objects.create(
            title=ctx.text(*titles),
            quarter=quarter_start(quarter),
            plan=ctx.plan if key != "support" else None,
            owner=ctx.users["pm"],
        )
    return objective


def _goal(ctx, key, **fields):
    titles = GOALS[key]
    goal = Goal.objects.filter(title__in=titles).first()
    if goal is None:
        goal = Goal.objects.create(title=ctx.text(*titles), **fields)
    return goal


def _checkins(ctx, goal, rows):
    if goal.checkins.exists():
        return
    for day, value, confidence, note in rows:
        if day > ctx.today:
            continue
        CheckIn.objects.create(
            goal=goal,
            date=day,
            value=Decimal(value),
            confidence=confidence,
            note=ctx.text(*note) if note else "",
            author=goal.owner,
        )


def seed(ctx) -> None:
    """Objectives, the three SMART goals (plus one vague goal), check-ins and the plan's
    six-month action plan per department with cross-department dependencies."""
    users, departments, plan = ctx.users, ctx.departments, ctx.plan
    launch_day = ctx.month(6)
    sales_due = add_months(launch_day, 3) - datetime.timedelta(days=1)

    launch = _objective(ctx, "launch", ctx.today)
    share = _objective(ctx, "share", sales_due)
    _objective(ctx, "support", ctx.today)

    development = _goal(
        ctx,
        "development",
        description=ctx.text(
            "Every core function is implemented and passes the internal test plan.",
            "全部核心功能开发完成，并通过内部测试计划。",
        ),
        metric=ctx.text(
            "Core functions done and passing internal tests", "完成并通过内测的核心功能"
        ),
        unit="%",
        baseline=Decimal(0),
        target=Decimal(100),
        start=plan.start,
        due=plan.end,
        owner=users["dev.coordinator"],
        department=departments["development"],
        objective=launch,
        plan=plan,
    )
    warmup_start = ctx.month_day(5, 10)
    marketing = _goal(
        ctx,
        "marketing",
        description=ctx.text(
            "Leads are contacts of potential customers collected by the warm-up campaign.",
            "潜在客户联系方式来自预热宣传活动。",
        ),
        metric=ctx.text("Leads collected", "获取的潜在客户联系方式"),
        unit=ctx.text("leads", "个"),
        baseline=Decimal(0),
        target=Decimal(10000),
        start=warmup_start,
        due=min(plan.end, warmup_start + datetime.timedelta(days=30)),
        owner=users["marketing.coordinator"],
        department=departments["marketing"],
        objective=launch,
        plan=plan,
    )
    sales = _goal(
        ctx,
        "sales",
        description=ctx.text(
            "Revenue booked from the product's launch onwards.",
            "自产品发布起计的销售额。",
        ),
        metric=ctx.text("Sales revenue", "销售额"),
        unit=ctx.text("yuan", "元"),
        baseline=Decimal(0),
        target=Decimal(5_000_000),
        start=launch_day,
        due=sales_due,
        owner=users["sales.coordinator"],
        department=departments["sales"],
        objective=share,
        plan=plan,
    )
    _goal(
        ctx,
        "teamwork",
        description=ctx.text(
            "Better trust and understanding between the departments.",
            "增强团队成员之间的信任和理解。",
        ),
        start=plan.start,
        owner=users["pm"],
        department=departments["development"],
        plan=plan,
    )

    _checkins(
        ctx,
        development,
        [
            (
                ctx.month_day(2, 28),
                "15",
                8,
                ("Design approved; development started.", "设计评审通过，开发开始。"),
            ),
            (ctx.month_day(3, 28), "30", 7, None),
            (ctx.month_day(4, 28), "42", 6, ("Two core functions slipped.", "两个核心功能延期。")),
            (
                ctx.month_day(5, 28),
                "55",
                4,
                ("Core functions not finished in month 5.", "第五个月核心功能未完成。"),
            ),
            (ctx.month_day(6, 1), "58", 4, None),
        ],
    )
    _checkins(
        ctx,
        marketing,
        [
            (
                ctx.month_day(5, 20),
                "1200",
                6,
                ("Warm-up started without product demos.", "预热已开始，但缺少产品演示。"),
            ),
            (ctx.month_day(6, 1), "3100", 5, None),
        ],
    )
    _checkins(ctx, sales, [(ctx.month_day(6, 1), "0", 6, ("Launch not yet.", "尚未发布。"))])

    goals_by_department = {"development": development, "marketing": marketing, "sales": sales}
    items = {}
    for department, key, titles, first, last, status, owner, start_day in ACTIONS:
        item = PlanItem.objects.filter(plan=plan, title__in=titles).first()
        if item is None:
            description = ACTION_DESCRIPTIONS.get(key)
            item = PlanItem.objects.create(
                plan=plan,
                department=departments[department],
                month=ctx.month(first),
                title=ctx.text(*titles),
                description=ctx.text(*description) if description else "",
                owner=users[owner],
                start=ctx.month_day(first, start_day),
                due=month_end(ctx.month(last)),
                status=status,
                goal=goals_by_department[department],
            )
        items[key] = item
    for key, dependency_keys in DEPENDENCIES.items():
        # Only add what is missing: even an empty add writes a history row.
        existing = set(items[key].depends_on.values_list("pk", flat=True))
        missing = [items[k] for k in dependency_keys if items[k].pk not in existing]
        if missing:
            items[key].depends_on.add(*missing)
    ctx.goal_items = items
