from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from planbridge.calendar_tokens import calendar_token_revoked_by_password_change
from planbridge.models import Profile

from .. import selectors, services
from ..ical import build_calendar

NEW_FEED_URL_KEY = "calendar_new_feed_url"


def calendar_settings(request):
    """Shows the user's secret feed URL; POST creates a new one or revokes it."""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "regenerate":
            token = services.calendar_token_regenerate(user=request.user)
            # Only the token's hash is stored: the address is shown on the next page, once.
            request.session[NEW_FEED_URL_KEY] = settings.SITE_URL + reverse(
                "meetings:calendar_feed", args=[token]
            )
            messages.success(
                request, _("A new calendar link was made. The old link no longer works.")
            )
        elif action == "revoke":
            services.calendar_token_revoke(user=request.user)
            messages.success(request, _("Your calendar link was revoked."))
        else:
            messages.error(request, _("Unknown action."))
            return render(
                request, "meetings/calendar_settings.html", _calendar_context(request), status=400
            )
        return redirect("meetings:calendar_settings")
    return render(request, "meetings/calendar_settings.html", _calendar_context(request))


def _calendar_context(request):
    has_feed = Profile.objects.filter(user=request.user, calendar_token_hash__isnull=False).exists()
    return {
        "has_feed": has_feed,
        "feed_url": request.session.pop(NEW_FEED_URL_KEY, None),
        "revoked_by_password_change": (
            not has_feed and calendar_token_revoked_by_password_change(request.user)
        ),
    }


@login_not_required
@never_cache
def calendar_feed(request, token):
    """The user's iCalendar feed, reached by its secret token without login; 404 otherwise."""
    profile = selectors.profile_for_calendar_token(token)
    if profile is None or not profile.user.is_active:
        raise Http404
    with translation.override(profile.language or settings.LANGUAGE_CODE):
        body = build_calendar(profile.user, selectors.calendar_entries(profile.user))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="planbridge.ics"'
    return response
