"""Review pages, by sub-topic: reviews (list, create, the session page with its evidence)
and findings (detail, carry, dismiss, proposals, the bridge list)."""

from .finding_pages import (  # noqa: F401
    carry_proposal_accept,
    carry_proposal_decline,
    carryover_accept,
    carryover_decline,
    finding_carry,
    finding_carry_new,
    finding_delete,
    finding_detail,
    finding_dismiss,
    finding_edit,
    finding_list,
    plan_item_findings,
)
from .review_pages import (  # noqa: F401
    finding_create,
    finding_from_evidence,
    review_close,
    review_create,
    review_detail,
    review_list,
    review_open,
)
