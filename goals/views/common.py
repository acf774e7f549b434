from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

MAX_ID = 2**63 - 1


def int_param(value) -> int | None:
    """A positive integer from a query string or form value, None for anything else."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    # Larger numbers are no id, and SQLite cannot even compare them with one.
    return number if 0 < number <= MAX_ID else None


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
