"""The "My digest" page: each user sees what their own next digest would contain."""

import pytest
from django.urls import reverse
from django.utils import timezone

from planbridge import outbox
from planbridge.models import OutboxMessage
from reviews.selectors.digests import digest_key

from .factories_flags import closed_review, flagged_finding, set_profile

URL = reverse("reviews:my_digest")


@pytest.fixture
def flagged(pm, departments, dev_coordinator, marketing_coordinator):
    review = closed_review(facilitator=pm)
    return {
        "dev": flagged_finding(review=review, department=departments["dev"], title="Build slipped"),
        "mkt": flagged_finding(
            review=review, department=departments["marketing"], title="Campaign too early"
        ),
    }


def test_an_anonymous_visitor_is_sent_to_the_login_page(anon):
    response = anon.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_coordinator_sees_only_the_findings_of_their_department(
    flagged, client_for, dev_coordinator
):
    page = client_for(dev_coordinator).get(URL).content.decode()

    assert "Build slipped" in page
    assert "Campaign too early" not in page
    assert reverse("reviews:finding_detail", args=[flagged["dev"].pk]) in page


def test_the_facilitator_sees_every_finding_of_their_review(flagged, client_for, pm):
    page = client_for(pm).get(URL).content.decode()

    assert "Build slipped" in page and "Campaign too early" in page


def test_a_member_with_nothing_flagged_is_told_no_digest_will_be_sent(
    flagged, client_for, dev_member
):
    response = client_for(dev_member).get(URL)

    assert 'data-testid="digest-empty"' in response.content.decode()


def test_the_page_tells_a_user_who_opted_out_and_links_to_the_profile(
    flagged, client_for, marketing_coordinator
):
    set_profile(marketing_coordinator, digest_opt_out=True)

    page = client_for(marketing_coordinator).get(URL).content.decode()

    assert "You have turned the digest off" in page
    assert reverse("profile") in page


def test_the_page_says_when_todays_digest_was_sent(flagged, client_for, dev_coordinator):
    outbox.outbox_enqueue(
        recipient_id=dev_coordinator.pk,
        address=dev_coordinator.email,
        kind="digest",
        dedupe_key=digest_key(dev_coordinator.pk, timezone.localdate()),
        subject="PlanBridge",
        text="…",
        queue=False,
    )
    OutboxMessage.objects.update(state=OutboxMessage.State.SENT, sent_at=timezone.now())

    page = client_for(dev_coordinator).get(URL).content.decode()

    assert "the next one goes out tomorrow" in page


def test_the_page_is_in_chinese_for_a_chinese_speaking_user(flagged, client_for, dev_coordinator):
    set_profile(dev_coordinator, language="zh-hans")

    page = client_for(dev_coordinator).get(URL).content.decode()

    assert "我的摘要" in page and "逾期" in page


def test_posting_to_the_page_is_refused_and_changes_nothing(flagged, client_for, dev_coordinator):
    response = client_for(dev_coordinator).post(URL, {"digest_opt_out": "on"})

    assert response.status_code == 405
    assert not OutboxMessage.objects.exists()


def test_the_user_menu_links_to_the_page(client_for, dev_member):
    page = client_for(dev_member).get(reverse("profile")).content.decode()

    assert f'href="{URL}"' in page


@pytest.mark.parametrize("count", [10, 300])
def test_the_page_runs_a_bounded_number_of_queries(
    count, pm, departments, dev_coordinator, client_for, django_assert_max_num_queries
):
    review = closed_review(facilitator=pm)
    for index in range(count):
        department = departments["dev"] if index % 2 else departments["marketing"]
        flagged_finding(review=review, department=department)
    client = client_for(pm)

    # 10 at either size: session, user, profile (language middleware), the navigation's
    # counters (2), then the page: profile, the findings with review, plan and department
    # joined (after its departments and reviews), today's digest in the outbox. One spare.
    with django_assert_max_num_queries(11):
        response = client.get(URL)

    assert response.content.decode().count('class="badge text-bg-danger"') == count
