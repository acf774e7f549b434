"""Every form that creates something carries a one-time token (docs/architecture.md
"Idempotent writes"): a second submit of the same form creates nothing and is sent to the
first one's result, also when 20 (or, for carrying into a new item, 50) identical submits
arrive at the same moment; a missing or garbled token is refused on the form, nothing saved.

Each form is posted as the page served it (its fields' values, the token included), by the
person the page is for. Concurrent submits run on threads, each with its own database
connection, against committed data (transaction=True)."""

import datetime
import inspect
import threading
from dataclasses import dataclass

import pytest
from django.contrib.messages import get_messages
from django.db import connections
from django.test import Client
from django.urls import reverse

from goals.models import CheckIn, PlanItem
from meetings.models import ActionItem, Ask
from planbridge.models import Profile, SubmissionToken
from planbridge.periods import add_months, month_end, month_start, today
from reviews.models import Carryover, CarryProposal, Finding, Review

from .factories import PlanFactory
from .goals.factories import GoalFactory, PlanItemFactory
from .meetings.factories import MeetingFactory
from .reviews.factories import FindingFactory, ReviewFactory

ALREADY = "This was already submitted; here is the result."
LOST = "This form had lost its one-time token, so nothing was saved."


@dataclass
class CreateForm:
    """One creating form: who opens which page, which form of it, what they fill in, where
    it posts, what it creates and where its result is."""

    user: object
    page: str
    form_key: str
    fill: dict
    action: str
    created: object  # () -> tuple of row counts
    result_url: object  # () -> the first submit's result page

    def posted(self, client) -> dict:
        form = client.get(self.page).context[self.form_key]
        data = {
            name: "" if form[name].value() is None else form[name].value() for name in form.fields
        }
        return {**data, **self.fill}


@pytest.fixture
def running_plan(pm, dev_coordinator, marketing_coordinator, sales_coordinator):
    this_month = month_start(today())
    plan = PlanFactory(
        title="Running plan",
        owner=pm,
        start=add_months(this_month, -3),
        end=month_end(add_months(this_month, 2)),
    )
    plan.team.set([pm, dev_coordinator, marketing_coordinator, sales_coordinator])
    return plan


@pytest.fixture
def finding(pm, running_plan, departments):
    review = ReviewFactory(
        month=add_months(month_start(today()), -1), plan=running_plan, facilitator=pm
    )
    return FindingFactory(review=review, department=departments["dev"], title="Beta slipped")


def carry_new_item(pm, finding, departments):
    return CreateForm(
        user=pm,
        page=reverse("reviews:finding_detail", args=[finding.pk]),
        form_key="new_item_form",
        fill={"title": "Catch up on the beta"},
        action=reverse("reviews:finding_carry_new", args=[finding.pk]),
        created=lambda: (PlanItem.objects.count(), Carryover.objects.count()),
        result_url=lambda: reverse("reviews:finding_detail", args=[finding.pk]),
    )


def propose_item(dev_coordinator, finding, departments):
    return CreateForm(
        user=dev_coordinator,
        page=reverse("reviews:finding_detail", args=[finding.pk]),
        form_key="new_item_form",
        fill={"department": departments["marketing"].pk, "owner": "", "title": "Tell customers"},
        action=reverse("reviews:finding_carry_new", args=[finding.pk]),
        created=lambda: (CarryProposal.objects.count(), PlanItem.objects.count()),
        result_url=lambda: reverse("reviews:finding_detail", args=[finding.pk]),
    )


def raise_ask(marketing_coordinator, departments):
    return CreateForm(
        user=marketing_coordinator,
        page=reverse("meetings:ask_create"),
        form_key="form",
        fill={
            "to_department": departments["dev"].pk,
            "what": "The feature-freeze date",
            "needed_by": (today() + datetime.timedelta(days=7)).isoformat(),
        },
        action=reverse("meetings:ask_create"),
        created=lambda: (Ask.objects.count(),),
        result_url=lambda: reverse("meetings:ask_detail", args=[Ask.objects.get().pk]),
    )


def create_finding(pm, running_plan, departments):
    review = ReviewFactory(
        month=month_start(today()), plan=running_plan, facilitator=pm, status=Review.Status.OPEN
    )
    return CreateForm(
        user=pm,
        page=reverse("reviews:review_detail", args=[review.pk]),
        form_key="finding_form",
        fill={
            "kind": Finding.Kind.PROBLEM,
            "title": "Testing is blocked",
            "department": departments["dev"].pk,
            "severity": "high",
        },
        action=reverse("reviews:finding_create", args=[review.pk]),
        created=lambda: (Finding.objects.filter(review=review).count(),),
        result_url=lambda: reverse(
            "reviews:finding_detail", args=[Finding.objects.get(review=review).pk]
        ),
    )


def create_finding_from_evidence(pm, running_plan, departments):
    review = ReviewFactory(
        month=month_start(today()), plan=running_plan, facilitator=pm, status=Review.Status.OPEN
    )
    late = PlanItemFactory(
        plan=running_plan,
        department=departments["dev"],
        month=review.month,
        start=review.month,
        due=review.month,
        status=PlanItem.Status.BLOCKED,
    )
    line = f"?evidence_kind=plan_item&evidence_object_id={late.pk}"
    return CreateForm(
        user=pm,
        page=reverse("reviews:finding_from_evidence", args=[review.pk]) + line,
        form_key="form",
        fill={},
        action=reverse("reviews:finding_from_evidence", args=[review.pk]),
        created=lambda: (Finding.objects.filter(review=review).count(),),
        result_url=lambda: reverse(
            "reviews:finding_detail", args=[Finding.objects.get(review=review).pk]
        ),
    )


def record_check_in(dev_member, departments):
    goal = GoalFactory(
        department=departments["dev"],
        owner=dev_member,
        start=today() - datetime.timedelta(days=30),
        due=today() + datetime.timedelta(days=30),
    )
    return CreateForm(
        user=dev_member,
        page=reverse("goals:goal_detail", args=[goal.pk]),
        form_key="checkin_form",
        fill={"value": "6"},
        action=reverse("goals:checkin_create", args=[goal.pk]),
        created=lambda: (CheckIn.objects.count(),),
        result_url=lambda: reverse("goals:goal_detail", args=[goal.pk]),
    )


def add_action_item(pm, dev_member, running_plan, departments):
    meeting = MeetingFactory(plan=running_plan, facilitator=pm)
    return CreateForm(
        user=pm,
        page=reverse("meetings:meeting_detail", args=[meeting.pk]),
        form_key="action_form",
        fill={
            "title": "Publish the revised schedule",
            "owner": pm.pk,
            "department": departments["dev"].pk,
        },
        action=reverse("meetings:action_item_create", args=[meeting.pk]),
        created=lambda: (ActionItem.objects.count(),),
        result_url=lambda: reverse("meetings:meeting_detail", args=[meeting.pk]) + "#actions",
    )


FORMS = {
    "carry into a new item": carry_new_item,
    "propose an item": propose_item,
    "raise an ask": raise_ask,
    "create a finding": create_finding,
    "create a finding from evidence": create_finding_from_evidence,
    "record a check-in": record_check_in,
    "add an action item": add_action_item,
}
ONE_ROW = {
    "carry into a new item": (1, 1),
    "propose an item": (1, 0),  # a proposal; the item only once Marketing accepts
}


@pytest.fixture(params=list(FORMS))
def create_form(request):
    make = FORMS[request.param]
    names = inspect.signature(make).parameters
    made = make(*(request.getfixturevalue(name) for name in names))
    made.one_row = ONE_ROW.get(request.param, (1,))
    return made


def test_each_creating_form_serves_a_fresh_token_in_a_hidden_field(client_for, create_form):
    client = client_for(create_form.user)
    first, second = (client.get(create_form.page) for _ in range(2))
    tokens = [
        page.context[create_form.form_key]["submission_token"].value() for page in (first, second)
    ]
    assert tokens[0] != tokens[1]
    assert f'type="hidden" name="submission_token" value="{tokens[0]}"' in first.content.decode()


def test_a_double_submit_creates_one_row_and_shows_the_first_result(client_for, create_form):
    client = client_for(create_form.user)
    data = create_form.posted(client)
    first = client.post(create_form.action, data)
    assert first.status_code == 302, getattr(first, "context", None) and [
        form.errors for form in first.context if hasattr(form, "errors")
    ]
    assert first["Location"] == create_form.result_url()
    second = client.post(create_form.action, data)
    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    assert create_form.created() == create_form.one_row
    assert ALREADY in [str(message) for message in get_messages(second.wsgi_request)]
    token = SubmissionToken.objects.get()
    assert (token.user, token.result_url) == (create_form.user, first["Location"])


@pytest.mark.parametrize("token", ["", "not-a-token", "12345678-1234-1234-1234-1234567890zz"])
def test_a_missing_or_garbled_token_is_refused_on_the_form_and_nothing_saved(
    client_for, create_form, token
):
    client = client_for(create_form.user)
    response = client.post(
        create_form.action, {**create_form.posted(client), "submission_token": token}
    )
    assert response.status_code == 400
    assert LOST in response.content.decode()
    assert create_form.created() == tuple(0 for _ in create_form.one_row)
    assert not SubmissionToken.objects.exists()
    # The form shown again has a token of its own: sending it as it is now saves once.
    fresh = response.context[create_form.form_key]["submission_token"].value()
    assert fresh not in (token, None) and len(fresh) == 36
    again = client.post(
        create_form.action, {**create_form.posted(client), "submission_token": fresh}
    )
    assert again.status_code == 302 and create_form.created() == create_form.one_row


def test_a_post_without_any_token_is_refused(client_for, create_form):
    client = Client()
    client.force_login(create_form.user)
    data = create_form.posted(client_for(create_form.user))
    del data["submission_token"]
    response = client.post(create_form.action, data)
    assert response.status_code == 400 and LOST in response.content.decode()
    assert create_form.created() == tuple(0 for _ in create_form.one_row)


def test_a_token_another_user_used_is_refused_and_nothing_saved(
    client_for, pm, dev_coordinator, finding, departments
):
    mine = carry_new_item(pm, finding, departments)
    data = mine.posted(client_for(pm))
    assert client_for(pm).post(mine.action, data).status_code == 302
    theirs = propose_item(dev_coordinator, finding, departments)
    stolen = {
        **theirs.posted(client_for(dev_coordinator)),
        "submission_token": data["submission_token"],
    }
    response = client_for(dev_coordinator).post(theirs.action, stolen)
    assert response.status_code == 400
    assert "used for another form or by someone else" in response.content.decode()
    assert not CarryProposal.objects.exists() and PlanItem.objects.count() == 1


def test_a_service_refusal_keeps_no_token_so_the_corrected_form_goes_through(
    client_for, pm, finding, departments
):
    form = carry_new_item(pm, finding, departments)
    client = client_for(pm)
    data = form.posted(client)
    # A due date outside the accepted range: refused by the form, the token kept for the retry.
    refused = client.post(form.action, {**data, "due": "1999-12-31"})
    assert refused.status_code == 400 and not SubmissionToken.objects.exists()
    assert refused.context["new_item_form"]["submission_token"].value() == data["submission_token"]
    assert client.post(form.action, data).status_code == 302
    assert form.created() == (1, 1)


def test_the_already_submitted_message_is_translated(client_for, create_form):
    Profile.objects.update_or_create(user=create_form.user, defaults={"language": "zh-hans"})
    client = client_for(create_form.user)
    data = create_form.posted(client)
    client.post(create_form.action, data)
    second = client.post(create_form.action, data, follow=True)
    assert "已经提交过了；这是提交的结果。" in second.content.decode()


# ---------------------------------------------------------------------- at the same moment


def _submit_at_once(user, action, data, times) -> list[int]:
    """Posts `data` to `action` from `times` threads released together; their statuses."""
    barrier = threading.Barrier(times)
    statuses = []
    lock = threading.Lock()

    def submit():
        client = Client()
        client.force_login(user)
        try:
            barrier.wait(timeout=60)
            status = client.post(action, data).status_code
        finally:
            connections.close_all()
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=submit) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return statuses


@pytest.mark.django_db(transaction=True)
def test_twenty_identical_submits_at_once_create_one_row(client_for, create_form):
    data = create_form.posted(client_for(create_form.user))
    statuses = _submit_at_once(create_form.user, create_form.action, data, 20)
    assert statuses == [302] * 20
    assert create_form.created() == create_form.one_row
    assert SubmissionToken.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_fifty_identical_carries_into_a_new_item_at_once_make_one_item_and_one_carryover(
    client_for, pm, finding, departments
):
    form = carry_new_item(pm, finding, departments)
    data = form.posted(client_for(pm))
    statuses = _submit_at_once(pm, form.action, data, 50)
    assert statuses == [302] * 50
    assert PlanItem.objects.count() == 1 and Carryover.objects.count() == 1
    carryover = Carryover.objects.get()
    assert carryover.finding == finding and carryover.accepted_at is not None
