from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Carryover, CarryProposal, Finding, Review


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
