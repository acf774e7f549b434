"""Data and a real SMTP server for the flag job and digest tests (the reviews factories are
in factories.py; these build on them)."""

import datetime
import email
import email.policy
import socket

from aiosmtpd.controller import Controller
from django.utils import timezone

from planbridge.models import Profile
from reviews.models import Finding, Review

from .factories import CarryoverFactory, FindingFactory, ReviewFactory

GRACE = datetime.timedelta(days=7)


def closed_review(*, facilitator, days_ago: float = 10, plan=None, month=None, now=None):
    """A review of `facilitator` closed `days_ago` days before `now`."""
    now = now or timezone.now()
    return ReviewFactory(
        facilitator=facilitator,
        plan=plan,
        month=month or datetime.date(2026, 3, 1),
        status=Review.Status.CLOSED,
        closed_at=now - datetime.timedelta(days=days_ago),
    )


def flagged_finding(*, review, department, title=None, flagged_at=None, **kwargs) -> Finding:
    """A finding of `review` already flagged (as the flag job would leave it)."""
    extra = {"title": title} if title else {}
    return FindingFactory(
        review=review,
        department=department,
        flagged_at=flagged_at or timezone.now(),
        **extra,
        **kwargs,
    )


def carried(finding, *, accepted=True):
    """An accepted carryover of `finding` (with accepted=False, a proposal not yet accepted)."""
    if accepted:
        return CarryoverFactory(finding=finding)
    return CarryoverFactory(finding=finding, accepted_at=None, accepted_by=None)


def set_profile(user, **fields) -> Profile:
    profile, _created = Profile.objects.get_or_create(user=user)
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.save()
    return profile


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    """An aiosmtpd handler: refuses the first `refuse_first` messages with `refusal`, then
    keeps what it accepts as parsed email messages."""

    def __init__(self, refuse_first: float = 0, refusal: str = "451 4.3.0 Try again later"):
        self.refuse_first = refuse_first
        self.refusal = refusal
        self.attempts = 0
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.attempts += 1
        if self.attempts <= self.refuse_first:
            return self.refusal
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)
        return "250 Message accepted"


class SMTPServer:
    """A real SMTP server on 127.0.0.1 (a free port) for the duration of a `with` block."""

    def __init__(self, mailbox: Mailbox):
        self.mailbox = mailbox
        self.port = free_port()
        self.controller = Controller(mailbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    def settings_for(self, settings) -> None:
        """Points Django's SMTP backend at this server."""
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = self.port
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 5
