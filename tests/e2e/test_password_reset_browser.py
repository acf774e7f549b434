"""A person who forgot their password sets a new one in the browser: from the login page's
link, through the e-mailed link (read from the outbox), to logging in with the new password;
the pages load their icon and break no Content-Security-Policy rule (the `page` fixture)."""

import re

import pytest

from planbridge.models import OutboxMessage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "a-new-and-long-passphrase-42"


def test_a_forgotten_password_is_reset_through_the_mailed_link(page, live_server, settings):
    settings.SITE_URL = live_server.url
    UserFactory(username="dana.dev", first_name="Dana", email="dana@example.test")
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)

    page.goto("/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill("dana@example.test")
    page.get_by_role("button", name="Send the link").click()
    page.get_by_role("heading", name="Check your e-mail").wait_for()

    text = OutboxMessage.objects.get(kind="password_reset").text
    link = re.search(re.escape(live_server.url) + r"/password/reset/\S+/", text).group()
    page.goto(link)
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set the password").click()
    page.get_by_role("heading", name="Password set").wait_for()

    page.get_by_role("link", name="Log in").last.click()
    page.get_by_label("Username").fill("dana.dev")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    assert page.get_by_role("button", name="Dana").is_visible()
    assert missing == []
