from django.http import Http404
from django.utils.http import url_has_allowed_host_and_scheme

from goals.views.common import int_param as positive_int


def int_param(value) -> int | None:
    """An id from a query string: None when absent, 404 when it is not a positive number."""
    if value in (None, ""):
        return None
    number = positive_int(value)
    if number is None:
        raise Http404
    return number


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
