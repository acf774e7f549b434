"""Read-side queries of reviews, by sub-topic: findings and their dispositions (the bridge
rule), the month's evidence, the carry-over rate and dashboard figures, traces and the plan
document's summary. Import from here: `from reviews.selectors import finding_deadline`."""

from .audit import AuditLine, finding_audit_trail  # noqa: F401
from .bridge import (  # noqa: F401
    STATES,
    BridgeCounts,
    Rate,
    ReviewMonths,
    answered_asks,
    ask_answer_medians,
    bridge_counts,
    bridge_finding_queryset,
    bridge_findings,
    review_months,
    state_filter,
    weekly_update_submission,
    weekly_update_weeks,
)
from .confirmations import (  # noqa: F401
    FindingDeletePreview,
    ReviewClosePreview,
    finding_delete_preview,
    review_close_preview,
)
from .evidence import (  # noqa: F401
    Evidence,
    EvidenceLine,
    evidence_on_date,
    evidence_url,
    review_evidence,
)
from .findings import (  # noqa: F401
    CARRY_TARGET_LIMIT,
    CarryPlans,
    Disposition,
    carry_owners,
    carry_plans,
    carry_targets,
    carryover_queryset,
    default_carry_owner,
    finding_deadline,
    finding_detail,
    finding_disposition,
    finding_queryset,
    grace_period,
    pending_carryovers,
    pending_proposals,
    plan_item_findings,
    plan_review_summary,
    review_detail,
    review_findings,
    review_list,
    reviews_counted,
)
from .trace import TRACE_KINDS, Trace, trace  # noqa: F401
