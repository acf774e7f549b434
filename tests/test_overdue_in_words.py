""" "Overdue" is one rule per kind of row (goals.rules.plan_item_is_overdue, meetings.rules
ask_is_overdue and action_item_is_overdue) and every page listing plan items, asks or action
items says it in words, from the selectors' `overdue` annotation: This week, the plan item
list and page, the goal page, the timeline, the plan document, the meeting's agenda and its
minutes, the asks. A row that is not overdue carries no such word; no template restates the
rule."""

import datetime
import re
import zoneinfo
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from goals import rules as goal_rules
from goals.models import PlanItem
from meetings.models import ActionItem, Ask
from planbridge import periods
from tests.factories import PlanFactory
from tests.goals.factories import GoalFactory, PlanItemFactory
from tests.meetings.factories import ActionItemFactory, AskFactory, MeetingFactory

DAY = datetime.timedelta(days=1)
LATE, IN_TIME, DONE_LATE = "Late core module", "Timely core module", "Finished core module"


def _row(html: str, title: str) -> str:
    """The innermost table row, list item or timeline bar of `title` (not one that only
    quotes it, as a rhythm conflict's message does: “title”)."""
    named = re.compile(r"(?<!“)" + re.escape(title))
    candidates = [
        match.group(0)
        for pattern in (r"<tr\b.*?</tr>", r"<li\b.*?</li>", r"<a class=\"tl-bar.*?</a>")
        for match in re.finditer(pattern, html, flags=re.DOTALL)
        if named.search(match.group(0))
    ]
    assert candidates, f"{title!r} is not on the page"
    return min(candidates, key=len)


def _says_overdue(html: str, title: str) -> bool:
    return "Overdue" in _row(html, title)


def _assert_only_the_late_one_says_overdue(html: str, *, done_shown: bool = True):
    assert _says_overdue(html, LATE)
    assert not _says_overdue(html, IN_TIME)
    if done_shown:
        assert not _says_overdue(html, DONE_LATE)


@pytest.fixture
def running_plan(pm, dev_coordinator):
    today = periods.today()
    plan = PlanFactory(
        title="New product R&D and launch",
        owner=pm,
        start=periods.add_months(periods.month_start(today), -2),
        end=periods.month_end(periods.add_months(today, 2)),
    )
    plan.team.set([pm, dev_coordinator])
    return plan


@pytest.fixture
def items(departments, dev_member, running_plan):
    """Three Development items of the plan serving one goal: one due yesterday and still in
    progress (overdue), one due in five days, one due yesterday and done."""
    today = periods.today()
    goal = GoalFactory(title="Core modules", department=departments["dev"], plan=running_plan)

    def item(title, due, status):
        return PlanItemFactory(
            title=title,
            plan=running_plan,
            department=departments["dev"],
            owner=dev_member,
            goal=goal,
            month=periods.month_start(today - 10 * DAY),
            start=today - 10 * DAY,
            due=due,
            status=status,
        )

    late = item(LATE, today - DAY, PlanItem.Status.IN_PROGRESS)
    in_time = item(IN_TIME, today + 5 * DAY, PlanItem.Status.IN_PROGRESS)
    done = item(DONE_LATE, today - DAY, PlanItem.Status.DONE)
    in_time.depends_on.add(late, done)
    return {"late": late, "in_time": in_time, "done": done, "goal": goal}


def test_this_weeks_item_statuses_say_which_item_is_overdue(client_for, dev_coordinator, items):
    response = client_for(dev_coordinator).get(
        reverse("meetings:this_week"), {"department": items["late"].department_id}
    )
    html = response.content.decode()
    assert 'data-testid="weekly-update-form"' in html
    # Done items are not in the form; the two open ones are.
    _assert_only_the_late_one_says_overdue(html, done_shown=False)


def test_the_plan_item_list_says_which_item_is_overdue(client_for, sales_member, items):
    html = client_for(sales_member).get(reverse("goals:plan_item_list")).content.decode()
    _assert_only_the_late_one_says_overdue(html)


def test_a_plan_items_page_says_whether_it_and_its_dependencies_are_overdue(
    client_for, sales_member, items
):
    client = client_for(sales_member)
    late = client.get(reverse("goals:plan_item_detail", args=[items["late"].pk])).content
    assert 'data-testid="item-overdue"' in late.decode()
    for name in ("in_time", "done"):
        page = client.get(reverse("goals:plan_item_detail", args=[items[name].pk])).content
        header = page.decode().split('data-testid="depends-on"')[0]
        assert 'data-testid="item-overdue"' not in header, name
    page = client.get(reverse("goals:plan_item_detail", args=[items["in_time"].pk]))
    depends_on = page.content.decode().split('data-testid="depends-on"')[1].split("</ul>")[0]
    assert _says_overdue(depends_on, LATE) and not _says_overdue(depends_on, DONE_LATE)


def test_the_goal_page_says_which_of_its_items_is_overdue(client_for, sales_member, items):
    url = reverse("goals:goal_detail", args=[items["goal"].pk])
    _assert_only_the_late_one_says_overdue(client_for(sales_member).get(url).content.decode())


def test_the_timeline_bar_and_its_tooltip_say_overdue(client_for, sales_member, items):
    plan = items["late"].plan
    html = client_for(sales_member).get(reverse("goals:timeline"), {"plan": plan.pk})
    html = html.content.decode()
    _assert_only_the_late_one_says_overdue(html)
    late_bar = _row(html, LATE)
    assert 'data-overdue="true"' in late_bar
    due = items["late"].due.isoformat()
    assert re.search(rf'title="Overdue: was due {due}', late_bar)


def test_the_plan_document_says_which_item_is_overdue(client_for, sales_member, items):
    plan = items["late"].plan
    client = client_for(sales_member)
    _assert_only_the_late_one_says_overdue(
        client.get(reverse("plan_document", args=[plan.pk])).content.decode()
    )
    markdown = client.get(reverse("plan_document_markdown", args=[plan.pk])).content.decode()
    lines = {
        title: line
        for line in markdown.splitlines()
        for title in (LATE, IN_TIME, DONE_LATE)
        if title in line
    }
    assert "Overdue" in lines[LATE]
    assert "Overdue" not in lines[IN_TIME] and "Overdue" not in lines[DONE_LATE]


def test_the_trace_says_which_item_is_overdue(client_for, sales_member, items):
    html = client_for(sales_member).get(reverse("trace", args=["goal", items["goal"].pk]))
    html = html.content.decode().split("</nav>")[-1]
    boxes = re.findall(r'<div class="border rounded p-2 mb-2.*?</div>', html, flags=re.DOTALL)
    by_title = {title: box for box in boxes for title in (LATE, IN_TIME, DONE_LATE) if title in box}
    assert "Overdue" in by_title[LATE]
    assert "Overdue" not in by_title[IN_TIME] and "Overdue" not in by_title[DONE_LATE]


def test_the_plan_item_and_ask_forms_mark_an_overdue_item_in_their_choices(
    client_for, pm, marketing_coordinator, items
):
    for client, url in (
        (client_for(pm), reverse("goals:plan_item_edit", args=[items["in_time"].pk])),
        (client_for(marketing_coordinator), reverse("meetings:ask_create")),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        labels = re.findall(r'<option value="\d+"[^>]*>([^<]*)', response.content.decode())
        late = [label for label in labels if LATE in label]
        assert late and all(label.endswith("· Overdue") for label in late), (url, labels)
        assert not any(IN_TIME in label and "Overdue" in label for label in labels), url


# ---------------------------------------------------------------------------- the agenda


@pytest.fixture
def last_weeks_meeting(pm, departments, dev_member, running_plan):
    """Last week's meeting, whose agenda is read as of that week's Sunday: plan items,
    asks and action items of that week, one of each overdue by then and one not."""
    monday = periods.week_start(periods.today()) - 7 * DAY
    sunday = monday + 6 * DAY
    dev, marketing = departments["dev"], departments["marketing"]
    earlier = MeetingFactory(date=monday - 7 * DAY, plan=running_plan, facilitator=pm)
    meeting = MeetingFactory(date=monday, plan=running_plan, facilitator=pm)
    for title, due, status in (
        (LATE, monday, PlanItem.Status.IN_PROGRESS),
        (IN_TIME, sunday, PlanItem.Status.IN_PROGRESS),
        (DONE_LATE, monday, PlanItem.Status.DONE),
    ):
        PlanItemFactory(
            title=title,
            plan=running_plan,
            department=dev,
            month=periods.month_start(monday),
            start=min(monday, periods.month_start(monday)),
            due=due,
            status=status,
        )
    for meeting_of, prefix in ((earlier, "Earlier "), (meeting, "")):
        for title, due, status in (
            (LATE, monday + DAY, ActionItem.Status.OPEN),
            (IN_TIME, sunday + DAY, ActionItem.Status.OPEN),
        ):
            ActionItemFactory(
                meeting=meeting_of,
                title=f"{prefix}action: {title}",
                owner=dev_member,
                department=dev,
                due=due,
                status=status,
            )
    for title, needed_by in ((LATE, monday + DAY), (IN_TIME, sunday + DAY)):
        AskFactory(
            from_department=marketing,
            to_department=dev,
            plan=running_plan,
            what=f"Ask: {title}",
            needed_by=needed_by,
            state=Ask.State.OPEN,
        )
    return meeting


def test_the_agenda_says_which_items_asks_and_actions_are_overdue(
    client_for, sales_member, last_weeks_meeting
):
    html = client_for(sales_member).get(
        reverse("meetings:meeting_detail", args=[last_weeks_meeting.pk])
    )
    html = html.content.decode()
    items_due = html.split('data-testid="agenda-items-due"')[1].split("</section>")[0]
    _assert_only_the_late_one_says_overdue(items_due)
    for kind in ("Ask: ", "Earlier action: ", "action: "):
        section = html
        if kind == "action: ":
            section = html.split('data-testid="meeting-actions"')[1]
        assert _says_overdue(section, kind + LATE), kind
        assert not _says_overdue(section, kind + IN_TIME), kind


def test_the_minutes_say_which_items_and_actions_are_overdue(
    client_for, sales_member, last_weeks_meeting
):
    text = client_for(sales_member).get(
        reverse("meetings:meeting_minutes", args=[last_weeks_meeting.pk])
    )
    lines = text.content.decode().splitlines()

    def line_of(start):
        return next(line for line in lines if line.startswith(start))

    for start in (
        f"- {LATE}",
        "- Ask: " + LATE,
        f"- Earlier action: {LATE}",
        f"- [ ] action: {LATE}",
    ):
        assert "Overdue" in line_of(start), start
    for start in (
        f"- {IN_TIME}",
        f"- {DONE_LATE}",
        f"- Earlier action: {IN_TIME}",
        f"- [ ] action: {IN_TIME}",
    ):
        assert "Overdue" not in line_of(start), start


def test_the_ask_list_and_page_say_which_ask_is_overdue(client_for, pm, departments):
    late = AskFactory(
        from_department=departments["marketing"],
        to_department=departments["dev"],
        what=f"Ask: {LATE}",
        needed_by=periods.today() - DAY,
    )
    AskFactory(
        from_department=departments["marketing"],
        to_department=departments["dev"],
        what=f"Ask: {IN_TIME}",
        needed_by=periods.today(),
    )
    client = client_for(pm)
    html = client.get(reverse("meetings:ask_list"), {"box": "all"}).content.decode()
    assert _says_overdue(html, f"Ask: {LATE}") and not _says_overdue(html, f"Ask: {IN_TIME}")
    page = client.get(reverse("meetings:ask_detail", args=[late.pk])).content.decode()
    assert 'data-testid="ask-overdue"' in page


# ---------------------------------------------------------------------------- at the edge


@pytest.mark.parametrize("language, word", [("en", "Overdue"), ("zh-hans", "逾期")])
def test_an_item_due_30_november_is_overdue_on_1_december_on_this_week_and_the_list(
    client_for, dev_coordinator, departments, language, word
):
    moment = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
    with time_machine.travel(moment, tick=False):
        late = PlanItemFactory(
            title=LATE,
            department=departments["dev"],
            month=datetime.date(2026, 11, 1),
            start=datetime.date(2026, 11, 2),
            due=datetime.date(2026, 11, 30),
            status=PlanItem.Status.IN_PROGRESS,
        )
        dev_coordinator.profile.language = language
        dev_coordinator.profile.save()
        client = client_for(dev_coordinator)
        this_week = client.get(
            reverse("meetings:this_week"), {"department": late.department_id, "plan": "none"}
        ).content.decode()
        item_list = client.get(reverse("goals:plan_item_list")).content.decode()
    for html in (this_week, item_list):
        assert word in _row(html, LATE)
        assert 'data-testid="item-overdue"' in _row(html, LATE)


# ---------------------------------------------------------------------------- the rule's home


@pytest.mark.parametrize("status", PlanItem.Status.values)
@pytest.mark.parametrize("days_after_due", [-1, 0, 1, 30])
def test_an_overdue_plan_item_is_the_same_in_python_in_sql_and_as_annotation(
    departments, status, days_after_due
):
    today = periods.today()
    due = today - days_after_due * DAY
    item = PlanItemFactory(
        department=departments["dev"],
        month=periods.month_start(due),
        start=periods.month_start(due),
        due=due,
        status=status,
    )
    in_python = goal_rules.plan_item_is_overdue(item)
    in_sql = PlanItem.objects.filter(goal_rules.plan_item_overdue_q(), pk=item.pk).exists()
    annotated = (
        PlanItem.objects.annotate(overdue=goal_rules.plan_item_overdue_flag())
        .values_list("overdue", flat=True)
        .get(pk=item.pk)
    )
    assert in_python is in_sql is annotated
    assert in_python is (days_after_due > 0 and goal_rules.plan_item_is_open(item))


TEMPLATES = Path(settings.BASE_DIR) / "templates"
# An {% if %} comparing a date of a row restates a state rule that lives in <app>/rules.py.
DATE_NAMES = r"\b(?:due|needed_by|deadline|month|week|start|end|date|today|now|\w+_at)\b"
COMPARISON = re.compile(
    r"\{%-?\s*(?:if|elif)\b(?=[^%]*" + DATE_NAMES + r")(?=[^%]*(?:<|>))[^%]*%\}"
)


def _restated_rules(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_file():
            for match in COMPARISON.finditer(path.read_text(encoding="utf-8")):
                found.append(f"{path.relative_to(root)}: {match.group(0)}")
    return found


def test_no_template_compares_dates_to_decide_a_state():
    assert _restated_rules(TEMPLATES) == []


def test_the_scan_sees_a_restated_overdue_rule(tmp_path):
    (tmp_path / "page.html").write_text(
        "{% if item.due < today %}late{% endif %}{% if items|length > 1 %}many{% endif %}"
    )
    assert len(_restated_rules(tmp_path)) == 1


def test_the_word_is_translated():
    with translation.override("zh-hans"):
        assert translation.gettext("Overdue") == "逾期"


def test_the_finding_page_says_which_carried_item_and_carry_target_is_overdue(
    client_for, pm, departments, running_plan, items
):
    from tests.reviews.factories import CarryoverFactory, FindingFactory, ReviewFactory

    review = ReviewFactory(
        plan=running_plan,
        month=periods.add_months(items["late"].month, -1),
        facilitator=pm,
    )
    carried = FindingFactory(review=review, department=departments["dev"], created_by=pm)
    CarryoverFactory(finding=carried, plan_item=items["late"], created_by=pm, accepted_by=pm)
    CarryoverFactory(finding=carried, plan_item=items["in_time"], created_by=pm, accepted_by=pm)
    disposition = (
        client_for(pm)
        .get(reverse("reviews:finding_detail", args=[carried.pk]))
        .content.decode()
        .split('data-testid="disposition"')[1]
        .split("</span>\n</span>")[0]
    )
    late_part, in_time_part = disposition.split(IN_TIME)[0], disposition.split(IN_TIME)[1]
    assert LATE in late_part and 'data-testid="carried-item-overdue"' in late_part
    assert 'data-testid="carried-item-overdue"' not in in_time_part

    open_finding = FindingFactory(review=review, department=departments["dev"], created_by=pm)
    html = client_for(pm).get(reverse("reviews:finding_detail", args=[open_finding.pk]))
    existing = html.content.decode().split('data-testid="carry-existing"')[1]
    choices = dict(re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', existing))
    assert choices[str(items["late"].pk)].endswith("· Overdue")
    assert "Overdue" not in choices[str(items["in_time"].pk)]
