"""Every change of a finding's flag and disposition leaves an audit record (docs/architecture.md
"Audit"): the flag job one per finding it flags, written set-based in a bounded number of
queries whatever their number, and the carry and dismiss services one per change, naming the
actor, old and new value."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from planbridge.audit import audit_value
from planbridge.models import AuditRecord
from reviews import services
from reviews.models import Finding
from reviews.services.flagging import FLAG_JOB, unlinked_findings_flag

from .factories import FindingFactory
from .factories_flags import closed_review


def records(finding, field=None):
    """The finding's records, oldest first, as (field, old, new, actor, job)."""
    rows = AuditRecord.objects.filter(subject="finding", object_id=finding.pk).order_by("at", "pk")
    if field:
        rows = rows.filter(field=field)
    return [(r.field, r.old_value, r.new_value, r.actor, r.job) for r in rows]


def _flagged(finding, moment=None):
    moment = moment or timezone.now() - datetime.timedelta(days=1)
    Finding.objects.filter(pk=finding.pk).update(flagged_at=moment)
    return moment


# --- the flag job -----------------------------------------------------------------------------


@pytest.mark.parametrize("count", [3, 30])
def test_a_flag_run_writes_one_record_per_flagged_finding_in_a_bounded_number_of_queries(
    count, pm, departments, settings, django_assert_max_num_queries
):
    settings.PLANBRIDGE_FLAG_ANALYZE_MIN_ROWS = 10**9  # no ANALYZE in the count
    review = closed_review(facilitator=pm, days_ago=10)
    findings = [FindingFactory(review=review, department=departments["dev"]) for _ in range(count)]
    inside_grace = FindingFactory(
        review=closed_review(facilitator=pm, days_ago=2, month=datetime.date(2026, 2, 1)),
        department=departments["dev"],
    )
    now = timezone.now()

    # The flag statement with its records (one on PostgreSQL, two on SQLite), and the
    # savepoint pair of its atomic block, then the notifications (docs/architecture.md
    # "Notifications"): the flagged findings, their departments' coordinators, the core's
    # recipients, preferences and one INSERT in a savepoint pair: the same whatever the
    # number flagged.
    with django_assert_max_num_queries(11):
        assert unlinked_findings_flag(now=now) == count

    rows = AuditRecord.objects.filter(subject="finding", field="flagged_at")
    assert rows.count() == count
    assert set(rows.values_list("object_id", flat=True)) == {f.pk for f in findings}
    assert set(rows.values_list("old_value", "new_value", "job", "actor", "at")) == {
        ("none", audit_value(now), FLAG_JOB, None, now)
    }
    assert records(inside_grace) == []


def test_a_second_flag_run_records_nothing_more(pm, departments):
    review = closed_review(facilitator=pm, days_ago=10)
    for _ in range(3):
        FindingFactory(review=review, department=departments["dev"])
    now = timezone.now()
    unlinked_findings_flag(now=now)

    assert unlinked_findings_flag(now=now + datetime.timedelta(hours=1)) == 0
    assert AuditRecord.objects.count() == 3


def test_a_flag_run_that_fails_leaves_no_record(pm, departments, monkeypatch):
    review = closed_review(facilitator=pm, days_ago=10)
    finding = FindingFactory(review=review, department=departments["dev"])
    monkeypatch.setattr(
        "reviews.services.flagging.FLAG_JOB", "x" * 200
    )  # longer than the job column: the one statement fails as a whole

    with pytest.raises(Exception):  # noqa: B017 (the database's own error type)
        unlinked_findings_flag(now=timezone.now())

    finding.refresh_from_db()
    assert finding.flagged_at is None and not AuditRecord.objects.exists()


# --- carrying ---------------------------------------------------------------------------------


def test_carrying_a_flagged_finding_records_the_cleared_flag_and_the_disposition(
    pm, dev_finding, item_factory, departments
):
    flagged_at = _flagged(dev_finding)
    item = item_factory(departments["dev"])

    carryover = services.finding_carry(actor=pm, finding=dev_finding, plan_item=item)

    assert records(dev_finding) == [
        ("flagged_at", audit_value(flagged_at), "none", pm, ""),
        ("disposition", "none", "carried", pm, ""),
    ]
    assert set(AuditRecord.objects.values_list("at", flat=True)) == {carryover.accepted_at}


def test_a_second_carry_changes_no_disposition_and_records_nothing(
    pm, dev_finding, item_factory, departments
):
    services.finding_carry(
        actor=pm, finding=dev_finding, plan_item=item_factory(departments["dev"])
    )
    before = AuditRecord.objects.count()

    services.finding_carry(
        actor=pm, finding=dev_finding, plan_item=item_factory(departments["dev"])
    )

    assert AuditRecord.objects.count() == before == 1  # the first carry's disposition only


def test_a_proposal_records_nothing_until_it_is_accepted_by_whom_it_names(
    dev_coordinator, marketing_coordinator, dev_finding, item_factory, departments
):
    flagged_at = _flagged(dev_finding)
    proposal = services.finding_carry(
        actor=dev_coordinator, finding=dev_finding, plan_item=item_factory(departments["marketing"])
    )
    assert records(dev_finding) == [], "a proposal is no disposition"

    services.carryover_accept(actor=marketing_coordinator, carryover=proposal)

    assert records(dev_finding) == [
        ("flagged_at", audit_value(flagged_at), "none", marketing_coordinator, ""),
        ("disposition", "none", "carried", marketing_coordinator, ""),
    ]


def test_a_declined_proposal_records_nothing(
    dev_coordinator, marketing_coordinator, dev_finding, item_factory, departments
):
    proposal = services.finding_carry(
        actor=dev_coordinator, finding=dev_finding, plan_item=item_factory(departments["marketing"])
    )
    services.carryover_decline(actor=marketing_coordinator, carryover=proposal)
    assert not AuditRecord.objects.exists()


def test_an_accepted_item_proposal_records_the_disposition_by_the_accepting_coordinator(
    dev_coordinator, marketing_coordinator, recent_finding, departments
):
    proposal = services.finding_propose_item(
        actor=dev_coordinator,
        finding=recent_finding,
        department=departments["marketing"],
        title="Move the launch event",
    )

    services.carry_proposal_accept(
        actor=marketing_coordinator, proposal=proposal, owner=marketing_coordinator
    )

    assert records(recent_finding) == [
        ("disposition", "none", "carried", marketing_coordinator, "")
    ]


# --- dismissing -------------------------------------------------------------------------------


def test_dismissing_a_flagged_finding_records_the_cleared_flag_and_the_disposition(pm, dev_finding):
    flagged_at = _flagged(dev_finding)

    finding = services.finding_dismiss(actor=pm, finding=dev_finding, reason="Solved already.")

    assert records(finding) == [
        ("flagged_at", audit_value(flagged_at), "none", pm, ""),
        ("disposition", "none", "dismissed", pm, ""),
    ]
    assert set(AuditRecord.objects.values_list("at", flat=True)) == {finding.dismissed_at}


def test_a_refused_dismissal_records_nothing(pm, dev_finding):
    _flagged(dev_finding)
    with pytest.raises(ValidationError):
        services.finding_dismiss(actor=pm, finding=dev_finding, reason="  ")
    assert not AuditRecord.objects.exists()


# --- the finding's page -----------------------------------------------------------------------


def test_the_finding_page_shows_its_trail_in_words_newest_first(
    client_for, pm, dev_finding, departments, settings
):
    settings.PLANBRIDGE_FLAG_ANALYZE_MIN_ROWS = 10**9
    review = dev_finding.review
    review.status, review.closed_at = "closed", timezone.now() - datetime.timedelta(days=10)
    review.save()
    unlinked_findings_flag(now=timezone.now())
    services.finding_dismiss(actor=pm, finding=dev_finding, reason="Solved already.")

    response = client_for(pm).get(reverse("reviews:finding_detail", args=[dev_finding.pk]))

    trail = [(line.what, line.new, line.by) for line in response.context["audit_trail"]]
    assert trail == [
        ("Disposition", "dismissed", "Pat"),
        ("Flag", "—", "Pat"),
        ("Flag", trail[2][1], "the daily flag job"),
    ]
    assert trail[2][1].startswith("flagged ")
    assert 'data-testid="audit-trail"' in response.content.decode()


def test_a_finding_without_changes_shows_no_trail(client_for, pm, dev_finding):
    response = client_for(pm).get(reverse("reviews:finding_detail", args=[dev_finding.pk]))
    assert response.context["audit_trail"] == []
    assert 'data-testid="audit-trail"' not in response.content.decode()
