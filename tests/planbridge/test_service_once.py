"""The one-time token helper called directly (docs/architecture.md "Idempotent writes"): a
token runs its block once and remembers the result; a malformed token, or one used by
someone else or for another form, is refused with nothing saved; a block that fails leaves
no token; the daily purge removes tokens older than a week."""

import datetime
import uuid

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from planbridge import once, tasks
from planbridge.models import Department, SubmissionToken

FORM = "tests.department_create"


def _create(user, token, name="Legal", form=FORM):
    """Creates a department under the token, as a view's block would."""
    with once.submitted_once(user=user, token=token, form=form) as receipt:
        department = Department.objects.create(name=name, slug=name.lower())
        receipt.done(f"/departments/{department.pk}/")
    return department


def test_a_fresh_token_runs_the_block_and_stores_its_result(pm):
    token = uuid.uuid4()
    department = _create(pm, token)
    row = SubmissionToken.objects.get()
    assert (row.token, row.user, row.form) == (token, pm, FORM)
    assert row.result_url == f"/departments/{department.pk}/"


def test_the_same_token_again_runs_nothing_and_gives_the_first_result(pm):
    token = uuid.uuid4()
    department = _create(pm, token)
    with pytest.raises(once.AlreadySubmitted) as submitted:
        _create(pm, str(token), name="Legal again")
    assert submitted.value.result_url == f"/departments/{department.pk}/"
    assert not Department.objects.filter(name="Legal again").exists()
    assert SubmissionToken.objects.count() == 1


def test_a_token_another_user_used_is_refused_and_nothing_saved(pm, dev_coordinator):
    token = uuid.uuid4()
    _create(pm, token)
    with pytest.raises(ValidationError, match="by someone else") as refused:
        _create(dev_coordinator, token, name="Theirs")
    assert refused.value.code == "submission_token"
    assert not Department.objects.filter(name="Theirs").exists()
    assert SubmissionToken.objects.get().user == pm


def test_a_token_used_for_another_form_is_refused_and_nothing_saved(pm):
    token = uuid.uuid4()
    _create(pm, token)
    with pytest.raises(ValidationError, match="used for another form"):
        _create(pm, token, name="Elsewhere", form="tests.other_form")
    assert not Department.objects.filter(name="Elsewhere").exists()


@pytest.mark.parametrize("token", [None, "", "not-a-token", "1234", 42, "g" * 32])
def test_a_malformed_token_is_refused_and_nothing_saved(pm, token):
    with pytest.raises(ValidationError, match="lost its one-time token") as refused:
        _create(pm, token)
    assert refused.value.code == "submission_token"
    assert not Department.objects.filter(name="Legal").exists()
    assert not SubmissionToken.objects.exists()


def test_a_refused_block_leaves_no_token_so_the_same_token_can_be_sent_again(pm):
    token = uuid.uuid4()
    with pytest.raises(ValidationError), once.submitted_once(user=pm, token=token, form=FORM):
        Department.objects.create(name="Half", slug="half")
        raise ValidationError("refused by the service")
    assert not SubmissionToken.objects.exists() and not Department.objects.exists()
    _create(pm, token)
    assert SubmissionToken.objects.get().token == token


def test_a_block_that_records_no_result_is_rolled_back(pm):
    block = once.submitted_once(user=pm, token=uuid.uuid4(), form=FORM)
    with pytest.raises(RuntimeError, match="recorded no result"), block:
        Department.objects.create(name="Forgotten", slug="forgotten")
    assert not SubmissionToken.objects.exists() and not Department.objects.exists()


def _token_made(user, *, days_ago):
    row = SubmissionToken.objects.create(token=uuid.uuid4(), user=user, form=FORM)
    SubmissionToken.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    return row


def test_the_purge_deletes_tokens_older_than_a_week_and_keeps_the_rest(pm):
    old, recent = _token_made(pm, days_ago=8), _token_made(pm, days_ago=6)
    assert once.submission_tokens_purge() == 1
    assert list(SubmissionToken.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not SubmissionToken.objects.filter(pk=old.pk).exists()


def test_the_daily_task_purges_and_is_on_the_beat(pm):
    _token_made(pm, days_ago=30)
    assert tasks.purge_submission_tokens.delay().get() == 1
    assert not SubmissionToken.objects.exists()
    entry = settings.CELERY_BEAT_SCHEDULE["planbridge-purge-submission-tokens"]
    assert entry["task"] == "planbridge.purge_submission_tokens"
    assert entry["schedule"].hour == {3} and entry["schedule"].minute == {40}
