from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404


def load_or_404(selector, pk):
    """A selector's row by primary key, or 404 (selectors raise DoesNotExist)."""
    try:
        return selector(pk)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
