"""The flag job's own refusals, called directly: only a serialization failure of its own
transaction is retried; every other database error, and one inside a caller's transaction,
is raised at once."""

from unittest import mock

import pytest
from django.db import OperationalError

from reviews.models import Finding
from reviews.services import flagging


class _PgError(Exception):
    def __init__(self, pgcode):
        super().__init__(pgcode)
        self.pgcode = pgcode


def _operational_error(pgcode):
    error = OperationalError(f"pgcode {pgcode}")
    error.__cause__ = _PgError(pgcode)
    return error


def _failing_then_empty(errors):
    calls = []

    def unlinked_findings(*, now):
        calls.append(now)
        if errors:
            raise errors.pop(0)
        return Finding.objects.none()

    return calls, unlinked_findings


def test_a_database_error_other_than_a_serialization_failure_is_raised_at_once(db):
    calls, fake = _failing_then_empty([_operational_error("57014")])  # statement timeout
    patched = mock.patch.object(flagging, "unlinked_findings", side_effect=fake)
    with patched, pytest.raises(OperationalError, match="57014"):
        flagging.unlinked_findings_flag()
    assert len(calls) == 1


def test_a_serialization_failure_inside_a_callers_transaction_is_raised(db):
    # The test runs inside a transaction, as a caller's would be: its snapshot cannot be
    # renewed here, so retrying would only fail again.
    calls, fake = _failing_then_empty([_operational_error("40001")])
    patched = mock.patch.object(flagging, "unlinked_findings", side_effect=fake)
    with patched, pytest.raises(OperationalError, match="40001"):
        flagging.unlinked_findings_flag()
    assert len(calls) == 1


@pytest.mark.django_db(transaction=True)
def test_a_serialization_failure_of_its_own_transaction_is_retried():
    calls, fake = _failing_then_empty([_operational_error("40001"), _operational_error("40001")])
    with mock.patch.object(flagging, "unlinked_findings", side_effect=fake):
        assert flagging.unlinked_findings_flag() == 0
    assert len(calls) == 3


@pytest.mark.django_db(transaction=True)
def test_the_retries_of_serialization_failures_are_bounded():
    errors = [_operational_error("40001") for _ in range(10)]
    calls, fake = _failing_then_empty(errors)
    patched = mock.patch.object(flagging, "unlinked_findings", side_effect=fake)
    with patched, pytest.raises(OperationalError, match="40001"):
        flagging.unlinked_findings_flag()
    assert len(calls) == 5
