"""Findings: recording, editing, deleting, and dismissing with a reason (clears the flag)."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from planbridge.models import Department
from planbridge.services import refuse_archived

from .. import rules
from ..audit import DISMISSED
from ..models import Finding, Review
from ..selectors.evidence import review_evidence
from .auditing import disposition_record, flag_cleared_record
from .locking import _locked_finding, _locked_review


@transaction.atomic
def finding_create(
    *,
    actor: User,
    review: Review,
    kind: str,
    title: str,
    department: Department,
    detail: str = "",
    severity: str = Finding.Severity.MEDIUM,
    evidence_kind: str = "",
    evidence_object_id: int | None = None,
) -> Finding:
    """Records a finding in a review that is not closed yet (a closed review's findings are
    what the carry-over rate is measured on, so none are added afterwards); an evidence link
    must name a line of the review's evidence as it stands now."""
    if not rules.can_record_finding(actor, review):
        raise PermissionDenied(_("Only project managers can record findings."))
    refuse_archived(department=department)
    review = _locked_review(review)
    if not rules.review_accepts_findings(review):
        raise ValidationError(_("This review is closed; no findings can be added."))
    if bool(evidence_kind) != (evidence_object_id is not None):
        raise ValidationError(_("An evidence link needs both its kind and its object."))
    if evidence_kind and review_evidence(review).find(evidence_kind, evidence_object_id) is None:
        raise ValidationError(_("That evidence is not part of this review's month."))
    finding = Finding(
        review=review,
        kind=kind,
        title=title.strip(),
        detail=detail.strip(),
        department=department,
        severity=severity,
        evidence_kind=evidence_kind,
        evidence_object_id=evidence_object_id,
        created_by=actor,
    )
    finding.full_clean()
    finding.save()
    return finding


@transaction.atomic
def finding_update(
    *,
    actor: User,
    finding: Finding,
    kind: str,
    title: str,
    department: Department,
    detail: str = "",
    severity: str = Finding.Severity.MEDIUM,
) -> Finding:
    """Changes a finding's wording, kind, severity or owner while its review is not closed."""
    if not rules.can_edit_finding(actor, finding):
        raise PermissionDenied(_("Only project managers can change findings."))
    finding = _locked_finding(finding)
    if not rules.finding_is_editable(finding):
        raise ValidationError(_("This review is closed; its findings can no longer be edited."))
    if finding.department_id != department.pk and not rules.finding_department_can_change(finding):
        raise ValidationError(
            _("This finding has been carried already; its department can no longer change.")
        )
    finding.kind, finding.title, finding.detail = kind, title.strip(), detail.strip()
    finding.department, finding.severity = department, severity
    finding.full_clean()
    finding.save()
    return finding


@transaction.atomic
def finding_delete(*, actor: User, finding: Finding) -> None:
    """Deletes a finding of a review that is not closed, unless it has carryovers."""
    if not rules.can_delete_finding(actor, finding):
        raise PermissionDenied(_("Only project managers can delete findings."))
    finding = _locked_finding(finding)
    refusal = rules.finding_delete_refusal(finding)
    if refusal is not None:
        raise ValidationError(refusal)
    finding.delete()


@transaction.atomic
def finding_dismiss(*, actor: User, finding: Finding, reason: str) -> Finding:
    """Dismisses a finding with a written reason (PM only) and clears its flag, recording both
    changes (docs/architecture.md "Audit")."""
    if not rules.can_dismiss_finding(actor, finding):
        raise PermissionDenied(_("Only project managers can dismiss findings."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Write why the finding is dismissed."))
    finding = _locked_finding(finding)
    if rules.finding_is_dismissed(finding):
        raise ValidationError(_("This finding has already been dismissed."))
    if not rules.finding_is_dismissible(finding):
        raise ValidationError(
            _(
                "This finding has been carried or proposed into a plan item; "
                "withdraw the proposal before dismissing it."
            )
        )
    now = timezone.now()
    flag_cleared_record(actor=actor, finding=finding, flagged_at=finding.flagged_at, at=now)
    # finding_is_dismissible held: neither dismissed nor carried, so no disposition until now.
    disposition_record(actor=actor, finding=finding, old=None, new=DISMISSED, at=now)
    finding.dismissed_at = now
    finding.dismissed_by = actor
    finding.dismissal_reason = reason
    finding.flagged_at = None
    finding.save(update_fields=["dismissed_at", "dismissed_by", "dismissal_reason", "flagged_at"])
    return finding
