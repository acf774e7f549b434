"""A department's findings waiting for a disposition and the proposals waiting for its
answer, for the core's archive and merge (docs/architecture.md "Nothing with history is
deleted"; registered in reviews.apps)."""

from django.utils import timezone

from .. import rules
from ..models import CarryProposal, Finding, Review


def department_undisposed_findings(department_id: int) -> int:
    findings = Finding.objects.filter(department_id=department_id)
    return (
        rules.with_bridge_state(findings, now=timezone.now(), select=False)
        .filter(rules.in_states(*rules.UNDISPOSED))
        .count()
    )


def department_pending_proposals(department_id: int) -> int:
    return CarryProposal.objects.filter(department_id=department_id).count()


def department_findings_move(source_id: int, target_id: int) -> int:
    """Moves the source's findings of reviews not yet closed to the target. Findings of
    closed reviews stay with the source, disposed or not: they are what its past months'
    carry-over rates are made of."""
    moved = 0
    findings = Finding.objects.select_for_update(of=("self",)).filter(department_id=source_id)
    for finding in findings.exclude(review__status=Review.Status.CLOSED):
        finding.department_id = target_id
        finding.save(update_fields=["department"])
        moved += 1
    return moved


def department_proposals_move(source_id: int, target_id: int) -> int:
    """Proposals waiting for the source's answer wait for the target's."""
    moved = 0
    for proposal in CarryProposal.objects.select_for_update(of=("self",)).filter(
        department_id=source_id
    ):
        proposal.department_id = target_id
        proposal.save(update_fields=["department"])
        moved += 1
    return moved
