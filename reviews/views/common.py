from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404
from django.views.decorators.http import require_POST  # noqa: F401  (re-exported)


def form_error(form, exc: ValidationError) -> None:
    """Puts a service's ValidationError on the form (field errors where they name a field)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def load_or_404(selector, pk):
    """A selector's row by primary key, or 404 (selectors raise DoesNotExist)."""
    try:
        return selector(pk)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
