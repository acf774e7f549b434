"""The 400, 403, 404 and 500 pages: in the site's layout, in the user's language, saying what
happened and what to do next (and, for 403, who may do what was refused)."""

import ast
import html
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied
from django.template import loader
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views import defaults

from planbridge.models import Profile
from tests.reviews.factories import FindingFactory

REPO = Path(django_settings.BASE_DIR)


@pytest.fixture(autouse=True)
def _production_error_handling(settings):
    # With DEBUG on Django shows its technical pages instead of the templates under test.
    settings.DEBUG = False


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _speaks_chinese(user):
    Profile.objects.filter(user=user).update(language="zh-hans")
    return user


def _assert_site_navigation(page: str):
    assert 'data-testid="main-nav"' in page
    assert 'href="/goals/"' in page and 'href="/reviews/"' in page


# ---------------------------------------------------------------------------------- 403


def test_a_member_opening_new_goal_is_told_who_may_create_goals(client_for, dev_member):
    response = client_for(dev_member).get(reverse("goals:goal_create"))
    assert response.status_code == 403
    page = _text(response)
    _assert_site_navigation(page)
    assert "You are not allowed to do this" in page
    assert "Only project managers and the department's coordinators can create goals." in page
    assert 'lang="en"' in page


def test_a_chinese_speaking_member_gets_the_403_page_in_chinese(client_for, dev_member):
    response = client_for(_speaks_chinese(dev_member)).get(reverse("goals:goal_create"))
    assert response.status_code == 403
    page = _text(response)
    _assert_site_navigation(page)
    assert "目标" in page and "复盘" in page  # the navigation itself is translated
    assert "您无权进行此操作" in page
    assert "只有项目经理和该部门的协调人可以创建目标。" in page
    assert 'lang="zh-hans"' in page


def test_a_refusal_raised_by_a_service_shows_the_services_words(client_for, sales_member, pm):
    finding = FindingFactory(review__facilitator=pm)
    response = client_for(sales_member).post(reverse("reviews:finding_delete", args=[finding.pk]))
    assert response.status_code == 403
    page = _text(response)
    _assert_site_navigation(page)
    assert "Only project managers can delete findings." in page


def test_a_refusal_without_a_message_gets_the_general_sentence(db, dev_member):
    request = RequestFactory().get("/somewhere/")
    request.user = dev_member
    response = defaults.permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    page = html.unescape(response.content.decode())
    assert "This page or action is kept for particular roles" in page
    assert "project managers, a department's coordinators or the owner of the item" in page


def test_a_form_sent_without_its_csrf_token_gets_the_sites_page_in_the_users_language(
    dev_member,
):
    # Django's own page for it has an inline style, which the Content-Security-Policy refuses.
    client = Client(enforce_csrf_checks=True)
    client.force_login(dev_member)
    response = client.post(reverse("profile"), {})
    assert response.status_code == 403
    page = _text(response)
    _assert_site_navigation(page)
    assert "The form could not be sent" in page
    assert "Go back, reload the page and send the form again." in page
    _speaks_chinese(dev_member)
    assert "表单无法提交" in _text(client.post(reverse("profile"), {}))


def _bare_permission_denied_raises(path: Path) -> list[int]:
    """Lines of `raise PermissionDenied` / `raise PermissionDenied()` with no message."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if not isinstance(node, ast.Raise) or node.exc is None:
            continue
        exc = node.exc
        if isinstance(exc, ast.Call) and not (exc.args or exc.keywords):
            exc = exc.func
        if isinstance(exc, ast.Name) and exc.id == "PermissionDenied":
            lines.append(node.lineno)
    return lines


def test_every_refusal_in_the_views_says_who_may_do_it():
    view_modules = [
        *REPO.glob("goals/views/*.py"),
        *REPO.glob("meetings/views/*.py"),
        *REPO.glob("reviews/views/*.py"),
        REPO / "reviews" / "digest_views.py",
        *(path for path in REPO.glob("planbridge/*.py") if path.name != "settings.py"),
    ]
    assert len(view_modules) > 10  # the globs found the packages
    bare = {
        str(path.relative_to(REPO)): lines
        for path in view_modules
        if (lines := _bare_permission_denied_raises(path))
    }
    assert bare == {}


# ---------------------------------------------------------------------------------- 404


@pytest.mark.parametrize(
    "url", ["/no-such-page/", "/goals/999999/", "/reviews/findings/999999/"], ids=str
)
def test_a_missing_page_or_item_gets_the_404_page_with_the_navigation(client_for, dev_member, url):
    response = client_for(dev_member).get(url)
    assert response.status_code == 404
    page = _text(response)
    _assert_site_navigation(page)
    assert "Page not found" in page
    assert "The page or item you asked for does not exist or was removed." in page
    assert f'<code class="text-break">{url}</code>' in page
    assert 'href="/"' in page  # the way back: the dashboard


@pytest.mark.parametrize("url", ["/no-such-page/", "/goals/999999/"], ids=str)
def test_the_404_page_follows_the_users_language(client_for, dev_member, url):
    response = client_for(_speaks_chinese(dev_member)).get(url)
    assert response.status_code == 404
    page = _text(response)
    _assert_site_navigation(page)
    assert "页面不存在" in page
    assert "您要访问的页面或条目不存在，或已被删除。" in page
    assert "前往仪表板" in page


def test_an_anonymous_visitor_gets_the_404_page_in_the_cookies_language_with_a_login_link(anon):
    anon.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    response = anon.get("/no-such-page/")
    assert response.status_code == 404
    page = _text(response)
    assert "您要访问的页面或条目不存在，或已被删除。" in page
    assert 'data-testid="main-nav"' not in page  # the navigation is for people logged in
    assert f'href="{reverse("login")}"' in page


# ---------------------------------------------------------------------------------- 500


@pytest.fixture
def crashing_goal_list(monkeypatch):
    """The goal list fails as an unexpected bug would (only to provoke the 500 page)."""

    def crash(**kwargs):
        raise RuntimeError("a bug in the goal list")

    monkeypatch.setattr("goals.selectors.goal_rows_page", crash)
    return reverse("goals:goal_list")


def _client_that_gets_500s(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_a_crashing_page_gets_the_500_page(crashing_goal_list, dev_member):
    response = _client_that_gets_500s(dev_member).get(crashing_goal_list)
    assert response.status_code == 500
    page = _text(response)
    assert "Something went wrong on our side" in page
    assert "Try again in a minute." in page
    assert ">PlanBridge</a>" in page
    assert 'href="/"' in page and 'href="/login/"' in page
    assert "a bug in the goal list" not in page  # nothing of the error leaks out


def test_the_500_page_follows_the_users_language(crashing_goal_list, dev_member):
    response = _client_that_gets_500s(_speaks_chinese(dev_member)).get(crashing_goal_list)
    assert response.status_code == 500
    page = _text(response)
    assert "系统出了点问题" in page
    assert "请稍等片刻再试。" in page
    assert 'lang="zh-hans"' in page


def test_the_500_template_renders_with_an_empty_context_and_no_database(settings):
    # No `db` fixture: a query would fail the test. A manifest storage with no manifest
    # makes any static tag raise, as on a server where collectstatic did not run.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    settings.STATIC_ROOT = "/nonexistent-static-root"
    for language, heading in [
        ("en", "Something went wrong on our side"),
        ("zh-hans", "系统出了点问题"),
    ]:
        with translation.override(language):
            page = loader.get_template("500.html").render()
        assert heading in page
        assert 'href="/"' in page and 'href="/login/"' in page
        assert f'lang="{language}"' in page


def test_the_500_page_still_renders_when_the_url_names_are_gone(settings):
    settings.ROOT_URLCONF = "tests.planbridge.empty_urls"
    response = defaults.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = html.unescape(response.content.decode())
    assert "Something went wrong on our side" in page
    assert 'href="/"' in page and 'href="/login/"' in page  # the fallbacks


# ---------------------------------------------------------------------------------- 400


def test_a_request_for_a_foreign_host_gets_the_400_page(db):
    response = Client().get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    page = _text(response)
    assert "The request could not be understood" in page
    assert "Go back, reload the page and try again." in page
    assert ">PlanBridge</a>" in page


def test_the_400_page_follows_the_cookies_language(db):
    client = Client()
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "无法理解该请求" in _text(response)
