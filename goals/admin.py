from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CheckIn, Goal, Objective, PlanItem


@admin.register(Objective)
class ObjectiveAdmin(SimpleHistoryAdmin):
    list_display = ["title", "quarter", "plan", "owner"]
    list_filter = ["quarter"]
    search_fields = ["title"]
    list_select_related = ["plan", "owner"]


class CheckInInline(admin.TabularInline):
    model = CheckIn
    extra = 0


@admin.register(Goal)
class GoalAdmin(SimpleHistoryAdmin):
    list_display = ["title", "department", "owner", "target", "unit", "due"]
    list_filter = ["department", "plan"]
    search_fields = ["title", "metric"]
    list_select_related = ["department", "owner"]
    inlines = [CheckInInline]


@admin.register(CheckIn)
class CheckInAdmin(SimpleHistoryAdmin):
    list_display = ["goal", "date", "value", "confidence", "author"]
    list_select_related = ["goal", "author"]


@admin.register(PlanItem)
class PlanItemAdmin(SimpleHistoryAdmin):
    list_display = ["title", "department", "month", "status", "owner", "start", "due"]
    list_filter = ["status", "department", "plan", "month"]
    search_fields = ["title"]
    list_select_related = ["department", "owner"]
    filter_horizontal = ["depends_on"]
