"""One HTTP post to a robot's webhook, telling apart an error before the request went out
(nothing posted: retried) from one after it (the platform may have it: outcome unknown), and
the address rule: `https://` on a public host unless PLANBRIDGE_ALLOW_PRIVATE_WEBHOOKS."""

import http.client
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

TIMEOUT_SECONDS = 10.0


class NotSent(Exception):
    """The request did not leave: nothing was posted."""


class MaybeSent(Exception):
    """The connection broke or timed out after the request went out."""


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


def url_check(url: str) -> None:
    """Raises a translated ValidationError unless `url` may be a robot's webhook: `https://`
    and a host that resolves to public addresses only (a webhook on the internal network would
    let a robot's owner make the server post anywhere)."""
    parts = urlsplit(url)
    allow_private = settings.PLANBRIDGE_ALLOW_PRIVATE_WEBHOOKS
    schemes = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in schemes or not parts.hostname:
        raise ValidationError(_("The webhook URL must start with https://."), code="scheme")
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise ValidationError(
            _("The webhook host %(host)s cannot be found.") % {"host": parts.hostname},
            code="host",
        ) from exc
    for info in infos:
        if not ipaddress.ip_address(info[4][0]).is_global:
            raise ValidationError(
                _("The webhook host %(host)s is not on the public internet.")
                % {"host": parts.hostname},
                code="private",
            )


def post_json(url: str, body: bytes, *, timeout: float | None = None) -> Response:
    """Posts `body` (JSON) to `url`; raises NotSent or MaybeSent."""
    timeout = TIMEOUT_SECONDS if timeout is None else timeout
    try:
        url_check(url)
    except ValidationError as exc:
        raise NotSent(" ".join(exc.messages)) from exc
    parts = urlsplit(url)
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(parts.hostname or "", parts.port, timeout=timeout)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    try:
        try:
            connection.connect()
        except OSError as exc:
            raise NotSent(f"{type(exc).__name__}: {exc}") from exc
        try:
            connection.request(
                "POST",
                path,
                body=body,
                headers={"Content-Type": "application/json; charset=utf-8"},
            )
            answer = connection.getresponse()
            data = answer.read()
        except (OSError, http.client.HTTPException) as exc:
            raise MaybeSent(f"{type(exc).__name__}: {exc}") from exc
        return Response(answer.status, {k.lower(): v for k, v in answer.getheaders()}, data)
    finally:
        connection.close()
