"""Forgotten passwords (planbridge/password_reset.py): the login page links to the reset page,
which mails a link (through the outbox, to a real SMTP server here) that works once and for
settings.PASSWORD_RESET_TIMEOUT; the page answers the same for an address of no account."""

import datetime
import re

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from planbridge import password_reset
from planbridge.models import OutboxMessage, Profile
from tests.factories import UserFactory
from tests.planbridge.test_chinese_punctuation import half_width_next_to_chinese
from tests.smtp import Mailbox, SMTPServer

from .lockouts import fail, log_in

SITE = "https://planbridge.example.com"
RESET = reverse("password_reset")
NEW_PASSWORD = "a-new-and-long-passphrase-42"
# A reset request: the accounts of the address, the person's profile (the e-mail's language),
# the outbox row (savepoint, insert, release), then the send task's claim, read and outcome.
RESET_QUERIES = 8
LINK = re.compile(re.escape(SITE) + r"/password/reset/[\w-]+/[\w-]+/")


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def dana(dev_coordinator):
    dev_coordinator.email = "dana@example.test"
    dev_coordinator.save()
    return dev_coordinator


@pytest.fixture
def smtp(settings):
    with SMTPServer(Mailbox()) as server:
        server.settings_for(settings)
        yield server.mailbox


def _ask(client, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(RESET, {"email": email})


def _link(message) -> str:
    return LINK.search(message.get_content()).group()


def test_the_login_page_links_to_the_reset_page_which_works_anonymously(anon):
    login = anon.get(reverse("login")).content.decode()
    assert f'href="{RESET}"' in login and "Forgot your password?" in login
    page = anon.get(RESET)
    assert page.status_code == 200
    assert 'name="email"' in page.content.decode()


def test_a_reset_by_the_mailed_link_sets_the_password_and_logs_in(
    anon, dana, smtp, django_capture_on_commit_callbacks
):
    response = _ask(anon, "DANA@example.test", django_capture_on_commit_callbacks)

    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert (
        "The link works for 24 hours and only once."
        in anon.get(response["Location"]).content.decode()
    )
    [message] = smtp.messages
    assert message["To"] == "dana@example.test"
    assert message["Subject"] == "PlanBridge: set a new password"
    text = message.get_content()
    assert "Hello Dana," in text and "Your user name for logging in is dana.dev." in text
    assert OutboxMessage.objects.get(kind="password_reset", recipient=dana).state == "sent"
    assert mail.outbox == []

    link = _link(message)
    form_page = anon.get(link.removeprefix(SITE), follow=True)
    assert 'data-testid="password-reset-confirm-form"' in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = anon.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    assert anon.get(done["Location"]).status_code == 200

    assert log_in(anon, "dana.dev", NEW_PASSWORD)["Location"] == reverse("home")
    # The link is spent: the password it was made for has changed.
    again = anon.get(link.removeprefix(SITE), follow=True).content.decode()
    assert 'data-testid="password-reset-invalid"' in again


def test_an_expired_link_is_refused(anon, dana, smtp, settings, django_capture_on_commit_callbacks):
    # Both moments on time-machine's clock: Django's token reads the naive local time.
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _ask(anon, dana.email, django_capture_on_commit_callbacks)
    link = _link(smtp.messages[0]).removeprefix(SITE)
    with time_machine.travel(start + datetime.timedelta(hours=23), tick=False):
        assert 'name="new_password1"' in anon.get(link, follow=True).content.decode()
    late = start + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)

    with time_machine.travel(late, tick=False):
        page = anon.get(link, follow=True).content.decode()

    assert 'data-testid="password-reset-invalid"' in page
    assert "it has expired or has been used already" in page
    assert 'name="new_password1"' not in page
    dana.refresh_from_db()
    assert dana.check_password("correct-horse-battery")


def test_an_unknown_address_gets_the_same_page_and_nothing_is_sent(
    anon, dana, smtp, django_capture_on_commit_callbacks
):
    known = _ask(anon, dana.email, django_capture_on_commit_callbacks)
    unknown = _ask(anon, "nobody@example.test", django_capture_on_commit_callbacks)

    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert len(smtp.messages) == 1 and smtp.messages[0]["To"] == dana.email
    assert not OutboxMessage.objects.filter(address="nobody@example.test").exists()


def test_an_invalid_address_is_refused_with_a_message_and_nothing_sent(
    anon, dana, smtp, django_capture_on_commit_callbacks
):
    response = _ask(anon, "dana at example", django_capture_on_commit_callbacks)

    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert smtp.messages == [] and not OutboxMessage.objects.exists()


def test_a_mismatched_new_password_is_refused_and_the_old_one_kept(
    anon, dana, smtp, django_capture_on_commit_callbacks
):
    _ask(anon, dana.email, django_capture_on_commit_callbacks)
    form_page = anon.get(_link(smtp.messages[0]).removeprefix(SITE), follow=True)
    response = anon.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"},
    )
    assert response.status_code == 400
    assert "didn’t match" in response.content.decode()
    dana.refresh_from_db()
    assert dana.check_password("correct-horse-battery")


def test_a_chinese_reader_gets_the_reset_e_mail_and_pages_in_chinese(
    anon, dana, smtp, django_capture_on_commit_callbacks
):
    Profile.objects.update_or_create(user=dana, defaults={"language": "zh-hans"})
    _ask(anon, dana.email, django_capture_on_commit_callbacks)

    [message] = smtp.messages
    text = message.get_content()
    assert message["Subject"] == "PlanBridge：设置新密码"
    assert "该链接在 24 小时内有效，且只能使用一次。" in text
    assert half_width_next_to_chinese(text) == []
    anon.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "忘记密码？" in anon.get(reverse("login")).content.decode()
    assert "发送链接" in anon.get(RESET).content.decode()


def test_a_reset_lifts_the_lockout_of_the_user_name(
    anon, dana, smtp, settings, django_capture_on_commit_callbacks
):
    fail(anon, "dana.dev", settings.PLANBRIDGE_LOGIN_FAILURES_PER_USERNAME)
    assert log_in(anon, "dana.dev").status_code == 429

    _ask(anon, dana.email, django_capture_on_commit_callbacks)
    form_page = anon.get(_link(smtp.messages[0]).removeprefix(SITE), follow=True)
    anon.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert log_in(anon, "dana.dev", NEW_PASSWORD)["Location"] == reverse("home")


def test_asking_twice_within_the_window_mails_once(
    anon, dana, smtp, django_capture_on_commit_callbacks
):
    _ask(anon, dana.email, django_capture_on_commit_callbacks)
    second = _ask(anon, dana.email, django_capture_on_commit_callbacks)

    assert second["Location"] == reverse("password_reset_done")
    assert len(smtp.messages) == 1


@pytest.mark.parametrize("others", [2, 60])
def test_asking_for_a_reset_runs_the_same_queries_however_many_people_there_are(
    anon, dana, others, django_capture_on_commit_callbacks
):
    UserFactory.create_batch(others)
    with CaptureQueriesContext(connection) as queries:
        _ask(anon, "dana@example.test", django_capture_on_commit_callbacks)
    assert len(queries) == RESET_QUERIES


# The service, called directly ------------------------------------------------------------


def test_the_service_mails_nobody_without_an_address(dana):
    dana.email = ""
    assert password_reset.password_reset_mail_enqueue(user=dana, uid="MQ", token="t") is None
    assert not OutboxMessage.objects.exists()


def test_the_service_queues_one_mail_per_window_and_a_new_one_after_it(dana):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        first = password_reset.password_reset_mail_enqueue(user=dana, uid="MQ", token="t1")
        again = password_reset.password_reset_mail_enqueue(user=dana, uid="MQ", token="t2")
    with time_machine.travel(start + password_reset.MAIL_WINDOW, tick=False):
        later = password_reset.password_reset_mail_enqueue(user=dana, uid="MQ", token="t3")
    assert first is not None and again is None and later is not None
    assert f"{SITE}/password/reset/MQ/t1/" in first.text
    assert f"{SITE}/password/reset/MQ/t3/" in later.text


def test_the_outbox_admin_does_not_show_a_reset_link(admin_client, dana):
    message = password_reset.password_reset_mail_enqueue(user=dana, uid="MQ", token="secret-tok")
    page = admin_client.get(reverse("admin:planbridge_outboxmessage_change", args=[message.pk]))
    assert page.status_code == 200
    assert "secret-tok" not in page.content.decode()


# The favicon -----------------------------------------------------------------------------


def test_the_favicon_is_linked_from_every_page_and_served_at_favicon_ico(anon):
    login = anon.get(reverse("login")).content.decode()
    assert 'rel="icon" href="/static/favicon.svg" type="image/svg+xml"' in login
    assert 'href="/static/favicon.ico"' in login
    response = anon.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == "/static/favicon.ico"
    for name in ("favicon.svg", "favicon.ico", "apple-touch-icon.png"):
        assert finders.find(name), name
    with open(finders.find("favicon.ico"), "rb") as ico:
        assert ico.read(4) == b"\x00\x00\x01\x00"
