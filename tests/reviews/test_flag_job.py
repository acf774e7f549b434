"""The flag job (docs/architecture.md "Jobs"): one UPDATE flags every finding of a closed
review left without disposition past the grace period; idempotent and safe in parallel."""

import datetime
import itertools
import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from planbridge.periods import add_months
from reviews.models import Finding, Review
from reviews.selectors import finding_deadline
from reviews.services.flagging import unlinked_findings_flag
from reviews.tasks import flag_unlinked_findings

from .factories import FindingFactory, ReviewFactory
from .factories_flags import GRACE, carried, closed_review

NOW = timezone.make_aware(datetime.datetime(2026, 4, 20, 9, 0))


@pytest.fixture
def finding_in(departments, pm):
    """finding_in(days_closed_ago=None|n) -> a Development finding of a review of Pat's,
    open (None) or closed that many days before NOW."""

    reviews_made = itertools.count()

    def make(days_closed_ago):
        # Each finding gets a review of its own, so each its own month (one review a month).
        month = add_months(datetime.date(2026, 3, 1), -next(reviews_made))
        if days_closed_ago is None:
            review = ReviewFactory(facilitator=pm, month=month, status=Review.Status.OPEN)
        else:
            review = closed_review(facilitator=pm, days_ago=days_closed_ago, now=NOW, month=month)
        return FindingFactory(review=review, department=departments["dev"])

    return make


def _carried(finding):
    carried(finding)


def _proposed_only(finding):
    carried(finding, accepted=False)


def _dismissed(finding):
    Finding.objects.filter(pk=finding.pk).update(
        dismissed_at=NOW - datetime.timedelta(days=1), dismissal_reason="Not ours to fix."
    )


@pytest.mark.parametrize(
    ("days_closed_ago", "disposition", "flagged"),
    [
        pytest.param(None, None, False, id="open review"),
        pytest.param(3, None, False, id="closed, inside the grace period"),
        pytest.param(7, None, True, id="closed, deadline exactly now"),
        pytest.param(10, None, True, id="closed, past the grace period"),
        pytest.param(10, _carried, False, id="past grace but carried (accepted)"),
        pytest.param(10, _proposed_only, True, id="past grace, carry only proposed"),
        pytest.param(10, _dismissed, False, id="past grace but dismissed"),
        pytest.param(3, _carried, False, id="inside grace and carried"),
    ],
)
def test_a_finding_is_flagged_only_when_closed_past_grace_without_disposition(
    finding_in, days_closed_ago, disposition, flagged
):
    finding = finding_in(days_closed_ago)
    if disposition:
        disposition(finding)

    count = unlinked_findings_flag(now=NOW)

    finding.refresh_from_db()
    assert count == (1 if flagged else 0)
    assert finding.flagged_at == (NOW if flagged else None)


def test_an_already_flagged_finding_keeps_its_first_flagged_at(finding_in):
    first = NOW - datetime.timedelta(days=2)
    finding = finding_in(10)
    Finding.objects.filter(pk=finding.pk).update(flagged_at=first)

    assert unlinked_findings_flag(now=NOW) == 0

    finding.refresh_from_db()
    assert finding.flagged_at == first


def test_running_the_job_twice_is_the_same_as_once(finding_in):
    findings = [finding_in(10), finding_in(12), finding_in(1)]

    assert unlinked_findings_flag(now=NOW) == 2
    assert unlinked_findings_flag(now=NOW + datetime.timedelta(hours=1)) == 0

    assert [f.flagged_at for f in Finding.objects.filter(pk__in=[f.pk for f in findings])] == [
        NOW,
        NOW,
        None,
    ]


def test_the_flag_agrees_with_finding_deadline_to_the_second(finding_in):
    finding = finding_in(10)
    deadline = finding_deadline(finding)

    assert unlinked_findings_flag(now=deadline - datetime.timedelta(seconds=1)) == 0
    assert unlinked_findings_flag(now=deadline) == 1


def test_the_job_is_one_set_based_update_statement_on_the_bridge_state(finding_in):
    for days in (10, 11, 12, 3, None):
        finding_in(days)

    with CaptureQueriesContext(connection) as queries:
        assert unlinked_findings_flag(now=NOW) == 3

    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    # After the flag, its notifications (docs/architecture.md "Notifications") only read:
    # the findings it flagged and their departments' coordinators (nobody here).
    flag, notifying = statements[:-2], statements[-2:]
    assert [s.split()[0] for s in notifying] == ["SELECT", "SELECT"]
    assert '"planbridge_membership"' in notifying[1]
    if connection.vendor == "postgresql":
        # The UPDATE and its audit records (docs/architecture.md "Audit") are one statement.
        assert len(flag) == 1
        assert flag[0].startswith("WITH flagged AS (UPDATE")
        assert 'INSERT INTO "planbridge_auditrecord"' in flag[0]
    else:
        assert [s.split()[0] for s in flag] == ["INSERT", "UPDATE"]
    update = flag[-1]
    # The rule is the one bridge-state expression (reviews.rules), not a copy of it.
    assert "'to_flag'" in update and "CASE WHEN" in update


def test_a_carried_finding_is_not_flagged_again_on_the_next_run(finding_in):
    finding = finding_in(10)
    unlinked_findings_flag(now=NOW)
    carried(finding)
    # The carry service clears the flag (reviews.services); here we mimic its effect.
    Finding.objects.filter(pk=finding.pk).update(flagged_at=None)

    assert unlinked_findings_flag(now=NOW + datetime.timedelta(days=1)) == 0
    finding.refresh_from_db()
    assert finding.flagged_at is None


def test_the_job_logs_how_many_it_flagged(finding_in, caplog):
    finding_in(10)
    finding_in(11)

    with caplog.at_level("INFO", logger="reviews.services.flagging"):
        unlinked_findings_flag(now=NOW)

    assert "Flagged 2 finding(s)" in caplog.text


def test_the_beat_task_and_the_command_run_the_same_job(finding_in, capsys):
    finding_in(30)
    finding_in(40)

    assert flag_unlinked_findings.delay().get() == 2
    call_command("flag_unlinked")
    assert "Flagged 0 finding(s)." in capsys.readouterr().out


def test_the_beat_schedule_runs_the_flag_job_before_the_digests_in_utc(settings):
    from planbridge.celery import app

    schedule = settings.CELERY_BEAT_SCHEDULE
    flag = schedule["reviews-flag-unlinked-findings"]
    digest = schedule["reviews-send-unlinked-digests"]
    assert flag["task"] == "reviews.flag_unlinked_findings"
    assert digest["task"] == "reviews.send_unlinked_digests"
    assert (settings.PLANBRIDGE_FLAG_AT) < (settings.PLANBRIDGE_DIGEST_AT)
    assert app.conf.timezone == "UTC" and settings.USE_TZ
    # What a worker does at start: import every app's tasks module (autodiscovery is lazy, so
    # without it the registry depends on which tests ran before).
    app.loader.import_default_modules()
    assert set(app.tasks) >= {
        "reviews.flag_unlinked_findings",
        "reviews.send_unlinked_digests",
        "planbridge.send_outbox_message",
        "planbridge.send_outbox",
    }


# --- PostgreSQL: two flag jobs at once --------------------------------------------------------


def _eligible(count, pm, department):
    review = closed_review(facilitator=pm, days_ago=10)
    return [FindingFactory(review=review, department=department).pk for _ in range(count)]


def _in_thread(target):
    errors = []

    def run():
        try:
            target()
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


@pytest.mark.requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_jobs_at_once_flag_each_finding_once_with_one_flagged_at(pm, departments):
    ids = _eligible(50, pm, departments["dev"])
    barrier = threading.Barrier(2)
    counts = []
    moments = [timezone.now(), timezone.now() + datetime.timedelta(seconds=1)]

    def job(moment):
        def run():
            barrier.wait()
            counts.append(unlinked_findings_flag(now=moment))

        return run

    threads = [_in_thread(job(moment)) for moment in moments]
    for thread, errors in threads:
        thread.join(30)
        assert not errors

    assert sum(counts) == 50
    stamps = set(Finding.objects.filter(pk__in=ids).values_list("flagged_at", flat=True))
    assert len(stamps) == 1 and stamps <= set(moments)


@pytest.mark.requires_postgres
@pytest.mark.django_db(transaction=True)
def test_a_job_overlapping_an_uncommitted_one_keeps_the_first_flagged_at(pm, departments):
    ids = _eligible(20, pm, departments["dev"])
    first, second = timezone.now(), timezone.now() + GRACE
    first_has_updated = threading.Event()
    second_counts = []

    def slow_first_job():
        with transaction.atomic():
            assert unlinked_findings_flag(now=first) == 20
            first_has_updated.set()
            # Hold the row locks while the second job runs into them.
            threading.Event().wait(1.0)

    def second_job():
        first_has_updated.wait(10)
        second_counts.append(unlinked_findings_flag(now=second))

    threads = [_in_thread(slow_first_job), _in_thread(second_job)]
    for thread, errors in threads:
        thread.join(30)
        assert not errors

    assert second_counts == [0]
    assert set(Finding.objects.filter(pk__in=ids).values_list("flagged_at", flat=True)) == {first}


@pytest.mark.requires_postgres
def test_a_large_flag_run_refreshes_the_findings_statistics(finding_in, settings):
    for days in (10, 11, 12):
        finding_in(days)
    settings.PLANBRIDGE_FLAG_ANALYZE_MIN_ROWS = 3
    with CaptureQueriesContext(connection) as queries:
        assert unlinked_findings_flag(now=NOW) == 3
    assert any(q["sql"].startswith("ANALYZE") for q in queries.captured_queries)


def test_a_small_flag_run_leaves_the_statistics_to_autoanalyze(finding_in, settings):
    finding_in(10)
    settings.PLANBRIDGE_FLAG_ANALYZE_MIN_ROWS = 3
    with CaptureQueriesContext(connection) as queries:
        assert unlinked_findings_flag(now=NOW) == 1
    assert not any(q["sql"].startswith("ANALYZE") for q in queries.captured_queries)
