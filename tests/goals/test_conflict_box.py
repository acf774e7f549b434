"""The version-conflict box of the goal and plan item edit forms shows the stored values as
the form beside it shows them (goals.forms.VersionedForm.stored_values): the owner by the
owner list's label, statuses and directions by their labels, months as the month picker
shows them and dates as the date picker holds them, in the user's language."""

import pytest
from django.urls import reverse

from .test_plan_item_pages import item_payload

GOAL_PAYLOAD = {
    "description": "",
    "metric": "Core functions done",
    "unit": "functions",
    "baseline": "0",
    "direction": "up",
    "target": "12",
    "start": "2026-01-01",
    "due": "2026-03-31",
}

# (language, labels and values the box shows after Pat's save)
ITEM_BOX = {
    "en": {
        "Owner": "Dana Dev",
        "Month": "June 2026",
        "Due": "2026-06-30",
        "Status": "In progress",
        "Plan": "New product launch",
        "Department": "Product Development",
    },
    "zh-hans": {
        "负责人": "Dana Dev",
        "月份": "2026年6月",
        "状态": "进行中",
        "计划": "New product launch",
    },
}
GOAL_BOX = {
    "en": {"Owner": "Dana Dev", "Due": "2026-06-30", "Direction": "Decrease to target"},
    "zh-hans": {"负责人": "Dana Dev", "截止": "2026-06-30", "方向": "降低到目标值"},
}


@pytest.fixture
def dana(dev_coordinator):
    dev_coordinator.last_name = "Dev"
    dev_coordinator.save(update_fields=["last_name"])
    return dev_coordinator


def _speaking(user, language):
    user.profile.language = language
    user.profile.save()
    return user


def _box(response):
    assert response.status_code == 409
    assert 'data-testid="version-conflict"' in response.content.decode()
    return {str(label).capitalize(): value for label, value in response.context["conflict"]}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_plan_item_conflict_box_shows_the_forms_display_values(
    client_for, pm, dana, dev_item, language
):
    url = reverse("goals:plan_item_edit", args=[dev_item.pk])
    stale = item_payload(dev_item)
    saved = {**stale, "owner": dana.pk, "month": "2026-06", "due": "2026-06-30"}
    assert client_for(pm).post(url, {**saved, "status": "in_progress"}).status_code == 302
    box = _box(client_for(_speaking(dana, language)).post(url, {**stale, "title": "Dana's"}))
    for label, value in ITEM_BOX[language].items():
        assert box[label.capitalize()] == value, (label, box)
    assert "dana.dev" not in box.values()
    assert box[next(iter(box))] == "New product launch"  # the form's first field, the plan


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_goal_conflict_box_shows_the_forms_display_values(
    client_for, pm, dana, dev_goal, language
):
    url = reverse("goals:goal_edit", args=[dev_goal.pk])
    stale = {
        **GOAL_PAYLOAD,
        "title": dev_goal.title,
        "department": dev_goal.department_id,
        "owner": dev_goal.owner_id,
        "objective": dev_goal.objective_id,
        "plan": dev_goal.plan_id,
        "version": dev_goal.version,
    }
    pats = {**stale, "owner": dana.pk, "due": "2026-06-30", "direction": "down"}
    assert client_for(pm).post(url, pats).status_code == 302
    box = _box(client_for(_speaking(dana, language)).post(url, {**stale, "target": "20"}))
    for label, value in GOAL_BOX[language].items():
        assert box[label.capitalize()] == value, (label, box)
    assert "dana.dev" not in box.values()
    assert "—" in box.values()  # the empty description
