"""The flag job (docs/architecture.md "The bridge rule", "Jobs"): one set-based UPDATE flags
every finding whose bridge state is TO_FLAG and records each flag in the audit table
(docs/architecture.md "Audit") in the same statement; running it twice, or in two processes at
once, gives the same result as once."""

import datetime
import logging
from typing import cast

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import OperationalError, connection, transaction
from django.db.models import QuerySet
from django.db.models.sql import UpdateQuery
from django.utils import timezone

from planbridge.audit import audit_insert_sql
from planbridge.models import AuditRecord

from .. import rules
from ..audit import FLAG_JOB
from ..models import Finding
from .notifying import findings_flagged_notify

logger = logging.getLogger(__name__)

_SERIALIZATION_FAILURE = "40001"
_FLAG_ATTEMPTS = 5


def unlinked_findings(*, now: datetime.datetime) -> QuerySet[Finding]:
    """Findings that must be flagged at `now`: those in the bridge state TO_FLAG (closed
    review, deadline passed, no disposition, not flagged yet; reviews.rules)."""
    # The two IS NULLs and the passed deadline (all implied by TO_FLAG) only narrow the scan
    # to the review's closed_at and the partial index finding_undisposed_unflagged; the
    # bridge state decides. The state is computed in a subquery and the UPDATE itself
    # keeps "flagged_at IS NULL" on its own table: PostgreSQL rechecks that condition on the
    # row it has just locked, so a finding flagged by a concurrent job keeps its flagged_at.
    to_flag = (
        rules.with_bridge_state(
            Finding.objects.filter(flagged_at__isnull=True, dismissed_at__isnull=True),
            now=now,
            select=False,
        )
        .filter(rules.deadline_passed_q(now=now), rules.in_states(rules.BridgeState.TO_FLAG))
        .values("pk")
    )
    return Finding.objects.filter(pk__in=to_flag, flagged_at__isnull=True)


def unlinked_findings_flag(*, now: datetime.datetime | None = None) -> int:
    """Flags, in one UPDATE, every finding past its deadline without a disposition and returns
    how many; findings already flagged keep their first flagged_at."""
    now = now or timezone.now()
    # Our own transaction only when not called inside one (a caller's transaction cannot
    # change its isolation level, nor be retried here).
    outermost = not connection.in_atomic_block
    for attempt in range(1, _FLAG_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                if outermost:
                    _repeatable_read()
                count = _flag_and_audit(now)
                # The findings this run flagged carry its moment; their notifications are
                # recorded set-based in the same transaction (docs/architecture.md
                # "Notifications").
                if count:
                    findings_flagged_notify(findings=Finding.objects.filter(flagged_at=now))
        except OperationalError as exc:
            if not _retryable(exc, attempt=attempt, outermost=outermost):
                raise
            # Another transaction changed one of our rows after our snapshot (a second flag
            # job, or a carry committing right now): run the statement again on a new snapshot.
            continue
        logger.info("Flagged %d finding(s) not carried or dismissed in time.", count)
        _refresh_statistics_after(count)
        return count
    raise AssertionError("the last attempt either returns or raises")


def _flag_and_audit(now: datetime.datetime) -> int:
    """The flag UPDATE and one audit record per flagged finding, without a row passing
    through Python: on PostgreSQL one statement (the UPDATE as a CTE whose RETURNING feeds an
    INSERT … SELECT), elsewhere an INSERT … SELECT over the same selection, then the UPDATE."""
    findings = unlinked_findings(now=now).order_by()
    query = cast(UpdateQuery, findings.query.chain(UpdateQuery))
    query.add_update_values({"flagged_at": now})
    try:
        update_sql, update_params = query.get_compiler(findings.db).as_sql()
    except EmptyResultSet:  # a selection that is empty by construction
        return 0

    def records(source: str, id_column: str, source_params: tuple = ()) -> tuple[str, list]:
        return audit_insert_sql(
            source=source,
            id_column=id_column,
            source_params=source_params,
            subject=AuditRecord.Subject.FINDING,
            field="flagged_at",
            old=None,  # the UPDATE only touches findings not flagged yet
            new=now,
            job=FLAG_JOB,
            at=now,
        )

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            pk = connection.ops.quote_name(str(Finding._meta.pk.column))
            insert_sql, insert_params = records("flagged", "id")
            cursor.execute(
                f"WITH flagged AS ({update_sql} RETURNING {pk} AS id) {insert_sql}",
                [*update_params, *insert_params],
            )
            return cursor.rowcount
        # SQLite (the embedded mode) has no UPDATE in a CTE. Its one writer at a time lets the
        # records go first, over the same selection, then the UPDATE: no one can change the
        # selection between the two statements of this transaction.
        select_sql, select_params = findings.values("pk").query.get_compiler(findings.db).as_sql()
        insert_sql, insert_params = records(
            f"({select_sql}) AS flagged", "flagged.id", select_params
        )
        cursor.execute(insert_sql, insert_params)
        cursor.execute(update_sql, update_params)
        return cursor.rowcount


def _retryable(exc: OperationalError, *, attempt: int, outermost: bool) -> bool:
    """Only a serialization failure of our own transaction, with attempts left, is retried."""
    serialization = getattr(exc.__cause__, "pgcode", None) == _SERIALIZATION_FAILURE
    return serialization and outermost and attempt < _FLAG_ATTEMPTS


def _refresh_statistics_after(flagged: int) -> None:
    # After a large flag run PostgreSQL's statistics still say almost nothing is flagged until
    # autoanalyze comes by, and the digest queries that follow pick a plan that scans every
    # flagged finding per recipient (measured by benchmarks/flag_job.py: 8x slower).
    if connection.vendor == "postgresql" and flagged >= settings.PLANBRIDGE_FLAG_ANALYZE_MIN_ROWS:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(Finding._meta.db_table)}")


def _repeatable_read() -> None:
    # Under READ COMMITTED, PostgreSQL would recheck a row a concurrent carry has just updated
    # against the old snapshot of the carryover table, and flag a finding carried a moment ago.
    # REPEATABLE READ turns that race into a serialization failure, which we retry. It must be
    # the transaction's first statement.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
