"""A real SMTP server (aiosmtpd on 127.0.0.1) for the tests of everything that sends mail."""

import email
import email.policy
import socket

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    """An aiosmtpd handler: refuses the first `refuse_first` messages with `refusal`, hangs up
    after the data of the next `hang_up_first`, then keeps what it accepts as parsed email
    messages."""

    def __init__(
        self,
        refuse_first: float = 0,
        refusal: str = "451 4.3.0 Try again later",
        hang_up_first: float = 0,
    ):
        self.refuse_first = refuse_first
        self.refusal = refusal
        self.hang_up_first = hang_up_first
        self.attempts = 0
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.attempts += 1
        if self.attempts <= self.refuse_first:
            return self.refusal
        if self.attempts <= self.refuse_first + self.hang_up_first:
            # The message data arrived, but the line drops before the answer: the client
            # cannot know whether it was taken.
            server.transport.close()
            return "250 Message accepted"
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
