from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from .models import AuditRecord, Department, Membership, OutboxMessage, Plan, Profile
from .outbox import outbox_messages_retry


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "department", "role"]
    list_filter = ["role", "department"]
    search_fields = ["user__username", "department__name"]
    list_select_related = ["user", "department"]


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "start", "end", "owner"]
    search_fields = ["title"]
    filter_horizontal = ["team"]
    list_select_related = ["owner"]


@admin.register(Profile)
class ProfileAdmin(SimpleHistoryAdmin):
    list_display = ["user", "language", "digest_opt_out"]
    list_filter = ["language", "digest_opt_out"]
    search_fields = ["user__username"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["kind", "recipient", "state", "attempts", "created_at", "sent_at", "last_error"]
    list_filter = ["state", "kind", "channel"]
    search_fields = ["recipient__username", "address", "dedupe_key"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    # The outbox is written by the send path only: the admin reads it and retries failures.
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]
    actions = ["retry_failed_messages"]

    def has_add_permission(self, request):
        return False

    @admin.action(
        description=_("Retry the selected failed or unconfirmed messages"), permissions=["change"]
    )
    def retry_failed_messages(self, request, queryset):
        # Only failed and unknown-outcome messages go back to pending (planbridge.outbox): a
        # sent one is never resent.
        count = outbox_messages_retry(message_pks=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext(
                "%(count)d message was queued again.",
                "%(count)d messages were queued again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    """Audit records are written by the services and jobs only (docs/architecture.md
    "Audit"): the admin reads them, and no one changes or deletes one."""

    list_display = ["at", "subject", "object_id", "field", "old_value", "new_value", "actor", "job"]
    list_filter = ["subject", "field", "job"]
    search_fields = ["=object_id", "actor__username", "job"]
    list_select_related = ["actor"]
    date_hierarchy = "at"
    readonly_fields = [field.name for field in AuditRecord._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
