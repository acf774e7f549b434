"""A finding's audit trail as its page shows it (docs/architecture.md "Audit")."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from planbridge.audit import NONE
from planbridge.models import AuditRecord
from planbridge.people import person_name

from ..audit import CARRIED, DISMISSED, FLAG_JOB
from ..models import Finding


@dataclass(frozen=True)
class AuditLine:
    at: datetime.datetime
    what: str
    old: str
    new: str
    by: str


def finding_audit_trail(finding: Finding) -> list[AuditLine]:
    """The finding's flag and disposition changes, newest first, in words (one query)."""
    records = AuditRecord.objects.filter(
        subject=AuditRecord.Subject.FINDING, object_id=finding.pk
    ).select_related("actor")
    return [
        AuditLine(
            at=record.at,
            what=_field_label(record.field),
            old=_value_label(record.old_value),
            new=_value_label(record.new_value),
            by=_by_label(record),
        )
        for record in records.order_by("-at", "-pk")
    ]


def _field_label(field: str) -> str:
    return {"flagged_at": _("Flag"), "disposition": _("Disposition")}.get(field, field)


def _value_label(value: str) -> str:
    if value == NONE:
        return "—"
    if value == CARRIED:
        return _("carried")
    if value == DISMISSED:
        return _("dismissed")
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return value
    return _("flagged %(when)s") % {"when": timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")}


def _by_label(record: AuditRecord) -> str:
    if record.actor is not None:
        return person_name(record.actor)
    if record.job == FLAG_JOB:
        return _("the daily flag job")
    return record.job
