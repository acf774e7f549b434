from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ActionItem, Ask, Meeting, WeeklyUpdate


@admin.register(WeeklyUpdate)
class WeeklyUpdateAdmin(SimpleHistoryAdmin):
    list_display = ["department", "week", "plan", "author", "updated_at"]
    list_filter = ["department", "week"]
    list_select_related = ["department", "plan", "author"]


@admin.register(Ask)
class AskAdmin(SimpleHistoryAdmin):
    list_display = ["what", "from_department", "to_department", "needed_by", "state"]
    list_filter = ["state", "to_department", "from_department"]
    search_fields = ["what"]
    list_select_related = ["from_department", "to_department"]


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["date", "week", "plan", "facilitator"]
    list_select_related = ["plan", "facilitator"]
    filter_horizontal = ["attendees"]
    inlines = [ActionItemInline]


@admin.register(ActionItem)
class ActionItemAdmin(SimpleHistoryAdmin):
    list_display = ["title", "owner", "department", "due", "status"]
    list_filter = ["status", "department"]
    list_select_related = ["owner", "department"]
