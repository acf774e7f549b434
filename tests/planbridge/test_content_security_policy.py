"""Every response carries the site's Content-Security-Policy (django-csp): scripts, styles,
fonts and requests from this site only, nothing inline, no eval. And nothing the site serves
needs more: no page, template or Python-built HTML has an inline script, a style element
or attribute, an on* handler or a javascript: address (docs/architecture.md
"Content-Security-Policy"). The browser side is tests/e2e/test_content_security_policy_browser.py.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from goals.selectors.timeline import TIMELINE_MONTHS
from tests.test_hostile_input import _dataset, _urls

REPO = Path(settings.BASE_DIR)
EXPECTED_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# Script types the browser does not run (json_script's data), so the policy has no say.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


def _policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


class _InlineFinder(HTMLParser):
    """What in a page the policy would refuse: inline scripts and styles, style attributes,
    event handler attributes and javascript: addresses."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        line = self.getpos()[0]
        script_type = (attributes.get("type") or "").lower()
        if tag == "script" and "src" not in attributes and script_type not in DATA_SCRIPT_TYPES:
            self.found.append(f"line {line}: an inline <script>")
        if tag == "style":
            self.found.append(f"line {line}: a <style> element")
        for name, value in attrs:
            if name == "style":
                self.found.append(f"line {line}: style={value!r} on <{tag}>")
            elif name.startswith(("on", "hx-on")):
                self.found.append(f"line {line}: a handler {name}= on <{tag}>")
            elif (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"line {line}: {name}={value!r} on <{tag}>")


def _inline_parts(response) -> list[str]:
    if not response.get("Content-Type", "").startswith("text/html"):
        return []
    finder = _InlineFinder()
    finder.feed(response.content.decode())
    return finder.found


def _check(response, problems: list[str], who: str, url: str) -> None:
    if _policy(response) != EXPECTED_POLICY:
        problems.append(f"{who} {url}: the policy is {_policy(response)}")
    problems.extend(
        f"{who} {url} ({response.status_code}): {part}" for part in _inline_parts(response)
    )


# ------------------------------------------------------------------------------- policy


def test_the_policy_allows_nothing_inline_no_eval_and_nothing_from_elsewhere(anon):
    policy = _policy(anon.get(reverse("login")))
    assert policy == EXPECTED_POLICY
    for directive in ("default-src", "script-src", "style-src"):
        for keyword in ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'"):
            assert keyword not in policy[directive], (directive, keyword)
    # No fallback directive loosens what script-src and style-src say.
    assert not {name for name in policy if name.startswith(("script-src-", "style-src-"))}


@pytest.fixture
def people(pm, dev_coordinator, marketing_coordinator, sales_coordinator, sales_member, dev_member):
    return {
        "pm": pm,
        "dev": dev_coordinator,
        "marketing": marketing_coordinator,
        "sales": sales_coordinator,
        "sales_member": sales_member,
        "dev_member": dev_member,
    }


def test_every_page_carries_the_policy_and_needs_nothing_inline(people, departments):
    # Every URL pattern outside the admin (the hostile-input test's enumeration, so a new page
    # is covered the day it is added), with ids of every department, as the PM, the
    # Development coordinator and an anonymous visitor.
    data = _dataset(people, departments)
    urls = _urls(data)
    clients = {"anon": Client(raise_request_exception=False)}
    for who in ("pm", "dev"):
        clients[who] = Client(raise_request_exception=False)
        clients[who].force_login(people[who])
    problems, pages = [], 0
    for url in urls:
        for who, client in clients.items():
            response = client.get(url)
            pages += response.get("Content-Type", "").startswith("text/html")
            _check(response, problems, who, url)
    assert pages > 100  # the pages were rendered, not only redirected
    assert not problems, "\n".join(problems)


def test_the_admin_carries_the_policy_and_needs_nothing_inline(admin_client, people, departments):
    _dataset(people, departments)
    problems = []
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls = [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_add")]
        row = model._default_manager.order_by("pk").first()
        if row is not None:
            urls += [
                reverse(f"{prefix}_change", args=[row.pk]),
                reverse(f"{prefix}_history", args=[row.pk]),
            ]
        for url in urls:
            response = admin_client.get(url)
            # 403: an add form the admin offers no one (django-axes' records).
            assert response.status_code in (200, 403), url
            _check(response, problems, "admin", url)
    _check(admin_client.get(reverse("admin:index")), problems, "admin", "/admin/")
    assert not problems, "\n".join(problems)


def test_the_history_page_lists_its_changes_without_the_style_attribute(admin_client, plan):
    plan.title = "Renamed"
    plan.save()
    response = admin_client.get(reverse("admin:planbridge_plan_history", args=[plan.pk]))
    page = response.content.decode()
    assert "Renamed" in page and 'class="paginator"' in page
    assert not _inline_parts(response)


@pytest.fixture
def crashing_goal_list(monkeypatch):
    def crash(**kwargs):
        raise RuntimeError("a bug in the goal list")

    monkeypatch.setattr("goals.selectors.goal_rows_page", crash)
    return reverse("goals:goal_list")


def test_the_error_pages_carry_the_policy_and_need_nothing_inline(
    client_for, dev_member, crashing_goal_list
):
    crashing = Client(raise_request_exception=False)
    crashing.force_login(dev_member)
    # CsrfViewMiddleware refuses before any view; Django's own page for it has a <style>.
    csrf_checking = Client(enforce_csrf_checks=True)
    csrf_checking.force_login(dev_member)
    responses = {
        "400 for a foreign host": Client().get("/", HTTP_HOST="evil.example"),
        "403": client_for(dev_member).get(reverse("goals:goal_create")),
        "403 for a form without its CSRF token": csrf_checking.post(reverse("profile"), {}),
        "404": client_for(dev_member).get("/no-such-page/"),
        "500": crashing.get(crashing_goal_list),
    }
    problems = []
    for what, response in responses.items():
        assert str(response.status_code) == what[:3], what
        _check(response, problems, "dev_member", what)
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------- the source

# Django's comments are not sent; a comment may name what it does without.
DJANGO_COMMENTS = re.compile(r"\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S)
INLINE_IN_MARKUP = {
    "an inline <script>": re.compile(r"<script\b(?![^>]*\bsrc=)", re.I),
    "a <style> element": re.compile(r"<style\b", re.I),
    "a style attribute": re.compile(r"\sstyle\s*=", re.I),
    "a handler attribute": re.compile(r"\s(?:hx-)?on[\w:-]*\s*=", re.I),
    "a javascript: address": re.compile(r"javascript:", re.I),
}


def _served_templates() -> list[Path]:
    """The HTML templates of the project and its apps. Not the emails' (a mail client, not
    the site, shows them, and mail clients want inline styles), nor the Markdown and text
    ones."""
    roots = [REPO / "templates"] + [
        Path(apps.get_app_config(app).path) / "templates"
        for app in ("planbridge", "goals", "meetings", "reviews")
    ]
    return sorted(
        path
        for root in roots
        if root.is_dir()
        for path in root.rglob("*.html")
        if "email" not in path.relative_to(root).parts
    )


def test_no_served_template_has_an_inline_script_style_or_handler():
    templates = _served_templates()
    assert len(templates) > 50
    assert REPO / "templates" / "base.html" in templates
    problems = []
    for path in templates:
        text = DJANGO_COMMENTS.sub("", path.read_text(encoding="utf-8"))
        for what, pattern in INLINE_IN_MARKUP.items():
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{path.relative_to(REPO)}:{line}: {what}")
    assert not problems, "\n".join(problems)


def test_the_scan_finds_what_the_policy_refuses():
    samples = {
        "an inline <script>": '<script>alert(1)</script><script src="/static/x.js"></script>',
        "a <style> element": "<style>p { color: red }</style>",
        "a style attribute": '<p style="color: red">',
        "a handler attribute": '<form onsubmit="return confirm()">',
        "a javascript: address": '<a href="javascript:void(0)">',
    }
    for what, sample in samples.items():
        found = [name for name, pattern in INLINE_IN_MARKUP.items() if pattern.search(sample)]
        assert what in found, (what, found)
    assert len(INLINE_IN_MARKUP["an inline <script>"].findall(samples["an inline <script>"])) == 1
    assert not any(
        pattern.search('<select data-autosubmit name="quarter">')
        for pattern in INLINE_IN_MARKUP.values()
    )


def test_no_python_module_builds_html_with_inline_styles_scripts_or_handlers():
    pattern = re.compile(r"""<script\b|<style\b|\sstyle\s*=\s*["'\\]|\son[a-z]+\s*=\s*["'\\]""")
    problems = []
    for app in ("planbridge", "goals", "meetings", "reviews"):
        for path in sorted(Path(apps.get_app_config(app).path).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if pattern.search(line):
                    problems.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert not problems, "\n".join(problems)


def test_the_copied_history_template_is_the_installed_one_without_its_style_attribute():
    import simple_history

    installed = (
        Path(simple_history.__file__).parent / "templates/simple_history/object_history_list.html"
    ).read_text(encoding="utf-8")
    ours = (REPO / "templates/simple_history/object_history_list.html").read_text(encoding="utf-8")
    header = re.match(r"\{% comment %\}.*?\{% endcomment %\}\n", ours, re.S)
    assert header, "the copy starts with a comment saying why it is there"
    assert ours[header.end() :] == installed.replace(' style="border-top: 0"', ""), (
        "django-simple-history changed its template: copy it again, without the style attribute"
    )


def test_the_timeline_stylesheet_has_a_class_for_every_column_it_can_show():
    css = (REPO / "goals/static/goals/timeline.css").read_text(encoding="utf-8")
    for months in range(1, TIMELINE_MONTHS + 1):
        assert f".tl-months-{months} {{ --months: {months}; }}" in css
        assert f".tl-from-{months} {{ grid-column-start: {months}; }}" in css
        assert f".tl-to-{months + 1} {{ grid-column-end: {months + 1}; }}" in css
