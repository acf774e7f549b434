"""Weekly coordination in the seed story (run by `seed_demo` after goals.demo): the last
three weeks and this one. Development reports its core-function delay, Marketing asks
Development for a feature-freeze date, Sales asks Marketing for material (overdue); some
asks are answered; three meetings (Wednesdays 10:00–11:00 in meeting room 3, with a call
link), with an action item carried over from the first.
This week only Marketing has submitted, so the agenda shows who is missing.

Rows are looked up by stable keys (department + week + plan, titles in both languages)
before they are created, so a second run changes nothing."""

import datetime

from django.utils import timezone

from goals.models import PlanItem
from planbridge.periods import week_start

from .models import ActionItem, Ask, Meeting, WeeklyUpdate

# (weeks before this one, department slug, progress, next week, problems), each (en, zh).
UPDATES = [
    (
        3,
        "development",
        (
            "Core functions: data sync and reporting in development.",
            "核心功能：数据同步和报表开发中。",
        ),
        ("Finish the sync engine.", "完成同步引擎。"),
        (
            "The sync engine is slower than planned; two core functions may slip.",
            "同步引擎性能不达预期，两个核心功能可能延期。",
        ),
    ),
    (
        3,
        "marketing",
        ("Warm-up campaign materials drafted.", "预热宣传材料初稿完成。"),
        ("Start the warm-up campaign.", "启动预热宣传。"),
        ("", ""),
    ),
    (
        3,
        "sales",
        ("Customer list cleaned up for the launch.", "为发布整理了客户名单。"),
        ("Plan customer visits.", "规划客户拜访。"),
        ("", ""),
    ),
    (
        2,
        "development",
        (
            "Core function development is about two weeks behind schedule.",
            "核心功能开发比计划落后约两周。",
        ),
        ("Fix the sync performance, then finish reporting.", "先解决同步性能问题，再完成报表。"),
        (
            "Core functions will not be finished this month; testing moves back.",
            "核心功能本月无法完成，测试顺延。",
        ),
    ),
    (
        2,
        "marketing",
        (
            "Warm-up campaign started; 1,200 leads so far.",
            "预热宣传已启动，已获取1200个潜在客户。",
        ),
        ("Plan launch events.", "策划发布活动。"),
        (
            "We need a feature-freeze date to fix the launch message.",
            "需要确定功能冻结日期，才能确定发布宣传内容。",
        ),
    ),
    (
        2,
        "sales",
        ("Three customer visits prepared.", "准备了三次客户拜访。"),
        ("Visit pilot customers.", "拜访试点客户。"),
        (
            "No brochures or demo video to show customers.",
            "没有可向客户展示的宣传册和演示视频。",
        ),
    ),
    (
        1,
        "development",
        ("Sync performance fixed; reporting 60% done.", "同步性能问题已解决，报表完成60%。"),
        ("Finish reporting; start internal testing.", "完成报表，开始内部测试。"),
        ("Still one week behind.", "仍落后一周。"),
    ),
    (
        1,
        "marketing",
        ("Launch event planned; 3,100 leads.", "发布活动已策划，潜在客户达3100个。"),
        ("Produce the demo video once features are frozen.", "功能冻结后制作演示视频。"),
        ("", ""),
    ),
    (
        1,
        "sales",
        ("Pilot customers contacted.", "已联系试点客户。"),
        ("Training on the new product.", "参加新产品培训。"),
        ("Still waiting for material from Marketing.", "仍在等待市场部的资料。"),
    ),
    (
        0,
        "marketing",
        ("Demo video script written.", "演示视频脚本已完成。"),
        ("Shoot the demo video.", "拍摄演示视频。"),
        ("", ""),
    ),
]

# key, weeks before this one it was raised, from, to, what, why, needed-by day offset from
# the Monday it was raised, plan item key (goals.demo), answer, reply, answered weeks ago.
ASKS = [
    (
        "freeze",
        2,
        "marketing",
        "development",
        ("A feature-freeze date for the launch version", "发布版本的功能冻结日期"),
        (
            "The launch message and the demo video depend on the final feature list.",
            "发布宣传内容和演示视频取决于最终功能列表。",
        ),
        25,
        "core",
        Ask.State.ACCEPTED,
        (
            "Accepted: feature freeze at the end of next week, after the sync fix.",
            "已接受：同步问题解决后，下周末功能冻结。",
        ),
        1,
    ),
    (
        "material",
        2,
        "sales",
        "marketing",
        (
            "Product brochures and a demo video for customer visits",
            "用于客户拜访的产品宣传册和演示视频",
        ),
        ("Pilot customer visits start next week.", "试点客户拜访下周开始。"),
        9,
        "material",
        Ask.State.OPEN,
        ("", ""),
        None,
    ),
    (
        "pilots",
        3,
        "development",
        "sales",
        ("A list of pilot customers for beta testing", "参与内测的试点客户名单"),
        ("Internal testing needs real customer data.", "内部测试需要真实客户数据。"),
        7,
        "testing",
        Ask.State.DONE,
        ("Sent: five pilot customers with contacts.", "已发送：五家试点客户及联系人。"),
        1,
    ),
    (
        "pricing",
        1,
        "sales",
        "marketing",
        ("A pricing one-pager for the launch", "发布用的价格单页"),
        ("Customers ask for prices in every visit.", "每次拜访客户都会询问价格。"),
        10,
        None,
        Ask.State.DECLINED,
        (
            "Declined for now: pricing is decided after the monthly review.",
            "暂不提供：价格将在月度总结会后确定。",
        ),
        0,
    ),
]

# meeting key (weeks before this one), (en, zh) title, owner, department, due days after the
# meeting, done?
ACTION_ITEMS = [
    (
        2,
        (
            "Publish a revised schedule for the core functions",
            "发布核心功能的修订进度计划",
        ),
        "dev.coordinator",
        "development",
        5,
        False,
    ),
    (
        2,
        ("Pause paid lead ads until demos exist", "在有演示之前暂停付费获客广告"),
        "marketing.coordinator",
        "marketing",
        2,
        True,
    ),
    (
        1,
        ("Agree the list of sales material", "确定销售资料清单"),
        "sales.coordinator",
        "sales",
        4,
        False,
    ),
]

# Wednesdays at 10:00 for an hour, in the big meeting room with a call for those away.
MEETING_START = datetime.time(10, 0)
MEETING_END = datetime.time(11, 0)
MEETING_PLACE = ("Meeting room 3, second floor", "二楼3号会议室")
MEETING_LINK = "https://meet.example.com/planbridge-weekly"

MEETING_NOTES = {
    2: (
        "Development is two weeks late on the core functions. Marketing needs a freeze date.",
        "开发部核心功能落后两周。市场部需要功能冻结日期。",
    ),
    1: (
        "Freeze date agreed. Sales is still waiting for material.",
        "功能冻结日期已确定。销售部仍在等待资料。",
    ),
    0: ("", ""),
}

# The plan items of goals.demo that asks point at, by their titles in both languages.
PLAN_ITEM_TITLES = {
    "core": ("Develop the core functions", "完成核心功能开发"),
    "testing": ("Internal testing and adjustment", "完成内部测试和调整"),
    "material": (
        "Prepare sales material and training with Marketing",
        "配合市场推广部门，准备销售资料和培训",
    ),
}

COORDINATORS = {
    "development": "dev.coordinator",
    "marketing": "marketing.coordinator",
    "sales": "sales.coordinator",
}


def _moment(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _plan_item(ctx, key):
    if key is None:
        return None
    return PlanItem.objects.filter(plan=ctx.plan, title__in=PLAN_ITEM_TITLES[key]).first()


def seed(ctx) -> None:
    """Weekly updates, asks, meetings and action items of the last three weeks and this one."""
    this_week = week_start(ctx.today)
    plan = ctx.plan

    updates = {}
    for weeks_ago, slug, progress, next_week, problems in UPDATES:
        week = this_week - datetime.timedelta(weeks=weeks_ago)
        update, created = WeeklyUpdate.objects.get_or_create(
            department=ctx.departments[slug],
            week=week,
            plan=plan,
            defaults={
                "progress": ctx.text(*progress),
                "next_week": ctx.text(*next_week),
                "problems": ctx.text(*problems),
                "author": ctx.users[COORDINATORS[slug]],
            },
        )
        updates[(weeks_ago, slug)] = update

    for (
        _key,
        weeks_ago,
        source,
        target,
        what,
        why,
        needed_in,
        item_key,
        state,
        reply,
        answered_ago,
    ) in ASKS:
        if Ask.objects.filter(what__in=what).exists():
            continue
        raised = this_week - datetime.timedelta(weeks=weeks_ago)
        ask = Ask.objects.create(
            from_department=ctx.departments[source],
            to_department=ctx.departments[target],
            plan=plan,
            plan_item=_plan_item(ctx, item_key),
            weekly_update=updates.get((weeks_ago, source)),
            what=ctx.text(*what),
            why=ctx.text(*why),
            needed_by=raised + datetime.timedelta(days=needed_in),
            state=state,
            reply=ctx.text(*reply),
            created_by=ctx.users[COORDINATORS[source]],
        )
        changes = {"created_at": _moment(raised + datetime.timedelta(days=1))}
        if answered_ago is not None:
            answered = min(
                _moment(this_week - datetime.timedelta(weeks=answered_ago, days=-1), 16),
                timezone.now(),
            )
            changes.update(answered_by=ctx.users[COORDINATORS[target]], answered_at=answered)
            if state == Ask.State.DONE:
                changes["done_at"] = answered
        # created_at is set on insert; the story's dates are written afterwards.
        Ask.objects.filter(pk=ask.pk).update(**changes)

    meetings = {}
    for weeks_ago in (2, 1, 0):
        week = this_week - datetime.timedelta(weeks=weeks_ago)
        meeting = Meeting.objects.filter(plan=plan, week=week).first()
        if meeting is None:
            meeting = Meeting.objects.create(
                plan=plan,
                week=week,
                date=week + datetime.timedelta(days=2),
                start_time=MEETING_START,
                end_time=MEETING_END,
                place=ctx.text(*MEETING_PLACE),
                link=MEETING_LINK,
                facilitator=ctx.users["pm"],
                notes=ctx.text(*MEETING_NOTES[weeks_ago]),
            )
            if weeks_ago:
                meeting.attendees.set(
                    [ctx.users["pm"], *(ctx.users[name] for name in COORDINATORS.values())]
                )
        meetings[weeks_ago] = meeting

    for weeks_ago, title, owner, slug, due_in, done in ACTION_ITEMS:
        meeting = meetings[weeks_ago]
        if ActionItem.objects.filter(meeting=meeting, title__in=title).exists():
            continue
        ActionItem.objects.create(
            meeting=meeting,
            title=ctx.text(*title),
            owner=ctx.users[owner],
            department=ctx.departments[slug],
            due=meeting.date + datetime.timedelta(days=due_in),
            status=ActionItem.Status.DONE if done else ActionItem.Status.OPEN,
            done_at=_moment(meeting.date + datetime.timedelta(days=1)) if done else None,
        )
