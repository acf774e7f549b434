"""Audit records of calendar tokens and the password change that rotates them
(docs/architecture.md "Audit"), the read-only admin of the records, and the task options
that let a lost worker's task be delivered again (docs/architecture.md "Jobs")."""

import datetime
import hashlib

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from meetings.services import calendar_token_regenerate, calendar_token_revoke
from planbridge.audit import FINGERPRINT_LENGTH, audit_record, audit_value, token_fingerprint
from planbridge.calendar_tokens import PASSWORD_CHANGE_JOB
from planbridge.models import AuditRecord, Profile

from ..factories import PASSWORD, UserFactory

NEW_PASSWORD = "Quiet-harbor-2049!"
SETTINGS = reverse("meetings:calendar_settings")


def fingerprint(token):
    return hashlib.sha256(token.encode()).hexdigest()[:FINGERPRINT_LENGTH]


def token_records(user):
    """The user's token records, oldest first, as (old, new, actor, job)."""
    rows = AuditRecord.objects.filter(subject="calendar_token", object_id=user.pk)
    return [(r.old_value, r.new_value, r.actor, r.job) for r in rows.order_by("at", "pk")]


def feed_works(client, token):
    return client.get(reverse("meetings:calendar_feed", args=[token])).status_code == 200


def test_values_read_as_none_iso_moments_and_text():
    shanghai = datetime.timezone(datetime.timedelta(hours=8))
    moment = datetime.datetime(2026, 12, 31, 23, 30, tzinfo=shanghai)
    assert audit_value(None) == "none"
    assert audit_value(moment) == "2026-12-31T15:30:00+00:00"
    assert audit_value("carried") == "carried"
    assert token_fingerprint(None) == "none"
    assert token_fingerprint("ab" * 32) == "abababab"


def test_a_record_names_its_actor_or_its_job_never_neither(db, dev_coordinator):
    change = {"subject": "finding", "object_id": 1, "field": "flagged_at", "old": None, "new": "x"}
    audit_record(**change, job="reviews.flag_unlinked_findings")
    audit_record(**change, actor=dev_coordinator)
    with pytest.raises(IntegrityError), transaction.atomic():
        audit_record(**change)
    assert AuditRecord.objects.count() == 2


# --- calendar tokens --------------------------------------------------------------------------


def test_making_renewing_and_revoking_a_token_records_fingerprints_by_its_user(dev_coordinator):
    first = calendar_token_regenerate(user=dev_coordinator)
    second = calendar_token_regenerate(user=dev_coordinator)
    calendar_token_revoke(user=dev_coordinator)
    calendar_token_revoke(user=dev_coordinator)  # nothing left to revoke: no record

    assert token_records(dev_coordinator) == [
        ("none", fingerprint(first), dev_coordinator, ""),
        (fingerprint(first), fingerprint(second), dev_coordinator, ""),
        (fingerprint(second), "none", dev_coordinator, ""),
    ]


def test_no_record_holds_a_token_or_its_whole_hash(dev_coordinator):
    token = calendar_token_regenerate(user=dev_coordinator)
    calendar_token_revoke(user=dev_coordinator)
    full_hash = hashlib.sha256(token.encode()).hexdigest()
    for old, new in AuditRecord.objects.values_list("old_value", "new_value"):
        assert token not in (old + new) and full_hash not in (old + new)


def test_the_settings_page_records_its_user_as_the_actor(client_for, dev_coordinator):
    client_for(dev_coordinator).post(SETTINGS, {"action": "regenerate"})
    [(old, new, actor, job)] = token_records(dev_coordinator)
    assert (old, actor, job) == ("none", dev_coordinator, "") and len(new) == FINGERPRINT_LENGTH


# --- a password change rotates the token ------------------------------------------------------


def test_changing_the_password_on_its_page_revokes_the_feed_and_says_so(
    client_for, anon, dev_coordinator
):
    token = calendar_token_regenerate(user=dev_coordinator)
    client = client_for(dev_coordinator)

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert not feed_works(anon, token)
    assert token_records(dev_coordinator)[-1] == (
        fingerprint(token),
        "none",
        None,
        PASSWORD_CHANGE_JOB,
    )
    page = client.get(SETTINGS)
    assert page.context["revoked_by_password_change"]
    assert "revoked because your password changed" in page.content.decode()
    Profile.objects.filter(user=dev_coordinator).update(language="zh-hans")
    assert "因为您的密码已更改" in client.get(SETTINGS).content.decode()


def test_a_new_link_after_the_password_change_ends_the_notice(client_for, dev_coordinator):
    calendar_token_regenerate(user=dev_coordinator)
    dev_coordinator.set_password(NEW_PASSWORD)
    dev_coordinator.save()
    client = client_for(dev_coordinator)
    assert client.get(SETTINGS).context["revoked_by_password_change"]

    client.post(SETTINGS, {"action": "regenerate"})

    assert not client.get(SETTINGS).context["revoked_by_password_change"]


def test_set_password_and_save_revokes_the_feed(anon, dev_coordinator):
    token = calendar_token_regenerate(user=dev_coordinator)

    dev_coordinator.set_password(NEW_PASSWORD)
    dev_coordinator.save()

    assert not feed_works(anon, token)
    assert Profile.objects.get(user=dev_coordinator).calendar_token_hash is None
    assert token_records(dev_coordinator)[-1][-1] == PASSWORD_CHANGE_JOB


def test_an_administrator_setting_the_password_revokes_the_feed(
    admin_client, anon, dev_coordinator
):
    token = calendar_token_regenerate(user=dev_coordinator)

    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[dev_coordinator.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )

    assert response.status_code == 302
    assert not feed_works(anon, token)


def test_making_the_password_unusable_revokes_the_feed(anon, dev_coordinator):
    token = calendar_token_regenerate(user=dev_coordinator)
    dev_coordinator.set_unusable_password()
    dev_coordinator.save()
    assert not feed_works(anon, token)


def test_saves_that_keep_the_password_keep_the_feed(anon, client_for, dev_coordinator):
    token = calendar_token_regenerate(user=dev_coordinator)

    dev_coordinator.first_name = "Dana"
    dev_coordinator.save()
    client_for(dev_coordinator).get(SETTINGS)  # a login saves last_login only

    assert feed_works(anon, token)
    assert len(token_records(dev_coordinator)) == 1


def test_a_hash_upgraded_on_login_is_the_same_password_and_keeps_the_feed(
    anon, dev_coordinator, settings
):
    token = calendar_token_regenerate(user=dev_coordinator)
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]

    # What authentication does with a correct password: its hash is upgraded and saved.
    assert dev_coordinator.check_password(PASSWORD)

    dev_coordinator.refresh_from_db()
    assert dev_coordinator.password.startswith("pbkdf2_")  # Django re-hashed it
    assert feed_works(anon, token)


def test_a_new_user_with_a_password_records_nothing(db):
    UserFactory(username="new.user")
    assert not AuditRecord.objects.exists()


# --- admin and task options -------------------------------------------------------------------


def test_the_admin_lists_and_searches_records_but_cannot_add_change_or_delete_them(
    admin_client, dev_coordinator
):
    calendar_token_regenerate(user=dev_coordinator)
    record = AuditRecord.objects.get()
    changelist = reverse("admin:planbridge_auditrecord_changelist")

    assert admin_client.get(changelist).status_code == 200
    assert admin_client.get(changelist, {"q": "not a number"}).status_code == 200
    assert admin_client.get(changelist, {"q": str(dev_coordinator.pk)}).status_code == 200
    assert admin_client.get(reverse("admin:planbridge_auditrecord_add")).status_code == 403
    delete = reverse("admin:planbridge_auditrecord_delete", args=[record.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    change = reverse("admin:planbridge_auditrecord_change", args=[record.pk])
    admin_client.post(change, {"old_value": "forged"})
    record.refresh_from_db()
    assert record.old_value == "none"


def _project_tasks():
    from planbridge.celery import app

    app.loader.import_default_modules()
    apps = ("planbridge.", "goals.", "meetings.", "reviews.")
    return {name: task for name, task in app.tasks.items() if name.startswith(apps)}


def test_every_task_acked_late_is_also_rejected_when_its_worker_is_lost():
    tasks = _project_tasks()
    # The beat's and the outbox's tasks at least (planbridge.ping, a health probe, is neither).
    assert {
        "reviews.flag_unlinked_findings",
        "reviews.send_unlinked_digests",
        "meetings.send_weekly_update_reminders",
        "planbridge.send_outbox_message",
        "planbridge.send_outbox",
    } <= {name for name, task in tasks.items() if task.acks_late}
    for name, task in tasks.items():
        if task.acks_late:
            assert task.reject_on_worker_lost is True, name
