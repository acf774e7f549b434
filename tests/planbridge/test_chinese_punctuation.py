"""Chinese text uses full-width punctuation (docs/contributing.md "Translations"): no
half-width colon, comma, semicolon, question or exclamation mark or parenthesis next to a
Chinese character, in the compiled catalogue and in the e-mails and pages built from it."""

import gettext
import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’"
HALF_WIDTH_NEXT_TO_CJK = re.compile(rf"[{CJK}] ?[:,;?!()]|[:,;?!()] ?[{CJK}]")


def chinese_catalogue() -> dict:
    path = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES" / "django.mo"
    with path.open("rb") as mo:
        return gettext.GNUTranslations(mo)._catalog  # type: ignore[attr-defined]


def half_width_next_to_chinese(text: str) -> list[str]:
    return [match.group() for match in HALF_WIDTH_NEXT_TO_CJK.finditer(text)]


def test_the_detector_finds_a_half_width_colon_and_comma_and_passes_full_width():
    assert half_width_next_to_chinese("截止日期: 2026-11-28") == ["期:"]
    assert half_width_next_to_chinese("你好,世界") == ["好,"]
    assert half_width_next_to_chinese("截止日期：2026-11-28（逾期 3 天）") == []
    assert half_width_next_to_chinese("%(name)s，您好：") == []


def test_no_chinese_message_has_half_width_punctuation_next_to_a_chinese_character():
    offenders = {
        str(msgid): msgstr
        for msgid, msgstr in chinese_catalogue().items()
        if msgid and half_width_next_to_chinese(msgstr)
    }
    assert offenders == {}


def test_the_chinese_label_separator_is_a_full_width_colon():
    catalogue = chinese_catalogue()
    assert catalogue["label separator\x04: "] == "："
    assert catalogue["list separator\x04, "] == "、"


def test_a_chinese_page_labels_with_full_width_colons(client_for, plan, pm):
    client = client_for(pm)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    html = client.get(reverse("plan_document", args=[plan.pk])).content.decode()
    assert "未归属部门</strong>：" in html
    assert half_width_next_to_chinese(re.sub(r"<[^>]+>", "", html)) == []
