"""The private calendar feed's secret token: created, regenerated or revoked by its user."""

from django.contrib.auth.models import User
from django.db import transaction

from planbridge.models import Profile, calendar_token_hash, new_calendar_token


@transaction.atomic
def calendar_token_regenerate(*, user: User) -> str:
    """Gives the user a new secret feed token and returns it: only its hash is kept, so this
    is the one moment it can be shown. The old feed URL stops working at once."""
    profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
    token = new_calendar_token()
    profile.calendar_token_hash = calendar_token_hash(token)
    profile.save(update_fields=["calendar_token_hash"])
    return token


@transaction.atomic
def calendar_token_revoke(*, user: User) -> None:
    """Removes the user's feed token: no URL gives their calendar until they create a new one."""
    Profile.objects.filter(user=user).update(calendar_token_hash=None)
