from django.conf import settings
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from .calendar_tokens import PASSWORD_CHANGE_JOB, calendar_token_set
from .models import Profile


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def create_profile(sender, instance, created, raw=False, **kwargs):
    """Every user has a profile, so pages and jobs can read preferences without a check."""
    if created and not raw:
        Profile.objects.get_or_create(user=instance)


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def note_password_change(sender, instance, raw=False, update_fields=None, **kwargs):
    """Marks a save that changes the user's password (for the post_save receiver below)."""
    instance._planbridge_password_changed = (
        not raw
        and instance.pk is not None
        and (update_fields is None or "password" in update_fields)
        and _password_changed(instance)
    )


def _password_changed(user) -> bool:
    # set_password() keeps the raw password on the instance until it is saved: every path that
    # sets a password (the password change and reset pages, the admin's form, manage.py
    # changepassword, code calling set_password) passes through it. A hash Django upgrades on
    # login is saved with _password cleared, and is the same password: it keeps the feed.
    # set_unusable_password() (an account locked out of password login) also rotates.
    if user._password is not None:
        return True
    if user.has_usable_password():
        return False
    stored = type(user).objects.filter(pk=user.pk).values_list("password", flat=True).first()
    return stored is not None and stored != user.password


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def rotate_calendar_token_on_password_change(sender, instance, created, raw=False, **kwargs):
    """A password change revokes the user's calendar feed token (docs/architecture.md "Audit"):
    whoever knew the old password may have copied the feed address from the settings page."""
    if created or raw or not getattr(instance, "_planbridge_password_changed", False):
        return
    instance._planbridge_password_changed = False
    calendar_token_set(user=instance, make_new=False, job=PASSWORD_CHANGE_JOB)
