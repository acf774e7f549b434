"""The reminder service's own refusals, called directly."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from meetings.services import reminder_enqueue
from planbridge.models import OutboxMessage


def test_a_week_outside_the_accepted_dates_is_refused(sales_coordinator):
    with pytest.raises(ValidationError):
        reminder_enqueue(user_id=sales_coordinator.pk, week=datetime.date(2101, 1, 3))
    assert not OutboxMessage.objects.exists()
