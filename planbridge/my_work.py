"""My work (`/me/`), the home page of coordinators and members (docs/architecture.md "My
work"): what waits for the user now, kind by kind, each entry with its age and a link to the
page where it is dealt with. The kinds come from the apps through the registry
(`registry.register_my_work`), so the core names none of them; `/` shows the bridge dashboard
to PMs and sends everyone else here."""

from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from . import registry, rules, services
from .dashboard import dashboard
from .models import Profile


def home(request):
    """PMs keep the bridge dashboard as their home; coordinators and members get My work."""
    if rules.is_pm(request.user):
        return dashboard(request)
    return redirect("my_work")


@require_GET
def my_work(request):
    """What waits for the user; the visit moves "since I last looked" (the page's one
    write, so it answers GET only)."""
    user = request.user
    # The moment is taken before the kinds are read, so an answer given while the page is
    # being assembled is still new on the next visit.
    now = timezone.now()
    profile = getattr(user, "profile", None)
    seen_at = profile.my_work_seen_at if isinstance(profile, Profile) else None
    kinds = [
        {"key": kind.key, "label": kind.label, "entries": entries}
        for kind, entries in registry.my_work(user, seen_at=seen_at)
    ]
    services.profile_my_work_seen(user=user, at=now)
    return render(
        request,
        "planbridge/my_work.html",
        {
            "kinds": [kind for kind in kinds if kind["entries"]],
            "nothing_waits": not any(kind["entries"] for kind in kinds),
            "seen_at": seen_at,
        },
    )
