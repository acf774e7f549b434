"""The "My digest" page: what the signed-in user's next digest email would contain."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from .selectors.digests import digest_preview


@require_GET
def my_digest(request):
    preview = digest_preview(user=request.user)
    return render(request, "reviews/my_digest.html", {"preview": preview})
