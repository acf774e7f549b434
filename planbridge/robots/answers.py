"""Reading a platform's answer: success is decided from the body (`errcode`, `code`), not
from the HTTP status, except on Slack, whose errors are HTTP statuses
(docs/architecture.md "Chat robots")."""

import json
from dataclasses import dataclass

from .formats import DINGTALK, FEISHU, SLACK, WECOM

OK = "ok"
# Too many posts: retried after the platform's back-off.
RATE_LIMITED = "rate_limited"
# The robot's settings are wrong for this platform (signature, keyword, size, address): not
# retried; the robot's owner sees the platform's message.
REFUSED = "refused"
# The platform failed for now (5xx, an answer that is not its JSON): retried with backoff.
TRANSIENT = "transient"


@dataclass(frozen=True)
class Answer:
    outcome: str
    message: str
    # Seconds the platform asks us to wait before the next post (RATE_LIMITED).
    back_off: float = 0.0


# The platforms' back-offs: WeCom about a minute (reported), DingTalk throttles the robot for
# 10 minutes, Feishu's limits are per minute.
WECOM_RATE_LIMIT = 45009
WECOM_BACK_OFF = 60.0
DINGTALK_RATE_LIMIT = 130101
DINGTALK_BACK_OFF = 600.0
FEISHU_RATE_LIMIT = 11232
FEISHU_BACK_OFF = 60.0
SLACK_BACK_OFF = 60.0


def classify(kind: str, status: int, headers: dict[str, str], body: bytes) -> Answer:
    """The outcome of one post from the platform's answer."""
    text = body.decode("utf-8", "replace").strip()
    if kind == SLACK:
        return _slack(status, headers, text)
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return Answer(TRANSIENT, f"HTTP {status}: {text[:300]}")
    if kind in (WECOM, DINGTALK):
        code = data.get("errcode")
        message = str(data.get("errmsg", ""))
        rate_code, back_off = (
            (WECOM_RATE_LIMIT, WECOM_BACK_OFF)
            if kind == WECOM
            else (DINGTALK_RATE_LIMIT, DINGTALK_BACK_OFF)
        )
    elif kind == FEISHU:
        code = data.get("code", data.get("StatusCode"))
        message = str(data.get("msg", data.get("StatusMessage", "")))
        rate_code, back_off = FEISHU_RATE_LIMIT, FEISHU_BACK_OFF
    else:
        raise ValueError(f"Unknown robot kind {kind!r}")
    if code == 0:
        return Answer(OK, message)
    if code is None:
        return Answer(TRANSIENT, f"HTTP {status}: {text[:300]}")
    if code == rate_code:
        return Answer(RATE_LIMITED, f"{code}: {message}", back_off)
    return Answer(REFUSED, f"{code}: {message}")


def _slack(status: int, headers: dict[str, str], text: str) -> Answer:
    if status == 200 and text == "ok":
        return Answer(OK, text)
    if status == 429:
        try:
            back_off = float(headers.get("retry-after", SLACK_BACK_OFF))
        except ValueError:
            back_off = SLACK_BACK_OFF
        return Answer(RATE_LIMITED, f"HTTP 429: {text[:300]}", back_off)
    if status >= 500:
        return Answer(TRANSIENT, f"HTTP {status}: {text[:300]}")
    return Answer(REFUSED, f"HTTP {status}: {text[:300]}")
