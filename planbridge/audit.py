"""The one place audit records are written (docs/architecture.md "Audit"): each change of a
finding's flag or disposition and of a calendar token leaves a record of who (or which job),
when, old and new value, in the transaction of the change."""

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone

from .models import AuditRecord

# How a missing value reads in a record (no flag, no disposition, no token).
NONE = "none"

# How many hex characters of a token's hash a record keeps: enough to tell two tokens of
# one user apart, far too few to look a token up by its hash.
FINGERPRINT_LENGTH = 8

_COLUMNS = ("subject", "object_id", "field", "old_value", "new_value", "actor_id", "job", "at")


def audit_value(value: object) -> str:
    """A stored value as a record shows it: "none" for None, ISO 8601 for a moment."""
    if value is None or value == "":
        return NONE
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat(timespec="seconds")
    return str(value)


def token_fingerprint(token_hash: str | None) -> str:
    """What a record keeps of a calendar token: the first characters of its stored hash."""
    return token_hash[:FINGERPRINT_LENGTH] if token_hash else NONE


def audit_record(
    *,
    subject: str,
    object_id: int,
    field: str,
    old: object,
    new: object,
    actor: User | None = None,
    job: str = "",
    at: datetime.datetime | None = None,
) -> AuditRecord:
    """Writes one record of a change made by `actor` or by `job` (the table refuses neither)."""
    return AuditRecord.objects.create(
        subject=subject,
        object_id=object_id,
        field=field,
        old_value=audit_value(old),
        new_value=audit_value(new),
        actor=actor,
        job=job,
        at=at or timezone.now(),
    )


def audit_insert_sql(
    *,
    source: str,
    id_column: str = "id",
    source_params: tuple[object, ...] = (),
    subject: str,
    field: str,
    old: object,
    new: object,
    job: str,
    at: datetime.datetime,
) -> tuple[str, list[Any]]:
    """An `INSERT … SELECT` writing one record per row of `source` (an SQL FROM item, with
    `source_params`: a CTE's name, a table function) whose `id_column` is the changed row's
    id, every record with the same field, values and job: the set-based form of
    audit_record for a job that changes many rows in one statement (the flag job)."""
    table = connection.ops.quote_name(AuditRecord._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for column in _COLUMNS)
    sql = (
        f"INSERT INTO {table} ({columns}) "
        f"SELECT %s, {id_column}, %s, %s, %s, NULL, %s, %s FROM {source}"
    )
    at_value = connection.ops.adapt_datetimefield_value(at)
    params = [subject, field, audit_value(old), audit_value(new), job, at_value, *source_params]
    return sql, params
