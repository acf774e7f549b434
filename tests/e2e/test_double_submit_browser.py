"""A create form sent twice from the browser (docs/architecture.md "Idempotent writes"): the
page's own form, posted twice at once with the same one-time token, raises one ask, and both
answers lead to it."""

import datetime
import re

from playwright.sync_api import expect

from meetings.models import Ask
from planbridge.periods import today

from .conftest import login

WHAT = "Launch checklist review, sent twice"

# Both posts leave before either answer comes back, as with a double click on a slow line.
POST_TWICE = """async (form) => {
    const send = () => fetch(form.action, {method: "POST", body: new FormData(form)});
    const answers = await Promise.all([send(), send()]);
    return answers.map((answer) => [answer.status, new URL(answer.url).pathname]);
}"""


def test_the_ask_form_posted_twice_at_once_raises_one_ask(page, demo):
    login(page, "dev.coordinator")
    page.goto("/weekly/asks/new/")
    form = page.get_by_test_id("ask-form")
    form.get_by_label("To department").select_option(label="Marketing")
    form.get_by_label("What is needed").fill(WHAT)
    form.get_by_label("Needed by").fill((today() + datetime.timedelta(days=4)).isoformat())
    answers = form.evaluate(POST_TWICE)
    ask = Ask.objects.get(what=WHAT)
    assert answers == [[200, f"/weekly/asks/{ask.pk}/"]] * 2
    # The page's form is still the one sent: sending it once more is the same submit again.
    form.get_by_role("button", name="Send ask").click()
    expect(page.get_by_text("This was already submitted; here is the result.")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/weekly/asks/{ask.pk}/$"))
    assert Ask.objects.filter(what=WHAT).count() == 1
