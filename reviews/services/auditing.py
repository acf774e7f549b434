"""The audit records of a finding's flag and disposition (docs/architecture.md "Audit"),
written by the carry and dismiss services in their transaction through planbridge.audit."""

import datetime

from django.contrib.auth.models import User

from planbridge.audit import NONE, audit_record
from planbridge.models import AuditRecord

from ..models import Finding


def flag_cleared_record(
    *, actor: User, finding: Finding, flagged_at: datetime.datetime | None, at: datetime.datetime
) -> None:
    """Records that `actor` cleared the flag the finding had (`flagged_at`); no flag, no record."""
    if flagged_at is not None:
        audit_record(
            subject=AuditRecord.Subject.FINDING,
            object_id=finding.pk,
            field="flagged_at",
            old=flagged_at,
            new=None,
            actor=actor,
            at=at,
        )


def disposition_record(
    *, actor: User, finding: Finding, old: str | None, new: str | None, at: datetime.datetime
) -> None:
    """Records a change of the finding's disposition (reviews.audit's CARRIED or DISMISSED, or
    None); a carry of a finding already carried changes nothing and leaves no record."""
    if (old or NONE) != (new or NONE):
        audit_record(
            subject=AuditRecord.Subject.FINDING,
            object_id=finding.pk,
            field="disposition",
            old=old,
            new=new,
            actor=actor,
            at=at,
        )
