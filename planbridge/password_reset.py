"""Forgotten passwords (docs/architecture.md "Password reset"): Django's password reset views
with the project's templates, the e-mail through the outbox like every other message, and
the link built from SITE_URL (never from the request's Host header, which a visitor
chooses). The link expires after settings.PASSWORD_RESET_TIMEOUT and once the password has
changed (Django's token covers the password hash and the last login). Whatever is typed,
the same page follows, so the form tells no one which addresses have an account."""

import datetime

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.models import User
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation

from . import outbox
from .models import OutboxMessage
from .notifications import user_language

KIND = "password_reset"
# At most one reset e-mail per person per window: a visitor typing someone's address again
# and again does not fill their mailbox; the person asking again after it gets a new link.
MAIL_WINDOW = datetime.timedelta(minutes=10)


def link_lifetime_hours() -> int:
    return settings.PASSWORD_RESET_TIMEOUT // 3600


def reset_url(*, uid: str, token: str) -> str:
    return settings.SITE_URL + reverse(
        "password_reset_confirm", kwargs={"uidb64": uid, "token": token}
    )


def password_reset_mail_enqueue(*, user: User, uid: str, token: str) -> OutboxMessage | None:
    """Queues the e-mail with the reset link for `user`, in their language; None, and nothing
    queued, when they were sent one within MAIL_WINDOW already or have no address."""
    if not user.email:
        return None
    window = int(timezone.now().timestamp() // MAIL_WINDOW.total_seconds())
    with translation.override(user_language(user)):
        context = {
            "user": user,
            "url": reset_url(uid=uid, token=token),
            "hours": link_lifetime_hours(),
            "login_url": settings.SITE_URL + reverse("login"),
        }
        subject = " ".join(
            render_to_string("registration/email/password_reset_subject.txt", context).split()
        )
        text = render_to_string("registration/email/password_reset.txt", context)
    return outbox.outbox_enqueue(
        recipient_id=user.pk,
        address=user.email,
        kind=KIND,
        dedupe_key=f"{KIND}:{user.pk}:{window}",
        subject=subject,
        text=text,
    )


def password_reset_lift_lockout(*, user: User) -> int:
    """A password just reset through the e-mailed link lifts the login lockout of the user
    name (docs/architecture.md "Login throttling"): whoever set it reads the person's mail;
    a lockout of an address stays. Returns the attempt rows removed."""
    return axes_reset(username=user.get_username())


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's form, its e-mail sent through the outbox (planbridge.outbox)."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        password_reset_mail_enqueue(
            user=context["user"], uid=context["uid"], token=context["token"]
        )


class PasswordResetView(auth_views.PasswordResetView):
    form_class = OutboxPasswordResetForm
    success_url = reverse_lazy("password_reset_done")

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    def get_context_data(self, **kwargs):
        return super().get_context_data(hours=link_lifetime_hours(), **kwargs)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        password_reset_lift_lockout(user=form.user)
        return response

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response
