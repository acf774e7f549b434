"""What reviews keep waiting for a user on My work (docs/architecture.md "My work"): carry
proposals waiting for a department they coordinate (new items proposed for it and carryovers
into its existing items), and its findings whose review has closed and that have no
disposition yet, with the days left of the grace period or overdue (reviews.rules, "The bridge
rule"). A fixed number of queries whatever the data size."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from planbridge import rules as core_rules
from planbridge.registry import WorkEntry

from . import rules
from .selectors import finding_disposition, finding_queryset, pending_carryovers, pending_proposals

# Findings waiting for a disposition with a deadline: their review has closed.
WAITING_WITH_DEADLINE = (rules.BridgeState.OPEN, *rules.PAST_DEADLINE)


def proposals_waiting(user, seen_at) -> list[WorkEntry]:
    """Proposed new items and proposed carryovers into items of the departments the user
    coordinates, oldest first (two queries)."""
    department_ids = core_rules.coordinated_department_ids(user)
    if not department_ids:
        return []
    entries = [
        WorkEntry(
            title=_("New item “%(title)s” proposed from “%(finding)s”")
            % {"title": proposal.title, "finding": proposal.finding.title},
            url=reverse("reviews:finding_detail", args=[proposal.finding_id]),
            since=proposal.created_at,
        )
        for proposal in pending_proposals(department_ids=department_ids)
    ]
    entries += [
        WorkEntry(
            title=_("“%(finding)s” proposed into “%(item)s”")
            % {"finding": carryover.finding.title, "item": carryover.plan_item.title},
            url=reverse("reviews:finding_detail", args=[carryover.finding_id]),
            since=carryover.created_at,
        )
        for carryover in pending_carryovers(department_ids=department_ids)
    ]
    return sorted(entries, key=lambda entry: entry.since)


def findings_without_disposition(user, seen_at) -> list[WorkEntry]:
    """Findings of the departments the user coordinates that wait for a disposition after
    their review closed, the earliest deadline (so the overdue ones) first (three queries)."""
    department_ids = core_rules.coordinated_department_ids(user)
    if not department_ids:
        return []
    now = timezone.now()
    findings = (
        rules.with_bridge_state(
            finding_queryset().filter(department_id__in=department_ids), now=now, select=False
        )
        .filter(rules.in_states(*WAITING_WITH_DEADLINE))
        .order_by("review__closed_at", "pk")
    )
    entries = []
    for finding in findings:
        disposition = finding_disposition(finding, now=now)
        note = ""
        if disposition.days_left is not None:
            note = ngettext("%(days)d day left", "%(days)d days left", disposition.days_left) % {
                "days": disposition.days_left
            }
        entries.append(
            WorkEntry(
                title=_("%(title)s (%(department)s, review of %(month)s)")
                % {
                    "title": finding.title,
                    "department": finding.department.name,
                    "month": f"{finding.review.month:%Y-%m}",
                },
                url=reverse("reviews:finding_detail", args=[finding.pk]),
                since=finding.review.closed_at,
                overdue=disposition.overdue,
                due=disposition.deadline,
                note=note,
            )
        )
    return entries
