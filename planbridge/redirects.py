"""Redirects to a `next` the browser sent back (a hidden field or a query string)."""

from urllib.parse import urlsplit, urlunsplit

from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_path(request, default: str) -> str:
    """The request's `next` (POST first, then the query string) as a path on this site, or
    `default` when it is missing, points elsewhere or is not a path (such as "1" or "NaN")."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return default
    parts = urlsplit(target)
    # Only the path is kept, even of a full URL naming this host: the redirect then stays
    # on the host and scheme the request came in on.
    path = urlunsplit(("", "", parts.path, parts.query, parts.fragment))
    # A value without a leading "/" would be resolved against the current URL by the
    # browser (and as a view name by django.shortcuts.redirect): no page of ours.
    if not path.startswith("/") or path.startswith("//"):
        return default
    return path


def redirect_to_next(request, default: str) -> HttpResponseRedirect:
    """A redirect to the request's `next` when it is a path on this site, else to `default`
    (a URL, never resolved as a view name)."""
    return HttpResponseRedirect(safe_next_path(request, default))
