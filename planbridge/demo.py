"""The demo scenario of the seed write-up: a new product's development and launch, run by
one PM with Product Development, Marketing and Sales (README.md).

`seed_demo` runs the `seed(ctx)` of this module and then of goals.demo, meetings.demo and
reviews.demo where they exist. Every step looks rows up by stable keys before creating
them, so a second run changes nothing. Dates are relative to today: month 6 of the plan is
the current month, so the month-5 review is last month's.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from .models import PM_GROUP, Department, Membership, Plan, Profile
from .periods import add_months, month_end, month_start, today

DEMO_PASSWORD = "planbridge"


@dataclass
class DemoContext:
    lang: str
    today: datetime.date
    users: dict = field(default_factory=dict)
    departments: dict = field(default_factory=dict)
    plan: Plan | None = None

    def text(self, en: str, zh: str) -> str:
        return zh if self.lang == "zh-hans" else en

    def month(self, number: int) -> datetime.date:
        """The first day of month `number` (1–6) of the plan."""
        return add_months(self.plan.start, number - 1)

    def month_day(self, number: int, day: int) -> datetime.date:
        return self.month(number).replace(day=min(day, month_end(self.month(number)).day))


DEPARTMENTS = [
    ("development", "Product Development", "产品开发部"),
    ("marketing", "Marketing", "市场推广部"),
    ("sales", "Sales", "销售部"),
]

# username, first name (en, zh), last name (en, zh), department slug or None, role
PEOPLE = [
    ("pm", ("Lin", "琳"), ("Zhou", "周"), None, None),
    ("dev.coordinator", ("Wei", "伟"), ("Chen", "陈"), "development", "coordinator"),
    ("dev.member", ("Hao", "浩"), ("Liu", "刘"), "development", "member"),
    ("marketing.coordinator", ("Fang", "芳"), ("Wang", "王"), "marketing", "coordinator"),
    ("marketing.member", ("Jing", "静"), ("Zhao", "赵"), "marketing", "member"),
    ("sales.coordinator", ("Qiang", "强"), ("Li", "李"), "sales", "coordinator"),
    ("sales.member", ("Min", "敏"), ("Sun", "孙"), "sales", "member"),
]

PLAN_TITLE = ("New product development and launch", "新产品研发与推广项目")
PLAN_BACKGROUND = (
    "A new product development and launch project, aimed at bringing a competitive, "
    "innovative product to market and growing market share. Product Development, Marketing "
    "and Sales work as one cross-department project team.",
    "新产品研发与推广项目，旨在推出具有市场竞争力的创新产品，扩大市场份额。"
    "产品开发、市场推广和销售部门组成跨部门项目小组，共同负责项目的实施。",
)
PLAN_COMMUNICATION = (
    "Weekly coordination meeting: every week the departments report progress and discuss "
    "needs and problems across departments.\n"
    "Communication coordinators: each department names a coordinator for day-to-day "
    "communication and feedback.",
    "每周协调会：每周召开一次跨部门协调会，各部门汇报进展，讨论需求和问题。\n"
    "沟通协调人：每个部门设立沟通协调人，负责日常沟通和信息反馈。",
)
PLAN_CADENCE = (
    "Monthly summary meeting: every month the departments report progress and summarize "
    "problems and lessons; the next plan is adjusted from the meeting's feedback.",
    "每月总结会：每月召开一次总结会，各部门汇报进展，总结问题和经验；"
    "根据总结会的反馈，及时调整下一步计划。",
)


def seed(ctx: DemoContext) -> None:
    """Departments, people (a PM, a coordinator and a member per department) and the plan."""
    zh = ctx.lang == "zh-hans"
    for slug, name_en, name_zh in DEPARTMENTS:
        department, _created = Department.objects.get_or_create(
            slug=slug, defaults={"name": name_zh if zh else name_en}
        )
        ctx.departments[slug] = department

    user_model = get_user_model()
    pm_group, _created = Group.objects.get_or_create(name=PM_GROUP)
    for username, first, last, department_slug, role in PEOPLE:
        user = user_model.objects.filter(username=username).first()
        if user is None:
            user = user_model(
                username=username,
                email=f"{username}@planbridge.example",
                # Chinese names read family name first, with no space: 陈伟.
                first_name=last[1] + first[1] if zh else first[0],
                last_name="" if zh else last[0],
                # The demo's PM is also its administrator (admins are superusers, who count as PMs),
                # so that Admin → Digest deliveries can be tried.
                is_staff=department_slug is None,
                is_superuser=department_slug is None,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            Profile.objects.filter(user=user).update(language=ctx.lang)
        if department_slug is None:
            user.groups.add(pm_group)
        else:
            Membership.objects.get_or_create(
                user=user,
                department=ctx.departments[department_slug],
                defaults={"role": role},
            )
        ctx.users[username] = user

    title = ctx.text(*PLAN_TITLE)
    plan = Plan.objects.filter(title__in=PLAN_TITLE).first()
    if plan is None:
        start = add_months(month_start(ctx.today), -5)
        plan = Plan.objects.create(
            title=title,
            background=ctx.text(*PLAN_BACKGROUND),
            start=start,
            end=month_end(add_months(start, 5)),
            owner=ctx.users["pm"],
            communication_mechanism=ctx.text(*PLAN_COMMUNICATION),
            review_cadence=ctx.text(*PLAN_CADENCE),
        )
        plan.team.set(ctx.users.values())
    ctx.plan = plan


def build_context(lang: str) -> DemoContext:
    return DemoContext(lang=lang, today=today())


def existing_demo_language() -> str | None:
    """The language the demo was first loaded in (its plan's title tells), or None."""
    title = Plan.objects.filter(title__in=PLAN_TITLE).values_list("title", flat=True).first()
    if title is None:
        return None
    return "zh-hans" if title == PLAN_TITLE[1] else "en"
