"""Helpers every app's views share: reading ids from query strings, keeping the query on
pagination links, showing a service's refusal on its form, and loading a row or 404."""

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, ValidationError
from django.http import Http404

MAX_ID = 2**63 - 1


def id_or_none(value) -> int | None:
    """A positive id from a query string or form value; None for anything else (a filter
    that is absent or garbled is simply not applied)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    # Larger numbers are no id, and SQLite cannot even compare them with one.
    return number if 0 < number <= MAX_ID else None


def id_or_404(value) -> int | None:
    """An id from a query string: None when absent, 404 when present but not a positive
    number (the link named something that cannot exist)."""
    if value in (None, ""):
        return None
    number = id_or_none(value)
    if number is None:
        raise Http404
    return number


def query_without_page(request) -> str:
    """The request's query string without `page`, for the pagination links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def apply_form_errors(form, error: ValidationError) -> None:
    """Shows a service's ValidationError on the form: on its field when the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            if field == NON_FIELD_ERRORS:
                target = None
            for message in errors:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def load_or_404(selector, pk):
    """A selector's row by primary key, or 404 (selectors raise DoesNotExist)."""
    try:
        return selector(pk)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
