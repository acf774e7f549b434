"""Reviews' events notify exactly the right people (docs/architecture.md "Notifications"):
a proposal the coordinators of the department it goes to, its answer the proposer, a closed
review the coordinators of each department with findings in it, a flagged finding its
department's coordinators; never the actor, each in their language."""

import datetime

import pytest

from planbridge import notifications
from planbridge.models import Membership, Notification, OutboxMessage, Profile
from planbridge.periods import add_months
from reviews import services
from reviews.models import Review
from reviews.services.flagging import unlinked_findings_flag

from ..factories import MembershipFactory, UserFactory
from .factories import FindingFactory, ReviewFactory
from .factories_flags import closed_review

Kind = Notification.Kind


def notified(kind):
    return sorted(
        Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True)
    )


@pytest.fixture
def chinese_marketing_coordinator(departments):
    user = UserFactory(username="max.marketing", first_name="Max")
    MembershipFactory(
        user=user, department=departments["marketing"], role=Membership.Role.COORDINATOR
    )
    Profile.objects.update_or_create(user=user, defaults={"language": "zh-hans"})
    return user


@pytest.fixture
def proposal(dev_coordinator, recent_finding, departments):
    return services.finding_propose_item(
        actor=dev_coordinator,
        finding=recent_finding,
        department=departments["marketing"],
        title="Move the launch event",
    )


def test_a_proposed_item_notifies_the_departments_coordinators_in_their_language(
    chinese_marketing_coordinator, marketing_coordinator, sales_coordinator, proposal
):
    assert notified(Kind.PROPOSAL_MADE) == ["max.marketing", "mia.marketing"]
    row = Notification.objects.get(recipient=marketing_coordinator)
    assert row.url == f"/reviews/findings/{proposal.finding_id}/"
    assert row.title == "Core module B slipped two weeks → Move the launch event"
    chinese = OutboxMessage.objects.get(recipient=chinese_marketing_coordinator)
    assert "为 Marketing 提议了工作" in chinese.subject


def test_a_proposed_carryover_into_another_departments_item_notifies_its_coordinators(
    dev_coordinator, marketing_coordinator, recent_finding, departments, running_plan, this_month
):
    from tests.goals.factories import PlanItemFactory

    item = PlanItemFactory(
        plan=running_plan, department=departments["marketing"], month=this_month, title="Launch"
    )
    carryover = services.finding_carry(
        actor=dev_coordinator, finding=recent_finding, plan_item=item
    )
    assert carryover.accepted_at is None
    assert notified(Kind.PROPOSAL_MADE) == ["mia.marketing"]
    services.carryover_accept(actor=marketing_coordinator, carryover=carryover)
    assert notified(Kind.PROPOSAL_ACCEPTED) == ["dana.dev"]


def test_a_carry_into_ones_own_department_notifies_nobody(
    dev_coordinator, recent_finding, departments, running_plan, this_month
):
    from tests.goals.factories import PlanItemFactory

    item = PlanItemFactory(plan=running_plan, department=departments["dev"], month=this_month)
    services.finding_carry(actor=dev_coordinator, finding=recent_finding, plan_item=item)
    assert not Notification.objects.exists()


def test_an_accepted_proposal_notifies_the_proposer(marketing_coordinator, proposal):
    Notification.objects.all().delete()
    services.carry_proposal_accept(
        actor=marketing_coordinator, proposal=proposal, owner=marketing_coordinator
    )
    assert notified(Kind.PROPOSAL_ACCEPTED) == ["dana.dev"]
    assert Notification.objects.count() == 1


def test_a_declined_proposal_notifies_the_proposer(marketing_coordinator, proposal):
    services.carry_proposal_decline(actor=marketing_coordinator, proposal=proposal)
    assert notified(Kind.PROPOSAL_DECLINED) == ["dana.dev"]


def test_a_withdrawn_proposal_notifies_nobody(dev_coordinator, proposal):
    services.carry_proposal_decline(actor=dev_coordinator, proposal=proposal)
    assert notified(Kind.PROPOSAL_DECLINED) == []


def test_a_declined_carryover_notifies_the_proposer(
    dev_coordinator, marketing_coordinator, recent_finding, departments, running_plan, this_month
):
    from tests.goals.factories import PlanItemFactory

    item = PlanItemFactory(plan=running_plan, department=departments["marketing"], month=this_month)
    carryover = services.finding_carry(
        actor=dev_coordinator, finding=recent_finding, plan_item=item
    )
    services.carryover_decline(actor=marketing_coordinator, carryover=carryover)
    assert notified(Kind.PROPOSAL_DECLINED) == ["dana.dev"]


def test_closing_a_review_notifies_the_coordinators_of_departments_with_findings(
    pm, dev_coordinator, marketing_coordinator, sales_coordinator, departments, this_month
):
    review = ReviewFactory(
        month=add_months(this_month, -1), facilitator=pm, status=Review.Status.OPEN
    )
    FindingFactory(review=review, department=departments["dev"])
    FindingFactory(review=review, department=departments["dev"])
    FindingFactory(review=review, department=departments["marketing"])
    services.review_close(actor=pm, review=review)
    assert notified(Kind.REVIEW_CLOSED) == ["dana.dev", "mia.marketing"]
    row = Notification.objects.get(recipient=dev_coordinator)
    assert (row.department_name, row.url) == ("Product Development", f"/reviews/{review.pk}/")
    # The default for a closed review is the digest: no e-mail at once.
    assert not OutboxMessage.objects.exists()


def test_a_pm_coordinating_a_department_is_not_told_of_their_own_close(
    pm, dev_coordinator, departments, this_month
):
    MembershipFactory(user=pm, department=departments["dev"], role=Membership.Role.COORDINATOR)
    review = ReviewFactory(
        month=add_months(this_month, -1), facilitator=pm, status=Review.Status.OPEN
    )
    FindingFactory(review=review, department=departments["dev"])
    services.review_close(actor=pm, review=review)
    assert notified(Kind.REVIEW_CLOSED) == ["dana.dev"]


NOW = datetime.datetime(2026, 4, 20, 9, 0, tzinfo=datetime.UTC)


def test_the_flag_job_notifies_the_coordinators_of_each_flagged_findings_department(
    pm, dev_coordinator, marketing_coordinator, sales_coordinator, departments
):
    review = closed_review(facilitator=pm, days_ago=10, now=NOW)
    dev = FindingFactory(review=review, department=departments["dev"], title="Late launch")
    FindingFactory(review=review, department=departments["marketing"])
    FindingFactory(
        review=closed_review(facilitator=pm, days_ago=2, now=NOW, month=datetime.date(2026, 2, 1)),
        department=departments["sales"],
    )
    assert unlinked_findings_flag(now=NOW) == 2
    assert notified(Kind.FINDING_FLAGGED) == ["dana.dev", "mia.marketing"]
    row = Notification.objects.get(recipient=dev_coordinator)
    assert (row.object_id, row.title, row.actor) == (dev.pk, "Late launch", None)
    # A second run at the same moment adds nothing.
    assert unlinked_findings_flag(now=NOW) == 0
    assert Notification.objects.count() == 2


@pytest.mark.parametrize("size", [2, 20])
def test_the_flag_job_notifies_in_a_fixed_number_of_queries(
    size, pm, dev_coordinator, departments, django_assert_max_num_queries
):
    review = closed_review(facilitator=pm, days_ago=10, now=NOW)
    for _n in range(size):
        FindingFactory(review=review, department=departments["dev"])
    # The flag statement, the flagged findings, their coordinators, the recipients, their
    # preferences and one INSERT, with the transaction and savepoints around them.
    with django_assert_max_num_queries(14):
        unlinked_findings_flag(now=NOW)
    assert Notification.objects.count() == size


# The daily digest carries both the flagged findings and the notifications waiting for it.


def _digest_run(django_capture_on_commit_callbacks):
    from reviews.tasks import send_unlinked_digests

    with django_capture_on_commit_callbacks(execute=True):
        return send_unlinked_digests.delay().get()


def _ask_done_for(user, actor, title="Share the launch budget"):
    notifications.notify(
        kind=Kind.ASK_DONE,  # in the digest by default
        recipient_ids=[user.pk],
        actor=actor,
        app_label="meetings",
        object_id=7,
        url="/weekly/asks/7/",
        title=title,
        department_name="Product Development",
    )


def test_one_digest_a_day_lists_the_flagged_findings_and_the_waiting_notifications(
    pm, dev_coordinator, marketing_coordinator, departments, django_capture_on_commit_callbacks
):
    from django.core import mail

    from .factories_flags import flagged_finding

    review = closed_review(facilitator=pm, days_ago=10)
    flagged_finding(review=review, department=departments["dev"], title="Build slipped")
    _ask_done_for(dev_coordinator, marketing_coordinator)
    _digest_run(django_capture_on_commit_callbacks)
    dana = [message for message in mail.outbox if message.to == [dev_coordinator.email]]
    assert len(dana) == 1
    body, html = dana[0].body, dana[0].alternatives[0][0]
    assert "Build slipped" in body
    assert "Notifications since your last digest" in body
    assert "Mia marked the ask of Product Development done: Share the launch budget" in body
    assert 'href="http' in html and "/weekly/asks/7/" in html
    assert Notification.objects.get(recipient=dev_coordinator).emailed_at is not None
    # A notification recorded later the same day waits for tomorrow's digest: no second
    # e-mail today.
    _ask_done_for(dev_coordinator, marketing_coordinator, title="Later the same day")
    _digest_run(django_capture_on_commit_callbacks)
    assert len([m for m in mail.outbox if m.to == [dev_coordinator.email]]) == 1
    later = Notification.objects.get(title="Later the same day")
    assert later.emailed_at is None


def test_a_user_with_only_notifications_gets_a_digest_of_them_in_their_language(
    dev_coordinator, marketing_coordinator, django_capture_on_commit_callbacks
):
    from django.core import mail

    Profile.objects.update_or_create(user=dev_coordinator, defaults={"language": "zh-hans"})
    _ask_done_for(dev_coordinator, marketing_coordinator)
    _digest_run(django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert message.subject == "PlanBridge：自上次摘要以来有 1 条通知"
    assert "Mia 将 Product Development 的请求标记为完成：Share the launch budget" in message.body
    assert "自上次摘要以来的通知" in message.body


def test_at_once_and_off_notifications_stay_out_of_the_digest(
    dev_coordinator, marketing_coordinator, django_capture_on_commit_callbacks
):

    from planbridge.models import NotificationPreference

    NotificationPreference.objects.create(
        user=dev_coordinator, kind=Kind.ASK_DONE, delivery=Notification.Delivery.OFF
    )
    _ask_done_for(dev_coordinator, marketing_coordinator)
    notifications.notify(
        kind=Kind.ASK_ACCEPTED,  # at once by default
        recipient_ids=[dev_coordinator.pk],
        actor=marketing_coordinator,
        app_label="meetings",
        object_id=8,
        url="/weekly/asks/8/",
        title="Accepted one",
    )
    with django_capture_on_commit_callbacks(execute=True):
        pass
    _digest_run(django_capture_on_commit_callbacks)
    assert not OutboxMessage.objects.filter(kind="digest").exists()
    # The at-once one went by itself.
    assert OutboxMessage.objects.filter(kind="notification", recipient=dev_coordinator).count() == 1


def test_an_opted_out_user_gets_no_digest_of_notifications_either(
    dev_coordinator, marketing_coordinator, django_capture_on_commit_callbacks
):
    Profile.objects.update_or_create(user=dev_coordinator, defaults={"digest_opt_out": True})
    _ask_done_for(dev_coordinator, marketing_coordinator)
    _digest_run(django_capture_on_commit_callbacks)
    assert not OutboxMessage.objects.filter(kind="digest").exists()
    assert Notification.objects.get().read_at is None  # still shown in-app


def test_a_flagged_finding_is_told_once_in_the_digest_that_lists_it(
    pm, dev_coordinator, departments, django_capture_on_commit_callbacks
):
    from django.core import mail

    from reviews.models import Finding
    from reviews.services.notifying import findings_flagged_notify

    from .factories_flags import flagged_finding

    review = closed_review(facilitator=pm, days_ago=10)
    finding = flagged_finding(review=review, department=departments["dev"], title="Build slipped")
    findings_flagged_notify(findings=Finding.objects.filter(pk=finding.pk))
    _ask_done_for(dev_coordinator, pm)
    _digest_run(django_capture_on_commit_callbacks)
    (dana,) = [message for message in mail.outbox if message.to == [dev_coordinator.email]]
    assert dana.body.count("Build slipped") == 1
    assert "Share the launch budget" in dana.body
    # Both are carried by that digest: neither waits for tomorrow's.
    assert not Notification.objects.filter(recipient=dev_coordinator, emailed_at=None).exists()
