"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Use the `page` fixture and `login(page, live_server, username)`; the demo data comes from
the `demo` fixture (seed_demo), whose users all have the password planbridge.

Every page a test opens runs under the site's Content-Security-Policy, and the `page`
fixture fails the test when the browser reported a violation of it (an inline script or
style that slipped back in, a handler attribute, a resource from elsewhere): see
`csp_violations`.
"""

import contextlib
import io
import os

import pytest
from django.core.management import call_command

from tests.services import CHROMIUM_PATH

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
# test itself (fixtures, assertions) are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.requires_chromium)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


# Runs in every document before its own scripts: the browser's `securitypolicyviolation`
# events go to the test through a binding, which outlives the navigations a test makes.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__planbridgeCspViolation({
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    sample: event.sample,
    source: `${event.sourceFile}:${event.lineNumber}`,
    page: document.location.href,
  });
});
"""


def flush_browser_events(page) -> None:
    """Take in the events the browser sent until now: a round trip to the page returns
    after the console messages and binding calls that came before it."""
    from playwright.sync_api import Error

    if page.is_closed():
        return
    # A page in the middle of navigating has no context to evaluate in; it sent its events.
    with contextlib.suppress(Error):
        page.evaluate("0")


@pytest.fixture
def csp_violations():
    """What the browser refused under the Content-Security-Policy during the test: the
    events of the documents and Chromium's console messages about it. A test that provokes
    violations on purpose reads and clears this list."""
    return []


@pytest.fixture
def page(browser, live_server, csp_violations):
    context = browser.new_context(locale="en-US", base_url=live_server.url)
    context.set_default_timeout(15_000)
    context.expose_binding(
        "__planbridgeCspViolation", lambda source, event: csp_violations.append(event)
    )
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    # The console catches what no event reaches the binding for, e.g. a violation in the
    # moment the page is left.
    context.on(
        "console",
        lambda message: (
            csp_violations.append({"console": message.text})
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page = context.new_page()
    yield page
    flush_browser_events(page)
    context.close()
    if csp_violations:
        pytest.fail(
            "the browser reported Content-Security-Policy violations:\n"
            + "\n".join(map(str, csp_violations)),
            pytrace=False,
        )


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", "--lang", "en", stdout=io.StringIO())


def login(page, username: str, password: str = "planbridge") -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login/" not in url)
