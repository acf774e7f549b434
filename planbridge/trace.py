"""The trace page: objective → goal → plan item → finding → next plan item around any of
them, read through reviews.selectors.trace (the one place that follows the bridge both
ways)."""

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import render

from reviews import selectors as review_selectors


def trace(request, kind, pk):
    if kind not in review_selectors.TRACE_KINDS:
        raise Http404
    try:
        data = review_selectors.trace(kind, pk)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    return render(request, "planbridge/trace.html", {"trace": data})
