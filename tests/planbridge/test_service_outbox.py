"""The outbox's own refusals, called directly."""

import pytest
from django.db import IntegrityError

from planbridge import outbox
from planbridge.models import OutboxMessage


def test_a_message_without_an_address_is_refused(sales_coordinator):
    with pytest.raises(ValueError, match="address"):
        outbox.outbox_enqueue(
            recipient_id=sales_coordinator.pk,
            address="",
            kind="digest",
            dedupe_key="digest:nowhere",
            subject="Digest",
            text="Body",
        )
    assert not OutboxMessage.objects.exists()


def test_an_integrity_error_other_than_a_repeated_key_is_not_taken_for_a_duplicate(db):
    # Only a message with the same dedupe key makes an enqueue a quiet no-op; any other
    # broken row (here: no recipient) must surface, never vanish as "already queued".
    with pytest.raises(IntegrityError):
        outbox.outbox_enqueue(
            recipient_id=None,
            address="someone@example.test",
            kind="digest",
            dedupe_key="digest:nobody",
            subject="Digest",
            text="Body",
        )
    assert not OutboxMessage.objects.exists()
