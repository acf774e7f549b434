"""The notifications pages (docs/architecture.md "Notifications"): the list with mark-read
forms and the e-mail settings per kind."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import notifications
from .models import Notification
from .redirects import safe_next_path

PAGE_SIZE = 25


def notification_list(request):
    page = Paginator(notifications.notification_list(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [(n, notifications.notification_text(n)) for n in page.object_list]
    return render(request, "planbridge/notification_list.html", {"page": page, "rows": rows})


@require_POST
def notification_read(request, pk: int):
    if not notifications.notification_mark_read(user=request.user, notification_id=pk):
        raise Http404
    return redirect(safe_next_path(request, reverse("notification_list")))


@require_POST
def notification_read_all(request):
    count = notifications.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked read."))
    return redirect("notification_list")


class NotificationSettingsForm(forms.Form):
    def __init__(self, *args, initial_deliveries: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in Notification.Kind.choices:
            self.fields[kind] = forms.ChoiceField(
                label=label,
                choices=Notification.Delivery.choices,
                initial=initial_deliveries[kind],
            )


def notification_settings(request):
    current = notifications.notification_preferences(user=request.user)
    form = NotificationSettingsForm(request.POST or None, initial_deliveries=current)
    if request.method == "POST" and form.is_valid():
        notifications.notification_preferences_save(user=request.user, deliveries=form.cleaned_data)
        messages.success(request, _("Your notification settings were saved."))
        return redirect("notification_settings")
    return render(request, "planbridge/notification_settings.html", {"form": form})
