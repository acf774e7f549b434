"""The timeline shows the months holding the plan's items, the preparation before its start
and the follow-up month after its end included (a plan owns them: docs/architecture.md
"Periods at the edges"), in a window of at most 36 months."""

import datetime

from django.urls import reverse
from django.utils import timezone

from goals.selectors import timeline
from goals.selectors.timeline import TIMELINE_MONTHS
from planbridge.models import Plan

from ..factories import PlanFactory
from .factories import PlanItemFactory

JANUARY, JUNE_END = datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)


def _created_on(plan, day):
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    Plan.objects.filter(pk=plan.pk).update(created_at=moment)
    plan.refresh_from_db()
    return plan


def test_an_item_of_the_month_after_the_plan_s_end_has_its_column(departments):
    plan = PlanFactory(start=JANUARY, end=JUNE_END)
    july = datetime.date(2026, 7, 1)
    item = PlanItemFactory(
        plan=plan, department=departments["dev"], month=july, start=july, due=july.replace(day=15)
    )
    data = timeline(plan)
    assert data.months[0] == JANUARY and data.months[-1] == july and len(data.months) == 7
    [bar] = [bar for row in data.rows for bar in row.bars]
    assert (bar.item, bar.column_start, bar.column_end) == (item, 7, 8)


def test_an_item_of_the_plan_s_preparation_has_its_column(departments):
    plan = _created_on(PlanFactory(start=JANUARY, end=JUNE_END), datetime.date(2025, 11, 20))
    december = datetime.date(2025, 12, 1)
    PlanItemFactory(
        plan=plan,
        department=departments["dev"],
        month=december,
        start=december,
        due=datetime.date(2026, 1, 20),
    )
    data = timeline(plan)
    assert data.months[0] == december and data.months[-1] == datetime.date(2026, 6, 1)
    [bar] = [bar for row in data.rows for bar in row.bars]
    assert (bar.column_start, bar.column_end) == (1, 3)  # December through January


def test_months_the_plan_does_not_own_are_not_shown(departments):
    # Dates far outside the owned months (the plan was entered in 2026) stretch no column.
    plan = PlanFactory(start=JANUARY, end=JUNE_END)
    PlanItemFactory(
        plan=plan,
        department=departments["dev"],
        month=datetime.date(2026, 7, 1),
        start=datetime.date(2025, 3, 1),
        due=datetime.date(2027, 9, 30),
    )
    data = timeline(plan)
    assert (data.months[0], data.months[-1]) == (JANUARY, datetime.date(2026, 7, 1))
    [bar] = [bar for row in data.rows for bar in row.bars]
    assert (bar.column_start, bar.column_end) == (1, 8)


def test_a_36_month_plan_with_a_follow_up_item_shows_a_window_of_36_months(departments):
    plan = PlanFactory(start=JANUARY, end=datetime.date(2028, 12, 31))
    follow_up = datetime.date(2029, 1, 1)
    PlanItemFactory(
        plan=plan, department=departments["dev"], month=follow_up, start=follow_up, due=follow_up
    )
    data = timeline(plan, on_date=datetime.date(2028, 12, 15))
    assert data.truncated and len(data.months) == TIMELINE_MONTHS
    assert data.months[-1] == follow_up


def test_the_timeline_page_shows_the_follow_up_month(client_for, sales_member, departments):
    plan = PlanFactory(start=JANUARY, end=JUNE_END)
    july = datetime.date(2026, 7, 1)
    PlanItemFactory(
        plan=plan,
        department=departments["dev"],
        month=july,
        start=july,
        due=july,
        title="Carried: fix the pilot's findings",
    )
    response = client_for(sales_member).get(reverse("goals:timeline"), {"plan": plan.pk})
    assert response.status_code == 200
    assert response.context["timeline"].months[-1] == july
    html = response.content.decode()
    assert '<div class="tl-month">2026-07</div>' in html
    assert "Carried: fix the pilot" in html


def test_the_plan_document_names_preparation_and_follow_up_items_by_their_month(
    client_for, pm, departments
):
    plan = _created_on(PlanFactory(start=JANUARY, end=JUNE_END), datetime.date(2025, 11, 20))
    december, july = datetime.date(2025, 12, 1), datetime.date(2026, 7, 1)
    for title, month in [("Hire the team", december), ("Launch review", july)]:
        PlanItemFactory(
            plan=plan,
            department=departments["dev"],
            title=title,
            month=month,
            start=month,
            due=month.replace(day=20),
        )
    PlanItemFactory(
        plan=plan,
        department=departments["dev"],
        title="Build",
        month=JANUARY,
        start=JANUARY,
        due=JANUARY.replace(day=20),
    )
    client = client_for(pm)
    html = client.get(reverse("plan_document", args=[plan.pk])).content.decode()
    assert "Preparation (2025-12): Hire the team" in html
    assert "Follow-up (2026-07): Launch review" in html
    assert "Month 1: Build" in html
    markdown = client.get(reverse("plan_document_markdown", args=[plan.pk])).content.decode()
    assert "- Preparation (2025-12): Hire the team" in markdown
    pm.profile.language = "zh-hans"
    pm.profile.save()
    chinese = client_for(pm).get(reverse("plan_document", args=[plan.pk])).content.decode()
    assert "准备期（2025-12）" in chinese and "跟进期（2026-07）" in chinese
