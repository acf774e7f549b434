"""Upgrading to the outbox: the digests and reminders already sent move into it under their
dedupe keys, so nobody gets a second one for the same day or week; unsent rows do not."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [
    ("planbridge", "0003_outbox_message"),
    ("reviews", "0005_review_one_per_month_and_plan"),
    ("meetings", "0003_one_meeting_per_week"),
]
AFTER = [
    ("reviews", "0006_digests_into_outbox"),
    ("meetings", "0004_reminders_into_outbox"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.requires_postgres
@pytest.mark.django_db(transaction=True)
def test_sent_digests_and_reminders_move_into_the_outbox_and_the_old_tables_go():
    try:
        old = _migrate(BEFORE)
        dana = old.get_model("auth", "User").objects.create(
            username="dana.dev", email="dana@example.com"
        )
        day, week = datetime.date(2026, 3, 10), datetime.date(2026, 3, 9)
        digests = old.get_model("reviews", "DigestDelivery").objects
        digests.create(
            user=dana,
            date=day,
            status="sent",
            attempts=2,
            message_id="<digest-1@planbridge.example.com>",
            sent_at=timezone.now(),
        )
        digests.create(user=dana, date=day + datetime.timedelta(days=1), status="failed")
        reminders = old.get_model("meetings", "ReminderDelivery").objects
        reminders.create(user=dana, week=week, status="sent", sent_at=timezone.now())
        reminders.create(user=dana, week=week + datetime.timedelta(days=7), status="skipped")

        new = _migrate(AFTER)

        rows = new.get_model("planbridge", "OutboxMessage").objects.order_by("kind")
        assert [(m.kind, m.dedupe_key, m.state, m.address) for m in rows] == [
            ("digest", f"digest:{dana.pk}:2026-03-10", "sent", "dana@example.com"),
            ("weekly_reminder", f"reminder:{dana.pk}:2026-03-09", "sent", "dana@example.com"),
        ]
        assert rows[0].message_id == "<digest-1@planbridge.example.com>"
        assert rows[0].attempts == 2
        tables = connection.introspection.table_names()
        assert "reviews_digestdelivery" not in tables
        assert "meetings_reminderdelivery" not in tables
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
