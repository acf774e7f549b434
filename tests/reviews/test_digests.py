"""Digests (docs/architecture.md "Jobs"): one email per responsible person listing their
flagged findings, in their language, at most once per user per day."""

import threading

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from planbridge import outbox
from planbridge.models import Membership, OutboxMessage
from planbridge.tasks import send_outbox_message
from reviews.models import Finding
from reviews.services.digests import digests_schedule
from reviews.tasks import send_unlinked_digests
from tests.factories import MembershipFactory, UserFactory

from .factories_flags import carried, closed_review, flagged_finding, set_profile

SITE = "https://planbridge.example.com"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def flagged(pm, departments, dev_coordinator, marketing_coordinator, sales_coordinator, plan):
    """Pat facilitated a March review closed 10 days ago: two Development findings and one
    Marketing finding are flagged; a Sales finding was carried in time (not flagged)."""
    review = closed_review(facilitator=pm, plan=plan, days_ago=10)
    dev_a = flagged_finding(review=review, department=departments["dev"], title="Build slipped")
    dev_b = flagged_finding(review=review, department=departments["dev"], title="Tests flaky")
    mkt = flagged_finding(
        review=review, department=departments["marketing"], title="Campaign too early"
    )
    sales = Finding.objects.create(
        review=review, department=departments["sales"], title="Deck missing", created_by=pm
    )
    carried(sales)
    return {"dev_a": dev_a, "dev_b": dev_b, "mkt": mkt, "sales": sales, "review": review}


@pytest.fixture
def run_digests(django_capture_on_commit_callbacks):
    """run_digests() -> the digest beat task's result, with its after-commit sends run."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return send_unlinked_digests.delay().get()

    return run


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs the after-commit callbacks of the block (the test's own
    transaction never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _outbox_by_recipient():
    return {message.to[0]: message for message in mail.outbox}


def _digests(**filters):
    return OutboxMessage.objects.filter(kind="digest", **filters)


def _finding_url(finding):
    return SITE + reverse("reviews:finding_detail", args=[finding.pk])


def test_coordinators_of_the_owning_department_and_the_facilitator_receive_a_digest(
    flagged, pm, dev_coordinator, marketing_coordinator, sales_coordinator, dev_member, run_digests
):
    run_digests()

    assert set(_outbox_by_recipient()) == {
        pm.email,
        dev_coordinator.email,
        marketing_coordinator.email,
    }
    assert sales_coordinator.email not in _outbox_by_recipient()
    assert dev_member.email not in _outbox_by_recipient()


def test_each_recipient_gets_one_email_listing_all_and_only_their_findings(
    flagged, pm, dev_coordinator, marketing_coordinator, run_digests
):
    run_digests()

    emails = _outbox_by_recipient()
    assert len(mail.outbox) == 3
    pat, dana = emails[pm.email].body, emails[dev_coordinator.email].body
    for title in ("Build slipped", "Tests flaky", "Campaign too early"):
        assert title in pat
    assert "Build slipped" in dana and "Tests flaky" in dana
    assert "Campaign too early" not in dana and "Deck missing" not in pat
    # Grouped by department, with the review and the age of each finding.
    assert "== Marketing ==" in pat and "== Product Development ==" in pat
    assert "2026-03 · New product launch" in dana
    assert "(3 days overdue)" in dana
    assert emails[dev_coordinator.email].subject == (
        "PlanBridge: 2 findings are waiting to be carried or dismissed"
    )


def test_links_are_absolute_and_point_where_the_finding_is_carried_or_dismissed(
    flagged, dev_coordinator, run_digests
):
    run_digests()

    message = _outbox_by_recipient()[dev_coordinator.email]
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    for finding in (flagged["dev_a"], flagged["dev_b"]):
        assert _finding_url(finding) in message.body
        assert f'href="{_finding_url(finding)}"' in html
    assert SITE + reverse("profile") in message.body


def test_a_user_who_opted_out_gets_nothing(flagged, marketing_coordinator, run_digests):
    set_profile(marketing_coordinator, digest_opt_out=True)

    run_digests()

    assert marketing_coordinator.email not in _outbox_by_recipient()
    assert not _digests(recipient=marketing_coordinator).exists()


def test_nobody_gets_a_digest_when_nothing_is_flagged(flagged, run_digests):
    Finding.objects.update(flagged_at=None)

    assert run_digests() == 0

    assert mail.outbox == []
    assert not _digests().exists()


def test_a_finding_carried_after_it_was_flagged_is_left_out(flagged, dev_coordinator, run_digests):
    carried(flagged["dev_a"])  # even if nothing cleared its flag

    run_digests()

    body = _outbox_by_recipient()[dev_coordinator.email].body
    assert "Build slipped" not in body and "Tests flaky" in body


def test_a_chinese_speaking_coordinator_gets_the_digest_in_chinese(
    flagged, dev_coordinator, run_digests
):
    set_profile(dev_coordinator, language="zh-hans")

    run_digests()

    emails = _outbox_by_recipient()
    chinese = emails[dev_coordinator.email]
    assert "个复盘发现等待衔接或搁置" in chinese.subject
    assert "逾期 3 天" in chinese.body
    assert "逾期" in chinese.alternatives[0][0]
    assert "waiting" in emails[flagged["review"].facilitator.email].subject


def test_the_digest_is_an_outbox_message_sent_with_its_message_id(
    flagged, dev_coordinator, run_digests
):
    run_digests()

    digest = _digests().get(recipient=dev_coordinator)
    message = _outbox_by_recipient()[dev_coordinator.email].message()
    assert digest.state == OutboxMessage.State.SENT
    assert digest.message_id and message["Message-ID"] == digest.message_id
    assert digest.dedupe_key == f"digest:{dev_coordinator.pk}:{timezone.localdate().isoformat()}"
    assert digest.attempts == 1 and digest.sent_at
    assert message["List-Unsubscribe"] == f"<{SITE}{reverse('profile')}>"


def test_a_second_run_the_same_day_sends_nothing_more(flagged, run_digests):
    run_digests()
    sent = len(mail.outbox)

    run_digests()
    call_command("send_digests")

    assert sent == 3 and len(mail.outbox) == 3
    assert _digests().count() == 3


def test_a_duplicate_send_task_sends_nothing_more(flagged, dev_coordinator, run_digests):
    run_digests()
    digest = _digests().get(recipient=dev_coordinator)

    assert send_outbox_message.delay(digest.pk).get() == outbox.SKIPPED

    assert len(mail.outbox) == 3
    digest.refresh_from_db()
    assert digest.attempts == 1


@pytest.mark.parametrize("count", [2, 60])
def test_one_digest_costs_a_fixed_number_of_queries_however_many_findings_it_lists(
    count, pm, departments, dev_coordinator, plan, django_assert_max_num_queries
):
    # Dana coordinates Development and facilitated the review, so both id lists are used.
    review = closed_review(facilitator=dev_coordinator, plan=plan, days_ago=10)
    for n in range(count):
        department = departments["dev"] if n % 2 else departments["marketing"]
        flagged_finding(review=review, department=department, title=f"Finding {n}")

    # Four queries for the run (its savepoint and release; recipients with profiles; today's
    # keys already taken), then per
    # recipient six: department and review ids (one UNION ALL); findings with review, plan
    # and department; the notifications waiting for the digest (docs/architecture.md
    # "Notifications", marked sent by one UPDATE when there are any); the outbox INSERT in
    # its savepoint (three statements).
    with CaptureQueriesContext(connection) as scheduling:
        message_pks = digests_schedule(queue=False)
    assert len(scheduling.captured_queries) <= 4 + 6 * len(message_pks)
    dana = OutboxMessage.objects.get(recipient=dev_coordinator).pk
    # claim UPDATE; the claimed row; outcome UPDATE.
    with django_assert_max_num_queries(3):
        assert outbox.outbox_message_send(message_pk=dana) == outbox.SENT

    [message] = [m for m in mail.outbox if m.to == [dev_coordinator.email]]
    assert message.body.count("\n* ") == count


def test_a_user_without_a_profile_row_gets_the_digest_in_the_default_language(
    flagged, dev_coordinator, run_digests
):
    dev_coordinator.profile.delete()

    run_digests()

    digest = _outbox_by_recipient()[dev_coordinator.email]
    assert "Build slipped" in digest.body
    assert "waiting" in digest.subject


def test_the_send_digests_command_sends_and_prints_counts(flagged, capsys):
    call_command("send_digests")
    first = capsys.readouterr().out
    call_command("send_digests")
    second = capsys.readouterr().out

    assert "Digests: 3 sent, 0 failed, 0 unknown, 0 skipped." in first
    assert "Digests: 0 sent, 0 failed, 0 unknown, 0 skipped." in second
    assert len(mail.outbox) == 3


def test_the_send_digests_command_can_queue_instead(flagged, capsys, committed):
    with committed():
        call_command("send_digests", "--enqueue")

    assert "Queued 3 digest(s)." in capsys.readouterr().out
    assert len(mail.outbox) == 3  # the queue runs eagerly in tests


# --- the admin ------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client_for, db):
    return client_for(UserFactory(username="root", is_staff=True, is_superuser=True))


def _failed_digest(dev_coordinator) -> OutboxMessage:
    digests_schedule(queue=False)
    digest = _digests().get(recipient=dev_coordinator)
    _digests().filter(pk=digest.pk).update(
        state=OutboxMessage.State.FAILED,
        attempts=6,
        last_error="SMTPDataError: (451, b'Try again later')",
    )
    return digest


def test_a_failed_digest_is_shown_with_its_error_and_can_be_retried_from_the_outbox_admin(
    flagged, dev_coordinator, admin_client, committed
):
    failed = _failed_digest(dev_coordinator)
    changelist = reverse("admin:planbridge_outboxmessage_changelist")
    assert "Try again later" in admin_client.get(changelist).content.decode()

    with committed():
        response = admin_client.post(
            changelist,
            {"action": "retry_failed_messages", "_selected_action": [failed.pk]},
            follow=True,
        )

    assert "1 message was queued again." in response.content.decode()
    failed.refresh_from_db()
    assert failed.state == OutboxMessage.State.SENT
    assert [m.to for m in mail.outbox] == [[dev_coordinator.email]]


def test_the_admin_retry_never_resends_a_sent_digest(
    flagged, dev_coordinator, admin_client, run_digests
):
    run_digests()
    sent = _digests().get(recipient=dev_coordinator)

    response = admin_client.post(
        reverse("admin:planbridge_outboxmessage_changelist"),
        {"action": "retry_failed_messages", "_selected_action": [sent.pk]},
        follow=True,
    )

    assert "0 messages were queued again." in response.content.decode()
    assert len(mail.outbox) == 3
    sent.refresh_from_db()
    assert sent.state == OutboxMessage.State.SENT and sent.attempts == 1


# --- PostgreSQL: two digest runs at once ----------------------------------------------------


@pytest.mark.requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_digest_runs_at_once_send_one_email_per_user(departments):
    facilitator = UserFactory(username="pat.pm")
    facilitator.groups.add(Group.objects.get_or_create(name="pm")[0])
    review = closed_review(facilitator=facilitator)
    coordinators = []
    for index in range(8):
        user = UserFactory(username=f"coordinator{index}")
        department = departments[("dev", "marketing", "sales")[index % 3]]
        MembershipFactory(user=user, department=department, role=Membership.Role.COORDINATOR)
        coordinators.append(user)
    for department in departments.values():
        flagged_finding(review=review, department=department)
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            send_unlinked_digests.delay()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert not errors
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted([u.email for u in coordinators] + [facilitator.email])
    assert _digests(state=OutboxMessage.State.SENT).count() == 9
