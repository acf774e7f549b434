"""Weekly reminders now go through the core's outbox: the reminders already sent are copied
into it (so that this week's dedupe key holds across the upgrade and the history stays), then
the ReminderDelivery table goes. Failed or skipped ones are not copied: the next hourly run
decides afresh whether the coordinator still needs one this week."""

from django.db import migrations


def copy_sent_reminders(apps, schema_editor):
    ReminderDelivery = apps.get_model("meetings", "ReminderDelivery")
    OutboxMessage = apps.get_model("planbridge", "OutboxMessage")
    rows = ReminderDelivery.objects.filter(status="sent").select_related("user").iterator()
    batch = []
    for delivery in rows:
        batch.append(
            OutboxMessage(
                channel="email",
                recipient_id=delivery.user_id,
                address=delivery.user.email,
                kind="weekly_reminder",
                dedupe_key=f"reminder:{delivery.user_id}:{delivery.week.isoformat()}",
                subject="",
                text="",
                message_id=f"<reminder-{delivery.pk}@migrated.invalid>",
                state="sent",
                attempts=delivery.attempts,
                sent_at=delivery.sent_at,
            )
        )
        if len(batch) >= 1000:
            OutboxMessage.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    OutboxMessage.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("planbridge", "0003_outbox_message"),
        ("meetings", "0003_one_meeting_per_week"),
    ]

    operations = [
        migrations.RunPython(copy_sent_reminders, migrations.RunPython.noop),
        migrations.DeleteModel(name="ReminderDelivery"),
    ]
