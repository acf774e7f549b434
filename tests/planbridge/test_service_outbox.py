"""The outbox's own refusals, called directly."""

import pytest

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
