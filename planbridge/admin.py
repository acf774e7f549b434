from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import password_reset, rules, services
from .models import (
    AuditRecord,
    ChatRobot,
    Department,
    Membership,
    Notification,
    NotificationPreference,
    OutboxMessage,
    Plan,
    Profile,
    SubmissionToken,
)
from .outbox import outbox_messages_retry


def _run_each(modeladmin, request, rows, act, done_message) -> None:
    """Runs one service per selected row; each refusal is shown with the row's name and the
    service's own message, the rows that went through are counted (docs/architecture.md
    "Nothing with history is deleted")."""
    done = 0
    for row in rows:
        try:
            act(row)
        except (PermissionDenied, ValidationError) as error:
            text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            modeladmin.message_user(request, f"{row}: {text}", messages.ERROR)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, done_message(done), messages.SUCCESS)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class MergeTargetForm(forms.Form):
    target = forms.ModelChoiceField(
        label=_("Merge into"),
        queryset=Department.objects.filter(rules.current_departments_q()).order_by("name"),
    )


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "archived_at", "merged_into"]
    list_filter = [("archived_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["merged_into"]
    inlines = [MembershipInline]
    actions = ["archive_departments", "merge_departments"]

    @admin.action(description=_("Archive the selected departments"), permissions=["change"])
    def archive_departments(self, request, queryset):
        _run_each(
            self,
            request,
            queryset,
            lambda department: services.department_archive(
                actor=request.user, department=department
            ),
            lambda count: (
                ngettext(
                    "%(count)d department was archived.",
                    "%(count)d departments were archived.",
                    count,
                )
                % {"count": count}
            ),
        )

    @admin.action(
        description=_("Merge the selected departments into another one…"), permissions=["change"]
    )
    def merge_departments(self, request, queryset):
        # An intermediate page: the target is chosen, and what happens is said, before
        # anything moves.
        form = MergeTargetForm(request.POST if "target" in request.POST else None)
        if form.is_bound and form.is_valid():
            target = form.cleaned_data["target"]
            _run_each(
                self,
                request,
                queryset,
                lambda source: services.department_merge(
                    actor=request.user, source=source, target=target
                ),
                lambda count: (
                    ngettext(
                        "%(count)d department was merged into %(target)s.",
                        "%(count)d departments were merged into %(target)s.",
                        count,
                    )
                    % {"count": count, "target": target}
                ),
            )
            return None
        return TemplateResponse(
            request,
            "admin/planbridge/department/merge.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Merge departments"),
                "opts": self.model._meta,
                "departments": queryset,
                "form": form,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "department", "role"]
    list_filter = ["role", "department"]
    search_fields = ["user__username", "department__name"]
    list_select_related = ["user", "department"]


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "start", "end", "owner", "archived_at"]
    list_filter = [("archived_at", admin.EmptyFieldListFilter)]
    search_fields = ["title"]
    filter_horizontal = ["team"]
    list_select_related = ["owner"]


admin.site.unregister(User)


@admin.register(User)
class PlanBridgeUserAdmin(UserAdmin):
    """Django's user admin with deactivation as an action: a user with history is protected
    from deletion, deactivating keeps what they did (planbridge.services.user_deactivate)."""

    actions = ["deactivate_users"]

    @admin.action(description=_("Deactivate the selected users"), permissions=["change"])
    def deactivate_users(self, request, queryset):
        _run_each(
            self,
            request,
            queryset,
            lambda user: services.user_deactivate(actor=request.user, user=user),
            lambda count: (
                ngettext(
                    "%(count)d user was deactivated; their plan items and memberships are kept.",
                    "%(count)d users were deactivated; their plan items and memberships are kept.",
                    count,
                )
                % {"count": count}
            ),
        )


@admin.register(Profile)
class ProfileAdmin(SimpleHistoryAdmin):
    list_display = ["user", "language", "digest_opt_out"]
    list_filter = ["language", "digest_opt_out"]
    search_fields = ["user__username"]


@admin.register(ChatRobot)
class ChatRobotAdmin(SimpleHistoryAdmin):
    # The webhook URL and the secret are never shown again after saving: the host and the
    # last 4 characters only (docs/architecture.md "Chat robots"). Robots are added from
    # their settings page or the shell, which check the URL.
    list_display = [
        "kind",
        "url_hint",
        "department",
        "plan",
        "language",
        "created_by",
        "last_error",
    ]
    list_filter = ["kind"]
    list_select_related = ["department", "plan", "created_by"]
    fields = [
        "kind",
        "url_hint",
        "secret_hint",
        "department",
        "plan",
        "language",
        "posts",
        "created_by",
        "last_error",
        "last_error_at",
    ]
    readonly_fields = [
        "kind",
        "url_hint",
        "secret_hint",
        "department",
        "plan",
        "created_by",
        "last_error",
        "last_error_at",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = [
        "kind",
        "recipient",
        "robot",
        "state",
        "attempts",
        "created_at",
        "sent_at",
        "last_error",
    ]
    list_filter = ["state", "kind", "channel"]
    search_fields = ["recipient__username", "address", "dedupe_key"]
    list_select_related = ["recipient", "robot"]
    date_hierarchy = "created_at"
    # The outbox is written by the send path only: the admin reads it and retries failures.
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]
    actions = ["retry_failed_messages"]

    def has_add_permission(self, request):
        return False

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        # A reset e-mail holds a working link to set the person's password: the staff who
        # read the outbox must not be able to use it (planbridge/password_reset.py).
        if obj is not None and obj.kind == password_reset.KIND:
            return [field for field in fields if field not in ("text", "html")]
        return fields

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


@admin.register(SubmissionToken)
class SubmissionTokenAdmin(admin.ModelAdmin):
    """The one-time tokens of submitted create forms (docs/architecture.md "Idempotent
    writes"): read here, written by the forms' submits and deleted by the daily purge."""

    list_display = ["created_at", "form", "user", "result_url"]
    list_filter = ["form"]
    search_fields = ["=token", "user__username"]
    list_select_related = ["user"]
    readonly_fields = [field.name for field in SubmissionToken._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Notifications are recorded by the apps' services (docs/architecture.md
    "Notifications"): the admin reads them."""

    list_display = ["created_at", "kind", "recipient", "actor", "title", "delivery", "read_at"]
    list_filter = ["kind", "delivery"]
    search_fields = ["recipient__username", "title"]
    list_select_related = ["recipient", "actor"]
    readonly_fields = [field.name for field in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "delivery"]
    list_filter = ["kind", "delivery"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
