"""The two signatures, as DingTalk's and Feishu's documentation give them (their test vectors
are in tests/planbridge/test_robot_adapters.py). Both are computed afresh for every attempt:
each platform refuses a timestamp more than an hour off."""

import base64
import hashlib
import hmac
from urllib.parse import quote


def dingtalk_sign(*, secret: str, timestamp_ms: int) -> str:
    """base64(HMAC-SHA256(key=secret, msg=timestamp + "\\n" + secret)), not yet URL-encoded."""
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def dingtalk_signed_url(url: str, *, secret: str, timestamp_ms: int) -> str:
    """The robot's URL with `timestamp` and `sign` added, the signature URL-encoded once."""
    sign = quote(dingtalk_sign(secret=secret, timestamp_ms=timestamp_ms), safe="")
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}timestamp={timestamp_ms}&sign={sign}"


def feishu_sign(*, secret: str, timestamp_s: int) -> str:
    """base64(HMAC-SHA256(key=timestamp + "\\n" + secret, msg="")): Feishu signs the empty
    message with the joined string as key (unlike DingTalk)."""
    key = f"{timestamp_s}\n{secret}".encode()
    digest = hmac.new(key, b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()
