from django.http import Http404

from goals.views.common import int_param as positive_int


def int_param(value) -> int | None:
    """An id from a query string: None when absent, 404 when it is not a positive number."""
    if value in (None, ""):
        return None
    number = positive_int(value)
    if number is None:
        raise Http404
    return number
