"""Login throttling with django-axes (docs/architecture.md "Login throttling"): 10 failed
logins for one user name, or 30 from one address, lock it out for the 15-minute cool-off, the
right password too, with a page saying when to retry; a PM or an admin unlocks at once."""

import datetime
import json
import os
import subprocess
import sys
import zoneinfo
from pathlib import Path

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from planbridge import periods

from .lockouts import ADDRESS, LOGIN, attempt_rows, fail, log_in

ROOT = Path(__file__).resolve().parents[2]
PAGE = reverse("login_lockouts")
UNLOCK = reverse("login_lockout_lift")
OTHER_ADDRESS = "198.51.100.20"
# Every request of a logged-in client: session, user, profile (language), and the
# navigation's PM-group, membership and asks-to-us look-ups.
REQUEST_OVERHEAD = 6


def _logged_in(client: Client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def _later(minutes: float):
    """The clock moved `minutes` on from now (and standing there)."""
    return time_machine.travel(timezone.now() + datetime.timedelta(minutes=minutes), tick=False)


def _message(response) -> str:
    return response.content.decode()


# The thresholds


def test_nine_wrong_passwords_then_the_right_one_logs_in(anon, sales_member):
    fail(anon, "sid.sales", 9)

    response = log_in(anon, "sid.sales")

    assert response.status_code == 302
    assert _logged_in(anon, sales_member)


def test_the_tenth_wrong_password_locks_the_user_name_out(anon, sales_member):
    fail(anon, "sid.sales", 9)

    response = log_in(anon, "sid.sales", "still wrong")

    assert response.status_code == 429
    assert "Too many failed logins" in _message(response)


def test_during_a_lockout_the_right_password_is_refused_with_when_to_retry(anon, sales_member):
    fail(anon, "sid.sales", 10)

    response = log_in(anon, "sid.sales")

    assert response.status_code == 429
    page = _message(response)
    assert "Try again from" in page and "(in 15 minutes)" in page
    assert int(response["Retry-After"]) in range(14 * 60, 15 * 60 + 1)
    # The login page again, not axes' plain text: the form is there to try later.
    assert 'name="password"' in page and 'value="sid.sales"' in page
    assert not _logged_in(anon, sales_member)


def test_a_locked_user_name_is_refused_from_every_address(anon, sales_member):
    fail(anon, "sid.sales", 10)

    response = log_in(Client(), "sid.sales", address=OTHER_ADDRESS)

    assert response.status_code == 429


def test_other_people_log_in_from_the_same_address_while_one_user_name_is_locked(
    anon, sales_member, dev_member
):
    fail(anon, "sid.sales", 10)

    response = log_in(Client(), "devon.dev")

    assert response.status_code == 302


def test_the_message_says_the_time_in_the_time_zone_rounded_up_to_the_minute(anon, sales_member):
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    moment = datetime.datetime.combine(periods.today(), datetime.time(10, 0, 30), tzinfo=zone)
    with time_machine.travel(moment, tick=False):
        fail(anon, "sid.sales", 10)
        page = _message(log_in(anon, "sid.sales"))

    # Locked until 10:15:30; from 10:16 the login is accepted.
    assert f"Try again from 10:16 {moment.tzname()} (in 15 minutes)." in page


def test_the_message_is_translated(sales_member):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    fail(client, "sid.sales", 10)

    page = _message(log_in(client, "sid.sales"))

    assert "登录失败次数过多" in page
    assert "Too many failed logins" not in page


def test_thirty_failures_from_one_address_over_different_user_names_lock_the_address(
    anon, sales_member
):
    for n in range(29):
        assert log_in(anon, f"guess{n}", "wrong").status_code == 200

    assert log_in(anon, "guess29", "wrong").status_code == 429
    assert log_in(Client(), "sid.sales").status_code == 429
    # The address is locked, not the user name.
    assert log_in(Client(), "sid.sales", address=OTHER_ADDRESS).status_code == 302


def test_a_success_clears_the_failures_of_its_user_name(anon, sales_member):
    fail(anon, "sid.sales", 9)
    assert log_in(anon, "sid.sales").status_code == 302

    again = Client()
    for _ in range(9):
        assert log_in(again, "sid.sales", "wrong").status_code == 200
    assert log_in(again, "sid.sales").status_code == 302


def test_a_success_does_not_clear_the_address_s_failures_at_other_user_names(anon, sales_member):
    for n in range(29):
        log_in(anon, f"guess{n}", "wrong")
    assert log_in(Client(), "sid.sales").status_code == 302

    assert log_in(anon, "guess29", "wrong").status_code == 429


# The cool-off


def test_fifteen_minutes_after_the_last_failure_the_login_works_again(anon, sales_member):
    fail(anon, "sid.sales", 10)

    with _later(14):
        assert log_in(Client(), "sid.sales").status_code == 429
    with _later(15.1):
        response = log_in(anon, "sid.sales")

    assert response.status_code == 302
    assert _logged_in(anon, sales_member)


def test_refused_attempts_during_a_lockout_do_not_make_it_longer(anon, sales_member):
    fail(anon, "sid.sales", 10)
    with _later(10):
        fail(anon, "sid.sales", 5)

    with _later(15.1):
        assert log_in(anon, "sid.sales").status_code == 302


def test_an_address_lockout_also_ends_after_the_cool_off(anon, sales_member):
    for n in range(30):
        log_in(anon, f"guess{n}", "wrong")

    with _later(15.1):
        assert log_in(anon, "sid.sales").status_code == 302


def test_an_address_lockout_ends_when_its_oldest_failures_cool_off_and_says_so(anon, sales_member):
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    start = datetime.datetime.combine(periods.today(), datetime.time(11, 0), tzinfo=zone)
    with time_machine.travel(start, tick=False):
        log_in(anon, "guess-first", "wrong")
    with time_machine.travel(start + datetime.timedelta(minutes=10), tick=False):
        for n in range(29):
            log_in(anon, f"guess{n}", "wrong")
        page = _message(log_in(anon, "sid.sales"))
    # 30 failures count until the first one cools off at 11:15; then only 29 do.
    assert f"Try again from 11:16 {start.tzname()} (in 5 minutes)." in page
    with time_machine.travel(start + datetime.timedelta(minutes=15, seconds=1), tick=False):
        assert log_in(anon, "sid.sales").status_code == 302


def test_axes_takes_now_from_django_s_clock(anon, sales_member):
    # The attempt rows carry the moment time-machine set, so the cool-off follows it.
    moment = timezone.now() - datetime.timedelta(days=3)
    with time_machine.travel(moment, tick=False):
        fail(anon, "sid.sales", 1)
    assert AccessAttempt.objects.get().attempt_time == moment


# Unlocking


def test_a_pm_unlocks_a_user_name_and_its_login_works_at_once(anon, client_for, pm, sales_member):
    fail(anon, "sid.sales", 10)

    response = client_for(pm).post(UNLOCK, {"kind": "username", "value": "sid.sales"})

    assert response.status_code == 302 and response["Location"] == PAGE
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "sid.sales is unlocked: its next login is accepted."
    ]
    assert log_in(anon, "sid.sales").status_code == 302


def test_a_pm_unlocks_an_address(anon, client_for, pm, sales_member):
    for n in range(30):
        log_in(anon, f"guess{n}", "wrong")

    client_for(pm).post(UNLOCK, {"kind": "ip_address", "value": ADDRESS})

    assert log_in(anon, "sid.sales").status_code == 302


def test_a_coordinator_cannot_unlock(anon, client_for, dev_coordinator, sales_member):
    fail(anon, "sid.sales", 10)
    rows = list(AccessAttempt.objects.values_list("pk", "failures_since_start"))
    client = client_for(dev_coordinator)

    assert client.get(PAGE).status_code == 403
    response = client.post(UNLOCK, {"kind": "username", "value": "sid.sales"})

    assert response.status_code == 403
    assert "Only project managers and administrators can unlock logins." in _message(response)
    assert list(AccessAttempt.objects.values_list("pk", "failures_since_start")) == rows
    assert log_in(anon, "sid.sales").status_code == 429


def test_an_anonymous_visitor_is_sent_to_login(anon):
    for response in (anon.get(PAGE), anon.post(UNLOCK, {"kind": "username", "value": "x"})):
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)


# The lockouts page


def test_the_page_lists_each_lockout_with_failures_and_until_when(
    anon, client_for, pm, sales_member
):
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    moment = datetime.datetime.combine(periods.today(), datetime.time(9, 0), tzinfo=zone)
    with time_machine.travel(moment, tick=False):
        fail(anon, "sid.sales", 10)
        for n in range(30):
            log_in(anon, f"guess{n}", "wrong", address=OTHER_ADDRESS)
        page = client_for(pm).get(PAGE).content.decode()

    table = page[page.index('data-testid="login-lockouts"') :]
    assert "<strong>sid.sales</strong>" in table and ADDRESS in table
    assert f"<strong>{OTHER_ADDRESS}</strong>" in table and "30 user names tried" in table
    assert "<td>10</td>" in table and "<td>30</td>" in table
    # Locked until 09:15:00 exactly (still refused then), so accepted from 09:16.
    until = (moment + datetime.timedelta(minutes=16)).strftime("%Y-%m-%d %H:%M")
    assert table.count(until) == 2
    assert table.count('name="kind" value="username"') == 1
    assert table.count('name="kind" value="ip_address"') == 1


def test_a_failure_short_of_the_limit_is_no_lockout(anon, client_for, pm, sales_member):
    fail(anon, "sid.sales", 9)

    page = client_for(pm).get(PAGE).content.decode()

    assert "No user name or address is locked out now." in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "username", "value": "nobody"}, "There is no such lockout now"),
        ({"kind": "username", "value": "sid.sales "}, "There is no such lockout now"),
        ({"kind": "ip_address", "value": "not an address"}, "There is no such lockout now"),
        ({"kind": "ip_address", "value": ""}, "Unknown lockout."),
        ({"kind": "everything", "value": "sid.sales"}, "Unknown lockout."),
        ({"kind": "username", "value": "sid\x00.sales"}, "Unknown lockout."),
        ({"kind": "username", "value": "x" * 300}, "Unknown lockout."),
        ({}, "Unknown lockout."),
    ],
)
def test_an_unknown_lockout_is_refused_with_a_message_and_nothing_changes(
    anon, client_for, pm, sales_member, data, message
):
    fail(anon, "sid.sales", 10)
    rows = list(AccessAttempt.objects.values_list("pk", "failures_since_start"))

    response = client_for(pm).post(UNLOCK, data)

    assert response.status_code == 302 and response["Location"] == PAGE
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(messages) == 1 and messages[0].startswith(message)
    assert list(AccessAttempt.objects.values_list("pk", "failures_since_start")) == rows
    assert log_in(anon, "sid.sales").status_code == 429


@pytest.fixture(params=[2, 60], ids=["2-lockouts", "60-lockouts"])
def many_lockouts(request, db):
    """N user names locked from N addresses each, and N addresses locked over 30 names."""
    count = request.param
    attempt_rows([(f"locked{n}", f"10.{n}.0.{k}") for n in range(count) for k in range(10)])
    attempt_rows([(f"guess{n}-{k}", f"192.0.2.{n + 1}") for n in range(count) for k in range(30)])
    return count


def test_the_lockouts_page_runs_a_bounded_number_of_queries(
    client_for, pm, many_lockouts, django_assert_max_num_queries
):
    client = client_for(pm)
    # the locked user names, the locked addresses, and their attempt rows.
    with django_assert_max_num_queries(REQUEST_OVERHEAD + 3):
        response = client.get(PAGE)
    assert response.status_code == 200
    assert response.content.decode().count(">Unlock</button>") == 2 * many_lockouts


# Where it shows


def test_the_user_menu_offers_the_page_to_pms_only(client_for, pm, dev_coordinator):
    assert f'href="{PAGE}"' in client_for(pm).get(reverse("dashboard")).content.decode()
    assert f'href="{PAGE}"' not in (
        client_for(dev_coordinator).get(reverse("dashboard")).content.decode()
    )


@pytest.mark.parametrize("model", ["accessattempt", "accesslog", "accessfailurelog"])
def test_a_superuser_opens_the_admin_s_axes_pages(admin_client, anon, model):
    fail(anon, "someone", 3)
    assert admin_client.get(reverse(f"admin:axes_{model}_changelist")).status_code == 200


# The client's address


def test_by_default_the_address_is_remote_addr_whatever_x_forwarded_for_says(anon):
    anon.post(
        LOGIN,
        {"username": "someone", "password": "wrong"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.50",
    )
    assert AccessAttempt.objects.get().ip_address == "10.0.0.2"


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "address"),
    [
        (1, "203.0.113.50", "203.0.113.50"),
        # A client's own header entries stand left of what the proxies appended.
        (1, "1.2.3.4, 203.0.113.50", "203.0.113.50"),
        (2, "1.2.3.4, 203.0.113.50, 10.0.0.9", "203.0.113.50"),
    ],
)
def test_behind_trusted_proxies_the_address_is_the_one_the_outermost_appended(
    anon, settings, proxies, forwarded_for, address
):
    # What planbridge/settings.py sets for PLANBRIDGE_TRUSTED_PROXIES=proxies (checked below).
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR",)
    settings.AXES_IPWARE_PROXY_COUNT = proxies - 1
    settings.IPWARE_STRICT = False
    anon.post(
        LOGIN,
        {"username": "someone", "password": "wrong"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )
    assert AccessAttempt.objects.get().ip_address == address


PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({name: getattr(settings, name, None) for name in (
    "AXES_IPWARE_META_PRECEDENCE_ORDER", "AXES_IPWARE_PROXY_COUNT", "IPWARE_STRICT",
    "AXES_FAILURE_LIMIT", "PLANBRIDGE_LOGIN_FAILURES_PER_ADDRESS",
)} | {"cool_off": settings.AXES_COOLOFF_TIME.total_seconds()}))
"""


def _settings_with(tmp_path, **variables) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "DEBUG"}
    env.update(SECRET_KEY="x", PLANBRIDGE_VAR_DIR=str(tmp_path), **variables)
    env["DJANGO_SETTINGS_MODULE"] = "planbridge.settings"
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_the_thresholds_cool_off_and_proxies_come_from_the_environment(tmp_path):
    result = _settings_with(
        tmp_path,
        PLANBRIDGE_LOGIN_FAILURES_PER_USERNAME="5",
        PLANBRIDGE_LOGIN_FAILURES_PER_ADDRESS="50",
        PLANBRIDGE_LOGIN_COOLOFF_MINUTES="30",
        PLANBRIDGE_TRUSTED_PROXIES="2",
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found == {
        "AXES_IPWARE_META_PRECEDENCE_ORDER": ["HTTP_X_FORWARDED_FOR"],
        "AXES_IPWARE_PROXY_COUNT": 1,
        "IPWARE_STRICT": False,
        "AXES_FAILURE_LIMIT": 5,
        "PLANBRIDGE_LOGIN_FAILURES_PER_ADDRESS": 50,
        "cool_off": 1800.0,
    }


def test_the_defaults_trust_no_proxy_header(tmp_path):
    result = _settings_with(tmp_path)
    found = json.loads(result.stdout)
    assert found["AXES_IPWARE_META_PRECEDENCE_ORDER"] == ["REMOTE_ADDR"]
    assert (found["AXES_FAILURE_LIMIT"], found["PLANBRIDGE_LOGIN_FAILURES_PER_ADDRESS"]) == (10, 30)
    assert found["cool_off"] == 15 * 60


@pytest.mark.parametrize(
    "variables",
    [
        {"PLANBRIDGE_LOGIN_FAILURES_PER_USERNAME": "0"},
        {"PLANBRIDGE_LOGIN_FAILURES_PER_ADDRESS": "many"},
        {"PLANBRIDGE_LOGIN_COOLOFF_MINUTES": "-5"},
        {"PLANBRIDGE_TRUSTED_PROXIES": "yes"},
    ],
)
def test_a_bad_value_stops_the_start_naming_the_variable(tmp_path, variables):
    result = _settings_with(tmp_path, **variables)
    assert result.returncode != 0
    assert next(iter(variables)) in result.stderr
