from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.http import url_has_allowed_host_and_scheme


def int_param(value) -> int | None:
    """An id from a query string: None when absent, 404 when it is not a positive number."""
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Http404 from None
    if number <= 0:
        raise Http404
    return number


def add_service_errors(form, error: ValidationError) -> None:
    """Shows a service's ValidationError on the form (field errors where it names a field)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
