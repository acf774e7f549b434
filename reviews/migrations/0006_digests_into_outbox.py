"""Digests now go through the core's outbox: the digests already sent are copied into it
(so that today's dedupe key holds across the upgrade and the history stays), then the
DigestDelivery table goes. Deliveries never sent are not copied: the next daily run renders
a fresh digest of what is flagged then."""

from django.db import migrations


def copy_sent_digests(apps, schema_editor):
    DigestDelivery = apps.get_model("reviews", "DigestDelivery")
    OutboxMessage = apps.get_model("planbridge", "OutboxMessage")
    rows = DigestDelivery.objects.filter(status="sent").select_related("user").iterator()
    batch = []
    for delivery in rows:
        batch.append(
            OutboxMessage(
                channel="email",
                recipient_id=delivery.user_id,
                address=delivery.user.email,
                kind="digest",
                dedupe_key=f"digest:{delivery.user_id}:{delivery.date.isoformat()}",
                subject="",
                text="",
                message_id=delivery.message_id or f"<digest-{delivery.pk}@migrated.invalid>",
                state="sent",
                attempts=delivery.attempts,
                last_error=delivery.last_error,
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
        ("reviews", "0005_review_one_per_month_and_plan"),
    ]

    operations = [
        migrations.RunPython(copy_sent_digests, migrations.RunPython.noop),
        migrations.DeleteModel(name="DigestDelivery"),
    ]
