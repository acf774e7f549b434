"""Each platform's message format and size limit, and the split of a long message on line
breaks into parts that each fit, in order (docs/architecture.md "Chat robots")."""

import json
from dataclasses import dataclass
from typing import Any

WECOM = "wecom"
DINGTALK = "dingtalk"
FEISHU = "feishu"
SLACK = "slack"


@dataclass(frozen=True)
class Line:
    """One line of a robot message: text, and a link when `href` is set."""

    text: str
    href: str = ""


def lines_dump(lines: list[Line]) -> str:
    """How a message's lines are stored on its outbox row."""
    return json.dumps(
        [{"text": line.text, "href": line.href} for line in lines], ensure_ascii=False
    )


def lines_load(stored: str) -> list[Line]:
    return [Line(item["text"], item.get("href", "")) for item in json.loads(stored)]


def _markdown_line(line: Line) -> str:
    return f"[{line.text}]({line.href})" if line.href else line.text


def wecom_body(title: str, lines: list[Line], language: str) -> dict[str, Any]:
    content = "\n".join([f"### {title}", *(_markdown_line(line) for line in lines)])
    return {"msgtype": "markdown", "markdown": {"content": content}}


def dingtalk_body(title: str, lines: list[Line], language: str) -> dict[str, Any]:
    # DingTalk's markdown starts a new line only after an empty one.
    text = "\n\n".join([f"### {title}", *(_markdown_line(line) for line in lines)])
    return {
        "msgtype": "markdown",
        "markdown": {"title": title, "text": text},
        "at": {"atMobiles": [], "atUserIds": [], "isAtAll": False},
    }


def feishu_body(title: str, lines: list[Line], language: str) -> dict[str, Any]:
    paragraphs = [
        [{"tag": "a", "text": line.text, "href": line.href}]
        if line.href
        else [{"tag": "text", "text": line.text}]
        for line in lines
    ]
    locale = "zh_cn" if language.startswith("zh") else "en_us"
    return {
        "msg_type": "post",
        "content": {"post": {locale: {"title": title, "content": paragraphs}}},
    }


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_body(title: str, lines: list[Line], language: str) -> dict[str, Any]:
    def line_text(line: Line) -> str:
        if line.href:
            return f"<{line.href}|{_slack_escape(line.text)}>"
        return _slack_escape(line.text)

    text = "\n".join([f"*{_slack_escape(title)}*", *(line_text(line) for line in lines)])
    return {
        "text": title,
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}],
    }


BUILDERS = {WECOM: wecom_body, DINGTALK: dingtalk_body, FEISHU: feishu_body, SLACK: slack_body}

# Room left in every measured part for the signature fields Feishu adds to the body and for
# the part number added to a split message's title.
_RESERVE = 200


def measured_size(kind: str, body: dict[str, Any]) -> int:
    """What each platform's limit counts: WeCom the markdown content in UTF-8 bytes (4096),
    DingTalk and Feishu the JSON body in bytes (20,000; Feishu 20 KB), Slack the characters of
    a section's text (3000, Block Kit's limit)."""
    if kind == WECOM:
        return len(body["markdown"]["content"].encode())
    if kind == SLACK:
        return len(body["blocks"][0]["text"]["text"])
    return len(json.dumps(body, ensure_ascii=False).encode())


LIMITS = {WECOM: 4096, DINGTALK: 20_000, FEISHU: 20_000, SLACK: 3000}


def body_bytes(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode()


def split(kind: str, title: str, lines: list[Line], language: str) -> list[list[Line]]:
    """The message's lines in parts, in order, each part's body under the platform's limit;
    a single line too long for any part is cut."""
    build = BUILDERS[kind]
    limit = LIMITS[kind] - _RESERVE
    parts: list[list[Line]] = []
    current: list[Line] = []
    for line in lines:
        line = _fit_line(kind, title, line, language, limit)
        if current and measured_size(kind, build(title, [*current, line], language)) > limit:
            parts.append(current)
            current = []
        current.append(line)
    parts.append(current)
    return parts


def _fit_line(kind: str, title: str, line: Line, language: str, limit: int) -> Line:
    build = BUILDERS[kind]
    text = line.text
    while text and measured_size(kind, build(title, [Line(text, line.href)], language)) > limit:
        text = text[: max(len(text) * 9 // 10, 1) - 1]
    return Line(text, line.href)


def part_title(title: str, number: int, count: int) -> str:
    return title if count == 1 else f"{title} ({number}/{count})"


def part_body(kind: str, title: str, part: list[Line], language: str) -> dict[str, Any]:
    return BUILDERS[kind](title, part, language)
