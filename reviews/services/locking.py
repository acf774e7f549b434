"""Row locks shared by the review services."""

from ..models import Finding, Review


def _locked_review(review: Review) -> Review:
    return Review.objects.select_for_update().get(pk=review.pk)


def _locked_finding(finding: Finding) -> Finding:
    # Carry, dismiss and delete of one finding serialize on its row, so a dismissal cannot
    # slip in between a carry's checks and its insert.
    return Finding.objects.select_for_update().select_related("review").get(pk=finding.pk)
