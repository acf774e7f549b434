"""The platforms' documented contracts, one concern at a time: the signatures with their
published test vectors, the message formats, the split under each size limit and reading an
answer (docs/architecture.md "Chat robots")."""

import json

import pytest

from planbridge.robots import answers, formats
from planbridge.robots.formats import Line
from planbridge.robots.signing import dingtalk_sign, dingtalk_signed_url, feishu_sign


def test_dingtalk_signature_matches_the_documented_vector():
    assert (
        dingtalk_sign(secret="SECtestsecret", timestamp_ms=1700000000000)
        == "7LVwF0dAF3/+MRRulbpE4y72Ogzykc6bS2nG4I99T4s="
    )


def test_dingtalk_signature_is_url_encoded_once_in_the_url():
    url = dingtalk_signed_url(
        "https://oapi.dingtalk.com/robot/send?access_token=T",
        secret="SECtestsecret",
        timestamp_ms=1700000000000,
    )
    assert url == (
        "https://oapi.dingtalk.com/robot/send?access_token=T&timestamp=1700000000000"
        "&sign=7LVwF0dAF3%2F%2BMRRulbpE4y72Ogzykc6bS2nG4I99T4s%3D"
    )


def test_feishu_signature_matches_the_documented_vector():
    assert (
        feishu_sign(secret="testsecret", timestamp_s=1700000000)
        == "AOc8oJ7//5OlQlfWC3nRL0R+IkuzcD1FKcAyibRK9Q8="
    )


LINES = [Line("Overdue: launch"), Line("Open the finding", "https://pb.example/f/1")]


def test_wecom_posts_markdown_content():
    body = formats.wecom_body("Digest", LINES, "en")
    assert body == {
        "msgtype": "markdown",
        "markdown": {
            "content": "### Digest\nOverdue: launch\n[Open the finding](https://pb.example/f/1)"
        },
    }


def test_dingtalk_posts_markdown_with_a_title_and_no_one_mentioned():
    body = formats.dingtalk_body("Digest", LINES, "en")
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["title"] == "Digest"
    assert "[Open the finding](https://pb.example/f/1)" in body["markdown"]["text"]
    assert body["at"] == {"atMobiles": [], "atUserIds": [], "isAtAll": False}


@pytest.mark.parametrize(("language", "locale"), [("zh-hans", "zh_cn"), ("en", "en_us")])
def test_feishu_posts_rich_text_in_the_robots_language(language, locale):
    body = formats.feishu_body("Digest", LINES, language)
    assert body["msg_type"] == "post"
    assert body["content"]["post"][locale] == {
        "title": "Digest",
        "content": [
            [{"tag": "text", "text": "Overdue: launch"}],
            [{"tag": "a", "text": "Open the finding", "href": "https://pb.example/f/1"}],
        ],
    }


def test_slack_posts_a_section_block_with_a_fallback_text():
    body = formats.slack_body("Digest <1>", LINES, "en")
    assert body["text"] == "Digest <1>"
    section = body["blocks"][0]
    assert section["type"] == "section" and section["text"]["type"] == "mrkdwn"
    assert section["text"]["text"] == (
        "*Digest &lt;1&gt;*\nOverdue: launch\n<https://pb.example/f/1|Open the finding>"
    )


@pytest.mark.parametrize("kind", ["wecom", "dingtalk", "feishu", "slack"])
def test_a_long_message_is_split_on_line_breaks_in_order_each_part_under_the_limit(kind):
    lines = [Line(f"第{n}行 finding line {n} " + "x" * 60) for n in range(600)]
    parts = formats.split(kind, "Digest", lines, "zh-hans")
    assert len(parts) > 1
    assert [line for part in parts for line in part] == lines
    for number, part in enumerate(parts, 1):
        title = formats.part_title("Digest", number, len(parts))
        body = formats.part_body(kind, title, part, "zh-hans")
        assert formats.measured_size(kind, body) <= formats.LIMITS[kind] - 100


def test_a_short_message_is_one_part_and_keeps_its_title():
    assert formats.split("wecom", "Digest", LINES, "en") == [LINES]
    assert formats.part_title("Digest", 1, 1) == "Digest"
    assert formats.part_title("Digest", 2, 3) == "Digest (2/3)"


def test_a_single_line_over_the_limit_is_cut_to_fit():
    parts = formats.split("wecom", "Digest", [Line("字" * 5000)], "zh-hans")
    body = formats.part_body("wecom", "Digest", parts[0], "zh-hans")
    assert len(parts) == 1 and formats.measured_size("wecom", body) <= 4096


def _classify(kind, body, status=200, headers=None):
    raw = body if isinstance(body, str) else json.dumps(body)
    return answers.classify(kind, status, headers or {}, raw.encode())


def test_success_is_read_from_the_body_not_the_http_status():
    assert _classify("wecom", {"errcode": 0, "errmsg": "ok"}).outcome == answers.OK
    assert _classify("dingtalk", {"errcode": 0, "errmsg": "ok"}).outcome == answers.OK
    assert _classify("feishu", {"code": 0, "data": {}, "msg": "success"}).outcome == answers.OK
    assert _classify("feishu", {"StatusCode": 0, "StatusMessage": "success"}).outcome == answers.OK
    # HTTP 200 with an error code is a refusal.
    refused = _classify("dingtalk", {"errcode": 310000, "errmsg": "keywords not in content"})
    assert refused.outcome == answers.REFUSED
    assert refused.message == "310000: keywords not in content"


@pytest.mark.parametrize(
    ("kind", "body", "back_off"),
    [
        ("wecom", {"errcode": 45009, "errmsg": "api freq out of limit"}, 60),
        ("dingtalk", {"errcode": 130101, "errmsg": "send too fast"}, 600),
        ("feishu", {"code": 11232, "msg": "frequency limited"}, 60),
    ],
)
def test_rate_limit_answers_ask_for_the_platforms_back_off(kind, body, back_off):
    answer = _classify(kind, body)
    assert answer.outcome == answers.RATE_LIMITED
    assert answer.back_off == back_off


@pytest.mark.parametrize(
    ("kind", "body"),
    [
        ("wecom", {"errcode": 40058, "errmsg": "markdown.content exceed max length"}),
        ("dingtalk", {"errcode": 460101, "errmsg": "message too long"}),
        ("feishu", {"code": 19021, "msg": "sign match fail"}),
    ],
)
def test_signature_keyword_and_size_errors_are_refusals(kind, body):
    assert _classify(kind, body).outcome == answers.REFUSED


def test_slack_reads_the_http_status_and_its_retry_after():
    assert _classify("slack", "ok").outcome == answers.OK
    limited = _classify("slack", "rate_limited", status=429, headers={"retry-after": "7"})
    assert (limited.outcome, limited.back_off) == (answers.RATE_LIMITED, 7.0)
    assert _classify("slack", "invalid_token", status=403).outcome == answers.REFUSED
    assert _classify("slack", "", status=503).outcome == answers.TRANSIENT


def test_an_answer_that_is_not_the_platforms_json_is_retried():
    assert _classify("wecom", "<html>Bad gateway</html>", status=502).outcome == answers.TRANSIENT
