"""Which plan a page's figures are of (docs/architecture.md "The bridge rule"): every plan,
company-wide work (rows with no plan, such as a company-wide review), or one plan. The
dashboard, its detail lists and the findings list behind its numbers take the same choice
from the query string (`plan=all`, `plan=none`, `plan=<id>`) and filter with the same `Q`,
so a number and the list it links to count the same rows."""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Plan

ALL = "all"
NONE = "none"


@dataclass(frozen=True)
class PlanScope:
    plan: Plan | None = None
    company_wide: bool = False

    @classmethod
    def of(cls, plan: Plan) -> "PlanScope":
        return cls(plan=plan)

    @property
    def is_all(self) -> bool:
        return self.plan is None and not self.company_wide

    @property
    def value(self) -> str:
        """The query-string value: "all", "none" or the plan's id."""
        if self.plan is not None:
            return str(self.plan.pk)
        return NONE if self.company_wide else ALL

    @property
    def label(self) -> str:
        if self.plan is not None:
            return self.plan.title
        return str(COMPANY_WIDE_LABEL if self.company_wide else ALL_PLANS_LABEL)

    def q(self, field: str) -> Q:
        """Rows whose `field` (a plan foreign key, e.g. "review__plan") is in the scope."""
        if self.plan is not None:
            return Q(**{field: self.plan})
        if self.company_wide:
            return Q(**{f"{field}__isnull": True})
        return Q()

    def q_with_company_wide(self, field: str) -> Q:
        """As q(), but a plan's scope also takes the company-wide rows: the asks and weekly
        updates with no plan are part of every plan's week."""
        if self.plan is not None:
            return Q(**{field: self.plan}) | Q(**{f"{field}__isnull": True})
        return self.q(field)


ALL_PLANS_LABEL = _("All plans")
COMPANY_WIDE_LABEL = _("Company-wide (no plan)")
ALL_PLANS = PlanScope()
COMPANY_WIDE = PlanScope(company_wide=True)
