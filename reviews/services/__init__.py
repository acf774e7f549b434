"""State changes of reviews: the review lifecycle, findings, and their dispositions under
the bridge rule (docs/architecture.md): carried into a later month's plan item, or dismissed by a PM
with a reason. Each function runs in one transaction and re-checks its rule there."""

from .carrying import (
    ProposalAnswered,
    carry_proposal_accept,
    carry_proposal_decline,
    carryover_accept,
    carryover_decline,
    finding_carry,
    finding_carry_new_item,
    finding_propose_item,
    proposal_answered,
)
from .findings import (
    finding_create,
    finding_delete,
    finding_dismiss,
    finding_update,
)
from .sessions import (
    review_close,
    review_create,
    review_open,
)

__all__ = [
    "ProposalAnswered",
    "carry_proposal_accept",
    "carry_proposal_decline",
    "carryover_accept",
    "carryover_decline",
    "finding_carry",
    "finding_carry_new_item",
    "finding_create",
    "finding_delete",
    "finding_dismiss",
    "finding_propose_item",
    "finding_update",
    "proposal_answered",
    "review_close",
    "review_create",
    "review_open",
]
