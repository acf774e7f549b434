from django.http import HttpRequest

from .selectors import asks_to_us_count


def asks_to_us_badge(request: HttpRequest) -> int | None:
    """How many asks to the user's departments wait for an answer (None when logged out);
    counted once per request, for the *Weekly* navigation badge and the Asks tab."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    cache = vars(request)
    if "_pb_asks_to_us_count" not in cache:
        cache["_pb_asks_to_us_count"] = asks_to_us_count(user)
    count: int = cache["_pb_asks_to_us_count"]
    return count


def asks_to_us(request):
    """`asks_to_us_count` for the badge of the Asks tab (one query per page)."""
    count = asks_to_us_badge(request)
    return {} if count is None else {"asks_to_us_count": count}
