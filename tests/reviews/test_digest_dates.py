"""A digest e-mail writes its dates as the pages do (YYYY-MM-DD, in the site's time zone), in
English and in Chinese, never a locale's long form such as "Nov. 28, 2026"."""

import re

from django.urls import reverse
from django.utils import timezone

from reviews import rules
from tests.planbridge.test_chinese_punctuation import half_width_next_to_chinese

from . import test_digests
from .factories_flags import set_profile

# The digest tests' fixtures: a review closed 10 days ago with flagged findings, and the run.
flagged = test_digests.flagged
run_digests = test_digests.run_digests

LONG_FORM = re.compile(r"[A-Z][a-z]{2}\.? \d{1,2}, \d{4}|\d{4}年\d{1,2}月\d{1,2}日")


def _deadline(flagged) -> str:
    return f"{timezone.localtime(rules.deadline_after(flagged['review'].closed_at)):%Y-%m-%d}"


def test_the_english_digest_writes_the_deadline_as_the_pages_do(
    flagged, dev_coordinator, run_digests
):
    run_digests()

    message = test_digests._outbox_by_recipient()[dev_coordinator.email]
    html = message.alternatives[0][0]
    assert f"Deadline: {_deadline(flagged)} (" in message.body
    assert f"<td>{_deadline(flagged)}</td>" in html
    assert not LONG_FORM.search(message.body) and not LONG_FORM.search(html)


def test_the_chinese_digest_writes_the_deadline_as_the_pages_do(
    flagged, dev_coordinator, run_digests
):
    set_profile(dev_coordinator, language="zh-hans")

    run_digests()

    message = test_digests._outbox_by_recipient()[dev_coordinator.email]
    html = message.alternatives[0][0]
    assert f"截止日期：{_deadline(flagged)}（" in message.body
    # Every label of the Chinese e-mail ends in a full-width colon, as its pages' labels do.
    assert half_width_next_to_chinese(message.body) == []
    assert "复盘：" in message.body and "衔接或搁置：" in message.body
    assert f"<td>{_deadline(flagged)}</td>" in html
    assert not LONG_FORM.search(message.body) and not LONG_FORM.search(html)


def test_the_digest_preview_page_writes_the_deadline_as_the_e_mail_does(
    flagged, dev_coordinator, client_for
):
    html = client_for(dev_coordinator).get(reverse("reviews:my_digest")).content.decode()
    assert f"<td>{_deadline(flagged)}</td>" in html
