from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from .digests import digest_deliveries_retry
from .models import Carryover, CarryProposal, DigestDelivery, Finding, Review


class FindingInline(admin.TabularInline):
    model = Finding
    extra = 0
    fields = ["kind", "title", "department", "severity", "dismissed_at", "flagged_at"]
    readonly_fields = ["dismissed_at", "flagged_at"]


@admin.register(Review)
class ReviewAdmin(SimpleHistoryAdmin):
    list_display = ["month", "plan", "facilitator", "status", "closed_at"]
    list_filter = ["status", "plan"]
    list_select_related = ["plan", "facilitator"]
    inlines = [FindingInline]


@admin.register(Finding)
class FindingAdmin(SimpleHistoryAdmin):
    list_display = ["title", "review", "department", "kind", "severity", "flagged_at"]
    list_filter = ["kind", "severity", "department"]
    search_fields = ["title"]
    list_select_related = ["review", "department"]


@admin.register(Carryover)
class CarryoverAdmin(SimpleHistoryAdmin):
    list_display = ["finding", "plan_item", "created_by", "created_at", "accepted_at"]
    list_select_related = ["finding", "plan_item", "created_by"]


@admin.register(CarryProposal)
class CarryProposalAdmin(SimpleHistoryAdmin):
    list_display = ["title", "finding", "department", "month", "proposed_by", "created_at"]
    list_filter = ["department"]
    list_select_related = ["finding", "department", "proposed_by"]


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(admin.ModelAdmin):
    list_display = ["user", "date", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status", "date"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
    readonly_fields = ["message_id", "attempts", "last_error", "sent_at", "finding_count"]
    actions = ["retry_failed_deliveries"]

    @admin.action(description=_("Retry the selected failed digests"), permissions=["change"])
    def retry_failed_deliveries(self, request, queryset):
        # Only failed deliveries go back to pending (reviews.digests): a sent one is never resent.
        count = digest_deliveries_retry(delivery_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext(
                "%(count)d failed digest was queued again.",
                "%(count)d failed digests were queued again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )
