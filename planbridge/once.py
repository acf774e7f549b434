"""One-time tokens of the forms that create something (docs/architecture.md "Idempotent
writes"): a second submit of the same form creates nothing and is shown the first one's
result, also when both arrive at the same moment.

The token row is inserted first, in the transaction that creates the object. A second
submit's insert waits on the unique index until the first commits (then fails: it reads the
stored result) or rolls back (then it goes on as the first). A refused service rolls the
token back with everything else, so the corrected form can be sent again with it."""

import datetime
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import SubmissionToken

# A token is kept this long after its submit: longer than anyone keeps a form open and
# resends it, short enough that the table stays small (the daily purge, "Jobs").
KEEP = datetime.timedelta(days=7)

TOKEN_MISSING_MESSAGE = gettext_lazy(
    "This form had lost its one-time token, so nothing was saved. Check the form and submit it "
    "again."
)
TOKEN_NOT_YOURS_MESSAGE = gettext_lazy(
    "This form's one-time token was used for another form or by someone else, so nothing was "
    "saved. Check the form and submit it again."
)


class AlreadySubmitted(Exception):  # noqa: N818 (an outcome, not a failure)
    """The token was used before by the same user for the same form: nothing was created
    now; `result_url` is the first submit's result."""

    def __init__(self, result_url: str):
        super().__init__(result_url)
        self.result_url = result_url

    def redirect(self, request):
        """The first submit's result, with a message saying that it is."""
        messages.info(request, _("This was already submitted; here is the result."))
        return redirect(self.result_url or "/")


class Receipt:
    """What the block under `submitted_once` hands back: `done(url)` records the result."""

    def __init__(self, row: SubmissionToken):
        self._row = row
        self.result_url = ""

    def done(self, result_url: str) -> None:
        """Stores the page a second submit is sent to, in the creating transaction."""
        self._row.result_url = result_url
        self._row.save(update_fields=["result_url"])
        self.result_url = result_url


def parse_token(value) -> uuid.UUID | None:
    """The token a form posted, or None when it is absent or not a UUID."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def resubmitted(request, form: str) -> AlreadySubmitted | None:
    """The first submit's outcome when the request posts a token its user already used for
    `form`, else None. A deletion's view asks before loading its object: once the first
    submit has deleted it, a second one would otherwise find nothing and answer 404."""
    parsed = parse_token(request.POST.get("submission_token"))
    if parsed is None:
        return None
    used = (
        SubmissionToken.objects.filter(token=parsed, user=request.user, form=form)
        .only("result_url")
        .first()
    )
    return None if used is None else AlreadySubmitted(used.result_url)


@contextmanager
def submitted_once(*, user: User, token, form: str) -> Iterator[Receipt]:
    """Runs the block once per token, in one transaction with the token's row: a token used
    before by `user` for `form` raises AlreadySubmitted with its result; a malformed one, or
    one used by someone else or for another form, is refused with a ValidationError; a block
    that raises leaves no token behind."""
    parsed = parse_token(token)
    if parsed is None:
        raise ValidationError(TOKEN_MISSING_MESSAGE, code="submission_token")
    with transaction.atomic():
        try:
            # Its own savepoint: a taken token must not break the transaction it is in.
            with transaction.atomic():
                row = SubmissionToken.objects.create(token=parsed, user=user, form=form)
        except IntegrityError:
            # The other submit committed (a new statement sees it under READ COMMITTED).
            used = SubmissionToken.objects.get(token=parsed)
            if used.user_id != user.pk or used.form != form:
                raise ValidationError(TOKEN_NOT_YOURS_MESSAGE, code="submission_token") from None
            raise AlreadySubmitted(used.result_url) from None
        receipt = Receipt(row)
        yield receipt
        if not receipt.result_url:
            raise RuntimeError(f"The {form} form's block recorded no result (Receipt.done).")


@contextmanager
def form_submitted_once(request, form) -> Iterator[Receipt]:
    """`submitted_once` for a view: the token of a OneTimeTokenForm (planbridge.forms), its
    form name, the request's user; a refused token gives the re-rendered form a fresh one."""
    try:
        with submitted_once(
            user=request.user,
            token=form.cleaned_data.get("submission_token"),
            form=form.submission_form,
        ) as receipt:
            yield receipt
    except ValidationError as error:
        if getattr(error, "code", None) == "submission_token":
            form.renew_submission_token()
        raise


@transaction.atomic
def submission_tokens_purge(*, keep: datetime.timedelta = KEEP) -> int:
    """Deletes the tokens of submits older than `keep`; returns how many."""
    deleted, _per_model = SubmissionToken.objects.filter(
        created_at__lt=timezone.now() - keep
    ).delete()
    return deleted
