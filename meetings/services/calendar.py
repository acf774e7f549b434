"""The private calendar feed's secret token: created, regenerated or revoked by its user
(through the core's planbridge.calendar_tokens, which records each change)."""

from django.contrib.auth.models import User

from planbridge.calendar_tokens import calendar_token_set


def calendar_token_regenerate(*, user: User) -> str:
    """Gives the user a new secret feed token and returns it: only its hash is kept, so this
    is the one moment it can be shown. The old feed URL stops working at once."""
    token = calendar_token_set(user=user, make_new=True, actor=user)
    assert token is not None  # a new token always differs from the stored hash
    return token


def calendar_token_revoke(*, user: User) -> None:
    """Removes the user's feed token: no URL gives their calendar until they create a new one."""
    calendar_token_set(user=user, make_new=False, actor=user)
