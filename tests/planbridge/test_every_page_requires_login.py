"""Every page but login and the forgotten-password pages, static files and /favicon.ico,
/healthz, the language switch and the secret-token calendar feed requires login. URL patterns
are enumerated, not listed by hand, so a new page is covered the day it is added."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

PUBLIC = {
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "favicon",
    "healthz",
    "set_language",
    "meetings:calendar_feed",
}
SAMPLE_VALUES = {"int": "1", "str": "x", "slug": "x", "path": "x", "uuid": "0" * 32}


def all_routes(patterns=None, prefix="", namespace=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if str(entry.pattern).startswith("admin/"):
                continue
            child_namespace = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from all_routes(entry.url_patterns, prefix + str(entry.pattern), child_namespace)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", prefix + str(entry.pattern)


def concrete_path(route: str) -> str:
    path = re.sub(
        r"<(?:(\w+):)?\w+>", lambda match: SAMPLE_VALUES.get(match.group(1) or "str", "x"), route
    )
    return "/" + path.lstrip("^").rstrip("$")


ROUTES = sorted(set(all_routes()))


def test_the_enumeration_finds_the_apps_pages():
    names = {name for name, _route in ROUTES}
    assert {"dashboard", "plan_list", "goals:goal_list", "meetings:this_week"} <= names
    assert "reviews:review_list" in names


@pytest.mark.parametrize(("name", "route"), [r for r in ROUTES if r[0] not in PUBLIC])
def test_an_anonymous_visitor_is_sent_to_login(anon, name, route):
    response = anon.get(concrete_path(route))
    assert response.status_code == 302, name
    assert response["Location"].startswith("/login/"), name


@pytest.mark.parametrize(("name", "route"), [r for r in ROUTES if r[0] not in PUBLIC])
def test_an_anonymous_post_is_sent_to_login_too(anon, name, route):
    response = anon.post(concrete_path(route), {})
    assert response.status_code == 302, name
    assert response["Location"].startswith("/login/"), name
