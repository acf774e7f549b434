"""The one place a user's calendar feed token changes (docs/architecture.md "Audit"): made,
made anew, revoked by its user (meetings' calendar page) or rotated by a password change
(planbridge.signals). Only the token's hash is stored; each change leaves an audit record
with the fingerprints of the old and the new hash, never the token."""

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from .audit import audit_record, token_fingerprint
from .models import AuditRecord, Profile, calendar_token_hash, new_calendar_token

# The job named by the record of a rotation no user asked for on the calendar page.
PASSWORD_CHANGE_JOB = "password change"


@transaction.atomic
def calendar_token_set(
    *, user: User, make_new: bool, actor: User | None = None, job: str = ""
) -> str | None:
    """Replaces the user's feed token by a new one (returned: the only moment it is known)
    or, without `make_new`, removes it; the old feed URL stops working at once. A removal of
    no token changes nothing and records nothing."""
    profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
    old_hash = profile.calendar_token_hash
    token = new_calendar_token() if make_new else None
    new_hash = calendar_token_hash(token) if token else None
    if old_hash == new_hash:
        return None
    profile.calendar_token_hash = new_hash
    profile.save(update_fields=["calendar_token_hash"])
    audit_record(
        subject=AuditRecord.Subject.CALENDAR_TOKEN,
        object_id=user.pk,
        field="calendar_token",
        old=token_fingerprint(old_hash),
        new=token_fingerprint(new_hash),
        actor=actor,
        job=job,
        at=timezone.now(),
    )
    return token


def calendar_token_revoked_by_password_change(user: User) -> bool:
    """The user has no feed token because their last token change was a password change's."""
    last = (
        AuditRecord.objects.filter(subject=AuditRecord.Subject.CALENDAR_TOKEN, object_id=user.pk)
        .order_by("-at", "-pk")
        .values_list("job", flat=True)
        .first()
    )
    return last == PASSWORD_CHANGE_JOB
