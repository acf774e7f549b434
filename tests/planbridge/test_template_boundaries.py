"""Templates of an app name no other app's URLs or templates (docs/architecture.md "Apps and
the one-way rule"): a link into another app comes from the view or from the core's registry
(planbridge/registry.py), and a piece of another app's page is a registered panel or
section. Including another app's template is allowed only in the direction imports may go."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

TEMPLATES = Path(settings.BASE_DIR) / "templates"
APPS = ("planbridge", "goals", "meetings", "reviews")
# Whose templates an app's templates may include: the one-way rule of the imports.
MAY_INCLUDE = {
    "planbridge": set(),
    "goals": {"planbridge"},
    "meetings": {"goals", "planbridge"},
    "reviews": {"meetings", "goals", "planbridge"},
}
URL_TAG = re.compile(r"""\{%\s*url\s+["'](?P<namespace>\w+):""")
INCLUDE_TAG = re.compile(r"""\{%\s*(?:include|extends)\s+["'](?P<folder>\w+)/""")
# The project's own top-level templates (base.html and the error pages) are the core's.
SHARED = {
    "base.html",
    "_pagination.html",
    "400.html",
    "403.html",
    "403_csrf.html",
    "404.html",
    "500.html",
}


def _templates_of(app: str, root: Path) -> list[Path]:
    found = [path for path in (root / app).rglob("*") if path.is_file()]
    if app == "planbridge":
        found += [root / name for name in SHARED if (root / name).exists()]
    return sorted(found)


def _crossings(app: str, root: Path = TEMPLATES) -> list[str]:
    crossings = []
    for path in _templates_of(app, root):
        text = path.read_text(encoding="utf-8")
        for match in URL_TAG.finditer(text):
            if match["namespace"] != app and match["namespace"] in APPS:
                crossings.append(f"{path.relative_to(root)} names {match.group(0)}…")
        for match in INCLUDE_TAG.finditer(text):
            folder = match["folder"]
            if folder != app and folder in APPS and folder not in MAY_INCLUDE[app]:
                crossings.append(f"{path.relative_to(root)} includes {match.group(0)}…")
    return crossings


@pytest.mark.parametrize("app", APPS)
def test_an_apps_templates_name_no_other_apps_urls(app):
    assert _crossings(app) == []


def test_the_scan_sees_a_crossing(tmp_path):
    (tmp_path / "goals").mkdir()
    (tmp_path / "goals" / "page.html").write_text(
        "<a href=\"{% url 'reviews:finding_detail' 1 %}\"></a>{% url 'goals:goal_list' %}"
        '{% include "reviews/_x.html" %}{% include "planbridge/_y.html" %}'
    )
    assert len(_crossings("goals", tmp_path)) == 2


@pytest.mark.django_db
def test_the_navigation_and_user_menu_come_from_the_apps_registrations(pm):
    page = Client()
    page.force_login(pm)
    response = page.get(reverse("dashboard"))
    keys = [item["key"] for item in response.context["nav_items"]]
    assert keys == ["my_work", "dashboard", "plans", "goals", "weekly", "reviews"]
    assert [item["active"] for item in response.context["nav_items"]] == [
        False,
        True,
        False,
        False,
        False,
        False,
    ]
    menu = response.context["user_menu_items"]
    assert [(item["key"], item["url"]) for item in menu] == [
        ("my_digest", reverse("reviews:my_digest")),
        ("chat_robots", reverse("robots:index")),
        ("login_lockouts", reverse("login_lockouts")),
    ]
    assert f'href="{reverse("reviews:my_digest")}"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "current"),
    [
        ("plan_list", "plans"),
        ("goals:goal_list", "goals"),
        ("meetings:this_week", "weekly"),
        ("reviews:review_list", "reviews"),
    ],
)
def test_the_current_section_is_marked(pm, url_name, current):
    page = Client()
    page.force_login(pm)
    items = page.get(reverse(url_name)).context["nav_items"]
    assert [item["key"] for item in items if item["active"]] == [current]


@pytest.mark.django_db
def test_only_staff_see_the_administration_link(pm, dev_coordinator):
    admin_link = f'href="{reverse("admin:index")}"'
    pm.is_staff = True
    pm.save(update_fields=["is_staff"])
    for user, shown in ((pm, True), (dev_coordinator, False)):
        page = Client()
        page.force_login(user)
        assert (admin_link in page.get(reverse("dashboard")).content.decode()) is shown
