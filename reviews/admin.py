from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import rules
from .models import Carryover, CarryProposal, Finding, Review

# A closed review's findings are what its month's carry-over rate is made of; the database
# refuses to delete them (reviews migration 0009), so the admin does not offer it and says why
# (docs/architecture.md "Nothing with history is deleted").
CLOSED_FINDINGS_KEPT = _(
    "This review is closed: its findings are kept, because the carry-over rate of its month "
    "is made of them. Dismiss a finding with a reason instead of deleting it."
)


class FindingInline(admin.TabularInline):
    model = Finding
    extra = 0
    fields = ["kind", "title", "department", "severity", "dismissed_at", "flagged_at"]
    readonly_fields = ["dismissed_at", "flagged_at"]

    def has_delete_permission(self, request, obj=None):
        # `obj` is the review the inline belongs to.
        if obj is not None and not rules.review_accepts_findings(obj):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Review)
class ReviewAdmin(SimpleHistoryAdmin):
    list_display = ["month", "plan", "facilitator", "status", "closed_at"]
    list_filter = ["status", "plan"]
    list_select_related = ["plan", "facilitator"]
    inlines = [FindingInline]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        review = self.get_object(request, object_id)
        if request.method == "GET" and review and not rules.review_accepts_findings(review):
            messages.info(request, str(CLOSED_FINDINGS_KEPT))
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Finding)
class FindingAdmin(SimpleHistoryAdmin):
    list_display = ["title", "review", "department", "kind", "severity", "flagged_at"]
    list_filter = ["kind", "severity", "department"]
    search_fields = ["title"]
    list_select_related = ["review", "department"]

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not rules.review_accepts_findings(obj.review):
            return False
        return super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        finding = self.get_object(request, object_id)
        if (
            request.method == "GET"
            and finding
            and not rules.review_accepts_findings(finding.review)
        ):
            messages.info(request, str(CLOSED_FINDINGS_KEPT))
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Carryover)
class CarryoverAdmin(SimpleHistoryAdmin):
    list_display = ["finding", "plan_item", "created_by", "created_at", "accepted_at"]
    list_select_related = ["finding", "plan_item", "created_by"]


@admin.register(CarryProposal)
class CarryProposalAdmin(SimpleHistoryAdmin):
    list_display = ["title", "finding", "department", "month", "proposed_by", "created_at"]
    list_filter = ["department"]
    list_select_related = ["finding", "department", "proposed_by"]
